"""Which files are articles, in which format, and why the others are passed over.

Told from the file name alone, so a scan of 100,000 files reads no file. The list
of kinds is also what the UI says when a folder holds no articles.
"""

from __future__ import annotations

import os
from enum import StrEnum


class Kind(StrEnum):
    """An article format tui-reader reads."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    JSON_LINES = "jsonl"


SUFFIXES: dict[str, Kind] = {
    ".txt": Kind.TEXT,
    ".text": Kind.TEXT,
    ".md": Kind.MARKDOWN,
    ".markdown": Kind.MARKDOWN,
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".xhtml": Kind.HTML,
    ".json": Kind.JSON,
    ".jsonl": Kind.JSON_LINES,
    ".ndjson": Kind.JSON_LINES,
}

#: Kinds with a reader; a scan lists only these.
READABLE = frozenset(Kind)

_NAMES = {
    Kind.TEXT: "plain text (.txt)",
    Kind.MARKDOWN: "Markdown (.md)",
    Kind.HTML: "HTML (.html, .htm)",
    Kind.JSON: "JSON (.json)",
    Kind.JSON_LINES: "JSON Lines (.jsonl, .ndjson)",
}
_READ = [name for kind, name in _NAMES.items() if kind in READABLE]
#: For the user: what a folder must hold to show articles ("plain text (.txt), ... and ...").
READ_KINDS = ", ".join(_READ[:-1]) + " and " + _READ[-1] if len(_READ) > 1 else _READ[0]

#: Kinds whose one file holds many articles (records).
RECORD_KINDS = frozenset({Kind.JSON, Kind.JSON_LINES})


_NOT_ARTICLES: dict[str, tuple[str, ...]] = {
    "image": (
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".bmp",
        ".tif",
        ".tiff",
        ".svg",
        ".ico",
        ".heic",
        ".avif",
    ),
    "office document": (
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".xls",
        ".xlsx",
        ".ods",
        ".ppt",
        ".pptx",
        ".odp",
        ".pages",
        ".numbers",
        ".key",
    ),
    "PDF": (".pdf",),
    "e-book": (".epub", ".mobi", ".azw", ".azw3", ".djvu"),
    "audio file": (".mp3", ".wav", ".flac", ".ogg", ".m4a", ".aac", ".opus"),
    "video file": (".mp4", ".mkv", ".webm", ".avi", ".mov", ".wmv"),
    "archive": (".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst"),
    "database": (".db", ".sqlite", ".sqlite3"),
    "web page asset": (".css", ".js", ".mjs", ".map", ".woff", ".woff2", ".ttf", ".otf"),
    "spreadsheet (CSV)": (".csv", ".tsv"),
    "XML file": (".xml", ".rss", ".atom"),
}
_NOT_ARTICLE_KIND = {suffix: kind for kind, group in _NOT_ARTICLES.items() for suffix in group}


def kind_of(name: str) -> Kind | None:
    """The format of a file, from its name (``None`` when it is not an article format)."""
    kind = SUFFIXES.get(os.path.splitext(name)[1].lower())
    return kind if kind in READABLE else None


def skip_reason(name: str) -> str | None:
    """Why a file that is not an article is passed over, or None to pass over it silently.

    Known non-article kinds (images, office files, PDFs, ...) are reported so a user
    who expected them to be read sees why they were not; files without an
    extension and unknown extensions are reported too.
    """
    suffix = os.path.splitext(name)[1].lower()
    kind = _NOT_ARTICLE_KIND.get(suffix)
    if kind is not None:
        return f"{kind} ({suffix}): not an article format tui-reader reads"
    if suffix in {".swp", ".tmp", ".part", ".crdownload", ".bak", ".lock", ".pyc"}:
        return None  # editor and download leftovers: noise, not a user's file
    if not suffix:
        return None
    return f"unknown kind ({suffix}): tui-reader reads {READ_KINDS}"
