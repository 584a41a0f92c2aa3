"""Search quality and speed: tui-reader against SQLite FTS5 on the real corpus.

Run by hand (never a timed test)::

    python benchmarks/search_bench.py                       # 35k corpus, seed 1
    python benchmarks/search_bench.py --seed 2              # a held-out query set
    python benchmarks/search_bench.py --replicate 10        # 350k (hard-linked copies)
    python benchmarks/search_bench.py --no-words            # syllables only, no pyvi words

Known-item queries (see ``_bench_queries``) are run through both engines with
limit 10. Reported per query kind: hit@10 (a relevant article in the top 10),
MRR@10 and p50/p95 latency of the in-process search call (tui-reader: the
whole ``search()`` including snippets; FTS5: phrase query, then an AND query
when the phrase finds fewer than 10). Also: index build time (cold, in a
fresh cache; warm: loading it again and confirming the corpus is unchanged)
and peak RSS (build: the largest process; search: this process).

FTS5 gets the same folded query words and a prefix match on the last word.
Its ``unicode61 remove_diacritics 2`` tokenizer does not fold ``đ`` (a letter,
not a diacritic), so the FTS5 text has ``đ/Đ`` replaced by ``d/D`` beforehand;
without that it would miss every word with ``đ``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    """Child-process entry: build (or refresh) the index; print timing and RSS as JSON."""
    from tui_reader.search.index import IndexBuilder

    started = time.perf_counter()
    files = scan_corpus([corpus]).files
    builder = IndexBuilder(folder, with_words=words)
    stats = builder.update(files)
    return {
        "seconds": time.perf_counter() - started,
        "indexed": stats.indexed,
        "segmented": stats.segmented,
        "rss_mb": max(_rss_mb(), _rss_mb(resource.RUSAGE_CHILDREN)),
    }


def run_child_build(corpus: Path, folder: Path, words: bool) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--build-only", str(corpus), str(folder)]
    if not words:
        cmd.append("--no-words")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


# FTS5 ----------------------------------------------------------------------


def fts_build(corpus: Path, db_path: Path) -> float:
    """Build the FTS5 table (title, body) once; returns seconds (0 when reused)."""
    if db_path.exists():
        return 0.0
    from tui_reader.articles.decode import UnreadableFile
    from tui_reader.articles.parse import load_article

    started = time.perf_counter()
    tmp = db_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, body, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    table = str.maketrans({"đ": "d", "Đ": "D"})
    rows = []
    for entry in scan_corpus([corpus]).files:
        try:
            article = load_article(Path(entry.path))
        except (UnreadableFile, OSError):
            continue
        body = "\n".join(p.text for p in article.passages)
        rows.append((entry.path, article.title.translate(table), body.translate(table)))
        if len(rows) >= 5000:
            con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
            rows = []
    con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
    con.commit()
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    os.replace(tmp, db_path)
    return time.perf_counter() - started


def fts_search(con: sqlite3.Connection, words: list[str], limit: int) -> list[str]:
    """Phrase query (last word as prefix), then AND of the words if fewer than ``limit``."""
    if not words:
        return []
    quoted = [f'"{w}"' for w in words]
    phrase = '"' + " ".join(words) + '" *'
    conj = " AND ".join([*quoted[:-1], quoted[-1] + " *"])
    sql = "SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?"
    found: list[str] = []
    for match in (phrase, conj):
        try:
            rows = con.execute(sql, (match, limit)).fetchall()
        except sqlite3.OperationalError:
            continue
        for (path,) in rows:
            if path not in found:
                found.append(path)
        if len(found) >= limit:
            break
    return found[:limit]


# Measurement -----------------------------------------------------------------


def score(ranked: list[str], relevant: set[str]) -> tuple[bool, float]:
    for rank, path in enumerate(ranked[:10], start=1):
        if Path(path).name in relevant:
            return True, 1.0 / rank
    return False, 0.0


def summarise(rows: list[tuple[str, bool, float, float]]) -> dict[str, tuple[float, ...]]:
    table: dict[str, tuple[float, ...]] = {}
    for kind in ("all", *KINDS):
        sel = [r for r in rows if kind in ("all", r[0])]
        if not sel:
            continue
        lat = sorted(r[3] for r in sel)
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        table[kind] = (
            sum(r[1] for r in sel) / len(sel),
            sum(r[2] for r in sel) / len(sel),
            statistics.median(lat),
            p95,
            len(sel),
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-kind", type=int, default=250)
    parser.add_argument("--replicate", type=int, default=1, help="10: the 350k run")
    parser.add_argument("--no-words", action="store_true", help="syllables only (no pyvi)")
    parser.add_argument("--no-fts", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="force a cold index build")
    parser.add_argument("--build-only", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--make-queries", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    words = not args.no_words
    if args.make_queries:
        load_or_build(args.corpus, args.per_kind, args.seed, args.cache)
        return 0
    if args.build_only:
        print(json.dumps(build_index(args.build_only[0], args.build_only[1], words)))
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    # Built in a child process: loading the whole corpus must not count in this one's RSS.
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--make-queries",
            "--corpus",
            str(args.corpus),
            "--per-kind",
            str(args.per_kind),
            "--seed",
            str(args.seed),
            "--cache",
            str(args.cache),
        ],
        check=True,
    )
    queries: list[BenchQuery] = load_or_build(args.corpus, args.per_kind, args.seed, args.cache)
    corpus = (
        args.corpus if args.replicate <= 1 else replicate(args.corpus, args.replicate, args.cache)
    )
    folder = index_dir(args.cache, corpus, words)
    if args.rebuild:
        shutil.rmtree(folder, ignore_errors=True)
    cold = None
    if not (folder / "manifest.json").exists():
        cold = run_child_build(corpus, folder, words)

    from tui_reader.search.engine import search
    from tui_reader.search.index import IndexBuilder

    started = time.perf_counter()
    files = scan_corpus([corpus]).files
    builder = IndexBuilder(folder, with_words=words)
    stats = builder.update(files)
    snapshot = builder.snapshot()
    snapshot.warm()
    warm = time.perf_counter() - started

    fts_rows: list[tuple[str, bool, float, float]] = []
    fts_seconds = 0.0
    if not args.no_fts:
        db = args.cache / f"fts-{corpus.name}.sqlite"
        fts_seconds = fts_build(corpus, db)
        con = sqlite3.connect(db)
    tui_rows: list[tuple[str, bool, float, float]] = []
    for q in queries:
        relevant = set(q.relevant)
        t0 = time.perf_counter()
        results = search(snapshot, q.text, limit=10)
        elapsed = (time.perf_counter() - t0) * 1000
        hit, rr = score([h.path for h in results.hits], relevant)
        tui_rows.append((q.kind, hit, rr, elapsed))
        if not args.no_fts:
            t0 = time.perf_counter()
            ranked = fts_search(con, q.text.split(), 10)
            elapsed = (time.perf_counter() - t0) * 1000
            hit, rr = score(ranked, relevant)
            fts_rows.append((q.kind, hit, rr, elapsed))

    print(
        f"corpus {corpus} : {snapshot.indexed:,} articles indexed "
        f"({'syllables + pyvi words' if words else 'syllables only'})"
    )
    print(f"queries: {len(queries)} (seed {args.seed}, {args.per_kind} per kind), limit 10")
    if cold is not None:
        print(
            f"tui-reader index: cold build {cold['seconds']:.1f} s "
            f"({int(cold['segmented']):,} articles segmented), "
            f"peak RSS {cold['rss_mb']:.0f} MB"
        )
    print(
        f"tui-reader index: warm load + unchanged check {warm:.2f} s "
        f"({stats.unchanged:,} unchanged)"
    )
    if not args.no_fts and fts_seconds:
        print(f"FTS5 build {fts_seconds:.1f} s")
    print(f"search process peak RSS {_rss_mb():.0f} MB (now {_rss_split()})")
    tui = summarise(tui_rows)
    fts = summarise(fts_rows) if fts_rows else {}
    header = f"{'kind':<6} {'n':>5} | {'hit@10':>6} {'MRR@10':>6} {'p50 ms':>7} {'p95 ms':>7}"
    print()
    print(f"{'':<14}| {'tui-reader':^29}" + (f"| {'FTS5':^29}" if fts else ""))
    print(header + (f" | {'hit@10':>6} {'MRR@10':>6} {'p50 ms':>7} {'p95 ms':>7}" if fts else ""))
    for kind, (hit, mrr, p50, p95, n) in tui.items():
        line = f"{kind:<6} {n:>5} | {hit:>6.3f} {mrr:>6.3f} {p50:>7.1f} {p95:>7.1f}"
        if kind in fts:
            fh, fm, f50, f95, _ = fts[kind]
            line += f" | {fh:>6.3f} {fm:>6.3f} {f50:>7.1f} {f95:>7.1f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
