"""Every text on every screen reads at 3:1 or better in every built-in Textual theme.

Measured on what the app really draws: each screen is driven to its state in a
pilot, then for every theme the compositor's segments (text with its final
foreground and background, dim applied, ANSI colours through the app's terminal
palette) are checked with the WCAG formula. Nothing here reads the CSS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.color import Color
from textual.pilot import Pilot
from textual.screen import ModalScreen

from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, settle
from tui_reader.ui.contrast import PAIRS, contrast_ratio, legible, legible_variables, on

MINIMUM = 3.0
THEMES = sorted(App().available_themes)
Steps = Callable[[Pilot[Any]], Awaitable[None]]
RGB = tuple[int, int, int]


def _luminance(rgb: RGB) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: RGB, second: RGB) -> float:
    """WCAG 2.x contrast ratio."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula_matches_wcag() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast((10, 20, 30), (10, 20, 30)) == pytest.approx(1.0)


def _rgb(color: RichColor | None, palette: TerminalTheme, foreground: bool) -> RGB:
    if color is None or color.is_default:
        triplet = palette.foreground_color if foreground else palette.background_color
        return (triplet.red, triplet.green, triplet.blue)
    triplet = color.get_truecolor(palette, foreground=foreground)
    return (triplet.red, triplet.green, triplet.blue)


def _is_text(text: str) -> bool:
    """Letters, digits, signs: not blanks, box lines or block shading (borders, bars)."""
    return any(not char.isspace() and not 0x2500 <= ord(char) <= 0x259F for char in text)


@dataclass(frozen=True)
class Faint:
    theme: str
    ratio: float
    y: int
    x: int
    text: str
    style: str

    def __str__(self) -> str:
        where = f"row {self.y}, col {self.x}"
        return f"{self.theme}: {self.ratio:.2f}:1 at {where}: {self.text!r} ({self.style})"


def faint_texts(app: App[Any]) -> list[Faint]:
    """Every rendered text segment under :data:`MINIMUM`, on the current screen.

    On a dialog only the dialog counts: the screen behind it is deliberately faded.
    """
    palette = app.ansi_theme
    screen = app.screen
    regions = None
    if isinstance(screen, ModalScreen):
        regions = [widget.region for widget in screen.query(".dialog")]
        assert regions, f"{type(screen).__name__} has no .dialog to measure"
    update = screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    found: list[Faint] = []
    for y, chops in enumerate(update.strips):  # type: ignore[union-attr]
        x = 0
        for strip in chops:
            for segment in strip:
                text, style = segment.text, segment.style or Style()
                width = len(text)
                inside = regions is None or any(r.contains(x, y) for r in regions)
                if inside and _is_text(text):
                    fg = _rgb(style.color, palette, True)
                    bg = _rgb(style.bgcolor, palette, False)
                    if style.reverse:
                        fg, bg = bg, fg
                    if style.dim:  # as Textual's DimFilter and most terminals draw it
                        fg = (
                            (fg[0] + bg[0]) // 2,
                            (fg[1] + bg[1]) // 2,
                            (fg[2] + bg[2]) // 2,
                        )
                    ratio = contrast(fg, bg)
                    if ratio < MINIMUM:
                        found.append(Faint(app.theme, ratio, y, x, text.strip(), str(style)))
                x += width
    return found


# --- the screens, each driven to a state that shows its kinds of text ------------------


async def _reading(pilot: Pilot[Any]) -> None:
    """An article open, read; a passage bookmarked with a note; another bookmarked."""
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("j", "b", "a")
    await settle(pilot)
    await pilot.press(*"xem lại", "enter")
    await settle(pilot)
    await pilot.press("j", "j", "b", "k")
    await db_idle(pilot)


async def _list(pilot: Pilot[Any]) -> None:
    """The list focused: unread, read and bookmarked rows, the cursor; status with a warning."""
    await _reading(pilot)
    await pilot.press("tab")
    await settle(pilot)
    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    screen.status.warning = "not saving: disk full"
    screen.status.sort_label = "newest first"


async def _search(pilot: Pilot[Any]) -> None:
    """Search results: titles and snippets with highlights, the cursor on one."""
    await pilot.press("slash", *"trieu tien")
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("down")
    await settle(pilot)


async def _found(pilot: Pilot[Any]) -> None:
    """An article opened from the results: its matches highlighted, one the current match."""
    await _search(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


async def _bookmarks(pilot: Pilot[Any]) -> None:
    await _reading(pilot)
    await pilot.press("B")
    await settle(pilot)


async def _confirm(pilot: Pilot[Any]) -> None:
    """Removing a bookmark that has a note asks first."""
    await _reading(pilot)
    await pilot.press("k", "b")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "ConfirmScreen"


async def _note(pilot: Pilot[Any]) -> None:
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("j", "a", *"ghi chú")
    await settle(pilot)


def _keys(*keys: str) -> Steps:
    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await settle(pilot)

    return steps


async def _export(pilot: Pilot[Any]) -> None:
    await _bookmarks(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "ExportScreen"


async def _settings(pilot: Pilot[Any]) -> None:
    pilot.app.action_settings()  # type: ignore[attr-defined]
    await settle(pilot)


SCREENS: dict[str, Steps] = {
    "list": _list,
    "reading": _reading,
    "search": _search,
    "found": _found,
    "bookmarks": _bookmarks,
    "confirm": _confirm,
    "note": _note,
    "help": _keys("question_mark"),
    "skipped": _keys("S"),
    "feeds": _keys("L"),
    "export": _export,
    "settings": _settings,
}


@pytest.mark.parametrize("screen", SCREENS)
async def test_every_text_reads_at_3_to_1_in_every_theme(make_app: MakeApp, screen: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await SCREENS[screen](pilot)
        app.clear_notifications()
        found: list[Faint] = []
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            found.extend(faint_texts(app))
    assert not found, "\n".join(str(faint) for faint in found[:30])


# --- the colour rules themselves ------------------------------------------------------


def test_a_faint_colour_keeps_its_hue_and_reaches_the_minimum() -> None:
    background = Color.parse("#d2d2d2")
    warning = Color.parse("#a86d1c")  # textual-light's $text-warning: 2.85:1 here
    fixed = legible(warning, background)
    assert contrast_ratio(fixed, background) >= MINIMUM
    assert fixed.rgb[0] > fixed.rgb[2]  # still orange, not black
    readable = Color.parse("#202020")
    assert legible(readable, background) == readable


@pytest.mark.parametrize("theme", THEMES)
def test_theme_variables_for_text_are_legible_on_their_backgrounds(theme: str) -> None:
    app = App[None]()
    app.theme = theme
    variables = legible_variables(app.get_css_variables())
    for name, layers in PAIRS:
        try:
            colour = Color.parse(variables[name])
            stack = [Color.parse(variables[layer]) for layer in layers]
        except Exception:  # automatic ("auto 87%") or missing: Textual resolves it
            continue
        if colour.ansi is not None or any(layer.ansi is not None for layer in stack):
            continue
        background = Color(0, 0, 0)
        for layer in stack:
            background += layer
        assert contrast_ratio(on(colour, background), background) >= MINIMUM, (name, layers)
    assert "footer-disabled-foreground" in variables
