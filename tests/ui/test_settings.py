"""Settings in the app: the theme persists, a broken config.toml is reported, not fatal."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import MakeApp
from tests.ui.helpers import settle
from tui_reader.config import CONFIG_FILE, load_settings


async def test_theme_chosen_in_the_app_is_kept_for_next_time(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.theme = "solarized-light"
        await pilot.pause()
    assert load_settings(isolated_user_dirs["config"]).settings.theme == "solarized-light"
    again = make_app()
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert again.theme == "solarized-light"


async def test_broken_config_is_reported_and_the_app_runs_on_defaults(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    path = isolated_user_dirs["config"] / CONFIG_FILE
    path.write_text('theme = "nord"\nsort = \n', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(str(path) in m and "Using the defaults" in m for m in messages), messages
        assert app.theme == "textual-dark"
        app.theme = "nord"  # Changing a setting must not overwrite the user's broken file.
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("Settings not saved" in m for m in messages), messages
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\nsort = \n'


async def test_unknown_theme_name_is_reported(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / CONFIG_FILE).write_text('theme = "no-such"\n', "utf-8")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Unknown theme 'no-such'" in m for m in messages), messages


async def test_settings_screen_changes_apply_at_once_and_are_kept(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    from tests.ui.helpers import main_screen
    from tui_reader.ui.screens.settings import SettingsScreen

    path = isolated_user_dirs["config"] / CONFIG_FILE
    path.write_text("# mine\nlist_width = 42\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        pane = screen.query_one("#list-pane")
        before = pane.size.width
        app.action_settings()
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        # Theme, sort, list width, reading width: ↓ to each, → once.
        await pilot.press("right")
        await pilot.press("down", "right")
        await pilot.press("down", "right", "right")
        await pilot.press("down", "left")
        await settle(pilot)
        theme = app.theme
        assert theme != "textual-dark"
        assert screen.list_order.value == "date"
        assert pane.size.width > before  # 42% -> 50%, behind the dialog already
        assert screen.reader.reading_width == 80
        passage = screen.reader.query(".passage").first()
        assert passage.styles.max_width is not None and passage.styles.max_width.value == 80
        # Stepping past the end stays at the end.
        for _ in range(20):
            await pilot.press("left")
        await settle(pilot)
        assert screen.reader.reading_width == 40
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen
    saved = load_settings(isolated_user_dirs["config"]).settings
    assert (saved.theme, saved.sort.value, saved.list_width, saved.reading_width) == (
        theme,
        "date",
        50,
        40,
    )
    assert path.read_text(encoding="utf-8").startswith("# mine\n")  # comments kept
    again = make_app()
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert again.theme == theme
        assert main_screen(pilot).list_order.value == "date"


def test_stepping_a_value_typed_in_the_file_goes_to_the_nearest_step() -> None:
    from tui_reader.ui.screens.settings import LIST_WIDTHS, READING_WIDTHS, _step

    assert _step(LIST_WIDTHS, 42, 1) == 45 and _step(LIST_WIDTHS, 42, -1) == 40
    assert _step(LIST_WIDTHS, 85, 1) == 85 and _step(LIST_WIDTHS, 15, -1) == 15
    assert _step(READING_WIDTHS, 84, 1) == 90 and _step(READING_WIDTHS, 84, -1) == 80
    assert _step(READING_WIDTHS, 200, 1) == 0  # then the whole pane
    assert _step(READING_WIDTHS, 0, 1) == 0 and _step(READING_WIDTHS, 0, -1) == 200
    assert _step(READING_WIDTHS, 300, -1) == 200
