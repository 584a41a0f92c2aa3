"""The app keeps working when the data dir refuses writes, warns, and catches up later."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, main_screen, settle
from tui_reader.store import db
from tui_reader.store.state import StateStore


class SwitchableDisk:
    """A connector whose database can be made read-only (SQLite refuses writes) and back."""

    def __init__(self) -> None:
        self.read_only = False

    def __call__(self, path: Path) -> sqlite3.Connection:
        if self.read_only:
            uri = f"{path.absolute().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        return db.connect(path)


async def test_read_only_disk_warns_keeps_marks_and_saves_later(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, isolated_user_dirs: dict[str, Path]
) -> None:
    disk = SwitchableDisk()
    original_open = StateStore.open

    def open_with_disk(data_dir: object = None, **_: object) -> StateStore:
        return original_open(data_dir, connector=disk)  # type: ignore[arg-type]

    StateStore.open(isolated_user_dirs["data"]).close()  # A database that exists...
    disk.read_only = True  # ...on a disk that now refuses writes.
    monkeypatch.setattr(StateStore, "open", staticmethod(open_with_disk))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        key = screen.article_list.rows[0].key
        await pilot.press("m")
        # The mark shows at once even though the disk refused it.
        assert key in app.store.read_keys_cache
        await db_idle(pilot)
        assert app.store.save_problem
        app._check_saves()
        assert "not saving" in screen.status.warning
        # Quitting while unsaved warns first instead of losing the change silently.
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        disk.read_only = False
        assert app.store.retry_pending()
        app._check_saves()
        assert app.store.save_problem is None
        assert screen.status.warning == ""
    with original_open(isolated_user_dirs["data"]) as store:
        assert store.is_read(key)


async def test_a_damaged_state_file_is_moved_aside_and_the_user_told(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    broken = isolated_user_dirs["data"] / "state.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        aside = [p for p in broken.parent.iterdir() if p.name.startswith("state.sqlite3.")]
        assert len(aside) == 1
        assert aside[0].read_bytes() == b"this is not a database" * 100
        assert any(str(aside[0]) in message for message in messages), messages
        # The fresh database works.
        await pilot.press("m")
        await db_idle(pilot)
        assert app.store.save_problem is None
