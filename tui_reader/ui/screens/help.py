"""The keys screen (``?``)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.ui.keys import KEYS


class HelpScreen(ModalScreen[None]):
    """Every key of the app, from the one table in :mod:`tui_reader.ui.keys`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in KEYS) + 3
        table = Text()
        for key, what in KEYS:
            table.append(key.ljust(width), "bold")
            table.append(f"{what}\n")
        table.rstrip()
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title", markup=False)
            yield Static(table, id="help-keys")
            yield Static("Escape to close", classes="dialog-hint", markup=False)
