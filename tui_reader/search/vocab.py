"""The index's term dictionary, and the structures that expand a typed word.

Terms (folded syllables like ``noi`` and pyvi words like ``ha_noi``) get ids in
order of first appearance, shared by every segment of an index: segments never
need their ids remapped, and a merge is a concatenation. The dictionary only
grows (ids of vanished terms are simply never matched), and one writer thread
may append while readers look terms up: readers only see ids below the size
recorded in their snapshot.

Expanding a query word happens over the *vocabulary*, never over article
texts: :class:`Lexicon` holds the syllable terms sorted (prefix ranges by
binary search) and a deletion-neighbourhood table (SymSpell) in which every
term and every one-character deletion of it is a CRC-32 in a sorted numpy
array, so the one-edit neighbours of a word are a handful of ``searchsorted``
calls plus verification with ``rapidfuzz``'s OSA distance (insertions,
deletions, substitutions, transpositions). Two-edit neighbours (words of 9+
letters, rare in Vietnamese) use ``rapidfuzz.process`` on the terms of the near
lengths whose letter sets are close enough (a 64-bit set per term, one
``bitwise_count`` per bucket).
"""

from __future__ import annotations

import bisect
import os
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tui_reader.search.files import Checksum, write_bytes

__all__ = ["SENTINEL", "Lexicon", "Vocabulary"]

#: Term id 0: the padding between documents in the forward index; matches nothing.
SENTINEL = ""

_FUZZY_MAX_LEN = 24  # longer terms are not typo targets (URLs, junk)


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


