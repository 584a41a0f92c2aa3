"""The command palette: a command for every key (gated by check_action), named commands,
bookmarks and articles by title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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


async def _all_names(pilot: Pilot[Any]) -> list[str]:
    """Every command the palette lists before anything is typed."""
    await pilot.press("ctrl+p")
    await pilot.pause(0.6)
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
    names = [str(option.prompt).splitlines()[0] for option in options]
    await pilot.press("escape")
    await pilot.pause()
    return names


async def test_every_command_is_listed_once_and_only_where_it_acts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        listed = await _all_names(pilot)
        assert len(listed) == len(set(listed)), sorted(listed)
        # R and L are the named commands "Fetch feeds now" and "Feeds", not a second entry.
        assert "Fetch feeds now" in listed and "Fetch feeds" not in listed
        assert listed.count("Feeds") == 1 and "Filter by source" in listed
        assert "Source" not in listed
        # The search bar's history keys belong to the search bar.
        assert "Earlier search" not in listed and "Open" in listed
        await pilot.press("enter")
        await settle(pilot)
        reading = await _all_names(pilot)
        assert len(reading) == len(set(reading)), sorted(reading)
        assert "Next passage" in reading and "Bookmark" in reading
        await pilot.press("slash")
        await pilot.pause()
        assert "Earlier search" in await _all_names(pilot)


async def test_screenshot_from_the_palette_says_where_it_went(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    app = make_app()
    heard: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not (isolated_user_dirs["home"] / "Downloads").exists()
        original = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            heard.append(message)
            original(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        names = await _names(pilot, "screenshot")
        assert names[0] == "Screenshot"
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert not any("Failed" in m for m in heard), heard
        (message,) = [m for m in heard if m.startswith("Screenshot saved")]
        saved = Path(message.split(": ", 1)[1])
        assert saved.is_file() and saved.suffix == ".svg"
        assert isolated_user_dirs["cache"] in saved.parents


async def test_titles_are_matched_off_the_event_loop(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from tui_reader.search.filter import FuzzyFilter

    threads: list[str] = []
    original = FuzzyFilter.filter

    def recording(self: FuzzyFilter, query: str, limit: int | None = None) -> Any:
        threads.append(threading.current_thread().name)
        return original(self, query, limit)

    monkeypatch.setattr(FuzzyFilter, "filter", recording)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        names = await _names(pilot, "cu dai dien")
        assert any(name.startswith("Mỹ, Triều Tiên cân nhắc") for name in names), names
    assert threads and threading.main_thread().name not in threads


async def test_titles_notes_and_sources_are_shown_as_text_never_markup(
    make_app: MakeApp, tmp_path: Path
) -> None:
    title = "Tin [bold]nóng[/bold] [link=http://x.vn]đây[/link] [$accent]hôm nay"
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(
        f"{title}\n\nĐoạn đầu tiên của bài.\n\nĐoạn thứ hai.\n\nNguồn [red]Báo[/red]: https://x.vn/1",
        encoding="utf-8",
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j", "a", *"ghi [b]chú[/b] [link=x]", "enter")
        await settle(pilot)
        await pilot.press("tab")
        for query in ("tin nong", "doan thu hai"):  # the title; the bookmark (no tones typed)
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            await pilot.press(*query)
            await pilot.pause(1.0)
            palette = pilot.app.screen
            assert isinstance(palette, CommandPalette)
            options = palette.query_one("CommandList").options  # type: ignore[attr-defined]
            shown = [option.prompt.plain for option in options]
            assert any(title in text for text in shown), shown
            if query == "doan thu hai":
                assert any("ghi [b]chú[/b] [link=x]" in text for text in shown), shown
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running


async def test_named_commands_name_the_keys_of_the_keymap(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / "config.toml").write_text(
        '[keymap]\n"main.source" = "ctrl+f"\n"main.sort" = "o"\n"main.open_source" = "O"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Filter by source"].endswith("(Ctrl+F)")
        assert helps["Sort by title"].endswith("(o cycles)")
        assert helps["Fetch feeds now"].endswith("(R)")
