"""One integration run on ~1,500 real baomoi articles with the worker pool (slow)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.search.conftest import baomoi_sample, files_of
from tui_reader.articles.parse import load_article
from tui_reader.search.engine import search
from tui_reader.search.index import IndexBuilder
from tui_reader.text.tokens import tokenize_folded


@pytest.mark.slow
def test_pool_build_and_known_item_queries(tmp_path: Path) -> None:
    folder = tmp_path / "baomoi"
    names = baomoi_sample(folder, 1500)
    builder = IndexBuilder(tmp_path / "index", workers=2)
    stats = builder.update(files_of(folder))
    assert stats.indexed + len(stats.skipped) == len(names)
    assert stats.segmented + stats.reused_segmentation == stats.indexed
    rng = random.Random(7)
    found = 0
    sample = rng.sample(names, 40)
    for name in sample:
        article = load_article(folder / name)
        words = tokenize_folded(" ".join(p.text for p in article.passages))
        if len(words) < 40:
            found += 1
            continue
        start = rng.randrange(len(words) // 2, len(words) - 4)
        query = " ".join(words[start : start + 4])
        top = [Path(h.path).name for h in search(builder.snapshot(), query, limit=10).hits]
        found += name in top
    assert found >= 38  # Known-item body windows: the article is in the top 10.
    again = IndexBuilder(tmp_path / "index", workers=2).update(files_of(folder))
    assert again.unchanged == len(names) and again.segmented == 0
