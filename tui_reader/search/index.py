"""The persistent, incrementally updated search index and its queryable snapshots.

Layout of an index folder (see :func:`index_dir_for`)::

    manifest.json     format and tokenizer versions, live segments, deletions, skipped files
    vocab.txt         the term dictionary (ids shared by all segments)
    seg000001/        immutable segments (tui_reader.search.segment)
    seg000001.d3.npy  deleted-doc mask of a segment, generation 3
    lock              held by the one process updating the index

Updating (:meth:`IndexBuilder.update`) compares the corpus files with what is
indexed by path, size and mtime: unchanged files cost nothing, removed files
are masked out, new and changed files are analyzed (parsing and pyvi word
segmentation in a process pool on every core) and written as new segments;
small segments are merged. pyvi segmentation is reused by content key, so a
renamed file, a touched file or a corpus of copies is never re-segmented.
Every step is committed by writing files aside and atomically replacing the
manifest: a killed process leaves the last committed index, and a corrupt or
outdated index is discarded and rebuilt, never fatal.

Threads: one thread runs ``update`` while others call :meth:`snapshot` and
search it. A snapshot is immutable (segments are read-only memory maps, masks
are copied on write), so searching needs no lock, and it grows as the update
flushes segments: search works on what is indexed so far.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from tui_reader.articles.corpus import FileEntry
from tui_reader.paths import cache_dir
from tui_reader.procs import LifelinePool, worker_pool
from tui_reader.search.analysis import AnalyzedDoc, Unreadable, analyze_file, segment_stored
from tui_reader.search.files import Checksum, IndexDamaged, verify, write_array
from tui_reader.search.manifest import (
    INDEX_FORMAT,
    LOCK,
    MANIFEST,
    VOCAB,
    IndexLock,
    Manifest,
    SegmentEntry,
    UnusableIndex,
    committed_generation,
    read_manifest,
    write_manifest,
)
from tui_reader.search.segment import (
    MAX_SEGMENT_DOCS,
    Segment,
    SegmentArrays,
    SegmentBuffer,
    merge_segments,
    write_segment_files,
)
from tui_reader.search.vocab import Lexicon, Vocabulary

__all__ = [
    "INDEX_FORMAT",
    "IndexBuilder",
    "IndexSnapshot",
    "IndexStats",
    "SegmentView",
    "UnusableIndex",
    "index_dir_for",
]

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
BoolArray = npt.NDArray[np.bool_]


def index_dir_for(roots: Sequence[Path], cache: Path | None = None) -> Path:
    """The index folder for a corpus given by its root paths (one index per corpus)."""
    resolved = sorted(str(Path(r).expanduser().resolve()) for r in roots)
    digest = hashlib.blake2b(
        "\0".join(resolved).encode("utf-8", "surrogatepass"), digest_size=8
    ).hexdigest()
    return (cache if cache is not None else cache_dir()) / "index" / digest


@dataclass(frozen=True, slots=True, eq=False)
class SegmentView:
    """A segment and which of its docs are deleted, as of one snapshot."""

    segment: Segment
    deleted: BoolArray

    @property
    def live(self) -> int:
        return self.segment.n_docs - int(np.count_nonzero(self.deleted))


class IndexSnapshot:
    """What is searchable at one moment: immutable, safe to use from any thread.

    ``corpus_size`` is the number of files of the corpus being indexed and
    ``indexed`` the number of articles searchable now; while an update runs
    the first can exceed the second.
    """

    def __init__(
        self,
        views: Sequence[SegmentView],
        vocab: Vocabulary,
        vocab_size: int,
        corpus_size: int,
        with_words: bool,
    ) -> None:
        self.views = tuple(views)
        self._holes = [bool(v.deleted.any()) for v in self.views]
        self.vocab = vocab
        self.vocab_size = vocab_size
        self.corpus_size = corpus_size
        self.with_words = with_words
        self.indexed = sum(v.live for v in self.views)
        live_tokens = sum(int(v.segment.doc_len[~v.deleted].sum()) for v in self.views)
        self.avg_doc_len = live_tokens / self.indexed if self.indexed else 0.0

    def lexicon(self) -> Lexicon:
        """Prefix and typo tables for this snapshot's vocabulary (built on first use)."""
        return self.vocab.lexicon(self.vocab_size)

    def warm(self) -> None:
        """Build the lazy lookup tables now (e.g. in a background thread after loading)."""
        self.lexicon()

    def doc_frequency(self, gid: int) -> int:
        """Live articles holding term ``gid``: deleted ones never count, so a corpus
        scores the same whether its index was built in one go or updated."""
        total = 0
        for view, holes in zip(self.views, self._holes, strict=True):
            if holes:
                docs = view.segment.doc_list(gid)
                total += len(docs) - int(np.count_nonzero(view.deleted[docs]))
            else:
                total += view.segment.doc_frequency(gid)
        return total


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
        self._lock = threading.Lock()  # Guards the published state below.
        self._corpus_size = 0
        self._views: list[SegmentView] = []
        self._manifest = Manifest()
        self._vocab = Vocabulary()
        self._files: dict[str, dict[str, Checksum]] = {}  # segment -> its files' checksums
        self._masks: dict[str, tuple[str, Checksum, BoolArray]] = {}  # committed masks
        self._uncommitted = False  # True when loading dropped damaged segments.
        self._snapshot: IndexSnapshot
        index_dir.mkdir(parents=True, exist_ok=True)
        self._load()

    # Loading ----------------------------------------------------------------

    def _load(self) -> None:
        """Load the committed index; an unusable one is wiped and rebuilt, never fatal.

        Only :class:`UnusableIndex` (damaged manifest or vocabulary, another
        version) means "rebuild"; any other exception is a bug and propagates.
        A damaged segment costs only its own articles, which the next update
        indexes again.
        """
        try:
            self._load_committed()
        except UnusableIndex as err:
            log.warning("search index %s is unusable, rebuilding: %s", self.index_dir, err)
            self.load_error = f"index was unusable and is rebuilt: {err}"
            self._wipe()
            self._reset()
        self._publish()

    def _reset(self) -> None:
        self._views = []
        self._files = {}
        self._masks = {}
        self._manifest = Manifest()
        self._vocab = Vocabulary()

    def _load_committed(self) -> None:
        manifest = read_manifest(self.index_dir, with_words=self.with_words)
        if manifest is None:
            self._reset()
            return
        try:
            verify(self.index_dir / VOCAB, manifest.vocab_sum)
        except IndexDamaged as err:
            raise UnusableIndex("its vocabulary file is damaged") from err
        vocab = Vocabulary.load(self.index_dir / VOCAB, manifest.vocab_size)
        views: list[SegmentView] = []
        files: dict[str, dict[str, Checksum]] = {}
        masks: dict[str, tuple[str, Checksum, BoolArray]] = {}
        damaged: list[str] = []
        for entry in manifest.segments:
            try:
                view = self._open_segment(entry, manifest.vocab_size)
            except IndexDamaged as err:
                inside = err.path.is_relative_to(self.index_dir)
                where = err.path.relative_to(self.index_dir) if inside else err.path
                log.warning("search index file %s is damaged (%s)", where, err)
                damaged.append(str(where))
                continue
            views.append(view)
            files[entry.name] = entry.files
            if entry.mask is not None and entry.mask_sum is not None:
                masks[entry.name] = (entry.mask, entry.mask_sum, view.deleted)
        if damaged:
            manifest.segments = [e for e in manifest.segments if e.name in files]
            more = f" and {len(damaged) - 3} more" if len(damaged) > 3 else ""
            shown = ", ".join(damaged[:3]) + more
            self.load_error = (
                f"index had {len(damaged)} damaged file{'s' if len(damaged) > 1 else ''} "
                f"({shown}); the articles in them are indexed again"
            )
            self._uncommitted = True
        self._manifest, self._vocab, self._views = manifest, vocab, views
        self._files, self._masks = files, masks

    def _open_segment(self, entry: SegmentEntry, vocab_size: int) -> SegmentView:
        """A committed segment and its deletion mask, checked against their checksums."""
        folder = self.index_dir / entry.name
        for name, checksum in entry.files.items():
            verify(folder / name, checksum)
        segment = Segment(folder)
        if segment.vocab_size > vocab_size:
            raise IndexDamaged(folder, "uses terms missing from the vocabulary")
        if entry.mask is None:
            mask = np.zeros(segment.n_docs, dtype=bool)
        else:
            path = self.index_dir / entry.mask
            verify(path, entry.mask_sum or (0, 0))
            try:
                mask = np.load(path).astype(bool)
            except (OSError, ValueError) as err:
                raise IndexDamaged(path, "unreadable") from err
            if mask.shape != (segment.n_docs,):
                raise IndexDamaged(path, "wrong length")
        mask.setflags(write=False)
        return SegmentView(segment, mask)

    def _wipe(self) -> None:
        for child in self.index_dir.iterdir():
            if child.name == LOCK:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    child.unlink()

    def _publish(self) -> None:
        snapshot = IndexSnapshot(
            self._views,
            self._vocab,
            self._manifest.vocab_size,
            max(self._corpus_size, 0),
            self.with_words,
        )
        with self._lock:
            self._snapshot = snapshot

    def snapshot(self) -> IndexSnapshot:
        """The current searchable state (cheap; call it for every query)."""
        with self._lock:
            return self._snapshot

    # Committing -------------------------------------------------------------

    def _commit(self) -> None:
        """Write the vocabulary, deletion masks and manifest, then drop unused files."""
        manifest = self._manifest
        manifest.generation += 1
        manifest.vocab_size = len(self._vocab)
        manifest.vocab_sum = self._vocab.save(self.index_dir / VOCAB, manifest.vocab_size)
        entries: list[SegmentEntry] = []
        masks: dict[str, tuple[str, Checksum, BoolArray]] = {}
        for view in self._views:
            name = view.segment.name
            files = self._files[name]
            if not view.deleted.any():
                entries.append(SegmentEntry(name, files))
                continue
            previous = self._masks.get(name)
            if previous is not None and np.array_equal(previous[2], view.deleted):
                mask_name, mask_sum = previous[0], previous[1]
            else:
                mask_name = f"{name}.d{manifest.generation}.npy"
                tmp = self.index_dir / f"{mask_name}.tmp"
                mask_sum = write_array(tmp, view.deleted)
                os.replace(tmp, self.index_dir / mask_name)
            masks[name] = (mask_name, mask_sum, view.deleted)
            entries.append(SegmentEntry(name, files, mask_name, mask_sum))
        manifest.segments = entries
        write_manifest(self.index_dir, manifest, with_words=self.with_words)
        self._masks = masks
        self._files = {e.name: e.files for e in entries}
        self._uncommitted = False
        keep = (
            {MANIFEST, VOCAB, LOCK}
            | {e.name for e in entries}
            | {e.mask for e in entries if e.mask is not None}
        )
        for child in self.index_dir.iterdir():
            if child.name not in keep:
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        child.unlink()

    # Updating ---------------------------------------------------------------

    def update(
        self,
        files: Sequence[FileEntry],
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> IndexStats:
        """Bring the index in line with ``files``; returns what changed.

        ``progress(done, total)`` is called from this thread as files are
        processed (``total == len(files)``; unchanged files count as done at
        once). ``cancel`` stops the update early; what was indexed is kept.
        Unreadable files are reported in the stats, never raised.
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
            run = _UpdateRun(self, files, stats, progress, cancel)
            run.execute()
            stats.cancelled = run._cancelled()
        finally:
            lock.release()
        stats.indexed = self.snapshot().indexed
        stats.seconds = time.perf_counter() - started
        return stats

    def _reload_if_changed(self) -> None:
        """Pick up commits another process made since we loaded."""
        if self._uncommitted:
            return  # Damaged segments were dropped: this state is newer than the disk's.
        if committed_generation(self.index_dir) != self._manifest.generation:
            self._load()

    def _new_segment(self, arrays: SegmentArrays) -> Segment:
        name = f"seg{self._manifest.next_id:06d}"
        self._manifest.next_id += 1
        self._files[name] = write_segment_files(self.index_dir, name, arrays)
        return Segment(self.index_dir / name)


class _UpdateRun:
    """One update: diff, analyze in a process pool, flush segments, merge, commit."""

    WINDOW = 8  # Batches in flight per worker.
    ANALYZE_BATCH = 16
    SEGMENT_BATCH = 8

    def __init__(
        self,
        builder: IndexBuilder,
        files: Sequence[FileEntry],
        stats: IndexStats,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.b = builder
        self.files = files
        self.stats = stats
        self.progress = progress
        self.cancel = cancel
        self.done = 0
        self.buffer = SegmentBuffer(builder._vocab, with_words=builder.with_words)
        # Changed files: their old doc, masked out when the new version is flushed.
        self.replaces: dict[str, tuple[str, int]] = {}
        self.buffered_paths: list[str] = []
        self.flush_at = builder.first_flush
        self.last_flush = time.monotonic()
        self.known: dict[str, tuple[Segment, int]] | None = None  # content key -> segmented doc
        self.buffered_joins: dict[str, bytes] = {}
        self.waiting: dict[str, list[AnalyzedDoc]] = {}  # key -> docs awaiting its segmentation

    # Diff ---------------------------------------------------------------

    def execute(self) -> None:
        b = self.b
        live: dict[str, tuple[int, int]] = {}
        for index, view in enumerate(b._views):
            paths = view.segment.all_paths()
            for doc in np.flatnonzero(~view.deleted).tolist():
                live[paths[doc]] = (index, doc)
        skipped = b._manifest.skipped
        todo: list[FileEntry] = []
        still_skipped: dict[str, tuple[int, int, str]] = {}
        for entry in self.files:
            hit = live.pop(entry.path, None)
            if hit is not None:
                seg = b._views[hit[0]].segment
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
        b._manifest.skipped = still_skipped
        self.stats.removed = len(live)
        self.done = len(self.files) - len(todo)
        self._report()
        changed_structure = bool(live) or skipped.keys() != still_skipped.keys()
        if live:
            self._delete([(b._views[i].segment.name, d) for i, d in live.values()])
            b._publish()
        if todo:
            self._process(todo)
            changed_structure = True
        if not self._cancelled():
            changed_structure |= self._merge(final=True)
        if changed_structure or b._uncommitted:
            b._commit()
        b._publish()

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.done, len(self.files))

    def _cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def _delete(self, docs: list[tuple[str, int]]) -> None:
        by_name: dict[str, list[int]] = {}
        for name, doc in docs:
            by_name.setdefault(name, []).append(doc)
        views = []
        for view in self.b._views:
            hits = by_name.get(view.segment.name)
            if hits:
                mask = view.deleted.copy()
                mask[hits] = True
                mask.setflags(write=False)
                view = SegmentView(view.segment, mask)
            views.append(view)
        self.b._views = views

    # Analysis -------------------------------------------------------------

    def _joins_for(self, key: str) -> bytes | None:
        if key in self.buffered_joins:
            return self.buffered_joins[key]
        if self.known is None:
            self.known = {}
            for view in self.b._views:
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
            self.b._manifest.skipped[result.path] = (result.size, result.mtime_ns, result.reason)
            old = self.replaces.pop(result.path, None)
            if old is not None:  # It was an article and is no more.
                self._delete([old])
            self.stats.skipped.append((result.path, result.reason))
            self.done += 1
            self._report()
            return None
        if not self.b.with_words:
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
        if self.b.workers <= 0:
            for entry in todo:
                if self._cancelled():
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
        window = self.WINDOW * max(self.b.workers, 1)
        exhausted = False
        with _pool(self.b.workers) as pool:
            while True:
                if self._cancelled():
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
        b = self.b
        arrays = self.buffer.build()
        self.buffer = SegmentBuffer(b._vocab, with_words=b.with_words)
        self.buffered_joins = {}
        segment = b._new_segment(arrays)
        b._views = [*b._views, SegmentView(segment, _frozen(np.zeros(segment.n_docs, bool)))]
        if self.known is not None:
            for doc, key in enumerate(segment.all_keys()):
                self.known.setdefault(key, (segment, doc))
        superseded = [self.replaces.pop(p) for p in self.buffered_paths if p in self.replaces]
        self.buffered_paths = []
        if superseded:
            self._delete(superseded)
        self._merge(final=False)
        self.flush_at = min(self.flush_at * 2, 8192)
        self.last_flush = time.monotonic()
        b._commit()
        b._publish()

    def _merge(self, *, final: bool) -> bool:
        """Merge small segments (tiered while indexing; everything small at the end)."""
        b = self.b
        views = b._views
        small = [v for v in views if v.live < MAX_SEGMENT_DOCS // 2]
        dead = [v for v in views if v.live == 0]
        heavy = [v for v in views if v.live and v.segment.n_docs - v.live > v.segment.n_docs // 4]
        if not final and len(small) < 8 and not dead:
            return False
        if final and len(small) < 2 and not dead and not heavy:
            return False
        candidates = [v for v in views if v in small or v in heavy or v in dead]
        groups: list[list[SegmentView]] = []
        current: list[SegmentView] = []
        total = 0
        for view in sorted(candidates, key=lambda v: v.live):
            if current and total + view.live > MAX_SEGMENT_DOCS:
                groups.append(current)
                current, total = [], 0
            current.append(view)
            total += view.live
        if current:
            groups.append(current)
        replaced: dict[str, SegmentView | None] = {}
        for group in groups:
            if len(group) == 1 and group[0] not in heavy and group[0] not in dead:
                continue
            live = [v for v in group if v.live]
            merged: SegmentView | None = None
            if live:
                order = sorted(live, key=lambda v: views.index(v))
                arrays = merge_segments([(v.segment, v.deleted) for v in order], len(b._vocab))
                segment = b._new_segment(arrays)
                merged = SegmentView(segment, _frozen(np.zeros(segment.n_docs, bool)))
                if self.known is not None:
                    for doc, key in enumerate(segment.all_keys()):
                        self.known[key] = (segment, doc)
            for i, view in enumerate(group):
                replaced[view.segment.name] = merged if i == 0 else None
        if not replaced:
            return False
        if self.known is not None:
            gone = set(replaced)
            self.known = {k: v for k, v in self.known.items() if v[0].name not in gone}
        new_views: list[SegmentView] = []
        for view in views:
            if view.segment.name in replaced:
                substitute = replaced[view.segment.name]
                if substitute is not None:
                    new_views.append(substitute)
            else:
                new_views.append(view)
        b._views = new_views
        if not final:
            b._commit()
            b._publish()
        return True


def _frozen(mask: BoolArray) -> BoolArray:
    mask.setflags(write=False)
    return mask


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
