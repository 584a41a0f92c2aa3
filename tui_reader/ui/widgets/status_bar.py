"""The status line: corpus counts, filters, indexing progress and save warnings."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from tui_reader.articles.sanitize import safe_line


class StatusBar(Horizontal):
    """One line under the panes; everything in it is plain text, never markup."""

    article_count: reactive[int] = reactive(0)
    unread_count: reactive[int] = reactive(0)
    skipped_count: reactive[int] = reactive(0)
    scanning: reactive[bool] = reactive(False)
    unread_only: reactive[bool] = reactive(False)
    bookmarked_only: reactive[bool] = reactive(False)
    search_info: reactive[str] = reactive("")
    warning: reactive[str] = reactive("")
    index_label: reactive[str] = reactive("")
    feeds_label: reactive[str] = reactive("")
    feed_filter: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        yield Static("", id="status-text", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=True, id="index-progress")

    def on_mount(self) -> None:
        self.query_one("#index-progress", ProgressBar).display = False
        self._render_text()

    def show_progress(self, done: int, total: int) -> None:
        """Show indexing progress; hide the bar when done."""
        bar = self.query_one("#index-progress", ProgressBar)
        bar.display = done < total
        bar.update(total=total, progress=done)

    def _watch_any(self) -> None:
        if self.is_mounted:
            self._render_text()

    watch_article_count = watch_unread_count = watch_skipped_count = _watch_any
    watch_scanning = watch_unread_only = watch_bookmarked_only = watch_search_info = _watch_any
    watch_warning = watch_index_label = watch_feeds_label = watch_feed_filter = _watch_any

    def _render_text(self) -> None:
        text = Text()
        if self.search_info:
            text.append(self.search_info, "bold")
        else:
            text.append(f"{self.article_count:,} articles")
            text.append(f" · {self.unread_count:,} unread")
            if self.unread_only:
                text.append(" · showing unread only", "bold")
            if self.bookmarked_only:
                text.append(" · showing bookmarked only", "bold")
            if self.feed_filter:
                text.append(f" · feed: {safe_line(self.feed_filter)}", "bold")
        if self.scanning:
            text.append(" · reading corpus…", "italic")
        if self.skipped_count:
            text.append(f" · {self.skipped_count:,} skipped (S)", "yellow")
        if self.feeds_label:
            text.append(f" · {self.feeds_label}", "italic")
        if self.index_label:
            text.append(f" · {self.index_label}", "italic")
        if self.warning:
            text.append(f" · ⚠ {self.warning}", "bold red")
        self.query_one("#status-text", Static).update(text)
