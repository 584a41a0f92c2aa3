"""First-index build time: tui-reader (syllables searchable, then pyvi words) vs Tantivy and FTS5.

Usage::

    python benchmarks/index_build.py [CORPUS] [--workers N] [--rounds N] [--profile]

Every build runs in a fresh child process, one after the other, in the same
run, on the same corpus (default ``/tmp/corpus/baomoi-35k``), into a fresh
temporary folder:

* ``tantivy`` and ``fts5``: the baselines of ``benchmarks/search_bench.py``
  (``benchmarks/_baselines.py``): articles read and parsed by tui-reader's own
  loader in one process per core, title and body folded (tones removed,
  đ -> d), one Tantivy writer / one FTS5 table, committed (FTS5 optimized);
* ``tui phase 1``: until the whole corpus is searchable by syllables (what
  the reader waits for before every article can be found);
* ``tui phase 2``: until the pyvi words are indexed too (the build done,
  searching exactly as a words-at-once build would).

Prints every build with its peak RSS (the build's own process, and the largest
of its worker processes), then the ratios to Tantivy and FTS5. ``--rounds``
repeats the three builds (alternating) and reports the median of each. The
machine load (``os.getloadavg``) is printed beside the figures: other work on
the machine slows every build alike, so read the ratios, not the seconds.
``--profile`` prints the top of a cProfile of the tui build's main process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/corpus/baomoi-35k")
KINDS = ("tantivy", "fts5", "tui")


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its worker processes, so far.

    On a shared machine wall time depends on how many runnable processes a
    build has; CPU time does not, so both are reported.
    """
    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    total += me.cpu_times().children_user + me.cpu_times().children_system  # Ended workers.
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            continue
    return total


def _baseline(kind: str, corpus: Path, folder: Path) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _baselines import Fts5, Tantivy

    engine = Tantivy(folder / "tantivy") if kind == "tantivy" else Fts5(folder / "fts5.db")
    return {"seconds": engine.build(corpus)}


def _tui(corpus: Path, folder: Path, workers: int, profile: bool) -> dict[str, float]:
    from tui_reader.articles.corpus import scan_corpus
    from tui_reader.search.index import IndexBuilder

    started = time.perf_counter()
    searchable: list[float] = []
    files = scan_corpus([corpus]).files
    builder = IndexBuilder(folder, workers=workers)

    def progress(done: int, total: int) -> None:
        if not searchable and done >= total and builder.snapshot().indexed >= total:
            searchable.append(time.perf_counter() - started)
            searchable.append(_cpu_seconds())
            print(f"  (tui phase 1 done: {searchable[0]:.1f} s)", file=sys.stderr, flush=True)

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    stats = builder.update(files, progress=progress)
    seconds = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    snapshot = builder.snapshot()
    assert snapshot.with_words and snapshot.words_pending == 0, "phase 2 did not finish"
    return {
        "searchable_seconds": searchable[0] if searchable else stats.searchable_seconds,
        "searchable_cpu": searchable[1] if searchable else float("nan"),
        "seconds": seconds,
        "indexed": stats.indexed,
        "segmented": stats.segmented,
        "segments": len(snapshot.views),
    }


def _child(kind: str, corpus: Path, workers: int, profile: bool) -> dict[str, float]:
    cmd = [sys.executable, __file__, str(corpus), "--child", kind, "--workers", str(workers)]
    if profile and kind == "tui":
        cmd.append("--profile")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["load"] = os.getloadavg()[0]
    return result


def _mb(kib: float) -> str:
    return f"{kib / 1024:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile the tui build")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory(prefix="index-build-") as tmp:
            folder = Path(tmp) / "index"
            folder.mkdir()
            if args.child == "tui":
                result = _tui(args.corpus, folder, args.workers, args.profile)
            else:
                result = _baseline(args.child, args.corpus, folder)
        result["cpu"] = _cpu_seconds()
        result["rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["workers_rss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps(result))
        return
    print(f"corpus {args.corpus}, {args.workers} workers, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in KINDS}
    for _ in range(args.rounds):
        for kind in KINDS:
            r = _child(kind, args.corpus, args.workers, args.profile)
            runs[kind].append(r)
            rss = f"peak RSS {_mb(r['rss_kib'])}, workers {_mb(r['workers_rss_kib'])}"
            if kind == "tui":
                print(f"  tui phase 1 {r['searchable_seconds']:6.1f} s (cpu "
                      f"{r['searchable_cpu']:.1f} s), phase 2 {r['seconds']:6.1f} s (cpu "
                      f"{r['cpu']:.1f} s)  ({r['indexed']:,.0f} articles, "
                      f"{r['segmented']:,.0f} segmented, {r['segments']:.0f} segments; "
                      f"{rss})  load {r['load']:.1f}", flush=True)
            else:
                print(f"  {kind:11} {r['seconds']:6.1f} s (cpu {r['cpu']:.1f} s)  ({rss})"
                      f"  load {r['load']:.1f}", flush=True)

    def med(kind: str, key: str = "seconds") -> float:
        return statistics.median(r[key] for r in runs[kind])

    tantivy, fts5 = med("tantivy"), med("fts5")
    phase1, phase2 = med("tui", "searchable_seconds"), med("tui")
    print(f"median of {args.rounds}: tantivy {tantivy:.1f} s, fts5 {fts5:.1f} s, "
          f"tui phase 1 {phase1:.1f} s, phase 2 {phase2:.1f} s")
    print(f"tui phase 1 (searchable): {phase1 / tantivy:.2f}x tantivy, {phase1 / fts5:.2f}x fts5")
    print(f"tui phase 2 (words done): {phase2 / tantivy:.2f}x tantivy, {phase2 / fts5:.2f}x fts5")
    cpu_t, cpu_f = med("tantivy", "cpu"), med("fts5", "cpu")
    cpu1, cpu2 = med("tui", "searchable_cpu"), med("tui", "cpu")
    print(f"cpu seconds: tantivy {cpu_t:.1f}, fts5 {cpu_f:.1f}, tui phase 1 {cpu1:.1f} "
          f"({cpu1 / cpu_t:.2f}x tantivy, {cpu1 / cpu_f:.2f}x fts5), phase 2 {cpu2:.1f} "
          f"({cpu2 / cpu_t:.2f}x tantivy)")
    print(f"peak RSS (main, largest worker): tui {_mb(med('tui', 'rss_kib'))}, "
          f"{_mb(med('tui', 'workers_rss_kib'))}; tantivy {_mb(med('tantivy', 'rss_kib'))}, "
          f"{_mb(med('tantivy', 'workers_rss_kib'))}; fts5 {_mb(med('fts5', 'rss_kib'))}, "
          f"{_mb(med('fts5', 'workers_rss_kib'))}")


if __name__ == "__main__":
    main()
