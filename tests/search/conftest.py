"""Small real corpora for search tests: the seeds, hand-written articles, baomoi samples."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import copy_seeds
from tui_reader.articles.corpus import FileEntry, scan_corpus
from tui_reader.search.index import IndexBuilder, IndexStats

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
BAOMOI = Path("/tmp/corpus/baomoi-35k")
#: The two baomoi articles with "rò rỉ không thoát", and others about leaks as distractors.
LEAK_ARTICLES = ("22545232.txt", "22547175.txt")


def files_of(folder: Path) -> list[FileEntry]:
    return scan_corpus([folder]).files


def write_article(folder: Path, name: str, title: str, *paragraphs: str) -> Path:
    """An article file in the blank-line layout (title, then paragraphs)."""
    path = folder / name
    path.write_text("\n\n".join([title, *paragraphs]) + "\n", encoding="utf-8")
    return path


def baomoi_sample(folder: Path, count: int) -> list[str]:
    """Copy ``count`` baomoi articles (the leak ones first, then every n-th); skip if absent."""
    if not BAOMOI.is_dir():
        pytest.skip("the baomoi corpus is not unpacked at /tmp/corpus/baomoi-35k")
    names = sorted(p.name for p in BAOMOI.glob("*.txt"))
    step = max(1, len(names) // count)
    chosen = list(LEAK_ARTICLES) + [n for n in names[::step] if n not in LEAK_ARTICLES]
    chosen = chosen[:count]
    folder.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        shutil.copy2(BAOMOI / name, folder / name)
    return chosen


def small_corpus(folder: Path) -> Path:
    """The seeds plus two hand-written articles: a phrase and its words scattered."""
    copy_seeds(folder)
    write_article(
        folder,
        "phrase.txt",
        "Tin tức thời sự",
        "Hội nghị thượng đỉnh diễn ra tại Hà Nội trong hai ngày.",
        "Đoàn đại biểu đã đến Đà Nẵng trước đó.",
    )
    write_article(
        folder,
        "scattered.txt",
        "Ghi chép một ngày",
        "Hội trường rộng, nghị sự kéo dài. Thượng tuần tháng trước, đỉnh núi phủ mây.",
        "Hà Giang và Nội Bài là hai nơi chúng tôi đi qua.",
    )
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds plus a few hand-written articles."""
    return small_corpus(tmp_path / "corpus")


Build = Callable[..., tuple[IndexBuilder, IndexStats]]


@pytest.fixture
def build(tmp_path: Path) -> Build:
    """Index a folder in this process (no worker pool): ``build(folder) -> (builder, stats)``."""

    def run(
        folder: Path, index: Path | None = None, *, with_words: bool = True
    ) -> tuple[IndexBuilder, IndexStats]:
        builder = IndexBuilder(index or tmp_path / "index", workers=0, with_words=with_words)
        return builder, builder.update(files_of(folder))

    return run
