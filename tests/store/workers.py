"""Child-process code for the concurrency and SIGKILL tests and ``scripts/stress_state.py``.

Importable under the ``spawn`` start method, and runnable as a script (the
SIGKILL target: ``python workers.py DATA_DIR PREFIX``).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import TextIO

from tui_reader.store.bookmarks import NewBookmark
from tui_reader.store.state import StateStore

Result = tuple[str, list[str], list[str], int, str | None]


def bookmark_for(key: str, n: int) -> NewBookmark:
    quote = f"đoạn trích {n}"
    return NewBookmark(key, Path(f"/corpus/{key}.txt"), f"Bài {key}", n % 4, quote, 0, len(quote))


def import_record(name: str, n: int) -> dict[str, object]:
    return {
        "uid": f"{name}-import-{n}",
        "article_key": f"{name}-article-{n % 9}",
        "path": f"/corpus/{n}.txt",
        "title": f"Bài {n}",
        "passage_index": 0,
        "quote": "trích",
        "start": 0,
        "end": 5,
        "created": "2025-06-01T12:00:00Z",
    }


def writer(data_dir: str, name: str, count: int, barrier: Barrier, results: Queue[Result]) -> None:
    """Mark ``count`` articles read with offsets, and bookmark every fifth, as one app would."""
    keys: list[str] = []
    uids: list[str] = []
    try:
        barrier.wait()
        with StateStore.open(data_dir) as store:
            for i in range(count):
                key = f"{name}-{i}"
                store.set_read(key)
                store.set_scroll_offset(key, i + 0.5)
                keys.append(key)
                if i % 5 == 0:
                    mark = store.add_bookmark(bookmark_for(key, i))
                    store.update_note(mark.id, f"ghi chú {i}")
                    uids.append(mark.uid)
            results.put((name, keys, uids, store.pending_writes, store.save_problem))
    except BaseException as exc:  # Reported to the test, which fails on it.
        results.put((name, keys, uids, -1, f"raised {exc!r}"))


def importer(
    data_dir: str, name: str, count: int, barrier: Barrier, results: Queue[Result]
) -> None:
    """Import ``count`` bookmarks in one transaction, twice, like a CLI import racing the apps."""
    rows = [import_record(name, n) for n in range(count)]
    try:
        barrier.wait()
        with StateStore.open(data_dir) as store:
            added = [store.import_bookmarks(rows) for _ in range(2)]
            problem = store.save_problem if added == [count, 0] else f"added {added}"
            uids = [str(row["uid"]) for row in rows]
            results.put((name, [], uids, store.pending_writes, problem))
    except BaseException as exc:
        results.put((name, [], [], -1, f"raised {exc!r}"))


def kill_target(data_dir: str, prefix: str) -> None:
    """Write forever, printing each write only after the store committed it to disk.

    Lines: ``R key`` (read mark), ``Y key offset``, ``B uid`` (new bookmark),
    ``N uid note`` (its note, written once), ``I uid,uid,...`` (an import batch).
    """
    out = sys.stdout
    with StateStore.open(data_dir) as store:
        i = 0
        while True:
            key = f"{prefix}-{i}"
            store.set_read(key)
            _report(store, out, f"R {key}")
            store.set_scroll_offset(key, i / 4)
            _report(store, out, f"Y {key} {i / 4!r}")
            if i % 3 == 0:
                mark = store.add_bookmark(bookmark_for(key, i))
                _report(store, out, f"B {mark.uid}")
                store.update_note(mark.id, f"note-{i}")
                _report(store, out, f"N {mark.uid} note-{i}")
            if i % 10 == 0:
                rows = [import_record(key, n) for n in range(5)]
                store.import_bookmarks(rows)
                _report(store, out, "I " + ",".join(str(r["uid"]) for r in rows))
            i += 1


def _report(store: StateStore, out: TextIO, line: str) -> None:
    if store.pending_writes or store.save_problem:
        raise SystemExit(f"write was queued, not committed: {store.save_problem}")
    print(line, file=out, flush=True)


def run_and_kill(data: Path, prefix: str, delay: float) -> list[str]:
    """Start :func:`kill_target`, SIGKILL it ``delay`` s after its first commit; its lines."""
    child = subprocess.Popen(
        [sys.executable, __file__, str(data), prefix], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    first = child.stdout.readline()  # Running, and past opening the database.
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    rest = child.stdout.read()
    child.wait()
    if child.returncode != -signal.SIGKILL:
        raise RuntimeError(f"the writer ended on its own ({child.returncode}): {first!r}")
    return (first + rest).split("\n")[:-1]  # A line without its newline was cut by the kill.


def integrity(data: Path) -> str:
    """``PRAGMA integrity_check`` of the database, read as a fresh process would."""
    conn = sqlite3.connect(data / "state.sqlite3")
    try:
        return "; ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


class Committed:
    """The writes a child reported as committed, and a check that all are on disk."""

    def __init__(self) -> None:
        self.read: set[str] = set()
        self.offsets: dict[str, float] = {}
        self.uids: set[str] = set()
        self.notes: dict[str, str] = {}

    def extend(self, lines: Iterable[str]) -> None:
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "R":
                self.read.add(rest)
            elif kind == "Y":
                key, y = rest.split(" ")
                self.offsets[key] = float(y)
            elif kind == "B":
                self.uids.add(rest)
            elif kind == "N":
                uid, note = rest.split(" ")
                self.notes[uid] = note
            elif kind == "I":
                self.uids.update(rest.split(","))
            else:
                raise ValueError(f"unexpected writer output {line!r}")

    @property
    def count(self) -> int:
        return len(self.read) + len(self.offsets) + len(self.uids) + len(self.notes)

    def missing(self, store: StateStore) -> list[str]:
        """Every reported write not found in ``store`` (must be empty)."""
        read = store.read_keys()
        saved = {b.uid: b.note for b in store.bookmarks()}
        lost = [f"R {k}" for k in self.read - read]
        lost += [f"Y {k}" for k, y in self.offsets.items() if store.scroll_offset(k) != y]
        lost += [f"B {u}" for u in self.uids - set(saved)]
        lost += [f"N {u}" for u, note in self.notes.items() if saved.get(u) != note]
        return lost


if __name__ == "__main__":
    kill_target(sys.argv[1], sys.argv[2])
