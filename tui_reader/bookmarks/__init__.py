"""Passage bookmarks: anchoring that survives edits, re-anchoring, export and import.

The store (:mod:`tui_reader.store`) keeps the rows; this package decides what
goes in them and where a bookmark is in an article that may have changed:

- ``anchor``: :func:`new_bookmark` builds the quote, offsets and context.
- ``resolve``: :func:`resolve` finds the quote again (exact, fuzzy, or orphaned).
- ``finder``: :class:`ArticleFinder` / :class:`Locator` find the bookmark's file.
- ``reanchor``: :func:`reanchor` saves a moved anchor or a status change.
- ``export`` / ``importing``: JSON and Markdown out, JSON in.

No UI here: the CLI and the Textual screens both build on these functions.
"""

from tui_reader.bookmarks.anchor import CONTEXT_CHARS, Anchor, new_bookmark
from tui_reader.bookmarks.export import (
    escape_markdown,
    export_json,
    export_markdown,
    newest_first,
    write_export,
)
from tui_reader.bookmarks.finder import (
    ArticleFinder,
    Located,
    Locator,
    bookmarks_for,
    find_article,
)
from tui_reader.bookmarks.importing import (
    BookmarkImportError,
    ImportReport,
    import_bookmarks,
    parse_export,
    read_export,
)
from tui_reader.bookmarks.reanchor import (
    Followed,
    follow_read_state,
    position_in,
    reanchor,
    reanchor_all,
)
from tui_reader.bookmarks.resolve import Method, Resolution, resolve

__all__ = [
    "CONTEXT_CHARS",
    "Anchor",
    "ArticleFinder",
    "BookmarkImportError",
    "Followed",
    "ImportReport",
    "Located",
    "Locator",
    "Method",
    "Resolution",
    "bookmarks_for",
    "escape_markdown",
    "export_json",
    "export_markdown",
    "find_article",
    "follow_read_state",
    "import_bookmarks",
    "new_bookmark",
    "newest_first",
    "parse_export",
    "position_in",
    "read_export",
    "reanchor",
    "reanchor_all",
    "resolve",
    "write_export",
]
