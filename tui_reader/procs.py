"""Worker processes that die with their parent.

A :class:`concurrent.futures.ProcessPoolExecutor` worker outlives its parent when
the parent is killed (SIGKILL, a closed terminal, an OOM kill): each worker holds
the write end of the pool's own task queue, so it never sees end-of-file and
waits forever, holding its memory (about 126 MB for a pyvi worker). The pools
here make every worker exit as soon as the process that made it is gone, by two
independent means:

* **A lifeline pipe** (everywhere): the parent keeps the write end of a pipe and
  never writes to it; a thread in each worker blocks reading the other end and
  ends the worker when the read fails, which happens the moment the parent's
  last handle closes, whatever killed it.
* **PR_SET_PDEATHSIG** (Linux, through ``prctl``): the kernel sends the worker
  SIGKILL when its parent dies, even if the worker is stuck in C code and its
  lifeline thread cannot run.

The kernel's signal fires when the *thread* that started the worker exits, so a
pool starts all its workers at once in the thread that creates it, and that
thread must outlive the pool: create and use it in one ``with`` block. Workers
ignore SIGINT: Ctrl-C goes to the parent, which cancels the work and shuts the
pool down.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["LifelinePool", "set_parent_death_signal", "worker_pool"]

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
#: Exit status of a worker that ended because its parent was gone.
ORPHAN_EXIT = 70


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _hold_lifeline(lifeline: Connection) -> None:
    """Block on the lifeline; the parent never writes, so returning means it is gone."""
    with contextlib.suppress(EOFError, OSError):
        while True:
            lifeline.recv_bytes()
    os._exit(ORPHAN_EXIT)


def _start_worker(
    parent_pid: int,
    lifeline: Connection,
    use_deathsig: bool,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> None:
    """Runs first in every worker: tie its life to the parent's, then the user's initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if use_deathsig:
        set_parent_death_signal()
    if os.getppid() != parent_pid:  # The parent died before the signal was armed.
        os._exit(ORPHAN_EXIT)
    threading.Thread(
        target=_hold_lifeline, args=(lifeline,), name="lifeline", daemon=True
    ).start()
    if initializer is not None:
        initializer(*initargs)


class LifelinePool(ProcessPoolExecutor):
    """A spawn-based process pool whose workers die with the process that made it.

    ``use_deathsig=False`` leaves only the portable lifeline (tests use it to
    check that the fallback works on its own).
    """

    def __init__(
        self,
        max_workers: int,
        *,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        use_deathsig: bool = True,
    ) -> None:
        context = multiprocessing.get_context("spawn")
        reader, self._lifeline = context.Pipe(duplex=False)
        super().__init__(
            max_workers=max(1, max_workers),
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), reader, use_deathsig, initializer, initargs),
        )
        self._started = self._start_all()
        if self._started:
            reader.close()  # Every worker has its own copy now.
        else:
            self._reader: Connection | None = reader  # Workers start later, on submit.

    def _start_all(self) -> bool:
        """Start every worker now, in this thread (see the module docstring)."""
        launch = getattr(self, "_launch_processes", None)
        if not callable(launch):
            return False
        try:
            launch()
        except (AssertionError, AttributeError) as err:  # A Python whose pool works otherwise.
            log.debug("could not start pool workers eagerly: %s", err)
            return False
        return True

    @property
    def worker_pids(self) -> list[int]:
        """The worker processes' ids (for tests and diagnostics)."""
        processes = getattr(self, "_processes", None) or {}
        return sorted(int(pid) for pid in processes)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Shut down as usual; once the workers have exited, drop the lifeline."""
        super().shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            self._lifeline.close()


@contextlib.contextmanager
def worker_pool(
    max_workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[LifelinePool]:
    """A :class:`LifelinePool` for one ``with`` block; pending work is cancelled on exit."""
    pool = LifelinePool(max_workers, initializer=initializer, initargs=initargs)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
