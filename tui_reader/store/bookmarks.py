"""Passage bookmarks: the row types and the SQL that reads and writes them.

Every write here is addressed by ``uid``, not ``id``: the same operation may
run first on the in-memory copy (while the disk refuses writes) and later on
disk, where the row may get a different id. Inserts are "insert if absent by
uid", which makes replays, undo and imports idempotent.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from tui_reader.store.schema import TEXT_TABLE

CONTEXT_CHARS = 100  # prefix/suffix length kept for re-anchoring

_SURROGATE = re.compile("[\ud800-\udfff]")

ProvisionalIds = Callable[[], int]
"""Hands out ids for rows made in memory only (negative, so never a saved id)."""


class BookmarkStatus(StrEnum):
    """Whether the bookmark's quote was found in its article at the last look."""

    OK = "ok"
    ORPHANED = "orphaned"


def clean_text(text: str) -> str:
    """Replace lone surrogates (from undecodable bytes) that SQLite cannot store as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def path_text(path: Path | str) -> str:
    return clean_text(str(path))


@dataclass(frozen=True, slots=True)
class NewBookmark:
    """What the UI supplies to make a bookmark; see :mod:`.schema` for what offsets mean."""

    article_key: str
    path: Path
    title: str
    passage_index: int
    quote: str
    start: int
    end: int
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    source_url: str | None = None

    def __post_init__(self) -> None:
        if self.passage_index < 0 or self.start < 0 or self.end < self.start:
            raise ValueError(
                f"bad bookmark anchor: passage {self.passage_index}, chars {self.start}..{self.end}"
            )


@dataclass(frozen=True, slots=True)
class Bookmark:
    """One saved bookmark, all columns. ``created``/``updated`` are ISO-8601 UTC text."""

    id: int
    uid: str
    article_key: str
    path: Path
    title: str
    passage_index: int
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int
    note: str
    created: str
    updated: str
    status: BookmarkStatus
    source_url: str | None
    note_updated: str | None = None
    """When the note was last written (None: when the bookmark was made)."""

    @property
    def note_time(self) -> str:
        """When the note was last written (ISO-8601 UTC text)."""
        return self.note_updated or self.created

    def to_record(self) -> dict[str, object]:
        """A JSON-ready dict (for export); :meth:`StateStore.import_bookmarks` takes it back."""
        return {name: _plain(getattr(self, name)) for name in _FIELDS}


def _plain(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, BookmarkStatus):
        return value.value
    return value


_FIELDS = tuple(Bookmark.__dataclass_fields__)
_COLUMNS = ", ".join(f'"{name}"' for name in _FIELDS)
_SELECT = f"SELECT {_COLUMNS} FROM bookmarks"


def _from_row(row: Any) -> Bookmark:
    values = dict(zip(_FIELDS, row, strict=True))
    values["path"] = Path(values["path"])
    values["status"] = BookmarkStatus(values["status"])
    return Bookmark(**values)


def get(conn: sqlite3.Connection, bookmark_id: int) -> Bookmark | None:
    row = conn.execute(f"{_SELECT} WHERE id = ?", (bookmark_id,)).fetchone()
    return None if row is None else _from_row(row)


def get_by_uid(conn: sqlite3.Connection, uid: str) -> Bookmark | None:
    row = conn.execute(f"{_SELECT} WHERE uid = ?", (uid,)).fetchone()
    return None if row is None else _from_row(row)


def listing(conn: sqlite3.Connection, article_key: str | None) -> list[Bookmark]:
    order = "ORDER BY created DESC, id DESC"
    if article_key is None:
        rows = conn.execute(f"{_SELECT} {order}").fetchall()
    else:
        rows = conn.execute(f"{_SELECT} WHERE article_key = ? {order}", (article_key,)).fetchall()
    return [_from_row(row) for row in rows]


def by_uids(conn: sqlite3.Connection, uids: Iterable[str]) -> dict[str, Bookmark]:
    """The stored rows of these uids (those present), by uid."""
    wanted = list(dict.fromkeys(uids))
    found: dict[str, Bookmark] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(f"{_SELECT} WHERE uid IN ({marks})", chunk).fetchall():
            mark = _from_row(row)
            found[mark.uid] = mark
    return found


def for_article(conn: sqlite3.Connection, article_key: str, path: str) -> list[Bookmark]:
    """One article's bookmarks: made on this text (key) or at this file (path), newest first.

    The path catches bookmarks made before the file was edited (the key changed).
    Both lookups use an index, so opening an article costs the same at 1M bookmarks.
    """
    rows = conn.execute(
        f"{_SELECT} WHERE article_key = ? UNION {_SELECT} WHERE path = ? "
        "ORDER BY created DESC, id DESC",
        (article_key, path_text(path)),
    ).fetchall()
    return [_from_row(row) for row in rows]


Cursor = tuple[str, int]
"""Where a page of the newest-first listing ended: (created, id) of its last row."""


def page(conn: sqlite3.Connection, after: Cursor | None, limit: int) -> list[Bookmark]:
    """Up to ``limit`` bookmarks, newest first, starting after ``after`` (keyset paging).

    Served by the ``(created, id)`` index: every page costs the same, at any depth.
    """
    if after is None:
        rows = conn.execute(f"{_SELECT} ORDER BY created DESC, id DESC LIMIT ?", (limit,))
    else:
        rows = conn.execute(
            f"{_SELECT} WHERE (created, id) < (?, ?) ORDER BY created DESC, id DESC LIMIT ?",
            (after[0], after[1], limit),
        )
    return [_from_row(row) for row in rows.fetchall()]


def total(conn: sqlite3.Connection) -> tuple[int, int]:
    """(all bookmarks, orphaned ones)."""
    row = conn.execute(
        "SELECT count(*), coalesce(sum(status = 'orphaned'), 0) FROM bookmarks"
    ).fetchone()
    return int(row[0]), int(row[1])


def has_text_index(conn: sqlite3.Connection) -> bool:
    """Whether the full-text index of migration 3 exists (it needs SQLite's FTS5)."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TEXT_TABLE,)
    ).fetchone()
    return row is not None


