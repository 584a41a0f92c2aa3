"""The main screen: the article list beside the reading pane.

Slow work never runs here on the UI thread: the listing refresh (file scans),
opening an article (file read and parse) and search run in workers, and their
results come back as calls on this screen.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static

from tui_reader.articles.kinds import READ_KINDS
from tui_reader.articles.listing import Listing, cached_listing, refresh_listing
from tui_reader.articles.loader import UnreadableFile, open_article
from tui_reader.articles.model import Article, ArticleMeta
from tui_reader.articles.sanitize import safe_name, safe_text
from tui_reader.config import Settings, SortOrder
from tui_reader.store.bookmarks import Bookmark
from tui_reader.store.marks import Position
from tui_reader.ui import ordering
from tui_reader.ui.app_config import AppConfig
from tui_reader.ui.browser import open_link
from tui_reader.ui.feeds import FEED_BINDINGS, FeedsPanel
from tui_reader.ui.heap import freeze_heap
from tui_reader.ui.messages import SaveSettings
from tui_reader.ui.screens.main_bindings import MAIN_BINDINGS
from tui_reader.ui.screens.note import NoteScreen
from tui_reader.ui.search_state import SEARCH_LIMIT, RowSnippets, SearchState, SearchTiming
from tui_reader.ui.state import AppState, ArticleState, BookmarkChange, Reconciled, StateEvent
from tui_reader.ui.widgets.article_list import ArticleList
from tui_reader.ui.widgets.key_footer import KeyFooter
from tui_reader.ui.widgets.passage_notes import show_notes
from tui_reader.ui.widgets.reading_pane import Highlights, ReadingPane
from tui_reader.ui.widgets.search_bar import SearchBar
from tui_reader.ui.widgets.status_bar import StatusBar
from tui_reader.ui.words import plural
from tui_reader.ui.workers import WorkerFailures

if TYPE_CHECKING:
    from tui_reader.search.engine import SearchResults
    from tui_reader.search.highlight import TokenMatcher
    from tui_reader.search.index import IndexBuilder


STATE_WAIT = 0.5
"""How long opening an article waits for its bookmarks and position before it shows
the text without them (they follow when the database answers: another process may
hold its lock)."""
NARROW = 80
"""Below this many columns the screen shows one pane at a time."""

LIST_MODES = ("normal", "wide", "hidden")

INDEXING_NOTICE_SECONDS = 2.0
"""Indexing that took longer than this is announced when it finishes."""


@dataclass(frozen=True, slots=True)
class _SearchJob:
    """One search to run: the query, its sequence number and what the worker needs."""

    query: str
    sequence: int
    allowed: frozenset[str] | None
    """With filters on, the keys they let through (None: every article)."""
    keep: str | None
    """The article expected to stay selected (its snippets are made first)."""
    rows: int
    """Result rows on one screen."""
    timing: SearchTiming | None = None
    """The timeline of a search started by typing."""


class MainScreen(WorkerFailures, Screen[None]):
    """List and reader side by side."""

    HELP_SECTION = "Main screen"
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS, *FEED_BINDINGS]

    unread_only: var[bool] = var(False)
    """Show only articles not yet read."""

    bookmarked_only: var[bool] = var(False)
    """Show only articles with bookmarks."""

    list_order: var[SortOrder] = var(SortOrder.PATH)
    """How the list is ordered (saved to config.toml when changed)."""

    source_filter: var[str] = var("")
    """Show only this source ("": every source)."""

    list_mode: var[str] = var("normal")
    """The list beside the article: normal width, wide or hidden."""

    narrow: var[bool] = var(False)
    """Below ``NARROW`` columns: one pane at a time."""

    showing: var[str] = var("list")
    """In the narrow layout, the pane on screen: "list" or "article"."""

    # What the status line shows (bound into StatusBar with data_bind).
    sort_label: var[str] = var("")
    article_count: var[int] = var(0)
    unread_count: var[int] = var(0)
    skipped_count: var[int] = var(0)
    scanning: var[bool] = var(False)
    search_info: var[str] = var("")
    search_short: var[str] = var("")
    """A shorter ``search_info`` for a narrow status line ("" when there is none)."""
    index_label: var[str] = var("")
    feeds_label: var[str] = var("")
    """Feed fetching progress ("fetching feeds 3/20"), empty when none runs."""
    feed_filter: var[str] = var("")
    """Show only this feed's articles ("": every article)."""
    save_warning: var[str] = var("")
    """Why changes are not being saved right now (empty when they are)."""

    def __init__(self, config: AppConfig, state: AppState) -> None:
        super().__init__()
        self.config = config
        self.state = state
        self.stopping = threading.Event()
        """Set when the screen goes away, so background indexing stops promptly."""
        self.listing = Listing()
        self._position_wanted = False
        self.open_meta: ArticleMeta | None = None
        self._save_timer: Timer | None = None
        self._paths: dict[str, ArticleMeta] | None = None
        self._researched = 0.0
        self._focus_bookmark: str | None = None
        self.builder: IndexBuilder | None = None
        """The search index, once loaded (in the indexing worker)."""
        self.search = SearchState()
        self._searching = False
        """A search worker is running; a newer query waits in ``_next_search``."""
        self._next_search: _SearchJob | None = None
        self.corpus_checked = False
        """True once the corpus on disk has been compared with the cached listing."""
        self.marks: dict[int, Bookmark] = {}
        """The open article's bookmarks by passage index."""
        self.feeds = FeedsPanel(self, config.data_dir)
        """Fetching feeds and the per-feed filter."""
        self._sorted: tuple[int, int, SortOrder, list[ArticleMeta]] | None = None
        self.list_order = config.settings.sort

    def compose(self) -> ComposeResult:
        store = self.state
        yield Header(show_clock=False)
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield SearchBar(
                    placeholder="/ search: ha noi, hoi nghi thuong dinh…",
                    id="search",
                    history=load_history(self.config.data_dir),
                )
                yield ArticleList(
                    read_keys=store.read_keys_cache,
                    bookmark_counts=store.bookmark_counts_cache,
                    id="articles",
                )
                yield Static("", id="list-empty", markup=False)
            yield ReadingPane(id="reader", reading_width=self.config.settings.reading_width)
        yield StatusBar(id="status").data_bind(
            MainScreen.article_count,
            MainScreen.unread_count,
            MainScreen.skipped_count,
            MainScreen.scanning,
            MainScreen.unread_only,
            MainScreen.bookmarked_only,
            MainScreen.search_info,
            MainScreen.search_short,
            MainScreen.index_label,
            MainScreen.feeds_label,
            MainScreen.feed_filter,
            MainScreen.sort_label,
            MainScreen.source_filter,
            warning=MainScreen.save_warning,
        )
        yield KeyFooter()

    @property
    def article_list(self) -> ArticleList:
        """The list widget."""
        return self.query_one("#articles", ArticleList)

    @property
    def reader(self) -> ReadingPane:
        """The reading pane."""
        return self.query_one("#reader", ReadingPane)

    @property
    def status(self) -> StatusBar:
        """The status line."""
        return self.query_one("#status", StatusBar)

    @property
    def search_bar(self) -> SearchBar:
        """The search bar."""
        return self.query_one("#search", SearchBar)

    def on_mount(self) -> None:
        config = self.config
        self.title = "tui-reader"
        self.sub_title = config.corpus_label
        self.reader.compose_placeholder("Select an article and press Enter to read it.")
        cached = cached_listing(config.cache_dir, config.roots)
        self.article_list.focus()
        self.watch(self.reader, "scroll_y", self._scrolled, init=False)
        if cached is not None:
            self._apply_listing(cached)
            # Re-check the corpus once the list is on screen: the scan holds the GIL.
            self.set_timer(0.25, self.refresh_corpus)
        else:
            self.scanning = True
            self.refresh_corpus()
        self.watch(self.app, "save_problem", self._save_problem_changed)
        self.state.listeners.append(self._state_changed)
        settings = self.config.settings
        self.feeds.start(
            fetch_on_start=settings.feeds_fetch_on_start,
            interval_minutes=settings.feeds_interval,
        )
        self._apply_layout()

    def on_unmount(self) -> None:
        self.stopping.set()
        if self._state_changed in self.state.listeners:
            self.state.listeners.remove(self._state_changed)

    def state_loaded(self) -> None:
        """The store is open and the read marks and counts are in: show them."""
        self.article_list.refresh_marks()
        self._update_status_counts()
        if self.unread_only or self.bookmarked_only:
            self._show_rows()

    def _state_changed(self, event: StateEvent) -> None:
        """A bookmark, note or read mark changed on some screen (or by undo): show it here."""
        if isinstance(event, BookmarkChange):
            self._bookmark_changed(event)
        else:
            self._update_status_counts()
        self.article_list.refresh_marks()

    def _bookmark_changed(self, event: BookmarkChange) -> None:
        article = self.reader.article
        mark = event.mark
        if article is None:
            return
        mine = mark.article_key == article.key or str(mark.path) == str(article.path)
        held = [i for i, m in self.marks.items() if m.uid == mark.uid]
        if event.kind == "removed":
            for index in held:
                del self.marks[index]
        elif held:
            self.marks[held[0]] = mark
        elif mine and event.kind == "added" and 0 <= mark.passage_index < len(article.passages):
            self.marks.setdefault(mark.passage_index, mark)
        self._show_marks()

    def worker_failed(self, group: str, what: str) -> None:
        """Clear what a failed worker was showing, so nothing pretends to be in progress."""
        if group == "listing":
            self.scanning = False
            self.corpus_checked = True
            self._update_empty()
        elif group == "index":
            self.status.show_progress(1, 1)
            self.index_label = "indexing failed: search covers what was indexed before"
        elif group == "search":
            self._searching = False
            self._next_search = None
            self.say(f"{what} failed: see the notification")

    def _save_problem_changed(self, problem: str) -> None:
        self.save_warning = f"not saving: {problem}" if problem else ""

    # --- listing ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def refresh_corpus(self) -> None:
        """Scan the corpus and read new or changed files, streaming a cold start in."""
        config = self.config
        streaming = not self.listing.articles

        def on_batch(batch: list[ArticleMeta]) -> None:
            if streaming:
                self.app.call_from_thread(self._append_batch, batch)

        listing = refresh_listing(config.cache_dir, config.roots, on_batch=on_batch)
        reconciled = self.state.reconcile(listing.articles)
        self.app.call_from_thread(self._apply_listing, listing, checked=True, counts=reconciled)
        self.app.call_from_thread(self.index_corpus)

    def _append_batch(self, batch: list[ArticleMeta]) -> None:
        self.listing.articles.extend(batch)
        if not self.unread_only:
            self.article_list.append_rows(batch)
        self.article_count = len(self.listing.articles)
        read = self.state.read_keys_cache
        self.unread_count += sum(1 for meta in batch if meta.key not in read)
        self._update_empty()

    def _apply_listing(
        self, listing: Listing, *, checked: bool = False, counts: Reconciled | None = None
    ) -> None:
        if counts is not None:
            self.state.apply(counts)
        self.listing = listing
        self.corpus_checked = self.corpus_checked or checked
        self.scanning = False
        self.article_count = len(listing.articles)
        self.skipped_count = len(listing.skipped)
        # A cold start streams rows in file order: once sorted, the cursor stays on the
        # article the reader moved to or opened, else at the top (not where row 0 went).
        self._show_rows(keep=self.article_list.picked is not None or self.open_meta is not None)

    def _sorted_rows(self) -> list[ArticleMeta]:
        """The listing in the chosen order, sorted once per listing and order."""
        articles = self.listing.articles
        stamp = (id(articles), len(articles), self.list_order)
        if self._sorted is None or self._sorted[:3] != stamp:
            self._sorted = (*stamp, ordering.sort_rows(articles, self.list_order))
        return self._sorted[3]

    def _visible_rows(self) -> list[ArticleMeta]:
        rows = self._sorted_rows()
        if self.source_filter:
            rows = ordering.from_source(rows, self.source_filter)
        store = self.state
        if self.unread_only:
            read = store.read_keys_cache
            rows = [meta for meta in rows if meta.key not in read]
        if self.bookmarked_only:
            counts = store.bookmark_counts_cache
            rows = [meta for meta in rows if meta.key in counts]
        if self.feed_filter:
            rows = self.feeds.only(rows, self.feed_filter)
        return rows

    def _show_rows(self, *, keep: bool = True) -> None:
        if self.search.active:
            return
        current = self.article_list.current if keep else None
        self.article_list.set_rows(
            list(self._visible_rows()), keep_key=current.key if current else None
        )
        self._update_status_counts()
        self._update_empty()

    def _update_empty(self) -> None:
        empty = self.query_one("#list-empty", Static)
        if self.article_list.rows:
            empty.display = False
            return
        empty.display = True
        if self.scanning:
            empty.update("Reading the corpus…")
        elif self.bookmarked_only and self.listing.articles:
            empty.update("No bookmarked articles here. Press f to show all articles.")
        elif self.unread_only and self.listing.articles:
            empty.update("Everything here is read. Press u to show all articles.")
        else:
            roots = ", ".join(safe_name(root) for root in self.config.roots)
            skipped = len(self.listing.skipped)
            note = (
                f" {plural(skipped, 'file')} could not be read: press S to see why."
                if skipped
                else ""
            )
            empty.update(f"No articles found in {roots}.\ntui-reader reads {READ_KINDS}.{note}")

    def _update_status_counts(self) -> None:
        read = self.state.read_keys_cache
        self.unread_count = sum(1 for m in self.listing.articles if m.key not in read)

    def watch_unread_only(self, _value: bool) -> None:
        if self.is_mounted:
            self._show_rows()

    def watch_bookmarked_only(self, _value: bool) -> None:
        if self.is_mounted:
            self._show_rows()

    def watch_feed_filter(self, _value: str) -> None:
        if self.is_mounted:
            self._show_rows()

    def action_fetch_feeds(self) -> None:
        """Fetch every feed now; progress in the status line."""
        self.feeds.fetch_now()

    def action_feed_list(self) -> None:
        """The feeds with their unread counts; choosing one shows only its articles."""
        self.feeds.show_list(self.listing.articles, self.state.read_keys_cache, self.feed_filter)

    def watch_list_order(self, order: SortOrder) -> None:
        self.sort_label = "" if order is SortOrder.PATH else ordering.SORT_LABELS[order]
        if self.is_mounted:
            self._show_rows()

    def watch_source_filter(self, _value: str) -> None:
        if self.is_mounted:
            self._show_rows()

    @property
    def filtering(self) -> bool:
        """Whether any filter hides articles from the list (and from search results)."""
        return (
            self.unread_only
            or self.bookmarked_only
            or bool(self.source_filter)
            or bool(self.feed_filter)
        )

    # --- sorting and filtering ---------------------------------------------------------

    def action_sort(self, order: str) -> None:
        """Sort the list by ``order`` (a :class:`SortOrder` value) and remember it."""
        self.list_order = SortOrder(order)
        self.post_message(SaveSettings({"sort": self.list_order}))
        self.notify(f"Sorted by {ordering.SORT_LABELS[self.list_order]}.", markup=False)

    def action_cycle_sort(self) -> None:
        self.action_sort(ordering.next_order(self.list_order).value)

    def action_filter_source(self, source: str) -> None:
        """Show only ``source`` ("" for every source)."""
        self.source_filter = source
        if self.search.active:
            self._start_search(self.search_bar.value)

    def action_pick_source(self) -> None:
        """Choose a source to show, from the sources in the corpus with their counts."""
        from textual.command import CommandPalette

        from tui_reader.ui.commands import SourceProvider

        self.app.push_screen(
            CommandPalette(providers=[SourceProvider], placeholder="Show articles from source…")
        )

    # --- moving between articles -------------------------------------------------------

    def _position(self) -> int:
        """Where the reader is in the list: the open article's row, else the cursor."""
        rows = self.article_list.rows
        if self.open_meta is not None and self.reader.has_focus:
            for index, meta in enumerate(rows):
                if meta.key == self.open_meta.key:
                    return index
        return self.article_list.cursor

    def _open_row(self, index: int) -> None:
        self.article_list.cursor = index
        self.article_list.action_open()

    def action_next_article(self) -> None:
        """Open the article after the current one in the list."""
        index = self._position() + 1
        if index < len(self.article_list.rows):
            self._open_row(index)
        else:
            self.notify("This is the last article in the list.", markup=False)

    def action_previous_article(self) -> None:
        """Open the article before the current one in the list."""
        index = self._position() - 1
        if index >= 0 and self.article_list.rows:
            self._open_row(index)
        else:
            self.notify("This is the first article in the list.", markup=False)

    def action_next_unread(self) -> None:
        """Open the next unread article in list order, wrapping to the top once."""
        rows = self.article_list.rows
        read = self.state.read_keys_cache
        start = self._position()
        for step in range(1, len(rows) + 1):
            index = (start + step) % len(rows)
            if rows[index].key not in read and (
                self.open_meta is None or rows[index].key != self.open_meta.key
            ):
                if index <= start:
                    self.notify("Back at the top of the list.", markup=False)
                self._open_row(index)
                return
        self.notify("No unread articles left in this list.", markup=False)

    def action_mark_all_read(self) -> None:
        """Mark every article the list shows (search results or filtered list) as read."""
        rows = list(self.article_list.rows)
        what = f"marked {plural(len(rows), 'article')} read"
        changed = self.state.set_read_many(rows, True, what)
        if not changed:
            self.notify("Everything listed is read already.", markup=False)
            return
        self.article_list.refresh_marks()
        self._update_status_counts()
        if self.unread_only:
            self._show_rows()
        self.notify(
            f"Marked {plural(changed, 'article')} read. Press ctrl+z to undo.", markup=False
        )

    @on(ReadingPane.EndReached)
    def _end_reached(self, _message: ReadingPane.EndReached) -> None:
        """Space at the end of an article goes on to the next unread one (as in newsboat)."""
        self.action_next_unread()

    # --- layout ------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.narrow = event.size.width < NARROW

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget is self.reader or self.reader in event.widget.ancestors:
            self.showing = "article"
        elif event.widget.id in {"articles", "search"}:
            self.showing = "list"

    def watch_narrow(self, _value: bool) -> None:
        self._apply_layout()

    def watch_showing(self, _value: str) -> None:
        self._apply_layout()

    def watch_list_mode(self, _value: str) -> None:
        self._apply_layout()

    def action_cycle_list(self) -> None:
        """Widen the list, hide it, bring it back; in the narrow layout, flip list/article."""
        if self.narrow:
            self.action_switch_pane()
            return
        self.list_mode = LIST_MODES[(LIST_MODES.index(self.list_mode) + 1) % len(LIST_MODES)]
        if self.list_mode == "hidden" and not self.reader.has_focus:
            self.reader.focus()
        elif self.list_mode == "normal":
            self.article_list.focus()

    def apply_settings(self, settings: Settings) -> None:
        """Take new settings (config.toml edited): order, list and reading widths."""
        self.config = replace(self.config, settings=settings)
        self.list_order = settings.sort
        self.reader.reading_width = settings.reading_width
        for child in self.reader.children:  # the open article takes the new width now
            child.styles.max_width = settings.reading_width or "100%"
        self._apply_layout()

    def _apply_layout(self) -> None:
        if not self.is_mounted:
            return
        pane = self.query_one("#list-pane")
        self.narrow = self.app.size.width < NARROW
        self.set_class(self.narrow, "-narrow")
        self.query_one(KeyFooter).compact = self.narrow
        self.refresh_bindings()  # passage keys follow whether the article is on screen
        if self.narrow:
            pane.display = self.showing == "list"
            self.reader.display = self.showing != "list"
            pane.styles.width = "100%"
            return
        self.reader.display = True
        pane.display = self.list_mode != "hidden"
        width = self.config.settings.list_width
        if self.list_mode == "wide":
            width = min(ordering_wide(width), 85)
        pane.styles.width = f"{width}%"

    # --- opening ---------------------------------------------------------------

    @on(ArticleList.Opened)
    def _on_opened(self, message: ArticleList.Opened) -> None:
        hit = self.search.hit_at(message.index)
        if self.search.active:
            self._remember_search()
        if hit is None:
            self.open_article(message.meta)
        else:
            matcher = getattr(hit, "matcher", None) or self.search.matcher
            self.open_article(message.meta, focus_passage=hit.passage, matcher=matcher)

    def open_article(
        self,
        meta: ArticleMeta,
        *,
        focus_passage: int | None = None,
        matcher: TokenMatcher | None = None,
        focus_bookmark: str | None = None,
    ) -> None:
        """Read ``meta``'s file in a worker, then show it and mark it read.

        With a search ``matcher`` every match in the article is highlighted;
        with ``focus_bookmark`` (a bookmark uid) its passage is made current.
        """
        self._save_position()
        self._focus_bookmark = focus_bookmark
        self._load_article(meta, focus_passage, matcher)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _load_article(
        self, meta: ArticleMeta, focus_passage: int | None, matcher: TokenMatcher | None
    ) -> None:
        try:
            article = open_article(meta)
        except UnreadableFile as err:
            self.app.call_from_thread(self._show_unreadable, meta, err.reason)
            return
        highlights = None
        if matcher is not None:
            from tui_reader.search.highlight import covering_passage, match_spans

            title, passages = match_spans(article, matcher)
            highlights = Highlights(title, passages)
            # A hit's own matcher already says what counted there, and which passage.
            if len(matcher.rules) > 1 and not matcher.per_article:
                texts = [passage.text for passage in article.passages]
                highlights = highlights.phrases_only(article.title, texts)
                if focus_passage is not None:
                    focus_passage = covering_passage(texts, matcher, prefer=focus_passage)
        # Bookmarks and the last position come from the database thread; if another
        # process holds the database, the text shows now and they follow.
        pending = self.state.article_state(article, meta.key)
        try:
            known: ArticleState | None = pending.result(timeout=STATE_WAIT)
        except FutureTimeout:
            known = None
        self.app.call_from_thread(
            self._show_article,  # type: ignore[arg-type]
            meta,
            article,
            focus_passage,
            highlights,
            known,
        )
        if known is None:
            late = pending.result()
            self.app.call_from_thread(self._late_state, article, late)

    def _show_unreadable(self, meta: ArticleMeta, reason: str) -> None:
        self.notify(f"Cannot open {meta.path}: {reason}", severity="error", markup=False)

    async def _show_article(
        self,
        meta: ArticleMeta,
        article: Article,
        focus_passage: int | None,
        highlights: Highlights | None = None,
        known: ArticleState | None = None,
    ) -> None:
        store = self.state
        self.open_meta = meta
        self.marks = dict(known.placed) if known is not None else {}
        scroll_y: float | None = None
        cursor: int | None = None
        wanted, self._focus_bookmark = self._focus_bookmark, None
        placed = [i for i, mark in self.marks.items() if mark.uid == wanted] if wanted else []
        if placed:
            focus_passage = placed[0]
        elif focus_passage is None and known is not None:
            # Back where the reader was: the cursor's passage, found again if edited.
            cursor, scroll_y = known.passage, known.y
        if known is not None:
            self._installed_state(known)
        await self.reader.show(
            article,
            date=ordering.long_date(ordering.meta_date(meta)),
            scroll_y=scroll_y,
            focus_passage=focus_passage,
            bookmarked=set(self.marks),
            highlights=highlights,
            cursor=cursor,
        )
        self._show_marks()
        self._position_wanted = focus_passage is None and cursor is None and known is None
        if highlights is not None and self.reader.match_count:
            self.say(self._match_info())
        # Opening marks read, but is not an undo step (undo is for what the reader did).
        store.set_read(meta.key, True, path=meta.path, title=meta.title, record=False)
        if article.key != meta.key:
            store.set_read(
                article.key, True, path=str(article.path), title=article.title, record=False
            )
        self.article_list.refresh_marks()
        self._update_status_counts()
        self.showing = "article"
        self.reader.focus()

    def _show_marks(self) -> None:
        """Show the open article's bookmark marks and, under their passages, the notes."""
        self.reader.set_bookmarked(set(self.marks))
        show_notes(self.reader, {index: mark.note for index, mark in self.marks.items()})

    def _installed_state(self, known: ArticleState) -> None:
        for key, count in known.counts.items():
            if count:
                self.state.bookmark_counts_cache[key] = count
            else:
                self.state.bookmark_counts_cache.pop(key, None)
        if known.orphaned:
            self.notify(
                f"{plural(len(known.orphaned), 'bookmark')} no longer match any passage of this "
                "article; they are kept as orphaned (press B to see them).",
                severity="warning",
                markup=False,
            )

    def _late_state(self, article: Article, known: ArticleState) -> None:
        """The database answered after the article was shown: add marks (and position)."""
        if self.reader.article is not article:
            return
        self.marks = {**known.placed, **self.marks}
        self._show_marks()
        self._installed_state(known)
        self.article_list.refresh_marks()
        untouched = self.reader.cursor == 0 and self.reader.scroll_y == 0
        if self._position_wanted and untouched and known.passage is not None:
            self.reader.move_cursor(known.passage)

    def _scrolled(self, _y: float) -> None:
        """Save the position a moment after scrolling stops (cheap, and survives a kill)."""
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.5, self._save_position)

    def _save_position(self) -> None:
        """Remember the cursor's passage (anchored like a bookmark) and the scroll offset."""
        article = self.reader.article
        if self.open_meta is None or article is None or not article.passages:
            return
        from tui_reader.bookmarks import new_bookmark

        cursor = max(0, min(self.reader.cursor, len(article.passages) - 1))
        anchor = new_bookmark(article, cursor)
        y = float(self.reader.scroll_y)
        position = Position(cursor, y, anchor.quote, anchor.prefix, anchor.suffix)
        self.state.save_position(article.key, position, path=str(article.path), title=article.title)

    @on(ReadingPane.CursorMoved)
    def _cursor_moved(self, _event: ReadingPane.CursorMoved) -> None:
        self._position_wanted = False
        self._scrolled(0.0)

    def save_state(self) -> None:
        """Remember where the reader is before the app goes away."""
        self._save_position()

    # --- actions ---------------------------------------------------------------

    def _target(self) -> ArticleMeta | None:
        if self.reader.has_focus and self.open_meta is not None:
            return self.open_meta
        return self.article_list.current

    def action_toggle_read(self) -> None:
        meta = self._target()
        if meta is None:
            return
        store = self.state
        store.set_read(
            meta.key, meta.key not in store.read_keys_cache, path=meta.path, title=meta.title
        )
        self.article_list.refresh_marks()
        self._update_status_counts()

    def action_toggle_unread_only(self) -> None:
        self.unread_only = not self.unread_only

    def action_toggle_bookmarked_only(self) -> None:
        self.bookmarked_only = not self.bookmarked_only

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Passage actions need an open article, on screen (not behind the narrow list)."""
        if action in {"bookmark", "note", "copy_passage"} and self.is_mounted:
            shown = self.reader.article is not None and self.reader.display
            return True if shown else None
        return True

    def action_bookmark(self) -> None:
        """Toggle a bookmark on the current passage; removing one with a note asks first.

        Either way the change is one undo step (ctrl+z brings bookmark and note back).
        """
        article = self.reader.article
        if article is None or not article.passages:
            return
        index = self.reader.cursor
        existing = self.marks.get(index)
        if existing is None:
            from tui_reader.bookmarks import new_bookmark

            self.marks[index] = self.state.add_bookmark(new_bookmark(article, index))
            self._show_marks()
            self.notify("Passage bookmarked. Press a to add a note.", markup=False)
            return
        if not existing.note.strip():
            self._remove_bookmark(existing)
            return
        from tui_reader.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes and self.marks.get(index) is existing:
                self._remove_bookmark(existing)

        self.app.push_screen(
            ConfirmScreen("Remove this bookmark and its note?", existing.note, yes="Remove"),
            answered,
        )

    def _remove_bookmark(self, mark: Bookmark) -> None:
        self.state.remove_bookmark(mark)  # the listener updates the marks and the list
        self.notify("Bookmark removed. Press ctrl+z to undo.", markup=False)

    def action_note(self) -> None:
        """Add or edit the note on the current passage's bookmark.

        Enter saves (a passage without a bookmark gets one, with the note, in one
        undo step); Escape cancels and nothing changes.
        """
        article = self.reader.article
        if article is None or not article.passages:
            return
        index = self.reader.cursor
        mark = self.marks.get(index)
        quote = mark.quote if mark is not None else article.passages[index].text

        def save(note: str | None) -> None:
            if note is None:
                return  # cancelled: nothing changed
            if mark is None:
                from tui_reader.bookmarks import new_bookmark

                self.marks[index] = self.state.add_bookmark(new_bookmark(article, index, note))
                self._show_marks()
                self.notify("Passage bookmarked with your note.", markup=False)
                return
            current = self.marks.get(index, mark)
            if note == current.note:
                return
            self.marks[index] = self.state.set_note(current, note)
            self._show_marks()
            cleared = "Note cleared. Press ctrl+z to undo." if not note else "Note saved."
            self.notify(cleared, markup=False)

        self.app.push_screen(NoteScreen(mark.note if mark else "", quote), save)

    def action_copy_passage(self) -> None:
        """Copy the current passage's text to the clipboard."""
        passage = self.reader.current_passage
        if passage is None:
            return
        self.app.copy_to_clipboard(passage.text)
        self.notify("Passage copied to the clipboard.", markup=False)

    def action_switch_pane(self) -> None:
        if self.reader.has_focus:
            if self.list_mode == "hidden":
                self.list_mode = "normal"
            self.showing = "list"
            self.article_list.focus()
        else:
            self.showing = "article"
            self.reader.focus()

    def action_back(self) -> None:
        """Escape: leave the search (back to the full list), or go back to the list."""
        if self.narrow and self.showing == "article":
            self.showing = "list"
        elif self.search.active or self.search_bar.value:
            self.search_bar.clear_query()
            self._end_search()
        self.article_list.focus()

    # --- search ------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.set_focus(self.search_bar)

    @on(SearchBar.Query)
    def _query_changed(self, event: SearchBar.Query) -> None:
        timing = SearchTiming(event.query, event.typed)
        timing.mark("fired")
        self._start_search(event.query, timing)

    @on(SearchBar.Cleared)
    def _query_cleared(self, _event: SearchBar.Cleared) -> None:
        self._end_search()

    @on(SearchBar.Leave)
    def _leave_search(self, _event: SearchBar.Leave) -> None:
        self._remember_search()
        self.article_list.focus()

    def _remember_search(self) -> None:
        if self.search_bar.remember(self.search_bar.value):
            save_history(self.config.data_dir, self.search_bar.history)

    @on(SearchBar.Submitted, "#search")
    def _query_submitted(self, _event: SearchBar.Submitted) -> None:
        self._remember_search()
        if self.search.active and self.article_list.rows:
            self.article_list.focus()
            self.article_list.action_open()

    def on_key(self, event: events.Key) -> None:
        if self.search_bar.route(event, self.focused):
            event.stop()
            event.prevent_default()

    def say(self, info: str, short: str = "") -> None:
        """Put ``info`` in the status line's search part (``short`` for a narrow line)."""
        self.search_info = info
        self.search_short = short

    def _start_search(self, query: str, timing: SearchTiming | None = None) -> None:
        """Search for ``query``; while a search runs, only the newest query waits for it.

        Searches never pile up behind each other: typing fast starts one search,
        and the query standing when it ends is searched next (stale ones never run).
        """
        self.search.sequence += 1
        allowed = frozenset(m.key for m in self._visible_rows()) if self.filtering else None
        rows = max(1, self.article_list.size.height // 2 + 1)
        keep = self._keep_key(query)
        job = _SearchJob(query, self.search.sequence, allowed, keep, rows, timing)
        if self._searching:
            self._next_search = job
            return
        self._searching = True
        self._run_search(job)

    def _search_done(self) -> None:
        """A search worker finished: run the query typed meanwhile, if any."""
        self._searching = False
        job, self._next_search = self._next_search, None
        if job is not None and job.sequence == self.search.sequence:
            self._searching = True
            self._run_search(job)

    def _keep_key(self, query: str) -> str | None:
        """The article to keep selected when results for ``query`` replace the list's.

        The same query again (more was indexed) keeps whatever is selected; a new
        query keeps only an article the reader moved to in these results.
        """
        previous = self.search.results
        if previous is None:
            return None
        if previous.query.split() == query.split():
            current = self.article_list.current
            return current.key if current is not None else None
        return self.article_list.picked

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, job: _SearchJob) -> None:
        """Search in a worker; with filters on, only articles the filters let through.

        The first screenful of snippets is made here too, so the UI thread only
        draws (later rows get theirs as they scroll into view).
        """
        try:
            self._search(job)
        finally:
            self.app.call_from_thread(self._search_done)

    def _search(self, job: _SearchJob) -> None:
        builder = self.builder
        if builder is None:
            self.app.call_from_thread(self._search_waiting, job.query)
            return
        from tui_reader.search.engine import SearchCancelled, search

        query, allowed, timing = job.query, job.allowed, job.timing
        if timing is not None:
            timing.mark("started")
        cpu = time.thread_time()

        def stale() -> bool:  # A newer query is waiting: stop and let it run.
            return job.sequence != self.search.sequence

        try:
            # With filters on, the engine searches only what they let through (its counts too).
            results = search(
                builder.snapshot(), query, limit=SEARCH_LIMIT, cancel=stale, allowed=allowed
            )
        except SearchCancelled:
            return
        if timing is not None:
            timing.mark("searched")
            timing.engine_cpu = time.thread_time() - cpu
        if job.sequence != self.search.sequence:
            return  # Typed on meanwhile: skip the snippets, the next search is waiting.
        snippets = RowSnippets(results, results.hits)
        at = next((i for i, hit in enumerate(results.hits) if hit.key == job.keep), 0)
        snippets.warm(range(max(0, at - job.rows), at + job.rows + 1), stale)
        if stale():
            return
        if timing is not None:
            timing.mark("warmed")
        self.app.call_from_thread(self._show_results, results, job.sequence, snippets, timing)

    def _search_waiting(self, query: str) -> None:
        self.search.pending = query
        self.say("The search index is loading… results follow")

    def _show_results(
        self,
        results: SearchResults,
        sequence: int,
        snippets: RowSnippets | None = None,
        timing: SearchTiming | None = None,
    ) -> None:
        if sequence != self.search.sequence or not self.search_bar.value.strip():
            return  # A newer query was typed meanwhile: never show stale results.
        by_path = self._by_path()
        rows = [
            by_path.get(hit.path) or ArticleMeta(hit.path, hit.key, hit.title, None, 0, 0)
            for hit in results.hits
        ]
        keep = self._keep_key(results.query)
        self.search.show(results)
        self.article_list.set_rows(
            rows, snippets or RowSnippets(results, results.hits), keep_key=keep
        )
        self.say(*self.search.summary())
        self._update_empty()
        if timing is not None:
            timing.mark("shown")
            self.call_after_refresh(timing.painted)

    def _by_path(self) -> dict[str, ArticleMeta]:
        if self._paths is None or len(self._paths) != len(self.listing.articles):
            self._paths = {meta.path: meta for meta in self.listing.articles}
        return self._paths

    def _end_search(self) -> None:
        self.search_bar.cancel_pending()
        self.search.sequence += 1
        was_active = self.search.active
        self.search.clear()
        self.say("")
        if was_active:
            self._show_rows()

    def _match_info(self) -> str:
        position = self.reader.match_position
        shown = f"{position + 1}/" if position >= 0 else ""
        matches = plural(self.reader.match_count, "match", "matches")
        return f"{shown}{matches} in this article · n / N to jump"

    def action_next_match(self) -> None:
        if self.reader.jump_match(+1):
            self.say(self._match_info())

    def action_previous_match(self) -> None:
        if self.reader.jump_match(-1):
            self.say(self._match_info())

    # --- indexing -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def index_corpus(self) -> None:
        """Load the search index, then bring it up to date with the corpus, in the background.

        Searching works throughout on what is indexed so far.
        """
        from tui_reader.search.index import IndexBuilder, default_workers, index_dir_for

        config = self.config
        if self.builder is None:
            # A small corpus is indexed in this process: starting workers would cost more.
            self.builder = IndexBuilder(
                index_dir_for(config.roots, config.cache_dir),
                workers=default_workers(len(self.listing.articles)),
            )
            self.builder.snapshot().warm()
        pending = self.search.pending
        if pending:
            self.app.call_from_thread(self._start_search, pending)
        files = self.listing.entries()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done == total or now - last > 0.25:
                last = now
                self.app.call_from_thread(self._index_progress, done, total)

        def words(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if done in (0, total) or now - last > 0.25:  # 0: the phase starts, always shown
                last = now
                self.app.call_from_thread(self._words_progress, done, total)

        started = time.monotonic()
        stats = self.builder.update(
            files, progress=progress, cancel=self.stopping, words_progress=words
        )
        # Announce only indexing the reader could have waited for, not a few new files.
        long = time.monotonic() - started > INDEXING_NOTICE_SECONDS
        indexed = stats.added + stats.changed if long else 0
        self.app.call_from_thread(self._index_done, stats.rebuilt, indexed)

    def _index_progress(self, done: int, total: int) -> None:
        self.status.show_progress(done, total)
        searchable = self.builder.snapshot().indexed if self.builder is not None else 0
        self.index_label = f"indexing, {searchable:,} searchable" if done < total else ""
        # Results over a partial index are refreshed as more becomes searchable.
        results = self.search.results
        now = time.monotonic()
        if results is not None and searchable > results.indexed and now - self._researched > 2:
            self._researched = now
            self._start_search(self.search_bar.value)

    def _words_progress(self, done: int, total: int) -> None:
        """Everything is searchable; pyvi words (better ranking) are being added."""
        percent = done * 100 // max(total, 1)
        self.index_label = f"all searchable, adding words {percent}%" if done < total else ""

    def _index_done(self, rebuilt: str | None, indexed: int = 0) -> None:
        self.status.show_progress(1, 1)
        self.index_label = ""
        freeze_heap()  # The listing and the index are loaded: keep full collections short.
        if rebuilt:
            self.notify(f"The search {rebuilt}.", severity="warning", markup=False)
        elif indexed:
            self.notify(
                f"Indexing done: {plural(indexed, 'article')} added to the search.",
                markup=False,
            )
        query = self.search_bar.value
        if self.search.active and query.strip():
            self._start_search(query)

    def action_open_source(self) -> None:
        url = self.reader.current_url  # the current passage's link, else the article's
        if not (url and url.lower().startswith(("http://", "https://"))):
            self.notify("This article has no web link.", markup=False)
            return
        self.app.copy_to_clipboard(url)
        shown = safe_text(url)
        if open_link(url):
            self.notify(f"Opened in the browser (link copied): {shown}", markup=False)
        else:
            self.notify(
                f"No browser opens here; the link is copied to the clipboard:\n{shown}",
                timeout=20,
                markup=False,
            )

    def action_bookmarks(self) -> None:
        """Open the bookmarks screen."""
        from tui_reader.ui.screens.bookmarks import BookmarksScreen

        self.app.push_screen(BookmarksScreen(self.state, self.open_bookmark))

    def open_bookmark(self, mark: Bookmark) -> None:
        """Open a bookmark's article with its passage current (found again if the file changed)."""
        from tui_reader.bookmarks import ArticleFinder

        meta = ArticleFinder(self.listing.articles).find(mark)
        if meta is None:
            self.notify(
                f"The article of this bookmark is not in this corpus: {mark.path}",
                severity="warning",
                markup=False,
            )
            return
        self._select(meta)
        self.open_article(meta, focus_passage=mark.passage_index, focus_bookmark=mark.uid)

    def _select(self, meta: ArticleMeta) -> None:
        """Move the list's cursor to ``meta``, leaving a search or filter that hides it."""
        if self.search.active or self.search_bar.value:
            self.search_bar.clear_query()
            self._end_search()
        if all(row.key != meta.key for row in self.article_list.rows):
            with self.prevent(SaveSettings):
                self.unread_only = self.bookmarked_only = False
                self.source_filter = ""
            self._show_rows()
        for index, row in enumerate(self.article_list.rows):
            if row.key == meta.key:
                self.article_list.cursor = index
                break

    def go_to_article(self, meta: ArticleMeta) -> None:
        """Open ``meta`` with the list moved to it (the palette's article search)."""
        self._select(meta)
        self.open_article(meta)

    def action_reindex(self) -> None:
        """Look at the corpus again now: new and changed files are listed and indexed."""
        self.notify("Checking the corpus for new and changed files…", markup=False)
        self.refresh_corpus()

    def action_export_bookmarks(self) -> None:
        """Open the bookmarks screen with the export dialog."""
        self.action_bookmarks()
        self.call_after_refresh(self._export_from_bookmarks)

    def _export_from_bookmarks(self) -> None:
        from tui_reader.ui.screens.bookmarks import BookmarksScreen

        screen = self.app.screen
        if isinstance(screen, BookmarksScreen):
            screen.action_export()

    def action_show_skipped(self) -> None:
        from tui_reader.ui.screens.skipped import SkippedScreen

        self.app.push_screen(SkippedScreen(self.listing.skipped))


def ordering_wide(width: int) -> int:
    """The wide list: a third more of the screen than the normal width, at least 60%."""
    return max(60, width + width // 3)


HISTORY_FILE = "search-history.json"


def load_history(data_dir: Path) -> list[str]:
    """Past searches (oldest first); a missing or damaged file is an empty history."""
    import json

    try:
        data = json.loads((data_dir / HISTORY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [q for q in data if isinstance(q, str)] if isinstance(data, list) else []


def save_history(data_dir: Path, history: list[str]) -> None:
    """Keep the search history for next time; failing to is logged, never raised."""
    import json
    import logging

    from tui_reader.config import write_atomically

    try:
        write_atomically(data_dir / HISTORY_FILE, json.dumps(history, ensure_ascii=False))
    except OSError as err:
        logging.getLogger(__name__).warning("could not save the search history: %s", err)
