"""SIGKILL at random moments never corrupts the database or loses a committed write.

The child prints each write only after the store returned from committing it,
so every printed line must be found on disk after the kill. The long run
(hundreds of kills) is ``scripts/stress_state.py``.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.store import workers
from tui_reader.store.state import StateStore

KILLS = 10


def test_sigkill_loses_no_committed_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    rng = random.Random(20261122)
    committed = workers.Committed()
    for kill in range(KILLS):
        committed.extend(workers.run_and_kill(data, f"k{kill}", rng.uniform(0.0, 0.12)))
        assert workers.integrity(data) == "ok"
        with StateStore.open(data) as store:
            assert store.notices == [] and store.save_problem is None
            assert committed.missing(store) == []
    assert len(committed.read) >= KILLS and committed.notes and committed.uids
