"""A small modal for writing the note on a bookmark."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_reader.ui.safe import SafeInput, plain, safe_line


class NoteScreen(ModalScreen[str | None]):
    """Edit a note; Enter saves (the text, possibly empty), Escape cancels (None)."""

    HELP_SECTION = "Note dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, note: str, quote: str) -> None:
        super().__init__()
        self.note = note
        self.quote = quote

    def compose(self) -> ComposeResult:
        quote = self.quote if len(self.quote) <= 200 else self.quote[:199] + "…"
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static("Note on this passage", classes="dialog-title", markup=False)
            yield Static(plain(quote, "italic"), classes="note-quote")
            # Not selected on focus: a key typed at once must add to the note, not replace it.
            yield SafeInput(
                value=self.note, placeholder="Your note", id="note-input", select_on_focus=False
            )
            yield Static("Enter to save · Escape to cancel", classes="dialog-hint", markup=False)

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(safe_line(event.value).strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
