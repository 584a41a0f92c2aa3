"""Pilot tests: the footer keeps the keys that lead to every other key at any width."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.ui.widgets.key_footer import KeyFooter, is_essential


def footer_row(pilot: Pilot[None]) -> tuple[list[str], list[str], KeyFooter]:
    """(descriptions shown, descriptions hidden, the footer) of the current screen.

    Also checks that every key shown ends before the palette key: none is cut.
    """
    footer = pilot.app.screen.query_one(KeyFooter)
    keys = list(footer.query_children(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    assert len(palette) == 1 and palette[0].display
    shown = [key for key in keys if key.display and key not in palette]
    for key in shown:
        assert key.region.right <= palette[0].region.x, (key.description, key.region)
        assert key.region.width >= len(key.key_display) + len(key.description)
    hidden = [key.description for key in keys if not key.display]
    return [key.description for key in shown], hidden, footer


def test_the_ways_to_help_and_out_are_essential() -> None:
    for binding_id in ("app.help", "app.palette", "main.quit", "bookmarks.back", "export.cancel"):
        assert is_essential(binding_id)
    for binding_id in ("main.bookmarks", "main.toggle_read", "list.open", None):
        assert not is_essential(binding_id)


@pytest.mark.parametrize("width", [50, 70, 79])
async def test_narrow_main_screen_keeps_help_and_quit_and_drops_whole_keys(
    make_app: MakeApp, width: int
) -> None:
    app = make_app()
    async with app.run_test(size=(width, 22)) as pilot:
        await settle(pilot)
        shown, hidden, _footer = footer_row(pilot)
        assert "Keys" in shown and "Quit" in shown
        assert hidden, "at this width not every key fits"
        assert shown.index("Quit") < shown.index("Keys")  # the order on screen is kept
        await pilot.press("enter")  # the article, alone on the screen
        await settle(pilot)
        assert main_screen(pilot).reader.display
        shown, _hidden, _footer = footer_row(pilot)
        assert "Keys" in shown and "Quit" in shown


async def test_wide_main_screen_shows_every_key_and_a_shrink_grows_back(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        wide, hidden, _footer = footer_row(pilot)
        assert hidden == []
        assert {"Quit", "Search", "Bookmarks", "Keys"} <= set(wide)
        await pilot.resize_terminal(70, 22)
        await settle(pilot)
        narrow, hidden, _footer = footer_row(pilot)
        assert "Keys" in narrow and hidden
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        again, hidden, _footer = footer_row(pilot)
        assert again == wide and hidden == []


async def test_a_remapped_help_key_is_still_kept(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / "config.toml").write_text(
        '[keymap]\n"app.help" = "h"\n', encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(60, 22)) as pilot:
        await settle(pilot)
        footer = pilot.app.screen.query_one(KeyFooter)
        help_key = [key for key in footer.query_children(FooterKey) if key.description == "Keys"]
        assert [key.key for key in help_key] == ["h"]
        assert help_key[0].display


async def test_bookmarks_screen_footer_keeps_back_at_50_columns(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(50, 22)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        shown, _hidden, _footer = footer_row(pilot)
        assert "Back" in shown


async def test_a_dimmed_key_gives_its_room_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(70, 22)) as pilot:
        await settle(pilot)
        footer = pilot.app.screen.query_one(KeyFooter)
        dimmed = [
            key.description
            for key in footer.query_children(FooterKey)
            if key.has_class("-disabled")
        ]
        assert dimmed == ["Bookmark"]  # no passage to bookmark from the list
        shown, hidden, _footer = footer_row(pilot)
        assert hidden == ["Bookmark"]
        assert "Bookmarks" in shown


async def test_while_typing_in_a_box_the_footer_offers_f1_for_the_keys(make_app: MakeApp) -> None:
    """``?`` types a character in a box, so help needs a key that does not type: F1."""
    from tui_reader.ui.screens.help import HelpScreen
    from tui_reader.ui.widgets.search_bar import SearchBar

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = pilot.app.screen
        assert screen.focused is screen.query_one("#bookmark-filter")
        footer = screen.query_one(KeyFooter)
        shown, _hidden, _footer = footer_row(pilot)
        assert "Keys" in shown
        keys = [key.key for key in footer.query_children(FooterKey) if key.description == "Keys"]
        assert keys == ["f1"]
        await pilot.press("question_mark")  # a character of the filter, not a command
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.query_one("#bookmark-filter", Input).value == "?"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("escape", "escape")  # clear the filter, then back
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(pilot.app.focused, SearchBar)
        shown, _hidden, _footer = footer_row(pilot)
        assert "Keys" in shown
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
