"""An unexpected error closes the app with a short message and a log, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.ui.screens.main import MainScreen


async def test_internal_error_is_logged_and_state_kept(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, isolated_user_dirs: dict[str, Path]
) -> None:
    def broken(self: MainScreen) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(MainScreen, "action_toggle_unread_only", broken)
    app = make_app()
    printed: list[str] = []
    monkeypatch.setattr(
        app, "_print_error_renderables", lambda: printed.extend(map(str, app._exit_renderables))
    )
    with pytest.raises(RuntimeError, match="simulated bug"):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("m")  # committed before the crash
            key = main_screen(pilot).article_list.rows[0].key
            await pilot.press("u")
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_log is not None
    assert app.crash_log.parent == isolated_user_dirs["cache"]
    assert "simulated bug" in app.crash_log.read_text(encoding="utf-8")
    assert len(printed) == 1
    assert printed[0].startswith("tui-reader hit an internal error and closed.")
    assert str(app.crash_log) in printed[0]
    assert "Traceback" not in printed[0]
    from tui_reader.store.state import StateStore

    with StateStore.open(isolated_user_dirs["data"]) as store:
        assert store.is_read(key)
