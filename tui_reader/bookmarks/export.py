"""Bookmarks out of the store: JSON for moving them between machines, Markdown for people.

The JSON export is the import format: one object per bookmark with the full
anchor, so importing it elsewhere can re-anchor every bookmark. Local row ids
are left out, so exporting, importing into a fresh store and exporting again
gives the same bytes. Quotes and notes are untrusted text: in Markdown they are
escaped so they cannot become links, HTML or headings, and terminal control
characters are made visible; in JSON such characters are written as ``\\uXXXX``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tui_reader.articles.sanitize import safe_text
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus

#: The fields of a JSON export row, in output order (``id`` is local to a store).
EXPORT_FIELDS = (
    "uid",
    "article_key",
    "title",
    "path",
    "source_url",
    "passage_index",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "note",
    "status",
    "created",
    "updated",
    "note_updated",
)

# Valid JSON but unsafe to `cat`: C1 controls, DEL, bidi controls, line separators.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^([#+=>-]|\d+(?=[.)]))")
_URL = re.compile(r"https?://[^\s<>\"'`\\]+")


def newest_first(bookmarks: Iterable[Bookmark]) -> list[Bookmark]:
    """Sorted by creation time, newest first, ties by uid: the same in every store."""
    return sorted(sorted(bookmarks, key=lambda b: b.uid), key=lambda b: b.created, reverse=True)


def export_record(bookmark: Bookmark) -> dict[str, object]:
    """One JSON export row; :meth:`StateStore.import_bookmarks` reads it back."""
    record = bookmark.to_record()
    return {name: record[name] for name in EXPORT_FIELDS}


def export_json(bookmarks: Iterable[Bookmark]) -> str:
    """A JSON list of :func:`export_record` rows, newest first, ending in a newline."""
    rows = [export_record(mark) for mark in newest_first(bookmarks)]
    text = json.dumps(rows, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def escape_markdown(text: str) -> str:
    """``text`` shown literally in Markdown: no emphasis, links, HTML, headings or lists.

    Backslash-escapes the inline markup characters everywhere and a block marker
    (``#``, ``>``, ``-``, ``+``, ``=``, ``1.``) at the start of a line. Leading
    spaces are dropped (they would make a code block) and terminal control
    characters become visible placeholders.
    """
    lines = [line.lstrip() for line in safe_text(text).split("\n")]
    escaped = [_MD_INLINE.sub(r"\\\1", line) for line in lines]
    return "\n".join(_MD_LINE_START.sub(_escape_marker, line) for line in escaped)


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group(1)
    if marker.isdigit():
        return f"{marker}\\"  # "1." -> "1\." (the escape goes before the dot)
    return f"\\{marker}"


def _md_link(url: str | None) -> str | None:
    if not url:
        return None
    url = safe_text(url)
    if _URL.fullmatch(url):
        return f"<{url}>"
    return escape_markdown(url)


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in escape_markdown(text).split("\n"))


def export_markdown(bookmarks: Iterable[Bookmark]) -> str:
    """A Markdown document: one section per article (most recently bookmarked first),
    each quote as a blockquote in reading order, followed by its note."""
    groups: dict[str, list[Bookmark]] = {}
    for mark in newest_first(bookmarks):
        groups.setdefault(mark.article_key, []).append(mark)
    out = ["# Bookmarks", ""]
    if not groups:
        out += ["No bookmarks yet.", ""]
    for marks in groups.values():
        head = marks[0]
        out += [f"## {escape_markdown(head.title.strip() or '(untitled)')}", ""]
        link = _md_link(head.source_url)
        if link:
            out += [f"Source: {link}", ""]
        out += [f"File: {escape_markdown(str(head.path))}", ""]
        for mark in sorted(marks, key=lambda b: (b.passage_index, b.start, b.created, b.uid)):
            out += [_blockquote(mark.quote), ""]
            if mark.note.strip():
                note_lines = escape_markdown(mark.note.strip()).split("\n")
                out += ["  \n".join(note_lines), ""]
            if mark.status is BookmarkStatus.ORPHANED:
                out += ["*Orphaned: not found in the article when last checked.*", ""]
            out += [f"*Bookmarked {escape_markdown(mark.created)}*", ""]
    return "\n".join(out)


def write_export(text: str, path: Path) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: a reader sees the old file or the new.

    A temporary file beside ``path`` is written, flushed to disk and renamed over
    it. A new file is private to the owner (bookmarks and notes are personal); an
    existing file keeps its permissions. Raises ``OSError``; nothing is left behind.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with open(fd, "wb") as handle:
            handle.write(text.encode("utf-8", "replace"))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
