"""Small helpers for pilot tests."""

from __future__ import annotations

from textual.pilot import Pilot

from tui_reader.ui.screens.main import MainScreen


async def settle(pilot: Pilot[None]) -> None:
    """Let the corpus check and every worker (indexing, article load) finish, then repaint."""
    for _ in range(200):
        screen = pilot.app.screen
        if not isinstance(screen, MainScreen) or screen.corpus_checked:
            break
        await pilot.pause(0.05)
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def main_screen(pilot: Pilot[None]) -> MainScreen:
    """The main screen of the app under test."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen
