"""The keys screen (``?``): the live bindings of the screen it was opened from.

Nothing here is hand-written: keys come from the bindings with the user's
keymap applied, so a key rebound in config.toml shows as rebound, and the
bookmarks screen shows the bookmarks screen's keys. It scrolls, so it works at
any terminal size.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui_reader.ui.bindings import KeyInfo, grouped, live_keys


def keys_table(keys: list[KeyInfo]) -> Table:
    """Sections of key / what it does / binding id, as a Rich table (plain text, no markup)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style="italic")
    for number, (section, infos) in enumerate(grouped(keys).items()):
        if number:
            table.add_row("", "", "")
        table.add_row(Text(section, style="bold underline"), "", "")
        for info in infos:
            table.add_row(Text(info.label), Text(info.help), Text(info.id))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key usable on the screen below, grouped by where it acts."""

    HELP_SECTION = "Keys screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("up,k", "scroll('up')", "Scroll up", show=False, id="help.up"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target
        self.table: Table | None = None
        """What is shown (kept for tests and the screenshot script)."""

    def compose(self) -> ComposeResult:
        self.table = keys_table(live_keys(self.target))
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title", markup=False)
            with VerticalScroll(id="help-scroll"):
                yield Static(self.table, id="help-keys")
            yield Static(
                "Rebind any key by its id in config.toml [keymap] · "
                "tui-reader keys lists them all · Escape to close",
                classes="dialog-hint",
                markup=False,
            )

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        if direction == "down":
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)
