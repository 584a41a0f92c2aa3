"""Search snippets are cut to show their first match in a narrow list row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_reader.ui.widgets.article_list import RowSnippet


def test_snippet_starts_just_before_the_first_match() -> None:
    text = "…danh sách các nhà đầu tư trực tiếp nước ngoài tại Hà Nội và"
    start = text.index("Hà Nội")
    cut = RowSnippet(text, ((start, start + 6),)).starting_near_match(lead=12)
    assert cut.text.startswith("…")
    assert cut.text.index("Hà Nội") <= 12 + len("ngoài ") + 1
    assert [cut.text[a:b] for a, b in cut.spans] == ["Hà Nội"]


def test_snippet_with_an_early_match_is_unchanged() -> None:
    snippet = RowSnippet("Hà Nội mùa thu", ((0, 6),))
    assert snippet.starting_near_match() == snippet


@given(st.text(min_size=1, max_size=200), st.data())
def test_spans_keep_pointing_at_the_same_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    cut = RowSnippet(text, ((start, end),)).starting_near_match()
    assert [cut.text[a:b] for a, b in cut.spans] in ([text[start:end]], [])
