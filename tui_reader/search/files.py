"""Checksummed index files: every write records a CRC-32, every load can check it.

An index file whose bytes were overwritten (a disk error, a stray tool) must
never turn into a traceback or a wrong passage. Each file is written here,
through one choke point, which computes its size and CRC-32 on the way out;
the manifest records them and :func:`verify` checks them on load (streamed
over a memory map: about a second per GB, done once per load in the
background worker).

Writes go through Python's own file objects (never ``ndarray.tofile``, whose
short-write error hides the errno), so a full disk is reported as
:class:`IndexWriteError` "no space left on device: <path>", not as "488739
requested and 119776 written".
"""

from __future__ import annotations

import errno
import io
import mmap
import os
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = [
    "Checksum",
    "IndexDamaged",
    "IndexWriteError",
    "checksum_of",
    "verify",
    "write_array",
    "write_bytes",
]

#: ``(size in bytes, CRC-32)`` of one file.
Checksum = tuple[int, int]

_CHUNK = 1 << 22


class IndexDamaged(ValueError):  # noqa: N818 - reads as what it is
    """An index file is missing or its bytes are not the ones written (see ``path``)."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path.name}: {why}")
        self.path = path


class IndexWriteError(OSError):
    """Writing an index file failed; ``str()`` says what happened and where, in words."""

    def __init__(self, path: Path, err: OSError) -> None:
        code = err.errno
        if code in (errno.ENOSPC, errno.EDQUOT):
            reason = "no space left on device"
        else:
            reason = (err.strerror or str(err) or type(err).__name__).lower()
        super().__init__(code, reason, str(path))
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.reason}: {self.path}"


def _write(fh: io.BufferedWriter, data: bytes | memoryview) -> None:
    """The one place index bytes are written (tests replace it to simulate a full disk)."""
    fh.write(data)


def write_bytes(
    path: Path, chunks: Iterable[bytes | memoryview], *, sync: bool = False
) -> Checksum:
    """Write ``chunks`` to ``path``; returns the file's size and CRC-32."""
    crc = 0
    size = 0
    try:
        with path.open("wb") as fh:
            for chunk in chunks:
                view = memoryview(chunk).cast("B")
                crc = zlib.crc32(view, crc)
                size += len(view)
                _write(fh, view)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except IndexWriteError:
        raise
    except OSError as err:
        raise IndexWriteError(path, err) from err
    return size, crc


def write_array(path: Path, array: npt.NDArray[np.generic]) -> Checksum:
    """Write a 1-d array as a ``.npy`` file (``np.load`` reads it; memory-mappable)."""
    array = np.ascontiguousarray(array)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, np.lib.format.header_data_from_array_1_0(array))
    return write_bytes(path, [header.getvalue(), array.data.cast("B")])


def checksum_of(path: Path) -> Checksum:
    """Size and CRC-32 of a file as it is on disk (streamed over a memory map)."""
    with path.open("rb") as fh:
        size = fh.seek(0, io.SEEK_END)
        if size == 0:
            return 0, 0
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            crc = 0
            view = memoryview(mapped)
            try:
                for start in range(0, size, _CHUNK):
                    crc = zlib.crc32(view[start : start + _CHUNK], crc)
            finally:
                view.release()
    return size, crc


def verify(path: Path, expected: Checksum) -> None:
    """Raise :class:`IndexDamaged` unless ``path`` has the size and CRC-32 recorded."""
    try:
        actual = checksum_of(path)
    except OSError as err:
        raise IndexDamaged(path, err.strerror or "cannot be read") from err
    if actual[0] != expected[0]:
        raise IndexDamaged(path, f"{actual[0]} bytes, {expected[0]} were written")
    if actual[1] != expected[1]:
        raise IndexDamaged(path, "checksum does not match")
