"""The settings screen: what is in force, where config.toml is, and a way to edit it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_reader.articles.sanitize import safe_text
from tui_reader.config import CONFIG_FILE, Settings


def settings_table(settings: Settings) -> Table:
    """Each setting and its value, as plain text."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for item in fields(Settings):
        value = getattr(settings, item.name)
        if item.name == "keymap":
            shown = ", ".join(f"{k} = {v}" for k, v in value.items()) or "(defaults)"
        elif isinstance(value, tuple):
            shown = ", ".join(value) or "(the bundled sample articles)"
        elif value is None:
            shown = "(default)"
        else:
            shown = str(value)
        table.add_row(Text(item.name), Text(safe_text(shown)))
    return table


class SettingsScreen(ModalScreen[bool]):
    """Settings in force; ``e`` edits config.toml in $EDITOR and reloads it (dismiss True)."""

    HELP_SECTION = "Settings"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(False)", "Close", id="settings.close"),
        Binding("e", "edit", "Edit", id="settings.edit", tooltip="Edit config.toml in $EDITOR"),
    ]

    def __init__(self, settings: Settings, config_dir: Path | None) -> None:
        super().__init__()
        self.settings = settings
        self.path = config_dir / CONFIG_FILE if config_dir is not None else None

    def compose(self) -> ComposeResult:
        where = safe_text(str(self.path)) if self.path else "(not saved in this session)"
        with Vertical(id="settings-dialog", classes="dialog"):
            yield Static("Settings", classes="dialog-title", markup=False)
            with VerticalScroll(id="settings-scroll"):
                yield Static(Text(f"File: {where}"), id="settings-file", markup=False)
                yield Static(settings_table(self.settings), id="settings-values")
            yield Static(
                "e to edit config.toml ($EDITOR) · Escape to close · "
                "changes made in the app (theme, sort) are saved there",
                classes="dialog-hint",
                markup=False,
            )

    def action_edit(self) -> None:
        import os
        import shlex
        import subprocess

        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if self.path is None:
            return
        if not editor:
            self.notify(f"Set $EDITOR to edit here, or edit {self.path}", markup=False)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(self.path)], check=False)
        except (OSError, ValueError) as err:
            self.notify(f"Could not start {editor}: {err}", severity="error", markup=False)
            return
        self.dismiss(True)
