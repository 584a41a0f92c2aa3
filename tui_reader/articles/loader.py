"""The one way to open an article: from a listing entry (or its path) to an :class:`Article`.

Paths are opaque strings to the rest of the app. A whole file is its absolute path;
a record inside a JSON Lines or JSON array file is ``/abs/dump.jsonl#17`` (its line
or element number, from 1). Given an :class:`ArticleMeta` or a
:class:`~tui_reader.articles.corpus.FileEntry` that carries the record's byte
offset, the record is read straight from there; given only the path, the file's
record offsets are found once per process and reused, so opening many records of
one file stays linear.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tui_reader.articles.corpus import FileEntry
from tui_reader.articles.decode import UnreadableFile, read_text
from tui_reader.articles.kinds import RECORD_KINDS, Kind, kind_of
from tui_reader.articles.model import Article, ArticleMeta, Summary

__all__ = [
    "UnreadableFile",
    "load_article",
    "open_article",
    "record_path",
    "split_record_path",
    "summarize_entry",
]

_RECORD = re.compile(r"(?P<file>.+)#(?P<number>[1-9]\d{0,11})")


def record_path(file_path: str, number: int) -> str:
    """The path of record ``number`` (from 1) inside ``file_path``."""
    return f"{file_path}#{number}"


def split_record_path(path: str) -> tuple[str, int | None]:
    """``(file path, record number)`` of a record path; ``(path, None)`` for a whole file."""
    match = _RECORD.fullmatch(path)
    if match is not None and kind_of(match["file"]) in RECORD_KINDS:
        return match["file"], int(match["number"])
    return path, None


def open_article(item: ArticleMeta | FileEntry | str | os.PathLike[str]) -> Article:
    """Read and parse the article of a listing entry; raises :class:`UnreadableFile`.

    The format is told by the file name's extension (``.txt`` and unknown ones are
    read as plain text). Every format goes through the same decoding and sanitizing.
    """
    if isinstance(item, ArticleMeta | FileEntry):
        path, offset, size, version = item.path, item.offset, item.size, item.mtime_ns
    else:
        path, offset, size, version = os.fspath(item), -1, -1, -1
    file_path, number = split_record_path(path)
    kind = kind_of(file_path)
    if number is not None:
        from tui_reader.articles import records

        return records.load_record(file_path, number, offset=offset, size=size, version=version)
    if kind in RECORD_KINDS:
        from tui_reader.articles import records

        return records.load_single(file_path)
    decoded = read_text(Path(file_path))
    if kind is Kind.MARKDOWN:
        from tui_reader.articles import markdown

        return markdown.parse(decoded, Path(file_path))
    if kind is Kind.HTML:
        from tui_reader.articles import html

        return html.parse(decoded, Path(file_path))
    from tui_reader.articles.plaintext import parse_article

    return parse_article(
        decoded.text,
        Path(file_path),
        encoding=decoded.encoding,
        truncated=decoded.truncated,
        mtime_ns=decoded.mtime_ns,
    )


def summarize_entry(entry: FileEntry) -> Summary:
    """The list entry of a single-article file (not a file of records).

    Raises :class:`UnreadableFile` with a reason for files that are not articles.
    """
    decoded = read_text(Path(entry.path))
    kind = kind_of(entry.path)
    if kind is Kind.MARKDOWN:
        from tui_reader.articles import markdown

        return markdown.summary(decoded, Path(entry.path))
    if kind is Kind.HTML:
        from tui_reader.articles import html

        return html.summary(decoded, Path(entry.path))
    from tui_reader.articles.plaintext import summary

    return summary(decoded.text, decoded.mtime_ns, Path(entry.path).stem)


def load_article(path: Path | str) -> Article:
    """Open the article at ``path`` (a file, or a record path such as ``dump.jsonl#17``)."""
    return open_article(path)
