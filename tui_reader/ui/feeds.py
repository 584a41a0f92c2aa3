"""The app's side of feeds: fetching in a worker thread, and which articles each feed has.

The main screen owns the keys and the status line; this keeps the feed logic
out of it. Everything here that touches the network or the feeds database runs
in a worker thread (the methods say so); results go back to the screen as plain
values. The feeds database is opened per call, so a fetch running in the app
and one started from another terminal never share a connection (the fetch lock
makes the second one wait its turn and say so).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.articles.model import ArticleMeta
from tui_reader.feeds.fetcher import FeedReport, FetchBusy, Fetcher
from tui_reader.feeds.store import DB_NAME, FeedStore
from tui_reader.ui.screens.feeds import FeedRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FeedIndex:
    """Each feed's article paths (absolute) and its last fetch and error."""

    paths: dict[str, frozenset[str]] = field(default_factory=dict)
    last_fetch: dict[str, str | None] = field(default_factory=dict)
    errors: dict[str, str | None] = field(default_factory=dict)

    def rows(self, metas: Iterable[ArticleMeta], read: Set[str]) -> list[FeedRow]:
        """The feed list's rows: unread and total counts of the articles listed now."""
        listed = {meta.path: meta.key for meta in metas}
        rows = []
        for name, paths in self.paths.items():
            keys = [listed[p] for p in paths if p in listed]
            rows.append(
                FeedRow(
                    name=name,
                    unread=sum(1 for key in keys if key not in read),
                    total=len(keys),
                    last_fetch=self.last_fetch.get(name),
                    error=self.errors.get(name),
                )
            )
        return rows


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """What one fetch in the app did, and the one line that says so."""

    reports: list[FeedReport]
    message: str
    failed: bool


class FeedSync:
    """Fetches the user's feeds from the app and keeps the per-feed index."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.running = threading.Event()
        """Set while a fetch runs (a second request is refused, not queued)."""

    @property
    def subscribed(self) -> bool:
        """True when the user has a feeds database (has ever subscribed)."""
        return (self.data_dir / DB_NAME).exists()

    def index(self) -> FeedIndex:
        """Read each feed's articles and status (worker thread)."""
        if not self.subscribed:
            return FeedIndex()
        with FeedStore(self.data_dir) as store:
            feeds = store.feeds()
            by_feed = store.feed_paths()
        return FeedIndex(
            paths={f.name: frozenset(_norm(p) for p in by_feed.get(f.name, ())) for f in feeds},
            last_fetch={f.name: f.last_fetch for f in feeds},
            errors={f.name: f.last_error for f in feeds},
        )

    def fetch(
        self,
        progress: Callable[[int, int, str], None],
        cancel: threading.Event,
    ) -> FetchOutcome:
        """Fetch every feed (worker thread); never raises, the outcome says what happened."""
        if self.running.is_set():
            return FetchOutcome([], "A fetch is already running.", False)
        self.running.set()
        try:
            with FeedStore(self.data_dir) as store:
                feeds = store.feeds()
                if not feeds:
                    return FetchOutcome(
                        [], "No feeds yet. Add one from a terminal: tui-reader feeds add URL", False
                    )
                progress(0, len(feeds), "")

                def step(report: FeedReport, done: int, total: int) -> None:
                    progress(done, total, report.name)

                reports = Fetcher(store).fetch(feeds, progress=step, cancel=cancel)
        except FetchBusy:
            return FetchOutcome(
                [], "Another fetch is running (from a terminal?); try again when it is done.", False
            )
        except Exception as err:  # shown and logged, never a crash
            log.exception("fetching feeds in the app failed")
            return FetchOutcome([], f"Fetching feeds failed: {err}", True)
        finally:
            self.running.clear()
        return FetchOutcome(reports, summarize(reports), any(not r.ok for r in reports))


def summarize(reports: list[FeedReport]) -> str:
    """One line: ``Fetched 20 feeds: 12 new, 1 updated; 1 failed (VnExpress: HTTP 503)``."""
    new = sum(r.new for r in reports)
    updated = sum(r.updated for r in reports)
    feeds = f"{len(reports)} feed" if len(reports) == 1 else f"{len(reports)} feeds"
    text = f"Fetched {feeds}: {new} new"
    if updated:
        text += f", {updated} updated"
    failed = [r for r in reports if not r.ok]
    if failed:
        first = failed[0]
        text += f"; {len(failed)} failed ({first.name}: {first.error}"
        text += ", …)" if len(failed) > 1 else ")"
    return text


def _norm(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))
