"""Read marks and reading positions: one ``read_state`` row per article key.

Both setters are upserts that touch only their own columns, so marking an
article read never resets where the reader was in it, and the other way round.
"""

from __future__ import annotations

import sqlite3


def is_read(conn: sqlite3.Connection, key: str) -> bool:
    row = conn.execute("SELECT read FROM read_state WHERE article_key = ?", (key,)).fetchone()
    return bool(row and row[0])


def read_keys(conn: sqlite3.Connection) -> set[str]:
    return {key for (key,) in conn.execute("SELECT article_key FROM read_state WHERE read = 1")}


def scroll_offset(conn: sqlite3.Connection, key: str) -> float | None:
    row = conn.execute("SELECT y FROM read_state WHERE article_key = ?", (key,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def set_read(conn: sqlite3.Connection, key: str, read: bool, now: str) -> None:
    """Mark read or unread; ``read_at`` keeps the first time it was marked read."""
    conn.execute(
        """
        INSERT INTO read_state (article_key, read, read_at, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (article_key) DO UPDATE SET
            read_at = CASE WHEN excluded.read = 0 THEN NULL
                           WHEN read_state.read = 1 THEN read_state.read_at
                           ELSE excluded.read_at END,
            read = excluded.read,
            updated_at = excluded.updated_at
        """,
        (key, int(read), now if read else None, now),
    )


def set_scroll_offset(conn: sqlite3.Connection, key: str, y: float, now: str) -> None:
    conn.execute(
        """
        INSERT INTO read_state (article_key, y, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (article_key) DO UPDATE SET y = excluded.y, updated_at = excluded.updated_at
        """,
        (key, y, now),
    )
