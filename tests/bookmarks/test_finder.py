"""Finding a bookmark's file in a real corpus listing after moves and edits."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from tests.bookmarks.helpers import NEW_PARAGRAPH, PLAIN, ZNEWS, replace_once
from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.model import ArticleMeta
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.finder import ArticleFinder, Locator, bookmarks_for, find_article
from tui_reader.paths import cache_dir
from tui_reader.store.bookmarks import BookmarkStatus
from tui_reader.store.state import StateStore


def metas(corpus: Path) -> list[ArticleMeta]:
    return refresh_listing(cache_dir(), [corpus]).articles


def test_unchanged_file_is_found_by_key(corpus: Path) -> None:
    mark = new_bookmark(load_article(corpus / ZNEWS), 3)
    found = find_article(mark, metas(corpus))
    assert found is not None and found.path == str(corpus / ZNEWS) and found.key == mark.article_key


def test_moved_file_is_found_by_key(corpus: Path) -> None:
    mark = new_bookmark(load_article(corpus / ZNEWS), 3)
    (corpus / "moved").mkdir()
    target = corpus / "moved" / "renamed.txt"
    shutil.move(corpus / ZNEWS, target)
    finder = ArticleFinder(metas(corpus))
    found = finder.find(mark)
    assert found is not None and found.path == str(target)
    located = Locator(finder).locate(mark)
    assert located.article is not None and located.article.path == target
    assert located.resolution.ok and located.resolution.passage_index == mark.passage_index


def test_file_edited_in_place_is_found_by_path(corpus: Path) -> None:
    path = corpus / PLAIN
    before = load_article(path)
    mark = new_bookmark(before, 5)
    after = replace_once(
        path, before.passages[2].text, NEW_PARAGRAPH + "\n" + before.passages[2].text
    )
    assert after.key != mark.article_key
    located = Locator(ArticleFinder(metas(corpus))).locate(mark)
    assert located.article is not None and located.article.path == path
    assert located.resolution.ok and located.resolution.passage_index == mark.passage_index + 1


def test_file_moved_and_edited_is_found_by_title(corpus: Path) -> None:
    path = corpus / ZNEWS
    before = load_article(path)
    mark = new_bookmark(before, 9)
    replace_once(path, before.passages[1].text, before.passages[1].text + " Thêm một câu mới.")
    target = corpus / "elsewhere.txt"
    os.replace(path, target)
    found = ArticleFinder(metas(corpus)).find(mark)
    assert found is not None and found.path == str(target) and found.title == mark.title
    assert found.key != mark.article_key
    located = Locator(ArticleFinder(metas(corpus))).locate(mark)
    assert located.resolution.ok and located.resolution.passage_index == mark.passage_index


def test_missing_article_locates_as_orphaned(corpus: Path) -> None:
    mark = new_bookmark(load_article(corpus / ZNEWS), 9)
    (corpus / ZNEWS).unlink()
    finder = ArticleFinder(metas(corpus))
    assert finder.find(mark) is None and finder.candidates(mark) == []
    located = Locator(finder).locate(mark)
    assert located.article is None and located.resolution.status is BookmarkStatus.ORPHANED


def test_same_title_prefers_the_same_file_name_and_tries_the_others(corpus: Path) -> None:
    path = corpus / ZNEWS
    article = load_article(path)
    mark = new_bookmark(article, 9)
    # Two different articles under the same title: the original, edited beyond recognition
    # of passage 9, in a folder with its old name; and an unrelated-bodied twin elsewhere.
    (corpus / "a").mkdir()
    (corpus / "b").mkdir()
    replace_once(path, article.passages[9].text, "Đoạn này đã bị thay hoàn toàn.")
    os.replace(path, corpus / "a" / ZNEWS)
    twin = corpus / "b" / "twin.txt"
    twin.write_text(f"{article.title}\n\nMột bài khác cùng tiêu đề.\n\n{mark.quote}\n", "utf-8")
    finder = ArticleFinder(metas(corpus))
    candidates = finder.candidates(mark)
    assert [Path(m.path) for m in candidates] == [corpus / "a" / ZNEWS, twin]
    located = Locator(finder).locate(mark)  # the first has lost the passage; the twin has it
    assert located.article is not None and located.article.path == twin
    assert located.resolution.ok


def test_unreadable_candidate_is_skipped(corpus: Path) -> None:
    mark = new_bookmark(load_article(corpus / PLAIN), 2)
    meta = next(m for m in metas(corpus) if m.path == str(corpus / PLAIN))
    (corpus / PLAIN).unlink()  # listed, then gone before it is opened
    located = Locator(ArticleFinder([meta])).locate(mark)
    assert located.article is None and not located.resolution.ok


def test_finder_on_a_large_listing_finds_each_way(corpus: Path) -> None:
    base = metas(corpus)
    mark = new_bookmark(load_article(corpus / ZNEWS), 4)
    filler = [
        ArticleMeta(f"/corpus/{n}.txt", f"key{n}", f"Bài {n}", None, 100, n) for n in range(35_000)
    ]
    finder = ArticleFinder(filler + base)
    assert finder.find(mark) == next(m for m in base if m.key == mark.article_key)
    moved = dataclasses.replace(mark, article_key="gone", path=Path("/corpus/17.txt"))
    assert finder.find(moved) == filler[17]
    titled = dataclasses.replace(mark, article_key="gone", path=Path("/nowhere.txt"))
    assert finder.find(titled) == next(m for m in base if m.title == mark.title)


def test_bookmarks_for_an_article_include_those_saved_under_its_old_key(
    corpus: Path, tmp_path: Path
) -> None:
    plain_path = corpus / PLAIN
    plain, znews = load_article(plain_path), load_article(corpus / ZNEWS)
    with StateStore.open(tmp_path / "data") as store:
        mine = store.add_bookmark(new_bookmark(plain, 3))
        store.add_bookmark(new_bookmark(znews, 3))
        edited = replace_once(plain_path, plain.passages[1].text, plain.passages[1].text + " Thêm.")
        assert store.bookmarks(edited.key) == []  # the stored key is the old one
        assert [m.uid for m in bookmarks_for(edited, store.bookmarks())] == [mine.uid]
        target = corpus / "moved.txt"
        os.replace(plain_path, target)
        moved_and_edited = load_article(target)
        # Neither key nor path match: only the title lookup of ArticleFinder links these.
        assert bookmarks_for(moved_and_edited, store.bookmarks()) == []
        assert [m.article_key for m in bookmarks_for(znews, store.bookmarks())] == [znews.key]
