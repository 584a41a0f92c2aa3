"""The article model every other room builds on.

An :class:`Article` is the parsed, display-ready form of one file. An
:class:`ArticleMeta` is the cheap summary the list needs, so the list can paint
without reading every body. Both carry the same content ``key``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class PassageKind(StrEnum):
    """What a passage is, so the reading pane can show each kind distinctly."""

    LEAD = "lead"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"
    BYLINE = "byline"
    SOURCE = "source"


@dataclass(frozen=True, slots=True)
class Passage:
    """One block of the reading pane: the unit of search hits and bookmarks."""

    kind: PassageKind
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed article.

    ``passages`` holds everything below the title in reading order (lead,
    paragraphs, captions, byline, source line). Passage indexes into this tuple
    are what search results and bookmarks refer to.
    """

    key: str
    path: Path
    title: str
    passages: tuple[Passage, ...]
    title_derived: bool = False
    source_name: str | None = None
    source_url: str | None = None
    encoding: str = "utf-8"
    truncated: bool = False
    word_count: int = field(default=0)

    @property
    def lead(self) -> Passage | None:
        """The lead passage, when the article has one."""
        for passage in self.passages:
            if passage.kind is PassageKind.LEAD:
                return passage
        return None

    @property
    def byline(self) -> str | None:
        """The author line, when the article has one."""
        for passage in self.passages:
            if passage.kind is PassageKind.BYLINE:
                return passage.text
        return None

    @property
    def reading_minutes(self) -> int:
        """Reading time at 200 words a minute, at least one minute."""
        return max(1, round(self.word_count / 200))


class ArticleMeta(NamedTuple):
    """What the article list needs, cached by path, size and mtime.

    A named tuple, not a dataclass: a warm start builds 35,000 of these straight
    from the cached rows (``ArticleMeta._make``), at a third of the cost.
    ``path`` is an absolute path as ``str`` for the same reason.
    """

    path: str
    key: str
    title: str
    source: str | None
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file that could not be read as an article, and why (shown to the user)."""

    path: Path
    reason: str


def content_key(text: str) -> str:
    """A stable key from an article's text, independent of its path and line layout.

    Whitespace is collapsed so re-wrapping or a changed line ending does not
    change the key; the file may be renamed or moved freely.
    """
    canonical = " ".join(text.split())
    data = canonical.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=10).hexdigest()
