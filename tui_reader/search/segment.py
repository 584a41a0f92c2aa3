"""Immutable index segments: flat numpy arrays on disk, memory-mapped on load.

A segment holds up to 65,536 articles (local doc ids fit in 16 bits) and never
changes once written; deletions live beside it in the manifest (see
:mod:`tui_reader.search.index`). Like Lucene, new articles go into new small
segments and small segments are merged into bigger ones.

Arrays (``vocab_n`` = vocabulary size when written, ``n`` = articles):

* ``ptr`` (vocab_n+1, int64), ``post`` (uint32): postings of term ``t`` are
  ``post[ptr[t]:ptr[t+1]]``, each ``doc << 16 | position``, sorted. Terms are
  folded syllables and pyvi words (a word's position is its first syllable's).
* ``dptr`` (vocab_n+1, int64), ``dpost`` (uint16): the distinct docs of each
  term, ``dpost[dptr[t]:dptr[t+1]]``; their count is the document frequency.
  Counting how many query words each doc holds costs one ``bincount`` over
  these short lists instead of the positional postings.
* ``fwd`` (uint32): the forward index, every article's syllable term ids in
  order; bit 31 set when the syllable continues the previous one's pyvi word.
  Phrase checks, prefix matches and word-boundary checks read it directly.
  :data:`PAD` sentinel tokens (term id 0, which matches nothing) precede every
  article and follow the last, so reading a few tokens before or after an
  article needs no bounds check.
* ``dstart`` (n+1): where each article's tokens start in ``fwd``
  (``dstart[i + 1] = dstart[i] + length + PAD``); ``tlen``: title tokens;
  ``pptr``/``pstart``: first position of each passage.
* ``sizes``, ``mtimes``; ``paths``, ``keys``, ``titles`` (UTF-8 blobs with
  offsets); ``stored``: compressed title and passage texts for snippets.

``meta.json`` says whether the segment has its pyvi words (join bits and word
terms): a first build writes syllable-only segments, searchable at once, and
rewrites them with words afterwards (:mod:`tui_reader.search.update`).

Writes go to ``<name>.tmp`` and are renamed into place, so a killed process
never leaves a half-written segment that a manifest refers to.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tui_reader.search.analysis import AnalyzedDoc, StoredDoc, stored_texts
from tui_reader.search.files import Checksum, IndexDamaged, write_array, write_bytes
from tui_reader.search.vocab import Vocabulary

__all__ = [
    "ID_MASK",
    "JOIN_BIT",
    "MAX_SEGMENT_DOCS",
    "Segment",
    "SegmentArrays",
    "SegmentBuffer",
    "merge_segments",
    "write_segment",
    "write_segment_files",
]

SEGMENT_FORMAT = 4
MAX_SEGMENT_DOCS = 1 << 16
JOIN_BIT = 1 << 31
ID_MASK = JOIN_BIT - 1
MAX_WORD_SYLLABLES = 6
#: Sentinel tokens around each article in ``fwd``; more than the longest query.
PAD = 32
#: A term in at least this many docs also gets its doc list as a packed bitmap
#: (:meth:`Segment.doc_bits`): about 1,400 terms of the 35k corpus, 6 MB, built in ~0.1 s.
DENSE_DOCS = 1000

U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

_ARRAYS = {
    "ptr": np.int64,
    "post": np.uint32,
    "dptr": np.int64,
    "dpost": np.uint16,
    "fwd": np.uint32,
    "dstart": np.int64,
    "tlen": np.uint32,
    "pptr": np.int64,
    "pstart": np.uint32,
    "sizes": np.int64,
    "mtimes": np.int64,
}
_BLOBS = ("paths", "keys", "titles", "stored")


@dataclass(slots=True)
class SegmentArrays:
    """A segment's content in memory, ready to write (see the module doc for fields)."""

    vocab_size: int
    ptr: I64
    post: U32
    dptr: I64
    dpost: U16
    fwd: U32
    dstart: I64
    tlen: U32
    pptr: I64
    pstart: U32
    sizes: I64
    mtimes: I64
    paths: list[bytes]
    keys: list[bytes]
    titles: list[bytes]
    stored: list[bytes]
    words: bool = True

    @property
    def n_docs(self) -> int:
        return len(self.paths)


