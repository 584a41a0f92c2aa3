"""Word segmentation with the real pyvi model, aligned to our tokens."""

from __future__ import annotations

import warnings

from tui_reader.text.tokens import tokenize, tokenize_folded
from tui_reader.text.wordseg import segment_text, segment_texts, words_of


def test_trieu_tien_is_one_word() -> None:
    text = "Đặc phái viên Mỹ tại Triều Tiên sẽ gặp người đồng cấp."
    terms = tokenize_folded(text)
    words = dict(words_of(terms, segment_text(text)))
    assert words[terms.index("trieu")] == "trieu_tien"
    assert words[0] == "dac_phai_vien"


def test_one_flag_per_token_and_never_across_punctuation_or_digits() -> None:
    text = "Hà Nội, Hải Phòng và 2.000 người; hội nghị thượng đỉnh 6/2."
    flags = segment_text(text)
    tokens = tokenize(text)
    assert len(flags) == len(tokens)
    assert flags[0] == 0
    terms = [t.folded for t in tokens]
    joined = {terms[i] for i in range(1, len(terms)) if flags[i]}
    assert {"noi", "phong", "nghi", "dinh"} <= joined
    assert "hai" not in joined  # Not joined across the comma.
    assert "nguoi" not in joined and "2" not in joined  # Digits never join.


def test_matches_pyvi_tokenize() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyvi import ViTokenizer

    text = "Tổng thống Donald Trump và nhà lãnh đạo Triều Tiên Kim Jong Un gặp nhau tại Hà Nội."
    expected = [w for w in ViTokenizer.ViTokenizer.tokenize(text).split() if w.strip(".")]
    terms = tokenize(text)
    flags = segment_text(text)
    ours: list[str] = []
    for token, flag in zip(terms, flags, strict=True):
        piece = text[token.start : token.end]
        if flag:
            ours[-1] += "_" + piece
        else:
            ours.append(piece)
    assert ours == expected


def test_empty_and_punctuation_only_texts() -> None:
    assert segment_texts(["", "...", "!?"]) == [b"", b"", b""]