def text_terms(conn: sqlite3.Connection) -> list[str]:
    """Every distinct word of all titles, quotes and notes, as the full-text index has it.

    Lower case with tone marks removed (``đ`` kept). The filter matches the query's
    words against these to forgive typos. FTS5 counts every word's rows to list them
    (seconds at a million bookmarks), so the screen reads them once, in the background.
    """
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{TEXT_TABLE}_terms "
        f"USING fts5vocab(main, {TEXT_TABLE}, 'row')"
    )
    return [str(term) for (term,) in conn.execute(f"SELECT term FROM temp.{TEXT_TABLE}_terms")]


def text_terms_in_file(database: Path) -> list[str]:
    """:func:`text_terms` on a read-only connection of its own (WAL lets it read beside
    the writer), so listing the vocabulary does not hold up the app's database thread."""
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return text_terms(conn)
    finally:
        conn.close()




def text_matches(
    conn: sqlite3.Connection, expression: str, limit: int, count_up_to: int
) -> tuple[list[Bookmark], int]:
    """The ``limit`` newest bookmarks matching an FTS5 ``MATCH`` expression, and how many
    match (counted up to ``count_up_to``; more reads as ``count_up_to``).

    Newest first by id is the order the index stores, so SQLite stops after ``limit``
    rows instead of ranking every match (bm25 over 500,000 matches took seconds), and
    the count stops at its cap: both cost the same however many bookmarks match.
    """
    ids = [
        int(rowid)
        for (rowid,) in conn.execute(
            f"SELECT rowid FROM {TEXT_TABLE} WHERE {TEXT_TABLE} MATCH ? "
            "ORDER BY rowid DESC LIMIT ?",
            (expression, limit),
        )
    ]
    (count,) = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {TEXT_TABLE} WHERE {TEXT_TABLE} MATCH ? LIMIT ?)",
        (expression, count_up_to),
    ).fetchone()
    order = {bookmark_id: n for n, bookmark_id in enumerate(ids)}
    found: list[Bookmark] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"{_SELECT} WHERE id IN ({marks})", chunk).fetchall()
        found.extend(_from_row(row) for row in rows)
    found.sort(key=lambda mark: order[mark.id])
    return found, int(count)


