"""Subscriptions and what was fetched from them, in ``<data_dir>/feeds.sqlite3``.

Its own database file, beside the state database rather than inside it: the
state store (read marks, bookmarks) has its own saver, retry queue and schema
versions owned by another room, while fetches run from the CLI and from app
workers at once and write in bursts; WAL mode and one short transaction per
article keep both readers and a concurrent fetch unblocked. The articles
themselves are JSON files (:mod:`.storage`); this database knows where each one
is and how to recognise it again (guid, link, content key), plus the HTTP
validators (ETag / Last-Modified) per feed and per article page.

A damaged database is moved aside (never deleted) and a fresh one started; the
notice says where the old one is.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tui_reader.paths import ensure_private_dir

DB_NAME = "feeds.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    title TEXT,
    site TEXT,
    added TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_fetch TEXT,
    last_success TEXT,
    last_error TEXT,
    body_hash TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    guid TEXT,
    link TEXT,
    content_key TEXT NOT NULL,
    path TEXT,
    title TEXT NOT NULL,
    published TEXT,
    fetched TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    page_etag TEXT,
    page_last_modified TEXT,
    summary_only TEXT,
    page_attempts INTEGER NOT NULL DEFAULT 0,
    pruned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_guid ON articles(guid);
CREATE INDEX IF NOT EXISTS articles_link ON articles(link);
CREATE INDEX IF NOT EXISTS articles_key ON articles(content_key);
CREATE UNIQUE INDEX IF NOT EXISTS articles_path ON articles(path) WHERE path IS NOT NULL;
CREATE TABLE IF NOT EXISTS memberships (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, feed_id)
);
"""


def utc_now() -> str:
    """Now as an ISO 8601 UTC timestamp (what every time column holds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscription, with what the last fetch found."""

    id: int
    name: str
    url: str
    slug: str
    title: str | None
    site: str | None
    added: str
    etag: str | None
    last_modified: str | None
    last_fetch: str | None
    last_success: str | None
    last_error: str | None
    body_hash: str | None = None
    """A hash of the last body fully processed: the same bytes again need no parsing."""


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """One fetched article: where its file is and how to recognise it again."""

    id: int
    feed_id: int | None
    guid: str | None
    link: str | None
    content_key: str
    path: str | None
    title: str
    published: str | None
    fetched: str
    fingerprint: str
    page_etag: str | None
    page_last_modified: str | None
    summary_only: str | None
    page_attempts: int
    pruned: bool


_FEED_COLUMNS = (
    "id, name, url, slug, title, site, added, etag, last_modified, last_fetch, "
    "last_success, last_error, body_hash"
)
_ARTICLE_COLUMNS = (
    "id, feed_id, guid, link, content_key, path, title, published, fetched, fingerprint, "
    "page_etag, page_last_modified, summary_only, page_attempts, pruned"
)


def _article(row: tuple[object, ...]) -> StoredArticle:
    values = list(row)
    values[-1] = bool(values[-1])
    return StoredArticle(*values)  # type: ignore[arg-type]


class FeedExists(Exception):  # noqa: N818 - reads as a sentence at the call site
    """A feed with this name or address is already subscribed."""


