"""Kill a state-store writer with SIGKILL hundreds of times; count damage and lost writes.

Run by hand (minutes, not part of the test suite)::

    /work/venv/bin/python scripts/stress_state.py --kills 200

Each round starts a child that opens the store (recovering the previous
round's WAL), writes read marks, scroll offsets, bookmarks, notes and import
batches in a loop, printing each write only after it committed, and is
SIGKILLed at a random moment. After every kill the database must pass
``PRAGMA integrity_check``, open without being moved aside, and contain every
write any child reported. Same child and checks as ``tests/store/test_kill.py``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.store.workers

from tests.store import workers
from tui_reader.store.state import StateStore


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="rounds (default 200)")
    parser.add_argument("--max-delay", type=float, default=0.2, help="latest kill, s after start")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: random)")
    parser.add_argument("--data", type=Path, default=None, help="data dir (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temp data dir")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    data = args.data or Path(tempfile.mkdtemp(prefix="stress-state-")) / "data"
    committed = workers.Committed()
    integrity_failures = 0
    missing: set[str] = set()
    started = time.perf_counter()
    print(f"sqlite {sqlite3.sqlite_version}, seed {seed}, data {data}")
    try:
        for kill in range(args.kills):
            committed.extend(workers.run_and_kill(data, f"k{kill}", rng.uniform(0, args.max_delay)))
            check = workers.integrity(data)
            with StateStore.open(data) as store:
                if check != "ok" or store.notices:
                    integrity_failures += 1
                    print(f"kill {kill + 1}: integrity {check!r}, notices {store.notices}")
                lost = set(committed.missing(store)) - missing
                if lost:
                    print(
                        f"kill {kill + 1}: {len(lost)} committed writes missing, e.g. {min(lost)}"
                    )
                    missing |= lost
                rows = len(store.read_keys()), len(store.bookmarks())
            if (kill + 1) % 50 == 0:
                print(f"  ... {kill + 1} kills, {committed.count} writes checked")
        elapsed = time.perf_counter() - started
        size = (data / "state.sqlite3").stat().st_size
        print(f"kills done: {args.kills}")
        print(f"integrity failures: {integrity_failures}")
        print(
            f"committed writes checked: {committed.count} "
            f"(read marks {len(committed.read)}, offsets {len(committed.offsets)}, "
            f"bookmarks {len(committed.uids)}, notes {len(committed.notes)})"
        )
        print(f"missing writes: {len(missing)}")
        print(f"final database: {rows[0]} read marks, {rows[1]} bookmarks, {size} bytes")
        print(f"elapsed: {elapsed:.1f} s")
    finally:
        if args.data is None and not args.keep:
            shutil.rmtree(data.parent, ignore_errors=True)
    return 1 if integrity_failures or missing else 0


if __name__ == "__main__":
    sys.exit(main())
