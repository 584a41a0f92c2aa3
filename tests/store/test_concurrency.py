"""Two app instances and a CLI import writing at once lose nothing and never see "locked"."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from tests.store import workers
from tui_reader.store.state import StateStore

WRITES = 400
IMPORTED = 100


def test_two_apps_and_an_import_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"  # Not created yet: the processes also race to create it.
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3)
    results: multiprocessing.Queue[workers.Result] = ctx.Queue()
    jobs = [
        ctx.Process(target=workers.writer, args=(str(data), "app1", WRITES, barrier, results)),
        ctx.Process(target=workers.writer, args=(str(data), "app2", WRITES, barrier, results)),
        ctx.Process(target=workers.importer, args=(str(data), "cli", IMPORTED, barrier, results)),
    ]
    for job in jobs:
        job.start()
    reports = {}
    for _ in jobs:
        name, keys, uids, pending, problem = results.get(timeout=120)
        reports[name] = (keys, uids)
        assert (name, pending, problem) == (name, 0, None)
    for job in jobs:
        job.join(timeout=30)
        assert job.exitcode == 0

    with StateStore.open(data) as store:
        assert store.notices == []
        expected_keys = set(reports["app1"][0]) | set(reports["app2"][0])
        assert len(expected_keys) == 2 * WRITES
        assert store.read_keys() == expected_keys
        assert all(store.scroll_offset(k) == int(k.split("-")[1]) + 0.5 for k in expected_keys)
        saved = {b.uid: b for b in store.bookmarks()}
        expected_uids = {uid for keys, uids in reports.values() for uid in uids}
        assert set(saved) == expected_uids
        assert len(saved) == 2 * len(range(0, WRITES, 5)) + IMPORTED
        assert all(saved[u].note.startswith("ghi chú") for u in reports["app1"][1])
    check = sqlite3.connect(data / "state.sqlite3").execute("PRAGMA integrity_check").fetchone()
    assert check == ("ok",)
