"""The working state of one index folder: what is committed, plus what an update changed.

:class:`IndexState` is the only thing that writes an index folder's segments,
masks, vocabulary and manifest. The builder (:mod:`tui_reader.search.index`)
loads it and hands out snapshots of it; an update
(:mod:`tui_reader.search.update`) changes it through the few methods below and
commits. Nothing outside this module touches the manifest or the checksums.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from tui_reader.search.files import Checksum, IndexDamaged, verify, write_array
from tui_reader.search.manifest import (
    LOCK,
    MANIFEST,
    VOCAB,
    Manifest,
    SegmentEntry,
    UnusableIndex,
    read_manifest,
    write_manifest,
)
from tui_reader.search.segment import Segment, SegmentArrays, merge_segments, write_segment_files
from tui_reader.search.snapshot import BoolArray, IndexSnapshot, SegmentView, frozen
from tui_reader.search.vocab import Vocabulary

__all__ = ["IndexState"]

log = logging.getLogger(__name__)


class IndexState:
    """Live segment views, the vocabulary and the manifest of one index folder.

    ``damaged`` lists the files found damaged on loading (their segments were
    dropped, so this state is newer than the disk's until the next commit).
    """

    def __init__(self, folder: Path, *, with_words: bool) -> None:
        self.folder = folder
        self.with_words = with_words
        self.vocab = Vocabulary()
        self.damaged: list[str] = []
        self._views: list[SegmentView] = []
        self._manifest = Manifest()
        self._files: dict[str, dict[str, Checksum]] = {}  # segment -> its files' checksums
        self._masks: dict[str, tuple[str, Checksum, BoolArray]] = {}  # committed masks

    # Loading ----------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path, *, with_words: bool) -> IndexState:
        """The committed state of ``folder`` (empty for a new index).

        Raises :class:`UnusableIndex` when the index as a whole cannot be used;
        a damaged segment only is dropped and listed in ``damaged``.
        """
        state = cls(folder, with_words=with_words)
        manifest = read_manifest(folder, with_words=with_words)
        if manifest is None:
            return state
        try:
            verify(folder / VOCAB, manifest.vocab_sum)
        except IndexDamaged as err:
            raise UnusableIndex("its vocabulary file is damaged") from err
        state.vocab = Vocabulary.load(folder / VOCAB, manifest.vocab_size)
        for entry in manifest.segments:
            try:
                view = state._open_segment(entry, manifest.vocab_size)
            except IndexDamaged as err:
                inside = err.path.is_relative_to(folder)
                where = err.path.relative_to(folder) if inside else err.path
                log.warning("search index file %s is damaged (%s)", where, err)
                state.damaged.append(str(where))
                continue
            state._views.append(view)
            state._files[entry.name] = entry.files
            if entry.mask is not None and entry.mask_sum is not None:
                state._masks[entry.name] = (entry.mask, entry.mask_sum, view.deleted)
        if state.damaged:
            manifest.segments = [e for e in manifest.segments if e.name in state._files]
        state._manifest = manifest
        return state

    def _open_segment(self, entry: SegmentEntry, vocab_size: int) -> SegmentView:
        """A committed segment and its deletion mask, checked against their checksums."""
        folder = self.folder / entry.name
        for name, checksum in entry.files.items():
            verify(folder / name, checksum)
        segment = Segment(folder)
        if segment.vocab_size > vocab_size:
            raise IndexDamaged(folder, "uses terms missing from the vocabulary")
        if entry.mask is None:
            mask = np.zeros(segment.n_docs, dtype=bool)
        else:
            path = self.folder / entry.mask
            verify(path, entry.mask_sum or (0, 0))
            try:
                mask = np.load(path).astype(bool)
            except (OSError, ValueError) as err:
                raise IndexDamaged(path, "unreadable") from err
            if mask.shape != (segment.n_docs,):
                raise IndexDamaged(path, "wrong length")
        return SegmentView(segment, frozen(mask))

    @property
    def generation(self) -> int:
        """The commit this state started from or last wrote."""
        return self._manifest.generation

    # Reading ----------------------------------------------------------------

    @property
    def views(self) -> tuple[SegmentView, ...]:
        return tuple(self._views)

    def snapshot(self, corpus_size: int) -> IndexSnapshot:
        """An immutable, searchable picture of this state.

        Its vocabulary ends where the last commit's does: terms of articles
        still being buffered are not searchable yet, so typo expansion never
        picks a term that no segment holds.
        """
        return IndexSnapshot(
            self._views, self.vocab, self._manifest.vocab_size, corpus_size, self.with_words
        )

    @property
    def skipped(self) -> dict[str, tuple[int, int, str]]:
        """Unreadable files: path -> ``(size, mtime_ns, reason)`` (committed with the rest)."""
        return self._manifest.skipped

    @skipped.setter
    def skipped(self, value: dict[str, tuple[int, int, str]]) -> None:
        self._manifest.skipped = value

    # Changing ---------------------------------------------------------------

    def add_segment(self, arrays: SegmentArrays) -> SegmentView:
        """Write ``arrays`` as a new segment at the end of the index."""
        view = SegmentView.whole(self._write(arrays))
        self._views.append(view)
        return view

    def delete(self, docs: Iterable[tuple[str, int]]) -> None:
        """Mask out ``(segment name, doc)`` pairs (masks are copied, never changed in place)."""
        by_name: dict[str, list[int]] = {}
        for name, doc in docs:
            by_name.setdefault(name, []).append(doc)
        views = []
        for view in self._views:
            hits = by_name.get(view.segment.name)
            if hits:
                mask = view.deleted.copy()
                mask[hits] = True
                view = SegmentView(view.segment, frozen(mask))
            views.append(view)
        self._views = views

    def merge(self, group: Sequence[SegmentView]) -> SegmentView | None:
        """Replace the views of ``group`` (in index order) by one segment of their live docs.

        The merged segment takes the place of the group's first view; None when
        no doc of the group was live (the views are just dropped).
        """
        live = [v for v in group if v.live]
        arrays = (
            merge_segments([(v.segment, v.deleted) for v in live], len(self.vocab))
            if live
            else None
        )
        return self.replace(group, arrays)

    def replace(
        self, group: Sequence[SegmentView], arrays: SegmentArrays | None
    ) -> SegmentView | None:
        """Replace the views of ``group`` by a new segment written from ``arrays``.

        It takes the place of the group's first view (None: the views are dropped).
        """
        new = SegmentView.whole(self._write(arrays)) if arrays is not None else None
        gone = {id(v) for v in group}
        views: list[SegmentView] = []
        for view in self._views:
            if id(view) not in gone:
                views.append(view)
            elif view is group[0] and new is not None:
                views.append(new)
        self._views = views
        return new

    def _write(self, arrays: SegmentArrays) -> Segment:
        name = f"seg{self._manifest.next_id:06d}"
        self._manifest.next_id += 1
        self._files[name] = write_segment_files(self.folder, name, arrays)
        return Segment(self.folder / name)

    # Committing -------------------------------------------------------------

    def commit(self) -> None:
        """Write the vocabulary, deletion masks and manifest, then drop unused files."""
        manifest = self._manifest
        manifest.generation += 1
        manifest.vocab_size = len(self.vocab)
        manifest.vocab_sum = self.vocab.save(self.folder / VOCAB, manifest.vocab_size)
        entries: list[SegmentEntry] = []
        masks: dict[str, tuple[str, Checksum, BoolArray]] = {}
        for view in self._views:
            name = view.segment.name
            files = self._files[name]
            if not view.deleted.any():
                entries.append(SegmentEntry(name, files))
                continue
            previous = self._masks.get(name)
            if previous is not None and np.array_equal(previous[2], view.deleted):
                mask_name, mask_sum = previous[0], previous[1]
            else:
                mask_name = f"{name}.d{manifest.generation}.npy"
                tmp = self.folder / f"{mask_name}.tmp"
                mask_sum = write_array(tmp, view.deleted)
                os.replace(tmp, self.folder / mask_name)
            masks[name] = (mask_name, mask_sum, view.deleted)
            entries.append(SegmentEntry(name, files, mask_name, mask_sum))
        manifest.segments = entries
        write_manifest(self.folder, manifest, with_words=self.with_words)
        self._masks = masks
        self._files = {e.name: e.files for e in entries}
        self.damaged = []
        keep = (
            {MANIFEST, VOCAB, LOCK}
            | {e.name for e in entries}
            | {e.mask for e in entries if e.mask is not None}
        )
        for child in self.folder.iterdir():
            if child.name not in keep:
                _remove(child)

    def wipe(self) -> None:
        """Delete everything in the folder but the lock (an unusable index is rebuilt)."""
        for child in self.folder.iterdir():
            if child.name != LOCK:
                _remove(child)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()
