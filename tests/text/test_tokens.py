"""Syllable tokens: folded terms with exact original offsets."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.text.tokens import MAX_TERM_CHARS, tokenize, tokenize_folded


def test_syllables_with_offsets_and_folded_terms() -> None:
    text = "Đặc phái viên Mỹ, tại Hà Nội."
    tokens = tokenize(text)
    assert [t.folded for t in tokens] == ["dac", "phai", "vien", "my", "tai", "ha", "noi"]
    assert [text[t.start : t.end] for t in tokens] == [
        "Đặc",
        "phái",
        "viên",
        "Mỹ",
        "tại",
        "Hà",
        "Nội",
    ]


def test_numbers_keep_group_separators_and_dates_split() -> None:
    assert tokenize_folded("2.000 người, lãi 1,5% ngày 6/2/2019.") == [
        "2.000",
        "nguoi",
        "lai",
        "1,5",
        "ngay",
        "6",
        "2",
        "2019",
    ]


def test_underscore_separates_syllables() -> None:
    # "_" joins syllables in index terms, so it can never be part of one.
    assert tokenize_folded("ha_noi") == ["ha", "noi"]


def test_decomposed_text_is_one_token_per_syllable() -> None:
    text = unicodedata.normalize("NFD", "Nguyễn Văn")
    tokens = tokenize(text)
    assert [t.folded for t in tokens] == ["nguyen", "van"]
    assert [unicodedata.normalize("NFC", text[t.start : t.end]) for t in tokens] == [
        "Nguyễn",
        "Văn",
    ]


def test_very_long_runs_are_capped() -> None:
    assert tokenize_folded("a" * 500) == ["a" * MAX_TERM_CHARS]


@given(st.text())
def test_tokenize_agrees_with_the_fast_path(text: str) -> None:
    tokens = tokenize(text)
    assert [t.folded for t in tokens] == tokenize_folded(text)
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
