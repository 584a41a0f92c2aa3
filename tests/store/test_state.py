"""Read marks, positions and bookmarks persist across reopening a real database file."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tui_reader.store.bookmarks import Bookmark, BookmarkStatus, NewBookmark
from tui_reader.store.schema import MIGRATIONS
from tui_reader.store.state import StateStore


def _new(key: str = "k1", quote: str = "Hà Nội", note: str = "") -> NewBookmark:
    return NewBookmark(
        article_key=key,
        path=Path(f"/corpus/{key}.txt"),
        title=f"Bài {key}",
        passage_index=1,
        quote=quote,
        start=4,
        end=4 + len(quote),
        prefix="Tại ",
        suffix=" hôm nay",
        note=note,
    )


def test_read_marks_and_offsets_survive_reopen(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read("a")
        store.set_read("b")
        store.set_read("b", False)
        assert store.toggle_read("c") is True
        store.set_scroll_offset("a", 42.5)
        store.set_scroll_offset("d", 7.0)
    with StateStore.open(tmp_path) as store:
        assert store.read_keys() == {"a", "c"}
        assert store.is_read("a") and not store.is_read("b") and not store.is_read("d")
        assert store.scroll_offset("a") == 42.5
        assert store.scroll_offset("d") == 7.0
        assert store.scroll_offset("never") is None
        assert store.toggle_read("c") is False
        assert store.notices == [] and store.save_problem is None


def test_marking_read_keeps_offset_and_first_read_time(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_scroll_offset("a", 3.25)
        store.set_read("a")
        first = (
            sqlite3.connect(store.path)
            .execute("SELECT read_at FROM read_state WHERE article_key = 'a'")
            .fetchone()[0]
        )
        store.set_read("a")
        store.set_scroll_offset("a", 9.0)
        row = (
            sqlite3.connect(store.path)
            .execute("SELECT read, read_at, y FROM read_state WHERE article_key = 'a'")
            .fetchone()
        )
        assert row == (1, first, 9.0)
        store.set_read("a", False)
        assert store.scroll_offset("a") == 9.0
        assert not store.is_read("a")


def test_offset_must_be_finite(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        with pytest.raises(ValueError, match="finite"):
            store.set_scroll_offset("a", float("nan"))
        assert store.scroll_offset("a") is None


def test_bookmark_lifecycle_and_undo(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        first = store.add_bookmark(_new("k1", note="đầu tiên"))
        second = store.add_bookmark(_new("k1", quote="Sài Gòn"))
        third = store.add_bookmark(_new("k2"))
        assert [b.id for b in store.bookmarks()] == [third.id, second.id, first.id]
        assert [b.id for b in store.bookmarks("k1")] == [second.id, first.id]
        assert store.bookmark_counts() == {"k1": 2, "k2": 1}
        assert first.status is BookmarkStatus.OK and first.created == first.updated

        store.update_note(first.id, "ghi chú mới")
        deleted = store.delete_bookmark(second.id)
        assert deleted is not None and deleted.quote == "Sài Gòn"
        assert store.delete_bookmark(second.id) is None
        assert store.bookmark_counts() == {"k1": 1, "k2": 1}
        store.restore_bookmark(deleted)
        store.restore_bookmark(deleted)  # Undo twice is harmless.
        store.set_bookmark_anchor(third.id, 5, "/moved/k2.txt", "orphaned", start=0, end=6)

    with StateStore.open(tmp_path) as store:
        saved = {b.uid: b for b in store.bookmarks()}
        assert len(saved) == 3
        assert saved[first.uid].note == "ghi chú mới"
        assert saved[first.uid].updated >= first.updated
        assert saved[second.uid] == deleted  # Same id, same uid, same columns.
        moved = saved[third.uid]
        assert (moved.passage_index, moved.path, moved.status) == (
            5,
            Path("/moved/k2.txt"),
            BookmarkStatus.ORPHANED,
        )
        assert (moved.start, moved.end) == (0, 6)


def test_unknown_ids_are_ignored(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.update_note(999, "x")
        store.set_bookmark_anchor(999, 0, "/x", "ok")
        assert store.delete_bookmark(999) is None
        assert store.bookmarks() == []


def test_bad_anchor_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="anchor"):
        NewBookmark("k", Path("/x"), "t", 0, "q", start=5, end=2)


def test_text_is_stored_verbatim(tmp_path: Path) -> None:
    tricky = "'; DROP TABLE bookmarks; --\x1b[31m\0 \ud800 end"
    with StateStore.open(tmp_path) as store:
        mark = store.add_bookmark(_new("k'1", note=tricky))
        store.set_read("k'1; --")
    with StateStore.open(tmp_path) as store:
        (saved,) = store.bookmarks()
        assert saved.note == tricky.replace("\ud800", "\ufffd")
        assert saved.uid == mark.uid and saved.article_key == "k'1"
        assert store.read_keys() == {"k'1; --"}


def test_record_round_trip(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        mark = store.add_bookmark(_new())
    record = mark.to_record()
    assert record["path"] == "/corpus/k1.txt" and record["status"] == "ok"
    assert Bookmark(**{**record, "path": Path(str(record["path"]))}) == mark  # type: ignore[arg-type]


def test_private_permissions(tmp_path: Path) -> None:
    data = tmp_path / "nested" / "data"
    with StateStore.open(data) as store:
        store.set_read("a")
        assert store.path == data / "state.sqlite3"
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        wal = Path(f"{store.path}-wal")
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_default_dir_comes_from_environment() -> None:
    with StateStore.open() as store:
        store.set_read("a")
        assert store.path.parent == Path(os.environ["TUI_READER_DATA_DIR"])


def test_wal_and_schema_version(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_closed_store_refuses_use(tmp_path: Path) -> None:
    store = StateStore.open(tmp_path)
    store.close()
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.set_read("a")
