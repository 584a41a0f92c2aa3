"""A messy real-world folder: every file is read, or skipped with a reason; nothing crashes.

Covers the listing (what the list shows), the search index and a search over
the same folder, the way the app runs them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.articles.test_decode import to_cp1258
from tui_reader.articles.corpus import scan_corpus
from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.parse import load_article
from tui_reader.search.engine import search
from tui_reader.search.index import IndexBuilder

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = SEEDS / "004_43a67dcebbb22425.txt"


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    root = tmp_path / "messy"
    root.mkdir()
    text = SEED.read_text(encoding="utf-8")
    (root / "good.txt").write_text(text, encoding="utf-8")
    (root / "utf16.txt").write_bytes(text.replace("Triều Tiên", "Bắc Triều").encode("utf-16"))
    legacy = "Giá vàng hôm nay tăng mạnh\n\nNgười dân đổ xô đi mua vàng ngày vía Thần Tài."
    (root / "legacy.txt").write_bytes(to_cp1258(legacy))
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x7fELF\x00\x01\x02" * 300)
    (root / "garbage.txt").write_bytes(bytes(range(128, 256)) * 40)
    hostile = "Tiêu đề \x1b]8;;http://evil\x07bấm\x1b]8;;\x07 [bold]đậm[/bold]\n\nĐoạn \x1b[2J một."
    (root / "hostile.txt").write_text(hostile, encoding="utf-8")
    sentence = "Hà Nội mở rộng không gian đi bộ quanh hồ Hoàn Kiếm vào cuối tuần. "
    (root / "huge.txt").write_text("Bài rất dài\n" + sentence * 300_000, encoding="utf-8")
    deep = root / "a"
    folder = str(deep)
    os.mkdir(folder)
    for _ in range(60):
        folder += "/b"
        os.mkdir(folder)
    Path(folder, "deep.txt").write_text("Bài sâu\n\nNội dung ở tầng sâu.", encoding="utf-8")
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    with open(os.fsencode(root) + b"/bad-\xff-name.txt", "wb") as handle:
        handle.write("Tiêu đề\n\nNội dung.".encode())
    return root


def test_listing_reads_or_explains_every_file(messy: Path, tmp_path: Path) -> None:
    listing = refresh_listing(tmp_path / "cache", [messy])
    names = {Path(meta.path).name for meta in listing.articles}
    assert names == {"good.txt", "utf16.txt", "legacy.txt", "hostile.txt", "huge.txt", "deep.txt"}
    reasons = {s.path.name: s.reason for s in listing.skipped}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file")
    assert "not valid text" in reasons["garbage.txt"] or "binary" in reasons["garbage.txt"]
    assert any("symlink loop" in r for r in reasons.values())
    assert any("not valid UTF-8" in r for r in reasons.values())
    titles = {Path(m.path).name: m.title for m in listing.articles}
    assert titles["legacy.txt"] == "Giá vàng hôm nay tăng mạnh"
    assert "\x1b" not in titles["hostile.txt"] and "␛]8;;http://evil" in titles["hostile.txt"]


def test_a_huge_one_line_article_is_capped(messy: Path) -> None:
    article = load_article(messy / "huge.txt")
    assert article.truncated
    assert sum(len(p.text) for p in article.passages) <= 2_100_000
    assert len(article.passages) > 100  # split into readable paragraphs


def test_index_and_search_survive_the_mess_and_a_file_deleted_midway(
    messy: Path, tmp_path: Path
) -> None:
    files = scan_corpus([messy]).files
    victim = messy / "good.txt"
    gone = threading.Event()

    def progress(done: int, total: int) -> None:
        if not gone.is_set():
            victim.unlink()  # deleted while the update is under way
            gone.set()

    builder = IndexBuilder(tmp_path / "index", workers=0)
    stats = builder.update(files, progress=progress)
    assert gone.is_set()
    skipped = dict(stats.skipped)
    assert skipped[str(victim)] == "file not found"
    assert skipped[str(messy / "empty.txt")] == "empty file"
    snapshot = builder.snapshot()
    assert snapshot.indexed == 5  # utf16, legacy, hostile, huge, deep
    hits = search(snapshot, "gia vang hom nay").hits
    assert hits and Path(hits[0].path).name == "legacy.txt"
    hits = search(snapshot, "ho hoan kiem").hits
    assert hits and Path(hits[0].path).name == "huge.txt"
    assert search(snapshot, "[bold]").hits[0].path.endswith("hostile.txt")
