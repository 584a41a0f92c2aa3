"""``tui-reader index`` and ``tui-reader search``: the search index from the command line.

``tui-reader index [PATH...]`` builds or refreshes the index of a corpus (default:
the bundled sample articles) with a progress bar on stderr, then prints what
changed. ``tui-reader search [--corpus PATH]... QUERY...`` refreshes the index
if needed and prints ranked results; ``--queries FILE --json`` runs one query
per line and prints one JSON object per line, in order, with the in-process
time of each query (start-up and index loading excluded).

Exit status: 0 done; 1 the index could not be written (cache folder not
writable, or "no space left on device" with the file's path); 2 bad usage
(a corpus path or the queries file is missing); 130 interrupted (what was
indexed so far is kept). Errors are one line on stderr, never a traceback.
Article text and file names are shown through
``safe_text``: no character of a corpus reaches the terminal as a control code.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from tui_reader.articles.corpus import CorpusScan, FileEntry, scan_corpus
from tui_reader.articles.listing import article_entries
from tui_reader.articles.sanitize import safe_line, safe_text
from tui_reader.paths import cache_dir
from tui_reader.search.counts import describe_counts
from tui_reader.search.engine import SearchResults, search
from tui_reader.search.files import IndexWriteError
from tui_reader.search.index import (
    SMALL_CORPUS,
    IndexBuilder,
    IndexStats,
    default_workers,
    index_dir_for,
)
from tui_reader.words import plural

OnProgress = Callable[[int, int], None]

__all__ = ["index_main", "search_main"]

EXIT_OK, EXIT_NOT_SAVED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _CommandError(Exception):
    """A user-facing error: its message is printed, its code returned."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cache-dir", type=Path,
                        help="where the search index is kept (env TUI_READER_CACHE_DIR)")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes for parsing and word segmentation (default: one per "
                             f"core; none, all in this process, under {SMALL_CORPUS} articles)")


def _index_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader index",
        description="Build or refresh the search index of a corpus.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="article files or folders (default: your library, as for "
                             "search and the app; the bundled samples while it is empty)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(parser)
    return parser


def _search_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader search",
        description="Search a corpus; tones are optional and typos are forgiven.",
    )
    parser.add_argument("query", nargs="*", metavar="QUERY", help="words to search for")
    parser.add_argument("--corpus", action="append", type=Path, metavar="PATH",
                        help="article files or folders (repeatable; default: your library)")
    parser.add_argument("--limit", type=int, default=10, help="results per query (default 10)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON object per query, one per line")
    parser.add_argument("--queries", type=Path, metavar="FILE",
                        help="run every line of FILE as a query, in order")
    _common(parser)
    return parser


def _scan(roots: Sequence[Path]) -> CorpusScan:
    scan = scan_corpus(roots)
    if scan.missing:
        names = ", ".join(safe_text(str(p)) for p in scan.missing)
        raise _CommandError(f"no such file or folder: {names}", EXIT_USAGE)
    return scan


def _builder(
    roots: Sequence[Path], cache: Path | None, workers: int | None, articles: int
) -> IndexBuilder:
    """The corpus's index; without ``--workers``, a small corpus is indexed in this process
    (:func:`~tui_reader.search.index.default_workers`, the app's rule)."""
    folder = index_dir_for(roots, cache_dir(cache))
    try:
        return IndexBuilder(folder, workers=default_workers(articles) if workers is None
                            else workers)
    except OSError as err:
        raise _CommandError(
            f"cannot use the index folder {safe_text(str(folder))}: {err.strerror or err}",
            EXIT_NOT_SAVED,
        ) from err


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[tuple[OnProgress | None, OnProgress | None]]:
    """Rich progress bars on stderr, or nothing; yields ``progress(done, total)`` callables
    for the files (searchable when done) and for the pyvi words added after them."""
    if not enabled:
        yield None, None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        task = bar.add_task("indexing", total=None)
        words_task: list[TaskID] = []

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def words(done: int, total: int) -> None:
            if not words_task:
                bar.update(task, visible=False)
                words_task.append(bar.add_task("adding words", total=total))
            bar.update(words_task[0], completed=done, total=total)

        yield update, words


def _update(builder: IndexBuilder, entries: list[FileEntry], show_bar: bool) -> IndexStats:
    """Run the update in a thread so Ctrl-C cancels it cleanly (work so far is kept)."""
    cancel = threading.Event()
    outcome: dict[str, IndexStats | BaseException] = {}
    with _progress_bar(show_bar) as (progress, words):

        def run() -> None:
            try:
                outcome["stats"] = builder.update(
                    entries,
                    progress=progress,
                    cancel=cancel,
                    words_progress=words,
                )
            except BaseException as err:  # Re-raised in the main thread.
                outcome["error"] = err

        worker = threading.Thread(target=run, name="tui-reader-index", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.2)
        except KeyboardInterrupt:
            cancel.set()
            worker.join()
            raise
    error = outcome.get("error")
    if isinstance(error, IndexWriteError):  # "no space left on device: <path>"
        raise _CommandError(f"cannot write the search index: {error}; what was indexed "
                            "before is kept", EXIT_NOT_SAVED) from error
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        raise _CommandError(f"cannot write the search index: {error.strerror or error}{where}",
                            EXIT_NOT_SAVED) from error
    if isinstance(error, BaseException):
        raise error
    stats = outcome["stats"]
    assert isinstance(stats, IndexStats)
    return stats