class FeedStore:
    """The feeds database; safe to share between the threads of one fetch."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = ensure_private_dir(data_dir)
        self.path = data_dir / DB_NAME
        self.notices: list[str] = []
        self._lock = threading.RLock()
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as err:
            aside = self.path.with_name(f"{DB_NAME}.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(DB_NAME + suffix)
                if extra.exists():
                    extra.replace(aside.with_name(aside.name + suffix))
            self.notices.append(
                f"The feeds database was damaged ({err}); it was moved to {aside} "
                "and a new one started. Fetched article files are untouched."
            )
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            check = conn.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            conn.executescript(_SCHEMA)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(feeds)")}
            if "body_hash" not in columns:  # databases made before it existed
                conn.execute("ALTER TABLE feeds ADD COLUMN body_hash TEXT")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> FeedStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- feeds -----------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every subscription, by name."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY name COLLATE NOCASE"
            ).fetchall()
        return [Feed(*row) for row in rows]

    def feed(self, name_or_url: str) -> Feed | None:
        """The feed with this name (case-insensitive) or address."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE url = ? OR name = ? COLLATE NOCASE",
                (name_or_url, name_or_url),
            ).fetchone()
        return Feed(*row) if row else None

    def add_feed(
        self, name: str, url: str, slug: str, *, title: str | None = None, site: str | None = None
    ) -> Feed:
        """Subscribe; raise :class:`FeedExists` if the name or address is taken."""
        try:
            with self.transaction() as conn:
                conn.execute(
                    "INSERT INTO feeds (name, url, slug, title, site, added) VALUES (?,?,?,?,?,?)",
                    (name, url, slug, title, site, utc_now()),
                )
        except sqlite3.IntegrityError as err:
            raise FeedExists(str(err)) from None
        feed = self.feed(url)
        assert feed is not None
        return feed

    def remove_feed(self, feed: Feed) -> None:
        """Unsubscribe (the caller has already dealt with the article files)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))

    def slug_taken(self, slug: str) -> bool:
        with self._lock:
            return (
                self._conn.execute("SELECT 1 FROM feeds WHERE slug = ?", (slug,)).fetchone()
                is not None
            )

    def record_fetch(
        self,
        feed: Feed,
        *,
        error: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
        title: str | None = None,
        site: str | None = None,
        validators: bool = False,
        body_hash: str | None = None,
    ) -> None:
        """Remember how a fetch went (and the feed's new validators when it succeeded)."""
        now = utc_now()
        with self.transaction() as conn:
            if error is not None:
                conn.execute(
                    "UPDATE feeds SET last_fetch = ?, last_error = ? WHERE id = ?",
                    (now, error, feed.id),
                )
                return
            conn.execute(
                "UPDATE feeds SET last_fetch = ?, last_success = ?, last_error = NULL, "
                "title = COALESCE(?, title), site = COALESCE(?, site) WHERE id = ?",
                (now, now, title, site, feed.id),
            )
            if validators:
                conn.execute(
                    "UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ? WHERE id = ?",
                    (etag, last_modified, body_hash, feed.id),
                )

    # -- articles ----------------------------------------------------------------------------

    def _articles(self, where: str, args: tuple[object, ...]) -> list[StoredArticle]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE {where} ORDER BY id", args
            ).fetchall()
        return [_article(row) for row in rows]

    def match(self, feed: Feed, guid: str | None, link: str | None) -> StoredArticle | None:
        """The stored article an entry is: same guid (in this feed, or anywhere when the
        guid is a URL), else same link anywhere."""
        if guid:
            if "://" in guid:
                found = self._articles("guid = ?", (guid,))
            else:
                found = self._articles(
                    "guid = ? AND id IN (SELECT article_id FROM memberships WHERE feed_id = ?)",
                    (guid, feed.id),
                )
            if found:
                return found[0]
        if link:
            found = self._articles("link = ?", (link,))
            if found:
                return found[0]
        return None

    def by_content_key(self, key: str) -> StoredArticle | None:
        found = self._articles("content_key = ?", (key,))
        return found[0] if found else None

    def by_path(self, path: str) -> StoredArticle | None:
        found = self._articles("path = ?", (path,))
        return found[0] if found else None

    def articles(
        self, feed: Feed | None = None, *, include_pruned: bool = False
    ) -> list[StoredArticle]:
        """The stored articles (of one feed, by membership), oldest first."""
        pruned = "" if include_pruned else " AND pruned = 0"
        if feed is None:
            return self._articles("1" + pruned, ())
        return self._articles(
            "id IN (SELECT article_id FROM memberships WHERE feed_id = ?)" + pruned, (feed.id,)
        )

    def article_counts(self) -> dict[int, int]:
        """Stored (unpruned) articles per feed id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT m.feed_id, COUNT(*) FROM memberships m JOIN articles a "
                "ON a.id = m.article_id WHERE a.pruned = 0 GROUP BY m.feed_id"
            ).fetchall()
        return {feed_id: count for feed_id, count in rows}

    def feed_paths(self) -> dict[str, list[str]]:
        """Article file paths by feed name (an article in two feeds is in both)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT f.name, a.path FROM memberships m JOIN feeds f ON f.id = m.feed_id "
                "JOIN articles a ON a.id = m.article_id WHERE a.pruned = 0 AND a.path IS NOT NULL"
            ).fetchall()
        out: dict[str, list[str]] = {}
        for name, path in rows:
            out.setdefault(name, []).append(path)
        return out

    def insert_article(
        self, conn: sqlite3.Connection, feed: Feed, values: dict[str, object]
    ) -> int:
        """Insert a new article row (inside :meth:`transaction`) and join it to ``feed``."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = conn.execute(
            f"INSERT INTO articles (feed_id, {columns}) VALUES (?, {marks})",
            (feed.id, *values.values()),
        )
        article_id = int(cursor.lastrowid or 0)
        self.join(conn, article_id, feed)
        return article_id

    def update_article(
        self, conn: sqlite3.Connection, article_id: int, values: dict[str, object]
    ) -> None:
        """Change some columns of an article row (inside :meth:`transaction`)."""
        sets = ", ".join(f"{name} = ?" for name in values)
        conn.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*values.values(), article_id))

    def join(self, conn: sqlite3.Connection, article_id: int, feed: Feed) -> None:
        """Record that ``feed`` carries this article too (duplicates across feeds)."""
        conn.execute(
            "INSERT OR IGNORE INTO memberships (article_id, feed_id) VALUES (?, ?)",
            (article_id, feed.id),
        )

    def in_feed(self, article_id: int, feed: Feed) -> bool:
        with self._lock:
            return (
                self._conn.execute(
                    "SELECT 1 FROM memberships WHERE article_id = ? AND feed_id = ?",
                    (article_id, feed.id),
                ).fetchone()
                is not None
            )
