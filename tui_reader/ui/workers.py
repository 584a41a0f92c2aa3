"""The one handler for background-worker failures: shown, logged, progress cleared.

Every screen that runs workers mixes in :class:`WorkerFailures`. When a worker
ends in ``WorkerState.ERROR`` (an exception in indexing, the listing, opening
an article, a search) the reader gets a notification that says what failed and
where the details are, the traceback goes to the log file, and the screen's
:meth:`WorkerFailures.worker_failed` clears whatever progress it was showing,
so a failed search never just says "No matches".
"""

from __future__ import annotations

import logging

from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tui_reader import logs
from tui_reader.articles.sanitize import outside, safe_name

__all__ = ["WHAT_FAILED", "WorkerFailures", "report_worker_failure"]

log = logging.getLogger(__name__)

#: What each worker group does, in words for the notification.
WHAT_FAILED = {
    "listing": "Reading the corpus",
    "index": "Indexing",
    "open": "Opening the article",
    "search": "The search",
    "bookmarks": "Loading the bookmarks",
}


def report_worker_failure(node: Widget, worker: Worker[object]) -> str:
    """Log the worker's traceback and notify the reader; returns what failed, in words."""
    error = worker.error
    what = WHAT_FAILED.get(worker.group, f"A background task ({worker.name or worker.group})")
    if error is not None:
        log.error("%s failed", what, exc_info=(type(error), error, error.__traceback__))
        reason = f"{type(error).__name__}: {outside(error, one_line=True)}"
    else:
        log.error("%s failed (no error recorded)", what)
        reason = "unknown error"
    where = logs.current_log()
    details = f" Details in {safe_name(where)}." if where is not None else ""
    node.notify(f"{what} failed ({reason}).{details}", severity="error", timeout=20, markup=False)
    return what


class WorkerFailures:
    """Mixin for screens: the ``Worker.StateChanged`` handler for ``WorkerState.ERROR``."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        assert isinstance(self, Widget)
        what = report_worker_failure(self, event.worker)
        self.worker_failed(event.worker.group, what)

    def worker_failed(self, group: str, what: str) -> None:
        """Clear the progress state of a failed worker's group (screens override)."""
