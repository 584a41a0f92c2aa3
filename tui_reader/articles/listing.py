"""The article listing: what the list pane shows, cached so a warm start reads no bodies.

A listing is the ordered :class:`ArticleMeta` of a corpus plus the files that
were skipped. It is cached per corpus (the set of root paths) in the cache dir
as a ``marshal`` file of plain tuples: loading 35,000 entries takes a few tens
of milliseconds, which is what lets the list paint before anything else runs.
Entries are reused while a file's path, size and mtime are unchanged.

A file of records (JSON Lines, a JSON array) gives one entry per record, with the
record's byte offset, so opening one reads only that record. Such a file is read
again only when its size or mtime changed (or the ``--fields`` mapping did).
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.articles.corpus import CorpusScan, FileEntry, scan_corpus
from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.kinds import RECORD_KINDS, kind_of
from tui_reader.articles.model import ArticleMeta, SkippedFile
from tui_reader.procs import worker_pool

log = logging.getLogger(__name__)

CACHE_VERSION = 3
PARALLEL_THRESHOLD = 2000
FIRST_BATCH = 100
_Row = tuple[str, str, str, str | None, int, int, str | None, str, int]
"""An :class:`ArticleMeta` as a plain tuple, in field order."""
_Skip = tuple[str, int, int, str]
_Container = tuple[str, int, int, str]
"""A file of records as last read: path, size, mtime_ns, field-mapping signature."""


@dataclass(slots=True)
class Listing:
    """The articles of a corpus in display order, and the files that could not be read."""

    articles: list[ArticleMeta] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)

    def entries(self) -> list[FileEntry]:
        """One entry per article, as the search index takes them (records with offsets)."""
        return file_entries(self.articles)


def file_entries(metas: Iterable[ArticleMeta]) -> list[FileEntry]:
    """The index's entries for listing rows: path, size, mtime and record offset."""
    return [FileEntry(m.path, m.size, m.mtime_ns, m.offset) for m in metas]


def article_entries(scan: CorpusScan) -> list[FileEntry]:
    """One entry per article of a scan, for indexing without a listing: whole files as they
    are, files of records expanded into their records (read now, streamed). Broken
    records are added to ``scan.skipped``."""
    from tui_reader.articles.records import list_records

    out: list[FileEntry] = []
    for entry in scan.files:
        if kind_of(entry.path) not in RECORD_KINDS:
            out.append(entry)
            continue
        for rows, skips in list_records(entry):
            out.extend(FileEntry(r[0], r[4], r[5], r[8]) for r in rows)
            scan.skipped.extend(SkippedFile(Path(s[0]), s[3]) for s in skips)
    return out


