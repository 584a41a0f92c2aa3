"""The search bar: turns typing into queries and owns the keys that lead into and out of it.

The screen never times keystrokes itself: the bar posts :class:`SearchBar.Query`
when the query changed and no more keys are waiting for the bar (a burst that
arrives together is one query), :class:`SearchBar.Cleared` at once when the query is
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
from textual.widgets import Input

from tui_reader.ui.safe import SafeInput

# No debounce timer: a query is searched as soon as the bar has handled the keys
# already waiting for it (:meth:`SearchBar._on_input_changed`), so keys that arrive
# together (a rolled pair, tmux send-keys) still start one search, and a key
# typed alone starts its search at once. A timer (20 ms, before that 50 and 120)
# only added to the time after the last key, the one the reader waits for
# (benchmarks/typing_bench.py): searches never pile up anyway (the screen keeps
# at most the newest query waiting, and a search made stale by a newer key stops
# at the engine's next check).

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
        """The query changed (and no more keys are waiting): search for it."""

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
        self._pending = 0
        """Counts edits: a query is searched only if no edit came after it."""
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
        """Drop a query not yet handed to the screen."""
        self._pending += 1

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
        self._typed = time.monotonic()
        # After the messages already queued for the bar (the rest of a burst of keys):
        # their edits bump ``_pending`` and this one is dropped for the last one's.
        self.call_later(self._fire, event.value, self._pending)

    def reveal_cursor(self) -> None:
        """Scroll the bar so that the cursor (and, after a paste, the query's end) shows.

        Input scrolls to its cursor when the cursor moves, except on the first change
        of its value, which puts the cursor at the end without scrolling: a long paste
        into a fresh bar showed its start and hid the cursor.
        """
        before = self.value[: self.cursor_position]
        cell = cell_len(before) + (1 if self.cursor_position == len(self.value) else 0)
        self.scroll_to_region(Region(cell, 0, 1, 1), force=True, animate=False)

    def _fire(self, value: str, pending: int) -> None:
        if pending == self._pending and value == self.value:
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
