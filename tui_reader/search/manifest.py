"""The index manifest (what is committed, with every file's checksum) and the update lock.

``manifest.json`` is the single source of truth of an index folder: the
format and tokenizer versions, the live segments with their deletion masks,
the vocabulary size, the skipped files, and the size and CRC-32 of every file
the index consists of. It is written aside and renamed into place, so a
killed process leaves the previous commit. Its first line is the CRC-32 of the
rest, so damage to the manifest itself is detected too.

Errors are typed so a caller can tell "this index cannot be used, rebuild it"
(:class:`UnusableIndex`) from a bug in the loader, which must surface.
"""

from __future__ import annotations

import json
import os
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.search.files import Checksum, write_bytes
from tui_reader.text.wordseg import TOKENIZER_VERSION

__all__ = [
    "INDEX_FORMAT",
    "MANIFEST",
    "VOCAB",
    "IndexLock",
    "Manifest",
    "SegmentEntry",
    "UnusableIndex",
    "committed_generation",
    "read_manifest",
    "write_manifest",
]

INDEX_FORMAT = 3  # 3: segments say whether they have pyvi words yet.
MANIFEST = "manifest.json"
VOCAB = "vocab.txt"
LOCK = "lock"


class UnusableIndex(Exception):  # noqa: N818 - reads as what it is
    """The index as a whole cannot be used (outdated, other settings, damaged manifest or
    vocabulary): it is discarded and rebuilt. The message says why, in words."""


@dataclass(frozen=True, slots=True)
class SegmentEntry:
    """One committed segment: its folder, deletion mask file, and the checksums of both."""

    name: str
    files: dict[str, Checksum]
    mask: str | None = None
    mask_sum: Checksum | None = None


@dataclass(slots=True)
class Manifest:
    """What one commit holds. ``skipped`` maps paths to ``(size, mtime_ns, reason)``."""

    segments: list[SegmentEntry] = field(default_factory=list)
    vocab_size: int = 0
    vocab_sum: Checksum = (0, 0)
    next_id: int = 1
    generation: int = 0
    skipped: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def _sum(value: object) -> Checksum:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("checksum is not a pair")
    return int(value[0]), int(value[1])


def _parse(raw: object) -> Manifest:
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    segments = []
    for item in raw["segments"]:
        files = {str(k): _sum(v) for k, v in item["files"].items()}
        mask = item.get("mask")
        segments.append(
            SegmentEntry(
                str(item["name"]),
                files,
                None if mask is None else str(mask),
                None if mask is None else _sum(item["mask_sum"]),
            )
        )
    return Manifest(
        segments=segments,
        vocab_size=int(raw["vocab"]),
        vocab_sum=_sum(raw["vocab_sum"]),
        next_id=int(raw["next"]),
        generation=int(raw["generation"]),
        skipped={str(p): (int(s), int(m), str(r)) for p, s, m, r in raw["skipped"]},
    )


def _body(path: Path) -> dict[str, object]:
    """The manifest's JSON object, after checking its checksum line."""
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    try:
        recorded = int(head, 16)
    except ValueError:
        raise UnusableIndex("its manifest is damaged") from None
    if zlib.crc32(body) != recorded:
        raise UnusableIndex("its manifest is damaged")
    try:
        raw = json.loads(body.decode("utf-8", "surrogatepass"))
    except ValueError:
        raise UnusableIndex("its manifest is damaged") from None
    if not isinstance(raw, dict):
        raise UnusableIndex("its manifest is damaged")
    return raw


def read_manifest(folder: Path, *, with_words: bool) -> Manifest | None:
    """The committed manifest of ``folder``; None for a new index.

    Raises :class:`UnusableIndex` when it is damaged, from another format or
    tokenizer version, or built with the other word setting.
    """
    path = folder / MANIFEST
    try:
        raw = _body(path)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise UnusableIndex(f"its manifest cannot be read ({err.strerror or err})") from err
    if raw.get("format") != INDEX_FORMAT or raw.get("tokenizer") != TOKENIZER_VERSION:
        raise UnusableIndex("it was built by another version")
    if bool(raw.get("words")) != with_words:
        raise UnusableIndex("it was built with a different word setting")
    try:
        return _parse(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        # The checksum matched, so this is a manifest we wrote with another layout.
        raise UnusableIndex(f"its manifest has an unknown layout ({err})") from err


def write_manifest(folder: Path, manifest: Manifest, *, with_words: bool) -> None:
    """Commit ``manifest``: written aside, synced, renamed into place."""
    data = {
        "format": INDEX_FORMAT,
        "tokenizer": TOKENIZER_VERSION,
        "words": with_words,
        "vocab": manifest.vocab_size,
        "vocab_sum": list(manifest.vocab_sum),
        "next": manifest.next_id,
        "generation": manifest.generation,
        "segments": [
            {
                "name": s.name,
                "files": {k: list(v) for k, v in sorted(s.files.items())},
                "mask": s.mask,
                "mask_sum": None if s.mask_sum is None else list(s.mask_sum),
            }
            for s in manifest.segments
        ],
        "skipped": [[p, s, m, r] for p, (s, m, r) in sorted(manifest.skipped.items())],
    }
    body = json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    tmp = folder / f"{MANIFEST}.tmp"
    write_bytes(tmp, [b"%08x\n" % zlib.crc32(body), body], sync=True)
    os.replace(tmp, folder / MANIFEST)


def committed_generation(folder: Path) -> int | None:
    """The generation of the manifest on disk (None: none, or unreadable)."""
    try:
        value = _body(folder / MANIFEST).get("generation")
    except (OSError, UnusableIndex):
        return None
    return value if isinstance(value, int) else None


class IndexLock:
    """An advisory lock file so two processes never update one index at once."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fh: int | None = None

    def acquire(self, cancel: threading.Event | None) -> bool:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no cross-process lock.
            return True
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fh = fd
                return True
            except OSError:
                if cancel is not None and cancel.wait(0.2):
                    os.close(fd)
                    return False
                if cancel is None:
                    time.sleep(0.2)

    def release(self) -> None:
        if self._fh is not None:
            os.close(self._fh)  # Closing drops the flock.
            self._fh = None
