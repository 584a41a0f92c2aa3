"""The per-snapshot plan cache: a query typed key by key plans each earlier word once,
and a cached plan is the plan made from scratch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.search.conftest import Build
from tui_reader.search.engine import search
from tui_reader.search.query import PlanCache, QueryPlan, QueryWord, plan_query
from tui_reader.search.snapshot import IndexSnapshot


def _plan(snapshot: IndexSnapshot, query: str, cache: PlanCache | None) -> QueryPlan:
    views = [v for v in snapshot.views if v.live]
    return plan_query(
        query,
        snapshot.vocab,
        snapshot.lexicon(),
        snapshot.vocab_size,
        [v.segment.ptr for v in views],
        [v.segment for v in views],
        cache,
    )


def _same(a: QueryWord, b: QueryWord) -> bool:
    return (
        a.rule == b.rule
        and np.array_equal(a.ids, b.ids)
        and np.array_equal(a.quality, b.quality)
        and (a.anchor_ids, a.rest_quality, a.exact_id, a.cost)
        == (b.anchor_ids, b.rest_quality, b.exact_id, b.cost)
    )


def test_typing_key_by_key_plans_earlier_words_once(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    snapshot = builder.snapshot()
    cache = PlanCache()
    typed = "hoi nghi thuong dinh ha noi"
    first: dict[str, QueryWord] = {}
    for end in range(1, len(typed) + 1):
        query = typed[:end]
        cached, fresh = _plan(snapshot, query, cache), _plan(snapshot, query, None)
        assert cached.compounds == fresh.compounds and cached.rewrites == fresh.rewrites
        assert len(cached.words) == len(fresh.words)
        for a, b in zip(cached.words, fresh.words, strict=True):
            assert _same(a, b), (query, a.text)
            if not a.rule.prefix:  # A finished word: planned once, then reused as is.
                assert first.setdefault(a.text, a) is a
    assert set(first) >= {"hoi", "nghi", "thuong", "dinh", "ha"}


def test_cached_words_are_read_only_and_bounded(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    snapshot = builder.snapshot()
    cache = PlanCache(size=2)
    word = _plan(snapshot, "ha noi ", cache).words[0]
    with pytest.raises(ValueError, match="read-only"):
        word.ids[0] = 0
    _plan(snapshot, "thuong dinh ", cache)  # Two newer words push "ha" out.
    assert _plan(snapshot, "ha ", cache).words[0] is not word


def test_search_on_one_snapshot_reuses_its_plans(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    snapshot = builder.snapshot()
    first = search(snapshot, "hoi nghi thuong dinh")
    again = search(snapshot, "hoi nghi thuong dinh ha")
    assert first.hits and first.plan is not None and again.plan is not None
    for a, b in zip(first.plan.words[:3], again.plan.words[:3], strict=True):
        assert a is b  # Planned on the first search, taken from the snapshot's cache.
    assert [h.path for h in search(snapshot, "hoi nghi thuong dinh").hits] == [
        h.path for h in first.hits
    ]
