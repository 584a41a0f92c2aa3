"""The bookmarks filter through SQLite's full-text index finds what matching every row finds.

A real state database (schema v3, FTS5 kept in step by triggers) is filled with
bookmarks made from Vietnamese phrases, and for queries typed the ways people
type (no tones, ``d`` for ``đ``, a word cut short, a typo, a word that is not
there) the candidates the index gives are compared with
:class:`~tui_reader.search.filter.FuzzyFilter` run over every bookmark.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from tui_reader.bookmarks.text_filter import TermIndex, match_expression
from tui_reader.search.filter import FuzzyFilter
from tui_reader.store.bookmarks import Bookmark, NewBookmark
from tui_reader.store.state import StateStore

TEXT = (
    "hội nghị thượng đỉnh Hà Nội Triều Tiên Mỹ đại diện liên lạc giá vàng hôm nay "
    "đội tuyển bóng đá Việt Nam thời tiết miền Bắc kinh tế chứng khoán giáo dục "
    "Đà Nẵng Huế học sinh đường sắt cao tốc bão lũ"
)
WORDS = TEXT.split()
QUERIES = [
    "ha noi",  # no tones
    "doi tuyen",  # d for đ
    "hoi ngh",  # the last word cut short while typing
    "chung khaon",  # a typo
    "trieu tien hom",  # three words
    "bong da xyzzy",  # three words, one not there
    "xyzzy",  # nothing
    "Đà Nẵng",  # typed with tones
    "d",  # one letter
]


def filter_text(mark: Bookmark) -> str:
    return f"{mark.title}\n{mark.quote}\n{mark.note}"


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    rng = random.Random(8)
    opened = StateStore.open(tmp_path / "data")
    for n in range(400):
        quote = " ".join(rng.choices(WORDS, k=rng.randint(4, 14)))
        opened.add_bookmark(
            NewBookmark(
                f"k{n % 37}",
                Path(f"/c/{n % 37}.txt"),
                f"Bài {n} về {rng.choice(WORDS)}",
                0,
                quote,
                0,
                len(quote),
                note=" ".join(rng.choices(WORDS, k=3)) if n % 5 == 0 else "",
            )
        )
    return opened


def indexed(store: StateStore, query: str, *, vocabulary: bool = True) -> set[str]:
    terms = TermIndex(store.bookmark_terms()) if vocabulary else None
    expression = match_expression(query, terms)
    if expression is None:
        return set()
    marks, count = store.bookmarks_matching(expression, 10_000)
    assert count == len(marks)
    return {m.uid for m in marks}


def scanned(store: StateStore, query: str) -> set[str]:
    marks = store.bookmarks()
    return {marks[m.index].uid for m in FuzzyFilter([filter_text(m) for m in marks]).filter(query)}


@pytest.mark.parametrize("query", QUERIES)
def test_the_index_finds_every_bookmark_the_full_scan_finds(store: StateStore, query: str) -> None:
    with store:
        assert store.has_bookmark_text_index()
        expected = scanned(store, query)
        found = indexed(store, query)
        assert expected <= found  # nothing the filter accepts is missed
        # ...and the scoring afterwards keeps exactly the scan's matches.
        marks = store.bookmarks_by_uid(found)
        kept = FuzzyFilter([filter_text(m) for m in marks.values()]).filter(query)
        assert {list(marks.values())[m.index].uid for m in kept} == expected
        if query != "xyzzy":
            assert expected
        # Before the vocabulary is read: everything but typos is found already.
        early = indexed(store, query, vocabulary=False)
        assert early <= found
        if query != "chung khaon":
            assert expected <= early


def test_the_vocabulary_read_beside_the_store_is_the_same(store: StateStore) -> None:
    from tui_reader.store.bookmarks import text_terms_in_file

    with store:
        words = store.bookmark_terms()
        assert {"ha", "noi", "đoi", "tuyen"} <= set(words)
        assert sorted(text_terms_in_file(store.path)) == sorted(words)


def test_newest_first_and_a_capped_count(store: StateStore) -> None:
    with store:
        expression = match_expression("ha noi", None)
        assert expression is not None
        every, count = store.bookmarks_matching(expression, 10_000)
        newest, capped = store.bookmarks_matching(expression, 5, count_up_to=7)
        assert count == len(every) > 7
        assert capped == 7
        assert [m.id for m in newest] == sorted((m.id for m in every), reverse=True)[:5]


def test_the_index_follows_edits_deletes_and_undo(store: StateStore) -> None:
    with store:
        (mark,) = store.bookmarks()[:1]
        store.set_note(mark.uid, "Phở bò Nam Định")
        assert mark.uid in indexed(store, "pho bo nam dinh")
        removed = store.delete_by_uid(mark.uid)
        assert removed is not None
        assert mark.uid not in indexed(store, "pho bo nam dinh")
        store.restore_bookmark(removed)
        assert mark.uid in indexed(store, "pho bo")
        path = store.path
    with sqlite3.connect(path) as conn:  # a title rewritten (re-anchoring), a status changed
        conn.execute("UPDATE bookmarks SET title = 'Cầu Long Biên' WHERE uid = ?", (mark.uid,))
        conn.execute("UPDATE bookmarks SET status = 'orphaned', title = title")
        # FTS5's own check that the index matches the rows, token for token.
        conn.execute(
            "INSERT INTO bookmarks_text (bookmarks_text, rank) VALUES ('integrity-check', 1)"
        )
    with StateStore.open(path.parent) as store:
        assert indexed(store, "cau long bien") == {mark.uid}
        assert mark.uid not in indexed(store, "bai")


def test_rows_written_by_another_tool_are_indexed_too(tmp_path: Path) -> None:
    StateStore.open(tmp_path).close()
    with sqlite3.connect(tmp_path / "state.sqlite3") as conn:
        conn.execute(
            "INSERT INTO bookmarks (uid, article_key, path, title, passage_index, quote, start,"
            ' "end", note, created, updated) VALUES '
            "('x', 'k', '/p', 'Thời tiết', 0, 'Mưa to ở Huế', 0, 12, '', 't', 't')"
        )
    with StateStore.open(tmp_path) as store:
        assert indexed(store, "mua hue") == {"x"}


def test_a_database_from_before_the_index_gets_it_with_its_bookmarks(tmp_path: Path) -> None:
    from tui_reader.store import db
    from tui_reader.store.schema import MIGRATIONS

    notices: list[str] = []
    conn = db.open_disk(tmp_path, notices, migrations=MIGRATIONS[:2])
    conn.execute(
        "INSERT INTO bookmarks (uid, article_key, path, title, passage_index, quote, start,"
        ' "end", note, created, updated) VALUES '
        "('old', 'k', '/p', 'Giá vàng', 0, 'Giá vàng hôm nay tăng', 0, 21, 'xem lại', 't', 't')"
    )
    conn.close()
    with StateStore.open(tmp_path) as store:
        assert indexed(store, "gia vang") == {"old"}
        assert indexed(store, "xem lai") == {"old"}


def test_expressions() -> None:
    terms = TermIndex(["ha", "noi", "đoi", "hoi", "nghi", "nghe", "tien", "trieu"])
    assert match_expression("doi", None) == '("doi"* OR "đoi"*)'  # d may be đ
    assert match_expression("ha noi", terms) == '(("ha") AND ("noi"*))'  # short, known: exact
    assert match_expression("nghx", terms) == '("nghx"* OR "nghe" OR "nghi")'  # typos
    assert match_expression("a b c", None) == (
        '(("a") AND ("b")) OR (("a") AND ("c"*)) OR (("b") AND ("c"*))'  # one may be missing
    )
    assert match_expression("", terms) is None
    assert match_expression('"', terms) is None
