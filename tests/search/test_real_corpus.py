"""One integration run on ~1,500 real baomoi articles with the worker pool (slow)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.search.conftest import baomoi_sample, files_of
from tui_reader.articles.parse import load_article
from tui_reader.search.engine import search
from tui_reader.search.index import IndexBuilder, IndexSnapshot
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


# User cases on the whole 35k corpus (CI sets TUI_READER_TEST_CORPUS). The expected
# articles are found by scanning the corpus here, like grep, never listed by hand.

#: One xdist group (pyproject: ``--dist loadgroup``): the module-scoped 35k index is
#: built once, on one worker, not once on every worker that draws one of these tests.
INDEX_35K = pytest.mark.xdist_group("index_35k")


@pytest.fixture(scope="module")
def corpus_35k() -> Path:
    corpus = os.environ.get("TUI_READER_TEST_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        pytest.skip("set TUI_READER_TEST_CORPUS to the unpacked baomoi-35k folder")
    return Path(corpus)


@pytest.fixture(scope="module")
def snapshot_35k(corpus_35k: Path, tmp_path_factory: pytest.TempPathFactory) -> IndexSnapshot:
    """The whole corpus indexed as its first phase leaves it: syllables, searchable (the
    issue's "whole corpus searchable" point; ``TUI_READER_TEST_INDEX``: reuse a folder).

    The pyvi-word phase would add ~250 CPU s, the suite's critical path on 2 cores; words
    through the pool are covered by the 1,500-article test above and, to the score, by the
    phased-build equivalence test of tests/search/test_index.py (80 real articles).
    """
    folder = os.environ.get("TUI_READER_TEST_INDEX")
    index = Path(folder) if folder else tmp_path_factory.mktemp("index-35k")
    builder = IndexBuilder(index, workers=2, with_words=False)
    builder.update(files_of(corpus_35k))
    return builder.snapshot()


def _grep(corpus: Path, raw: tuple[str, ...], words: tuple[str, ...]) -> dict[str, list[str]]:
    """Files whose text has every ``raw`` string (case-insensitive), then every folded word.

    Returns each one's folded title tokens, keyed by file name.
    """
    found = {}
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        lower = text.lower()
        if not all(r in lower for r in raw):
            continue
        if set(words) <= set(tokenize_folded(text)):
            found[path.name] = tokenize_folded(text.split("\n", 1)[0])
    return found


def _top(snapshot: IndexSnapshot, query: str, limit: int) -> list[str]:
    return [Path(h.path).name for h in search(snapshot, query, limit=limit).hits]


@pytest.mark.slow
@INDEX_35K
def test_loi_ich_di_bo_finds_the_walking_article(
    corpus_35k: Path, snapshot_35k: IndexSnapshot
) -> None:
    # The articles whose title is about the benefits of walking 10,000 steps.
    titled = {
        name
        for name, title in _grep(
            corpus_35k, ("lợi ích", "đi bộ"), ("loi", "ich", "di", "bo")
        ).items()
        if " loi ich " in f" {' '.join(title)} "
        and " di bo " in f" {' '.join(title)} "
        and "10.000" in title
    }
    assert titled, "the walking article is not in this corpus"
    assert set(_top(snapshot_35k, "loi ich di bo", 4)) & titled


@pytest.mark.slow
@INDEX_35K
def test_trump_kim_singapore_ranks_every_word_first(
    corpus_35k: Path, snapshot_35k: IndexSnapshot
) -> None:
    holding = set(_grep(corpus_35k, ("trump", "kim", "singapore"), ("trump", "kim", "singapore")))
    assert len(holding) >= 3
    top = _top(snapshot_35k, "trump kim singapore", len(holding) + 10)
    assert set(top[: len(holding)]) == holding
