"""Benchmark: one JSON Lines dump of N records beside the same articles as N .txt files.

Builds (in a temp dir) N distinct news articles from the baomoi corpus (each
article once, then again with a numbered variant line, so every record has its
own text and its own word segmentation), written once as a JSON Lines dump and
once as N .txt files in nested folders. For each it times, each step in a fresh
process so its peak RSS is its own (workers included):

* listing, cold (nothing cached) and warm (nothing changed);
* the search index, cold (pyvi on every core) and refreshed (nothing changed);
* opening 2,000 random articles from the listing (records: read by offset);

and beside them, in the same run, the floors: reading and ``json.loads``-ing every
line of the dump (what any JSON reader must do), and SQLite FTS5 indexing the same
title and text (``unicode61 remove_diacritics 2``), to report ratios, not only
figures. The machine may be shared: run it more than once and compare ratios.

    python benchmarks/formats_bench.py [--records 100000] [--corpus DIR] [--no-index]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = Path(os.environ.get("TUI_READER_TEST_CORPUS", "/tmp/corpus/baomoi-35k"))


def articles(corpus: Path, count: int, short: bool = False) -> list[tuple[str, str]]:
    """``count`` distinct (title, body) pairs from the corpus, cycling with variants;
    ``short``: the body is only the lead (a dump of summaries, ~350 bytes a record)."""
    base: list[tuple[str, str]] = []
    for path in sorted(corpus.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n", 1)
        if len(lines) == 2 and lines[1].strip():
            body = lines[1].strip().split("\n", 1)[0] if short else lines[1].strip()
            base.append((lines[0].strip(), body))
    out = []
    for i in range(count):
        title, body = base[i % len(base)]
        copy = i // len(base)
        if copy:
            title = f"{title} ({copy + 1})"
            body = f"{body}\nBản tin số {i}, phần {copy + 1} của loạt bài."
        out.append((title, body))
    return out


def build(
    root: Path, corpus: Path, count: int, txt: bool = True, short: bool = False
) -> tuple[Path, Path]:
    """The dump (one file) and the folder of .txt files (unless ``txt`` is false), with the
    same articles."""
    dump_dir = root / "jsonl"
    txt_dir = root / "txt"
    dump_dir.mkdir()
    with open(dump_dir / "dump.jsonl", "w", encoding="utf-8") as handle:
        for i, (title, body) in enumerate(articles(corpus, count, short)):
            lead, _, rest = body.partition("\n")
            record = {
                "id": f"a{i}",
                "title": title,
                "text": f"{lead}\n\n{rest}" if rest else lead,
                "url": f"https://example.vn/bai/{i}",
                "source": "Baomoi",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            if not txt:
                continue
            folder = txt_dir / f"{i // 10000:02d}" / f"{i // 100 % 100:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{i:06d}.txt").write_text(f"{title}\n{body}\n", encoding="utf-8")
    return dump_dir, txt_dir


def peak_mb() -> tuple[float, float]:
    """Peak RSS of this process (VmHWM: ru_maxrss survives exec and would count the
    benchmark's own parent) and of its largest child, the worker processes (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        pass
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


class PeakWatch:
    """Samples this process's RSS every 0.1 s and remembers where the main thread was at
    the highest: what the peak RSS figure is made of (a listing, a segment merge...)."""

    def __init__(self) -> None:
        self.peak = 0
        self.where = ""
        self._main = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            rss = _rss_mb()
            if rss > self.peak:
                frame = sys._current_frames().get(self._main)
                stack = traceback.extract_stack(frame) if frame is not None else []
                ours = [f for f in stack if "tui_reader" in f.filename][-3:]
                self.peak = rss
                self.where = " < ".join(f"{Path(f.filename).stem}.{f.name}" for f in reversed(ours))


def _rss_mb() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def step(name: str, folder: Path, cache: Path) -> dict[str, float | str]:
    """One measured step, in this (fresh) process."""
    from tui_reader.articles.listing import cached_listing, refresh_listing

    started = time.perf_counter()
    extra: dict[str, float | str] = {}
    watch = PeakWatch().__enter__()
    if name == "listing":
        listing = refresh_listing(cache, [folder])
        extra["articles"] = len(listing.articles)
    elif name == "index":
        from tui_reader.search.index import IndexBuilder, index_dir_for

        cached = cached_listing(cache, [folder])
        assert cached is not None
        begin = time.perf_counter()
        builder = IndexBuilder(index_dir_for([folder], cache))
        stats = builder.update(cached.entries())
        extra["indexed"] = stats.indexed
        extra["load_listing"] = begin - started
    elif name == "open":
        from tui_reader.articles.loader import open_article

        cached = cached_listing(cache, [folder])
        assert cached is not None
        sample = random.Random(1).sample(cached.articles, min(2000, len(cached.articles)))
        begin = time.perf_counter()
        for meta in sample:
            open_article(meta)
        extra["per_article_ms"] = (time.perf_counter() - begin) / len(sample) * 1000
    seconds = time.perf_counter() - started
    watch.__exit__()
    own, children = peak_mb()
    return {"seconds": seconds, "rss": own, "children": children, "peak_at": watch.where, **extra}


def run_step(name: str, folder: Path, cache: Path) -> dict[str, Any]:
    """Run :func:`step` in a fresh interpreter and return what it measured."""
    command = [sys.executable, __file__, "--step", name, str(folder), str(cache)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def json_floor(dump: Path) -> float:
    """Seconds to read and parse every line: the least any JSON Lines reader does."""
    started = time.perf_counter()
    with open(dump, "rb") as handle:
        for line in handle:
            if line.strip():
                json.loads(line)
    return time.perf_counter() - started


def fts5(dump: Path, folder: Path) -> float:
    """Seconds for SQLite FTS5 to index every record's title and text (on disk)."""
    database = folder / "fts5.sqlite3"
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, text, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    with open(dump, "rb") as handle, connection:
        rows = ((r["title"], r["text"]) for r in map(json.loads, handle))
        connection.executemany("INSERT INTO docs (title, text) VALUES (?, ?)", rows)
    connection.close()
    return time.perf_counter() - started


def row(label: str, value: str) -> None:
    print(f"  {label:<36}{value}")


def report(kind: str, folder: Path, cache: Path, index: bool) -> dict[str, float]:
    """Measure one corpus; print and return its figures."""
    print(f"{kind}:")
    cold = run_step("listing", folder, cache)
    row("listing, cold", f"{cold['seconds']:7.2f} s   peak RSS {cold['rss']:5.0f} MB "
        f"(largest worker {cold['children']:.0f} MB)")  # fmt: skip
    warm = run_step("listing", folder, cache)
    row("listing, warm (nothing changed)", f"{warm['seconds']:7.2f} s   peak RSS "
        f"{warm['rss']:5.0f} MB")  # fmt: skip
    row("articles listed", f"{int(cold['articles']):,}")
    row("  cold listing at its peak RSS", cold["peak_at"] or "?")
    opened = run_step("open", folder, cache)
    row("open one article (2,000 random)", f"{opened['per_article_ms']:7.2f} ms")
    figures = {"listing_cold": cold["seconds"], "listing_warm": warm["seconds"]}
    if index:
        built = run_step("index", folder, cache)
        row("index, cold (pyvi on every core)", f"{built['seconds']:7.2f} s   peak RSS "
            f"{built['rss']:5.0f} MB (largest worker {built['children']:.0f} MB)")  # fmt: skip
        row("  indexed", f"{int(built['indexed']):,}")
        row("  main process at its peak RSS", built["peak_at"] or "?")
        again = run_step("index", folder, cache)
        row("index, refresh (nothing changed)", f"{again['seconds']:7.2f} s")
        figures["index_cold"] = built["seconds"]
        figures["index_warm"] = again["seconds"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-index", action="store_true", help="listing and opening only")
    parser.add_argument(
        "--jsonl-only", action="store_true", help="only the dump (e.g. a million records)"
    )
    parser.add_argument("--short", action="store_true", help="records of a title and a lead")
    parser.add_argument("--keep", type=Path, help="build the corpora here and keep them")
    parser.add_argument(
        "--step", nargs=3, metavar=("NAME", "FOLDER", "CACHE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.step:
        name, folder, cache = args.step
        print(json.dumps(step(name, Path(folder), Path(cache))))
        return 0
    if not args.corpus.is_dir():
        parser.error(f"no corpus at {args.corpus} (unpack baomoi-35k or pass --corpus)")
    root = args.keep or Path(tempfile.mkdtemp(prefix="formats-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        dump_dir, txt_dir = build(
            root, args.corpus, args.records, txt=not args.jsonl_only, short=args.short
        )
        size = (dump_dir / "dump.jsonl").stat().st_size / 2**20
        took = time.perf_counter() - started
        also = "" if args.jsonl_only else ", the same as .txt files"
        print(f"built {args.records:,} articles ({size:.0f} MB of JSON Lines{also}) "
              f"in {took:.0f} s; {os.cpu_count()} cores")  # fmt: skip
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        jsonl = report("JSON Lines (one file)", dump_dir, root / "cache-jsonl", not args.no_index)
        floor = json_floor(dump_dir / "dump.jsonl")
        if args.jsonl_only:
            row("read + json.loads every line", f"{floor:7.2f} s")
            row("  listing cold / that floor", f"{jsonl['listing_cold'] / floor:7.2f}x")
            return 0
        txt = report(".txt files", txt_dir, root / "cache-txt", not args.no_index)
        print("baselines (same run):")
        row("read + json.loads every line", f"{floor:7.2f} s")
        row("  listing cold / that floor", f"{jsonl['listing_cold'] / floor:7.2f}x")
        row(
            "JSON Lines / .txt, listing cold",
            f"{jsonl['listing_cold'] / txt['listing_cold']:7.2f}x",
        )
        row(
            "JSON Lines / .txt, listing warm",
            f"{jsonl['listing_warm'] / txt['listing_warm']:7.2f}x",
        )
        if not args.no_index:
            fts = fts5(dump_dir / "dump.jsonl", root)
            row("SQLite FTS5 index (no segmentation)", f"{fts:7.2f} s")
            row("  index cold / FTS5", f"{jsonl['index_cold'] / fts:7.2f}x")
            row("JSON Lines / .txt, index cold", f"{jsonl['index_cold'] / txt['index_cold']:7.2f}x")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
