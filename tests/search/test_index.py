"""The persistent index: build, reload, incremental updates, damage, threads."""

from __future__ import annotations

import json
import os
import shutil
import threading
import zlib
from pathlib import Path

import numpy as np
import pytest

from tests.search.conftest import Build, baomoi_sample, files_of, write_article
from tui_reader.search.analysis import AnalyzedDoc, analyze_file, segment_stored
from tui_reader.search.engine import search
from tui_reader.search.index import IndexBuilder, IndexSnapshot, SegmentView, index_dir_for
from tui_reader.search.segment import Segment, SegmentBuffer, write_segment
from tui_reader.search.vocab import Vocabulary


def _paths(builder: IndexBuilder, query: str) -> list[str]:
    return [Path(h.path).name for h in search(builder.snapshot(), query, limit=10).hits]


def test_build_then_reload_without_any_work(corpus: Path, build: Build, tmp_path: Path) -> None:
    _, stats = build(corpus)
    assert stats.added == stats.indexed == 4
    assert stats.segmented == 4 and not stats.skipped
    manifest = (tmp_path / "index" / "manifest.json").read_bytes()
    again = IndexBuilder(tmp_path / "index", workers=0)
    assert again.snapshot().indexed == 4
    stats = again.update(files_of(corpus))
    assert (stats.unchanged, stats.added, stats.changed, stats.removed) == (4, 0, 0, 0)
    assert stats.segmented == 0 and stats.reused_segmentation == 0
    assert (tmp_path / "index" / "manifest.json").read_bytes() == manifest  # Nothing written.
    assert _paths(again, "dien ra tai ha noi")[0] == "phrase.txt"


def test_added_changed_and_removed_files(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    write_article(corpus, "new.txt", "Bão số 5 đổ bộ", "Cơn bão mạnh cấp 12 gây mưa lớn.")
    phrase = corpus / "phrase.txt"
    write_article(corpus, "phrase.txt", "Tin tức thời sự", "Lễ hội pháo hoa quốc tế khai mạc.")
    os.utime(phrase, ns=(1, 1))  # Make sure the mtime differs even on coarse clocks.
    (corpus / "scattered.txt").unlink()
    stats = builder.update(files_of(corpus))
    assert (stats.added, stats.changed, stats.removed, stats.unchanged) == (1, 1, 1, 2)
    assert stats.indexed == 4
    assert _paths(builder, "bao so 5")[0] == "new.txt"
    assert _paths(builder, "phao hoa quoc te")[0] == "phrase.txt"
    assert "scattered.txt" not in _paths(builder, "nghi su keo dai")
    assert "phrase.txt" not in _paths(builder, "dien ra tai ha noi trong hai ngay")


def test_same_content_is_never_segmented_twice(corpus: Path, build: Build) -> None:
    builder, first = build(corpus)
    assert first.segmented == 4
    shutil.copy2(corpus / "phrase.txt", corpus / "copy-of-phrase.txt")
    (corpus / "scattered.txt").rename(corpus / "renamed.txt")
    stats = builder.update(files_of(corpus))
    assert stats.segmented == 0
    assert stats.reused_segmentation == 2
    assert set(_paths(builder, "hoi nghi thuong dinh dien ra")) >= {
        "phrase.txt",
        "copy-of-phrase.txt",
    }


def test_unreadable_files_are_reported_not_fatal_and_not_retried(
    corpus: Path, build: Build
) -> None:
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 50)
    builder, stats = build(corpus)
    assert stats.indexed == 4
    assert [Path(p).name for p, _ in stats.skipped] == ["binary.txt"]
    assert stats.skipped[0][1]
    again = builder.update(files_of(corpus))
    assert again.unchanged == 5 and again.added == 0
    assert [Path(p).name for p, _ in again.skipped] == ["binary.txt"]


def test_corrupt_or_outdated_index_is_rebuilt(corpus: Path, build: Build, tmp_path: Path) -> None:
    index = tmp_path / "index"
    build(corpus)
    segment = next(p for p in index.iterdir() if p.name.startswith("seg") and p.is_dir())
    with (segment / "post.npy").open("r+b") as fh:
        fh.truncate(100)
    builder = IndexBuilder(index, workers=0)
    assert builder.snapshot().indexed == 0  # The one segment is damaged: nothing to search.
    stats = builder.update(files_of(corpus))
    assert stats.rebuilt and stats.indexed == 4
    assert _paths(builder, "dien ra tai ha noi")[0] == "phrase.txt"

    _head, body = (index / "manifest.json").read_bytes().split(b"\n", 1)
    manifest = json.loads(body)
    manifest["tokenizer"] = -1
    body = json.dumps(manifest).encode()
    (index / "manifest.json").write_bytes(b"%08x\n" % zlib.crc32(body) + body)
    outdated = IndexBuilder(index, workers=0)
    assert outdated.load_error and "another version" in outdated.load_error
    assert outdated.update(files_of(corpus)).added == 4

    (index / "manifest.json").write_text("{ not json")
    assert IndexBuilder(index, workers=0).update(files_of(corpus)).added == 4


