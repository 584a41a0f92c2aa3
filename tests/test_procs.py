"""Worker processes die with their parent: a SIGKILLed parent leaves no orphan behind.

Each test starts a real parent process, waits until its workers are running,
kills the parent with SIGKILL (nothing of Python's shutdown runs) and then waits
for every worker to be gone. Waiting has a generous deadline only so that a
regression fails instead of hanging; nothing here measures time.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable
from pathlib import Path

import psutil
import pytest

from tui_reader.paths import seeds_dir
from tui_reader.procs import LifelinePool, set_parent_death_signal

DEADLINE = 60.0
REPO = Path(__file__).resolve().parent.parent

PARENT = textwrap.dedent(
    """
    import sys, time
    from tui_reader.procs import LifelinePool

    def nap(seconds):
        time.sleep(seconds)

    if __name__ == "__main__":
        pool = LifelinePool(2, use_deathsig=sys.argv[1] == "deathsig")
        for _ in range(4):
            pool.submit(nap, 3600)
        print(" ".join(map(str, pool.worker_pids)), flush=True)
        time.sleep(3600)
    """
)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_until(condition: object, what: str) -> None:
    assert callable(condition)
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _kill_and_expect_gone(parent: subprocess.Popen[bytes], workers: Iterable[int]) -> None:
    workers = list(workers)
    assert workers and all(_alive(pid) for pid in workers), "workers must be running at the kill"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _wait_until(lambda: not any(_alive(pid) for pid in workers), f"workers {workers} to exit")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return env


@pytest.mark.parametrize("mode", ["deathsig", "lifeline-only"])
def test_pool_workers_die_with_a_killed_parent(tmp_path: Path, mode: str) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    parent = subprocess.Popen(
        [sys.executable, str(script), mode], stdout=subprocess.PIPE, env=_env()
    )
    try:
        assert parent.stdout is not None
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == 2
        _kill_and_expect_gone(parent, pids)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_pool_works_and_shuts_down_cleanly() -> None:
    with LifelinePool(2) as pool:
        pids = pool.worker_pids
        assert len(pids) == 2  # started at once, in this thread
        assert sorted(pool.map(abs, [-3, -1, -2])) == [1, 2, 3]
    _wait_until(lambda: not any(_alive(pid) for pid in pids), "workers to exit after shutdown")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_parent_death_signal_is_available_on_linux() -> None:
    code = "from tui_reader.procs import set_parent_death_signal as s; print(s())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True
    )
    assert out.stdout.strip() == "True"
    assert set_parent_death_signal is not None


def _synthetic_corpus(folder: Path, count: int) -> Path:
    """``count`` distinct articles built from the seeds' sentences (each needs pyvi)."""
    sentences: list[str] = []
    for seed in sorted(seeds_dir().glob("*.txt")):
        for line in seed.read_text(encoding="utf-8").splitlines()[1:]:
            sentences.extend(part.strip() + "." for part in line.split(".") if part.strip())
    rng = random.Random(8)
    folder.mkdir()
    for n in range(count):
        body = [" ".join(rng.sample(sentences, min(6, len(sentences)))) for _ in range(5)]
        text = f"Bài số {n}: {rng.choice(sentences)}\n\n" + "\n\n".join(body) + "\n"
        (folder / f"{n:05d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_sigkill_of_the_indexer_leaves_no_worker_running(tmp_path: Path) -> None:
    corpus = _synthetic_corpus(tmp_path / "corpus", 3000)
    command = [sys.executable, "-m", "tui_reader", "index", str(corpus), "--quiet"]
    command += ["--workers", "2", "--cache-dir", str(tmp_path / "cache")]
    indexer = subprocess.Popen(
        command, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        me = psutil.Process(indexer.pid)

        def workers() -> list[int]:
            found = []
            for child in me.children(recursive=True):
                try:
                    if "resource_tracker" not in " ".join(child.cmdline()):
                        found.append(child.pid)
                except psutil.Error:
                    continue
            return found

        _wait_until(lambda: len(workers()) >= 2, "the indexer's worker processes")
        _kill_and_expect_gone(indexer, workers())
    finally:
        if indexer.poll() is None:
            indexer.kill()
