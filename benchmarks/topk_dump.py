"""Dump tui-reader's top 10 for every bench query, and compare two dumps.

A speed change must not change ranking: dump the reference from the merge-base,
dump the change, compare (0 changed top-10s, or each change explained)::

    python benchmarks/topk_dump.py --cache /tmp/x/cache --out /tmp/x/ref.json
    python benchmarks/topk_dump.py --cache /tmp/x/cache --out /tmp/x/new.json
    python benchmarks/topk_dump.py --compare /tmp/x/ref.json /tmp/x/new.json

The queries are the bench's own (``search_bench``'s cache: every kind, seeds 1
and 2, the first ``--per-kind`` of each); the index is the one the bench built
there (``--reuse``: run ``search_bench.py`` once first). Each query records the
top 10 article keys and their rank keys (rules 1-5 and BM25), so a change in a
bucket shows even when the order happens not to move.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_heldout import build_heldout
from _bench_queries import load_or_build
from search_bench import DEFAULT_CACHE, DEFAULT_CORPUS, index_dir

from tui_reader.articles.corpus import scan_corpus

BENCH_SET = 200  # search_bench's default --per-kind: its cached sets are reused.


def dump(
    corpus: Path, cache: Path, seeds: list[int], per_kind: int, words: bool
) -> dict[str, object]:
    """``{"kind|seed|n|query": {"keys": [...], "ranks": [...]}}`` for every chosen query."""
    from tui_reader.search.engine import search
    from tui_reader.search.index import IndexBuilder

    folder = index_dir(cache, corpus, words)
    if not (folder / "manifest.json").exists():
        raise SystemExit(f"no index in {folder}: run search_bench.py --cache {cache} first")
    builder = IndexBuilder(folder, with_words=words)
    builder.update(scan_corpus([corpus]).files)
    snapshot = builder.snapshot()
    snapshot.warm()
    size = max(BENCH_SET, per_kind)
    out: dict[str, object] = {}
    for seed in seeds:
        queries = load_or_build(corpus, size, seed, cache) + build_heldout(
            corpus, size, seed, cache
        )
        taken: dict[str, int] = {}
        for q in queries:
            n = taken.get(q.kind, 0)
            if n >= per_kind:
                continue
            taken[q.kind] = n + 1
            hits = search(snapshot, q.text, limit=10).hits
            out[f"{q.kind}|{seed}|{n}|{q.text}"] = {
                "keys": [h.key for h in hits],
                "ranks": [
                    None
                    if h.rank is None
                    else [
                        h.rank.words,
                        h.rank.typos,
                        h.rank.gap,
                        h.rank.phrase,
                        h.rank.proximity,
                        h.rank.attribute,
                        h.rank.exactness,
                        round(h.rank.bm25, 6),
                    ]
                    for h in hits
                ],
            }
    return out


def compare(a: dict[str, dict[str, list[object]]], b: dict[str, dict[str, list[object]]]) -> int:
    """Print the queries whose top 10 (order or rank keys) differ; return how many."""
    changed = 0
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            print(f"only in {'B' if name not in a else 'A'}: {name}")
            changed += 1
            continue
        if a[name]["keys"] != b[name]["keys"]:
            changed += 1
            print(f"top-10 differs: {name}\n  A {a[name]['keys']}\n  B {b[name]['keys']}")
        elif a[name]["ranks"] != b[name]["ranks"]:
            changed += 1
            print(f"rank keys differ (same order): {name}")
    print(f"{changed} of {len(set(a) | set(b))} queries differ")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--seeds", default="1,2", help="comma-separated query-set seeds")
    parser.add_argument("--per-kind", type=int, default=60)
    parser.add_argument("--no-words", action="store_true", help="the syllables-only index")
    parser.add_argument("--out", type=Path, help="write the dump here (JSON)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args(argv)
    if args.compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        return 1 if compare(a, b) else 0
    if args.out is None:
        parser.error("--out or --compare is needed")
    seeds = [int(s) for s in args.seeds.split(",") if s]
    result = dump(args.corpus, args.cache, seeds, args.per_kind, not args.no_words)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(result)} queries dumped to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
