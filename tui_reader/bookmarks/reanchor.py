"""Keeping stored anchors in step with the article as it is now.

Re-anchoring only ever moves a bookmark or changes its status: the quote, note
and context are the user's record of what they marked and are never rewritten,
and nothing is deleted. An orphan that matches again becomes ``ok`` again.

Read marks and reading positions follow an edited or moved article the same
way (:func:`follow_read_state`, :func:`position_in`): the row's cursor passage
is an anchor like a bookmark's and is found with the same finder and resolver.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace

from tui_reader.articles.model import Article
from tui_reader.bookmarks.finder import Locator
from tui_reader.bookmarks.resolve import Resolution, resolve
from tui_reader.store.bookmarks import Bookmark
from tui_reader.store.marks import ReadState
from tui_reader.store.state import StateStore


def reanchor(store: StateStore, bookmark: Bookmark, article: Article | None) -> Resolution:
    """Resolve ``bookmark`` in ``article`` and save the new position or status if it changed.

    ``article`` is the one found for the bookmark (see :class:`ArticleFinder`), or
    None when the corpus has none, which orphans the bookmark. Returns the
    resolution; the saved row is ``resolution.apply_to(bookmark, article.path)``.
    """
    resolution = resolve(bookmark, article)
    path = article.path if article is not None and resolution.ok else bookmark.path
    moved = resolution.apply_to(bookmark, path)
    # An edited article has a new content key: the bookmark follows it.
    rekeyed = article is not None and resolution.ok and article.key != bookmark.article_key
    if moved is not bookmark or rekeyed:
        store.set_bookmark_anchor(
            bookmark.id,
            moved.passage_index,
            moved.path,
            moved.status,
            start=moved.start,
            end=moved.end,
            article_key=article.key if rekeyed and article is not None else None,
            title=article.title if rekeyed and article is not None else None,
        )
    return resolution


def planned(bookmark: Bookmark, article: Article | None) -> Bookmark | None:
    """What :func:`reanchor` would save for ``bookmark`` (None: nothing changes).

    For saving many at once (:meth:`StateStore.set_bookmark_anchors`): the corpus
    check re-anchors thousands of bookmarks in a few transactions, not one each.
    """
    resolution = resolve(bookmark, article)
    path = article.path if article is not None and resolution.ok else bookmark.path
    moved = resolution.apply_to(bookmark, path)
    rekeyed = article is not None and resolution.ok and article.key != bookmark.article_key
    if rekeyed and article is not None:
        return replace(moved, article_key=article.key, title=article.title)
    return None if moved is bookmark else moved


def reanchor_all(
    store: StateStore, bookmarks: Iterable[Bookmark], article: Article | None
) -> dict[int, Resolution]:
    """:func:`reanchor` each of one article's bookmarks; resolutions by bookmark id."""
    return {mark.id: reanchor(store, mark, article) for mark in bookmarks}


@dataclass(frozen=True, slots=True)
class Followed:
    """A read mark / position found again on an edited or moved article."""

    old_key: str
    new_key: str
    passage: int | None
    read: bool
    path: str
    title: str


def follow_read_state(row: ReadState, locator: Locator) -> Followed | None:
    """Where the article of a read-state row is now, found the way a bookmark is found.

    A row with a position anchor (the cursor's passage) is located and resolved
    exactly like a bookmark (key, path, title; then the passage, exact or fuzzy):
    it follows the article only if that passage is found there. A row without one
    (marked read from the list, never opened) follows only a file at the same path,
    or with the same file name, that has the same title: a weaker clue, so it asks
    for more.
    """
    if row.quote:
        located = locator.locate(row)
        article = located.article
        if not located.resolution.ok or article is None or article.key == row.article_key:
            return None
        return Followed(
            row.article_key,
            article.key,
            located.resolution.passage_index,
            row.read,
            str(article.path),
            article.title,
        )
    if not row.title.strip() or row.path_text is None:
        return None
    name = os.path.basename(row.path_text)
    for meta in locator.finder.candidates(row):
        same_file = meta.path == row.path_text or os.path.basename(meta.path) == name
        if same_file and meta.title == row.title and meta.key != row.article_key:
            return Followed(row.article_key, meta.key, None, row.read, meta.path, meta.title)
    return None


def position_in(row: ReadState, article: Article) -> int | None:
    """The passage of ``article`` where the row's cursor passage is now (None: not found)."""
    if row.passage is None:
        return None
    if row.article_key == article.key or not row.quote:
        return row.passage if row.passage < len(article.passages) else None
    resolution = resolve(row, article)
    return resolution.passage_index if resolution.ok else None
