"""Bookmarks into the store from a JSON export, re-anchored against the local corpus.

Reading checks everything before anything is written: a file that is not JSON,
not a list, or has one bad row is rejected whole with a message naming the
problem (:class:`BookmarkImportError`). Writing is one transaction in the store,
idempotent by uid. Each new row is first resolved against the corpus: found,
it gets the passage index, offsets and path it has here; not found (article not
in this corpus, passage gone), it is kept as orphaned with its quote.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tui_reader.bookmarks.finder import Located, Locator
from tui_reader.bookmarks.resolve import ORPHANED
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus
from tui_reader.store.db import utc_now
from tui_reader.store.errors import BookmarkImportError
from tui_reader.store.records import parse_int, parse_record
from tui_reader.store.state import StateStore
from tui_reader.words import plural

__all__ = ["BookmarkImportError", "ImportReport", "import_bookmarks", "parse_export", "read_export"]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did. ``present``: rows whose uid the store already had."""

    added: int
    present: int
    orphaned: int
    reanchored: int
    notes_updated: int = 0
    """Bookmarks already here whose note the file had in a newer version."""
    kept_newer: int = 0
    """Bookmarks already here whose note differs but was edited here more recently."""
    duplicates: int = 0
    """Rows of the file repeating a uid of another row (the newest version was used)."""

    def summary(self) -> str:
        """One line for the user."""
        line = f"{self.added} added, {self.present} already present, {self.orphaned} orphaned"
        if self.reanchored:
            line += f", {self.reanchored} re-anchored to where their passage is now"
        if self.notes_updated:
            notes = plural(self.notes_updated, "note")
            line += f", {notes} updated to the newer version in the file"
        if self.kept_newer:
            notes = plural(self.kept_newer, "note")
            line += f", {notes} kept as edited here (newer than the file)"
        if self.duplicates:
            rows = plural(self.duplicates, "repeated row")
            line += f"; {rows} in the file (the newest of each used)"
        return line


def read_export(path: Path) -> list[Bookmark]:
    """Read and check a JSON export file; raises :class:`BookmarkImportError`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BookmarkImportError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_export(data, str(path))


def parse_export(data: bytes | str, source: str = "the input") -> list[Bookmark]:
    """Check a JSON export (bytes or text) and return its rows as bookmarks (id 0).

    Raises :class:`BookmarkImportError` naming ``source`` and the problem: not
    UTF-8, not JSON (with line and column), not a list of objects, or the first
    bad row (its number and field).
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BookmarkImportError(
                f"{source} is not UTF-8 text (bad byte at offset {exc.start})"
            ) from None
    else:
        text = data
    try:
        rows = json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as exc:
        raise BookmarkImportError(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:  # e.g. a float json cannot convert
        raise BookmarkImportError(f"{source} is not valid JSON: {exc}") from None
    except RecursionError:
        raise BookmarkImportError(f"{source} is not a bookmark export: nested too deeply") from None
    if not isinstance(rows, list):
        raise BookmarkImportError(
            f"{source} is not a bookmark export: expected a JSON list of bookmarks "
            f"(as written by 'tui-reader bookmarks export'), found {_json_type(rows)}"
        )
    return [parse_record(row, number) for number, row in enumerate(rows, start=1)]


def _json_type(value: object) -> str:
    names = {dict: "an object", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def dedupe(bookmarks: Sequence[Bookmark]) -> tuple[list[Bookmark], int]:
    """One row per uid, the most recently updated; and how many rows repeated a uid.

    Rows that repeat a uid with the same content are simply duplicates. With
    different content the newer ``updated`` wins; when both have the same time the
    file contradicts itself and is refused (:class:`BookmarkImportError`, naming
    both rows), because either choice could drop what the user wrote.
    """
    chosen: dict[str, tuple[int, Bookmark]] = {}
    repeats = 0
    for number, mark in enumerate(bookmarks, start=1):
        seen = chosen.get(mark.uid)
        if seen is None:
            chosen[mark.uid] = (number, mark)
            continue
        repeats += 1
        first_number, first = seen
        if first.to_record() == mark.to_record():
            continue
        if mark.updated == first.updated:
            raise BookmarkImportError(
                f"bookmark rows {first_number} and {number}: the same 'uid' {mark.uid!r} with "
                "different content and the same 'updated' time, so neither is known to be newer"
            )
        if mark.updated > first.updated:
            chosen[mark.uid] = (number, mark)
    return [mark for _, mark in sorted(chosen.values(), key=lambda item: item[0])], repeats


def import_bookmarks(
    store: StateStore, bookmarks: Sequence[Bookmark], locator: Locator | None
) -> ImportReport:
    """Add the rows the store does not have yet, each re-anchored, in one transaction.

    ``locator`` searches the local corpus; with None every new row is orphaned.
    A row whose anchor changed here gets a fresh ``updated`` time. A row the store
    already has brings its note in when the file's version is newer (a note edited
    on another machine); a note edited here more recently is kept.
    """
    unique, repeats = dedupe(bookmarks)
    known = store.bookmarks_by_uid(mark.uid for mark in unique)
    now = utc_now()
    fresh: list[Bookmark] = []
    notes: list[tuple[str, str, str]] = []
    kept = moved = 0
    for mark in unique:
        here = known.get(mark.uid)
        if here is not None:
            if here.note != mark.note:
                # A file without note times (older exports) counts its row's last change.
                written = mark.note_updated or mark.updated
                if written > here.note_time:
                    notes.append((mark.uid, mark.note, written))
                else:
                    kept += 1
            continue
        located = locator.locate(mark) if locator is not None else Located(None, ORPHANED)
        found = located.article if located.resolution.ok else None
        anchored = located.resolution.apply_to(mark, found.path if found else mark.path)
        if anchored is not mark:
            if located.resolution.ok and _position(anchored) != _position(mark):
                moved += 1
            anchored = replace(anchored, updated=now)
        fresh.append(anchored)
    added = store.import_bookmarks(fresh, notes=notes)
    orphaned = sum(mark.status is BookmarkStatus.ORPHANED for mark in fresh)
    return ImportReport(
        added=added,
        present=len(unique) - added,
        orphaned=orphaned,
        reanchored=moved,
        notes_updated=len(notes),
        kept_newer=kept,
        duplicates=repeats,
    )


def _position(mark: Bookmark) -> tuple[int, int, int]:
    return (mark.passage_index, mark.start, mark.end)
