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

FOCUSED = "where the cursor is"
"""Beside the heading of the focused widget's keys, which come first (as in posting)."""


def focus_first(keys: list[KeyInfo], screen: Screen[object]) -> tuple[list[KeyInfo], str | None]:
    """``keys`` with the focused widget's (or its nearest keyed ancestor's) first; its section."""
    focused = screen.focused
    chain = [focused, *focused.ancestors] if focused is not None else []
    nodes = {id(info.node) for info in keys}
    owner = next((node for node in chain if id(node) in nodes), None)
    if owner is None or isinstance(owner, Screen):
        return keys, None
    mine = [info for info in keys if info.node is owner]
    return mine + [info for info in keys if info.node is not owner], mine[0].section


NARROW_HELP = 100
"""Below this many columns the id goes under each description instead of in a column."""


def keys_table(keys: list[KeyInfo], focused: str | None = None, *, narrow: bool = False) -> Table:
    """Sections of key / what it does / binding id, as a Rich table (plain text, no markup).

    ``narrow``: two columns, the id in italics under the description, so a
    description is not squeezed into a dozen columns at 70 wide.
    """
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1)
    if not narrow:
        table.add_column(no_wrap=True, style="italic")
    for number, (section, infos) in enumerate(grouped(keys).items()):
        if number:
            table.add_row(*[""] * len(table.columns))
        marker = Text(f"← {FOCUSED}", style="italic") if section == focused else Text("")
        heading = Text(section, style="bold underline")
        if narrow:
            table.add_row(heading, marker)
        else:
            table.add_row(heading, marker, "")
        for info in infos:
            if narrow:
                cell = Text(info.help)
                cell.append(f"\n{info.id}", style="italic")
                table.add_row(Text(info.label), cell)
            else:
                table.add_row(Text(info.label), Text(info.help), Text(info.id))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key usable on the screen below, grouped by where it acts."""

    HELP_SECTION = "Keys screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False, id="help.down"),
        Binding("up,k", "scroll('up')", "Scroll up", show=False, id="help.up"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target
        self.table: Table | None = None
        """What is shown (kept for tests and the screenshot script)."""

    def compose(self) -> ComposeResult:
        keys, focused = focus_first(live_keys(self.target), self.target)
        self.table = keys_table(keys, focused, narrow=self.app.size.width < NARROW_HELP)
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
