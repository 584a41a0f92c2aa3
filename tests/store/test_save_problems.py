"""When the disk refuses writes the store keeps going in memory, queues, and catches up later.

Tests usually run as root, where ``chmod`` stops nothing, so the read-only and
disk-full cases are made real at the SQLite level through the injectable
connector: a ``mode=ro`` connection (SQLite itself refuses the write) and a
``max_page_count`` cap (SQLite reports "database or disk is full"). The chmod
variant runs wherever chmod actually bites.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tui_reader.store import db, saver
from tui_reader.store.bookmarks import NewBookmark
from tui_reader.store.state import StateStore


class Disk:
    """A connector whose disk can be switched to read-only or full and back."""

    def __init__(self) -> None:
        self.mode = "ok"

    def __call__(self, path: Path) -> sqlite3.Connection:
        if self.mode == "readonly":
            return sqlite3.connect(
                f"{path.absolute().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
        conn = db.connect(path)
        if self.mode == "full":
            pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
            conn.execute(f"PRAGMA max_page_count = {pages:d}")
        return conn


def _problem(store: StateStore) -> str | None:
    """The warning, read through a call so mypy does not pin it between asserts."""
    return store.save_problem


def _new(key: str, note: str = "") -> NewBookmark:
    return NewBookmark(key, Path(f"/c/{key}.txt"), key, 0, "q", 0, 1, note=note)


def _saved(data: Path) -> tuple[set[str], set[str], str]:
    """What is really on disk, read behind the store's back (read-only)."""
    uri = f"{(data / db.DB_NAME).absolute().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        keys = {r[0] for r in conn.execute("SELECT article_key FROM read_state WHERE read = 1")}
        notes = {r[0] for r in conn.execute("SELECT note FROM bookmarks")}
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    return keys, notes, check


def _populate(data: Path) -> None:
    with StateStore.open(data) as store:
        store.set_read("old")
        store.add_bookmark(_new("old", note="saved before"))


def test_read_only_database_queues_and_catches_up(tmp_path: Path) -> None:
    _populate(tmp_path)
    disk = Disk()
    disk.mode = "readonly"
    store = StateStore.open(tmp_path, connector=disk)
    assert store.is_read("old") and _problem(store) is None

    store.set_read("new")
    assert "readonly" in (_problem(store) or "")
    assert str(store.path) in (_problem(store) or "")
    mark = store.add_bookmark(_new("new", note="made while read-only"))
    assert mark.id < 0  # Provisional: can never clash with a saved id.
    (old,) = store.bookmarks("old")
    store.update_note(old.id, "edited while read-only")
    store.update_note(mark.id, "edited twice")
    assert store.read_keys() == {"old", "new"}
    assert store.bookmark_counts() == {"old": 1, "new": 1}
    assert store.pending_writes == 4
    assert store.retry_pending() is False  # Still read-only: nothing lost, still queued.
    assert store.pending_writes == 4

    keys, notes, check = _saved(tmp_path)
    assert (keys, notes, check) == ({"old"}, {"saved before"}, "ok")

    disk.mode = "ok"
    assert store.retry_pending() is True
    assert _problem(store) is None and store.pending_writes == 0
    real = store.bookmark(mark.id)  # The provisional id keeps working after saving.
    assert real is not None and real.id > 0 and real.uid == mark.uid
    store.update_note(mark.id, "edited after saving")
    store.close()

    keys, notes, check = _saved(tmp_path)
    assert keys == {"old", "new"} and check == "ok"
    assert notes == {"edited while read-only", "edited after saving"}


def test_full_disk_queues_and_catches_up(tmp_path: Path) -> None:
    _populate(tmp_path)
    disk = Disk()
    disk.mode = "full"
    store = StateStore.open(tmp_path, connector=disk)
    written: list[str] = []
    for i in range(5000):
        key = f"{i:05d}-" + "x" * 200
        store.set_read(key)
        written.append(key)
        if _problem(store) is not None:
            break
    assert "full" in (_problem(store) or "")
    for i in range(20):  # Keep reading and writing while full.
        written.append(f"after-{i}")
        store.set_read(written[-1])
    store.add_bookmark(_new("full", note="made while full"))
    assert store.read_keys() == {"old", *written}
    assert store.pending_writes == 22

    keys, notes, check = _saved(tmp_path)
    assert check == "ok" and "old" in keys and notes == {"saved before"}
    assert not keys & set(written[-21:])

    disk.mode = "ok"
    assert store.retry_pending() is True
    store.close()
    with StateStore.open(tmp_path) as reopened:
        assert reopened.read_keys() == {"old", *written}
        assert {b.note for b in reopened.bookmarks()} == {"saved before", "made while full"}


def test_unopenable_data_dir_works_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data directory's parent should be")
    data = blocker / "data"
    store = StateStore.open(data)
    assert "Could not open" in (_problem(store) or "")
    store.set_read("a")
    store.set_scroll_offset("a", 12.0)
    mark = store.add_bookmark(_new("a"))
    assert store.is_read("a") and store.scroll_offset("a") == 12.0
    assert store.bookmarks() == [mark]
    assert store.retry_pending() is False

    blocker.unlink()
    assert store.retry_pending() is True
    assert _problem(store) is None
    store.close()
    with StateStore.open(data) as reopened:
        assert reopened.read_keys() == {"a"} and reopened.scroll_offset("a") == 12.0
        assert [b.uid for b in reopened.bookmarks()] == [mark.uid]