def _diff(offsets: I64) -> I64:
    """Lengths from an offsets array (``np.diff`` with a precise type)."""
    a = np.asarray(offsets, dtype=np.int64)
    return (a[1:] - a[:-1]).astype(np.int64)


def _enc(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _dec(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _doc_lists(terms_sorted: U32, post: U32, vocab_n: int) -> tuple[I64, U16]:
    """Per term, its distinct docs (from postings sorted by term, then key)."""
    docs = post >> 16
    first = np.ones(len(post), dtype=bool)
    first[1:] = (terms_sorted[1:] != terms_sorted[:-1]) | (docs[1:] != docs[:-1])
    dptr = np.zeros(vocab_n + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms_sorted[first], minlength=vocab_n), out=dptr[1:])
    return dptr, docs[first].astype(np.uint16)


def _word_terms(
    syllables: U32, joins: npt.NDArray[np.uint8], vocab: Vocabulary
) -> tuple[list[int], list[str]]:
    """Positions and ``a_b`` strings of the multi-syllable pyvi words."""
    n = len(syllables)
    if n < 2 or not joins[1:].any():
        return [], []
    starts = np.flatnonzero(joins == 0)
    if len(starts) == 0 or starts[0] != 0:
        starts = np.concatenate([[0], starts])
    ends = np.append(starts[1:], n)
    lengths = ends - starts
    keep = (lengths >= 2) & (lengths <= MAX_WORD_SYLLABLES)
    positions = starts[keep].tolist()
    term = vocab.term
    ids = syllables.tolist()
    words = [
        "_".join([term(g) for g in ids[s:e]])
        for s, e in zip(positions, ends[keep].tolist(), strict=True)
    ]
    return positions, words


class SegmentBuffer:
    """Collects analyzed articles and builds a segment's arrays from them."""

    def __init__(self, vocab: Vocabulary, *, with_words: bool = True) -> None:
        self._vocab = vocab
        self._with_words = with_words
        # Per article: its tokens (term id | join bit), and its word terms and their
        # keys; syllable postings are derived from the tokens at build time, so a
        # 35k-article buffer does not hold every posting twice.
        self._fwd: list[U32] = []
        self._word_ids: list[U32] = []
        self._word_keys: list[U32] = []
        self._tlen: list[int] = []
        self._plens: list[list[int]] = []
        self._sizes: list[int] = []
        self._mtimes: list[int] = []
        self._paths: list[bytes] = []
        self._doc_keys: list[bytes] = []
        self._titles: list[bytes] = []
        self._stored: list[bytes] = []

    def __len__(self) -> int:
        return len(self._paths)

    def add(self, doc: AnalyzedDoc, joins: bytes | None) -> None:
        """Add one article; ``joins`` are its pyvi join flags (None: syllables only)."""
        self.add_ids(doc, np.array(self._vocab.add_all(doc.terms), dtype=np.uint32), joins)

    def add_ids(self, doc: StoredDoc, syllables: U32, joins: bytes | None) -> None:
        """Add one article given its syllables' term ids (``len == sum(doc.lengths)``)."""
        local = len(self._paths)
        if local >= MAX_SEGMENT_DOCS:
            raise ValueError("segment is full")
        n = len(syllables)
        flags = np.zeros(n, dtype=np.uint8)
        if joins is not None and self._with_words and len(joins) == n:
            flags = np.frombuffer(joins, dtype=np.uint8).copy()
            flags[flags != 0] = 1
            boundary = 0
            for length in doc.lengths:  # A word never spans two passages.
                if boundary < n:
                    flags[boundary] = 0
                boundary += length
        self._fwd.append((syllables | (flags.astype(np.uint32) << np.uint32(31))).astype(np.uint32))
        word_pos, words = (
            _word_terms(syllables, flags, self._vocab) if self._with_words else ([], [])
        )
        if words:
            self._word_ids.append(np.array(self._vocab.add_all(words), dtype=np.uint32))
            self._word_keys.append(np.array(word_pos, dtype=np.uint32) + np.uint32(local << 16))
        self._tlen.append(doc.lengths[0] if doc.lengths else 0)
        self._plens.append(list(doc.lengths[1:]))
        self._sizes.append(doc.size)
        self._mtimes.append(doc.mtime_ns)
        self._paths.append(_enc(doc.path))
        self._doc_keys.append(_enc(doc.key))
        self._titles.append(_enc(doc.title))
        self._stored.append(doc.stored)

    def build(self) -> SegmentArrays:
        """The arrays of everything added so far."""
        vocab_size = len(self._vocab)
        empty = np.zeros(0, dtype=np.uint32)
        tokens = np.concatenate(self._fwd) if self._fwd else empty
        word_ids = np.concatenate(self._word_ids) if self._word_ids else empty
        word_keys = np.concatenate(self._word_keys) if self._word_keys else empty
        n_tokens = len(tokens)
        # One sort of (term, key) pairs: keys are unique, so no stable argsort is needed.
        pairs = np.empty(n_tokens + len(word_ids), dtype=np.uint64)
        head = pairs[:n_tokens]
        np.bitwise_and(tokens, np.uint32(ID_MASK), out=head, casting="unsafe")
        head <<= np.uint64(32)
        doc_lengths = np.array([len(f) for f in self._fwd], dtype=np.int64)
        # Key of token i of doc d, d << 16 | i, from the token's index in ``tokens``
        # (uint32 arithmetic wraps, and every key fits in 32 bits).
        shift = (np.arange(len(doc_lengths), dtype=np.int64) << 16) - (
            np.cumsum(doc_lengths) - doc_lengths
        )
        keys = np.arange(n_tokens, dtype=np.uint32)
        keys += np.repeat(shift.astype(np.uint32), doc_lengths)
        head |= keys
        del tokens, shift, keys
        tail = pairs[n_tokens:]
        np.left_shift(word_ids.astype(np.uint64), np.uint64(32), out=tail)
        tail |= word_keys
        del word_ids, word_keys, head, tail
        pairs.sort()
        terms_sorted = (pairs >> np.uint64(32)).astype(np.uint32)
        post = (pairs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        del pairs
        counts = np.bincount(terms_sorted, minlength=vocab_size)
        ptr = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        dptr, dpost = _doc_lists(terms_sorted, post, vocab_size)
        lengths = np.array([len(f) for f in self._fwd], dtype=np.int64)
        dstart = np.full(len(lengths) + 1, PAD, dtype=np.int64)
        np.cumsum(lengths + PAD, out=dstart[1:])
        dstart[1:] += PAD
        pad = np.zeros(PAD, dtype=np.uint32)
        fwd_parts = [pad]
        for tokens in self._fwd:
            fwd_parts += [tokens, pad]
        pcounts = np.array([len(p) for p in self._plens], dtype=np.int64)
        pptr = np.zeros(len(pcounts) + 1, dtype=np.int64)
        np.cumsum(pcounts, out=pptr[1:])
        pstart: list[int] = []
        for tlen, plens in zip(self._tlen, self._plens, strict=True):
            at = tlen
            for length in plens:
                pstart.append(at)
                at += length
        return SegmentArrays(
            vocab_size=vocab_size,
            ptr=ptr,
            post=post.astype(np.uint32),
            dptr=dptr,
            dpost=dpost,
            fwd=np.concatenate(fwd_parts),
            dstart=dstart,
            tlen=np.array(self._tlen, dtype=np.uint32),
            pptr=pptr,
            pstart=np.array(pstart, dtype=np.uint32),
            sizes=np.array(self._sizes, dtype=np.int64),
            mtimes=np.array(self._mtimes, dtype=np.int64),
            paths=self._paths,
            keys=self._doc_keys,
            titles=self._titles,
            stored=self._stored,
            words=self._with_words,
        )


def _write_blob(folder: Path, name: str, items: list[bytes], sums: dict[str, Checksum]) -> None:
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum([len(i) for i in items], out=offsets[1:])
    sums[f"{name}_off.npy"] = write_array(folder / f"{name}_off.npy", offsets)
    sums[f"{name}.bin"] = write_bytes(folder / f"{name}.bin", items)


def write_segment(parent: Path, name: str, arrays: SegmentArrays) -> Path:
    """Write ``arrays`` as segment ``name`` under ``parent``; returns its folder."""
    write_segment_files(parent, name, arrays)
    return parent / name


def write_segment_files(parent: Path, name: str, arrays: SegmentArrays) -> dict[str, Checksum]:
    """Write ``arrays`` as segment ``name`` under ``parent`` (atomically, by rename).

    Returns the size and CRC-32 of every file written, for the manifest.
    """
    final = parent / name
    tmp = parent / f"{name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sums: dict[str, Checksum] = {}
    for field in _ARRAYS:
        sums[f"{field}.npy"] = write_array(tmp / f"{field}.npy", getattr(arrays, field))
    for blob in _BLOBS:
        _write_blob(tmp, blob, getattr(arrays, blob), sums)
    meta = {
        "format": SEGMENT_FORMAT,
        "docs": arrays.n_docs,
        "vocab": arrays.vocab_size,
        "postings": len(arrays.post),
        "doclists": len(arrays.dpost),
        "tokens": len(arrays.fwd),
        "passages": len(arrays.pstart),
        "words": arrays.words,
    }
    sums["meta.json"] = write_bytes(tmp / "meta.json", [json.dumps(meta).encode()])
    if final.exists():
        shutil.rmtree(final)
    os.replace(tmp, final)
    return sums


class _Blob:
    """A memory-mapped list of byte strings."""

    def __init__(self, folder: Path, name: str, count: int) -> None:
        self.offsets: I64 = np.load(folder / f"{name}_off.npy", mmap_mode="r")
        path = folder / f"{name}.bin"
        size = path.stat().st_size
        if self.offsets.shape != (count + 1,) or int(self.offsets[-1]) != size:
            raise IndexDamaged(path, "offsets do not match the data")
        self.data: npt.NDArray[np.uint8] = (
            np.asarray(np.memmap(path, dtype=np.uint8, mode="r"))
            if size
            else np.zeros(0, dtype=np.uint8)
        )
        self.offsets = np.asarray(self.offsets)

    def __getitem__(self, index: int) -> bytes:
        return bytes(self.data[int(self.offsets[index]) : int(self.offsets[index + 1])])

    def all(self) -> list[bytes]:
        raw = bytes(self.data)
        offs = self.offsets.tolist()
        return [raw[offs[i] : offs[i + 1]] for i in range(len(offs) - 1)]


class Segment:
    """A loaded, read-only segment (arrays are memory-mapped; safe to share across threads)."""

    def __init__(self, folder: Path) -> None:
        try:
            meta = json.loads((folder / "meta.json").read_bytes())
        except (OSError, ValueError) as err:
            raise IndexDamaged(folder / "meta.json", "unreadable") from err
        if not isinstance(meta, dict) or meta.get("format") != SEGMENT_FORMAT:
            raise IndexDamaged(folder, "segment format changed")
        self.name = folder.name
        self.folder = folder
        self.n_docs = int(meta["docs"])
        self.vocab_size = int(meta["vocab"])
        #: Whether pyvi words (join bits, word terms) are indexed in this segment.
        self.has_words = meta.get("words") is True
        # Plain ndarray views of the maps: slicing a np.memmap costs a Python call each time.
        try:
            arrays = {f: np.asarray(np.load(folder / f"{f}.npy", mmap_mode="r")) for f in _ARRAYS}
        except (OSError, ValueError) as err:
            raise IndexDamaged(folder, f"unreadable array ({err})") from err
        for field, dtype in _ARRAYS.items():
            if arrays[field].dtype != dtype or arrays[field].ndim != 1:
                raise IndexDamaged(folder, f"{field}: wrong dtype or shape")
        n, v = self.n_docs, self.vocab_size
        expected = {
            "ptr": v + 1,
            "post": meta["postings"],
            "dptr": v + 1,
            "dpost": meta["doclists"],
            "fwd": meta["tokens"],
            "dstart": n + 1,
            "tlen": n,
            "pptr": n + 1,
            "pstart": meta["passages"],
            "sizes": n,
            "mtimes": n,
        }
        for field, length in expected.items():
            if len(arrays[field]) != length:
                raise IndexDamaged(folder, f"{field}: expected {length} entries")
        if (
            n > MAX_SEGMENT_DOCS
            or int(arrays["ptr"][-1]) != len(arrays["post"])
            or (int(arrays["dptr"][-1]) != len(arrays["dpost"]))
        ):
            raise IndexDamaged(folder, "postings pointer does not match")
        if (
            int(arrays["dstart"][0]) != PAD
            or int(arrays["dstart"][-1]) != len(arrays["fwd"])
            or (int(arrays["pptr"][-1]) != len(arrays["pstart"]))
        ):
            raise IndexDamaged(folder, "document pointers do not match")
        self.ptr: I64 = arrays["ptr"]
        self.post: U32 = arrays["post"]
        self.dptr: I64 = arrays["dptr"]
        self.dpost: U16 = arrays["dpost"]
        self.fwd: U32 = arrays["fwd"]
        self.dstart: I64 = arrays["dstart"]
        self.tlen: U32 = arrays["tlen"]
        self.pptr: I64 = arrays["pptr"]
        self.pstart: U32 = arrays["pstart"]
        self.sizes: I64 = arrays["sizes"]
        self.mtimes: I64 = arrays["mtimes"]
        self._paths = _Blob(folder, "paths", n)
        self._keys = _Blob(folder, "keys", n)
        self._all_keys: list[str] | None = None
        self._bits: dict[int, U8] | None = None
        self._titles = _Blob(folder, "titles", n)
        self._stored = _Blob(folder, "stored", n)
        # Small per-doc arrays used by every query: keep them in RAM.
        self.doc_len: I64 = _diff(self.dstart) - PAD
        self.total_tokens = int(self.doc_len.sum())

    def postings(self, gid: int) -> U32:
        """Postings of term ``gid`` (empty when the segment predates the term)."""
        if gid >= self.vocab_size:
            return self.post[0:0]
        return self.post[int(self.ptr[gid]) : int(self.ptr[gid + 1])]

    def doc_list(self, gid: int) -> U16:
        """The distinct docs containing term ``gid``, sorted."""
        if gid >= self.vocab_size:
            return self.dpost[0:0]
        return self.dpost[int(self.dptr[gid]) : int(self.dptr[gid + 1])]

    def doc_bits(self, gid: int) -> U8 | None:
        """Term ``gid``'s docs as ``np.packbits`` of a doc mask, or None when it is in few docs.

        A query word's candidate mask is the union of ~100 terms' doc lists (its typo
        and prefix variants); the common ones hold thousands of docs each, and OR-ing
        their 4 KB bitmaps is far cheaper than scattering every doc id. Built on first
        use (or by :meth:`warm`) from the read-only doc lists, then kept.
        """
        bits = self._bits
        if bits is None:
            bits = self._bits = self._build_bits()
        return bits.get(gid)

    def warm(self) -> None:
        """Build the lazy per-segment tables now (see :meth:`doc_bits`)."""
        self.doc_bits(0)

    def _build_bits(self) -> dict[int, U8]:
        bits: dict[int, U8] = {}
        frequency = _diff(self.dptr)
        for gid in np.flatnonzero(frequency >= DENSE_DOCS).tolist():
            mask = np.zeros(self.n_docs, dtype=bool)
            mask[self.doc_list(gid)] = True
            bits[gid] = np.packbits(mask)
        return bits

    def doc_frequency(self, gid: int) -> int:
        if gid >= self.vocab_size:
            return 0
        return int(self.dptr[gid + 1] - self.dptr[gid])

    def doc_path(self, doc: int) -> str:
        return _dec(self._paths[doc])

    def doc_key(self, doc: int) -> str:
        return _dec(self._keys[doc])

    def doc_keys(self) -> list[str]:
        """Every doc's key, in doc order (decoded once, then kept: the segment is read-only)."""
        if self._all_keys is None:
            self._all_keys = [_dec(key) for key in self._keys.all()]
        return self._all_keys

    def doc_title(self, doc: int) -> str:
        return _dec(self._titles[doc])

    def doc_texts(self, doc: int) -> list[str]:
        """``[title, passage 0, passage 1, ...]`` as indexed."""
        return stored_texts(self._stored[doc])

    def doc_stored(self, doc: int) -> bytes:
        return self._stored[doc]

    def all_paths(self) -> list[str]:
        return [_dec(p) for p in self._paths.all()]

    def all_keys(self) -> list[str]:
        return [_dec(k) for k in self._keys.all()]

    def passage_of(self, doc: int, position: int) -> int | None:
        """The passage index holding token ``position`` (None: in the title)."""
        starts = self.pstart[int(self.pptr[doc]) : int(self.pptr[doc + 1])]
        index = int(np.searchsorted(starts, position, side="right")) - 1
        if position < int(self.tlen[doc]) or index < 0:
            return None
        return index

    def syllables(self, doc: int) -> U32:
        """The doc's syllable term ids, in order."""
        start = int(self.dstart[doc])
        return (self.fwd[start : start + int(self.doc_len[doc])] & ID_MASK).astype(np.uint32)

    def doc_lengths(self, doc: int) -> list[int]:
        """``[title tokens, passage 0 tokens, ...]``, as the doc was analyzed."""
        starts = self.pstart[int(self.pptr[doc]) : int(self.pptr[doc + 1])].astype(np.int64)
        ends = np.append(starts[1:], int(self.doc_len[doc]))
        return [int(self.tlen[doc]), *(ends - starts).tolist()]

    def stored_doc(self, doc: int) -> StoredDoc:
        """Everything but the terms of one doc, to index it again (with words)."""
        return StoredDoc(
            path=self.doc_path(doc),
            size=int(self.sizes[doc]),
            mtime_ns=int(self.mtimes[doc]),
            key=self.doc_key(doc),
            title=self.doc_title(doc),
            lengths=self.doc_lengths(doc),
            stored=self.doc_stored(doc),
        )

    def joins(self, doc: int) -> bytes:
        """The doc's pyvi join flags (one byte per token), for reuse by content key."""
        start = int(self.dstart[doc])
        tokens = self.fwd[start : start + int(self.doc_len[doc])]
        return ((tokens >> 31) & 1).astype(np.uint8).tobytes()


def merge_segments(
    parts: Sequence[tuple[Segment, npt.NDArray[np.bool_]]], vocab_size: int
) -> SegmentArrays:
    """One segment's arrays from several segments, dropping deleted docs.

    Postings of each term are the concatenation of the parts' postings in part
    order (doc ids increase part by part), so no sort is needed: every kept
    posting's destination is computed directly.
    """
    vocab_n = vocab_size
    words = all(seg.has_words for seg, _ in parts)
    live_masks = [~np.asarray(deleted, dtype=bool) for _, deleted in parts]
    counts_per_part: list[npt.NDArray[np.int64]] = []
    kept_info: list[tuple[U32, npt.NDArray[np.int64]]] = []
    doc_base = 0
    new_ids: list[I64] = []
    for (seg, _), live in zip(parts, live_masks, strict=True):
        ids = np.full(seg.n_docs, -1, dtype=np.int64)
        ids[live] = np.arange(doc_base, doc_base + int(live.sum()))
        doc_base += int(live.sum())
        new_ids.append(ids)
        post = np.asarray(seg.post)
        terms = np.repeat(np.arange(seg.vocab_size, dtype=np.int64), _diff(seg.ptr))
        keep = live[post >> 16]
        kept_post, kept_terms = post[keep], terms[keep]
        kept_info.append((kept_post, kept_terms))
        counts_per_part.append(np.bincount(kept_terms, minlength=vocab_n).astype(np.int64))
    if doc_base > MAX_SEGMENT_DOCS:
        raise ValueError("merged segment would be too large")
    total = np.sum(counts_per_part, axis=0) if counts_per_part else np.zeros(vocab_n, np.int64)
    ptr = np.zeros(vocab_n + 1, dtype=np.int64)
    np.cumsum(total, out=ptr[1:])
    out = np.zeros(int(ptr[-1]), dtype=np.uint32)
    offset = ptr[:-1].copy()
    for (kept_post, kept_terms), counts, ids in zip(
        kept_info, counts_per_part, new_ids, strict=True
    ):
        first = np.zeros(vocab_n, dtype=np.int64)
        np.cumsum(counts[:-1], out=first[1:])
        rank = np.arange(len(kept_post), dtype=np.int64) - first[kept_terms]
        dest = offset[kept_terms] + rank
        new_doc = ids[kept_post >> 16].astype(np.uint32)
        out[dest] = (new_doc << np.uint32(16)) | (kept_post & np.uint32(0xFFFF))
        offset += counts
    terms_sorted = np.repeat(np.arange(vocab_n, dtype=np.uint32), total)
    dptr, dpost = _doc_lists(terms_sorted, out, vocab_n)
    del terms_sorted
    fwd_parts: list[U32] = []
    lens: list[I64] = []
    tlen: list[U32] = []
    pcounts: list[I64] = []
    pstart: list[U32] = []
    sizes: list[I64] = []
    mtimes: list[I64] = []
    blobs: dict[str, list[bytes]] = {b: [] for b in _BLOBS}
    for (seg, _), live in zip(parts, live_masks, strict=True):
        doc_len = seg.doc_len
        token_live = np.concatenate([np.zeros(PAD, bool), np.repeat(live, doc_len + PAD)])
        fwd_parts.append(np.asarray(seg.fwd)[token_live])
        lens.append(doc_len[live])
        tlen.append(np.asarray(seg.tlen)[live])
        pc = _diff(seg.pptr)
        pcounts.append(pc[live])
        pstart.append(np.asarray(seg.pstart)[np.repeat(live, pc)])
        sizes.append(np.asarray(seg.sizes)[live])
        mtimes.append(np.asarray(seg.mtimes)[live])
        kept_docs = np.flatnonzero(live).tolist()
        for name in _BLOBS:
            blob: _Blob = getattr(seg, f"_{name}")
            raw = bytes(blob.data)
            offs = blob.offsets
            blobs[name].extend(raw[int(offs[d]) : int(offs[d + 1])] for d in kept_docs)
    lengths = np.concatenate(lens) if lens else np.zeros(0, np.int64)
    dstart = np.full(len(lengths) + 1, PAD, dtype=np.int64)
    np.cumsum(lengths + PAD, out=dstart[1:])
    dstart[1:] += PAD
    fwd_parts.insert(0, np.zeros(PAD, dtype=np.uint32))
    pc_all = np.concatenate(pcounts) if pcounts else np.zeros(0, np.int64)
    pptr = np.zeros(len(pc_all) + 1, dtype=np.int64)
    np.cumsum(pc_all, out=pptr[1:])

    def cat(items: list[npt.NDArray[np.generic]], dtype: type) -> npt.NDArray[np.generic]:
        return np.concatenate(items).astype(dtype) if items else np.zeros(0, dtype)

    return SegmentArrays(
        vocab_size=vocab_n,
        ptr=ptr,
        post=out,
        dptr=dptr,
        dpost=dpost,
        fwd=cat(fwd_parts, np.uint32),  # type: ignore[arg-type]
        dstart=dstart,
        tlen=cat(tlen, np.uint32),  # type: ignore[arg-type]
        pptr=pptr,
        pstart=cat(pstart, np.uint32),  # type: ignore[arg-type]
        sizes=cat(sizes, np.int64),  # type: ignore[arg-type]
        mtimes=cat(mtimes, np.int64),  # type: ignore[arg-type]
        paths=blobs["paths"],
        keys=blobs["keys"],
        titles=blobs["titles"],
        stored=blobs["stored"],
        words=words,
    )