def not_in(conn: sqlite3.Connection, keys: Iterable[str]) -> list[Bookmark]:
    """Bookmarks whose article key is not among ``keys`` (their file changed or moved).

    Only the distinct keys are read to find them (an index scan), so a corpus
    check costs little even with a million bookmarks on unchanged articles.
    """
    wanted = set(keys)
    known = [str(k) for (k,) in conn.execute("SELECT DISTINCT article_key FROM bookmarks")]
    stray = [key for key in known if key not in wanted]
    found: list[Bookmark] = []
    for i in range(0, len(stray), 500):
        chunk = stray[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(f"{_SELECT} WHERE article_key IN ({marks})", chunk).fetchall()
        found.extend(_from_row(row) for row in rows)
    return found


def id_range(conn: sqlite3.Connection) -> tuple[int, int]:
    low, high = conn.execute("SELECT min(id), max(id) FROM bookmarks").fetchone()
    return (1, 0) if low is None else (int(low), int(high))


def to_check(
    conn: sqlite3.Connection,
    corpus_keys: Iterable[str],
    corpus_paths: Iterable[str],
    corpus_titles: Iterable[str],
    ids: tuple[int, int] | None = None,
) -> list[str]:
    """Uids of the bookmarks a corpus check must look at, found by SQL alone.

    Those whose article key is not in the corpus (their file changed, moved or is
    elsewhere) and that either may be found here (a file at their path, or an
    article with their title) or are not orphaned yet (so must be marked orphaned
    now). A million bookmarks of another corpus, already orphaned, cost one scan.
    The corpus goes into a temporary table (the temp database: no write lock).
    """
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS corpus_probe"
        " (kind INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value)) WITHOUT ROWID"
    )
    keys, paths, titles = list(corpus_keys), list(corpus_paths), list(corpus_titles)
    # Filled once per corpus and kept for the next slice (a fingerprint tells).
    token = f"{len(keys)}:{hash((tuple(keys), tuple(paths), tuple(titles)))}"
    filled = conn.execute(
        "SELECT 1 FROM temp.corpus_probe WHERE kind = 3 AND value = ?", (token,)
    ).fetchone()
    if filled is None:
        conn.execute("DELETE FROM temp.corpus_probe")
        for kind, values in enumerate((keys, paths, titles)):
            conn.executemany(
                "INSERT OR IGNORE INTO temp.corpus_probe VALUES (?, ?)",
                ((kind, clean_text(value)) for value in values),
            )
        conn.execute("INSERT INTO temp.corpus_probe VALUES (3, ?)", (token,))
    rows = conn.execute(
        """
        SELECT uid FROM bookmarks AS b
        WHERE b.id BETWEEN ? AND ?
          AND NOT EXISTS
              (SELECT 1 FROM temp.corpus_probe WHERE kind = 0 AND value = b.article_key)
          AND (b.status = 'ok'
               OR EXISTS (SELECT 1 FROM temp.corpus_probe WHERE kind = 1 AND value = b.path)
               OR EXISTS (SELECT 1 FROM temp.corpus_probe WHERE kind = 2 AND value = b.title))
        """,
        ids or (-(2**63), 2**63 - 1),
    ).fetchall()
    return [str(uid) for (uid,) in rows]


