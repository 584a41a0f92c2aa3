"""Benchmark: the state database at scale, and the UI while another process holds it.

Two parts, each printing figures (the README's Reliability section records them):

1. **Scale.** A state database with ``--bookmarks`` bookmarks (default 1,000,000,
   spread over 35,000 article keys, with notes on a tenth) and 35,000 read marks is
   built with plain SQL, then each read the app makes is timed: opening the store,
   the read marks and bookmark counts it mirrors, one article's bookmarks, the
   bookmarks screen's first page and totals, a full filter pass, the corpus check's
   query for bookmarks of changed articles. Beside them, what the bookmarks screen
   used to do on open (read every bookmark and tokenize them all for the filter),
   timed the same way: the ratio is the figure.
2. **Locked.** The real app runs headless (Textual pilot) while a second process
   holds the write lock (``BEGIN IMMEDIATE``, as a big import does). Each key's time
   to be handled is measured, and compared with the same keys with no lock held.
   Also: opening the bookmarks screen on the large database until its first rows show.

Usage::

    python benchmarks/state_scale.py [--bookmarks 1000000] [--skip-ui]

The machine may be shared: run it more than once and compare ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

T = TypeVar("T")

_TEXT = (
    "hội nghị thượng đỉnh Hà Nội Triều Tiên Mỹ đại diện liên lạc giá vàng hôm nay "
    "đội tuyển bóng đá Việt Nam thời tiết miền Bắc kinh tế chứng khoán giáo dục"
)
WORDS = _TEXT.split()
#: Typed as people type: no tones, đ as d, a word cut short, a typo, a word not there.
FILTER_QUERIES = (
    "hoi nghi",
    "gia vang hom nay",
    "doi tuyen bong",
    "chung khaon",
    "thoi tiet mien xyzzy",
    "h",
)


def timed(label: str, fn: Callable[[], T], runs: int = 3) -> T:
    best = float("inf")
    result: Any = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<58} {best * 1000:>10,.1f} ms")
    return result  # type: ignore[no-any-return]


def build(data: Path, bookmarks: int, articles: int = 35_000) -> None:
    from tui_reader.store import db
    from tui_reader.store.schema import MIGRATIONS

    # The schema by the real migrations, as of before the full-text index (v3): the
    # first open below upgrades it, which is what a user with many bookmarks meets.
    db.open_disk(data, [], migrations=MIGRATIONS[:2]).close()
    rng = random.Random(8)
    conn = sqlite3.connect(data / "state.sqlite3", isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO read_state (article_key, read, read_at, updated_at, path, title) "
        "VALUES (?, 1, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', ?, ?)",
        ((f"key{a:06d}", f"/corpus/{a}.txt", f"Bài {a}") for a in range(articles)),
    )

    def rows() -> Any:
        for n in range(bookmarks):
            a = rng.randrange(articles)
            quote = " ".join(rng.choices(WORDS, k=rng.randint(12, 40)))
            note = " ".join(rng.choices(WORDS, k=5)) if n % 10 == 0 else ""
            month = 1 + n * 11 // bookmarks
            stamp = f"2026-{month:02d}-01T00:00:{n % 60:02d}.{n % 1000:03d}+00:00"
            title = f"Bài báo số {a} về {WORDS[a % 20]}"
            path = f"/corpus/{a}.txt"
            yield (f"uid-{n}", f"key{a:06d}", path, title, rng.randrange(20), quote, 0,
                   len(quote), note, stamp, stamp)

    conn.executemany(
        "INSERT INTO bookmarks (uid, article_key, path, title, passage_index, quote, start,"
        ' "end", note, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        rows(),
    )
    conn.execute("COMMIT")
    conn.close()


def scale(bookmarks: int, reuse: Path | None = None, before: bool = True) -> Path:
    from tui_reader.bookmarks.text_filter import TermIndex, match_expression
    from tui_reader.search.filter import FuzzyFilter
    from tui_reader.store.bookmarks import BookmarkStatus, text_terms_in_file
    from tui_reader.store.state import StateStore
    from tui_reader.ui.screens.bookmarks import (
        CANDIDATES,
        COUNT_UP_TO,
        FILTER_BATCH,
        PAGE,
        filter_text,
    )

    if reuse is None:
        data = Path(tempfile.mkdtemp(prefix="state-scale-")) / "data"
        started = time.perf_counter()
        build(data, bookmarks)
        size = (data / "state.sqlite3").stat().st_size
        print(
            f"built {bookmarks:,} bookmarks and 35,000 read marks in "
            f"{time.perf_counter() - started:.1f} s ({size / 1e6:,.0f} MB)"
        )
        print("reads the app makes (on the database thread, never the UI thread):")
        timed(
            "first open after the upgrade (builds the full-text index)",
            lambda: StateStore.open(data).close(),
            1,
        )
    else:
        data = reuse
        print(f"reusing {data} ({(data / 'state.sqlite3').stat().st_size / 1e6:,.0f} MB)")
    store = timed("open the store (quick_check included)", lambda: StateStore.open(data), 1)
    timed("read marks mirror (35,000 keys)", store.read_keys)
    timed("bookmark counts mirror (GROUP BY)", store.bookmark_counts)
    timed(
        "one article's bookmarks (key or path, indexed)",
        lambda: store.article_bookmarks("key000042", "/corpus/42.txt"),
    )
    page = timed(f"bookmarks screen: first page ({PAGE} rows)", lambda: store.bookmarks_page())
    last = page[-1]
    after = (last.created, last.id)
    timed("bookmarks screen: next page", lambda: store.bookmarks_page(after, PAGE))
    timed("bookmarks screen: totals (all, orphaned)", store.bookmark_totals)
    keys = {f"key{a:06d}" for a in range(35_000) if a % 100}
    timed("corpus check: 350 changed articles", lambda: store.bookmarks_not_in(keys), 1)
    def other_corpus() -> list[str]:
        return store.bookmarks_to_check(["other"], ["/else/a.txt"], ["Khác"])

    first = timed("corpus check, another corpus open, first time (SQL)", other_corpus, 1)
    print(f"    -> {len(first):,} bookmarks to mark orphaned, saved 500 per transaction")
    marks = store.bookmarks_by_uid(first[:500])
    orphaned = [replace(m, status=BookmarkStatus.ORPHANED) for m in marks.values()]
    timed("    saving one batch of 500", lambda: store.set_bookmark_anchors(orphaned))
    with sqlite3.connect(data / "state.sqlite3") as conn:
        conn.execute("UPDATE bookmarks SET status = 'orphaned'")
    again = timed("corpus check, another corpus open, next times (SQL)", other_corpus, 1)
    print(f"    -> {len(again):,} bookmarks to look at")
    with sqlite3.connect(data / "state.sqlite3") as conn:
        conn.execute("UPDATE bookmarks SET status = 'ok'")
    batch = store.bookmarks_page(None, FILTER_BATCH)

    def one_batch() -> int:
        return len(FuzzyFilter([filter_text(m) for m in batch]).filter("hoi nghi ha noi"))

    start = time.perf_counter()
    one_batch()
    scan = (time.perf_counter() - start) * bookmarks / FILTER_BATCH
    terms = timed(
        "filter: read the index's vocabulary (own connection, once)",
        lambda: text_terms_in_file(data / "state.sqlite3"),
        1,
    )
    index = timed(f"    group {len(terms):,} words by folded form", lambda: TermIndex(terms), 1)
    for query in FILTER_QUERIES:
        expression = match_expression(query, index)

        def find(expression: str | None = expression) -> tuple[list[Any], int]:
            if not expression:
                return [], 0
            return store.bookmarks_matching(expression, CANDIDATES, COUNT_UP_TO)

        def whole(query: str = query) -> int:
            rows, _ = find(match_expression(query, index))
            return len(FuzzyFilter([filter_text(m) for m in rows]).filter(query))

        rows, count = find()
        counted = f"{count:,}+" if count >= COUNT_UP_TO else f"{count:,}"
        timed(f"filter {query!r}: SQL, newest {len(rows)}, {counted} match", find, 1)
        timed("    ... and scoring them (what the screen does)", whole, 1)
        if query == FILTER_QUERIES[0]:
            plain = match_expression(query, None)
            timed(
                "    ... before the vocabulary is read (typed words only)",
                lambda plain=plain: find(plain),
                1,
            )
    label = "filter, before: score every bookmark (extrapolated)"
    print(f"  {label:<58} {scan * 1000:>10,.1f} ms")
    if not before:
        store.close()
        return data
    print("what the bookmarks screen did on open before (all rows, all tokenized):")
    every = timed("read every bookmark", store.bookmarks, 1)
    sample = every[:FILTER_BATCH]
    start = time.perf_counter()
    FuzzyFilter([filter_text(m) for m in sample])
    tokenize = (time.perf_counter() - start) * len(every) / len(sample)
    label = "tokenize every bookmark for the filter (extrapolated)"
    print(f"  {label:<58} {tokenize * 1000:>10,.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak:,.0f} MB")
    store.close()
    return data


HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT OR REPLACE INTO read_state (article_key, read, updated_at) "
             "VALUES ('held', 0, 'x')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


def heartbeat(beats: list[float]) -> str:
    """Gaps between a UI timer's beats: how long the screen could not repaint or take a key."""
    gaps = sorted(b - a for a, b in itertools.pairwise(beats))
    median, p99 = gaps[len(gaps) // 2], gaps[len(gaps) * 99 // 100]
    return (
        f"{len(gaps):,} beats, median gap {median * 1000:.0f} ms, 99th {p99 * 1000:.0f} ms, "
        f"worst {gaps[-1] * 1000:.0f} ms"
    )


async def ui(data: Path | None) -> None:
    from tests.helpers import copy_seeds
    from tui_reader.paths import seeds_dir
    from tui_reader.ui.app import AppConfig, ReaderApp
    from tui_reader.ui.screens.main import MainScreen
    from tui_reader.ui.settle import settle

    root = Path(tempfile.mkdtemp(prefix="state-ui-"))
    corpus = copy_seeds(root / "corpus")
    for name in ("data", "cache"):
        (root / name).mkdir()
    del seeds_dir

    def app_on(data_dir: Path) -> ReaderApp:
        return ReaderApp(AppConfig((corpus,), data_dir, root / "cache", "bench"))

    async def keys(app: ReaderApp, pilot: Any, label: str) -> None:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        times = []
        for key in ("m", "j", "m", "k", "enter", "j", "tab", "j", "b"):
            start = time.perf_counter()
            await pilot.press(key)
            times.append((key, (time.perf_counter() - start) * 1000))
        worst = max(t for _, t in times)
        shown = " ".join(f"{k}:{t:.0f}" for k, t in times)
        print(f"  {label:<30} worst key {worst:>8,.0f} ms   ({shown})")

    print("keys while another process holds the write lock (pilot, ms per key):")
    app = app_on(root / "data")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await keys(app, pilot, "no lock held")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(root / "data" / "state.sqlite3")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        await keys(app, pilot, "write lock held elsewhere")
        start = time.perf_counter()
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait()
        saved = await asyncio.to_thread(app.store.retry_pending)
        took = (time.perf_counter() - start) * 1000
        print(f"  lock released: everything saved = {saved} ({took:,.0f} ms)")
    if data is None:
        return
    print("bookmarks screen on the large database (pilot), pressed as soon as the list shows:")
    app = app_on(data)
    async with app.run_test(size=(120, 36)) as pilot:
        # No settle: the store's first open (quick_check) and a corpus check that must
        # re-anchor the million bookmarks (none is in this corpus) run meanwhile.
        while not app.store.loaded.is_set():
            await pilot.pause(0.05)
        start = time.perf_counter()
        await pilot.press("B")
        from tui_reader.ui.screens.bookmarks import BookmarksScreen

        while not (isinstance(app.screen, BookmarksScreen) and app.screen.shown):
            await pilot.pause(0.01)
        took = (time.perf_counter() - start) * 1000
        print(f"  B pressed -> first rows on screen: {took:,.0f} ms")
    # Again with nothing to re-anchor (every bookmark already orphaned, as after the
    # first check): the app idle, as a reader usually finds it.
    with sqlite3.connect(data / "state.sqlite3") as conn:
        conn.execute("UPDATE bookmarks SET status = 'orphaned'")
    app = app_on(data)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        start = time.perf_counter()
        await pilot.press("B")
        while not (isinstance(app.screen, BookmarksScreen) and app.screen.shown):
            await pilot.pause(0.01)
        took = (time.perf_counter() - start) * 1000
        print(f"  the app idle: B pressed -> first rows on screen: {took:,.0f} ms")
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        # A heartbeat on the UI thread: the longest gap between its beats is the longest
        # the screen could not repaint or take a key (database, GIL, or the machine).
        beats: list[float] = [time.perf_counter()]
        timer = app.set_interval(1 / 60, lambda: beats.append(time.perf_counter()))
        await pilot.pause(3)  # the baseline: the same screen, nothing typed
        idle = heartbeat(beats)
        beats[:] = [time.perf_counter()]
        for query in ("hoi nghi", "gia vang hom nay"):
            screen.filter_input.value = ""
            await pilot.pause(0.5)
            start = time.perf_counter()
            await pilot.press(*query)
            typed = time.perf_counter() - start
            while not (screen.filter_query == query and screen.complete and screen.shown):
                await pilot.pause(0.01)
            took = time.perf_counter() - start
            print(
                f"  filter {query!r} typed (pilot {typed * 1000:,.0f} ms for {len(query)} keys)"
                f" -> best {len(screen.shown):,} of {screen._matches:,} on screen: {took:,.2f} s"
            )
        timer.stop()
        print(f"  UI heartbeat (1/60 s), nothing typed (baseline): {idle}")
        print(f"  UI heartbeat (1/60 s) while the filters ran:     {heartbeat(beats)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookmarks", type=int, default=1_000_000)
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument("--ui-only", action="store_true", help="with --data: only the app part")
    parser.add_argument(
        "--skip-before", action="store_true", help="skip timing the old screen's full read"
    )
    parser.add_argument("--data", type=Path, help="reuse a data dir an earlier run built")
    args = parser.parse_args()
    os.environ.setdefault("TUI_READER_CACHE_DIR", tempfile.mkdtemp(prefix="state-cache-"))
    if args.ui_only and args.data:
        data = args.data
    else:
        data = scale(args.bookmarks, args.data, not args.skip_before)
    if not args.skip_ui:
        asyncio.run(ui(data))


if __name__ == "__main__":
    main()
