"""Waiting for the app to be idle when it is driven headless (tests, the screenshot script)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tui_reader.ui.screens.main import MainScreen


async def settle(pilot: Pilot[Any]) -> None:
    """Let the corpus check and every worker (indexing, article load) finish, then repaint."""
    for _ in range(200):
        screen = pilot.app.screen
        if not isinstance(screen, MainScreen) or screen.corpus_checked:
            break
        await pilot.pause(0.05)
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
