"""Rankings depend on the corpus, never on how it happened to be indexed (issue #8)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np

from tests.search.conftest import SEEDS, files_of, write_article
from tui_reader.articles.corpus import FileEntry
from tui_reader.search.analysis import AnalyzedDoc, analyze_file, segment_stored
from tui_reader.search.engine import SearchResults, search
from tui_reader.search.index import IndexBuilder, IndexSnapshot, SegmentView
from tui_reader.search.segment import Segment, SegmentBuffer, write_segment
from tui_reader.search.vocab import Vocabulary

QUERIES = (
    "ha noi",
    "hoi nghi thuong dinh ha noi",
    "trieu tien my",
    "gia vang",
    "thi truong",
    "nguyen",
    "ha n",
    "tong thong trump",
)


def _ranking(results: SearchResults) -> list[tuple[str, float, int | None]]:
    return [(Path(h.path).name, h.score, h.passage) for h in results.hits]


def _corpus(folder: Path) -> Path:
    """Seeds, copies of them (exact ties) and short articles that tie on the query words."""
    folder.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy2(path, folder / path.name)
        shutil.copy2(path, folder / f"copy-{path.name}")
    for i in range(12):
        write_article(
            folder,
            f"tie-{i:02d}.txt",
            f"Bản tin số {i}",
            "Giá vàng hôm nay ở Hà Nội.",
            "Thị trường sôi động, Tổng thống Trump nói.",
        )
    return folder


def _segmented(folder: Path, files: list[FileEntry], sizes: list[int]) -> IndexSnapshot:
    """A snapshot whose segments hold ``files`` in the given order, ``sizes`` per segment."""
    vocab = Vocabulary()
    views = []
    at = 0
    for n, size in enumerate(sizes):
        buffer = SegmentBuffer(vocab)
        for entry in files[at : at + size]:
            doc = analyze_file(entry)
            assert isinstance(doc, AnalyzedDoc)
            buffer.add(doc, segment_stored(doc.stored, doc.lengths))
        at += size
        segment = Segment(write_segment(folder, f"seg{n:06d}", buffer.build()))
        views.append(SegmentView(segment, np.zeros(segment.n_docs, dtype=bool)))
    assert at == len(files)
    return IndexSnapshot(views, vocab, len(vocab), len(files), True)


def test_two_builds_in_different_orders_and_segments_rank_alike(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "corpus")
    files = files_of(folder)
    one = IndexBuilder(tmp_path / "one", workers=0)
    one.update(files)
    shuffled = list(files)
    random.Random(3).shuffle(shuffled)
    (tmp_path / "two").mkdir()
    two = _segmented(tmp_path / "two", shuffled, [3, 1, 7, len(files) - 11])
    assert len(one.snapshot().views) == 1 and len(two.views) == 4
    for query in QUERIES:
        first = search(one.snapshot(), query, limit=50)
        second = search(two, query, limit=50)
        assert _ranking(first) == _ranking(second), query
        assert (first.every, first.some) == (second.every, second.some), query


def test_exact_ties_go_by_key_then_path(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "corpus")
    builder = IndexBuilder(tmp_path / "index", workers=0, first_flush=4)
    builder.update(list(reversed(files_of(folder))))
    hits = search(builder.snapshot(), "gia vang ha noi", limit=50).hits
    ties = [h for h in hits if Path(h.path).name.startswith("tie-")]
    assert len(ties) == 12 and len({h.score for h in ties}) == 1
    assert [(h.key, h.path) for h in ties] == sorted((h.key, h.path) for h in ties)


def test_counts_of_every_word_and_some_word(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    write_article(folder, "both.txt", "Một", "Tôi sống ở Hà Nội từ nhỏ.")
    write_article(folder, "split.txt", "Hai", "Sông Hà chảy qua, nội dung bài viết.")
    write_article(folder, "ha.txt", "Ba", "Hà Giang mùa hoa.")
    write_article(folder, "none.txt", "Bốn", "Trời nắng nóng kéo dài.")
    builder = IndexBuilder(tmp_path / "index", workers=0)
    builder.update(files_of(folder))
    results = search(builder.snapshot(), "ha noi ")
    # "ha noi" spells the word «Hà Nội»: only both.txt holds it; split.txt has «Hà»
    # and «nội» apart, so it holds some of the words (and is still listed).
    assert (results.every, results.some, results.total) == (1, 3, 3)
    assert {Path(h.path).name for h in results.hits} >= {"both.txt", "split.txt"}