def test_queued_writes_are_coalesced(tmp_path: Path) -> None:
    disk = Disk()
    _populate(tmp_path)
    disk.mode = "readonly"
    with StateStore.open(tmp_path, connector=disk) as store:
        for i in range(50):
            store.set_scroll_offset("a", float(i))
            store.set_read("a", i % 2 == 0)
        assert store.pending_writes == 2
        assert store.scroll_offset("a") == 49.0 and not store.is_read("a")
        disk.mode = "ok"
        assert store.retry_pending()
    with StateStore.open(tmp_path) as store:
        assert store.scroll_offset("a") == 49.0 and not store.is_read("a")


def test_next_write_flushes_the_queue_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saver, "RETRY_INTERVAL", 0.0)
    _populate(tmp_path)
    disk = Disk()
    disk.mode = "readonly"
    with StateStore.open(tmp_path, connector=disk) as store:
        store.set_read("queued")
        deleted = store.delete_bookmark(store.bookmarks()[0].id)
        assert deleted is not None and store.pending_writes == 2
        disk.mode = "ok"
        store.set_read("direct")
        assert store.pending_writes == 0 and _problem(store) is None
        store.restore_bookmark(deleted)  # Undo of a delete made while read-only.
    keys, notes, _ = _saved(tmp_path)
    assert keys == {"old", "queued", "direct"} and notes == {"saved before"}


def _chmod_bites(directory: Path) -> bool:
    probe = directory / "probe"
    try:
        probe.touch()
    except PermissionError:
        return True
    probe.unlink()
    return False


def test_read_only_directory_by_chmod(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _populate(data)
    data.chmod(0o500)
    (data / db.DB_NAME).chmod(0o400)
    try:
        if not _chmod_bites(data):
            pytest.skip("chmod does not stop this user (root); covered by the connector tests")
        store = StateStore.open(data)
        assert _problem(store) is not None
        assert store.is_read("old")  # Saved state is still shown, read from the locked file.
        store.set_read("new")
        assert store.read_keys() == {"old", "new"}
        assert store.retry_pending() is False
    finally:
        data.chmod(0o700)
        (data / db.DB_NAME).chmod(0o600)
    assert store.retry_pending() is True
    store.close()
    keys, _, check = _saved(data)
    assert keys == {"old", "new"} and check == "ok"
    assert os.stat(data).st_mode & 0o777 == 0o700


def test_lock_held_past_the_timeout_queues_instead_of_raising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer holding the lock past busy_timeout and the retries: queue, never raise."""
    monkeypatch.setattr(db, "BUSY_RETRIES", 1)
    _populate(tmp_path)

    def impatient(path: Path) -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=0.05, isolation_level=None, check_same_thread=False)

    other = sqlite3.connect(tmp_path / db.DB_NAME, isolation_level=None)
    with StateStore.open(tmp_path, connector=impatient) as store:
        other.execute("BEGIN IMMEDIATE")
        store.set_read("while-locked")
        assert "locked" in (_problem(store) or "")
        assert store.is_read("while-locked") and store.is_read("old")
        assert store.retry_pending() is False
        other.execute("COMMIT")
        assert store.retry_pending() is True
    other.close()
    keys, _, check = _saved(tmp_path)
    assert keys == {"old", "while-locked"} and check == "ok"


def test_database_damaged_while_open_is_set_aside_on_retry(tmp_path: Path) -> None:
    """Reads that hit a damaged file do not raise; the next retry sets the file aside."""
    with StateStore.open(tmp_path) as store:
        for i in range(2000):
            store.set_read(f"article-{i:05d}")

    def uncached(path: Path) -> sqlite3.Connection:
        conn = db.connect(path)
        conn.execute("PRAGMA cache_size = 1")  # Every read goes to the file.
        return conn

    store = StateStore.open(tmp_path, connector=uncached)
    assert len(store.read_keys()) == 2000
    path = tmp_path / db.DB_NAME
    damaged = path.read_bytes()[:4096] + os.urandom(path.stat().st_size - 4096)
    path.write_bytes(damaged)

    assert len(store.read_keys()) < 2000  # What is unreadable is not shown; nothing raised.
    assert _problem(store) is not None
    store.set_read("after")
    assert store.retry_pending() is True
    assert len(store.notices) == 1 and "moved to" in store.notices[0]
    assert store.read_keys() == {"after"}
    store.close()
    (moved,) = (
        p
        for p in tmp_path.iterdir()
        if p.name.startswith("state.sqlite3.corrupt-") and not p.name.endswith(("-wal", "-shm"))
    )
    assert moved.read_bytes() == damaged


def test_replay_that_conflicts_is_reported_not_raised(tmp_path: Path) -> None:
    """A queued write the disk now refuses (here: a trigger) is dropped with a notice."""
    _populate(tmp_path)
    disk = Disk()
    disk.mode = "readonly"
    with StateStore.open(tmp_path, connector=disk) as store:
        store.add_bookmark(_new("refused"))
        store.set_read("accepted")
        conn = sqlite3.connect(tmp_path / db.DB_NAME)
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON bookmarks "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        )
        conn.commit()
        conn.close()
        disk.mode = "ok"
        assert store.retry_pending() is True
        assert len(store.notices) == 1 and "refused by test trigger" in store.notices[0]
        assert store.is_read("accepted") and store.bookmark_counts() == {"old": 1}
