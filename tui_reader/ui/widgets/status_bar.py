"""The status line: corpus counts, filters, indexing progress and save warnings.

It is one line at any width: each part has a priority, and when the line is
too narrow the least important part is shortened (when it has a short form)
or else dropped whole (never cut mid-word), until the line fits.
A save warning and the search summary outrank counts; the sort order and the
indexing label go first.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from tui_reader.articles.sanitize import safe_line, safe_text
from tui_reader.ui.words import plural

PROGRESS_MIN_WIDTH = 100
"""Below this the progress bar gives its room to the text (the label keeps the percentage)."""


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of the status line; higher ``priority`` stays longer."""

    text: str
    style: str
    priority: int
    short: str = ""
    """A shorter way to say ``text`` ("": none), used before the part is dropped."""


def fit(parts: list[Part], width: int) -> Text:
    """The parts joined with " · ": the lowest-priority one is shortened, else dropped,
    until they fit."""
    kept = list(parts)
    while kept:
        line = " · ".join(part.text for part in kept)
        if cell_len(line) <= width:
            break
        least = min(kept, key=lambda part: part.priority)
        if least.short and least.short != least.text:
            kept[kept.index(least)] = Part(least.short, least.style, least.priority)
        elif len(kept) == 1:
            break
        else:
            kept.remove(least)
    text = Text(no_wrap=True, overflow="ellipsis")
    for number, part in enumerate(kept):
        if number:
            text.append(" · ")
        text.append(part.text, part.style)
    return text


class StatusBar(Horizontal):
    """One line under the panes; everything in it is plain text, never markup."""

    article_count: reactive[int] = reactive(0)
    unread_count: reactive[int] = reactive(0)
    skipped_count: reactive[int] = reactive(0)
    scanning: reactive[bool] = reactive(False)
    unread_only: reactive[bool] = reactive(False)
    bookmarked_only: reactive[bool] = reactive(False)
    search_info: reactive[str] = reactive("")
    search_short: reactive[str] = reactive("")
    warning: reactive[str] = reactive("")
    index_label: reactive[str] = reactive("")
    feeds_label: reactive[str] = reactive("")
    feed_filter: reactive[str] = reactive("")
    sort_label: reactive[str] = reactive("")
    source_filter: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        yield Static("", id="status-text", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=True, id="index-progress")

    def on_mount(self) -> None:
        self.query_one("#index-progress", ProgressBar).display = False
        self._render_text()

    def show_progress(self, done: int, total: int) -> None:
        """Show indexing progress; hide the bar when done (or when the line is narrow)."""
        bar = self.query_one("#index-progress", ProgressBar)
        self._progress = (done, total)
        bar.display = done < total and self.size.width >= PROGRESS_MIN_WIDTH
        bar.update(total=total, progress=done)
        self._render_text()

    _progress: tuple[int, int] = (0, 0)

    def _watch_any(self) -> None:
        if self.is_mounted:
            self._render_text()

    watch_article_count = watch_unread_count = watch_skipped_count = _watch_any
    watch_scanning = watch_unread_only = watch_bookmarked_only = watch_search_info = _watch_any
    watch_warning = watch_index_label = watch_sort_label = watch_source_filter = _watch_any
    watch_feeds_label = watch_feed_filter = watch_search_short = _watch_any

    def on_resize(self, _event: events.Resize) -> None:
        done, total = self._progress
        if total:
            self.show_progress(done, total)
        else:
            self._render_text()

    def parts(self) -> list[Part]:
        """Everything the line would say with room to spare."""
        parts: list[Part] = []
        if self.search_info:
            parts.append(Part(self.search_info, "bold", 80, self.search_short))
        else:
            parts.append(Part(plural(self.article_count, "article"), "", 70))
            parts.append(Part(f"{self.unread_count:,} unread", "", 60))
        if self.unread_only:
            parts.append(Part("unread only", "bold", 75))
        if self.bookmarked_only:
            parts.append(Part("bookmarked only", "bold", 75))
        if self.feed_filter:
            parts.append(Part(f"feed: {safe_line(self.feed_filter)}", "bold", 74))
        if self.source_filter:
            parts.append(Part(f"source: {safe_text(self.source_filter)}", "bold", 74))
        if self.sort_label:
            parts.append(Part(f"sorted: {self.sort_label}", "italic", 20))
        if self.scanning:
            parts.append(Part("reading corpus…", "italic", 50))
        if self.skipped_count:
            parts.append(Part(f"{self.skipped_count:,} skipped (S)", "italic", 30))
        if self.feeds_label:
            parts.append(Part(self.feeds_label, "italic", 15))
        if self.index_label:
            label = self.index_label
            done, total = self._progress
            if total and done < total and self.size.width < PROGRESS_MIN_WIDTH:
                label += f" ({100 * done // total}%)"
            parts.append(Part(label, "italic", 10))
        if self.warning:
            parts.append(Part(f"⚠ {self.warning}", "bold", 100))
        return parts

    _shown: Text | None = None

    def _render_text(self) -> None:
        bar = self.query_one("#index-progress", ProgressBar)
        room = self.size.width - 2 - (bar.outer_size.width if bar.display else 0)
        text = fit(self.parts(), max(room, 10) if self.size.width else 10_000)
        if text == self._shown:
            return  # Progress reports and searches often leave the line as it was.
        self._shown = text
        # One line cut to fit: a repaint, never a layout of the screen (which would
        # redraw every widget, at each search result and each indexing report).
        self.query_one("#status-text", Static).update(text, layout=False)
