"""The settings screen: change the theme, sort and widths here; see where config.toml is.

What people change while reading (theme, order, how wide the list and the
text are) is changed here with ←/→ and takes effect at once; each change is
saved to config.toml by the app (:class:`SaveSettings`), so it is kept for next
time. The rest (corpus folders, feeds, formats, keymap) is shown as it is in
force, and ``e`` opens config.toml in $EDITOR for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.articles.sanitize import safe_text
from tui_reader.config import CONFIG_FILE, MAX_LIST_WIDTH, MIN_LIST_WIDTH, Settings, SortOrder
from tui_reader.ui.messages import SaveSettings
from tui_reader.ui.ordering import SORT_LABELS

LIST_WIDTHS: tuple[int, ...] = tuple(range(MIN_LIST_WIDTH, MAX_LIST_WIDTH + 1, 5))
"""List widths ←/→ step through (percent of the screen)."""
READING_WIDTHS: tuple[int, ...] = (40, 50, 60, 70, 80, 90, 100, 120, 150, 200, 0)
"""Reading widths ←/→ step through (columns; 0, the whole pane, is the widest)."""


def _step(values: Sequence[Any], current: Any, by: int) -> Any:
    """The value ``by`` steps from ``current`` in ``values`` (stops at the ends).

    A current value that is not one of the steps (typed in config.toml) moves to
    the nearest step in that direction.
    """
    if current in values:
        index = values.index(current) + by
        return values[max(0, min(index, len(values) - 1))]
    if isinstance(current, int):
        ordered = [v for v in values if v] if current else list(values)
        if by > 0:
            return next((v for v in ordered if v > current), values[-1])
        return next((v for v in reversed(ordered) if v < current), values[0])
    return values[0]


def _reading_label(width: int) -> str:
    return "the whole pane" if width == 0 else f"{width} columns"


@dataclass(frozen=True, slots=True)
class Adjustable:
    """One setting ←/→ changes: how it is shown and what the next value is."""

    attribute: str
    label: str
    shown: Callable[[Any], str]
    step: Callable[[Any, int, Sequence[str]], Any]
    """(current, +1 or -1, available themes) -> the new value."""


def _theme_step(current: Any, by: int, themes: Sequence[str]) -> Any:
    return _step(sorted(themes), current, by) if themes else current


ADJUSTABLE: tuple[Adjustable, ...] = (
    Adjustable("theme", "Theme", lambda v: v or "(Textual's default)", _theme_step),
    Adjustable(
        "sort",
        "Sort",
        lambda v: SORT_LABELS[SortOrder(v)],
        lambda v, by, _t: _step(list(SortOrder), SortOrder(v), by),
    ),
    Adjustable(
        "list_width",
        "List width",
        lambda v: f"{v}% of the screen",
        lambda v, by, _t: _step(LIST_WIDTHS, v, by),
    ),
    Adjustable(
        "reading_width",
        "Reading width",
        _reading_label,
        lambda v, by, _t: _step(READING_WIDTHS, v, by),
    ),
)
"""The settings changed on this screen, in the order shown."""


def settings_table(settings: Settings, skip: Sequence[str] = ()) -> Table:
    """Each setting and its value, as plain text (those in ``skip`` left out)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for item in fields(Settings):
        if item.name in skip:
            continue
        value = getattr(settings, item.name)
        if item.name == "keymap":
            shown = ", ".join(f"{k} = {v}" for k, v in value.items()) or "(defaults)"
        elif isinstance(value, tuple):
            shown = ", ".join(value) or "(the bundled sample articles)"
        elif isinstance(value, dict):
            shown = ", ".join(f"{k}={v}" for k, v in value.items()) or "(the usual names)"
        elif value is None:
            shown = "(default)"
        else:
            shown = str(value)
        table.add_row(Text(item.name), Text(safe_text(shown)))
    return table


class SettingsList(OptionList):
    """The settings ←/→ change (↑/↓ to pick one)."""

    HELP_SECTION = "Settings list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "right,l,plus",
            "change(1)",
            "Next value",
            id="settings.next",
            tooltip="Next value: the next theme or order, a wider list or text",
        ),
        Binding(
            "left,h,minus",
            "change(-1)",
            "Previous value",
            id="settings.previous",
            tooltip="Previous value: the previous theme or order, a narrower list or text",
        ),
    ]

    def action_change(self, by: int) -> None:
        screen = self.screen
        if isinstance(screen, SettingsScreen) and self.highlighted is not None:
            screen.change(ADJUSTABLE[self.highlighted], by)


class SettingsScreen(ModalScreen[bool]):
    """Settings in force; ←/→ change theme, sort and widths; ``e`` edits config.toml.

    Dismissed with True after config.toml was edited (the app reads it again).
    """

    HELP_SECTION = "Settings"
    DEFAULT_CSS = """
    SettingsScreen #settings-choices {
        height: auto;
        margin-bottom: 1;
    }
    SettingsScreen #settings-dialog {
        height: 80%;
    }
    SettingsScreen #settings-scroll {
        height: 1fr;
    }
    """
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
        if self.settings.theme is None:  # Show the theme in force, and step from it.
            self.settings = replace(self.settings, theme=self.app.theme)
        with Vertical(id="settings-dialog", classes="dialog"):
            yield Static("Settings", classes="dialog-title", markup=False)
            yield SettingsList(*self._options(), id="settings-choices")
            with VerticalScroll(id="settings-scroll"):
                yield Static(Text(f"File: {where}"), id="settings-file", markup=False)
                yield Static(self._others(), id="settings-values")
            yield Static(
                "←/→ change (saved at once) · e edit config.toml · Escape close",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self.query_one(SettingsList).focus()

    def _options(self) -> list[Option]:
        width = max(len(item.label) for item in ADJUSTABLE) + 2
        return [
            Option(
                Text(
                    f"{item.label:<{width}}‹ {item.shown(getattr(self.settings, item.attribute))} ›"
                ),
                id=item.attribute,
            )
            for item in ADJUSTABLE
        ]

    def _others(self) -> Table:
        return settings_table(self.settings, skip=[item.attribute for item in ADJUSTABLE])

    def _show(self) -> None:
        choices = self.query_one(SettingsList)
        highlighted = choices.highlighted
        for index, option in enumerate(self._options()):
            choices.replace_option_prompt_at_index(index, option.prompt)
        choices.highlighted = highlighted

    def change(self, item: Adjustable, by: int) -> None:
        """Move ``item`` one step; it applies now and the app saves it to config.toml."""
        current = getattr(self.settings, item.attribute)
        value = item.step(current, by, list(self.app.available_themes))
        if value == current:
            return
        self.settings = replace(self.settings, **{item.attribute: value})
        if item.attribute == "theme":
            self.app.theme = value  # The app saves a theme change, from anywhere.
        else:
            self.post_message(SaveSettings({item.attribute: value}))
        self._show()

    def _theme_changed(self, theme: str) -> None:
        if theme != self.settings.theme:
            self.settings = replace(self.settings, theme=theme)
            self._show()

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
