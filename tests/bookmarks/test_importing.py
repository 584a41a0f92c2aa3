"""Importing JSON exports: re-anchored against the corpus, idempotent, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bookmarks.helpers import NEW_PARAGRAPH, PLAIN, ZNEWS, index_of, replace_once
from tests.helpers import copy_seeds
from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.export import export_json
from tui_reader.bookmarks.finder import ArticleFinder, Locator
from tui_reader.bookmarks.importing import (
    BookmarkImportError,
    import_bookmarks,
    parse_export,
    read_export,
)
from tui_reader.bookmarks.reanchor import reanchor
from tui_reader.paths import cache_dir
from tui_reader.store.bookmarks import BookmarkStatus
from tui_reader.store.state import StateStore


def locator(corpus: Path) -> Locator:
    return Locator(ArticleFinder(refresh_listing(cache_dir(), [corpus]).articles))


def make_export(tmp_path: Path, corpus: Path) -> str:
    """Bookmarks of every kind in a first store, exported as JSON."""
    plain, znews = load_article(corpus / PLAIN), load_article(corpus / ZNEWS)
    with StateStore.open(tmp_path / "first") as store:
        store.add_bookmark(new_bookmark(plain, 3, "ghi chú\nhai dòng"))
        store.add_bookmark(new_bookmark(znews, 6))
        store.add_bookmark(new_bookmark(znews, 2, start=12, end=70))
        orphan = store.add_bookmark(new_bookmark(znews, 9, "mồ côi"))
        reanchor(store, orphan, None)
        return export_json(store.bookmarks())


def test_export_import_export_round_trip(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    exported = make_export(tmp_path, corpus)
    with StateStore.open(tmp_path / "second") as store:
        report = import_bookmarks(store, parse_export(exported), locator(corpus))
        again = {row["uid"]: row for row in json.loads(export_json(store.bookmarks()))}
    rows = json.loads(exported)
    assert (report.added, report.present, report.orphaned) == (len(rows), 0, 0)
    assert set(again) == {row["uid"] for row in rows}
    for row in rows:
        got = again[row["uid"]]
        if row["status"] == "ok":
            assert got == row
        else:  # the orphan's passage is in this corpus: it is anchored again
            assert (got["status"], got["updated"] > row["updated"]) == ("ok", True)
            same = {k: v for k, v in got.items() if k not in ("status", "updated")}
            assert same == {k: v for k, v in row.items() if k not in ("status", "updated")}


def test_round_trip_of_an_unchanged_corpus_is_byte_identical(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    plain = load_article(corpus / PLAIN)
    with StateStore.open(tmp_path / "first") as store:
        for index in range(len(plain.passages)):
            store.add_bookmark(new_bookmark(plain, index, f"ghi chú {index}"))
        first = export_json(store.bookmarks())
    with StateStore.open(tmp_path / "second") as store:
        import_bookmarks(store, parse_export(first), locator(corpus))
        assert export_json(store.bookmarks()) == first


def test_importing_twice_adds_nothing(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    rows = parse_export(make_export(tmp_path, corpus))
    with StateStore.open(tmp_path / "second") as store:
        first = import_bookmarks(store, rows, locator(corpus))
        second = import_bookmarks(store, rows, locator(corpus))
        doubled = import_bookmarks(store, rows + rows, locator(corpus))
        assert (first.added, second.added, second.present) == (len(rows), 0, len(rows))
        # Each row twice in one file: the repeats are counted as such, nothing is added.
        assert (doubled.added, doubled.present, doubled.duplicates) == (0, len(rows), len(rows))
        assert len(store.bookmarks()) == len(rows)


def test_absent_articles_are_imported_as_orphans(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    rows = parse_export(make_export(tmp_path, corpus))
    other = tmp_path / "other"
    other.mkdir()
    (other / "khac.txt").write_text("Một bài khác\n\nHoàn toàn khác nội dung.\n", "utf-8")
    with StateStore.open(tmp_path / "second") as store:
        report = import_bookmarks(store, rows, locator(other))
        saved = store.bookmarks()
    assert report.added == report.orphaned == len(rows)
    assert {m.status for m in saved} == {BookmarkStatus.ORPHANED}
    assert sorted(m.quote for m in saved) == sorted(r.quote for r in rows)
    # Nothing but the status changed; an orphan in the file is imported exactly as it was.
    for row in rows:
        mark = next(m for m in saved if m.uid == row.uid)
        assert (mark.passage_index, mark.start, mark.end, mark.path, mark.note) == (
            row.passage_index,
            row.start,
            row.end,
            row.path,
            row.note,
        )
        if row.status is BookmarkStatus.ORPHANED:
            assert mark.updated == row.updated


def test_import_reanchors_against_an_edited_corpus(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    rows = parse_export(make_export(tmp_path, corpus))
    before = load_article(corpus / ZNEWS)
    after = replace_once(
        corpus / ZNEWS, before.passages[0].text, before.passages[0].text + "\n\n" + NEW_PARAGRAPH
    )
    with StateStore.open(tmp_path / "second") as store:
        report = import_bookmarks(store, rows, locator(corpus))
        saved = {m.uid: m for m in store.bookmarks()}
    assert report.reanchored == sum(r.path.name == ZNEWS for r in rows)
    for row in rows:
        mark = saved[row.uid]
        assert mark.status is BookmarkStatus.OK and mark.quote == row.quote
        if row.path.name == ZNEWS and row.start == 0:
            assert mark.passage_index == index_of(after, row.quote) == row.passage_index + 1
        elif row.path.name == ZNEWS:  # the selection
            text = after.passages[mark.passage_index].text
            assert text[mark.start : mark.end] == row.quote
        if (mark.passage_index, mark.start, mark.end, mark.status) != (
            row.passage_index,
            row.start,
            row.end,
            row.status,
        ):
            assert mark.updated > row.updated


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b'{"uid": "x"}', "expected a JSON list"),
        (b'"text"', "found a string"),
        (b"[" * 100_000, "nested too deeply"),
        (b'[{"uid": "a"}]', "row 1"),
        (b"[1]", "row 1: expected an object"),
    ],
)
def test_bad_input_is_rejected_with_a_message(content: bytes, problem: str) -> None:
    with pytest.raises(BookmarkImportError, match=problem):
        parse_export(content, "export.json")


def test_one_bad_row_in_the_middle_adds_nothing(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    rows = json.loads(make_export(tmp_path, corpus))
    rows[1]["start"] = "ba"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(rows), "utf-8")
    with pytest.raises(BookmarkImportError, match=r"row 2: 'start'"):
        read_export(bad)
    with pytest.raises(BookmarkImportError, match="cannot read"):
        read_export(tmp_path / "missing.json")
