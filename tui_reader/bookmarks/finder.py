"""Which file of the corpus a bookmark belongs to, after files moved or changed.

A bookmark remembers its article's content key, path and title. The key finds
the article wherever it was moved, as long as its text is unchanged; the path
finds it after an edit in place; the title finds it after both (moved *and*
edited). :class:`ArticleFinder` indexes the corpus listing once (a few tens of
milliseconds for 35k articles) so each lookup is a few dict probes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from tui_reader.articles.loader import UnreadableFile, open_article
from tui_reader.articles.model import Article, ArticleMeta
from tui_reader.bookmarks.anchor import Anchor
from tui_reader.bookmarks.resolve import ORPHANED, Resolution, resolve

B = TypeVar("B", bound=Anchor)

#: How many same-title articles are tried for one bookmark (titles can repeat).
MAX_TITLE_CANDIDATES = 5

log = logging.getLogger(__name__)


def _norm(path: str | os.PathLike[str]) -> str:
    return os.path.normpath(os.path.abspath(path))


class Findable(Protocol):
    """What finding a bookmark's article needs: its key, path and title."""

    @property
    def article_key(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def title(self) -> str: ...


class ArticleFinder:
    """An index of a corpus listing by content key, path and title."""

    def __init__(self, metas: Sequence[ArticleMeta]) -> None:
        self._by_key: dict[str, list[ArticleMeta]] = {}
        self._by_path: dict[str, ArticleMeta] = {}
        self._by_title: dict[str, list[ArticleMeta]] = {}
        for meta in metas:
            self._by_key.setdefault(meta.key, []).append(meta)
            self._by_path[meta.path] = meta
            self._by_title.setdefault(meta.title, []).append(meta)

    def candidates(self, bookmark: Findable) -> list[ArticleMeta]:
        """The articles ``bookmark`` may belong to, most likely first, without repeats.

        Same key (the one at the stored path first), then the stored path, then the
        same title (same file name first), at most ``MAX_TITLE_CANDIDATES`` of those.
        """
        stored = str(bookmark.path)
        path = self._by_path.get(stored) or self._by_path.get(_norm(stored))
        name = os.path.basename(stored)
        found = _ordered(self._by_key.get(bookmark.article_key, []), path, name)
        if path is not None and path not in found:
            found.append(path)
        titled = _ordered(self._by_title.get(bookmark.title, []), path, name)
        if not bookmark.title.strip():
            titled = []
        found.extend(meta for meta in titled[:MAX_TITLE_CANDIDATES] if meta not in found)
        return found

    def find(self, bookmark: Anchor) -> ArticleMeta | None:
        """The most likely article for ``bookmark``, or None when nothing fits."""
        found = self.candidates(bookmark)
        return found[0] if found else None


def _ordered(metas: list[ArticleMeta], at_path: ArticleMeta | None, name: str) -> list[ArticleMeta]:
    """``metas`` with the one at the stored path first, then those with the same file name."""
    if len(metas) < 2:
        return list(metas)
    return sorted(metas, key=lambda m: (m is not at_path, os.path.basename(m.path) != name))


def bookmarks_for(article: Article, bookmarks: Iterable[B]) -> list[B]:
    """The bookmarks that belong to ``article``: same content key, or saved at its path.

    ``StateStore.bookmarks(article.key)`` misses bookmarks made before the file
    was edited (the key changed; re-anchoring cannot update a stored key), so an
    article view should filter all bookmarks with this and re-anchor them.
    """
    path = _norm(article.path)
    return [
        mark for mark in bookmarks if mark.article_key == article.key or _norm(mark.path) == path
    ]


def find_article(bookmark: Anchor, metas: Sequence[ArticleMeta]) -> ArticleMeta | None:
    """One-off :meth:`ArticleFinder.find`; build an :class:`ArticleFinder` for many lookups."""
    return ArticleFinder(metas).find(bookmark)


Loader = Callable[[ArticleMeta], Article]
"""Opens a listing entry (paths are opaque: a record is ``dump.jsonl#17``)."""


@dataclass(frozen=True, slots=True)
class Located:
    """A bookmark's article as found in the corpus (None if none) and the quote in it."""

    article: Article | None
    resolution: Resolution


class Locator:
    """Finds, loads and resolves bookmarks against a corpus, parsing each file once.

    Each candidate article is tried in order until one holds the quote; if none
    does, the result is orphaned and ``article`` is the most likely candidate that
    could be read (so the UI can still open it), or None.
    """

    def __init__(self, finder: ArticleFinder, *, load: Loader = open_article) -> None:
        self.finder = finder
        self._load = load
        self._articles: dict[str, Article | None] = {}

    def article(self, meta: ArticleMeta) -> Article | None:
        """The parsed article of ``meta`` (cached), or None if the file cannot be read now."""
        if meta.path not in self._articles:
            try:
                self._articles[meta.path] = self._load(meta)
            except (UnreadableFile, OSError) as err:
                log.info("bookmark lookup: cannot read %r: %s", meta.path, err)
                self._articles[meta.path] = None
        return self._articles[meta.path]

    def locate(self, bookmark: Anchor) -> Located:
        """Find ``bookmark``'s article and where its quote is in it."""
        first: Article | None = None
        for meta in self.finder.candidates(bookmark):
            article = self.article(meta)
            if article is None:
                continue
            resolution = resolve(bookmark, article)
            if resolution.ok:
                return Located(article, resolution)
            first = first or article
        return Located(first, ORPHANED)
