"""Bookmarks as they are now: each resolved against its file as it is on disk today.

The app re-anchors bookmarks when it checks the corpus; a command run before
that (``tui-reader bookmarks export`` right after a file was edited) must not
report the old status. :func:`as_they_are_now` resolves every bookmark again
(the corpus, when given, is searched like the app does, else each bookmark's own
file is opened) and returns the rows as they would be stored, without saving.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from tui_reader.articles.loader import UnreadableFile, open_article
from tui_reader.articles.model import Article
from tui_reader.bookmarks.finder import Located, Locator
from tui_reader.bookmarks.resolve import ORPHANED, resolve
from tui_reader.store.bookmarks import Bookmark

__all__ = ["as_they_are_now"]

log = logging.getLogger(__name__)


class _OwnFiles:
    """Opens the file a bookmark was saved at, once per path (paths are opaque)."""

    def __init__(self) -> None:
        self._articles: dict[str, Article | None] = {}

    def article(self, path: str) -> Article | None:
        if path not in self._articles:
            try:
                self._articles[path] = open_article(path)
            except (UnreadableFile, OSError, ValueError) as err:
                log.info("bookmark check: cannot read %r: %s", path, err)
                self._articles[path] = None
        return self._articles[path]


def as_they_are_now(marks: Sequence[Bookmark], locator: Locator | None = None) -> list[Bookmark]:
    """Each bookmark with the position and status it has in the files now (nothing saved)."""
    own = _OwnFiles()
    current: list[Bookmark] = []
    for mark in marks:
        located = locator.locate(mark) if locator is not None else Located(None, ORPHANED)
        if not located.resolution.ok:
            article = own.article(str(mark.path))
            if article is not None:
                located = Located(article, resolve(mark, article))
        found = located.article if located.resolution.ok else None
        current.append(located.resolution.apply_to(mark, found.path if found else mark.path))
    return current
