"""One update of an index: the diff, analysis in a process pool, flushing and merging segments.

:class:`UpdateRun` compares the corpus files with what is indexed by path,
size and mtime: unchanged files cost nothing, removed files are masked out,
new and changed files are analyzed (parsing and pyvi word segmentation in a
process pool on every core) and written as new segments; small segments are
merged (:func:`tui_reader.search.merge.plan_merges`). pyvi segmentation is
reused by content key, so a renamed file, a touched file or a corpus of copies
is never re-segmented. It changes the index only through
:class:`~tui_reader.search.state.IndexState` and tells the builder when there
is something new to search through ``publish``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tui_reader.articles.corpus import FileEntry
from tui_reader.procs import LifelinePool, worker_pool
from tui_reader.search.analysis import AnalyzedDoc, Unreadable, analyze_file, segment_stored
from tui_reader.search.merge import plan_merges
from tui_reader.search.segment import MAX_SEGMENT_DOCS, Segment, SegmentBuffer
from tui_reader.search.state import IndexState

__all__ = ["IndexStats", "Progress", "UpdateRun"]

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class IndexStats:
    """What an update did. ``skipped`` lists ``(path, reason)`` of unreadable files."""

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
    seconds: float = 0.0


class UpdateRun:
    """One update: diff, analyze in a process pool, flush segments, merge, commit.

    ``workers``: analysis processes (0: all in this process). ``first_flush``:
    how many new articles become searchable together first; later segments
    double in size up to 8,192. ``publish`` is called whenever the state holds
    something new to search.
    """

    WINDOW = 8  # Batches in flight per worker.
    ANALYZE_BATCH = 16
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
        cancel: threading.Event | None = None,
    ) -> None:
        self.state = state
        self.files = files
        self.stats = stats
        self.workers = workers
        self.publish = publish
        self.progress = progress
        self.cancel = cancel
        self.with_words = state.with_words
        self.done = 0
        self.buffer = SegmentBuffer(state.vocab, with_words=self.with_words)
        # Changed files: their old doc, masked out when the new version is flushed.
        self.replaces: dict[str, tuple[str, int]] = {}
        self.buffered_paths: list[str] = []
        self.flush_at = max(1, first_flush)
        self.last_flush = time.monotonic()
        self.known: dict[str, tuple[Segment, int]] | None = None  # content key -> segmented doc
        self.buffered_joins: dict[str, bytes] = {}
        self.waiting: dict[str, list[AnalyzedDoc]] = {}  # key -> docs awaiting its segmentation

    # Diff ---------------------------------------------------------------

    def execute(self) -> None:
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
            self._process(todo)
            changed_structure = True
        if not self.cancelled():
            changed_structure |= self._merge(final=True)
        if changed_structure or state.damaged:
            state.commit()
        self.publish()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, len(self.files))

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    # Analysis -------------------------------------------------------------

    def _joins_for(self, key: str) -> bytes | None:
        if key in self.buffered_joins:
            return self.buffered_joins[key]
        if self.known is None:
            self.known = {}
            for view in self.state.views:
                for doc, doc_key in enumerate(view.segment.all_keys()):
                    self.known.setdefault(doc_key, (view.segment, doc))
        hit = self.known.get(key)
        return hit[0].joins(hit[1]) if hit is not None else None

    def _accept(self, doc: AnalyzedDoc, joins: bytes | None, segmented: bool) -> None:
        if segmented:
            self.stats.segmented += 1
        elif joins is not None:
            self.stats.reused_segmentation += 1
        if joins is not None and len(joins) != len(doc.terms):
            joins = None  # Same key, different token count (layout-dependent parse): skip words.
        if joins is not None:
            self.buffered_joins[doc.key] = joins
        self.buffer.add(doc, joins)
        self.buffered_paths.append(doc.path)
        self.done += 1
        self._report()
        if len(self.buffer) >= min(self.flush_at, MAX_SEGMENT_DOCS) or (
            len(self.buffer) >= 256 and time.monotonic() - self.last_flush > 20
        ):
            self._flush()

    def _analyzed(self, result: AnalyzedDoc | Unreadable) -> AnalyzedDoc | None:
        """Record unreadable files; return docs that still need joins."""
        if isinstance(result, Unreadable):
            self.state.skipped[result.path] = (result.size, result.mtime_ns, result.reason)
            old = self.replaces.pop(result.path, None)
            if old is not None:  # It was an article and is no more.
                self.state.delete([old])
            self.stats.skipped.append((result.path, result.reason))
            self.done += 1
            self._report()
            return None
        if not self.with_words:
            self._accept(result, None, segmented=False)
            return None
        joins = self._joins_for(result.key)
        if joins is not None:
            self._accept(result, joins, segmented=False)
            return None
        waiting = self.waiting.get(result.key)
        if waiting is not None:  # Same content already being segmented.
            waiting.append(result)
            return None
        self.waiting[result.key] = []
        return result

    def _segmented(self, doc: AnalyzedDoc, joins: bytes) -> None:
        self._accept(doc, joins, segmented=True)
        for twin in self.waiting.pop(doc.key, []):
            self._accept(twin, self._joins_for(twin.key), segmented=False)

    def _process(self, todo: list[FileEntry]) -> None:
        if self.workers <= 0:
            for entry in todo:
                if self.cancelled():
                    break
                doc = self._analyzed(analyze_file(entry))
                if doc is not None:
                    self._segmented(doc, segment_stored(doc.stored, doc.lengths))
        else:
            self._process_pool(todo)
        if len(self.buffer):
            self._flush()

    def _process_pool(self, todo: list[FileEntry]) -> None:
        batches = [
            todo[i : i + self.ANALYZE_BATCH] for i in range(0, len(todo), self.ANALYZE_BATCH)
        ]
        pending_batches = iter(batches)
        to_segment: list[AnalyzedDoc] = []
        in_flight: dict[Future[Any], list[AnalyzedDoc] | None] = {}
        window = self.WINDOW * max(self.workers, 1)
        exhausted = False
        with _pool(self.workers) as pool:
            while True:
                if self.cancelled():
                    for fut in in_flight:
                        fut.cancel()
                    return
                while (len(to_segment) >= self.SEGMENT_BATCH or (to_segment and exhausted)) and (
                    len(in_flight) < window
                ):
                    batch, to_segment = (
                        to_segment[: self.SEGMENT_BATCH],
                        to_segment[self.SEGMENT_BATCH :],
                    )
                    jobs = [(d.stored, d.lengths, len(d.terms)) for d in batch]
                    in_flight[pool.submit(_segment_batch, jobs)] = batch
                while not exhausted and len(in_flight) < window:
                    nxt = next(pending_batches, None)
                    if nxt is None:
                        exhausted = True
                        break
                    in_flight[pool.submit(_analyze_batch, nxt)] = None
                if not in_flight:
                    if to_segment:
                        continue
                    return
                done, _ = wait(list(in_flight), timeout=0.25, return_when=FIRST_COMPLETED)
                for fut in done:
                    docs = in_flight.pop(fut)
                    try:
                        result = fut.result()
                    except BrokenProcessPool as err:
                        raise RuntimeError("an indexing worker process died") from err
                    if docs is None:
                        for item in result:
                            assert not isinstance(item, bytes)
                            doc = self._analyzed(item)
                            if doc is not None:
                                to_segment.append(doc)
                    else:
                        for doc, joins in zip(docs, result, strict=True):
                            assert isinstance(joins, bytes)
                            self._segmented(doc, joins)

    # Segments -------------------------------------------------------------

    def _flush(self) -> None:
        state = self.state
        arrays = self.buffer.build()
        self.buffer = SegmentBuffer(state.vocab, with_words=self.with_words)
        self.buffered_joins = {}
        segment = state.add_segment(arrays).segment
        if self.known is not None:
            for doc, key in enumerate(segment.all_keys()):
                self.known.setdefault(key, (segment, doc))
        superseded = [self.replaces.pop(p) for p in self.buffered_paths if p in self.replaces]
        self.buffered_paths = []
        if superseded:
            state.delete(superseded)
        self._merge(final=False)
        self.flush_at = min(self.flush_at * 2, 8192)
        self.last_flush = time.monotonic()
        state.commit()
        self.publish()

    def _merge(self, *, final: bool) -> bool:
        """Merge small segments (tiered while indexing; everything small at the end)."""
        groups = plan_merges(self.state.views, final=final)
        if not groups:
            return False
        gone: set[str] = set()
        for group in groups:
            merged = self.state.merge(group)
            gone |= {v.segment.name for v in group}
            if merged is not None and self.known is not None:
                for doc, key in enumerate(merged.segment.all_keys()):
                    self.known[key] = (merged.segment, doc)
        if self.known is not None:
            self.known = {k: v for k, v in self.known.items() if v[0].name not in gone}
        if not final:
            self.state.commit()
            self.publish()
        return True


def _pool(workers: int) -> contextlib.AbstractContextManager[LifelinePool]:
    """A spawn process pool whose workers die with this process (:mod:`tui_reader.procs`)."""
    return worker_pool(workers)


def _analyze_batch(entries: list[FileEntry]) -> list[AnalyzedDoc | Unreadable]:
    out: list[AnalyzedDoc | Unreadable] = []
    for entry in entries:
        try:
            out.append(analyze_file(entry))
        except Exception as err:  # A parser bug must not stop the whole index.
            out.append(
                Unreadable(
                    entry.path,
                    entry.size,
                    entry.mtime_ns,
                    f"could not be analyzed: {type(err).__name__}",
                )
            )
    return out


def _segment_batch(jobs: list[tuple[bytes, list[int], int]]) -> list[bytes]:
    """Join flags for ``(stored texts, passage token counts, token count)`` jobs."""
    out: list[bytes] = []
    for stored, lengths, n_terms in jobs:
        try:
            out.append(segment_stored(stored, lengths))
        except Exception:  # Index its syllables; words are a refinement.
            out.append(bytes(n_terms))
    return out
