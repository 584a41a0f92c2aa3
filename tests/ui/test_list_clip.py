"""A list row's title or snippet is clipped before Rich cuts it: the row looks the same."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from tui_reader.ui.widgets.article_list import clip

# Vietnamese both composed and decomposed (combining marks take no cell), wide CJK, ASCII.
PIECES = st.sampled_from(["Hà Nội ", "Hà Nội ", "thủ tướng ", "東京 ", "abc ", "x", "\u0301"])


def cut(text: str, cells: int) -> tuple[str, int]:
    """What a row shows of ``text`` in ``cells`` cells (as the list cuts it)."""
    line = Text(text, no_wrap=True, overflow="ellipsis")
    line.truncate(cells, overflow="ellipsis", pad=True)
    return line.plain, line.cell_len


@given(st.lists(PIECES, max_size=80).map("".join), st.integers(min_value=1, max_value=120))
def test_a_clipped_line_cuts_to_the_same_row(text: str, cells: int) -> None:
    clipped = clip(text, cells)
    assert text.startswith(clipped)
    assert cut(clipped, cells) == cut(text, cells)  # ellipsis included when it overflows


def test_a_long_decomposed_snippet_is_clipped_well_before_its_end() -> None:
    text = unicodedata.normalize("NFD", "Chiều nay Hà Nội có mưa lớn ở nhiều nơi. " * 20)
    clipped = clip(text, 40)
    assert cell_len(clipped) > 40 and len(clipped) < len(text) // 4