class Vocabulary:
    """Append-only ``term <-> id`` mapping; thread-safe for one writer and many readers."""

    def __init__(self, terms: list[str] | None = None) -> None:
        self._terms: list[str] = list(terms) if terms else [SENTINEL]
        if self._terms[0] != SENTINEL:
            raise ValueError("vocabulary must start with the sentinel term")
        self._ids: dict[str, int] = {t: i for i, t in enumerate(self._terms)}
        if len(self._ids) != len(self._terms):
            raise ValueError("duplicate terms in vocabulary")
        self._write_lock = threading.Lock()
        self._lexicon_lock = threading.Lock()
        self._lexicon: Lexicon | None = None

    def __len__(self) -> int:
        return len(self._terms)

    def get(self, term: str, size: int | None = None) -> int | None:
        """The id of ``term`` if it is known (and below ``size`` when given)."""
        gid = self._ids.get(term)
        if gid is None or (size is not None and gid >= size):
            return None
        return gid

    def term(self, gid: int) -> str:
        return self._terms[gid]

    def add_all(self, terms: list[str]) -> list[int]:
        """Ids for ``terms``, creating ids for new ones (writer side)."""
        ids = self._ids
        get = ids.get
        out: list[int] = []
        with self._write_lock:
            for term in terms:
                gid = get(term)
                if gid is None:
                    gid = len(self._terms)
                    self._terms.append(term)  # Append before publishing the id.
                    ids[term] = gid
                out.append(gid)
        return out

    # Persistence -----------------------------------------------------------

    def save(self, path: Path, size: int | None = None) -> Checksum:
        """Write the first ``size`` terms (one per line; terms never hold newlines) atomically.

        Returns the file's size and CRC-32, for the manifest.
        """
        size = len(self._terms) if size is None else size
        data = "\n".join(self._terms[:size]).encode("utf-8", "surrogatepass")
        tmp = path.with_name(path.name + ".tmp")
        checksum = write_bytes(tmp, [data], sync=True)
        os.replace(tmp, path)
        return checksum

    @classmethod
    def load(cls, path: Path, size: int) -> Vocabulary:
        """Read the first ``size`` terms written by :meth:`save`."""
        data = path.read_bytes().decode("utf-8", "surrogatepass")
        terms = data.split("\n") if data else []
        if len(terms) < size:
            raise ValueError(f"vocabulary has {len(terms)} terms, index needs {size}")
        return cls(terms[:size])

    # Query-side structures --------------------------------------------------

    def lexicon(self, size: int) -> Lexicon:
        """Prefix and typo lookup over the syllable terms with ids below ``size``.

        Built incrementally: extending a lexicon to a grown vocabulary only
        processes the new terms. A lexicon covering more ids may be returned.
        """
        with self._lexicon_lock:
            current = self._lexicon
            if current is not None and current.size >= size:
                return current  # Extra ids are harmless: no segment of the snapshot has them.
            self._lexicon = Lexicon.build(self._terms, min(size, len(self._terms)), current)
            return self._lexicon


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Immutable lookup tables over syllable terms ``[0, size)`` (word terms excluded)."""

    size: int
    terms: list[str]  # The vocabulary's own append-only list: id -> term.
    sorted_terms: list[str]
    sorted_ids: npt.NDArray[np.int64]
    del_hash: npt.NDArray[np.uint32]
    del_ids: npt.NDArray[np.int64]
    by_length: dict[int, tuple[list[str], list[int]]]
    # Typing re-queries the same words: remember their neighbours (bounded).
    _memo: dict[tuple[str, int], list[tuple[int, int]]] = field(default_factory=dict)
    # Per length bucket, each term's letters as a bit set (see ``_letters``), built on use.
    _letter_sets: dict[int, npt.NDArray[np.uint64]] = field(default_factory=dict)

    @staticmethod
    def build(terms: list[str], size: int, base: Lexicon | None) -> Lexicon:
        start = base.size if base is not None else 0
        new = [(terms[g], g) for g in range(max(start, 1), size) if "_" not in terms[g]]
        new.sort()
        hashes: list[int] = []
        owners: list[int] = []
        for term, gid in new:
            if len(term) > _FUZZY_MAX_LEN:
                continue
            variants = {term}
            if len(term) >= 2:
                variants.update(term[:i] + term[i + 1 :] for i in range(len(term)))
            for variant in variants:
                hashes.append(_crc(variant))
                owners.append(gid)
        new_terms = [t for t, _ in new]
        new_ids = np.array([g for _, g in new], dtype=np.int64)
        new_hash = np.array(hashes, dtype=np.uint32)
        new_owner = np.array(owners, dtype=np.int64)
        if base is not None:
            merged = base.sorted_terms + new_terms
            order = sorted(range(len(merged)), key=merged.__getitem__)
            sorted_terms = [merged[i] for i in order]
            sorted_ids = np.concatenate([base.sorted_ids, new_ids])[np.array(order, dtype=np.int64)]
            new_hash = np.concatenate([base.del_hash, new_hash])
            new_owner = np.concatenate([base.del_ids, new_owner])
        else:
            sorted_terms, sorted_ids = new_terms, new_ids
        perm = np.argsort(new_hash, kind="stable")
        by_length: dict[int, tuple[list[str], list[int]]] = {}
        for term, gid in zip(sorted_terms, sorted_ids.tolist(), strict=True):
            bucket = by_length.setdefault(len(term), ([], []))
            bucket[0].append(term)
            bucket[1].append(gid)
        return Lexicon(
            size, terms, sorted_terms, sorted_ids, new_hash[perm], new_owner[perm], by_length
        )

    def prefix_ids(self, prefix: str) -> npt.NDArray[np.int64]:
        """Ids of syllable terms starting with ``prefix`` (in term order)."""
        lo = bisect.bisect_left(self.sorted_terms, prefix)
        hi = bisect.bisect_left(self.sorted_terms, prefix + "\U0010ffff", lo)
        return self.sorted_ids[lo:hi]

    def neighbours(self, word: str, max_dist: int) -> list[tuple[int, int]]:
        """``(id, distance)`` of syllable terms within ``max_dist`` edits (OSA) of ``word``."""
        if max_dist <= 0 or not word:
            return []
        memo = self._memo.get((word, max_dist))
        if memo is None:
            if len(self._memo) > 20_000:
                self._memo.clear()
            memo = self._neighbours(word, max_dist)
            self._memo[(word, max_dist)] = memo
        return memo

    def _neighbours(self, word: str, max_dist: int) -> list[tuple[int, int]]:
        if max_dist == 1:
            variants = {word}
            variants.update(word[:i] + word[i + 1 :] for i in range(len(word)))
            keys = np.array(sorted(_crc(v) for v in variants), dtype=np.uint32)
            lo = np.searchsorted(self.del_hash, keys, side="left")
            hi = np.searchsorted(self.del_hash, keys, side="right")
            found: set[int] = set()
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                found.update(self.del_ids[a:b].tolist())
            if len(word) == 1:
                # One-letter terms index no empty deletion: substitutions (``q`` for «u»)
                # are the other one-letter terms.
                found.update(self.by_length.get(1, ([], []))[1])
            out = []
            terms = self.terms
            for gid in found:
                dist = OSA.distance(word, terms[gid], score_cutoff=1)
                if dist <= 1:
                    out.append((gid, dist))
            return out
        # An edit changes the set of letters a word holds by at most two (a substitution
        # drops one and brings one), so a term whose letter set differs from the word's by
        # more than ``2 * max_dist`` cannot be that close: only the others are measured.
        letters = np.uint64(_letters(word))
        result: list[tuple[int, int]] = []
        for length in range(len(word) - max_dist, len(word) + max_dist + 1):
            bucket = self.by_length.get(length)
            if bucket is None:
                continue
            sets = self._letter_sets.get(length)
            if sets is None:
                sets = np.array([_letters(t) for t in bucket[0]], dtype=np.uint64)
                self._letter_sets[length] = sets
            close = np.flatnonzero(np.bitwise_count(sets ^ letters) <= 2 * max_dist)
            if not len(close):
                continue
            terms = bucket[0]
            dist = process.cdist(
                [word],
                [terms[i] for i in close.tolist()],
                scorer=OSA.distance,
                score_cutoff=max_dist,
                dtype=np.int32,
            )[0]
            keep = np.flatnonzero(dist <= max_dist)
            keep = keep[np.argsort(dist[keep], kind="stable")]  # Nearest first, then in order.
            ids = bucket[1]
            result.extend((ids[int(close[k])], int(dist[k])) for k in keep.tolist())
        return result


def _letters(text: str) -> int:
    """The characters of ``text`` as a 64-bit set (code points folded modulo 64)."""
    bits = 0
    for char in text:
        bits |= 1 << (ord(char) & 63)
    return bits
