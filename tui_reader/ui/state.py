"""The app's view of the state store: in-memory mirrors, a database thread, undo.

The UI thread never touches SQLite. Every read and write of the store runs on
one database thread, in the order it was asked for (so a read sees every write
asked for before it). The UI thread only:

- reads in-memory mirrors (``key in read_keys_cache``, bookmark counts), which
  it updates at once when the reader changes something;
- queues work (:meth:`AppState.submit`) and gets results back later; workers
  may wait for results (:meth:`AppState.call`), the UI thread never does.

So when another process holds the database's write lock for a minute (a big
``bookmarks import``), keys keep working: writes wait in the queue (and the
store keeps them in memory and retries if the wait is long), and what the
reader did shows at once.

Every change the reader makes goes onto :attr:`AppState.undo_stack`, and
:attr:`AppState.listeners` hear about it (:class:`BookmarkChange`,
:class:`ReadChange`) so every screen stays up to date, whichever screen made
the change.
"""

from __future__ import annotations

import itertools
import logging
import queue
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from tui_reader.articles.model import Article, ArticleMeta
from tui_reader.store import db
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus, NewBookmark
from tui_reader.store.marks import Position
from tui_reader.store.state import StateStore
from tui_reader.ui.undo import UndoStack

if TYPE_CHECKING:
    from tui_reader.bookmarks import Followed

__all__ = [
    "AppState",
    "ArticleState",
    "BookmarkChange",
    "ReadChange",
    "Reconciled",
    "StateEvent",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: How long the app's store waits for another process's write lock before it
#: keeps changes in memory and retries (the CLI keeps the longer default).
APP_BUSY_TIMEOUT = 1.0
#: Bookmarks (and article keys) handled per database job by the corpus check, so the
#: reader's own changes never wait long behind it.
RECONCILE_CHUNK = 500
#: Bookmark ids one slice of the corpus check's SQL scan covers (~0.1 s at 1M rows).
RECONCILE_SCAN = 50_000


@dataclass(frozen=True, slots=True)
class BookmarkChange:
    """A bookmark was added, removed or its note changed (on any screen)."""

    mark: Bookmark
    kind: Literal["added", "removed", "updated"]


@dataclass(frozen=True, slots=True)
class ReadChange:
    """These article keys were marked read or unread."""

    keys: frozenset[str]


StateEvent = BookmarkChange | ReadChange
Listener = Callable[[StateEvent], None]


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the store knows about an article being opened, computed off the UI thread."""

    placed: dict[int, Bookmark]
    orphaned: list[Bookmark]
    passage: int | None
    """The passage the cursor was on last time (found again if the text changed)."""
    y: float | None
    """The scroll offset, only when the text is unchanged (else the passage decides)."""
    counts: dict[str, int]
    """Fresh bookmark counts for the keys involved (re-anchoring may move them)."""


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What a corpus check changed: bookmark counts, read marks moved to new keys."""

    counts: dict[str, int]
    moved: list[tuple[str, str, bool]] = field(default_factory=list)
    """(old key, new key, read) for each read mark that followed its article."""


class _Jobs:
    """The database thread: runs submitted functions one at a time.

    Two lanes: the reader's own work (writes, the reads screens wait for) runs in
    the order it was asked for; background work (the corpus check re-anchoring a
    million bookmarks) runs only when the reader's lane is empty, in small jobs, so
    what the reader does never waits behind it for more than one small job.
    """

    _READER, _BACKGROUND = 0, 1

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._queue: queue.PriorityQueue[
            tuple[int, int, tuple[Callable[[], object], Future[object]] | None]
        ] = queue.PriorityQueue()
        self._order = itertools.count()
        self._on_error = on_error
        self._outstanding = 0
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="state-db", daemon=True)
        self.thread.start()

    @property
    def outstanding(self) -> int:
        """Jobs queued or running."""
        return self._outstanding

    def submit(self, fn: Callable[[], T], *, background: bool = False) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            self._outstanding += 1
        lane = self._BACKGROUND if background else self._READER
        self._queue.put((lane, next(self._order), (fn, future)))  # type: ignore[arg-type]
        return future

    def _run(self) -> None:
        while True:
            _lane, _order, item = self._queue.get()
            if item is None:
                return
            fn, future = item
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn())
                    except BaseException as exc:
                        log.exception("state database job failed")
                        future.set_exception(exc)
                        self._on_error(exc)
            finally:
                with self._lock:
                    self._outstanding -= 1

    def stop(self, timeout: float | None) -> bool:
        """Finish queued jobs (up to ``timeout`` s); True if the thread ended."""
        self._queue.put((self._BACKGROUND + 1, next(self._order), None))
        self.thread.join(timeout)
        return not self.thread.is_alive()


