"""The schema, as an ordered list of migrations.

Migration ``i`` (0-based) takes a database from ``PRAGMA user_version`` ``i``
to ``i + 1``. Each runs in its own transaction together with the version bump,
so a crash leaves the database at a version boundary, never in between. Append
new migrations; never edit a released one.

Bookmark offsets: ``start``/``end`` are Python ``str`` indexes (code points)
into the text of passage ``passage_index`` (``Article.passages[i].text``), so
``passage.text[start:end] == quote`` when the bookmark was made. ``prefix`` and
``suffix`` are up to ~100 characters either side of the quote, running on into
the neighbouring passages (joined by a newline) when the quote is the whole
passage; with the quote they let a bookmark be re-anchored after an edit
(:mod:`tui_reader.bookmarks.resolve`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

Migration = Callable[[sqlite3.Connection], None]

_V1 = (
    """
    CREATE TABLE read_state (
        article_key TEXT PRIMARY KEY NOT NULL,
        read INTEGER NOT NULL DEFAULT 0 CHECK (read IN (0, 1)),
        read_at TEXT,
        y REAL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    # AUTOINCREMENT: a deleted id is never handed out again, so undo can restore the same id.
    """
    CREATE TABLE bookmarks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        article_key TEXT NOT NULL,
        path TEXT NOT NULL,
        title TEXT NOT NULL,
        passage_index INTEGER NOT NULL CHECK (passage_index >= 0),
        quote TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        start INTEGER NOT NULL CHECK (start >= 0),
        "end" INTEGER NOT NULL CHECK ("end" >= start),
        note TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'orphaned')),
        source_url TEXT
    )
    """,
    "CREATE INDEX bookmarks_by_article ON bookmarks (article_key, created)",
)


def _v1_create_tables(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


# v2: a read mark and reading position follow an edited or moved article the way a
# bookmark does: the row remembers the article's path and title, the passage the
# cursor was on and that passage's anchor (quote and context, as for a bookmark).
# Two indexes serve the bookmarks screen's newest-first pages and per-file lookups.
_V2 = (
    "ALTER TABLE read_state ADD COLUMN path TEXT",
    "ALTER TABLE read_state ADD COLUMN title TEXT",
    "ALTER TABLE read_state ADD COLUMN passage INTEGER CHECK (passage >= 0)",
    "ALTER TABLE read_state ADD COLUMN quote TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE read_state ADD COLUMN prefix TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE read_state ADD COLUMN suffix TEXT NOT NULL DEFAULT ''",
    # When the note was last written (``updated`` also moves on re-anchoring), so an
    # import can tell a note edited elsewhere since from one edited here since.
    "ALTER TABLE bookmarks ADD COLUMN note_updated TEXT",
    "CREATE INDEX bookmarks_newest ON bookmarks (created, id)",
    "CREATE INDEX bookmarks_by_path ON bookmarks (path)",
)


def _v2_follow_articles(conn: sqlite3.Connection) -> None:
    for statement in _V2:
        conn.execute(statement)


# v3: a full-text index over the bookmarks' title, quote and note, so the bookmarks
# screen's filter finds its candidates among a million bookmarks in SQL instead of
# tokenizing every row in Python (minutes). External content (the text is not stored
# twice), kept in step by triggers, so every way a row is written (the app, an import,
# another tool) updates it; re-anchoring, which rewrites the title unchanged, does not
# touch the index. Prefixes of 1-3 letters are indexed too: the first keystrokes of a
# filter are prefix queries, which otherwise merge every word they start.
# ``remove_diacritics 2`` folds tone marks (``hội`` is ``hoi``); ``đ`` stays, and the
# filter spells ``d`` both ways (:mod:`tui_reader.bookmarks.text_filter`). Without FTS5
# in this SQLite the table is not made and the filter scans every row as before
# (:func:`tui_reader.store.bookmarks.has_text_index`).
TEXT_TABLE = "bookmarks_text"
_V3 = (
    f"""
    CREATE VIRTUAL TABLE {TEXT_TABLE} USING fts5(
        title, quote, note, content='bookmarks', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
    )
    """,
    f"""
    CREATE TRIGGER {TEXT_TABLE}_insert AFTER INSERT ON bookmarks BEGIN
        INSERT INTO {TEXT_TABLE} (rowid, title, quote, note)
        VALUES (new.id, new.title, new.quote, new.note);
    END
    """,
    f"""
    CREATE TRIGGER {TEXT_TABLE}_delete AFTER DELETE ON bookmarks BEGIN
        INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}, rowid, title, quote, note)
        VALUES ('delete', old.id, old.title, old.quote, old.note);
    END
    """,
    f"""
    CREATE TRIGGER {TEXT_TABLE}_update AFTER UPDATE OF id, title, quote, note ON bookmarks
    WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.quote IS NOT new.quote
        OR old.note IS NOT new.note
    BEGIN
        INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}, rowid, title, quote, note)
        VALUES ('delete', old.id, old.title, old.quote, old.note);
        INSERT INTO {TEXT_TABLE} (rowid, title, quote, note)
        VALUES (new.id, new.title, new.quote, new.note);
    END
    """,
    f"INSERT INTO {TEXT_TABLE} ({TEXT_TABLE}) VALUES ('rebuild')",
)


def fts5_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite was built with FTS5 (nearly all are; the filter copes without)."""
    options = {row[0] for row in conn.execute("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def _v3_text_index(conn: sqlite3.Connection) -> None:
    if not fts5_available(conn):
        return
    for statement in _V3:
        conn.execute(statement)


MIGRATIONS: Sequence[Migration] = (_v1_create_tables, _v2_follow_articles, _v3_text_index)
