"""Segments: merging drops deleted docs and equals building from scratch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.search.conftest import files_of, write_article
from tui_reader.articles.parse import load_article
from tui_reader.search.analysis import analyze_article, segment_stored
from tui_reader.search.segment import Segment, SegmentBuffer, merge_segments, write_segment
from tui_reader.search.vocab import Vocabulary


def _segment(folder: Path, vocab: Vocabulary, names: list[str], out: Path, tag: str) -> Segment:
    buffer = SegmentBuffer(vocab)
    for entry in files_of(folder):
        if Path(entry.path).name in names:
            doc = analyze_article(load_article(Path(entry.path)), entry)
            buffer.add(doc, segment_stored(doc.stored, doc.lengths))
    write_segment(out, tag, buffer.build())
    return Segment(out / tag)


def test_merge_equals_a_fresh_build(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    texts = ["Hà Nội mùa thu", "Triều Tiên thử tên lửa", "Hải Phòng và Hà Nội", "Giá vàng"]
    for i, text in enumerate(texts):
        write_article(folder, f"{i}.txt", f"Bài {i}", text, "Đoạn chung cho mọi bài.")
    vocab = Vocabulary()
    a = _segment(folder, vocab, ["0.txt", "1.txt"], tmp_path, "a")
    b = _segment(folder, vocab, ["2.txt", "3.txt"], tmp_path, "b")
    deleted_a = np.array([False, True])
    merged = merge_segments([(a, deleted_a), (b, np.zeros(2, bool))], len(vocab))
    fresh = _segment(folder, vocab, ["0.txt", "2.txt", "3.txt"], tmp_path, "fresh")
    write_segment(tmp_path, "m", merged)
    m = Segment(tmp_path / "m")
    assert [Path(m.doc_path(i)).name for i in range(m.n_docs)] == ["0.txt", "2.txt", "3.txt"]
    for field in ("post", "dpost", "fwd", "dstart", "tlen", "pptr", "pstart", "sizes"):
        assert np.array_equal(getattr(m, field), getattr(fresh, field)), field
    # Ptr arrays may differ in length (vocabulary sizes) but agree on every term.
    n = min(len(m.ptr), len(fresh.ptr))
    assert np.array_equal(m.ptr[:n], fresh.ptr[:n])
    assert m.doc_texts(1) == fresh.doc_texts(1)
    assert m.joins(0) == fresh.joins(0)
    assert m.passage_of(0, 0) is None  # Title.
    assert m.passage_of(0, int(m.tlen[0])) == 0


def test_a_syllable_segment_rewritten_with_words_equals_one_built_with_them(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    write_article(folder, "a.txt", "Hà Nội mùa thu", "Hội nghị thượng đỉnh ở Hà Nội.", "")
    write_article(folder, "b.txt", "Triều Tiên", "Tổng thống Trump gặp Kim Jong Un.", "Hết.")
    docs = [analyze_article(load_article(Path(e.path)), e) for e in files_of(folder)]
    vocab = Vocabulary()
    syllables = SegmentBuffer(vocab, with_words=False)
    for doc in docs:
        syllables.add(doc, None)
    write_segment(tmp_path, "s", syllables.build())
    s = Segment(tmp_path / "s")
    assert not s.has_words and not np.any(s.fwd >> 31) and vocab.get("ha_noi") is None
    rewritten = SegmentBuffer(vocab)
    for i, doc in enumerate(docs):
        stored = s.stored_doc(i)
        assert (stored.path, stored.key, stored.lengths) == (doc.path, doc.key, doc.lengths)
        assert vocab.term(int(s.syllables(i)[0])) == doc.terms[0]
        rewritten.add_ids(stored, s.syllables(i), segment_stored(stored.stored, stored.lengths))
    write_segment(tmp_path, "w", rewritten.build())
    w = Segment(tmp_path / "w")
    fresh_vocab = Vocabulary()
    fresh = _segment(folder, fresh_vocab, ["a.txt", "b.txt"], tmp_path, "fresh")
    assert w.has_words and fresh.has_words and vocab.get("ha_noi") is not None
    assert [w.joins(d) for d in range(2)] == [fresh.joins(d) for d in range(2)]
    for t in range(1, len(fresh_vocab)):  # Same postings for every term, syllable or word.
        gid = vocab.get(fresh_vocab.term(t))
        assert gid is not None
        assert np.array_equal(w.postings(gid), fresh.postings(t)), fresh_vocab.term(t)
    assert np.array_equal(w.dstart, fresh.dstart) and np.array_equal(w.pstart, fresh.pstart)
