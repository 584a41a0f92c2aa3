"""Waiting for the app to be idle when it is driven headless (tests, the screenshot script)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.state import AppState


async def settle(pilot: Pilot[Any]) -> None:
    """Let the corpus check, every worker (indexing, article load) and the state
    database's queue finish, then repaint."""
    for _ in range(200):
        screen = pilot.app.screen
        if not isinstance(screen, MainScreen) or screen.corpus_checked:
            break
        await pilot.pause(0.05)
    state = getattr(pilot.app, "store", None)
    for _ in range(4):
        # A failed worker was already shown and logged by the app's handler; a cancelled
        # one was replaced by a newer one (an exclusive group), which is waited for next.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        if isinstance(state, AppState):
            await asyncio.to_thread(state.wait_idle)
        await pilot.pause()
