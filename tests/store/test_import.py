"""Bookmark import: one transaction, idempotent by uid, all-or-nothing on a bad row."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui_reader.store.errors import BookmarkImportError
from tui_reader.store.state import StateStore


def _record(n: int, **changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": 1000 + n,  # Ids are local to each database and must be ignored.
        "uid": f"uid-{n:04d}",
        "article_key": f"key-{n % 7}",
        "path": f"/corpus/{n}.txt",
        "title": f"Bài số {n}",
        "passage_index": n % 5,
        "quote": f"trích dẫn {n}",
        "prefix": "trước ",
        "suffix": " sau",
        "start": 6,
        "end": 6 + len(f"trích dẫn {n}"),
        "note": f"ghi chú {n}",
        "created": f"2025-01-{1 + n % 28:02d}T08:00:00Z",
        "status": "ok",
        "source_url": None,
    }
    record.update(changes)
    return record


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM bookmarks").fetchone()[0])
    finally:
        conn.close()


def test_import_twice_adds_once(tmp_path: Path) -> None:
    rows = [_record(n) for n in range(50)]
    with StateStore.open(tmp_path) as store:
        assert store.import_bookmarks(rows) == 50
        assert store.import_bookmarks(rows) == 0
        assert store.import_bookmarks([*rows, _record(50)]) == 1
        assert len(store.bookmarks()) == 51
        assert store.bookmark_counts()["key-0"] == len([n for n in range(51) if n % 7 == 0])
        assert {b.id for b in store.bookmarks()}.isdisjoint({1000 + n for n in range(51)})


def test_export_then_import_into_another_store(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "a") as source:
        source.import_bookmarks([_record(n) for n in range(5)])
        source.update_note(source.bookmarks()[0].id, "sửa")
        exported = json.dumps([b.to_record() for b in source.bookmarks()])
        originals = source.bookmarks()
    with StateStore.open(tmp_path / "b") as target:
        assert target.import_bookmarks(json.loads(exported)) == 5
        assert target.import_bookmarks(originals) == 0  # Bookmark objects are accepted too.
        copied = target.bookmarks()
    assert [(b.uid, b.note, b.created, b.updated) for b in copied] == [
        (b.uid, b.note, b.created, b.updated) for b in originals
    ]


def test_duplicate_uids_within_one_import_count_once(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        assert store.import_bookmarks([_record(1), _record(1, note="khác")]) == 1
        assert store.bookmarks()[0].note == "ghi chú 1"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"start": "6"}, "'start' must be a whole number"),
        ({"end": 2}, "'end' must be at least 6"),
        ({"uid": ""}, "'uid' must not be empty"),
        ({"passage_index": True}, "'passage_index' must be a whole number"),
        ({"created": "hôm qua"}, "'created' is not an ISO-8601"),
        ({"status": "lost"}, "'status' must be one of ok, orphaned"),
        ({"title": None}, "'title' is missing"),
        ({"source_url": 5}, "'source_url' must be text or null"),
    ],
)
def test_bad_row_in_the_middle_adds_nothing(
    tmp_path: Path, bad: dict[str, object], message: str
) -> None:
    rows = [_record(n) for n in range(10)]
    rows[5] = _record(5, **bad)
    with StateStore.open(tmp_path) as store:
        with pytest.raises(BookmarkImportError, match=f"row 6: {message}"):
            store.import_bookmarks(rows)
        assert store.bookmarks() == []
        assert store.save_problem is None and store.pending_writes == 0
    assert _count(tmp_path / "state.sqlite3") == 0


def test_non_object_row_is_rejected(tmp_path: Path) -> None:
    rows: list[Any] = [_record(1), ["not", "a", "dict"]]  # As json.load might give.
    with StateStore.open(tmp_path) as store:
        with pytest.raises(BookmarkImportError, match="row 2: expected an object"):
            store.import_bookmarks(rows)
        assert store.bookmarks() == []


def test_failure_while_reading_rows_adds_nothing(tmp_path: Path) -> None:
    """Rows are all read and checked before the transaction; a failing source adds nothing."""

    def rows() -> Iterator[dict[str, object]]:
        yield _record(1)
        yield _record(2)
        raise OSError("import file vanished")

    with StateStore.open(tmp_path) as store:
        with pytest.raises(OSError, match="vanished"):
            store.import_bookmarks(rows())
        assert store.bookmarks() == []


def test_database_rejection_rolls_back_the_whole_import(tmp_path: Path) -> None:
    """A row the schema refuses half-way through (checked by SQLite, not Python) adds nothing."""
    with StateStore.open(tmp_path) as store:
        store.import_bookmarks([_record(0)])
        conn = sqlite3.connect(store.path)
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON bookmarks WHEN NEW.uid = 'uid-0005' "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        )
        conn.commit()
        conn.close()
        with pytest.raises(BookmarkImportError, match="refused by test trigger"):
            store.import_bookmarks([_record(n) for n in range(1, 10)])
        assert [b.uid for b in store.bookmarks()] == ["uid-0000"]
        assert store.save_problem is None and store.pending_writes == 0


def test_timestamps_are_normalised_to_utc(tmp_path: Path) -> None:
    rows = [
        _record(1, created="2025-03-01T15:00:00+07:00"),
        _record(2, created="2025-03-01T08:30:00"),
        _record(3, created="2025-03-01T09:00:00.5Z", updated="2025-03-02T00:00:00Z"),
    ]
    with StateStore.open(tmp_path) as store:
        store.import_bookmarks(rows)
        saved = {b.uid: b for b in store.bookmarks()}
        assert [b.uid for b in store.bookmarks()] == ["uid-0003", "uid-0002", "uid-0001"]
    assert saved["uid-0001"].created == "2025-03-01T08:00:00.000+00:00"
    assert saved["uid-0002"].updated == saved["uid-0002"].created
    assert saved["uid-0003"].updated == "2025-03-02T00:00:00.000+00:00"
