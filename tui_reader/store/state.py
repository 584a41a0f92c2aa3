"""The public face of the store: read marks, reading positions and bookmarks.

Storage trouble never raises from here: see :mod:`.saver` for how writes are
kept in memory and retried, :attr:`StateStore.save_problem` for the warning to
show, and :attr:`StateStore.notices` for one-off messages (a damaged database
moved aside). Caller mistakes (a negative passage index, a NaN offset, a
malformed import row) do raise ``ValueError``.

Bookmark ids can change in one case: a bookmark made while saving was failing
gets a provisional (negative) id and its real id once saved. The store keeps
the mapping, so ids the UI already holds keep working.
"""

from __future__ import annotations

import math
import os
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from tui_reader import paths
from tui_reader.store import bookmarks as bm
from tui_reader.store import db, marks
from tui_reader.store.bookmarks import (
    Bookmark,
    BookmarkStatus,
    Cursor,
    NewBookmark,
    ProvisionalIds,
)
from tui_reader.store.errors import BookmarkImportError
from tui_reader.store.marks import Position, ReadState
from tui_reader.store.records import parse_record
from tui_reader.store.saver import Saver


class StateStore:
    """Read marks, scroll offsets and bookmarks in ``<data_dir>/state.sqlite3``."""

    def __init__(self, directory: Path, *, connector: db.Connector = db.connect) -> None:
        """Prefer :meth:`open`; this takes an already resolved directory."""
        self._ids: dict[int, int] = {}
        self._saver = Saver(directory, connector=connector, reconcile=self._remember_ids)

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        connector: db.Connector = db.connect,
    ) -> StateStore:
        """Open the store in ``data_dir`` (flag, then env, then platform default).

        ``connector`` makes the SQLite connection; tests inject read-only or
        size-capped ones to simulate a locked-down or full disk.
        """
        return cls(paths.data_dir(data_dir), connector=connector)

    def close(self) -> None:
        """Try once more to save anything queued, then close."""
        self._saver.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- status ---------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The database file (it may not exist while saving fails)."""
        return self._saver.path

    @property
    def notices(self) -> list[str]:
        """One-off messages for the UI, e.g. where a damaged database was moved."""
        return self._saver.notices

    @property
    def save_problem(self) -> str | None:
        """Why changes are not being saved right now, or None when all is saved."""
        return self._saver.problem

    @property
    def save_reason(self) -> str | None:
        """Just the cause of :attr:`save_problem` (e.g. "no space left on device")."""
        return self._saver.reason

    @property
    def pending_writes(self) -> int:
        """How many changes are waiting to be saved (the UI can warn before quitting)."""
        return self._saver.pending

    def retry_pending(self) -> bool:
        """Try to save queued changes now; True when nothing is left unsaved."""
        return self._saver.retry()

    # -- read marks and positions -----------------------------------------------------------

    def is_read(self, key: str) -> bool:
        return self._saver.read(lambda c: marks.is_read(c, key))

    def read_keys(self) -> set[str]:
        """Every article key marked read (one query; tens of ms for 35k keys)."""
        return self._saver.read(marks.read_keys)

    def set_read(
        self, key: str, read: bool = True, *, path: str | None = None, title: str | None = None
    ) -> None:
        """Mark read or unread; ``path`` and ``title`` let the mark follow an edited file."""
        now = db.utc_now()
        self._saver.write(
            lambda c, _: marks.set_read(c, key, read, now, path, title), coalesce=("read", key)
        )

    def read_state(self, key: str) -> ReadState | None:
        """The read mark and position of one article key, if any."""
        return self._saver.read(lambda c: marks.get(c, key))

    def read_states_not_in(self, keys: Iterable[str]) -> list[ReadState]:
        """Rows whose article key is not in ``keys`` (edited or moved articles) and that
        remember enough (path or title) to be followed."""
        wanted = set(keys)
        return self._saver.read(lambda c: marks.not_in(c, wanted))

    def set_position(
        self,
        key: str,
        position: Position,
        *,
        path: str | None = None,
        title: str | None = None,
    ) -> None:
        """Remember the cursor's passage, its anchor and the scroll offset."""
        if position.passage < 0 or not math.isfinite(position.y):
            raise ValueError(f"bad reading position {position!r}")
        now = db.utc_now()
        self._saver.write(
            lambda c, _: marks.set_position(c, key, position, now, path, title),
            coalesce=("y", key),
        )

    def move_read_state(
        self,
        old_key: str,
        new_key: str,
        *,
        passage: int | None,
        path: str | None = None,
        title: str | None = None,
    ) -> None:
        """Follow an edited or moved article: the row moves to its new key (merged if needed)."""
        now = db.utc_now()
        self._saver.write(
            lambda c, _: marks.move(
                c, old_key, new_key, now, passage=passage, path=path, title=title
            ),
            durable=True,
        )

    def toggle_read(self, key: str) -> bool:
        """Flip the mark as the reader sees it; returns the new state."""
        with self._saver.lock:
            new = not self.is_read(key)
            self.set_read(key, new)
            return new

    def scroll_offset(self, key: str) -> float | None:
        return self._saver.read(lambda c: marks.scroll_offset(c, key))

    def set_scroll_offset(self, key: str, y: float) -> None:
        """Remember where the reader is; callers should debounce (one write per call)."""
        y = float(y)
        if not math.isfinite(y):
            raise ValueError(f"scroll offset must be a finite number, got {y!r}")
        now = db.utc_now()
        self._saver.write(lambda c, _: marks.set_scroll_offset(c, key, y, now), coalesce=("y", key))

    # -- bookmarks --------------------------------------------------------------------------

    def bookmarks(self, article_key: str | None = None) -> list[Bookmark]:
        """All bookmarks, or one article's, newest first."""
        return self._saver.read(lambda c: bm.listing(c, article_key))

    def article_bookmarks(self, article_key: str, path: Path | str) -> list[Bookmark]:
        """One article's bookmarks (by its key, or saved at its path), newest first."""
        return self._saver.read(lambda c: bm.for_article(c, article_key, str(path)))

    def bookmarks_page(self, after: Cursor | None = None, limit: int = 200) -> list[Bookmark]:
        """One page of the newest-first listing (see :func:`bookmarks.page`)."""
        return self._saver.read(lambda c: bm.page(c, after, limit))

    def bookmark_totals(self) -> tuple[int, int]:
        """(how many bookmarks, how many of them orphaned)."""
        return self._saver.read(bm.total)

    def has_bookmark_text_index(self) -> bool:
        """Whether the bookmarks' full-text index exists (SQLite has FTS5)."""
        return self._saver.read(bm.has_text_index)

    def bookmark_terms(self) -> list[str]:
        """Every word in the bookmarks' titles, quotes and notes (:func:`bookmarks.text_terms`)."""
        return self._saver.read(bm.text_terms)

    def bookmarks_matching(
        self, expression: str, limit: int, count_up_to: int = 10_000
    ) -> tuple[list[Bookmark], int]:
        """The newest ``limit`` bookmarks for a full-text expression, and how many match
        (up to ``count_up_to``; see :func:`bookmarks.text_matches`)."""
        return self._saver.read(lambda c: bm.text_matches(c, expression, limit, count_up_to))

    def bookmarks_not_in(self, keys: Iterable[str]) -> list[Bookmark]:
        """Bookmarks whose article key is not in ``keys`` (their article changed or moved)."""
        wanted = set(keys)
        return self._saver.read(lambda c: bm.not_in(c, wanted))

    def bookmark_id_range(self) -> tuple[int, int]:
        """The smallest and largest bookmark id ((1, 0) when there are none)."""
        return self._saver.read(bm.id_range)

    def bookmarks_to_check(
        self,
        keys: Iterable[str],
        paths: Iterable[str],
        titles: Iterable[str],
        ids: tuple[int, int] | None = None,
    ) -> list[str]:
        """Uids a corpus check must re-anchor (see :func:`bookmarks.to_check`)."""
        k, p, t = list(keys), list(paths), list(titles)
        return self._saver.read(lambda c: bm.to_check(c, k, p, t, ids))

    def forget_check(self) -> None:
        """Drop what :meth:`bookmarks_to_check` kept between slices."""
        self._saver.read(bm.forget_check)

    def set_bookmark_anchors(self, moves: Sequence[Bookmark]) -> None:
        """Save many re-anchored rows (position, path, status, key, title) in one transaction."""
        now = db.utc_now()
        rows = list(moves)

        def op(conn: sqlite3.Connection, _: ProvisionalIds | None) -> None:
            for mark in rows:
                bm.set_anchor(
                    conn,
                    mark.uid,
                    mark.passage_index,
                    mark.path,
                    mark.status,
                    (mark.start, mark.end),
                    now,
                    mark.article_key,
                    mark.title,
                )

        if rows:
            self._saver.write(op, durable=True)

    def bookmark_by_uid(self, uid: str) -> Bookmark | None:
        return self._saver.read(lambda c: bm.get_by_uid(c, uid))

    def bookmark(self, bookmark_id: int) -> Bookmark | None:
        resolved = self._resolve(bookmark_id)
        return self._saver.read(lambda c: bm.get(c, resolved))

    def bookmark_counts_for(self, keys: Iterable[str]) -> dict[str, int]:
        """Bookmark counts of these article keys only (each an index lookup)."""
        wanted = sorted(set(keys))
        return self._saver.read(lambda c: bm.counts_for(c, wanted))

    def bookmark_counts(self) -> dict[str, int]:
        """How many bookmarks each article has (articles without any are absent)."""
        return self._saver.read(bm.counts)

    def add_bookmark(
        self, new: NewBookmark, *, uid: str | None = None, created: str | None = None
    ) -> Bookmark:
        """Save a new bookmark; ``uid``/``created`` let a caller name it before it is saved."""
        now = created or db.utc_now()
        mark = Bookmark(
            id=0,
            uid=uid or str(uuid.uuid4()),
            article_key=new.article_key,
            path=new.path,
            title=new.title,
            passage_index=new.passage_index,
            quote=new.quote,
            prefix=new.prefix,
            suffix=new.suffix,
            start=new.start,
            end=new.end,
            note=new.note,
            created=now,
            updated=now,
            status=BookmarkStatus.OK,
            source_url=new.source_url,
        )

        def op(conn: sqlite3.Connection, provisional: ProvisionalIds | None) -> Bookmark:
            bm.insert_if_absent(conn, mark, provisional)
            saved = bm.get_by_uid(conn, mark.uid)
            assert saved is not None
            return saved

        return self._saver.write(op, durable=True)

    def update_note(self, bookmark_id: int, note: str) -> None:
        """Replace the note; an unknown id (deleted meanwhile) is ignored."""
        now = db.utc_now()
        with self._saver.lock:
            uid = self._uid(bookmark_id)
            if uid is not None:
                self._saver.write(lambda c, _: bm.update_note(c, uid, note, now), durable=True)

    def set_note(self, uid: str, note: str) -> None:
        """Replace the note of the bookmark ``uid`` (ignored if it was deleted meanwhile)."""
        now = db.utc_now()
        self._saver.write(lambda c, _: bm.update_note(c, uid, note, now), durable=True)

    def delete_by_uid(self, uid: str) -> Bookmark | None:
        """Delete the bookmark ``uid``; returns the row (for undo), None if it was not there."""
        return self._saver.write(lambda c, _: bm.delete(c, uid), durable=True)

    def delete_bookmark(self, bookmark_id: int) -> Bookmark | None:
        """Delete and return the row (for undo via :meth:`restore_bookmark`), or None."""
        with self._saver.lock:
            uid = self._uid(bookmark_id)
            if uid is None:
                return None
            return self._saver.write(lambda c, _: bm.delete(c, uid), durable=True)

    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Undo a delete: same uid, and the same id unless it was taken meanwhile."""
        original = replace(bookmark, id=self._resolve(bookmark.id))

        def op(conn: sqlite3.Connection, provisional: ProvisionalIds | None) -> int:
            return bm.insert_if_absent(conn, original, provisional, keep_id=True)[0]

        with self._saver.lock:
            new_id = self._saver.write(op, durable=True)
            if bookmark.id and new_id != bookmark.id:
                self._ids[bookmark.id] = new_id

    def set_bookmark_anchor(
        self,
        bookmark_id: int,
        passage_index: int,
        path: Path | str,
        status: BookmarkStatus | str,
        *,
        start: int | None = None,
        end: int | None = None,
        article_key: str | None = None,
        title: str | None = None,
    ) -> None:
        """Record where re-anchoring found the quote (or that it is orphaned).

        ``article_key`` and ``title`` follow an article whose text was edited (its
        content key changed), so its bookmarks keep counting for it.
        """
        state = BookmarkStatus(status)
        if passage_index < 0:
            raise ValueError(f"passage index must not be negative, got {passage_index}")
        offsets: tuple[int, int] | None = None
        if start is not None and end is not None:
            if not 0 <= start <= end:
                raise ValueError(f"bad quote offsets {start}..{end}")
            offsets = (start, end)
        now = db.utc_now()
        with self._saver.lock:
            uid = self._uid(bookmark_id)
            if uid is not None:
                self._saver.write(
                    lambda c, _: bm.set_anchor(
                        c, uid, passage_index, path, state, offsets, now, article_key, title
                    ),
                    durable=True,
                )

    def bookmarks_by_uid(self, uids: Iterable[str]) -> dict[str, Bookmark]:
        """The stored bookmarks among ``uids``, by uid."""
        wanted = list(uids)
        return self._saver.read(lambda c: bm.by_uids(c, wanted))

    def import_bookmarks(
        self,
        rows: Iterable[Mapping[str, object] | Bookmark],
        *,
        notes: Sequence[tuple[str, str, str]] = (),
    ) -> int:
        """Add bookmarks (dicts as from :meth:`Bookmark.to_record`, or Bookmarks) in one go.

        Idempotent by uid: rows already present are skipped, so importing the
        same file twice adds nothing. ``notes`` are ``(uid, note, updated)`` for
        bookmarks already here whose note was edited more recently elsewhere; they
        change in the same transaction. All rows are checked first; one bad row
        raises :class:`BookmarkImportError` naming it, and nothing is added.
        Returns how many bookmarks were added.
        """
        parsed = [parse_record(row, number) for number, row in enumerate(rows, start=1)]
        edits = list(notes)

        def op(conn: sqlite3.Connection, provisional: ProvisionalIds | None) -> int:
            try:
                added = bm.insert_many(conn, parsed, provisional)
                for uid, note, updated in edits:
                    bm.update_note(conn, uid, note, updated)
                return added
            except sqlite3.IntegrityError as exc:
                raise BookmarkImportError(f"bookmark import rejected: {exc}") from exc

        return self._saver.write(op, durable=True)

    def discard_unsaved(self) -> int:
        """Drop changes kept in memory because the disk refused them; how many were dropped.

        For a process about to exit (the CLI): what it could not save must not be
        saved later behind the user's back, after it said nothing was saved.
        """
        return self._saver.discard()

    # -- ids --------------------------------------------------------------------------------

    def _resolve(self, bookmark_id: int) -> int:
        for _ in range(len(self._ids) + 1):
            if bookmark_id not in self._ids:
                break
            bookmark_id = self._ids[bookmark_id]
        return bookmark_id

    def _uid(self, bookmark_id: int) -> str | None:
        resolved = self._resolve(bookmark_id)
        mark = self._saver.read(lambda c: bm.get(c, resolved))
        return None if mark is None else mark.uid

    def _remember_ids(self, memory: sqlite3.Connection, disk: sqlite3.Connection) -> None:
        for old, new in bm.id_changes(memory, disk).items():
            self._ids[old] = new
        for old, target in list(self._ids.items()):
            self._ids[old] = self._resolve(target)
