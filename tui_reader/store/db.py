"""Opening the state database safely: pragmas, migrations, moving broken files aside.

Durability choice: WAL with ``synchronous=NORMAL``. A commit is appended to
the WAL with ``write()`` before ``COMMIT`` returns, so killing the process
(SIGKILL, crash, closed terminal) never loses a committed write; only a power
cut can lose the last few commits (never corrupt the file). Bookmark writes are
user-authored and rare, so they run with ``synchronous=FULL`` (``durable=True``)
and survive power loss too; read marks and scroll offsets are frequent and
cheap to redo, so they do not pay for an fsync each.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from tui_reader.paths import ensure_private_dir
from tui_reader.store.errors import describe, is_busy, is_save_problem, is_unusable
from tui_reader.store.schema import MIGRATIONS, Migration

T = TypeVar("T")

DB_NAME = "state.sqlite3"
BUSY_TIMEOUT_MS = 5000
BUSY_RETRIES = 3  # extra attempts after busy_timeout expired, before giving up on a write
_SIBLINGS = ("-wal", "-shm", "-journal")

Connector = Callable[[Path], sqlite3.Connection]

log = logging.getLogger(__name__)


def utc_now() -> str:
    """The timestamp format stored everywhere: ISO-8601, UTC, milliseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path, *, busy_timeout: float = BUSY_TIMEOUT_MS / 1000) -> sqlite3.Connection:
    """The default connector. Injectable so tests can open the file read-only or size-capped.

    ``busy_timeout`` (seconds) is how long a write waits for another process's lock;
    the app uses a shorter wait (it keeps changes in memory and retries meanwhile).
    """
    return sqlite3.connect(
        path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )


