"""Packed doc bitmaps of common terms: the same docs as their doc lists, the same search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.search.conftest import Build, write_article
from tui_reader.search import segment as segment_module
from tui_reader.search.engine import search


def test_bitmaps_hold_the_doc_lists_and_search_the_same(
    corpus: Path, build: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segment_module, "DENSE_DOCS", 2)  # The small corpus has few common terms.
    places = ["Hà Nội", "Đà Nẵng", "Hải Phòng", "Huế", "Cần Thơ", "Nha Trang", "Vinh", "Hà Giang"]
    for i, place in enumerate(places):  # Enough docs for bitmaps of several bytes.
        write_article(corpus, f"extra{i}.txt", f"Tin {place}", f"Hội nghị tại {place} hai ngày.")
    builder, _ = build(corpus)
    snapshot = builder.snapshot()
    seg = snapshot.views[0].segment
    assert seg.n_docs > 8  # Bitmaps span several bytes, the last one partial.
    dense = 0
    for gid in range(seg.vocab_size + 3):  # Ids past the segment's vocabulary too.
        docs = seg.doc_list(gid)
        row = seg.doc_bits(gid)
        if len(docs) < 2:
            assert row is None
            continue
        dense += 1
        assert row is not None
        assert np.flatnonzero(np.unpackbits(row, count=seg.n_docs)).tolist() == docs.tolist()
    assert dense > 10
    queries = ["hà nội", "hội nghị thượng đỉnh", "thuong dinh", "ha noi hai ngay", "đà nẵ"]
    with_bits = [[(h.key, h.rank) for h in search(snapshot, q, limit=10).hits] for q in queries]
    seg._bits = {}  # Every term scatters its doc list, as before the bitmaps.
    without = [[(h.key, h.rank) for h in search(snapshot, q, limit=10).hits] for q in queries]
    assert with_bits == without
    assert any(with_bits)
