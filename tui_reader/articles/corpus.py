"""Finding the article files of a corpus.

A corpus is one or more paths: files, or folders searched recursively for the
files of every kind tui-reader reads (:mod:`.kinds`). Scanning only lists and
stats files; it never reads bodies, so it stays fast on folders of 100,000
files. Symlink loops, unreadable folders, names that are not valid UTF-8 and
files of kinds that are not articles (images, office files) are reported, never
fatal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.articles.kinds import kind_of, skip_reason
from tui_reader.articles.model import SkippedFile


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One article as found on disk: enough to tell whether a cache is stale.

    ``path`` is absolute and a ``str`` for the same reason as ``ArticleMeta.path``.
    A scan yields whole files (``offset`` -1); a listing entry of a record inside a
    file (``dump.jsonl#17``) carries the record's ``offset`` in the file, and its
    ``size`` and ``mtime_ns`` are those of the record (see ``ArticleMeta``).
    """

    path: str
    size: int
    mtime_ns: int
    offset: int = -1


@dataclass(slots=True)
class CorpusScan:
    """The files of a corpus in a stable order, and what was passed over and why."""

    files: list[FileEntry] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)


def _display(path: str) -> Path:
    """A path whose name may hold undecodable bytes (kept as surrogate escapes)."""
    return Path(path)


def _is_valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _list_folder(
    folder: str, scan: CorpusScan, seen_dirs: set[tuple[int, int]]
) -> list[os.DirEntry[str]] | None:
    """The sorted entries of ``folder``, or None (with the reason recorded) if it is unusable."""
    try:
        st = os.stat(folder)
    except OSError as err:
        scan.skipped.append(SkippedFile(_display(folder), f"cannot open folder: {err.strerror}"))
        return None
    ident = (st.st_dev, st.st_ino)
    if ident in seen_dirs:
        scan.skipped.append(SkippedFile(_display(folder), "symlink loop (folder already visited)"))
        return None
    seen_dirs.add(ident)
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as err:
        scan.skipped.append(SkippedFile(_display(folder), f"cannot list folder: {err.strerror}"))
        return None


def _walk(root: str, scan: CorpusScan, seen_dirs: set[tuple[int, int]]) -> Iterator[FileEntry]:
    """Depth-first, name-sorted walk with an explicit stack: any nesting depth is fine.

    Symlink loops are cut by remembering each folder's (device, inode).
    """
    stack: list[Iterator[os.DirEntry[str]]] = []
    entries = _list_folder(root, scan, seen_dirs)
    if entries is not None:
        stack.append(iter(entries))
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir():
                children = _list_folder(entry.path, scan, seen_dirs)
                if children is not None:
                    stack.append(iter(children))
                continue
            if not entry.is_file():
                continue
            if kind_of(entry.name) is None:
                reason = skip_reason(entry.name)
                if reason is not None:
                    scan.skipped.append(SkippedFile(_display(entry.path), reason))
                continue
            if not _is_valid_name(entry.name):
                scan.skipped.append(
                    SkippedFile(_display(entry.path), "file name is not valid UTF-8")
                )
                continue
            info = entry.stat()
        except OSError as err:
            scan.skipped.append(SkippedFile(_display(entry.path), f"cannot stat: {err.strerror}"))
            continue
        yield FileEntry(entry.path, info.st_size, info.st_mtime_ns)


def scan_corpus(paths: Sequence[Path]) -> CorpusScan:
    """List the article files under ``paths`` (files or folders), de-duplicated, in order.

    Paths that do not exist are collected in ``missing`` so the CLI can refuse
    them with a clear message before the app starts.
    """
    scan = CorpusScan()
    seen_files: set[str] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            scan.missing.append(path)
            continue
        if path.is_dir():
            found: Iterable[FileEntry] = _walk(os.path.abspath(path), scan, seen_dirs)
        else:
            try:
                info = path.stat()
            except OSError as err:
                scan.skipped.append(SkippedFile(path, f"cannot stat: {err.strerror}"))
                continue
            found = [FileEntry(os.path.abspath(path), info.st_size, info.st_mtime_ns)]
        for entry in found:
            if entry.path in seen_files:
                continue
            seen_files.add(entry.path)
            scan.files.append(entry)
    return scan
