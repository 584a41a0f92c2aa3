"""Keeping stored anchors in step with the article as it is now.

Re-anchoring only ever moves a bookmark or changes its status: the quote, note
and context are the user's record of what they marked and are never rewritten,
and nothing is deleted. An orphan that matches again becomes ``ok`` again.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui_reader.articles.model import Article
from tui_reader.bookmarks.resolve import Resolution, resolve
from tui_reader.store.bookmarks import Bookmark
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


def reanchor_all(
    store: StateStore, bookmarks: Iterable[Bookmark], article: Article | None
) -> dict[int, Resolution]:
    """:func:`reanchor` each of one article's bookmarks; resolutions by bookmark id."""
    return {mark.id: reanchor(store, mark, article) for mark in bookmarks}
