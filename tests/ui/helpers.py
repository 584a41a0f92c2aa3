"""Small helpers for pilot tests."""

from __future__ import annotations

from textual.pilot import Pilot

from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.settle import settle

__all__ = ["main_screen", "settle"]


def main_screen(pilot: Pilot[None]) -> MainScreen:
    """The main screen of the app under test."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen
