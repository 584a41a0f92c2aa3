"""The search bar: debounces typing and owns the keys that lead into and out of it.

The screen never times keystrokes itself: the bar posts :class:`SearchBar.Query`
once typing pauses, :class:`SearchBar.Cleared` at once when the query is
emptied, and :class:`SearchBar.Leave` when the reader moves down into the
results. It also catches keys that were routed to the old focus in the same
burst as ``/`` (see :meth:`SearchBar.route`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widgets import Input

from tui_reader.ui.safe import SafeInput

DEBOUNCE_SECONDS = 0.02
"""Keys that arrive together (a paste, a rolled pair) start one search, not one each.

Shorter than any gap between a person's keystrokes (35 ms and up, 110 ms typical),
so it never waits for typing to pause: every key starts a search, and the screen
keeps at most one waiting behind the one running (the newest query; stale ones
never run). Waiting longer would only add to the time after the last key,
which is what the reader waits for (benchmarks/typing_bench.py)."""

HISTORY_SIZE = 100
"""Searches remembered for up/down in the bar."""


class SearchBar(SafeInput):
    """A one-line query box above the article list (safe text only, like every box)."""

    HELP_SECTION = "Search bar"

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Input sets its virtual size (the text's width) at every keystroke, and
    Widget's reactive lays out the whole screen each time: every widget redrawn
    per key, the list and its scroll bar included. The bar is one fixed line:
    a repaint of it is enough (horizontal scrolling reads the size as it is)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "submit",
            "Open",
            show=False,
            id="search.open",
            tooltip="Open the first result",
        ),
        Binding(
            "up",
            "history_back",
            "Earlier search",
            show=False,
            id="search.history_back",
            tooltip="The previous search from the history",
        ),
        Binding(
            "down",
            "history_forward",
            "Later search / results",
            show=False,
            id="search.history_forward",
            tooltip="A later search from the history; past the newest, into the results",
        ),
    ]

    @dataclass
    class Query(Message):
        """Typing paused on a non-empty query: search for it."""

        search_bar: SearchBar
        query: str
        typed: float = field(default_factory=time.monotonic)
        """When the last key of the query was seen (``time.monotonic()``)."""

    @dataclass
    class Cleared(Message):
        """The query was emptied: back to the full list."""

        search_bar: SearchBar

    @dataclass
    class Leave(Message):
        """The reader pressed down in the bar: move into the results."""

        search_bar: SearchBar

    def __init__(
        self, *, placeholder: str = "", id: str | None = None, history: list[str] | None = None
    ) -> None:
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)
        self._timer: Timer | None = None
        self._typed = 0.0
        self.history: list[str] = list(history or [])[-HISTORY_SIZE:]
        """Past searches, oldest first."""
        self._browsing: int | None = None
        self._draft = ""

    def remember(self, query: str) -> bool:
        """Put ``query`` at the newest end of the history; True when the history changed."""
        query = " ".join(query.split())
        self._browsing = None
        if not query or (self.history and self.history[-1] == query):
            return False
        if query in self.history:
            self.history.remove(query)
        self.history.append(query)
        del self.history[:-HISTORY_SIZE]
        return True

    def action_history_back(self) -> None:
        if not self.history:
            return
        if self._browsing is None:
            self._draft = self.value
            self._browsing = len(self.history)
        self._browsing = max(0, self._browsing - 1)
        self._show_history()

    def action_history_forward(self) -> None:
        if self._browsing is None:
            self.post_message(self.Leave(self))
            return
        self._browsing += 1
        if self._browsing >= len(self.history):
            self._browsing = None
            self.value = self._draft
        else:
            self._show_history()
        self.cursor_position = len(self.value)

    def _show_history(self) -> None:
        assert self._browsing is not None
        self.value = self.history[self._browsing]
        self.cursor_position = len(self.value)

    def cancel_pending(self) -> None:
        """Drop a query still waiting out the debounce."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def clear_query(self) -> None:
        """Empty the bar without starting a search."""
        self.cancel_pending()
        with self.prevent(Input.Changed):
            self.value = ""

    def _on_input_changed(self, event: Input.Changed) -> None:
        if event.input is not self:
            return
        self.reveal_cursor()
        self.cancel_pending()
        if not event.value.strip():
            self.post_message(self.Cleared(self))
            return
        value = event.value
        self._typed = time.monotonic()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._fire(value))

    def reveal_cursor(self) -> None:
        """Scroll the bar so that the cursor (and, after a paste, the query's end) shows.

        Input scrolls to its cursor when the cursor moves, except on the first change
        of its value, which puts the cursor at the end without scrolling: a long paste
        into a fresh bar showed its start and hid the cursor.
        """
        before = self.value[: self.cursor_position]
        cell = cell_len(before) + (1 if self.cursor_position == len(self.value) else 0)
        self.scroll_to_region(Region(cell, 0, 1, 1), force=True, animate=False)

    def _fire(self, value: str) -> None:
        self._timer = None
        if value == self.value:
            self.post_message(self.Query(self, value, self._typed))

    def route(self, event: events.Key, focused: object) -> bool:
        """Handle a key that reached the screen; True when it was taken.

        ``/`` focuses the bar at once rather than through a binding, which runs
        late: keys typed in the same burst were already sent to the old focus
        and arrive here next, where they are put into the query. ``focused`` is
        the screen's focus now (``has_focus`` lags until the focus event).
        """
        searching = focused is self
        if event.key == "slash" and not searching and focused is not None:
            self.screen.set_focus(self)
            return True
        if searching and event.is_printable and event.character:
            self.insert_text_at_cursor(event.character)
            return True
        return False
