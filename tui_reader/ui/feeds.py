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
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from tui_reader.articles.model import ArticleMeta
from tui_reader.feeds.store import DB_NAME, FeedStore
from tui_reader.ui.screens.feeds import ALL, FETCH, FeedRow, FeedsScreen

if TYPE_CHECKING:
    # The fetcher (httpx, feedparser, HTML extraction) is imported when a fetch runs,
    # not before the app's first paint.
    from tui_reader.feeds.fetcher import FeedReport

log = logging.getLogger(__name__)

FEED_BINDINGS = [
    Binding(
        "R",
        "fetch_feeds",
        "Fetch feeds",
        show=False,
        id="main.fetch_feeds",
        tooltip="Fetch every feed now (new articles come in unread)",
    ),
    Binding(
        "L",
        "feed_list",
        "Feeds",
        show=False,
        id="main.feed_list",
        tooltip="Your feeds with their unread counts: choose one to read its articles",
    ),
]
"""The main screen's feed keys (added to its BINDINGS)."""


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
        from tui_reader.feeds.fetcher import FetchBusy, Fetcher

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


class FeedsPanel:
    """The main screen's feeds: fetch now / on start / every N minutes, and the feed filter.

    Progress goes to the screen's ``feeds_label`` (shown in the status line); when
    a fetch brought anything, the screen re-reads the corpus, which lists the new
    articles (unread) and indexes just them.
    """

    def __init__(self, screen: Screen[None], data_dir: Path) -> None:
        self.screen = screen
        self.sync = FeedSync(data_dir)
        self.index = FeedIndex()
        self._timer: Timer | None = None

    # -- set up ---------------------------------------------------------------------------

    def start(self, *, fetch_on_start: bool, interval_minutes: int) -> None:
        """Read the feed index; fetch now and/or every N minutes as configured."""
        if not self.sync.subscribed:
            return
        self._run(self._load_index, "feeds-index")
        if fetch_on_start:
            self.screen.set_timer(0.5, self.fetch_now)
        if interval_minutes > 0:
            self._timer = self.screen.set_interval(interval_minutes * 60, self._scheduled)

    def _scheduled(self) -> None:
        if not self.sync.running.is_set():
            self.fetch_now()

    def _run(self, work: Callable[[], None], name: str) -> None:
        self.screen.run_worker(work, name=name, group=name, thread=True, exit_on_error=False)

    # -- fetching -----------------------------------------------------------------------------

    def fetch_now(self) -> None:
        """Fetch every feed in a worker, with progress in the status line."""
        if not self.sync.subscribed:
            self.screen.notify(
                "No feeds yet. Add one from a terminal: tui-reader feeds add URL", markup=False
            )
            return
        if self.sync.running.is_set():
            self.screen.notify("Feeds are being fetched already.", markup=False)
            return
        self._set_label("fetching feeds…")
        self._run(self._fetch, "feeds-fetch")

    def _fetch(self) -> None:
        """(worker thread)"""
        app = self.screen.app

        def progress(done: int, total: int, name: str) -> None:
            label = f"fetching feeds {done}/{total}"
            app.call_from_thread(self._set_label, label)

        outcome = self.sync.fetch(progress, _stopping(self.screen))
        index = self.index
        if outcome.reports:
            try:
                index = self.sync.index()
            except Exception:
                log.exception("reading the feed index failed")
        app.call_from_thread(self._fetched, outcome, index)

    def _fetched(self, outcome: FetchOutcome, index: FeedIndex) -> None:
        self._set_label("")
        self.index = index
        hint = " Press L for the feed list." if outcome.failed else ""
        self.screen.notify(
            outcome.message + hint,
            severity="warning" if outcome.failed else "information",
            markup=False,
            timeout=8,
        )
        if any(r.new or r.updated for r in outcome.reports):
            refresh = getattr(self.screen, "refresh_corpus", None)
            if callable(refresh):
                refresh()

    def _set_label(self, label: str) -> None:
        setattr(self.screen, "feeds_label", label)  # noqa: B010 - a var of the host screen

    def _load_index(self) -> None:
        """(worker thread)"""
        try:
            index = self.sync.index()
        except Exception:
            log.exception("reading the feed index failed")
            return
        self.screen.app.call_from_thread(self._set_index, index)

    def _set_index(self, index: FeedIndex) -> None:
        self.index = index

    # -- the feed filter ----------------------------------------------------------------------

    def only(self, rows: list[ArticleMeta], feed: str) -> list[ArticleMeta]:
        """The rows of ``feed`` ("" for every row)."""
        if not feed:
            return rows
        paths = self.index.paths.get(feed, frozenset())
        return [meta for meta in rows if meta.path in paths]

    def show_list(self, metas: list[ArticleMeta], read: Set[str], current: str) -> None:
        """Open the feed list; choosing a feed sets the screen's ``feed_filter``."""
        rows = self.index.rows(metas, read)

        def chosen(choice: str | None) -> None:
            if choice == FETCH:
                self.fetch_now()
            elif choice is not None:
                setattr(self.screen, "feed_filter", "" if choice == ALL else choice)  # noqa: B010

        self.screen.app.push_screen(
            FeedsScreen(
                rows,
                all_unread=sum(1 for m in metas if m.key not in read),
                all_total=len(metas),
                current=current or ALL,
            ),
            chosen,
        )


def _stopping(screen: Screen[None]) -> threading.Event:
    event = getattr(screen, "stopping", None)
    return event if isinstance(event, threading.Event) else threading.Event()
