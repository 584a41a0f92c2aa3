"""A background worker that fails is shown, logged and stops pretending to be busy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader import logs


async def test_a_failing_index_worker_is_shown_logged_and_cleared(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, isolated_user_dirs: dict[str, Path]
) -> None:
    from tui_reader.search.index import IndexBuilder

    def broken(self: object, *args: object, **kwargs: object) -> object:
        raise RuntimeError("simulated index failure \x1b]2;x\x07")

    monkeypatch.setattr(IndexBuilder, "update", broken)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        messages = [n.message for n in app._notifications]
        failed = [m for m in messages if m.startswith("Indexing failed")]
        assert failed, messages
        assert "RuntimeError: simulated index failure ␛]2;x␇" in failed[0]
        assert str(logs.log_file(isolated_user_dirs["cache"])) in failed[0]
        assert screen.index_label.startswith("indexing failed")
        assert app.is_running  # shown, not fatal
    text = logs.log_file(isolated_user_dirs["cache"]).read_text(encoding="utf-8")
    assert "Indexing failed" in text and "Traceback" in text and "simulated index failure" in text
    assert "\x1b" not in text


async def test_a_failing_search_says_so_instead_of_no_matches(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_reader.search.engine as engine

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("simulated search failure")

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        monkeypatch.setattr(engine, "search", broken)
        await pilot.press("slash", *"ha noi")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "failed" in screen.search_info
        assert any(n.message.startswith("The search failed") for n in app._notifications)
