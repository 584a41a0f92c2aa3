"""Re-anchoring saves moves and status changes in a real store, and never drops a bookmark."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bookmarks.helpers import (
    NEW_PARAGRAPH,
    PLAIN,
    ZNEWS,
    index_of,
    replace_once,
    write_znews_blocks,
    znews_blocks,
)
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.reanchor import reanchor, reanchor_all
from tui_reader.store.bookmarks import BookmarkStatus
from tui_reader.store.state import StateStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore.open(tmp_path / "data") as opened:
        yield opened


def test_unchanged_article_writes_nothing(corpus: Path, store: StateStore) -> None:
    article = load_article(corpus / PLAIN)
    mark = store.add_bookmark(new_bookmark(article, 4, "ghi chú"))
    found = reanchor(store, mark, article)
    assert found.ok and found.passage_index == 4
    assert store.bookmark(mark.id) == mark  # same row, same "updated"


def test_inserted_paragraph_moves_the_saved_index(corpus: Path, store: StateStore) -> None:
    path = corpus / PLAIN
    before = load_article(path)
    mark = store.add_bookmark(new_bookmark(before, 6))
    after = replace_once(
        path, before.passages[1].text, before.passages[1].text + "\n" + NEW_PARAGRAPH
    )
    found = reanchor(store, mark, after)
    saved = store.bookmark(mark.id)
    assert saved is not None and found.ok
    assert saved.passage_index == index_of(after, mark.quote) == found.passage_index
    assert (saved.quote, saved.status, saved.start, saved.end) == (
        mark.quote,
        BookmarkStatus.OK,
        0,
        len(mark.quote),
    )


def test_deleted_passage_orphans_and_restored_passage_heals(
    corpus: Path, store: StateStore
) -> None:
    path = corpus / ZNEWS
    original = path.read_text(encoding="utf-8")
    before = load_article(path)
    mark = store.add_bookmark(new_bookmark(before, 9, "nhớ đọc lại"))
    blocks = znews_blocks(path)
    assert blocks[10] == mark.quote
    without = write_znews_blocks(path, blocks[:10] + blocks[11:])
    assert not reanchor(store, mark, without).ok
    orphan = store.bookmark(mark.id)
    assert orphan is not None and orphan.status is BookmarkStatus.ORPHANED
    # The quote, note, position and context are kept; the bookmark is still listed.
    assert (orphan.quote, orphan.note, orphan.passage_index, orphan.prefix, orphan.suffix) == (
        mark.quote,
        mark.note,
        mark.passage_index,
        mark.prefix,
        mark.suffix,
    )
    assert [b.uid for b in store.bookmarks()] == [mark.uid]
    assert not reanchor(store, orphan, without).ok  # still orphaned, still there
    path.write_text(original, encoding="utf-8")
    healed = reanchor(store, orphan, load_article(path))
    saved = store.bookmark(mark.id)
    assert healed.ok and saved is not None and saved.status is BookmarkStatus.OK
    assert saved.passage_index == mark.passage_index


def test_missing_article_orphans_without_losing_anything(corpus: Path, store: StateStore) -> None:
    mark = store.add_bookmark(new_bookmark(load_article(corpus / ZNEWS), 2))
    assert not reanchor(store, mark, None).ok
    saved = store.bookmark(mark.id)
    assert saved is not None and saved.status is BookmarkStatus.ORPHANED
    assert (saved.quote, saved.path, saved.start, saved.end) == (
        mark.quote,
        mark.path,
        mark.start,
        mark.end,
    )


def test_moved_file_updates_the_saved_path(corpus: Path, store: StateStore) -> None:
    article = load_article(corpus / PLAIN)
    marks = [store.add_bookmark(new_bookmark(article, i)) for i in (1, 3)]
    target = corpus / "moved.txt"
    os.replace(corpus / PLAIN, target)
    moved = load_article(target)
    results = reanchor_all(store, marks, moved)
    assert all(r.ok for r in results.values()) and set(results) == {m.id for m in marks}
    assert {b.path for b in store.bookmarks()} == {target}


def test_bookmark_follows_an_edited_article_to_its_new_key(tmp_path: Path) -> None:
    """Editing an article changes its content key; its bookmarks move to the new key."""
    from tui_reader.articles.parse import parse_article
    from tui_reader.bookmarks import new_bookmark, reanchor
    from tui_reader.store.state import StateStore

    seed = Path(__file__).resolve().parents[2] / "seeds" / "004_43a67dcebbb22425.txt"
    text = seed.read_text(encoding="utf-8")
    before = parse_article(text, seed)
    after = parse_article(text.replace("cân nhắc cử đại diện", "cân nhắc việc cử đại diện"), seed)
    assert before.key != after.key
    with StateStore.open(tmp_path / "data") as store:
        mark = store.add_bookmark(new_bookmark(before, 3, "ghi chú"))
        resolution = reanchor(store, mark, after)
        assert resolution.ok
        assert store.bookmark_counts() == {after.key: 1}
        (moved,) = store.bookmarks(after.key)
        assert moved.title == after.title
        assert moved.note == "ghi chú"
