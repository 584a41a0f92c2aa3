"""SIGKILL in the middle of a fetch leaves whole article files only; the next fetch finishes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

from tests.feeds.fixtures import STORIES, atom_full
from tests.feeds.helpers import article_files
from tests.feeds.server import FeedServer, Route
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.storage import feeds_root
from tui_reader.feeds.store import FeedStore

FEEDS = 24
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tui_reader.feeds.fetcher import Fetcher
    from tui_reader.feeds.store import FeedStore

    store = FeedStore(Path(sys.argv[1]))
    Fetcher(store, feed_workers=2).fetch(store.feeds())
    """
)


def _serve_many(server: FeedServer, store: FeedStore) -> int:
    total = 0
    for n in range(FEEDS):
        stories = tuple(
            replace(
                s,
                slug=f"{s.slug}-{n}",
                title=f"{s.title} ({n})",
                paragraphs=(*s.paragraphs, f"Bản tin số {n}."),
            )
            for s in STORIES
        )
        body = atom_full(server.base, f"site{n}", stories).replace(
            b"tag:site", f"tag:s{n}-site".encode()
        )
        server.routes[f"/f{n}.atom"] = Route(body, content_type="application/atom+xml", delay=0.08)
        store.add_feed(f"Feed {n}", server.url(f"/f{n}.atom"), f"feed-{n}")
        total += len(stories)
    return total


def _assert_whole(files: list[Path]) -> None:
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert {"title", "text", "url", "date", "author", "source", "id"} <= set(data)
        assert data["text"]


def test_sigkill_during_a_fetch_leaves_no_partial_article(
    server: FeedServer, store: FeedStore, data_dir: Path
) -> None:
    total = _serve_many(server, store)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed_with = -1
    for _attempt in range(3):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir)], env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and child.poll() is None:
            if len(article_files(data_dir)) >= 10:
                break
            time.sleep(0.005)
        killed_with = len(article_files(data_dir))
        child.send_signal(signal.SIGKILL)
        child.wait()
        if 0 < killed_with < total:
            break
    assert 0 < killed_with < total, "the kill should land mid-fetch"
    _assert_whole(article_files(data_dir))
    # Leftover temporary files (if any) are hidden; the next fetch removes them and
    # finishes the job without duplicating what was saved before the kill.
    with FeedStore(data_dir) as again:
        reports = Fetcher(again).fetch(again.feeds())
        assert all(r.ok for r in reports)
        files = article_files(data_dir)
        assert len(files) == total
        _assert_whole(files)
        assert len(again.articles()) == total
        assert not list(feeds_root(data_dir).glob("*/.tmp-*"))
