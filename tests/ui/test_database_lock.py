"""Another process holds the state database's write lock: the app keeps moving.

A real second process takes SQLite's write lock (``BEGIN IMMEDIATE``, as a big
``bookmarks import`` does) and keeps it until the test lets go. Meanwhile the
reader marks an article, moves through the list and opens an article: every
key takes effect at once, nothing is on disk yet, and once the lock is released
everything is saved. Every SQL statement the app runs is traced with the thread
that ran it: none may run on the UI thread (which is what would freeze it).
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, main_screen, settle
from tui_reader.store import db

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT OR REPLACE INTO read_state (article_key, read, updated_at) "
             "VALUES ('held-by-another-process', 0, 'x')")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


async def test_the_list_moves_while_another_process_holds_the_write_lock(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, isolated_user_dirs: dict[str, Path]
) -> None:
    ui_thread = threading.get_ident()
    threads: set[int] = set()

    def traced(path: Path) -> sqlite3.Connection:
        conn = db.connect(path, busy_timeout=1.0)
        conn.set_trace_callback(lambda _sql: threads.add(threading.get_ident()))
        return conn

    monkeypatch.setattr("tui_reader.ui.state._app_connector", traced)
    app = make_app()
    database = isolated_user_dirs["data"] / "state.sqlite3"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            first = screen.article_list.rows[0]
            await pilot.press("m")  # a write, waiting for the lock
            await pilot.press("j")
            assert first.key in app.store.read_keys_cache  # shown at once
            assert screen.article_list.cursor == 1  # ...and the list moved on
            await pilot.press("k", "enter")  # opening writes a read mark and a position
            await settle(pilot)
            assert screen.reader.article is not None
            await pilot.press("j")
            assert screen.reader.cursor == 1
            screen.save_state()  # (what a pause in scrolling or quitting does)
            assert holder.poll() is None  # the lock was held all along
            with sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True) as peek:
                saved = peek.execute(
                    "SELECT read FROM read_state WHERE article_key = ?", (first.key,)
                ).fetchone()
            assert saved is None  # not on disk yet: it waits, in order
        finally:
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
        assert await asyncio.to_thread(app.store.retry_pending)
        await db_idle(pilot)
    assert threads and ui_thread not in threads
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT read, passage FROM read_state WHERE article_key = ?", (first.key,)
        ).fetchone()
    assert row == (1, 1)  # read, and the cursor's passage
