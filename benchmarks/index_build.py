"""First-index build time: tui-reader (syllables searchable, then pyvi words) vs Tantivy.

Usage::

    python benchmarks/index_build.py [CORPUS] [--skip-words] [--workers N] [--profile]

Every build runs in a fresh child process, one after the other, in the same
run, on the same corpus (default ``/tmp/corpus/baomoi-35k``), into a fresh
temporary folder:

* ``tantivy``: tantivy-py (the ``bench`` extra), articles parsed by tui-reader's
  own loader, title and body folded (tones removed, đ -> d) in Python, one
  writer with a thread per core, one commit;
* ``tui syllables``: the time until the whole corpus is searchable by
  syllables (what the app waits for before every article can be found);
* ``tui words``: the time until pyvi words are indexed too (the build done).

Prints one line per build and the ratios to Tantivy. The machine load
(``os.getloadavg``) is printed beside the figures: other work on the machine
slows every build alike, so read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/corpus/baomoi-35k")


def _tantivy(corpus: Path, folder: Path, workers: int) -> dict[str, float]:
    import tantivy

    from tui_reader.articles.corpus import scan_corpus
    from tui_reader.articles.decode import UnreadableFile
    from tui_reader.articles.loader import open_article
    from tui_reader.text.fold import fold

    started = time.perf_counter()
    schema_builder = tantivy.SchemaBuilder()
    schema_builder.add_text_field("title", stored=True)
    schema_builder.add_text_field("body")
    schema_builder.add_text_field("path", stored=True, tokenizer_name="raw")
    index = tantivy.Index(schema_builder.build(), path=str(folder))
    writer = index.writer(heap_size=256_000_000, num_threads=max(1, workers))
    count = 0
    for entry in scan_corpus([corpus]).files:
        try:
            article = open_article(entry)
        except (UnreadableFile, OSError):
            continue
        body = "\n".join(p.text for p in article.passages)
        writer.add_document(
            tantivy.Document(title=fold(article.title), body=fold(body), path=entry.path)
        )
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"seconds": time.perf_counter() - started, "indexed": count}


def _tui(corpus: Path, folder: Path, workers: int, profile: bool) -> dict[str, float]:
    from tui_reader.articles.corpus import scan_corpus
    from tui_reader.search.index import IndexBuilder

    started = time.perf_counter()
    searchable: list[float] = []
    files = scan_corpus([corpus]).files
    builder = IndexBuilder(folder, workers=workers)

    def progress(done: int, total: int) -> None:
        if not searchable and builder.snapshot().indexed >= total:
            searchable.append(time.perf_counter() - started)

    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    stats = builder.update(files, progress=progress)
    seconds = time.perf_counter() - started
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
    return {
        "searchable_seconds": searchable[0] if searchable else seconds,
        "seconds": seconds,
        "indexed": stats.indexed,
        "segmented": stats.segmented,
    }


def _child(kind: str, corpus: Path, workers: int, profile: bool) -> dict[str, float]:
    cmd = [sys.executable, __file__, str(corpus), "--child", kind, "--workers", str(workers)]
    if profile:
        cmd.append("--profile")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--profile", action="store_true", help="pyinstrument the tui build")
    parser.add_argument("--child", choices=["tantivy", "tui"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory(prefix="index-build-") as tmp:
            folder = Path(tmp) / "index"
            folder.mkdir()
            if args.child == "tantivy":
                result = _tantivy(args.corpus, folder, args.workers)
            else:
                result = _tui(args.corpus, folder, args.workers, args.profile)
        print(json.dumps(result))
        return
    print(f"corpus {args.corpus}, {args.workers} workers, load {os.getloadavg()[0]:.1f}")
    tantivy = _child("tantivy", args.corpus, args.workers, False)
    print(f"tantivy:        {tantivy['seconds']:6.1f} s  ({tantivy['indexed']:,.0f} articles)"
          f"  load {os.getloadavg()[0]:.1f}", flush=True)
    tui = _child("tui", args.corpus, args.workers, args.profile)
    print(f"tui syllables:  {tui['searchable_seconds']:6.1f} s  "
          f"({tui['searchable_seconds'] / tantivy['seconds']:.2f}x tantivy)"
          f"  load {os.getloadavg()[0]:.1f}")
    print(f"tui words:      {tui['seconds']:6.1f} s  ({tui['seconds'] / tantivy['seconds']:.2f}x"
          f" tantivy; {tui['indexed']:,.0f} articles, {tui['segmented']:,.0f} segmented)")


if __name__ == "__main__":
    main()
