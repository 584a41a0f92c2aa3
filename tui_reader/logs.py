"""Logging: module loggers everywhere, one rotating log file in the cache dir.

Every module logs through ``logging.getLogger(__name__)``, and every broad
``except`` logs what it caught (``log.exception`` keeps the traceback), so an
error is never silent. Nothing is written anywhere until the app or the CLI
calls :func:`setup` with the cache dir it uses: importing tui-reader (tests,
benchmarks, a library user) configures no handler and touches no file.

The file is ``<cache dir>/tui-reader.log``, rotated at ``MAX_BYTES`` with
``BACKUPS`` old copies, private to the user (paths and notes are personal).
Lines go through the same sanitizer as everything else shown to a person, so
``cat`` or ``tail -f`` of the log can never replay an escape sequence that was
in a file name or an imported note.
"""

from __future__ import annotations

import logging
import os
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from tui_reader.articles.sanitize import safe_text

__all__ = ["BACKUPS", "LOG_NAME", "MAX_BYTES", "current_log", "log_file", "setup", "shutdown"]

LOG_NAME = "tui-reader.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
ROOT = "tui_reader"
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"

_lock = threading.Lock()
_handler: RotatingFileHandler | None = None


class SafeFormatter(logging.Formatter):
    """Formats as usual, then makes the whole line (traceback included) terminal-safe."""

    def format(self, record: logging.LogRecord) -> str:
        return safe_text(super().format(record))


class _QuietFileHandler(RotatingFileHandler):
    """A log that cannot be written (full disk) must not print tracebacks to the terminal."""

    dropped = 0

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        self.dropped += 1


def log_file(cache_dir: Path) -> Path:
    """Where the log of a cache dir is."""
    return Path(cache_dir) / LOG_NAME


def current_log() -> Path | None:
    """The file being logged to, or None before :func:`setup` (or when it failed)."""
    handler = _handler
    return Path(handler.baseFilename) if handler is not None else None


def setup(cache_dir: Path, level: int = logging.INFO) -> Path | None:
    """Log ``tui_reader.*`` at ``level`` and above to the cache dir's rotating file.

    Idempotent: calling it again with the same dir keeps the handler, with another
    dir moves it. Returns the log file, or None when it cannot be created (a
    read-only cache dir): the program then runs without a log file rather than fail.
    """
    global _handler
    path = log_file(cache_dir)
    with _lock:
        if _handler is not None and Path(_handler.baseFilename) == path.absolute():
            return path
        _remove()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            handler = _QuietFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False
            )
        except OSError:
            return None
        handler.setFormatter(SafeFormatter(FORMAT))
        logger = logging.getLogger(ROOT)
        logger.addHandler(handler)
        logger.setLevel(level)
        _handler = handler
    return path


def _remove() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger(ROOT).removeHandler(_handler)
        _handler.close()
        _handler = None


def shutdown() -> None:
    """Remove and close the file handler (tests call it between runs)."""
    with _lock:
        _remove()
