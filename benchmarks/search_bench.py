"""Search quality and speed: tui-reader against SQLite FTS5 and Tantivy on the real corpus.

Run by hand (never a timed test)::

    pip install -e '.[bench]'                                # tantivy
    python benchmarks/search_bench.py                        # 35k corpus, seed 1, fresh builds
    python benchmarks/search_bench.py --seed 2               # a held-out query set
    python benchmarks/search_bench.py --reuse --queries 30 --kinds keywords,joined
                                                             # quick: cached indexes, a subset
    python benchmarks/search_bench.py --replicate 10         # 350k (hard-linked copies)
    python benchmarks/search_bench.py --no-words             # syllables only, no pyvi words

Known-item queries of nine kinds (see ``_bench_queries``), typed folded, plus two
kinds from an independent generator (``_bench_heldout``: fewer, commoner words,
some tone marks kept, some typos), are run
through the three engines with limit 10. Reported per kind: hit@10 (a relevant
article in the top 10), MRR@10 and p50/p95 latency of one in-process search call
(tui-reader: ``search()``; FTS5 and Tantivy: see ``_baselines``), and the
tui-reader/Tantivy latency ratios. Build times, same run, same corpus, each from
scratch with one reader process per core: tui-reader's first index (the moment
the whole corpus is searchable, and the moment the build returns), Tantivy's and
FTS5's (reading and parsing included in all three).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _baselines import Fts5, Tantivy, tantivy_available
from _bench_heldout import HELDOUT_KINDS, build_heldout
from _bench_queries import KINDS, BenchQuery, load_or_build

from tui_reader.articles.corpus import scan_corpus

DEFAULT_CORPUS = Path("/tmp/corpus/baomoi-35k")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "tui-reader-bench"


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _rss_split() -> str:
    """Current resident memory: anonymous (heap) vs file-backed (the memory-mapped index)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return "n/a"
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    anon = int(fields.get("RssAnon", "0 kB").split()[0]) / 1024
    mapped = int(fields.get("RssFile", "0 kB").split()[0]) / 1024
    return f"{anon:.0f} MB anonymous + {mapped:.0f} MB mapped index files"


def replicate(corpus: Path, times: int, cache: Path) -> Path:
    """``times`` hard-linked copies of the corpus (r0/ ... rN/) under ``cache``."""
    root = cache / f"{corpus.name}-x{times}"
    done = root / ".complete"
    if done.exists():
        return root
    files = sorted(p for p in corpus.glob("*.txt"))
    for r in range(times):
        folder = root / f"r{r}"
        folder.mkdir(parents=True, exist_ok=True)
        for path in files:
            target = folder / path.name
            if not target.exists():
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)
    done.touch()
    return root


def index_dir(cache: Path, corpus: Path, words: bool) -> Path:
    return cache / "index" / f"{corpus.name}-{'words' if words else 'syllables'}"


def build_index(corpus: Path, folder: Path, words: bool) -> dict[str, float]:
    """Child-process entry: a first index from scratch; print timing and RSS as JSON.

    ``searchable`` is when the snapshot first holds every article the build ends
    with (pyvi words may still follow); ``seconds`` is when ``update`` returns.
    """
    from tui_reader.search.index import IndexBuilder

    started = time.perf_counter()
    files = scan_corpus([corpus]).files
    builder = IndexBuilder(folder, with_words=words)
    timeline: list[tuple[float, int]] = []
    done = threading.Event()
    out: list[object] = []

    def run() -> None:
        try:
            out.append(builder.update(files))
        finally:
            done.set()

    worker = threading.Thread(target=run)
    worker.start()
    while not done.wait(0.02):
        timeline.append((time.perf_counter() - started, builder.snapshot().indexed))
    worker.join()
    seconds = time.perf_counter() - started
    stats = out[0]
    final = builder.snapshot().indexed
    searchable = next((t for t, n in timeline if n >= final), seconds)
    return {
        "seconds": seconds,
        "searchable": searchable,
        "indexed": final,
        "segmented": getattr(stats, "segmented", 0),
        "rss_mb": max(_rss_mb(), _rss_mb(resource.RUSAGE_CHILDREN)),
    }


def run_child_build(corpus: Path, folder: Path, words: bool) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--build-only", str(corpus), str(folder)]
    if not words:
        cmd.append("--no-words")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


# Measurement -----------------------------------------------------------------

Row = tuple[str, bool, float, float]  # kind, hit@10, reciprocal rank, ms


