"""The in-memory filter of the bookmarks screen matches like the search does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.search.textfilter import filter_texts

ROWS = [
    ("Mỹ, Triều Tiên cân nhắc cử đại diện", "Hội nghị thượng đỉnh tại Hà Nội", "quan trọng"),
    ("Man United sẽ cán mốc vĩ đại", "Quỷ đỏ thành Manchester", ""),
    ("Giá vàng hôm nay", "Người dân đổ xô đi mua vàng ngày vía Thần Tài", "đọc lại"),
]


def test_folded_words_typos_and_prefixes_match() -> None:
    assert [h.index for h in filter_texts("ha noi", ROWS)] == [0]
    assert [h.index for h in filter_texts("dai dien", ROWS)] == [0]  # đ typed as d
    assert [h.index for h in filter_texts("manchestr", ROWS)] == [1]  # one letter missing
    assert [h.index for h in filter_texts("than ta", ROWS)] == [2]  # still typing "tai"
    assert filter_texts("ha noi vang", ROWS) == []  # every word must match


def test_title_matches_rank_above_note_matches() -> None:
    rows = [("Một bài khác", "không liên quan", "vàng"), ("Giá vàng", "", "")]
    assert [h.index for h in filter_texts("vang", rows)] == [1, 0]


def test_spans_point_at_the_matched_words() -> None:
    (hit,) = filter_texts("ha noi", ROWS)
    quote = ROWS[0][1]
    assert [quote[a:b] for a, b in hit.spans[1]] == ["Hà", "Nội"]


def test_empty_query_keeps_everything_in_order() -> None:
    assert [h.index for h in filter_texts("  ", ROWS)] == [0, 1, 2]


@given(st.text(max_size=60))
def test_never_crashes(query: str) -> None:
    for hit in filter_texts(query, ROWS):
        assert 0 <= hit.index < len(ROWS)