class AppState:
    """Read marks, positions and bookmarks for the UI, backed by SQLite on its own thread."""

    def __init__(self, data_dir: Path, *, connector: db.Connector | None = None) -> None:
        self.data_dir = data_dir
        self.read_keys_cache: set[str] = set()
        """Article keys marked read (the list asks this per row)."""
        self.bookmark_counts_cache: dict[str, int] = {}
        """Bookmarks per article key (articles without any are absent)."""
        self.undo_stack = UndoStack()
        self.listeners: list[Listener] = []
        """Called on the UI thread after every change, whichever screen made it."""
        self.on_error: Callable[[BaseException], None] | None = None
        """Called on the database thread when a job fails (the app shows it)."""
        self.loaded = threading.Event()
        """Set once the store is open and the mirrors are filled."""
        self._early_reads: dict[str, bool] = {}
        self._store: StateStore | None = None
        self._closed = False
        self._jobs = _Jobs(self._job_failed)
        connect = connector or _app_connector
        self._opened: Future[tuple[set[str], dict[str, int]]] = self._jobs.submit(
            lambda: self._open(connect)
        )

    # -- the database thread -----------------------------------------------------------

    def _open(self, connector: db.Connector) -> tuple[set[str], dict[str, int]]:
        self._store = StateStore.open(self.data_dir, connector=connector)
        loaded = (self._store.read_keys(), self._store.bookmark_counts())
        return loaded

    def _job_failed(self, exc: BaseException) -> None:
        if self.on_error is not None:
            try:
                self.on_error(exc)
            except Exception:  # Reporting must never break the database thread.
                log.exception("could not report a failed state job")

    @property
    def store(self) -> StateStore:
        """The store itself: use it only inside functions given to :meth:`submit`."""
        if self._store is None:
            self._opened.result()
        assert self._store is not None
        return self._store

    def submit(self, fn: Callable[[StateStore], T], *, background: bool = False) -> Future[T]:
        """Run ``fn(store)`` on the database thread after everything asked for before.

        ``background`` work (the corpus check) yields to the reader's: it runs when
        nothing else is waiting; keep each such job small.
        """
        return self._jobs.submit(lambda: fn(self.store), background=background)

    def call(
        self,
        fn: Callable[[StateStore], T],
        timeout: float | None = None,
        *,
        background: bool = False,
    ) -> T:
        """:meth:`submit` and wait: for workers and tests, never the UI thread."""
        return self.submit(fn, background=background).result(timeout)

    def when_loaded(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the database thread) once the mirrors are filled."""
        self._opened.add_done_callback(lambda _f: callback())

    def install_loaded(self) -> None:
        """UI thread: fill the mirrors from the store, keeping changes made before that."""
        if self.loaded.is_set() or not self._opened.done():
            return
        try:
            read, counts = self._opened.result()
        except Exception:
            log.exception("could not open the state store")
            read, counts = set(), {}
        for key, is_read in self._early_reads.items():
            (read.add if is_read else read.discard)(key)
        self._early_reads.clear()
        self.read_keys_cache.clear()
        self.read_keys_cache.update(read)
        early_counts = dict(self.bookmark_counts_cache)
        self.bookmark_counts_cache.clear()
        self.bookmark_counts_cache.update(counts)
        for key, count in early_counts.items():
            self._count(key, count)
        self.loaded.set()

    def wait_idle(self, timeout: float | None = None) -> None:
        """Block until everything queued so far is done (tests, quitting)."""
        self._jobs.submit(lambda: None).result(timeout)

    @property
    def notices(self) -> list[str]:
        """Messages for the user from opening the store (e.g. a database moved aside)."""
        store = self._store
        return list(store.notices) if store is not None else []

    @property
    def save_problem(self) -> str | None:
        """Why state cannot be saved right now, if it cannot (no database access)."""
        store = self._store
        return store.save_problem if store is not None else None

    @property
    def pending_writes(self) -> int:
        """Changes not on disk yet: queued here, or kept in memory by the store."""
        store = self._store
        return self._jobs.outstanding + (store.pending_writes if store is not None else 0)

    def request_retry(self) -> Future[bool]:
        """Ask the store to try saving what it keeps in memory; True when all is saved."""
        return self.submit(lambda s: s.retry_pending())

    def retry_pending(self) -> bool:
        """Blocking :meth:`request_retry` (workers, tests)."""
        return self.request_retry().result()

    def close(self, timeout: float | None = 10.0) -> None:
        """Save what is queued (waiting at most ``timeout`` s), then close the store."""
        if self._closed:
            return
        self._closed = True

        def close_store() -> None:
            if self._store is not None:
                self._store.close()

        self._jobs.submit(close_store)
        if not self._jobs.stop(timeout):
            log.warning(
                "closing: %d state change(s) still waiting for the database",
                self._jobs.outstanding,
            )

    # -- events ---------------------------------------------------------------------

    def _emit(self, event: StateEvent) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # One broken screen must not stop the others hearing it.
                log.exception("a state listener failed")

    # -- read marks and positions (UI thread, never blocks) ------------------------------

    def set_read(
        self,
        key: str,
        read: bool,
        *,
        path: str | None = None,
        title: str | None = None,
        record: bool = True,
        announce: bool = True,
    ) -> None:
        """Mark an article read or unread; ``record``: an undoable change (not on open).

        ``announce=False`` leaves telling the listeners to the caller (one event for many).
        """
        was = key in self.read_keys_cache
        if read:
            self.read_keys_cache.add(key)
        else:
            self.read_keys_cache.discard(key)
        if not self.loaded.is_set():
            self._early_reads[key] = read
        self.submit(lambda s: s.set_read(key, read, path=path, title=title))
        if record and was != read:
            word = "read" if read else "unread"
            self.undo_stack.push(
                f"marked {word}",
                lambda: self.set_read(key, was, record=False, announce=announce),
            )
        if announce:
            self._emit(ReadChange(frozenset({key})))

    def set_read_many(self, metas: Sequence[ArticleMeta], read: bool, what: str) -> int:
        """Mark many articles at once, as one undo step; returns how many changed."""
        changed = [m for m in metas if (m.key in self.read_keys_cache) != read]
        keys = frozenset(m.key for m in changed)
        with self.undo_stack.group(what):
            if changed:
                # Undone last (a group undoes in reverse): one announcement, after all.
                self.undo_stack.push(what, lambda: self._emit(ReadChange(keys)))
            for meta in changed:
                self.set_read(meta.key, read, path=meta.path, title=meta.title, announce=False)
        if changed:
            self._emit(ReadChange(keys))
        return len(changed)

    def save_position(self, key: str, position: Position, *, path: str, title: str) -> None:
        """Remember where the reader is in this article (the cursor's passage and scroll)."""
        self.submit(lambda s: s.set_position(key, position, path=path, title=title))

    # -- bookmarks (UI thread, never blocks) -----------------------------------------------

    def add_bookmark(self, new: NewBookmark, *, record: bool = True) -> Bookmark:
        """Bookmark a passage; the returned row is complete but for its database id."""
        uid = str(uuid.uuid4())
        created = db.utc_now()
        mark = Bookmark(
            id=0,
            uid=uid,
            article_key=new.article_key,
            path=new.path,
            title=new.title,
            passage_index=new.passage_index,
            quote=new.quote,
            prefix=new.prefix,
            suffix=new.suffix,
            start=new.start,
            end=new.end,
            note=new.note,
            created=created,
            updated=created,
            status=BookmarkStatus.OK,
            source_url=new.source_url,
        )
        self.submit(lambda s: s.add_bookmark(new, uid=uid, created=created))
        self._count(mark.article_key, +1)
        if record:
            self.undo_stack.push("bookmark added", lambda: self.remove_bookmark(mark))
        self._emit(BookmarkChange(mark, "added"))
        return mark

    def remove_bookmark(self, mark: Bookmark) -> None:
        """Delete a bookmark (and its note); undo brings both back, same uid."""
        removed = self.submit(lambda s: s.delete_by_uid(mark.uid))
        self._count(mark.article_key, -1)
        what = "bookmark and its note removed" if mark.note.strip() else "bookmark removed"
        self.undo_stack.push(what, lambda: self._restore(mark, removed))
        self._emit(BookmarkChange(mark, "removed"))

    def _restore(self, mark: Bookmark, removed: Future[Bookmark | None]) -> None:
        def restore(store: StateStore) -> None:
            # The delete ran before this job, so its result is there: the saved row.
            saved = removed.result() if removed.done() and not removed.exception() else None
            store.restore_bookmark(saved or mark)

        self.submit(restore)
        self._count(mark.article_key, +1)
        self._emit(BookmarkChange(mark, "added"))

    def set_note(self, mark: Bookmark, note: str) -> Bookmark:
        """Replace a bookmark's note (clearing it is undoable too); returns the new row."""
        old = mark.note
        now = db.utc_now()
        updated = replace(mark, note=note, updated=now, note_updated=now)
        self.submit(lambda s: s.set_note(mark.uid, note))
        what = "note cleared" if old and not note else "note edited" if old else "note added"
        self.undo_stack.push(what, lambda: self._set_note_back(updated, old))
        self._emit(BookmarkChange(updated, "updated"))
        return updated

    def _set_note_back(self, mark: Bookmark, note: str) -> None:
        self.set_note(mark, note)

    def undo(self) -> str | None:
        """Revert the last change; what it was, or None when there is nothing to undo."""
        change = self.undo_stack.undo()
        return None if change is None else change.what

    def _count(self, key: str, step: int) -> None:
        count = self.bookmark_counts_cache.get(key, 0) + step
        if count > 0:
            self.bookmark_counts_cache[key] = count
        else:
            self.bookmark_counts_cache.pop(key, None)

    def set_bookmark_counts(self, counts: dict[str, int]) -> None:
        """Install counts computed off the UI thread."""
        self.bookmark_counts_cache.clear()
        self.bookmark_counts_cache.update(counts)

    def apply(self, reconciled: Reconciled) -> None:
        """UI thread: install what a corpus check found (counts, read marks that moved)."""
        self.set_bookmark_counts(reconciled.counts)
        keys: set[str] = set()
        for old, new, read in reconciled.moved:
            self.read_keys_cache.discard(old)
            if read:
                self.read_keys_cache.add(new)
            keys.update((old, new))
        if keys:
            self._emit(ReadChange(frozenset(keys)))

    # -- for workers (blocking; never call these on the UI thread) -------------------------

    def bookmarks(self, article_key: str | None = None) -> list[Bookmark]:
        """All bookmarks, or one article's, newest first (waits for the database)."""
        return self.call(lambda s: s.bookmarks(article_key))

    def article_state(self, article: Article, listed_key: str) -> Future[ArticleState]:
        """Re-anchor ``article``'s bookmarks and find the reader's last position in it.

        ``listed_key`` is the key the list had for it: when the file was edited since,
        the position saved under that key is found again in the new text (as a
        bookmark is) and moved to the new key. Runs on the database thread.
        """
        return self.submit(lambda s: _article_state(s, article, listed_key))

    def reconcile(self, metas: Sequence[ArticleMeta]) -> Reconciled:
        """After a corpus check: bookmarks and read marks whose article key is not in the
        corpus any more (edited or moved files) follow their article, or bookmarks
        become orphaned. Files are read here, in the calling worker; the database
        work is queued. Waits for the database."""
        from tui_reader.bookmarks import ArticleFinder, Locator, follow_read_state
        from tui_reader.bookmarks.reanchor import planned

        keys = {meta.key for meta in metas}
        locator = Locator(ArticleFinder(metas))
        paths = [meta.path for meta in metas]
        titles = [meta.title for meta in metas if meta.title.strip()]
        # Only bookmarks that may be found here, or must now be marked orphaned: a
        # million bookmarks of another corpus cost one SQL scan (in slices of ids),
        # not a million reads. All of it is background work, in small jobs.
        low, high = self.call(lambda s: s.bookmark_id_range(), background=True)
        for first in range(low, high + 1, RECONCILE_SCAN):
            ids = (first, first + RECONCILE_SCAN - 1)
            wanted = self.call(
                lambda s, i=ids: s.bookmarks_to_check(keys, paths, titles, i),  # type: ignore[misc]
                background=True,
            )
            for j in range(0, len(wanted), RECONCILE_CHUNK):
                uids = wanted[j : j + RECONCILE_CHUNK]
                marks = self.call(
                    lambda s, u=uids: s.bookmarks_by_uid(u),  # type: ignore[misc]
                    background=True,
                )
                moves = []
                for mark in marks.values():
                    found = locator.locate(mark)
                    change = planned(mark, found.article if found.resolution.ok else None)
                    if change is not None:
                        moves.append(change)
                self.call(
                    lambda s, m=moves: s.set_bookmark_anchors(m),  # type: ignore[misc]
                    background=True,
                )
        self.call(lambda s: s.forget_check(), background=True)
        moved: list[tuple[str, str, bool]] = []
        for row in self.call(lambda s: s.read_states_not_in(keys), background=True):
            followed = follow_read_state(row, locator)
            if followed is None:
                continue
            self.submit(_move_job(followed))
            moved.append((followed.old_key, followed.new_key, followed.read))
        return Reconciled(self.call(lambda s: s.bookmark_counts(), background=True), moved)


def _move_job(followed: Followed) -> Callable[[StateStore], None]:
    def job(store: StateStore) -> None:
        store.move_read_state(
            followed.old_key,
            followed.new_key,
            passage=followed.passage,
            path=followed.path,
            title=followed.title,
        )

    return job


def _app_connector(path: Path) -> sqlite3.Connection:
    return db.connect(path, busy_timeout=APP_BUSY_TIMEOUT)


def _article_state(store: StateStore, article: Article, listed_key: str) -> ArticleState:
    from tui_reader.bookmarks import position_in, reanchor

    placed: dict[int, Bookmark] = {}
    orphaned: list[Bookmark] = []
    marks = store.article_bookmarks(article.key, article.path)
    if listed_key != article.key:
        seen = {mark.uid for mark in marks}
        marks += [m for m in store.bookmarks(listed_key) if m.uid not in seen]
    keys = {article.key} | {mark.article_key for mark in marks}
    for mark in marks:
        resolution = reanchor(store, mark, article)
        index = resolution.passage_index
        if resolution.ok and index is not None and index not in placed:
            placed[index] = store.bookmark_by_uid(mark.uid) or mark
        else:
            orphaned.append(mark)
    passage: int | None = None
    y: float | None = None
    row = store.read_state(article.key)
    if (row is None or row.passage is None) and listed_key != article.key:
        old = store.read_state(listed_key)
        if old is not None and old.passage is not None:
            row = old
    if row is not None:
        passage = position_in(row, article)
        if row.article_key == article.key:
            y = row.y
        elif passage is not None:
            store.move_read_state(
                row.article_key,
                article.key,
                passage=passage,
                path=str(article.path),
                title=article.title,
            )
    counts = store.bookmark_counts_for(keys)
    return ArticleState(placed, orphaned, passage, y, counts)
