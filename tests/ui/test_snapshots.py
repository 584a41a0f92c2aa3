"""Snapshot tests (pytest-textual-snapshot) of every screen, wide and narrow, and in a light theme.

The corpus is a copy of the seeds with fixed modification times, so the dates
shown (the file's mtime when an article states none) are the same on every machine.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.helpers import copy_seeds
from tests.ui.conftest import MakeApp
from tests.ui.helpers import settle
from tui_reader.ui.screens.feeds import FeedRow, FeedsScreen

SnapCompare = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]
SIZES = {"wide": (120, 36), "narrow": (70, 22)}
FIXED_MTIME = 1_549_440_000  # 2019-02-06 08:00 UTC


@pytest.fixture
def fixed_corpus(tmp_path: Path) -> Path:
    folder = copy_seeds(tmp_path / "corpus")
    for path in folder.iterdir():
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))
    return folder


async def _quiet(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.clear_notifications()
    # Clearing takes down the top screen's toasts later (call_later), and never those on
    # the screen under a dialog ("Note saved." behind the confirm dialog): remove them.
    for screen in pilot.app.screen_stack[:-1]:
        await screen.query("Toast").remove()
    await _until(pilot, lambda: not any(s.query("Toast") for s in pilot.app.screen_stack))
    screen = pilot.app.main_screen  # type: ignore[attr-defined]
    if screen.search_info:
        # The measured search time differs run to run; the snapshot shows a fixed one.
        screen.search_info = re.sub(r"\d+ ms", "1 ms", screen.search_info)
    await pilot.pause()


async def _until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 10) -> None:
    """Wait for ``done()`` (a loaded machine can take a while), then for the app to be idle."""
    for _ in range(int(seconds / 0.05)):
        if done():
            break
        await pilot.pause(0.05)
    await settle(pilot)


async def _open(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` (ending in Enter) and wait for the article to be shown."""
    main = pilot.app.main_screen  # type: ignore[attr-defined]
    before = main.reader.article
    await pilot.press(*keys)
    await _until(pilot, lambda: main.reader.article is not None and main.reader.article != before)


async def _list(pilot: Pilot[Any]) -> None:
    await _quiet(pilot)


async def _article(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await _open(pilot, "j", "enter")
    await _quiet(pilot)


async def _marked(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await _open(pilot, "j", "enter")
    await pilot.press("j", "b", "j", "j", "b", "k")
    await _quiet(pilot)


async def _help(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await _quiet(pilot)


async def _bookmarks(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await _open(pilot, "enter")
    await pilot.press("j", "b", "a")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "NoteScreen")
    await pilot.press(*"xem lại", "enter")
    await _open(pilot, "tab", "j", "enter")
    await pilot.press("j", "j", "j", "j", "b")
    await pilot.press("B")
    await settle(pilot)
    # The list focused: a text cursor's blink phase would make the picture flaky.
    pilot.app.screen.query_one("#bookmark-list").focus()
    await pilot.pause()
    await _quiet(pilot)


async def _search(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("slash", *"trieu tien")
    await pilot.pause(0.3)
    await settle(pilot)
    await pilot.press("down")  # into the results: no blinking cursor in the picture
    await _quiet(pilot)


def _still_cursor(pilot: Pilot[Any]) -> None:
    """Stop the text cursor blinking: its phase at capture time made the picture unsteady."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


async def _note(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await _open(pilot, "enter")
    await pilot.press("j", "a")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "NoteScreen")
    await pilot.press(*"đọc lại")
    _still_cursor(pilot)
    await _quiet(pilot)


async def _confirm(pilot: Pilot[Any]) -> None:
    """Removing a bookmark that has a note asks first."""
    await settle(pilot)
    await _open(pilot, "enter")
    await pilot.press("j", "b", "a")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "NoteScreen")
    await pilot.press(*"xem lại", "enter")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "MainScreen")
    await pilot.press("b")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmScreen")
    await _quiet(pilot)


async def _feeds(pilot: Pilot[Any]) -> None:
    """The feed list with fixed rows (fetching is covered against a local server elsewhere)."""
    await settle(pilot)
    rows = [
        FeedRow("Thời sự", 2, 12, "2026-02-27T08:00:00+00:00"),
        FeedRow("Kinh tế", 0, 3, "2026-02-27T08:00:00+00:00", "HTTP 503 Service Unavailable"),
        FeedRow("Thể thao", 0, 0),
    ]
    await pilot.app.push_screen(FeedsScreen(rows, all_unread=3, all_total=17))
    await _quiet(pilot)


async def _skipped(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("S")
    await _quiet(pilot)


async def _settings(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    pilot.app.action_settings()  # type: ignore[attr-defined]
    await pilot.pause()
    # The config dir is a fresh temp dir each run: show a fixed path.
    pilot.app.screen.query_one("#settings-file").update("File: ~/.config/tui-reader/config.toml")  # type: ignore[attr-defined]
    await _quiet(pilot)


async def _export(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("B")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "ExportScreen")
    _still_cursor(pilot)
    await _quiet(pilot)


async def _list_hidden(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await _open(pilot, "enter")
    await pilot.press("w", "w")
    await _quiet(pilot)


SCREENS: dict[str, Steps] = {
    "list": _list,
    "article": _article,
    "marked_passages": _marked,
    "help": _help,
    "bookmarks": _bookmarks,
    "search": _search,
    "note": _note,
    "confirm": _confirm,
    "feeds": _feeds,
    "skipped": _skipped,
    "settings": _settings,
    "export": _export,
    "list_hidden": _list_hidden,
}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui_reader.store.db.utc_now", lambda: "2026-02-27T08:30:00.000+00:00")
    # How long indexing takes depends on the machine's load: never announce it in a picture.
    monkeypatch.setattr("tui_reader.ui.screens.main.INDEXING_NOTICE_SECONDS", float("inf"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(
    snap_compare: SnapCompare, make_app: MakeApp, fixed_corpus: Path, screen: str, size: str
) -> None:
    app = make_app(fixed_corpus)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCREENS[screen])


@pytest.mark.parametrize("screen", SCREENS)
def test_screen_light_theme(
    snap_compare: SnapCompare, make_app: MakeApp, fixed_corpus: Path, screen: str
) -> None:
    app = make_app(fixed_corpus)

    async def light(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await SCREENS[screen](pilot)

    assert snap_compare(app, terminal_size=SIZES["wide"], run_before=light)
