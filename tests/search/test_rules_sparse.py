"""The sparse :class:`_Matches` decides exactly what the dense pass over every token
decides (what counts, matched, corrected, edits, exact, and every rule computed from them),
on random match tables and random segments."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_reader.search.analysis import AnalyzedDoc, pack_texts
from tui_reader.search.query import PREFIX, QueryPlan
from tui_reader.search.rules import (
    _EPS,
    BM25_B,
    BM25_K1,
    LINE,
    MATCH_MIN,
    MAX_PAIR,
    _bm25,
    _compounds_held,
    _Matches,
    _pair_costs,
    _passages,
    _phrase_words,
    _window_gaps,
)
from tui_reader.search.segment import ID_MASK, Segment, SegmentBuffer, write_segment
from tui_reader.search.vocab import Vocabulary

# Scores as the tables hold them: none, weak and strong neighbours, prefix, exact.
SCORES = np.array([0.0, 0.0, 0.0, 0.3, 0.5, 0.7, PREFIX, 1.0], dtype=np.float32)


def _random_matches(seed: int, n: int, k: int) -> _Matches:
    rng = np.random.default_rng(seed)
    lens = rng.integers(0, 12, size=k).astype(np.int64)
    span = lens + 1
    base = np.concatenate([[0], np.cumsum(span)[:-1]]).astype(np.int64)
    total = int(span.sum())
    vocab = 30
    tokens = rng.integers(0, vocab, size=total).astype(np.int64)
    tables = [SCORES[rng.integers(0, len(SCORES), size=vocab)] for _ in range(n)]
    m = object.__new__(_Matches)
    m.n, m.k, m.tokens, m.base, m.lens = n, k, tokens, base, lens
    m.owner = np.repeat(np.arange(k, dtype=np.int64), span)
    m.q = np.stack([t[tokens] for t in tables])
    m.strong = m.q >= MATCH_MIN
    m.typed = m.q >= PREFIX - _EPS
    m.held = (rng.random(m.q.shape) < 0.3) & (m.q > 0)
    m.edit_tables = [rng.integers(0, 4, size=vocab).astype(np.uint8) for _ in range(n)]
    m.as_typed = [None] * n  # No word typed joined here.
    return m


def _resolve_dense(m: _Matches | _Dense, correctable: list[bool]) -> None:
    """The same decision as :meth:`_Matches.resolve`, made over every token of every doc."""
    n, q, strong, tokens, owner = m.n, m.q, m.strong, m.tokens, m.owner
    held = m.held & np.asarray(correctable, dtype=bool)[:, None]
    m.held = held
    good = m.typed | held
    counted = np.empty_like(strong)
    matched = np.zeros((n, m.k), dtype=bool)
    corrected = np.zeros((n, m.k), dtype=bool)
    edits = np.zeros((n, m.k), dtype=np.int64)
    exact = np.zeros((n, m.k), dtype=bool)
    for j in range(n):
        has_good = m.per_doc_any(good[j])
        ok = strong[j] & ~has_good[owner]
        best_ok = np.maximum.reduceat(np.where(ok, q[j], 0), m.base)
        at_best = ok & (np.abs(q[j] - best_ok[owner]) < _EPS)
        counted[j] = (good[j] & has_good[owner]) | at_best
        matched[j] = has_good | (best_ok > 0)
        exact[j] = m.per_doc_any(q[j] >= 1.0 - _EPS)
        corrected[j] = has_good & ~m.per_doc_any(m.typed[j])
        if at_best.any():
            cost = np.where(at_best, m.edit_tables[j][tokens], 255).astype(np.int64)
            fewest = np.minimum.reduceat(cost, m.base)
            edits[j] = np.where(best_ok > 0, fewest, 0)  # 0: a whole-word reading's free part.
    m.counted, m.matched, m.corrected, m.edits, m.exact = counted, matched, corrected, edits, exact


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 5),
    k=st.integers(1, 8),
    fixable=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_sparse_resolve_is_the_dense_one(seed: int, n: int, k: int, fixable: list[bool]) -> None:
    sparse, dense = _random_matches(seed, n, k), _random_matches(seed, n, k)
    sparse.resolve(fixable[:n])
    _resolve_dense(dense, fixable[:n])
    for name in ("held", "counted", "matched", "corrected", "edits", "exact"):
        assert np.array_equal(getattr(sparse, name), getattr(dense, name)), name


# The sparse matches (only the tokens some query word matches) against the dense pass over
# every token of the shortlisted docs that preceded them: the same decisions, rule by rule.


class _Dense:
    """What :class:`_Matches` held before it went sparse: every token of every doc."""

    def __init__(
        self,
        seg: Segment,
        tables: list[np.ndarray],
        edit_tables: list[np.ndarray],
        docs: np.ndarray,
    ) -> None:
        n = len(tables)
        lens = seg.doc_len[docs].astype(np.int64)
        starts = np.asarray(seg.dstart, dtype=np.int64)[docs]
        span = lens + 1
        base = np.concatenate([[0], np.cumsum(span)[:-1]]).astype(np.int64)
        total = int(span.sum())
        index = np.repeat(starts - base, span) + np.arange(total, dtype=np.int64)
        raw = seg.fwd[index]
        self.n, self.k = n, len(docs)
        self.tokens = (raw & np.uint32(ID_MASK)).astype(np.int64)
        self.joined = raw > np.uint32(ID_MASK)
        self.owner = np.repeat(np.arange(len(docs), dtype=np.int64), span)
        self.local = np.arange(total, dtype=np.int64) - np.repeat(base, span)
        self.base, self.lens = base, lens
        self.q = np.stack([t[self.tokens] for t in tables]).astype(np.float32)
        self.strong = self.q >= MATCH_MIN
        self.typed = self.q >= PREFIX - _EPS
        sure = self.typed | self.strong
        held = np.zeros_like(self.strong)
        line = min(LINE, n)
        if n > 1:
            for a in range(n - line + 1):
                for j in range(a, a + line):
                    ok = np.ones(total, dtype=bool)
                    for k in range(a, a + line):
                        if k == j:
                            continue
                        d = k - j
                        shifted = np.zeros(total, dtype=bool)
                        if d > 0:
                            shifted[:-d] = sure[k, d:]
                        else:
                            shifted[-d:] = sure[k, :d]
                        ok &= shifted
                    held[j] |= ok
        self.held = held & (self.q > 0)
        self.edit_tables = edit_tables

    def per_doc_any(self, mask: np.ndarray) -> np.ndarray:
        return np.logical_or.reduceat(mask, self.base)


def _dense_window_gaps(m: _Dense, words: np.ndarray) -> np.ndarray:
    where = [np.flatnonzero(m.counted[j]) for j in range(m.n)]
    big = np.int64(1 << 30)
    best = np.full(m.k, big, dtype=np.int64)
    present = [j for j in range(m.n) if len(where[j])]
    for rank, a in enumerate(sorted(present, key=lambda j: len(where[j]))):
        p = where[a]
        if rank >= 2:
            p = p[best[m.owner[p]] == big]
            if not len(p):
                continue
        own = m.owner[p]
        lo, hi = p.copy(), p.copy()
        for j in present:
            if j == a:
                continue
            q = where[j]
            idx = np.searchsorted(q, p)
            after = q[np.minimum(idx, len(q) - 1)]
            before = q[np.maximum(idx - 1, 0)]
            ok_after = (idx < len(q)) & (m.owner[after] == own)
            ok_before = (idx > 0) & (m.owner[before] == own)
            d_after = np.where(ok_after, after - p, big)
            d_before = np.where(ok_before, p - before, big)
            chosen = np.where(d_after <= d_before, after, before)
            valid = ok_after | ok_before
            lo = np.where(valid, np.minimum(lo, chosen), lo)
            hi = np.where(valid, np.maximum(hi, chosen), hi)
        np.minimum.at(best, own, hi - lo + 1)
    return np.where(best < big, np.maximum(best - words, 0), 127)


def _dense_phrase_words(m: _Dense) -> np.ndarray:
    width = int(m.lens.max()) + 2 * m.n + 2
    keys = []
    for j in range(m.n):
        where = np.flatnonzero(m.counted[j])
        keys.append(m.owner[where] * width + (m.local[where] - j + m.n))
    every = np.concatenate(keys)
    best = np.zeros(m.k, dtype=np.int64)
    if len(every):
        starts, counts = np.unique(every, return_counts=True)
        np.maximum.at(best, starts // width, counts)
    return best


def _dense_pair_costs(m: _Dense) -> np.ndarray:
    total = np.zeros(m.k, dtype=np.int64)
    where = [np.flatnonzero(m.counted[j]) for j in range(m.n)]
    for j in range(m.n - 1):
        a, b = where[j], where[j + 1]
        cost = np.full(m.k, MAX_PAIR, dtype=np.int64)
        if len(a) and len(b):
            after = np.searchsorted(b, a, side="right")
            ok = after < len(b)
            if ok.any():
                pa, pb = a[ok], b[after[ok]]
                same = m.owner[pa] == m.owner[pb]
                np.minimum.at(cost, m.owner[pa[same]], np.minimum(pb - pa, MAX_PAIR)[same])
            before = np.searchsorted(b, a, side="left") - 1
            ok = before >= 0
            if ok.any():
                pa, pb = a[ok], b[before[ok]]
                same = (m.owner[pa] == m.owner[pb]) & (pb < pa)
                np.minimum.at(cost, m.owner[pa[same]], np.minimum(pa - pb + 1, MAX_PAIR)[same])
        total += cost
    return total


def _dense_compounds_held(m: _Dense, compounds: list[tuple[int, int, int]]) -> np.ndarray:
    held = np.zeros(m.k, dtype=np.int64)
    for start, length, _ in compounds:
        if start + length > m.n:
            continue
        ok = m.counted[start] & ~m.joined
        for step in range(1, length):
            nxt = np.zeros_like(ok)
            nxt[:-step] = m.counted[start + step][step:] & m.joined[step:]
            ok &= nxt
        ends = np.zeros_like(ok)
        ends[:-length] = ~m.joined[length:]
        ok &= ends
        held += m.per_doc_any(ok)
    return held


def _dense_tf(m: _Dense, j: int) -> np.ndarray:
    return np.add.reduceat(m.counted[j].astype(np.int64), m.base)


def _dense_passages(
    seg: Segment, m: _Dense, docs: np.ndarray, tlen: np.ndarray
) -> dict[int, int | None]:
    in_title = m.local < tlen[m.owner]
    any_counted = m.counted.any(axis=0) & ~in_title
    out: dict[int, int | None] = {}
    for i in range(m.k):
        doc = int(docs[i])
        lo = int(m.base[i])
        body = np.flatnonzero(any_counted[lo : lo + int(m.lens[i])])
        if len(body) == 0:
            out[i] = None
            continue
        starts = np.asarray(seg.pstart[int(seg.pptr[doc]) : int(seg.pptr[doc + 1])], np.int64)
        pid = np.searchsorted(starts, body, side="right") - 1
        best, best_count = None, 0
        for p in np.unique(pid[pid >= 0]).tolist():
            count = int(m.counted[:, body[pid == p] + lo].any(axis=1).sum())
            if count > best_count:
                best, best_count = p, count
        out[i] = best
    return out


SYLLABLES = ["ha", "noi", "thu", "do", "viet", "nam", "co", "so", "la", "va"]


def _random_segment(folder: Path, seed: int) -> tuple[Segment, Vocabulary]:
    """A segment of random short articles over a tiny vocabulary (matches everywhere)."""
    rng = np.random.default_rng(seed)
    vocab = Vocabulary()
    vocab.add_all(SYLLABLES)
    buffer = SegmentBuffer(vocab)
    for i in range(int(rng.integers(1, 12))):
        lengths = [int(x) for x in rng.integers(0, 9, size=int(rng.integers(1, 4)))]
        terms = [SYLLABLES[int(x)] for x in rng.integers(0, len(SYLLABLES), size=sum(lengths))]
        joins = bytes(int(x) for x in rng.random(len(terms)) < 0.4)
        doc = AnalyzedDoc(f"{i}.txt", 1, 1, f"k{i}", "t", lengths, pack_texts([""]), terms)
        buffer.add(doc, joins)
    write_segment(folder, f"s{seed}", buffer.build())
    return Segment(folder / f"s{seed}"), vocab


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 6),
    fixable=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_sparse_matches_decide_as_the_dense_pass(
    tmp_path: Path, seed: int, n: int, fixable: list[bool]
) -> None:
    seg, vocab = _random_segment(tmp_path, seed)
    rng = np.random.default_rng(seed + 1)
    size = len(vocab) + 1
    tables = [SCORES[rng.integers(0, len(SCORES), size=size)] for _ in range(n)]
    for t in tables:
        t[0] = 0.0  # The padding term matches nothing.
    edits = [rng.integers(0, 3, size=size).astype(np.uint8) for _ in range(n)]
    docs = rng.permutation(seg.n_docs)[: int(rng.integers(1, seg.n_docs + 1))].astype(np.int64)
    hits = np.logical_or.reduce([t > 0 for t in tables])
    for given_hits in (None, hits):
        sparse, dense = (
            _Matches(seg, tables, edits, docs, given_hits),
            _Dense(seg, tables, edits, docs),
        )
        # Every token some word matches is a column; the others match nothing.
        cols = sparse.pos
        assert np.array_equal(cols, np.flatnonzero((dense.q > 0).any(axis=0)))
        for name in ("q", "typed", "strong", "held"):
            whole = getattr(dense, name)
            assert np.array_equal(getattr(sparse, name), whole[:, cols]), name
            assert not whole[:, np.setdiff1d(np.arange(whole.shape[1]), cols)].any(), name
        assert np.array_equal(sparse.owner, dense.owner[cols])
        assert np.array_equal(sparse.local, dense.local[cols])
        assert np.array_equal(sparse.tokens, dense.tokens[cols])
        sparse.resolve(fixable[:n])
        _resolve_dense(dense, fixable[:n])
        assert np.array_equal(sparse.counted, dense.counted[:, cols])
        assert not dense.counted[:, np.setdiff1d(np.arange(dense.counted.shape[1]), cols)].any()
        for name in ("matched", "corrected", "edits", "exact"):
            assert np.array_equal(getattr(sparse, name), getattr(dense, name)), name
        words = sparse.matched.sum(axis=0).astype(np.int64)
        assert np.array_equal(_window_gaps(sparse, words), _dense_window_gaps(dense, words))
        assert np.array_equal(_phrase_words(sparse), _dense_phrase_words(dense))
        assert np.array_equal(_pair_costs(sparse), _dense_pair_costs(dense))
        compounds = [(s, length, 0) for s in range(n) for length in range(2, 5) if s + length <= n]
        assert np.array_equal(
            _compounds_held(sparse, cast(QueryPlan, _Plan(compounds))),
            _dense_compounds_held(dense, compounds),
        )
        idf = [1.0 + j for j in range(n)]
        expected = np.zeros(len(docs))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * dense.lens / 7.0)
        for j in range(n):
            tf = _dense_tf(dense, j).astype(np.float64)
            expected += idf[j] * tf * (BM25_K1 + 1) / (tf + norm)
        assert np.array_equal(_bm25(sparse, idf, 7.0), expected)
        tlen = seg.tlen[docs].astype(np.int64)
        in_title = sparse.local < tlen[sparse.owner]
        assert _passages(seg, sparse, docs, in_title, list(range(len(docs)))) == (
            _dense_passages(seg, dense, docs, tlen)
        )


class _Plan:
    """The one field of a query plan :func:`_compounds_held` reads."""

    def __init__(self, compounds: list[tuple[int, int, int]]) -> None:
        self.compounds = compounds
