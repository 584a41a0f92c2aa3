"""Sorting storage failures into the two kinds the store reacts to differently.

A *save problem* (read-only disk, disk full, I/O error, a lock that never
clears) is temporary and outside the database: the store keeps the write in
memory and retries. An *unusable database* (not a database, corrupt) will not
heal: the file is moved aside and a fresh one started. Anything else is a bug
and is allowed to surface.
"""

from __future__ import annotations

import errno
import sqlite3

# Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOLFS, _NOTADB = (
    3,
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    22,
    26,
)
_SAVE_CODES = frozenset({_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN, _NOLFS})
_UNUSABLE_CODES = frozenset({_CORRUPT, _NOTADB})
_SAVE_WORDS = ("readonly", "read-only", "disk i/o", "disk is full", "unable to open", "locked")


class BookmarkImportError(ValueError):
    """An import row is malformed; the message names the row and the field."""


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_busy(exc: BaseException) -> bool:
    """True for "database is locked": another writer holds the lock past busy_timeout."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = _code(exc)
    if code is not None:
        return code in (_BUSY, _LOCKED)
    return "locked" in str(exc).lower()


def is_save_problem(exc: BaseException) -> bool:
    """True when the disk, not the data, is at fault and a later retry may succeed."""
    if isinstance(exc, OSError):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = _code(exc)
    if code is not None:
        return code in _SAVE_CODES
    text = str(exc).lower()
    return any(word in text for word in _SAVE_WORDS)


def is_unusable(exc: BaseException) -> bool:
    """True when the file itself is broken (corrupt, truncated, not a database)."""
    if not isinstance(exc, sqlite3.DatabaseError) or is_save_problem(exc):
        return False
    code = _code(exc)
    if code is not None:
        return code in _UNUSABLE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def is_full(exc: BaseException) -> bool:
    """True when the disk (or a size limit) has no room left."""
    if isinstance(exc, OSError):
        return exc.errno == errno.ENOSPC
    if isinstance(exc, sqlite3.DatabaseError):
        code = _code(exc)
        return code == _FULL if code is not None else "disk is full" in str(exc).lower()
    return False


def describe(exc: BaseException) -> str:
    """A short human phrase for a storage failure, for warnings shown in the UI.

    A full disk reads "no space left on device" whichever layer noticed it
    (SQLite says "database or disk is full", the OS ``ENOSPC``).
    """
    if is_full(exc):
        filename = getattr(exc, "filename", None)
        return f"no space left on device: {filename}" if filename else "no space left on device"
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return f"{reason}: {exc.filename}" if exc.filename else reason
    return str(exc) or type(exc).__name__
