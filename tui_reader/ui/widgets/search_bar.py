"""The search bar: debounces typing and owns the keys that lead into and out of it.

The screen never times keystrokes itself: the bar posts :class:`SearchBar.Query`
once typing pauses, :class:`SearchBar.Cleared` at once when the query is
emptied, and :class:`SearchBar.Leave` when the reader moves down into the
results. It also catches keys that were routed to the old focus in the same
burst as ``/`` (see :meth:`SearchBar.route`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

from tui_reader.ui.safe import SafeInput

DEBOUNCE_SECONDS = 0.12
"""A fast typist starts one search per pause, not one per key."""


class SearchBar(SafeInput):
    """A one-line query box above the article list (safe text only, like every box)."""

    HELP_SECTION = "Search bar"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "submit", "Open", show=False, id="search.open", tooltip="Open the first result"
        ),
    ]

    @dataclass
    class Query(Message):
        """Typing paused on a non-empty query: search for it."""

        search_bar: SearchBar
        query: str

    @dataclass
    class Cleared(Message):
        """The query was emptied: back to the full list."""

        search_bar: SearchBar

    @dataclass
    class Leave(Message):
        """The reader pressed down in the bar: move into the results."""

        search_bar: SearchBar

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)
        self._timer: Timer | None = None

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
        self.cancel_pending()
        if not event.value.strip():
            self.post_message(self.Cleared(self))
            return
        value = event.value
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._fire(value))

    def _fire(self, value: str) -> None:
        self._timer = None
        if value == self.value:
            self.post_message(self.Query(self, value))

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
        if searching and event.key == "down":
            self.post_message(self.Leave(self))
            return True
        if searching and event.is_printable and event.character:
            self.insert_text_at_cursor(event.character)
            return True
        return False
