"""A modal listing the files that could not be read, with the reason for each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.articles.model import SkippedFile
from tui_reader.articles.sanitize import safe_line, safe_name
from tui_reader.ui.words import plural


class SkippedScreen(ModalScreen[None]):
    """Why each skipped file was skipped; file names are shown as data, not markup."""

    HELP_SECTION = "Skipped files"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,S", "dismiss", "Close", id="skipped.close"),
    ]

    def __init__(self, skipped: Sequence[SkippedFile]) -> None:
        super().__init__()
        self.skipped = skipped

    def compose(self) -> ComposeResult:
        with Vertical(id="skipped-dialog", classes="dialog"):
            yield Static(
                Text(f"{plural(len(self.skipped), 'file')} could not be read", style="bold"),
                classes="dialog-title",
            )
            with VerticalScroll():
                if not self.skipped:
                    yield Static("Every file was read.", markup=False)
                for item in self.skipped:
                    line = Text()
                    line.append(safe_name(item.path))
                    line.append(f"\n  {safe_line(item.reason)}", "italic")
                    yield Static(line, classes="skipped-row")
            yield Static("Escape to close", classes="dialog-hint", markup=False)
