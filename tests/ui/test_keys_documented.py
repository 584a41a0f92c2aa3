"""The README's key tables and the keys screen (``?``) both come from the live bindings."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from tests.ui.conftest import MakeApp
from tests.ui.helpers import settle
from tui_reader.cli.keys_command import markdown_tables
from tui_reader.ui.bindings import all_keys, live_keys
from tui_reader.ui.screens.help import HelpScreen

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_key_tables_are_the_bindings() -> None:
    readme = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:start -->\n(.*?)<!-- keys:end -->", readme, re.S)
    assert found, "README lost its key tables"
    assert found.group(1) == markdown_tables(), "regenerate with: tui-reader keys --markdown"


def test_every_binding_has_an_id_a_description_and_a_valid_key() -> None:
    from tui_reader.ui.bindings import is_valid_key

    for info in all_keys():
        assert info.description and info.help, info.id
        assert info.keys and all(is_valid_key(key) for key in info.keys), info.id


def _help_text(screen: HelpScreen) -> str:
    console = Console(width=200, record=True)
    console.print(screen.table)
    return console.export_text()


async def test_help_lists_the_live_bindings_with_the_keymap_applied(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / "config.toml").write_text(
        '[keymap]\n"main.toggle_read" = "r"\n', encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        main = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = _help_text(help_screen)
        for info in live_keys(main):
            assert info.id in text
        row = next(line for line in text.splitlines() if "main.toggle_read" in line)
        assert row.split()[0] == "r", row
        assert re.search(r"Ctrl\+P\s+Command palette", text), text
        await pilot.press("escape")
        await pilot.press("m")  # no longer bound
        await pilot.press("r")
        first = main.article_list.rows[0]  # type: ignore[attr-defined]
        assert first.key in app.store.read_keys_cache


async def test_help_on_the_bookmarks_screen_shows_its_keys_and_scrolls(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(70, 22)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("down")  # from the filter (where ? would type) into the list
        await pilot.press("question_mark")
        await pilot.pause()
        text = _help_text(app.screen)  # type: ignore[arg-type]
        assert "bookmarks.delete" in text
        assert "main.toggle_read" not in text
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 0  # taller than the dialog at 70x22: it must scroll
        await pilot.press("j", "j")
        assert scroll.scroll_y > 0


async def test_help_puts_the_keys_where_the_cursor_is_first(make_app: MakeApp) -> None:
    from tui_reader.ui.screens.help import FOCUSED

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for press, section in ((None, "Article list"), ("enter", "Article")):
            if press:
                await pilot.press(press)
                await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            lines = [line.strip() for line in _help_text(app.screen).splitlines() if line.strip()]  # type: ignore[arg-type]
            assert lines[0].startswith(section) and lines[0].endswith(FOCUSED), lines[:3]
            assert sum(FOCUSED in line for line in lines) == 1
            await pilot.press("escape")
            await pilot.pause()