def corpus_id(roots: Sequence[Path]) -> str:
    """A file-name-safe id for a corpus, from its absolute root paths in order."""
    joined = "\0".join(os.path.abspath(p) for p in roots)
    return hashlib.blake2b(joined.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


class ListingCache:
    """Reads and writes the cached listing of one corpus; a bad cache is simply ignored."""

    def __init__(self, cache_dir: Path, roots: Sequence[Path]) -> None:
        self.path = cache_dir / "listings" / f"{corpus_id(roots)}.marshal"

    def load(self) -> tuple[list[_Row], list[_Skip], list[_Container]] | None:
        """The cached rows, or None when there is no usable cache."""
        try:
            data = marshal.loads(self.path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (isinstance(data, tuple) and len(data) == 4 and data[0] == CACHE_VERSION):
            return None
        rows, skips, containers = data[1], data[2], data[3]
        if not all(isinstance(part, list) for part in (rows, skips, containers)):
            return None
        return rows, skips, containers

    def save(self, rows: list[_Row], skips: list[_Skip], containers: list[_Container]) -> None:
        """Write atomically; a cache that cannot be written only costs speed next time."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(marshal.dumps((CACHE_VERSION, rows, skips, containers)))
            os.replace(tmp, self.path)
        except OSError:
            pass


_meta = ArticleMeta._make


def cached_listing(cache_dir: Path, roots: Sequence[Path]) -> Listing | None:
    """The last listing of this corpus without touching the corpus files (may be stale)."""
    loaded = ListingCache(cache_dir, roots).load()
    if loaded is None:
        return None
    rows, skips, _containers = loaded
    try:
        return Listing(
            articles=list(map(_meta, rows)),
            skipped=[SkippedFile(Path(s[0]), s[3]) for s in skips],
        )
    except (IndexError, TypeError):
        return None


def summarize_file(entry: FileEntry) -> _Row:
    """Read one single-article file just enough for the list: key, title, source, date.

    Raises :class:`UnreadableFile` with a reason for files that are not articles.
    """
    from tui_reader.articles.loader import summarize_entry

    found = summarize_entry(entry)
    return (
        entry.path,
        found.key,
        found.title,
        found.source,
        entry.size,
        entry.mtime_ns,
        found.date,
        found.date_from,
        -1,
    )


_Chunk = tuple[list[_Row], list[_Skip]]


def _summarize_chunk(entries: list[tuple[str, int, int]]) -> _Chunk:
    """Summarize files (in a worker process): the rows, and the skips with their reasons."""
    rows: list[_Row] = []
    skips: list[_Skip] = []
    for path, size, mtime_ns in entries:
        try:
            rows.append(summarize_file(FileEntry(path, size, mtime_ns)))
        except UnreadableFile as err:
            skips.append((path, size, mtime_ns, err.reason))
    return rows, skips


def _read_all(todo: list[FileEntry], batch_size: int) -> Iterator[_Chunk]:
    """Summarize ``todo`` in order, in batches; many files go to a pool of processes.

    Reading a cold 35k corpus is ~6 s of CPU; worker processes share it and
    keep the UI thread free of the GIL contention a thread would cause. The
    first small batch is read right here while the workers start, so a cold
    list shows its first screenful at once.
    """
    rest = [(e.path, e.size, e.mtime_ns) for e in todo[FIRST_BATCH:]]
    chunks = [rest[i : i + batch_size] for i in range(0, len(rest), batch_size)]
    head = [(e.path, e.size, e.mtime_ns) for e in todo[:FIRST_BATCH]]
    if len(todo) < PARALLEL_THRESHOLD:
        yield _summarize_chunk(head)
        yield from map(_summarize_chunk, chunks)
        return
    workers = max(1, min(os.cpu_count() or 1, 4))
    done = 0
    try:
        with worker_pool(workers) as pool:  # workers die with this process
            results = pool.map(_summarize_chunk, chunks)  # workers start meanwhile
            yield _summarize_chunk(head)
            head = []
            for chunk in results:
                done += 1
                yield chunk
    except (OSError, ValueError, BrokenProcessPool) as err:
        # No worker processes here (sandbox, odd stdio): read the rest in this thread.
        log.warning("listing workers unavailable (%s); reading in this thread", err)
        if head:
            yield _summarize_chunk(head)
        yield from map(_summarize_chunk, chunks[done:])


def _read_records(containers: list[FileEntry], batch_size: int) -> Iterator[_Chunk]:
    """The rows of files of records, in batches, with broken records as skips.

    A big JSON Lines file is cut into ranges of whole lines that worker processes
    summarize side by side (in order); others are read here, streamed.
    """
    from tui_reader.articles import records
    from tui_reader.articles.kinds import Kind

    for entry in containers:
        big = kind_of(entry.path) is Kind.JSON_LINES and entry.size > 2 * records.RANGE_BYTES
        if not big:
            yield from records.list_records(entry, batch_size)
            continue
        ranges = records.line_ranges(entry.path, entry.size)
        jobs = [(entry.path, entry.mtime_ns, *r) for r in ranges]
        done = 0
        try:
            with worker_pool(max(1, min(os.cpu_count() or 1, 4))) as pool:
                for chunk in pool.map(_list_range, jobs):
                    done += 1
                    yield chunk
        except (OSError, ValueError, BrokenProcessPool) as err:
            log.warning("listing workers unavailable (%s); reading in this thread", err)
            yield from map(_list_range, jobs[done:])


def _list_range(job: tuple[str, int, int, int, int]) -> _Chunk:
    """One worker's share of a big JSON Lines file (module level: it is pickled)."""
    from tui_reader.articles.records import list_range

    return list_range(*job)


def _container_of(path: str) -> str:
    """The file a row's path belongs to (itself for a whole file)."""
    head, sep, number = path.rpartition("#")
    return head if sep and number.isdigit() else path


def refresh_listing(
    cache_dir: Path,
    roots: Sequence[Path],
    *,
    on_batch: Callable[[list[ArticleMeta]], None] | None = None,
    batch_size: int = 500,
    scan: CorpusScan | None = None,
) -> Listing:
    """Scan the corpus, reuse cached entries for unchanged files, read the rest.

    ``on_batch`` receives newly read articles as they come, so a cold start can
    fill the list progressively instead of waiting for every file.
    """
    from tui_reader.articles.records import fields_signature

    signature = fields_signature()
    cache = ListingCache(cache_dir, roots)
    loaded = cache.load()
    known: dict[str, _Row] = {}
    known_skips: dict[str, _Skip] = {}
    known_containers: dict[str, _Container] = {}
    if loaded is not None:
        known = {row[0]: row for row in loaded[0]}
        known_skips = {s[0]: s for s in loaded[1]}
        known_containers = {c[0]: c for c in loaded[2]}
    if scan is None:
        scan = scan_corpus(roots)
    rows: list[_Row] = []
    skips: list[_Skip] = [(str(s.path), -1, -1, s.reason) for s in scan.skipped]
    todo: list[FileEntry] = []
    todo_records: list[FileEntry] = []
    containers: list[_Container] = []
    kept_containers: set[str] = set()
    for entry in scan.files:
        if kind_of(entry.path) in RECORD_KINDS:
            containers.append((entry.path, entry.size, entry.mtime_ns, signature))
            old = known_containers.get(entry.path)
            if old is not None and old[1:] == (entry.size, entry.mtime_ns, signature):
                kept_containers.add(entry.path)
            else:
                todo_records.append(entry)
            continue
        row = known.get(entry.path)
        if row is not None and row[4] == entry.size and row[5] == entry.mtime_ns:
            rows.append(row)
            continue
        skip = known_skips.get(entry.path)
        if skip is not None and skip[1] == entry.size and skip[2] == entry.mtime_ns:
            skips.append(skip)
            continue
        todo.append(entry)
    if (
        loaded is not None
        and not todo
        and not todo_records
        and _same_corpus(loaded, rows, skips, kept_containers)
    ):
        # Nothing changed: the cached rows, in their order, without sorting or saving.
        return Listing(
            articles=list(map(_meta, loaded[0])),
            skipped=[SkippedFile(Path(s[0]), s[3]) for s in loaded[1]],
            missing=list(scan.missing),
        )
    if kept_containers:
        rows.extend(row for row in known.values() if _container_of(row[0]) in kept_containers)
        skips.extend(s for s in known_skips.values() if _container_of(s[0]) in kept_containers)
    fresh: list[_Row] = []
    reads = (_read_all(todo, batch_size), _read_records(todo_records, batch_size))
    for source in reads:
        for chunk_rows, chunk_skips in source:
            fresh.extend(chunk_rows)
            skips.extend(chunk_skips)
            if on_batch is not None and chunk_rows:
                on_batch([_meta(row) for row in chunk_rows])
    if fresh or kept_containers:
        order = {entry.path: i for i, entry in enumerate(scan.files)}
        rows.extend(fresh)
        rows.sort(key=lambda row: _order_key(row[0], order))
    cache.save(rows, skips, containers)
    return Listing(
        articles=list(map(_meta, rows)),
        skipped=[SkippedFile(Path(s[0]), s[3]) for s in skips],
        missing=list(scan.missing),
    )


def _same_corpus(
    loaded: tuple[list[_Row], list[_Skip], list[_Container]],
    rows: list[_Row],
    skips: list[_Skip],
    kept_containers: set[str],
) -> bool:
    """Whether a scan in which every file matched the cache leaves the listing as cached.

    ``rows``/``skips`` are the whole files' reused entries and this scan's skips; the
    files of records were all unchanged (``kept_containers``). The same counts and
    skips mean no file was removed or newly passed over.
    """
    cached_rows, cached_skips, containers = loaded
    if {c[0] for c in containers} != kept_containers:
        return False
    whole = sum(1 for row in cached_rows if _container_of(row[0]) not in kept_containers)
    if whole != len(rows):
        return False
    kept_skips = [s for s in cached_skips if _container_of(s[0]) in kept_containers]
    return set(skips) | set(kept_skips) == set(cached_skips)


def _order_key(path: str, order: dict[str, int]) -> tuple[int, int]:
    """Scan order of the file, then record number inside it."""
    position = order.get(path)
    if position is not None:
        return position, 0
    head, _sep, number = path.rpartition("#")
    return order.get(head, len(order)), int(number) if number.isdigit() else 0
