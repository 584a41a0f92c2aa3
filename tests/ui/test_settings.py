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
