"""Pilot tests: narrow terminals, the list key, the status line, titles, links, screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.ui.widgets.status_bar import Part, fit


async def test_narrow_terminal_shows_one_pane_at_a_time(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(70, 22)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        pane = screen.query_one("#list-pane")
        assert screen.narrow
        assert pane.display and not screen.reader.display
        assert pane.size.width == 70
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.display and not pane.display
        assert screen.reader.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert pane.display and not screen.reader.display
        assert screen.article_list.has_focus
        await pilot.press("w")  # flips to the article
        await pilot.pause()
        assert screen.reader.display and not pane.display
        await pilot.press("tab")
        await pilot.pause()
        assert pane.display and screen.article_list.has_focus


async def test_list_key_widens_hides_and_restores_the_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        pane = screen.query_one("#list-pane")
        normal = pane.size.width
        await pilot.press("w")
        await pilot.pause()
        assert pane.size.width > normal
        await pilot.press("w")
        await pilot.pause()
        assert not pane.display
        assert screen.reader.has_focus
        assert screen.reader.size.width > 100
        await pilot.press("w")
        await pilot.pause()
        assert pane.display and pane.size.width == normal


def test_status_line_drops_low_priority_parts_whole() -> None:
    parts = [
        Part("searched 7,168 of 35,440 so far", "", 10),
        Part("2 matching articles · 3 ms", "", 80),
        Part("⚠ not saving: disk full", "", 100),
    ]
    assert fit(parts, 200).plain == " · ".join(p.text for p in parts)
    narrow = fit(parts, 60).plain
    assert "searched" not in narrow
    assert "not saving" in narrow and "matching" in narrow
    assert fit(parts, 30).plain == "⚠ not saving: disk full"


async def test_status_line_fits_at_70_columns_while_indexing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(70, 22)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        screen.index_label = "indexing, 7,168 searchable"
        screen.status.show_progress(7168, 35440)
        screen.search_info = "1,234 matching articles (top 50 listed) · 12 ms"
        await pilot.pause()
        text = str(screen.status.query_one("#status-text").render())
        assert len(text) <= 68, text
        assert "matching" in text


async def test_whole_title_is_shown_in_the_reading_pane(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        listed = screen.article_list.rows[0].title
        assert listed.endswith("…")  # an untitled article: its first sentence, cut for the list
        await pilot.press("enter")
        await settle(pilot)
        title = str(screen.reader.query_one(".article-title").render())
        assert title.startswith(listed[:-1])
        assert not title.endswith("…")
        assert title.endswith("Kim Jong Un")


async def test_o_without_a_browser_shows_and_copies_the_link(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Bài có nguồn\n\nĐoạn một.\n\nNguồn Znews: https://example.org/bai", "utf-8"
    )
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    app = make_app(folder)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        assert copied == ["https://example.org/bai"]
        messages = [n.message for n in app._notifications]
        assert any("https://example.org/bai" in m and "copied" in m for m in messages), messages


async def test_screenshot_without_downloads_folder_says_where_it_went(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not (isolated_user_dirs["home"] / "Downloads").exists()
        app.action_screenshot()
        await pilot.pause()
        (message,) = [n.message for n in app._notifications if "Screenshot" in n.message]
        saved = Path(message.split(": ", 1)[1])
        assert saved.is_file() and saved.suffix == ".svg"
        assert isolated_user_dirs["cache"] in saved.parents


async def test_q_closes_screens_and_only_quits_on_the_main_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # B types into its filter (q is a letter there): q never quits, Escape closes it.
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.screen is not app.main_screen
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen is app.main_screen
        for key in ("question_mark", "S"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is not app.main_screen
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running
            assert app.screen is app.main_screen, key
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_counts_say_one_article_not_one_articles(make_app: MakeApp, tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.txt").write_text("Một bài\n\nĐoạn một.", encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = str(main_screen(pilot).status.query_one("#status-text").render())
        assert text.startswith("1 article ·"), text


async def test_long_indexing_is_announced_when_done(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tui_reader.ui.screens.main.INDEXING_NOTICE_SECONDS", -1.0)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "Indexing done: 2 articles added to the search." in messages, messages
