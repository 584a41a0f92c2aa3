"""Migrations run in order, one transaction each; unusable files are moved aside, never deleted."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tui_reader.store import db
from tui_reader.store.schema import MIGRATIONS, Migration
from tui_reader.store.state import StateStore


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _aside(data: Path, kind: str) -> list[Path]:
    """Databases set aside (their -wal/-shm siblings travel with them)."""
    return sorted(
        p
        for p in data.iterdir()
        if p.name.startswith(f"state.sqlite3.{kind}-") and not p.name.endswith(("-wal", "-shm"))
    )


def test_v0_database_is_migrated_in_place(tmp_path: Path) -> None:
    """A database from before versioning (user_version 0) keeps its contents and gains ours."""
    path = tmp_path / db.DB_NAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE legacy (x TEXT)")
    conn.execute("INSERT INTO legacy VALUES ('giữ lại')")
    conn.commit()
    conn.close()
    with StateStore.open(tmp_path) as store:
        store.set_read("a")
        assert store.notices == []
    assert {"legacy", "read_state", "bookmarks"} <= _tables(path)
    assert _version(path) == len(MIGRATIONS)
    assert sqlite3.connect(path).execute("SELECT x FROM legacy").fetchall() == [("giữ lại",)]


def test_later_migrations_apply_in_order_and_keep_data(tmp_path: Path) -> None:
    with StateStore.open(tmp_path) as store:
        store.set_read("a")
    applied: list[int] = []

    def v2(conn: sqlite3.Connection) -> None:
        applied.append(2)
        conn.execute("ALTER TABLE read_state ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")

    def v3(conn: sqlite3.Connection) -> None:
        applied.append(3)
        conn.execute("UPDATE read_state SET pinned = 1 WHERE read = 1")

    notices: list[str] = []
    conn = db.open_disk(tmp_path, notices, migrations=[*MIGRATIONS, v2, v3])
    try:
        assert applied == [2, 3] and notices == []
        assert db.user_version(conn) == len(MIGRATIONS) + 2
        assert conn.execute("SELECT article_key, pinned FROM read_state").fetchall() == [("a", 1)]
    finally:
        conn.close()


def test_each_migration_commits_on_its_own(tmp_path: Path) -> None:
    """A failing step rolls back alone; the steps before it stay applied."""

    def v2(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE v2_table (x)")

    def v3_fails(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE v3_table (x)")
        conn.execute("SELECT * FROM missing_table")

    migrations: list[Migration] = [*MIGRATIONS, v2, v3_fails]
    conn = db.connect(tmp_path / "m.sqlite3")
    db.configure(conn)
    with pytest.raises(sqlite3.OperationalError, match="missing_table"):
        db.migrate(conn, migrations)
    assert db.user_version(conn) == len(MIGRATIONS) + 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "v2_table" in names and "v3_table" not in names
    conn.close()


def test_newer_database_is_moved_aside_intact(tmp_path: Path) -> None:
    path = tmp_path / db.DB_NAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("INSERT INTO future VALUES ('dữ liệu tương lai')")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    original = path.read_bytes()

    with StateStore.open(tmp_path) as store:
        store.set_read("a")
        (moved,) = _aside(tmp_path, "newer")
        assert len(store.notices) == 1
        assert str(moved) in store.notices[0] and "newer" in store.notices[0]
        assert store.save_problem is None
    assert moved.read_bytes() == original
    assert _version(path) == len(MIGRATIONS) and "future" not in _tables(path)


def test_garbage_file_is_moved_aside_with_its_siblings(tmp_path: Path) -> None:
    path = tmp_path / db.DB_NAME
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    Path(f"{path}-wal").write_bytes(b"stale wal")
    with StateStore.open(tmp_path) as store:
        assert store.read_keys() == set()
        store.set_read("a")
        assert len(store.notices) == 1 and "not a database" in store.notices[0]
    (moved,) = _aside(tmp_path, "corrupt")
    assert moved.read_bytes() == garbage
    assert Path(f"{moved}-wal").read_bytes() == b"stale wal"
    with StateStore.open(tmp_path) as store:
        assert store.read_keys() == {"a"} and store.notices == []


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_database_is_moved_aside(tmp_path: Path, keep: float) -> None:
    with StateStore.open(tmp_path) as store:
        for i in range(3000):
            store.set_read(f"article-{i:05d}")
    path = tmp_path / db.DB_NAME
    data = path.read_bytes()
    cut = int(len(data) * keep) // 4096 * 4096
    path.write_bytes(data[:cut])
    with StateStore.open(tmp_path) as store:
        assert store.read_keys() == set()
        assert len(store.notices) == 1 and "moved to" in store.notices[0]
        store.set_read("fresh")
    (moved,) = _aside(tmp_path, "corrupt")
    assert moved.read_bytes() == data[:cut]


def test_empty_file_is_just_a_new_database(tmp_path: Path) -> None:
    (tmp_path / db.DB_NAME).touch()
    with StateStore.open(tmp_path) as store:
        store.set_read("a")
        assert store.notices == []
    assert _aside(tmp_path, "corrupt") == []


def test_move_aside_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / db.DB_NAME
    targets = []
    for n in range(3):
        path.write_bytes(f"copy {n}".encode())
        targets.append(db.move_aside(path, "corrupt"))
    assert len(set(targets)) == 3
    assert [t.read_bytes() for t in targets] == [b"copy 0", b"copy 1", b"copy 2"]
