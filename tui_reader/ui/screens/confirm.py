"""A yes/no question before destroying something the user wrote (a note, a file).

``y`` or Enter on "Yes" confirms; ``n``, Escape or Enter on "No" cancels, and
cancel means nothing changed. The focused button starts on "No", so a hurried
Enter keeps everything.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_reader.ui.safe import plain


class ConfirmScreen(ModalScreen[bool]):
    """Ask ``question``; dismisses with True only on an explicit yes."""

    HELP_SECTION = "Questions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Yes, go ahead"),
        Binding(
            "n,escape",
            "answer(False)",
            "No",
            id="confirm.no",
            tooltip="No: leave things as they are",
        ),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(plain(self.question, "bold"), classes="dialog-title")
            if self.detail:
                yield Static(plain(self.detail, "italic"), classes="confirm-detail")
            with Horizontal(classes="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="error")
                yield Button("No (n)", id="confirm-no", variant="primary")
            yield Static("y yes · n or Escape no", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
