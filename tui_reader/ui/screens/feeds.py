"""The feed list: every subscription with its unread count, like newsboat's first screen.

Choosing a feed shows only its articles in the main list; "All articles" shows
everything again. Each row says how many articles are unread, how many there
are, when the feed was last fetched and, for a feed whose last fetch failed,
why. Feed names and errors come from outside and are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.articles.sanitize import safe_line
from tui_reader.ui.widgets.legible_list import LegibleOptionList

ALL = ""
"""The option id of "All articles" (no feed filter)."""


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One line of the feed list."""

    name: str
    unread: int
    total: int
    last_fetch: str | None = None
    error: str | None = None


FETCH = "\0fetch"
"""What the screen dismisses with when the user asks to fetch now."""


def _row(row: FeedRow, width: int) -> Content:
    """One option: unread / total, the name, and the last error (theme colours, no markup)."""
    style = "bold" if row.unread else ""
    parts: list[tuple[str, str] | str] = [
        (f"{row.unread:>5} ", style),
        (f"/{row.total:<5} ", "$foreground-muted"),
        (safe_line(row.name)[:width], style),
    ]
    if row.error:
        parts.append((f"  ⚠ {safe_line(row.error)[:80]}", "italic $text-warning"))
    elif row.last_fetch is None:
        parts.append(("  not fetched yet", "italic $foreground-muted"))
    return Content.assemble(*parts)


class FeedsScreen(ModalScreen[str | None]):
    """Pick a feed to read; dismisses with its name, ``ALL`` for every article, ``FETCH``
    to fetch now, or None (closed)."""

    HELP_SECTION = "Feeds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="feeds.close", tooltip="Close the list"),
        Binding("R", "fetch", "Fetch now", id="feeds.fetch", tooltip="Fetch every feed now"),
    ]

    def __init__(
        self, rows: Sequence[FeedRow], *, all_unread: int, all_total: int, current: str = ALL
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.all_unread = all_unread
        self.all_total = all_total
        self.current = current

    def compose(self) -> ComposeResult:
        width = max((len(r.name) for r in self.rows), default=10)
        options = [
            Option(
                _row(FeedRow("All articles", self.all_unread, self.all_total, ""), 40),
                id="\0all",
            )
        ]
        options += [Option(_row(row, min(width, 48)), id=row.name) for row in self.rows]
        title = f"Feeds ({len(self.rows)})" if self.rows else "Feeds"
        with Vertical(id="feeds-dialog", classes="dialog"):
            yield Static(Text(title, style="bold"), classes="dialog-title")
            yield LegibleOptionList(*options, id="feeds-list")
            if not self.rows:
                yield Static(
                    "No feeds yet. Add one from a terminal: tui-reader feeds add URL", markup=False
                )
            yield Static(
                "Enter: show this feed · R: fetch now · Escape: close",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        options = self.query_one("#feeds-list", OptionList)
        names = [row.name for row in self.rows]
        options.highlighted = names.index(self.current) + 1 if self.current in names else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        self.dismiss(ALL if option_id in (None, "\0all") else option_id)

    def action_fetch(self) -> None:
        """Close the list and fetch (the main screen shows the progress)."""
        self.dismiss(FETCH)