def _report(stats: IndexStats, scan: CorpusScan, folder: Path, out: TextIO) -> None:
    searchable = (f" (all searchable after {stats.searchable_seconds:.1f} s, then words)"
                  if stats.segmented else "")
    print(f"{plural(stats.indexed, 'article')} indexed from {plural(stats.files, 'file')} "
          f"in {stats.seconds:.1f} s{searchable}", file=out)
    print(f"  new {stats.added:,} · changed {stats.changed:,} · removed {stats.removed:,} · "
          f"unchanged {stats.unchanged:,}", file=out)
    print(f"  word segmentation: {plural(stats.segmented, 'article')} segmented, "
          f"{stats.reused_segmentation:,} reused by content", file=out)
    skipped = [reason for _, reason in stats.skipped] + [s.reason for s in scan.skipped]
    if skipped:
        reasons = Counter(skipped).most_common()
        listed = "; ".join(f"{count} × {safe_text(reason)}" for reason, count in reasons[:5])
        more = f"; {len(reasons) - 5} other reasons" if len(reasons) > 5 else ""
        print(f"  skipped {plural(len(skipped), 'file')}: {listed}{more}", file=out)
    if stats.rebuilt:
        print(f"  note: the search {safe_text(stats.rebuilt)}", file=out)
    print(f"  index: {safe_line(str(folder))}", file=out)


def _run(body: object) -> int:
    """Run a command body, turning user errors, Ctrl-C and closed pipes into exit codes."""
    assert callable(body)
    try:
        code = body()
        assert isinstance(code, int)
        return code
    except _CommandError as err:
        print(f"tui-reader: {safe_text(str(err))}", file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        print("tui-reader: interrupted; what was indexed so far is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into `head`: not an error, and no traceback at exit either.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return EXIT_OK


def index_main(argv: list[str]) -> int:
    """``tui-reader index [PATH...]``: build or refresh the index; print what changed."""
    args = _index_parser().parse_args(argv)
    roots: list[Path] = args.paths or _library_roots()  # what `search` and the app open

    def body() -> int:
        scan = _scan(roots)
        entries = article_entries(scan)  # records of .jsonl files are articles too
        builder = _builder(roots, args.cache_dir, args.workers, len(entries))
        stats = _update(builder, entries, show_bar=not args.quiet and sys.stderr.isatty())
        _report(stats, scan, builder.index_dir, sys.stdout)
        return EXIT_OK

    return _run(body)


def _read_queries(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _CommandError(
            f"cannot read the queries file {safe_text(str(path))}: {err.strerror or err}",
            EXIT_USAGE,
        ) from err
    return data.decode("utf-8", errors="replace").splitlines()


def _as_json(results: SearchResults) -> str:
    return json.dumps(
        {
            "query": results.query,
            "elapsed_ms": round(results.elapsed_ms, 3),
            "every": results.every,
            "some": results.some,
            "results": [
                {"path": h.path, "title": h.title, "score": h.score, "passage": h.passage,
                 "snippet": h.snippet}
                for h in results.hits
            ],
        },
        ensure_ascii=False,
    )


def _as_text(results: SearchResults, out: TextIO) -> None:
    query = safe_line(results.query)
    if not results.hits:
        print(f"“{query}”: no matches ({results.elapsed_ms:.1f} ms)", file=out)
        return
    found = describe_counts(results)[0]  # The app's status line says the same.
    print(f"“{query}”: {len(results.hits)} listed · {found} ({results.elapsed_ms:.1f} ms)",
          file=out)
    for rank, hit in enumerate(results.hits, start=1):
        where = "title" if hit.passage is None else f"passage {hit.passage}"
        print(f"{rank:>3}. {safe_line(hit.title)}", file=out)
        print(f"     {safe_line(hit.path)} · {where} · score {hit.score:.2f}", file=out)
        print(f"     {safe_line(hit.snippet)}", file=out)


def _library_roots() -> list[Path]:
    """The user's library (feeds + configured folders; the samples while empty)."""
    from tui_reader.config import load_settings
    from tui_reader.library import user_library
    from tui_reader.paths import config_dir, data_dir

    configured = load_settings(config_dir()).settings.corpus_paths()
    library = user_library(data_dir(), configured)
    return list(library.roots)


def search_main(argv: list[str]) -> int:
    """``tui-reader search [--corpus PATH]... QUERY...`` or ``... --queries FILE [--json]``."""
    parser = _search_parser()
    args = parser.parse_args(argv)
    if not args.query and args.queries is None:
        parser.print_usage(sys.stderr)
        print("tui-reader search: give a QUERY or --queries FILE", file=sys.stderr)
        return EXIT_USAGE
    if args.limit < 1:
        print("tui-reader search: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    roots: list[Path] = args.corpus or _library_roots()

    def body() -> int:
        queries = _read_queries(args.queries) if args.queries else [" ".join(args.query)]
        scan = _scan(roots)
        entries = article_entries(scan)  # records of .jsonl files are articles too
        builder = _builder(roots, args.cache_dir, args.workers, len(entries))
        stats = _update(builder, entries, show_bar=sys.stderr.isatty())
        if stats.rebuilt:  # Damage found on load, repaired by this update: said once.
            print(f"tui-reader: note: the search {safe_text(stats.rebuilt)}", file=sys.stderr)
        snapshot = builder.snapshot()
        snapshot.warm()
        out = sys.stdout
        for query in queries:
            results = search(snapshot, query, limit=args.limit)
            if args.json:
                print(_as_json(results), file=out, flush=True)
            else:
                _as_text(results, out)
        return EXIT_OK

    return _run(body)
