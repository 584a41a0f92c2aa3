"""Folding: the same letters for search, filter and highlight, mapped back exactly."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.text.fold import fold, fold_with_offsets, folded_text


def test_tone_case_and_keyboard_variants_fold_equal() -> None:
    variants = ["hà nội", "Ha Noi", "ha noi", "HÀ NỘI", "Hà Nội"]
    assert {fold(v) for v in variants} == {"ha noi"}


def test_d_with_stroke_folds_to_d() -> None:
    assert fold("Đặc phái viên đã đến") == "dac phai vien da den"


def test_decomposed_input_folds_like_composed() -> None:
    composed = "Thượng đỉnh Triều Tiên"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert fold(decomposed) == fold(composed) == "thuong dinh trieu tien"


def test_offsets_map_folded_spans_back_to_the_original() -> None:
    text = unicodedata.normalize("NFD", "Hà Nội")  # Marks are separate characters here.
    folded, starts = fold_with_offsets(text)
    assert folded == "ha noi"
    start = folded.index("noi")
    original = text[starts[start] : starts[start + 3]]
    assert unicodedata.normalize("NFC", original) == "Nội"
    # The tone marks after the last letter stay inside the span.
    assert starts[len(folded)] == len(text)


def test_composed_text_maps_one_to_one() -> None:
    ft = folded_text("Hội nghị")
    assert ft.starts is None
    assert ft.to_original(4, 8) == (4, 8)


def test_characters_that_fold_to_several_map_to_their_source() -> None:
    text = "xİy"  # İ lowercases to i + combining dot, which is dropped.
    folded, starts = fold_with_offsets(text)
    assert folded == "xiy"
    assert [text[starts[i]] for i in range(len(folded))] == ["x", "İ", "y"]


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_every_offset_lies_inside_the_original(text: str) -> None:
    folded, starts = fold_with_offsets(text)
    assert folded == fold(text)
    assert len(starts) == len(folded) + 1
    assert starts == sorted(starts)
    assert all(0 <= s < len(text) for s in starts[:-1])
    assert starts[-1] == len(text)
    for i, ch in enumerate(folded):  # Each folded char comes from the char it maps to.
        assert ch in fold(text[starts[i]])
