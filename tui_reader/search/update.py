"""One update of an index: the diff, then syllables, then pyvi words, in a process pool.

:class:`UpdateRun` compares the corpus files with what is indexed by path,
size and mtime: unchanged files cost nothing, removed files are masked out,
new and changed files are indexed in two phases:

1. **syllables**: files are read, parsed and tokenized in the pool and written
   as syllable-only segments, committed and searchable as they are flushed.
   When this phase ends the whole corpus can be found (``progress``).
2. **words**: every segment still without pyvi words is rewritten with them
   (join bits and word terms), the segmentation running in the pool from the
   stored text; several small segments become one, so this is also the first
   build's merge (``words_progress``). Segmentation is reused by content key,
   so a renamed file, a touched file or a corpus of copies is never segmented
   twice. The workers run this phase at a lower CPU priority, so the reader
   searching meanwhile is served first. A cancelled or killed update leaves
   syllable segments behind, and the next update adds their words.

Once every segment has its words, an index searches exactly as if words had
been indexed with the syllables (the tests compare both). Small segments are
then merged (:func:`tui_reader.search.merge.plan_merges`). The run changes
the index only through :class:`~tui_reader.search.state.IndexState` and tells
the builder when there is something new to search through ``publish``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from tui_reader.articles.corpus import FileEntry
from tui_reader.procs import LifelinePool, worker_pool
from tui_reader.search.analysis import (
    AnalyzedBatch,
    Unreadable,
    analyze_batch,
    segment_batch,
)
from tui_reader.search.merge import plan_merges
from tui_reader.search.segment import MAX_SEGMENT_DOCS, Segment, SegmentBuffer
from tui_reader.search.snapshot import SegmentView
from tui_reader.search.state import IndexState

__all__ = ["IndexStats", "Progress", "UpdateRun"]

Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")

#: Live docs per segment rewritten with words: as many as a segment holds, so
#: a first build ends with big segments the final merge leaves alone.
WORDS_SEGMENT_DOCS = MAX_SEGMENT_DOCS


@dataclass(slots=True)
class IndexStats:
    """What an update did. ``skipped`` lists ``(path, reason)`` of unreadable files.

    ``searchable_seconds``: when every file was searchable by its syllables;
    ``seconds``: when the update ended (words added, segments merged).
    """

    files: int = 0
    indexed: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    segmented: int = 0
    reused_segmentation: int = 0
    rebuilt: str | None = None
    cancelled: bool = False
    searchable_seconds: float = 0.0
    seconds: float = 0.0


class UpdateRun:
    """One update: diff, syllables, words, merge, commit (see the module doc).

    ``workers``: analysis processes (0: all in this process). ``first_flush``:
    how many new articles become searchable together first; later segments
    double in size up to 8,192. ``publish`` is called whenever the state holds
    something new to search. ``started`` is the ``perf_counter`` the stats'
    seconds count from.
    """

    WINDOW = 4  # Batches in flight per worker.
    # Phase 1 keeps more in flight (16 batches of 32 files, ~7 MB for two workers): the
    # main process builds each segment (up to 8,192 articles, 1-3 s) while the workers go
    # on; with 4 they ran dry during every flush.
    ANALYZE_WINDOW = 16
    ANALYZE_BATCH = 32
    SEGMENT_BATCH = 8

    def __init__(
        self,
        state: IndexState,
        files: Sequence[FileEntry],
        stats: IndexStats,
        *,
        workers: int,
        first_flush: int,
        publish: Callable[[], None],
        progress: Progress | None = None,
        words_progress: Progress | None = None,
        cancel: threading.Event | None = None,
        started: float | None = None,
    ) -> None:
        self.state = state
        self.files = files
        self.stats = stats
        self.workers = workers
        self.publish = publish
        self.progress = progress
        self.words_progress = words_progress
        self.cancel = cancel
        self.started = time.perf_counter() if started is None else started
        self.with_words = state.with_words
        self.done = 0
        self.buffer = SegmentBuffer(state.vocab, with_words=False)
        # Changed files: their old doc, masked out when the new version is flushed.
        self.replaces: dict[str, tuple[str, int]] = {}
        self.buffered_paths: list[str] = []
        self.flush_at = max(1, first_flush)
        self.last_flush = time.monotonic()
        self._stack = contextlib.ExitStack()
        self._pool: LifelinePool | None = None

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    # Diff ---------------------------------------------------------------

    def execute(self) -> None:
        with self._stack:
            self._execute()

    def _execute(self) -> None:
        state = self.state
        views = state.views
        live: dict[str, tuple[int, int]] = {}
        for index, view in enumerate(views):
            paths = view.segment.all_paths()
            for doc in np.flatnonzero(~view.deleted).tolist():
                live[paths[doc]] = (index, doc)
        skipped = state.skipped
        todo: list[FileEntry] = []
        still_skipped: dict[str, tuple[int, int, str]] = {}
        for entry in self.files:
            hit = live.pop(entry.path, None)
            if hit is not None:
                seg = views[hit[0]].segment
                if int(seg.sizes[hit[1]]) == entry.size and (
                    int(seg.mtimes[hit[1]]) == entry.mtime_ns
                ):
                    self.stats.unchanged += 1
                    continue
                self.stats.changed += 1
                self.replaces[entry.path] = (seg.name, hit[1])
                todo.append(entry)
                continue
            old = skipped.get(entry.path)
            if old is not None and old[:2] == (entry.size, entry.mtime_ns):
                still_skipped[entry.path] = old
                self.stats.skipped.append((entry.path, old[2]))
                self.stats.unchanged += 1
                continue
            self.stats.added += 1
            todo.append(entry)
        state.skipped = still_skipped
        self.stats.removed = len(live)
        self.done = len(self.files) - len(todo)
        self._report()
        changed_structure = bool(live) or skipped.keys() != still_skipped.keys()
        if live:
            state.delete((views[i].segment.name, d) for i, d in live.values())
            self.publish()
        if todo:
            self._index_syllables(todo)
            changed_structure = True
        self.stats.searchable_seconds = time.perf_counter() - self.started
        if self.with_words and not self.cancelled():
            changed_structure |= self._add_words()
        if not self.cancelled():
            changed_structure |= self._merge(final=True)
        if changed_structure or state.damaged:
            state.commit()
        self.publish()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, len(self.files))

    def _workers(self) -> LifelinePool | None:
        """The process pool, started on first use and shared by both phases."""
        if self.workers <= 0:
            return None
        if self._pool is None:
            self._pool = self._stack.enter_context(_pool(self.workers))
        return self._pool

    def _run(
        self, fn: Callable[[T], R], jobs: Iterable[T], per_worker: int | None = None
    ) -> Iterator[R]:
        """``fn`` over ``jobs``, in the pool when there is one; results as they come.

        ``per_worker`` jobs are kept in flight per worker (default :attr:`WINDOW`).

        Stops early (yielding nothing more) when the update is cancelled.
        """
        pool = self._workers()
        if pool is None:
            for job in jobs:
                if self.cancelled():
                    return
                yield fn(job)
            return
        pending = iter(jobs)
        in_flight: set[Future[Any]] = set()
        window = (per_worker or self.WINDOW) * max(self.workers, 1)
        exhausted = False
        while True:
            if self.cancelled():
                for fut in in_flight:
                    fut.cancel()
                return
            while not exhausted and len(in_flight) < window:
                try:
                    job = next(pending)
                except StopIteration:
                    exhausted = True
                    break
                in_flight.add(pool.submit(fn, job))
            if not in_flight:
                return
            done, in_flight = wait(in_flight, timeout=0.25, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    result: R = fut.result()
                except BrokenProcessPool as err:
                    raise RuntimeError("an indexing worker process died") from err
                yield result

    # Phase 1: syllables -----------------------------------------------------

    def _index_syllables(self, todo: list[FileEntry]) -> None:
        step = self.ANALYZE_BATCH if self.workers > 0 else 1  # In process: cancel at once.
        batches = (todo[i : i + step] for i in range(0, len(todo), step))
        for batch in self._run(analyze_batch, batches, self.ANALYZE_WINDOW):
            self._take(batch)
        if len(self.buffer):
            self._flush()
            self._report()  # Again: the last files are searchable only now.

    def _take(self, batch: AnalyzedBatch) -> None:
        state = self.state
        table = np.array(state.vocab.add_all(batch.terms), dtype=np.uint32)
        for doc in batch.docs:
            if isinstance(doc, Unreadable):
                state.skipped[doc.path] = (doc.size, doc.mtime_ns, doc.reason)
                old = self.replaces.pop(doc.path, None)
                if old is not None:  # It was an article and is no more.
                    state.delete([old])
                self.stats.skipped.append((doc.path, doc.reason))
            else:
                self.buffer.add_ids(doc, table[doc.local], None)
                self.buffered_paths.append(doc.path)
            self.done += 1
            self._report()
            if len(self.buffer) >= min(self.flush_at, MAX_SEGMENT_DOCS) or (
                len(self.buffer) >= 256 and time.monotonic() - self.last_flush > 20
            ):
                self._flush()

    def _flush(self) -> None:
        state = self.state
        arrays = self.buffer.build()
        self.buffer = SegmentBuffer(state.vocab, with_words=False)
        state.add_segment(arrays)
        superseded = [self.replaces.pop(p) for p in self.buffered_paths if p in self.replaces]
        self.buffered_paths = []
        if superseded:
            state.delete(superseded)
        if not self.with_words:  # Otherwise adding the words merges.
            self._merge(final=False)
        self.flush_at = min(self.flush_at * 2, 8192)
        self.last_flush = time.monotonic()
        state.commit()
        self.publish()

    # Phase 2: words ---------------------------------------------------------

    def _add_words(self) -> bool:
        """Rewrite every segment without words with them; False if there was none."""
        pending = [v for v in self.state.views if not v.segment.has_words]
        if not pending:
            return False
        groups: list[list[SegmentView]] = [[]]
        total = 0
        for view in pending:
            if groups[-1] and total + view.live > WORDS_SEGMENT_DOCS:
                groups.append([])
                total = 0
            groups[-1].append(view)
            total += view.live
        known: dict[str, tuple[Segment, int]] = {}  # content key -> a doc with its words
        for view in self.state.views:
            if view.segment.has_words:
                for doc, key in enumerate(view.segment.all_keys()):
                    known.setdefault(key, (view.segment, doc))
        words = _WordsProgress(sum(v.live for v in pending), self.words_progress)
        for group in groups:
            if self.cancelled():
                return True
            segment = self._rewrite_with_words(group, known, words)
            if segment is None and self.cancelled():
                return True
            if segment is not None:
                for doc, key in enumerate(segment.all_keys()):
                    known.setdefault(key, (segment, doc))
            self.state.commit()
            self.publish()
        return True

    def _rewrite_with_words(
        self,
        group: list[SegmentView],
        known: dict[str, tuple[Segment, int]],
        progress: _WordsProgress,
    ) -> Segment | None:
        docs = [
            (view.segment, doc, view.segment.doc_key(doc))
            for view in group
            for doc in np.flatnonzero(~view.deleted).tolist()
        ]
        joins: dict[str, bytes] = {}
        jobs: dict[str, tuple[bytes, list[int]]] = {}
        for seg, doc, key in docs:
            if key in jobs or key in joins:
                self.stats.reused_segmentation += 1
                continue
            hit = known.get(key)
            if hit is not None:
                joins[key] = hit[0].joins(hit[1])
                self.stats.reused_segmentation += 1
            else:
                jobs[key] = (seg.doc_stored(doc), seg.doc_lengths(doc))
        keys = list(jobs)
        step = self.SEGMENT_BATCH
        batches = [
            (keys[i : i + step], [jobs[k] for k in keys[i : i + step]])
            for i in range(0, len(keys), step)
        ]
        progress.advance(len(docs) - len(keys))
        for batch_keys, batch_flags in self._run(_segment_keyed, batches):
            joins.update(zip(batch_keys, batch_flags, strict=True))
            self.stats.segmented += len(batch_keys)
            progress.advance(len(batch_keys))
        del jobs, batches  # Their stored texts: the buffer takes its own copies.
        if self.cancelled():
            return None
        buffer = SegmentBuffer(self.state.vocab, with_words=True)
        for seg, doc, key in docs:
            syllables = seg.syllables(doc)
            flags = joins.get(key)
            if flags is not None and len(flags) != len(syllables):
                flags = None  # Same key, different token count (layout-dependent parse).
            buffer.add_ids(seg.stored_doc(doc), syllables, flags)
        view = self.state.replace(group, buffer.build() if docs else None)
        return view.segment if view is not None else None

    # Merging ----------------------------------------------------------------

    def _merge(self, *, final: bool) -> bool:
        """Merge small segments (tiered while indexing; everything small at the end)."""
        groups = plan_merges(self.state.views, final=final, words=self.with_words)
        if not groups:
            return False
        for group in groups:
            self.state.merge(group)
        if not final:
            self.state.commit()
            self.publish()
        return True


class _WordsProgress:
    """Counts articles that have their words, for ``words_progress(done, total)``."""

    def __init__(self, total: int, report: Progress | None) -> None:
        self.total = total
        self.done = 0
        self.report = report
        if report is not None:
            report(0, total)

    def advance(self, count: int) -> None:
        self.done += count
        if self.report is not None and count:
            self.report(min(self.done, self.total), self.total)


def _pool(workers: int) -> contextlib.AbstractContextManager[LifelinePool]:
    """A spawn process pool whose workers die with this process (:mod:`tui_reader.procs`)."""
    return worker_pool(workers)


#: Niceness added to a worker process once it segments words (background work).
WORDS_NICENESS = 10


def _background() -> None:
    """Lower this worker's CPU priority, once: pyvi runs while the reader searches.

    Only in a worker process (never the app's own, when there is no pool); on
    an idle machine a niced worker still gets every free cycle.
    """
    if multiprocessing.parent_process() is None:
        return
    global _niced
    if not _niced:
        _niced = True
        with contextlib.suppress(OSError, AttributeError):
            os.nice(WORDS_NICENESS)


_niced = False


def _segment_keyed(
    job: tuple[list[str], list[tuple[bytes, list[int]]]],
) -> tuple[list[str], list[bytes]]:
    """:func:`segment_batch`, keeping the content keys beside the join flags."""
    _background()
    keys, jobs = job
    return keys, segment_batch(jobs)
