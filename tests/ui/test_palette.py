"""The command palette: a command for every key (gated by check_action), named commands,
bookmarks and articles by title."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette
from textual.pilot import Pilot

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.ui.commands import KeyCommands


async def _names(pilot: Pilot[Any], query: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    await pilot.press(*query)
    await pilot.pause(0.6)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
    names = [str(option.prompt).splitlines()[0] for option in options]
    return names


async def test_every_enabled_key_is_a_command(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        provider = KeyCommands(app.screen)
        names = [name for name, _run, _help in provider._commands()]
        for expected in (
            "Read/unread",
            "Unread only",
            "Search",
            "Bookmarks",
            "Next unread",
            "Mark all read",
            "Sort",
            "Keys",
            "Quit",
            "Commands",
        ):
            assert expected in names, names
        # Passage actions need an open article: check_action hides them until then.
        assert "Bookmark" not in names and "Note" not in names
        await pilot.press("enter")
        await settle(pilot)
        names = [name for name, _run, _help in KeyCommands(app.screen)._commands()]
        assert "Bookmark" in names and "Note" in names


async def test_named_commands_and_running_one(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        names = await _names(pilot, "unread only")
        assert names[0] == "Unread only"
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(pilot).unread_only
        for query, expected in (
            ("sort by newest", "Sort by newest first"),
            ("export bookm", "Export bookmarks"),
            ("reindex", "Reindex"),
            ("settings", "Settings"),
            ("theme", "Theme"),
            ("filter by source", "Filter by source"),
        ):
            await pilot.press("escape")
            await pilot.pause()
            names = await _names(pilot, query)
            assert expected in names, (query, names)
        await pilot.press("escape")


async def test_open_an_article_by_title_moves_the_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        names = await _names(pilot, "cu dai dien lien lac")
        assert any(name.startswith("Mỹ, Triều Tiên cân nhắc") for name in names), names
        index = next(i for i, n in enumerate(names) if n.startswith("Mỹ, Triều Tiên cân nhắc"))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.title.startswith("Mỹ, Triều Tiên cân nhắc")
        assert screen.article_list.cursor == 1


async def test_jump_to_a_bookmark(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j", "j", "b")
        quote = main_screen(pilot).reader.current_passage
        assert quote is not None
        await pilot.press("tab", "k", "enter")
        await settle(pilot)
        words = " ".join(quote.text.split()[:4])
        names = await _names(pilot, words)
        bookmark = next(i for i, n in enumerate(names) if "—" in n)
        for _ in range(bookmark):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.reader.current_passage == quote
        assert screen.article_list.cursor == 1
