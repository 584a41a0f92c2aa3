"""The sparse :meth:`_Matches.resolve` decides exactly what the dense pass over every token
decides (what counts, matched, corrected, edits, exact), on random match tables."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.search.query import PREFIX
from tui_reader.search.rules import _EPS, MATCH_MIN, _Matches

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
    return m


def _resolve_dense(m: _Matches, correctable: list[bool]) -> None:
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
            edits[j] = np.where(best_ok > 0, np.maximum(fewest, 1), 0)
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
