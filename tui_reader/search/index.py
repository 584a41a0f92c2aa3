"""The persistent, incrementally updated search index and its queryable snapshots.

Layout of an index folder (see :func:`index_dir_for`)::

    manifest.json     format and tokenizer versions, live segments, deletions, skipped files
    vocab.txt         the term dictionary (ids shared by all segments)
    seg000001/        immutable segments (tui_reader.search.segment)
    seg000001.d3.npy  deleted-doc mask of a segment, generation 3
    lock              held by the one process updating the index

The jobs are split by module: :mod:`~tui_reader.search.manifest` (the commit
record and the lock), :mod:`~tui_reader.search.state` (loading, writing and
committing segments), :mod:`~tui_reader.search.update` (the diff and the
process pool), :mod:`~tui_reader.search.merge` (the merge policy) and
:mod:`~tui_reader.search.snapshot` (what a search reads). This module ties
them together: :class:`IndexBuilder` owns one folder.

Every step is committed by writing files aside and atomically replacing the
manifest: a killed process leaves the last committed index, and a corrupt or
outdated index is discarded and rebuilt, never fatal.

An update indexes syllables first (the whole corpus is searchable when that
phase ends) and adds pyvi words after, rewriting those segments; see
:mod:`~tui_reader.search.update`.

Threads: one thread runs ``update`` while others call :meth:`IndexBuilder.snapshot`
and search it. A snapshot is immutable (segments are read-only memory maps,
masks are copied on write), so searching needs no lock, and it grows as the
update flushes segments: search works on what is indexed so far.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from tui_reader.articles.corpus import FileEntry
from tui_reader.paths import cache_dir
from tui_reader.search.manifest import (
    INDEX_FORMAT,
    LOCK,
    IndexLock,
    UnusableIndex,
    committed_generation,
)
from tui_reader.search.snapshot import IndexSnapshot, SegmentView
from tui_reader.search.state import IndexState
from tui_reader.search.update import IndexStats, Progress, UpdateRun

__all__ = [
    "INDEX_FORMAT",
    "SMALL_CORPUS",
    "IndexBuilder",
    "IndexSnapshot",
    "IndexStats",
    "SegmentView",
    "UnusableIndex",
    "default_workers",
    "index_dir_for",
]

log = logging.getLogger(__name__)


SMALL_CORPUS = 200
"""Below this many articles an update runs without worker processes (app and CLI alike):
starting the spawn pool, every worker importing pyvi, costs more than the work."""


def default_workers(articles: int) -> int | None:
    """``workers`` for :class:`IndexBuilder` when the user chose none: 0 (this process)
    for a corpus of fewer than :data:`SMALL_CORPUS` articles, else one per core (None)."""
    return 0 if articles < SMALL_CORPUS else None


def index_dir_for(roots: Sequence[Path], cache: Path | None = None) -> Path:
    """The index folder for a corpus given by its root paths (one index per corpus)."""
    resolved = sorted(str(Path(r).expanduser().resolve()) for r in roots)
    digest = hashlib.blake2b(
        "\0".join(resolved).encode("utf-8", "surrogatepass"), digest_size=8
    ).hexdigest()
    return (cache if cache is not None else cache_dir()) / "index" / digest


class IndexBuilder:
    """Owns one index folder: loads it, updates it from a corpus, hands out snapshots.

    ``workers``: processes used for analysis and segmentation (default: one per
    core; 0 runs everything in this process, which tests and tiny corpora
    prefer). ``with_words=False`` indexes syllables only (no pyvi), for
    measuring what segmentation brings. The first ``first_flush`` new articles
    become searchable together; later segments double in size up to 8,192.
    """

    def __init__(
        self,
        index_dir: Path,
        *,
        workers: int | None = None,
        with_words: bool = True,
        first_flush: int = 1024,
    ) -> None:
        self.index_dir = index_dir
        self.first_flush = max(1, first_flush)
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        self.with_words = with_words
        self.load_error: str | None = None
        self._lock = threading.Lock()  # Guards the published snapshot.
        self._corpus_size = 0
        self._state = IndexState(index_dir, with_words=with_words)
        self._snapshot: IndexSnapshot
        index_dir.mkdir(parents=True, exist_ok=True)
        self._load()

    def _load(self) -> None:
        """Load the committed index; an unusable one is wiped and rebuilt, never fatal.

        Only :class:`UnusableIndex` (damaged manifest or vocabulary, another
        version) means "rebuild"; any other exception is a bug and propagates.
        A damaged segment costs only its own articles, which the next update
        indexes again.
        """
        try:
            state = IndexState.load(self.index_dir, with_words=self.with_words)
        except UnusableIndex as err:
            log.warning("search index %s is unusable, rebuilding: %s", self.index_dir, err)
            self.load_error = f"index was unusable and is rebuilt: {err}"
            state = IndexState(self.index_dir, with_words=self.with_words)
            state.wipe()
        damaged = state.damaged
        if damaged:
            more = f" and {len(damaged) - 3} more" if len(damaged) > 3 else ""
            shown = ", ".join(damaged[:3]) + more
            self.load_error = (
                f"index had {len(damaged)} damaged file{'s' if len(damaged) > 1 else ''} "
                f"({shown}); the articles in them are indexed again"
            )
        self._state = state
        self._publish()

    def _publish(self) -> None:
        snapshot = self._state.snapshot(max(self._corpus_size, 0))
        with self._lock:
            self._snapshot = snapshot

    def snapshot(self) -> IndexSnapshot:
        """The current searchable state (cheap; call it for every query)."""
        with self._lock:
            return self._snapshot

    def update(
        self,
        files: Sequence[FileEntry],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        words_progress: Progress | None = None,
    ) -> IndexStats:
        """Bring the index in line with ``files``; returns what changed.

        ``progress(done, total)`` is called from this thread as files are
        processed (``total == len(files)``; unchanged files count as done at
        once); when it reaches ``total`` every file is searchable by its
        syllables. Then pyvi words are added (the builder's snapshots say
        ``words_pending``), reported by ``words_progress(done, total)`` in
        articles. ``cancel`` stops the update early; what was indexed is
        kept. Unreadable files are reported in the stats, never raised.
        """
        started = time.perf_counter()
        stats = IndexStats(files=len(files), rebuilt=self.load_error)
        self.load_error = None
        lock = IndexLock(self.index_dir / LOCK)
        if not lock.acquire(cancel):
            stats.cancelled = True
            return stats
        try:
            self._reload_if_changed()
            self._corpus_size = len(files)
            run = UpdateRun(
                self._state,
                files,
                stats,
                workers=self.workers,
                first_flush=self.first_flush,
                publish=self._publish,
                progress=progress,
                words_progress=words_progress,
                cancel=cancel,
                started=started,
            )
            run.execute()
            stats.cancelled = run.cancelled()
        finally:
            lock.release()
        stats.indexed = self.snapshot().indexed
        stats.seconds = time.perf_counter() - started
        return stats

    def _reload_if_changed(self) -> None:
        """Pick up commits another process made since we loaded."""
        if self._state.damaged:
            return  # Damaged segments were dropped: this state is newer than the disk's.
        if committed_generation(self.index_dir) != self._state.generation:
            self._load()