def score(ranked: list[str], relevant: set[str]) -> tuple[bool, float]:
    for rank, path in enumerate(ranked[:10], start=1):
        if Path(path).name in relevant:
            return True, 1.0 / rank
    return False, 0.0


def _p95(lat: list[float]) -> float:
    return lat[min(len(lat) - 1, int(0.95 * len(lat)))]


def summarise(rows: list[Row], kinds: tuple[str, ...]) -> dict[str, tuple[float, ...]]:
    table: dict[str, tuple[float, ...]] = {}
    for kind in ("all", *kinds):
        sel = [r for r in rows if kind in ("all", r[0])]
        if not sel:
            continue
        lat = sorted(r[3] for r in sel)
        table[kind] = (
            sum(r[1] for r in sel) / len(sel),
            sum(r[2] for r in sel) / len(sel),
            statistics.median(lat),
            _p95(lat),
            len(sel),
        )
    return table


def _timed(
    fn: Callable[[str], list[str]], query: str, relevant: set[str]
) -> tuple[bool, float, float]:
    t0 = time.perf_counter()
    ranked = fn(query)
    elapsed = (time.perf_counter() - t0) * 1000
    hit, rr = score(ranked, relevant)
    return hit, rr, elapsed


def print_table(
    systems: dict[str, dict[str, tuple[float, ...]]], kinds: tuple[str, ...], markdown: bool
) -> None:
    names = list(systems)
    tv = systems.get("Tantivy", {})
    if markdown:
        cols = ["kind", "n"] + [f"{n} {c}" for n in names for c in ("hit@10", "MRR", "p50", "p95")]
        if tv:
            cols += ["p50 tui/Tantivy", "p95 tui/Tantivy"]
        print("| " + " | ".join(cols) + " |")
        print("|" + " --- |" * len(cols))
    else:
        print(f"{'':<18}" + "".join(f"| {n:^30}" for n in names) + ("| tui/Tantivy" if tv else ""))
        print(
            f"{'kind':<12} {'n':>5} "
            + "| hit@10 MRR@10  p50 ms  p95 ms " * len(names)
            + ("|   p50   p95" if tv else "")
        )
    for kind in ("all", *kinds):
        tui = systems["tui-reader"].get(kind)
        if tui is None:
            continue
        cells = [kind, f"{int(tui[4])}"]
        for n in names:
            row = systems[n].get(kind)
            if row is None:
                cells += ["-"] * 4
            else:
                cells += [f"{row[0]:.3f}", f"{row[1]:.3f}", f"{row[2]:.1f}", f"{row[3]:.1f}"]
        if tv and kind in tv:
            cells += [f"{tui[2] / tv[kind][2]:.2f}×", f"{tui[3] / tv[kind][3]:.2f}×"]
        if markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            line = f"{cells[0]:<12} {cells[1]:>5} "
            for i in range(len(names)):
                c = cells[2 + 4 * i : 6 + 4 * i]
                line += f"| {c[0]:>6} {c[1]:>6} {c[2]:>7} {c[3]:>7} "
            if tv and kind in tv:
                line += f"| {cells[-2]:>6} {cells[-1]:>6}"
            print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=200, help="size of the generated set")
    parser.add_argument("--queries", type=int, default=0, help="run only the first N per kind")
    parser.add_argument(
        "--kinds",
        default="",
        help=f"comma-separated subset of {','.join(KINDS + HELDOUT_KINDS)}",
    )
    parser.add_argument("--replicate", type=int, default=1, help="10: the 350k run")
    parser.add_argument("--no-words", action="store_true", help="syllables only (no pyvi)")
    parser.add_argument("--no-fts", action="store_true")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="keep indexes built by an earlier run (no build times)"
    )
    parser.add_argument("--markdown", action="store_true", help="the table for README.md")
    parser.add_argument("--misses", type=int, default=0, help="print N missed queries per kind")
    parser.add_argument("--build-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--make-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    words = not args.no_words
    per_kind = max(args.per_kind, args.queries)
    if args.make_queries:
        load_or_build(args.corpus, per_kind, args.seed, args.cache)
        build_heldout(args.corpus, per_kind, args.seed, args.cache)
        return 0
    if args.build_only:
        print(json.dumps(build_index(args.build_only[0], args.build_only[1], words)))
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    kinds = tuple(k for k in args.kinds.split(",") if k) or KINDS + HELDOUT_KINDS
    unknown = set(kinds) - set(KINDS + HELDOUT_KINDS)
    if unknown:
        known = ", ".join(KINDS + HELDOUT_KINDS)
        print(f"unknown kinds: {', '.join(sorted(unknown))}; known: {known}")
        return 2
    use_tantivy = not args.no_tantivy
    if use_tantivy and not tantivy_available():
        print("tantivy is not installed (pip install -e '.[bench]'); skipping it", file=sys.stderr)
        use_tantivy = False
    load = os.getloadavg()
    # Built in a child process: loading the whole corpus must not count in this one's RSS.
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--make-queries",
            "--corpus",
            str(args.corpus),
            "--per-kind",
            str(per_kind),
            "--seed",
            str(args.seed),
            "--cache",
            str(args.cache),
        ],
        check=True,
    )
    queries: list[BenchQuery] = load_or_build(args.corpus, per_kind, args.seed, args.cache)
    queries += build_heldout(args.corpus, per_kind, args.seed, args.cache)
    taken: dict[str, int] = {}
    chosen = []
    for q in queries:
        if q.kind in kinds and taken.get(q.kind, 0) < (args.queries or per_kind):
            taken[q.kind] = taken.get(q.kind, 0) + 1
            chosen.append(q)
    corpus = (
        args.corpus if args.replicate <= 1 else replicate(args.corpus, args.replicate, args.cache)
    )
    folder = index_dir(args.cache, corpus, words)
    builds: dict[str, str] = {}
    if not args.reuse or not (folder / "manifest.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        cold = run_child_build(corpus, folder, words)
        builds["tui-reader"] = (
            f"{cold['searchable']:.1f} s until all {int(cold['indexed']):,} articles are "
            f"searchable, {cold['seconds']:.1f} s until the build returns "
            f"({int(cold['segmented']):,} segmented by pyvi), peak RSS {cold['rss_mb']:.0f} MB"
        )
        first_index = cold["searchable"]
    engines: list[Fts5 | Tantivy] = []
    if not args.no_fts:
        engines.append(Fts5(args.cache / f"fts-{corpus.name}.sqlite"))
    if use_tantivy:
        engines.append(Tantivy(args.cache / f"tantivy-{corpus.name}"))
    for engine in engines:
        if not args.reuse or not engine.open():
            seconds = engine.build(corpus)
            builds[engine.name] = f"{seconds:.1f} s"
            if "tui-reader" in builds:
                ratio = first_index / seconds
                builds[engine.name] += f" (tui-reader first index / this: {ratio:.2f}×)"
            engine.open()

    from tui_reader.search.engine import search
    from tui_reader.search.index import IndexBuilder

    started = time.perf_counter()
    files = scan_corpus([corpus]).files
    builder = IndexBuilder(folder, with_words=words)
    stats = builder.update(files)
    snapshot = builder.snapshot()
    snapshot.warm()
    warm = time.perf_counter() - started

    def tui(query: str) -> list[str]:
        return [h.path for h in search(snapshot, query, limit=10).hits]

    runners: dict[str, Callable[[str], list[str]]] = {"tui-reader": tui}
    for engine in engines:
        runners[engine.name] = functools.partial(engine.search, limit=10)
    rows: dict[str, list[Row]] = {name: [] for name in runners}
    misses: dict[str, list[str]] = {}
    for q in chosen:
        relevant = set(q.relevant)
        for name, fn in runners.items():
            hit, rr, ms = _timed(fn, q.text, relevant)
            rows[name].append((q.kind, hit, rr, ms))
            if name == "tui-reader" and not hit:
                misses.setdefault(q.kind, []).append(f"{q.text!r} (from {q.source})")

    print(
        f"corpus {corpus} : {snapshot.indexed:,} articles indexed "
        f"({'syllables + pyvi words' if words else 'syllables only'})"
    )
    print(
        f"queries: {len(chosen)} (seed {args.seed}; "
        + ", ".join(f"{k} {taken.get(k, 0)}" for k in kinds)
        + ")"
        f", limit 10; load average at start {load[0]:.1f}, at end {os.getloadavg()[0]:.1f} "
        f"({os.cpu_count()} cores)"
    )
    for name, text in builds.items():
        print(f"build {name}: {text}")
    print(
        f"tui-reader index: warm load + unchanged check {warm:.2f} s "
        f"({stats.unchanged:,} unchanged)"
    )
    print(f"search process peak RSS {_rss_mb():.0f} MB (now {_rss_split()})")
    print()
    print_table({n: summarise(r, kinds) for n, r in rows.items()}, kinds, args.markdown)
    for kind, missed in misses.items():
        for line in missed[: args.misses]:
            print(f"missed {kind}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