def forget_check(conn: sqlite3.Connection) -> None:
    """Empty the corpus check's temporary table."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS corpus_probe (kind, value)")
    conn.execute("DELETE FROM temp.corpus_probe")


def counts_for(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for key in keys:
        query = "SELECT count(*) FROM bookmarks WHERE article_key = ?"
        (n,) = conn.execute(query, (key,)).fetchone()
        found[key] = int(n)
    return found


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT article_key, count(*) FROM bookmarks GROUP BY article_key")
    return {str(key): int(n) for key, n in rows}


def insert_if_absent(
    conn: sqlite3.Connection,
    mark: Bookmark,
    provisional: ProvisionalIds | None,
    *,
    keep_id: bool = False,
) -> tuple[int, bool]:
    """Insert ``mark`` unless its uid exists; return (its id, whether it was inserted).

    With ``keep_id`` (undo) the row gets ``mark.id`` back when that id is free.
    Otherwise disk rows get the next id and in-memory rows a provisional one.
    """
    existing = conn.execute("SELECT id FROM bookmarks WHERE uid = ?", (mark.uid,)).fetchone()
    if existing is not None:
        return int(existing[0]), False
    new_id: int | None = None
    if keep_id and (mark.id > 0 or provisional is not None):
        taken = conn.execute("SELECT 1 FROM bookmarks WHERE id = ?", (mark.id,)).fetchone()
        new_id = None if taken else mark.id
    if new_id is None and provisional is not None:
        new_id = provisional()
    values = [_plain(getattr(mark, name)) for name in _FIELDS]
    values[0] = new_id
    for i, value in enumerate(values):
        if isinstance(value, str):
            values[i] = clean_text(value)
    placeholders = ", ".join("?" for _ in _FIELDS)
    cursor = conn.execute(f"INSERT INTO bookmarks ({_COLUMNS}) VALUES ({placeholders})", values)
    return int(cursor.lastrowid or 0), True


def insert_many(
    conn: sqlite3.Connection, marks: Iterable[Bookmark], provisional: ProvisionalIds | None
) -> int:
    return sum(insert_if_absent(conn, mark, provisional)[1] for mark in marks)


def update_note(conn: sqlite3.Connection, uid: str, note: str, now: str) -> None:
    conn.execute(
        "UPDATE bookmarks SET note = ?, updated = max(updated, ?), note_updated = ? WHERE uid = ?",
        (clean_text(note), now, now, uid),
    )


def delete(conn: sqlite3.Connection, uid: str) -> Bookmark | None:
    mark = get_by_uid(conn, uid)
    if mark is not None:
        conn.execute("DELETE FROM bookmarks WHERE uid = ?", (uid,))
    return mark


def set_anchor(
    conn: sqlite3.Connection,
    uid: str,
    passage_index: int,
    path: Path | str,
    status: BookmarkStatus,
    offsets: tuple[int, int] | None,
    now: str,
    article_key: str | None = None,
    title: str | None = None,
) -> None:
    start, end = offsets if offsets is not None else (None, None)
    conn.execute(
        "UPDATE bookmarks SET passage_index = ?, path = ?, status = ?, updated = ?,"
        ' start = COALESCE(?, start), "end" = COALESCE(?, "end"),'
        " article_key = COALESCE(?, article_key), title = COALESCE(?, title) WHERE uid = ?",
        (
            passage_index,
            path_text(path),
            status.value,
            now,
            start,
            end,
            article_key,
            None if title is None else clean_text(title),
            uid,
        ),
    )


def id_changes(memory: sqlite3.Connection, disk: sqlite3.Connection) -> dict[int, int]:
    """Map ids the UI saw in memory to the ids the same rows (by uid) got on disk."""
    seen = dict(memory.execute("SELECT uid, id FROM bookmarks").fetchall())
    changes: dict[int, int] = {}
    for uid, disk_id in disk.execute("SELECT uid, id FROM bookmarks"):
        old = seen.get(uid)
        if old is not None and old != disk_id:
            changes[int(old)] = int(disk_id)
    return changes
