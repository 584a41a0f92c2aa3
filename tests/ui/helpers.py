"""Small helpers for pilot tests."""

from __future__ import annotations

from textual.pilot import Pilot

from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.settle import settle

__all__ = ["db_idle", "main_screen", "settle"]


async def db_idle(pilot: Pilot[None]) -> None:
    """Wait until the state database thread has done everything queued, then repaint."""
    import asyncio

    store = getattr(pilot.app, "store", None)
    if store is not None:
        await asyncio.to_thread(store.wait_idle)
    await pilot.pause()


def main_screen(pilot: Pilot[None]) -> MainScreen:
    """The main screen of the app under test."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen
