"""Read marks and reading positions: one ``read_state`` row per article key.

Both setters are upserts that touch only their own columns, so marking an
article read never resets where the reader was in it, and the other way round.

A row also remembers the article's path and title and, for the position, the
passage the cursor was on with that passage's anchor (its text and the text
around it, exactly as a bookmark keeps them). That is what lets a read mark and
a position follow an article whose file was edited (its content key changes) or
moved: the row is found again the way a bookmark is and moved to the new key
(:func:`move`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tui_reader.store.bookmarks import clean_text


@dataclass(frozen=True, slots=True)
class ReadState:
    """One article's read mark and position; fits the bookmark ``Anchor`` protocol."""

    article_key: str
    read: bool
    read_at: str | None
    y: float | None
    passage: int | None
    quote: str
    prefix: str
    suffix: str
    path_text: str | None
    title_text: str | None
    updated_at: str

    # The anchor protocol of tui_reader.bookmarks (a whole-passage anchor).
    @property
    def path(self) -> Path:
        return Path(self.path_text or "")

    @property
    def title(self) -> str:
        return self.title_text or ""

    @property
    def passage_index(self) -> int:
        return self.passage or 0

    @property
    def start(self) -> int:
        return 0

    @property
    def end(self) -> int:
        return len(self.quote)


@dataclass(frozen=True, slots=True)
class Position:
    """Where the reader is in an article: the cursor's passage, its anchor, the scroll."""

    passage: int
    y: float
    quote: str = ""
    prefix: str = ""
    suffix: str = ""


_COLUMNS = (
    "article_key, read, read_at, y, passage, quote, prefix, suffix, path, title, updated_at"
)


def _row(values: tuple[object, ...]) -> ReadState:
    key, read, read_at, y, passage, quote, prefix, suffix, path, title, updated = values
    return ReadState(
        article_key=str(key),
        read=bool(read),
        read_at=None if read_at is None else str(read_at),
        y=None if y is None else float(str(y)),
        passage=None if passage is None else int(str(passage)),
        quote=str(quote or ""),
        prefix=str(prefix or ""),
        suffix=str(suffix or ""),
        path_text=None if path is None else str(path),
        title_text=None if title is None else str(title),
        updated_at=str(updated),
    )


def is_read(conn: sqlite3.Connection, key: str) -> bool:
    row = conn.execute("SELECT read FROM read_state WHERE article_key = ?", (key,)).fetchone()
    return bool(row and row[0])


def read_keys(conn: sqlite3.Connection) -> set[str]:
    return {key for (key,) in conn.execute("SELECT article_key FROM read_state WHERE read = 1")}


def scroll_offset(conn: sqlite3.Connection, key: str) -> float | None:
    row = conn.execute("SELECT y FROM read_state WHERE article_key = ?", (key,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def get(conn: sqlite3.Connection, key: str) -> ReadState | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM read_state WHERE article_key = ?", (key,)
    ).fetchone()
    return None if row is None else _row(tuple(row))


def not_in(conn: sqlite3.Connection, keys: Iterable[str]) -> list[ReadState]:
    """Rows whose article key is not among ``keys`` and that can be followed (path or title)."""
    wanted = set(keys)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM read_state WHERE path IS NOT NULL OR title IS NOT NULL"
    )
    return [_row(tuple(row)) for row in rows if row[0] not in wanted]


def set_read(
    conn: sqlite3.Connection,
    key: str,
    read: bool,
    now: str,
    path: str | None = None,
    title: str | None = None,
) -> None:
    """Mark read or unread; ``read_at`` keeps the first time it was marked read."""
    conn.execute(
        """
        INSERT INTO read_state (article_key, read, read_at, updated_at, path, title)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (article_key) DO UPDATE SET
            read_at = CASE WHEN excluded.read = 0 THEN NULL
                           WHEN read_state.read = 1 THEN read_state.read_at
                           ELSE excluded.read_at END,
            read = excluded.read,
            updated_at = excluded.updated_at,
            path = COALESCE(excluded.path, read_state.path),
            title = COALESCE(excluded.title, read_state.title)
        """,
        (key, int(read), now if read else None, now, _text(path), _text(title)),
    )


def set_scroll_offset(conn: sqlite3.Connection, key: str, y: float, now: str) -> None:
    conn.execute(
        """
        INSERT INTO read_state (article_key, y, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (article_key) DO UPDATE SET y = excluded.y, updated_at = excluded.updated_at
        """,
        (key, y, now),
    )


def set_position(
    conn: sqlite3.Connection,
    key: str,
    position: Position,
    now: str,
    path: str | None = None,
    title: str | None = None,
) -> None:
    """Remember the cursor's passage (with its anchor) and the scroll offset."""
    conn.execute(
        """
        INSERT INTO read_state
            (article_key, y, passage, quote, prefix, suffix, updated_at, path, title)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (article_key) DO UPDATE SET
            y = excluded.y, passage = excluded.passage, quote = excluded.quote,
            prefix = excluded.prefix, suffix = excluded.suffix,
            updated_at = excluded.updated_at,
            path = COALESCE(excluded.path, read_state.path),
            title = COALESCE(excluded.title, read_state.title)
        """,
        (
            key,
            position.y,
            position.passage,
            clean_text(position.quote),
            clean_text(position.prefix),
            clean_text(position.suffix),
            now,
            _text(path),
            _text(title),
        ),
    )


def move(
    conn: sqlite3.Connection,
    old_key: str,
    new_key: str,
    now: str,
    *,
    passage: int | None,
    path: str | None,
    title: str | None,
) -> None:
    """Move a row to the key its article has now, merging with a row already there.

    ``passage`` is where the position's anchor was found (None: keep the position
    only if the text is unchanged, i.e. drop the scroll offset, which was for the
    old text). A merge keeps "read" if either row was read, the first read time,
    and the position of the row touched last.
    """
    old = get(conn, old_key)
    if old is None or old_key == new_key:
        return
    existing = get(conn, new_key)
    keep_position = existing is None or old.updated_at >= existing.updated_at
    source = old if keep_position else existing
    assert source is not None
    read = old.read or bool(existing and existing.read)
    times = [t for t in (old.read_at, existing.read_at if existing else None) if t]
    conn.execute("DELETE FROM read_state WHERE article_key IN (?, ?)", (old_key, new_key))
    conn.execute(
        f"INSERT INTO read_state ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new_key,
            int(read),
            min(times) if read and times else None,
            None if keep_position and source is old else source.y,
            passage if keep_position else source.passage,
            source.quote,
            source.prefix,
            source.suffix,
            _text(path) or source.path_text,
            _text(title) or source.title_text,
            now,
        ),
    )


def _text(value: str | None) -> str | None:
    return None if value is None else clean_text(value)
