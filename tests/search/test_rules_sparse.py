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
    dense.resolve_dense(fixable[:n])
    for name in ("held", "counted", "matched", "corrected", "edits", "exact"):
        assert np.array_equal(getattr(sparse, name), getattr(dense, name)), name
