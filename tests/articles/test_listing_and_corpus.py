"""Corpus scanning and the cached listing, on real files in tmp dirs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tui_reader.articles import listing as listing_mod
from tui_reader.articles.corpus import scan_corpus
from tui_reader.articles.listing import cached_listing, refresh_listing

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(SEEDS, root / "a")
    (root / "b" / "deeper").mkdir(parents=True)
    shutil.copy(SEEDS / "004_43a67dcebbb22425.txt", root / "b" / "deeper" / "copy.TXT")
    (root / "b" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not an article")
    (root / "b" / "draft.txt.swp").write_bytes(b"editor leftovers")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    return root


def test_scan_is_recursive_sorted_and_skips_non_articles(corpus: Path) -> None:
    scan = scan_corpus([corpus])
    names = [Path(f.path).relative_to(corpus).as_posix() for f in scan.files]
    assert names == [
        "a/000_3e0ed1ba5c5dd459.txt",
        "a/004_43a67dcebbb22425.txt",
        "b/deeper/copy.TXT",
    ]
    # An image is reported with why it is not read; an editor's swap file is noise.
    assert [(s.path.name, s.reason) for s in scan.skipped] == [
        ("photo.jpg", "image (.jpg): not an article format tui-reader reads")
    ]
    assert all(f.size > 0 and f.mtime_ns > 0 for f in scan.files)


def test_scan_reports_missing_paths_and_dedupes(corpus: Path, tmp_path: Path) -> None:
    single = corpus / "a" / "000_3e0ed1ba5c5dd459.txt"
    scan = scan_corpus([corpus, single, tmp_path / "nope"])
    assert len(scan.files) == 3
    assert scan.missing == [tmp_path / "nope"]


def test_scan_survives_a_symlink_loop(corpus: Path) -> None:
    (corpus / "b" / "loop").symlink_to(corpus / "b", target_is_directory=True)
    scan = scan_corpus([corpus])
    assert len(scan.files) == 3
    assert any("symlink loop" in s.reason for s in scan.skipped)


def test_scan_reports_undecodable_names(corpus: Path) -> None:
    raw = os.fsencode(corpus / "a") + b"/bad-\xff-name.txt"
    with open(raw, "wb") as handle:
        handle.write("Tiêu đề\n\nNội dung bài.".encode())
    scan = scan_corpus([corpus])
    assert len(scan.files) == 3
    assert any("not valid UTF-8" in s.reason for s in scan.skipped)


def test_listing_reads_titles_and_caches_them(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (corpus / "a" / "broken.txt").write_bytes(b"\x00\x00\x00binary\x00")
    first = refresh_listing(cache, [corpus])
    assert [m.title for m in first.articles][1:] == [
        "Mỹ, Triều Tiên cân nhắc cử đại diện liên lạc thường trú",
        "Mỹ, Triều Tiên cân nhắc cử đại diện liên lạc thường trú",
    ]
    assert first.articles[1].source == "Znews"
    # The same text at two paths is the same article (same key).
    assert first.articles[1].key == first.articles[2].key
    assert [s.path.name for s in first.skipped] == ["photo.jpg", "broken.txt"]

    cached = cached_listing(cache, [corpus])
    assert cached is not None
    assert cached.articles == first.articles
    assert [s.reason for s in cached.skipped] == [s.reason for s in first.skipped]


def test_unchanged_files_are_not_read_again(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    refresh_listing(cache, [corpus])
    read: list[str] = []
    original = listing_mod.summarize_file

    def counting(entry: listing_mod.FileEntry) -> listing_mod._Row:
        read.append(entry.path)
        return original(entry)

    monkeypatch.setattr(listing_mod, "summarize_file", counting)
    refresh_listing(cache, [corpus])
    assert read == []
    changed = corpus / "a" / "004_43a67dcebbb22425.txt"
    changed.write_text("Tiêu đề mới\n\nMột đoạn văn mới.", encoding="utf-8")
    again = refresh_listing(cache, [corpus])
    assert read == [str(changed)]
    assert again.articles[1].title == "Tiêu đề mới"


def test_parallel_reading_matches_sequential(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(12):
        shutil.copy(SEEDS / "000_3e0ed1ba5c5dd459.txt", corpus / "b" / f"x{i:02}.txt")
    sequential = refresh_listing(tmp_path / "c1", [corpus])
    monkeypatch.setattr(listing_mod, "PARALLEL_THRESHOLD", 1)
    batches: list[int] = []
    parallel = refresh_listing(
        tmp_path / "c2", [corpus], on_batch=lambda b: batches.append(len(b)), batch_size=4
    )
    assert parallel.articles == sequential.articles
    assert sum(batches) == len(parallel.articles) == 15


def test_corrupt_listing_cache_is_ignored(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    refresh_listing(cache, [corpus])
    for path in (cache / "listings").iterdir():
        path.write_bytes(b"garbage")
    assert cached_listing(cache, [corpus]) is None
    assert len(refresh_listing(cache, [corpus]).articles) == 3


def test_scan_handles_very_deep_nesting(tmp_path: Path) -> None:
    # Deeper than Python's recursion limit: the walk must not recurse.
    deep = tmp_path / "deep"
    deep.mkdir()
    folder = str(deep)
    for _ in range(1100):
        folder += "/d"
        os.mkdir(folder)
    Path(folder, "bottom.txt").write_text("Tiêu đề\n\nNội dung.", encoding="utf-8")
    (deep / "top.txt").write_text("Tiêu đề\n\nNội dung.", encoding="utf-8")
    try:
        scan = scan_corpus([deep])
        assert [Path(f.path).name for f in scan.files] == ["bottom.txt", "top.txt"]
        assert scan.skipped == []
    finally:
        # pytest's own clean-up recurses; take the tower down from the bottom first.
        Path(folder, "bottom.txt").unlink()
        while folder != str(deep):
            os.rmdir(folder)
            folder = os.path.dirname(folder)


def test_an_unchanged_corpus_is_not_written_again_and_removals_are_seen(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = refresh_listing(cache, [corpus])
    (saved,) = (cache / "listings").iterdir()
    stamp = saved.stat().st_mtime_ns
    again = refresh_listing(cache, [corpus])
    assert again.articles == first.articles and saved.stat().st_mtime_ns == stamp
    (corpus / "b" / "deeper" / "copy.TXT").unlink()
    assert len(refresh_listing(cache, [corpus]).articles) == len(first.articles) - 1
    (corpus / "b" / "scan.pdf").write_bytes(b"%PDF-1.4")
    assert "scan.pdf" in {s.path.name for s in refresh_listing(cache, [corpus]).skipped}
