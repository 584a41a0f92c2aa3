"""Fetching feeds from a local server: 20 feeds x 50 entries, first fetch and refetches.

Run from the repository: ``python benchmarks/feeds_bench.py [--feeds 20] [--entries 50]``.

A real HTTP server on 127.0.0.1 (the tests' server) serves the feeds; article
bodies are real Vietnamese news from the baomoi corpus when it is unpacked
(``TUI_READER_TEST_CORPUS`` or ``/tmp/corpus/baomoi-35k``), else the test stories.
Two kinds of feed, each measured separately with fresh data dirs:

- ``atom-full``: Atom with the whole article as content (no page fetches);
- ``rss-pages``: RSS with one-line teasers, so every entry's page is fetched and
  extracted (trafilatura) - what VnExpress-style feeds cost.

For each: the first fetch (everything new), then three refetches with nothing
new: the server honours ETag (304s); it sends no validators but the same bytes
(recognised by a hash, not parsed); the feed's bytes changed but none of its
entries did (every entry parsed and recognised as unchanged). The baseline in
the same run is the floor of any reader: the same GETs through httpx and the same feedparser parses,
with no storage, dedupe or extraction; the ratio to it is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import feedparser  # noqa: E402
import httpx  # noqa: E402

from tests.feeds.fixtures import STORIES, Story, article_page, atom_full, page_path, rss_summaries  # noqa: E402
from tests.feeds.server import FeedServer, Route  # noqa: E402
from tui_reader.feeds import http  # noqa: E402
from tui_reader.feeds.fetcher import Fetcher  # noqa: E402
from tui_reader.feeds.store import FeedStore  # noqa: E402


def _stories(count: int) -> list[Story]:
    corpus = Path(os.environ.get("TUI_READER_TEST_CORPUS", "/tmp/corpus/baomoi-35k"))
    files = sorted(corpus.glob("*.txt"))[:count] if corpus.is_dir() else []
    out: list[Story] = []
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for i in range(count):
        when = start - timedelta(minutes=7 * i)
        if i < len(files):
            lines = files[i].read_text(encoding="utf-8").splitlines()
            if len(lines) >= 3:
                body = [s.strip() + "." for s in lines[2].split(". ") if s.strip()]
                paragraphs = tuple(" ".join(body[j : j + 3]) for j in range(0, len(body), 3))
                out.append(Story(f"bai-{i}", lines[0], lines[1], paragraphs, published=when))
                continue
        base = STORIES[i % len(STORIES)]
        out.append(
            replace(
                base,
                slug=f"bai-{i}",
                title=f"{base.title} ({i})",
                paragraphs=(*base.paragraphs, f"Bản tin {i}."),
                published=when,
            )
        )
    return out


def _serve(server: FeedServer, kind: str, feeds: int, entries: int) -> list[str]:
    stories = _stories(feeds * entries)
    paths = []
    for f in range(feeds):
        mine = tuple(stories[f * entries : (f + 1) * entries])
        site = f"site{f}"
        if kind == "atom-full":
            body = atom_full(server.base, site, mine)
            route = Route(body, content_type="application/atom+xml", etag=f'"{kind}-{f}"')
        else:
            body = rss_summaries(server.base, site, mine)
            route = Route(body, etag=f'"{kind}-{f}"')
        # Pages for both kinds: a very short Atom entry is a teaser, and its page is read.
        for story in mine:
            server.routes[page_path(site, story)] = Route(
                article_page(story, related=mine[:5]),
                content_type="text/html; charset=utf-8",
            )
        path = f"/{kind}/{f}.xml"
        server.routes[path] = route
        paths.append(path)
    return paths


def _baseline(server: FeedServer, paths: list[str], kind: str) -> float:
    """Bare httpx GETs + feedparser parses (+ the page GETs for rss-pages), 4 at a time."""
    start = time.perf_counter()
    with httpx.Client(timeout=20) as client:

        def one(path: str) -> None:
            parsed = feedparser.parse(client.get(server.url(path)).content)
            if kind == "rss-pages":
                for entry in parsed.entries:
                    client.get(entry.link).content  # noqa: B018

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(one, paths))
    return time.perf_counter() - start


def _run(kind: str, feeds: int, entries: int, repeat: int) -> None:
    firsts, not_modified, same_bytes, unvalidated, bases = [], [], [], [], []
    for _ in range(repeat):
        server = FeedServer().start()
        try:
            paths = _serve(server, kind, feeds, entries)
            bases.append(_baseline(server, paths, kind))
            with (
                tempfile.TemporaryDirectory(prefix="feeds-bench-") as tmp,
                FeedStore(Path(tmp)) as store,
            ):
                for n, path in enumerate(paths):
                    store.add_feed(f"Feed {n}", server.url(path), f"feed-{n}")
                with http.make_client() as client:
                    fetcher = Fetcher(store, client=client)
                    t = time.perf_counter()
                    reports = fetcher.fetch(store.feeds())
                    firsts.append(time.perf_counter() - t)
                    assert all(r.ok for r in reports), [r.error for r in reports if r.error]
                    new = sum(r.new for r in reports)
                    hits = sum(server.hits.values())
                    t = time.perf_counter()
                    again = fetcher.fetch(store.feeds())
                    not_modified.append(time.perf_counter() - t)
                    assert all(r.not_modified for r in again), [r.summary() for r in again]
                    extra_hits = sum(server.hits.values()) - hits
                    for route in server.routes.values():
                        route.etag = None  # a server without validators: the same bytes
                    t = time.perf_counter()
                    same = fetcher.fetch(store.feeds())
                    same_bytes.append(time.perf_counter() - t)
                    assert all(r.not_modified for r in same)
                    for path in paths:  # the feed's bytes change, none of its entries
                        route = server.routes[path]
                        assert isinstance(route.body, bytes)
                        route.body += b"<!-- rebuilt -->"
                    t = time.perf_counter()
                    third = fetcher.fetch(store.feeds())
                    unvalidated.append(time.perf_counter() - t)
                    assert sum(r.new + r.updated for r in third) == 0
                    assert sum(r.unchanged for r in third) == new
        finally:
            server.stop()
    first, base = statistics.median(firsts), statistics.median(bases)
    print(
        f"{kind}: {feeds} feeds x {entries} entries, {new} articles saved; median of {repeat} runs"
    )
    print(
        f"  first fetch            {first:7.2f} s  ({new / first:6.0f} articles/s)  "
        f"baseline {base:.2f} s (bare httpx + feedparser), ratio {first / base:.2f}x"
    )
    print(
        f"  refetch, 304s          {statistics.median(not_modified) * 1000:7.0f} ms "
        f"({extra_hits} requests, all conditional)"
    )
    print(
        f"  refetch, same bytes    {statistics.median(same_bytes) * 1000:7.0f} ms "
        f"(no validators; body hash unchanged, nothing parsed)"
    )
    print(
        f"  refetch, feed rebuilt  {statistics.median(unvalidated) * 1000:7.0f} ms "
        f"(no entry changed: every entry parsed and recognised)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kind", choices=("atom-full", "rss-pages", "both"), default="both")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    kinds = ("atom-full", "rss-pages") if args.kind == "both" else (args.kind,)
    for kind in kinds:
        _run(kind, args.feeds, args.entries, args.repeat)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