def test_a_killed_write_leaves_the_last_committed_index(
    corpus: Path, build: Build, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build(corpus)
    # What a process killed mid-write leaves behind: a half-written segment and manifest.
    (index / "seg999999.tmp").mkdir()
    (index / "seg999999.tmp" / "post.npy").write_bytes(b"garbage")
    (index / "manifest.json.tmp").write_text("{")
    builder = IndexBuilder(index, workers=0)
    assert builder.load_error is None
    assert builder.snapshot().indexed == 4
    write_article(corpus, "more.txt", "Thêm một bài", "Nội dung mới.")
    builder.update(files_of(corpus))
    assert not (index / "seg999999.tmp").exists()  # Cleaned at the next commit.


def test_snapshots_grow_while_another_thread_updates(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        write_article(
            folder, f"a{i:03}.txt", f"Bài số {i}", f"Nội dung riêng của bài {i} về chủ đề {i % 7}."
        )
    builder = IndexBuilder(tmp_path / "index", workers=0, first_flush=16)
    seen: list[int] = []
    errors: list[BaseException] = []

    def progress(done: int, total: int) -> None:
        try:  # The UI thread's view: a consistent snapshot at any moment.
            snapshot = builder.snapshot()
            search(snapshot, "noi dung rieng", limit=5)
            seen.append(snapshot.indexed)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    worker = threading.Thread(target=builder.update, args=(files_of(folder), progress))
    worker.start()
    worker.join()
    assert not errors
    assert seen[0] == 0 and seen[-1] >= 48 and seen == sorted(seen)
    assert len(set(seen)) > 0 and builder.snapshot().indexed == 60
    assert len(search(builder.snapshot(), "noi dung rieng", limit=100).hits) == 60


def test_cancel_keeps_what_was_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        write_article(folder, f"a{i:03}.txt", f"Bài {i}", f"Đoạn văn số {i}.")
    cancel = threading.Event()
    builder = IndexBuilder(tmp_path / "index", workers=0)

    def progress(done: int, total: int) -> None:
        if done >= 10:
            cancel.set()

    stats = builder.update(files_of(folder), progress, cancel)
    assert stats.cancelled and stats.indexed < 30
    assert 0 < builder.snapshot().indexed < 30
    reloaded = IndexBuilder(tmp_path / "index", workers=0)
    assert reloaded.snapshot().indexed == builder.snapshot().indexed
    assert reloaded.update(files_of(folder)).added == 30 - builder.snapshot().indexed


def test_syllables_only_index_has_no_word_terms(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus, with_words=False)
    snapshot = builder.snapshot()
    assert snapshot.vocab.get("ha_noi") is None
    assert not any(np.any(v.segment.fwd >> 31) for v in snapshot.views)
    assert _paths(builder, "thuong dinh dien ra")[0] == "phrase.txt"


def test_index_folder_depends_on_the_corpus_roots(tmp_path: Path) -> None:
    a = index_dir_for([tmp_path / "a"], tmp_path)
    assert a == index_dir_for([tmp_path / "a"], tmp_path)
    assert a != index_dir_for([tmp_path / "b"], tmp_path)
    assert a.parent == tmp_path / "index"


def test_an_article_that_becomes_unreadable_leaves_the_index(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    phrase = corpus / "phrase.txt"
    phrase.write_bytes(b"\x00\x00binary now\x00" * 30)
    os.utime(phrase, ns=(2, 2))
    stats = builder.update(files_of(corpus))
    assert stats.changed == 1 and [Path(p).name for p, _ in stats.skipped] == ["phrase.txt"]
    assert stats.indexed == 3
    assert "phrase.txt" not in _paths(builder, "dien ra tai ha noi trong hai ngay")


# Two phases: syllables searchable first, pyvi words after ------------------------

WORD_QUERIES = [
    "ha noi",
    "hoi nghi thuong dinh",
    "thuong dinh ha noi",
    "trieu tien",
    "kim jong un",
    "tong thong trump",
    "thanh pho ho chi minh",
    "gia vang hom nay",
    "bong da viet nam",
    "cong an tinh",
    "nguoi dan",
    "thi truong chung khoan",
    "hanoi",
    "thanhhoa",
    "ngoctrinh",
    "vietnam",
    "loi ich di bo",
    "trump kim singapore",
    "tai nan giao thong",
    "suc khoe",
    "kinh te",
    "thu tuong",
    "bo truong",
    "hoc sinh",
    "dai hoc",
    "gia xang",
    "truyen hinh",
    "ngan hang nha nuoc",
    "khong the",
    "cao toc",
]


def _hits(snapshot: IndexSnapshot) -> list[list[tuple[str, int | None, float]]]:
    return [
        [(Path(h.path).name, h.passage, round(h.score, 5)) for h in search(snapshot, q, 20).hits]
        for q in WORD_QUERIES
    ]


def _words_at_once(folder: Path, out: Path) -> IndexSnapshot:
    """The reference: one segment built with each article's pyvi words from the start."""
    vocab = Vocabulary()
    buffer = SegmentBuffer(vocab)
    files = files_of(folder)
    for entry in files:
        doc = analyze_file(entry)
        assert isinstance(doc, AnalyzedDoc)
        buffer.add(doc, segment_stored(doc.stored, doc.lengths))
    segment = Segment(write_segment(out, "seg000001", buffer.build()))
    view = SegmentView(segment, np.zeros(segment.n_docs, dtype=bool))
    return IndexSnapshot([view], vocab, len(vocab), len(files), True)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("real") / "corpus"
    baomoi_sample(folder, 80)
    return folder


def test_after_phase_two_results_equal_a_words_at_once_build(real: Path, tmp_path: Path) -> None:
    builder = IndexBuilder(tmp_path / "index", workers=0, first_flush=16)
    phase_one: list[IndexSnapshot] = []
    words: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        snapshot = builder.snapshot()
        if done == total and not phase_one and snapshot.indexed == total:
            phase_one.append(snapshot)

    stats = builder.update(
        files_of(real), progress, words_progress=lambda d, t: words.append((d, t))
    )
    # Phase 1: every article searchable by its syllables, before any word was added.
    assert phase_one and phase_one[0].words_pending == 80 and not phase_one[0].with_words
    assert phase_one[0].vocab.get("ha_noi", phase_one[0].vocab_size) is None
    assert search(phase_one[0], "ha noi", 5).hits
    assert words[0] == (0, 80) and words[-1] == (80, 80)
    assert stats.segmented == 80 and stats.searchable_seconds <= stats.seconds
    # Phase 2: what a build indexing words with the syllables finds, to the score.
    snapshot = builder.snapshot()
    assert snapshot.with_words and snapshot.words_pending == 0
    assert all(v.segment.has_words for v in snapshot.views)
    reference = _words_at_once(real, tmp_path / "reference")
    assert _hits(snapshot) == _hits(reference)
    reloaded = IndexBuilder(tmp_path / "index", workers=0)
    assert _hits(reloaded.snapshot()) == _hits(reference)


def test_words_cancelled_are_added_by_the_next_update(real: Path, tmp_path: Path) -> None:
    cancel = threading.Event()
    builder = IndexBuilder(tmp_path / "index", workers=0)

    def words(done: int, total: int) -> None:
        if done:
            cancel.set()

    stats = builder.update(files_of(real), cancel=cancel, words_progress=words)
    assert stats.cancelled and stats.indexed == 80  # All searchable, words not all there.
    reloaded = IndexBuilder(tmp_path / "index", workers=0)
    assert reloaded.snapshot().indexed == 80 and reloaded.snapshot().words_pending
    again = reloaded.update(files_of(real))
    assert (again.added, again.unchanged) == (0, 80)
    assert reloaded.snapshot().with_words
    assert _hits(reloaded.snapshot()) == _hits(_words_at_once(real, tmp_path / "reference"))


def test_an_index_of_the_previous_format_is_rebuilt(
    corpus: Path, build: Build, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build(corpus)
    _head, body = (index / "manifest.json").read_bytes().split(b"\n", 1)
    manifest = json.loads(body)
    manifest["format"] = 2  # Segments without a words flag: words may be missing.
    body = json.dumps(manifest).encode()
    (index / "manifest.json").write_bytes(b"%08x\n" % zlib.crc32(body) + body)
    builder = IndexBuilder(index, workers=0)
    assert builder.load_error and "another version" in builder.load_error
    assert builder.update(files_of(corpus)).added == 4 and builder.snapshot().with_words


def _niceness_after_words() -> int:
    from tui_reader.search import update

    update._segment_keyed(([], []))
    return os.nice(0)


def test_words_are_segmented_at_a_lower_priority_in_workers_only() -> None:
    from tui_reader.procs import worker_pool

    before = os.nice(0)
    assert _niceness_after_words() == before  # In this process: never niced.
    with worker_pool(1) as pool:
        assert pool.submit(_niceness_after_words).result() >= min(before + 10, 19)
