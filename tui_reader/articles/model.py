"""The article model every other room builds on.

An :class:`Article` is the parsed, display-ready form of one file. An
:class:`ArticleMeta` is the cheap summary the list needs, so the list can paint
without reading every body. Both carry the same content ``key``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
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
    HEADING = "heading"
    """A section heading (``== Tính chất ==``, a Markdown or HTML heading): ``level`` 2-6."""
    ITEM = "item"
    """One item of a list (Markdown, HTML); its text starts with the bullet or number."""
    QUOTE = "quote"
    """A block quotation."""
    CODE = "code"
    """Preformatted text, kept line for line."""


class Mark(NamedTuple):
    """A styled stretch ``[start, end)`` of a passage's text: emphasis, code or a link.

    ``style`` is ``"em"``, ``"strong"``, ``"code"`` or ``"link"``; a link has its ``url``.
    Offsets index the passage text, like search highlights.
    """

    start: int
    end: int
    style: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Passage:
    """One block of the reading pane: the unit of search hits and bookmarks.

    ``text`` is plain text (no markup of any format); ``level`` is a heading's
    level; ``marks`` are emphasis and links inside the text.
    """

    kind: PassageKind
    text: str
    level: int = 0
    marks: tuple[Mark, ...] = ()

    @property
    def links(self) -> tuple[str, ...]:
        """The URLs linked from this passage, in order."""
        return tuple(mark.url for mark in self.marks if mark.url)


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
    date: datetime | None = None
    """When the article was published (timezone-aware), else the file's modification time."""
    date_from: str = ""
    """Where ``date`` came from: ``text``, ``html``, ``json``, ``feed`` or ``file`` (mtime)."""
    date_has_time: bool = False
    """False when only the day is known (``ngày 6/2/2017``): show the date without a time."""
    author: str | None = None
    """The author when known from a field (HTML meta, JSON) or split off the source line."""

    @property
    def lead(self) -> Passage | None:
        """The lead passage, when the article has one."""
        for passage in self.passages:
            if passage.kind is PassageKind.LEAD:
                return passage
        return None

    @property
    def byline(self) -> str | None:
        """The author line, when the article has one (else the author field)."""
        for passage in self.passages:
            if passage.kind is PassageKind.BYLINE:
                return passage.text
        return self.author

    @property
    def reading_minutes(self) -> int:
        """Reading time at 200 words a minute, at least one minute."""
        return max(1, round(self.word_count / 200))


class ArticleMeta(NamedTuple):
    """What the article list needs, cached by path, size and mtime.

    A named tuple, not a dataclass: a warm start builds 35,000 of these straight
    from the cached rows (``ArticleMeta._make``), at a third of the cost.
    ``path`` is an absolute path as ``str`` for the same reason. It is opaque to
    everyone but :mod:`tui_reader.articles`: a record inside a JSON Lines file is
    ``/abs/dump.jsonl#17`` (its line number); open it with
    :func:`tui_reader.articles.loader.open_article`.

    ``size`` and ``mtime_ns`` tell whether the entry changed. For a whole file
    they are its size and mtime; for a record inside a file they are the
    record's byte length and a checksum of its bytes, so appending to a dump does
    not make every older record look changed. ``offset`` is where a record starts
    in its file (-1 for a whole file). ``date`` is an ISO 8601 string, the day
    alone (``2017-02-06``) when no time is known; ``date_from`` says where it came
    from (``text``, ``html``, ``json``, ``feed``, or ``file`` for the mtime).
    """

    path: str
    key: str
    title: str
    source: str | None
    size: int
    mtime_ns: int
    date: str | None = None
    date_from: str = ""
    offset: int = -1


class Summary(NamedTuple):
    """What the article list needs of one article, read without building its passages.

    ``title`` is ``""`` when the text has none (the list shows the file name).
    """

    key: str
    title: str
    source: str | None
    date: str | None
    date_from: str


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
