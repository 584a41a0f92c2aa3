"""Filter-as-you-type over short texts (the bookmarks screen)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.search.filter import FuzzyFilter, fuzzy_filter

TEXTS = [
    "Hà Nội mùa thu",
    "Triều Tiên thử tên lửa",
    "Hải Phòng và Hà Nội",
    "Nổ khí gas: rò rỉ không thoát ra ngoài",
    "Giá vàng hôm nay",
]


def test_folding_prefix_and_typos() -> None:
    f = FuzzyFilter(TEXTS)
    assert [m.index for m in f.filter("trieu")] == [1]
    assert [m.index for m in f.filter("TRIỀU tiên")] == [1]
    assert [m.index for m in f.filter("gia va")] == [4]  # Still typing "vàng".
    assert [m.index for m in f.filter("ro ri khog thoat")] == [3]


def test_phrase_order_ranks_first() -> None:
    ranked = [m.index for m in fuzzy_filter(TEXTS, "ha noi")]
    assert set(ranked) == {0, 2}
    assert ranked[0] == 0  # "Hà Nội" at the start of a shorter text... and a phrase in both.


def test_all_words_must_match_except_one_in_long_queries() -> None:
    f = FuzzyFilter(TEXTS)
    assert f.filter("ha noi trieu tien") == []  # Two of four words missing.
    assert [m.index for m in f.filter("gia vang hom qua")] == [4]


def test_spans_point_at_the_matches() -> None:
    (match,) = fuzzy_filter(TEXTS, "khi gas")
    text = TEXTS[match.index]
    assert [text[s:e] for s, e in match.spans] == ["khí gas"]


def test_empty_query_keeps_everything_in_order() -> None:
    f = FuzzyFilter(TEXTS)
    assert [m.index for m in f.filter("")] == list(range(len(TEXTS)))
    assert [m.index for m in f.filter("  ", limit=2)] == [0, 1]


@given(st.lists(st.text(max_size=40), max_size=8), st.text(max_size=30))
def test_never_crashes(texts: list[str], query: str) -> None:
    for match in fuzzy_filter(texts, query):
        for start, end in match.spans:
            assert 0 <= start < end <= len(texts[match.index])
