"""Never lose a write, never raise a disk problem into the app.

The :class:`Saver` owns the disk connection. While the disk refuses writes
(read-only, full, I/O error, locked for too long, cannot even be opened) it
switches to an in-memory copy of the saved state: reads and writes go there,
so the session keeps showing what the reader did, and each write is queued.
The queue is replayed on disk, in order, by :meth:`Saver.retry` (which the UI
calls periodically) and before each new write (at most once a
``RETRY_INTERVAL``, so a reader scrolling on a full disk does not reopen the
database on every keystroke). Once the queue is empty the copy is dropped.

A write operation is a function ``op(conn, provisional)``: ``provisional`` is
``None`` on disk and an id source on the in-memory copy, where new rows get
negative ids that can never clash with saved ones.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from tui_reader.store import db
from tui_reader.store.bookmarks import ProvisionalIds
from tui_reader.store.errors import describe, is_save_problem, is_unusable
from tui_reader.store.schema import MIGRATIONS, Migration

T = TypeVar("T")
WriteOp = Callable[[sqlite3.Connection, ProvisionalIds | None], T]
Reconcile = Callable[[sqlite3.Connection, sqlite3.Connection], None]

RETRY_INTERVAL = 1.0  # seconds between automatic retries triggered by writes

log = logging.getLogger(__name__)


def _storage_failure(exc: BaseException) -> bool:
    return is_save_problem(exc) or is_unusable(exc)


def _on_disk(op: WriteOp[T]) -> Callable[[sqlite3.Connection], T]:
    return lambda conn: op(conn, None)


@dataclass(slots=True)
class _Pending:
    op: WriteOp[object]
    durable: bool
    coalesce: Hashable | None


class Saver:
    """Disk when possible, memory plus a replay queue when not. Thread-safe."""

    def __init__(
        self,
        data_dir: Path,
        *,
        connector: db.Connector = db.connect,
        migrations: Sequence[Migration] = MIGRATIONS,
        reconcile: Reconcile | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.path = data_dir / db.DB_NAME
        self.notices: list[str] = []
        self.problem: str | None = None
        self.reason: str | None = None
        """The short cause of :attr:`problem` ("no space left on device"), for other wording."""
        self.lock = threading.RLock()
        self._connector = connector
        self._migrations = migrations
        self._reconcile = reconcile
        self._pending: deque[_Pending] = deque()
        self._disk: sqlite3.Connection | None = None
        self._memory: sqlite3.Connection | None = None
        self._next_provisional = -1
        self._last_retry = 0.0
        self._closed = False
        try:
            self._disk = db.open_disk(
                data_dir, self.notices, connector=connector, migrations=migrations
            )
        except (sqlite3.Error, OSError) as exc:
            log.warning("could not open %s: %s (working in memory)", self.path, describe(exc))
            self._memory = db.snapshot(self.path, migrations)
            self.reason = describe(exc)
            self.problem = (
                f"Could not open {self.path} ({describe(exc)}). Working in memory: "
                "this session's read marks and bookmarks will be saved when that becomes possible."
            )

    @property
    def pending(self) -> int:
        return len(self._pending)

    def read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        with self.lock:
            conn = self._current()
            try:
                return query(conn)
            except (sqlite3.Error, OSError) as exc:
                if conn is self._memory or not _storage_failure(exc):
                    raise
                self._fall_back(exc)
                return query(self._current())

    def write(
        self, op: WriteOp[T], *, durable: bool = False, coalesce: Hashable | None = None
    ) -> T:
        """Run ``op`` on disk; on a storage failure run it in memory and queue it.

        ``coalesce``: a later queued write with the same key replaces an earlier
        one (e.g. scroll offsets of one article), so the queue stays small.
        """
        with self.lock:
            self._check_open()
            if self._memory is not None:
                self._flush(throttled=True)
            if self._memory is None and self._disk is not None:
                disk = self._disk
                try:
                    return db.write(disk, _on_disk(op), durable=durable)
                except (sqlite3.Error, OSError) as exc:
                    if not _storage_failure(exc):
                        raise
                    self._fall_back(exc)
            result = db.write(self._current(), lambda c: op(c, self._provisional_id))
            if coalesce is not None:
                self._pending = deque(p for p in self._pending if p.coalesce != coalesce)
            self._pending.append(_Pending(op, durable, coalesce))
            return result

    def retry(self) -> bool:
        """Try to save everything queued now; True when nothing is left unsaved."""
        with self.lock:
            self._check_open()
            if self._memory is not None:
                self._flush(throttled=False)
            return self._memory is None

    def discard(self) -> int:
        """Forget every queued write and the in-memory copy; returns how many were queued."""
        with self.lock:
            dropped = len(self._pending)
            self._pending.clear()
            if self._memory is not None:
                self._memory.close()
                self._memory = None
            if self._disk is None:  # still unusable: a fresh copy of what is saved
                self._memory = db.snapshot(self.path, self._migrations)
            return dropped

    def close(self) -> None:
        """Last attempt to save the queue, then close. Safe to call twice."""
        with self.lock:
            if self._closed:
                return
            if self._memory is not None:
                self._flush(throttled=False)
            for conn in (self._disk, self._memory):
                if conn is not None:
                    conn.close()
            self._disk = self._memory = None
            self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the state store is closed")

    def _current(self) -> sqlite3.Connection:
        self._check_open()
        conn = self._memory or self._disk
        assert conn is not None, "either the disk or the in-memory copy is always open"
        return conn

    def _provisional_id(self) -> int:
        value = self._next_provisional
        self._next_provisional -= 1
        return value

    def _fall_back(self, exc: BaseException) -> None:
        """Switch to (or stay on) the in-memory copy after a disk failure."""
        log.warning("not saving to %s: %s (keeping changes in memory)", self.path, describe(exc))
        self.reason = describe(exc)
        self.problem = (
            f"Could not save to {self.path} ({describe(exc)}). Your changes are kept in memory "
            "and will be saved when that becomes possible."
        )
        if self._memory is None:
            self._memory = db.snapshot(self._disk or self.path, self._migrations)
        if self._disk is not None:
            self._disk.close()  # Reopened on retry: a read-only handle never becomes writable.
            self._disk = None
        self._last_retry = time.monotonic()

    def _flush(self, *, throttled: bool) -> None:
        now = time.monotonic()
        if throttled and now - self._last_retry < RETRY_INTERVAL:
            return
        self._last_retry = now
        if self._disk is None:
            try:
                self._disk = db.open_disk(
                    self.data_dir,
                    self.notices,
                    connector=self._connector,
                    migrations=self._migrations,
                )
            except (sqlite3.Error, OSError) as exc:
                self._fall_back(exc)
                return
        while self._pending:
            item = self._pending[0]
            try:
                db.write(self._disk, _on_disk(item.op), durable=item.durable)
            except Exception as exc:  # A replay must never raise into the app.
                if _storage_failure(exc):
                    self._fall_back(exc)
                    return
                log.exception("a queued change conflicts with the database; dropped")
                # It worked in memory but conflicts with what is on disk now: report, move on.
                self.notices.append(f"One unsaved change could not be saved and was dropped: {exc}")
            self._pending.popleft()
        if self._memory is not None:
            if self._reconcile is not None:
                self._reconcile(self._memory, self._disk)
            self._memory.close()
            self._memory = None
        self.problem = self.reason = None