def retry_busy(action: Callable[[], T]) -> T:
    """Run ``action``; if the lock is still held after busy_timeout, wait and try again."""
    for attempt in range(BUSY_RETRIES + 1):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or attempt == BUSY_RETRIES:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def write(
    conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T], *, durable: bool = False
) -> T:
    """Run ``body`` in one short ``BEGIN IMMEDIATE`` transaction, retried while busy.

    IMMEDIATE takes the write lock up front, so the busy handler applies and a
    reader never has to upgrade to a writer mid-transaction (which fails at once).
    """

    def once() -> T:
        if durable:
            conn.execute("PRAGMA synchronous = FULL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = body(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    # The original error says more than a failed rollback would.
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            return result
        finally:
            if durable:
                conn.execute("PRAGMA synchronous = NORMAL")

    return retry_busy(once)


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Apply the missing migrations in order, each in its own transaction.

    The version is re-read under the write lock, so two processes opening an
    old database at once apply each step exactly once.
    """
    while (version := user_version(conn)) < len(migrations):

        def step(c: sqlite3.Connection, expected: int = version) -> None:
            current = user_version(c)
            if current != expected:
                return  # Another process got there first; the loop re-reads.
            migrations[current](c)
            c.execute(f"PRAGMA user_version = {current + 1:d}")

        write(conn, step)


def configure(conn: sqlite3.Connection) -> None:
    """WAL and NORMAL sync; the busy timeout is the connector's (``connect`` sets 5 s)."""
    conn.isolation_level = None  # We issue BEGIN/COMMIT ourselves.
    retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
    conn.execute("PRAGMA synchronous = NORMAL")


@dataclass(frozen=True, slots=True)
class Unusable:
    """Why a database file cannot be used; ``kind`` goes into the set-aside name."""

    kind: str  # "corrupt" or "newer"
    reason: str


def _read_only_uri(path: Path, extra: str = "") -> str:
    return f"{path.absolute().as_uri()}?mode=ro{extra}"


def inspect(path: Path, latest: int) -> Unusable | None:
    """Check an existing file without writing to it (a read-only connection never checkpoints).

    Raises the sqlite3/OS error for save problems (unreadable directory, I/O error).
    """
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            version = user_version(conn)
            if version > latest:
                return Unusable(
                    "newer",
                    f"it was written by a newer tui-reader (schema version {version}; "
                    f"this version knows {latest})",
                )
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_unusable(exc):
            return Unusable("corrupt", f"it is damaged or not a database ({describe(exc)})")
        raise
    if [tuple(row) for row in rows] != [("ok",)]:
        detail = "; ".join(str(row[0]) for row in rows[:3])
        return Unusable("corrupt", f"its integrity check failed ({detail})")
    return None


def move_aside(path: Path, kind: str) -> Path:
    """Rename the database and its -wal/-shm siblings to a dated name; never delete them.

    Siblings go first: a stale -wal left beside a fresh database would be
    replayed into it.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base = path.with_name(f"{path.name}.{kind}-{stamp}")
    target, n = base, 0
    while any(Path(f"{target}{s}").exists() for s in ("", *_SIBLINGS)):
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    for suffix in (*_SIBLINGS, ""):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.rename(f"{target}{suffix}")
    return target


def _create_private_file(path: Path) -> None:
    """Create the db file 0600 ourselves (SQLite would honour the umask); -wal/-shm copy it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:
            pass  # Not ours to change; the directory is private anyway.


def _set_aside(path: Path, verdict: Unusable, notices: list[str]) -> None:
    moved = move_aside(path, verdict.kind)
    log.warning("state database %s set aside as %s: %s", path, moved, verdict.reason)
    notices.append(
        f"Your reading state could not be used because {verdict.reason}. "
        f"It was moved to {moved} (nothing was deleted) and a fresh one was started."
    )


def open_disk(
    data_dir: Path,
    notices: list[str],
    *,
    connector: Connector = connect,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> sqlite3.Connection:
    """Open (creating, repairing by setting aside, migrating) ``<data_dir>/state.sqlite3``.

    Appends a human-readable notice for every file set aside. Raises sqlite3 or
    OS errors for save problems; the caller falls back to memory.
    """
    ensure_private_dir(data_dir)
    path = data_dir / DB_NAME
    for _ in range(3):
        verdict = retry_busy(lambda: inspect(path, len(migrations)))
        if verdict is not None:
            _set_aside(path, verdict, notices)
        fresh = not path.exists() or (path.stat().st_size == 0 and not Path(f"{path}-wal").exists())
        _create_private_file(path)
        conn = connector(path)
        try:
            configure(conn)
            migrate(conn, migrations)
        except sqlite3.DatabaseError as exc:
            conn.close()
            if is_save_problem(exc) or fresh:
                raise  # A fresh file failing is not the file's fault: do not pile up copies.
            # Damaged in a way quick_check missed, or a foreign schema blocks ours.
            verdict = Unusable("corrupt", f"it could not be set up ({describe(exc)})")
            _set_aside(path, verdict, notices)
            continue
        return conn
    raise sqlite3.DatabaseError(f"could not create a usable database at {path}")


def open_memory(migrations: Sequence[Migration] = MIGRATIONS) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    migrate(conn, migrations)
    return conn


def snapshot(
    source: sqlite3.Connection | Path | None, migrations: Sequence[Migration] = MIGRATIONS
) -> sqlite3.Connection:
    """An in-memory copy of what is saved, so reads keep working while saving fails.

    ``source`` is the open disk connection, or the file path when no connection
    could be made (then it is read read-only, or ``immutable`` when its directory
    is too locked down even for that). Starts empty if nothing can be read.
    """
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    try:
        if isinstance(source, sqlite3.Connection):
            source.backup(memory)
        elif isinstance(source, Path):
            _copy_file(source, memory)
        if user_version(memory) > len(migrations):
            raise sqlite3.DatabaseError("newer schema")
        if memory.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise sqlite3.DatabaseError("damaged copy")  # A backup copies damaged pages as is.
        migrate(memory, migrations)
        return memory
    except (sqlite3.Error, OSError) as exc:
        log.warning("could not copy the saved state into memory (%s); starting empty", exc)
        memory.close()
        return open_memory(migrations)


def _copy_file(path: Path, memory: sqlite3.Connection) -> None:
    last: sqlite3.Error | None = None
    for extra in ("", "&immutable=1"):
        try:
            source = sqlite3.connect(_read_only_uri(path, extra), uri=True)
            try:
                source.backup(memory)
                return
            finally:
                source.close()
        except sqlite3.Error as exc:
            last = exc
    if last is not None:
        raise last
