"""Snapshot tests (pytest-textual-snapshot) of every screen, on the seeds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import MakeApp
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (120, 36)


def test_main_screen_list(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle)


def test_main_screen_article_open(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def open_second(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_second)


def test_help_screen(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def show_help(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=show_help)


def test_article_with_marked_passages(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def bookmark_two(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j", "b", "j", "j", "b", "k")
        await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=bookmark_two)
