"""Highlight spans in original offsets, and snippets around the match."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.search.conftest import Build
from tui_reader.articles.model import Article, Passage, PassageKind
from tui_reader.search.engine import search
from tui_reader.search.highlight import (
    _WHITESPACE,
    SNIPPET_CHARS,
    TokenMatcher,
    _LazyTokens,
    best_passage,
    make_snippet,
    match_spans,
    text_matcher,
    token_spans,
)
from tui_reader.search.query import rules_for
from tui_reader.search.rules import HitMatcher, hit_matcher, prepare
from tui_reader.text.tokens import tokenize


def _article(title: str, *texts: str) -> Article:
    return Article(
        key="k",
        path=Path("a.txt"),
        title=title,
        passages=tuple(Passage(PassageKind.PARAGRAPH, t) for t in texts),
    )


def test_spans_cover_every_match_in_original_offsets() -> None:
    article = _article("Hà Nội mùa thu", "Tôi yêu Hà Nội.", "Không liên quan.", "HÀ NỘI, hà nội!")
    title, passages = match_spans(article, "ha noi")
    assert [article.title[s:e] for s, e in title] == ["Hà Nội"]
    assert sorted(passages) == [0, 2]
    assert [article.passages[2].text[s:e] for s, e in passages[2]] == ["HÀ NỘI", "hà nội"]


def test_spans_map_back_through_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "Thủ đô Hà Nội")
    _, passages = match_spans(_article("", text), "ha noi")
    ((start, end),) = passages[0]
    assert unicodedata.normalize("NFC", text[start:end]) == "Hà Nội"


def test_prefix_and_typos_are_highlighted_like_they_match() -> None:
    _, passages = match_spans(_article("", "Nguyễn Trường Tộ ở Nghệ An"), "nugyen truong t")
    assert [("Nguyễn Trường Tộ ở Nghệ An")[s:e] for s, e in passages[0]] == ["Nguyễn Trường Tộ"]


def test_search_matcher_highlights_exactly_what_was_searched(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    results = search(builder.snapshot(), "trieu tien")
    assert isinstance(results.matcher, TokenMatcher)
    article = _article("Triều Tiên", "Bán đảo Triều Tiên và Trung Quốc.")
    title, passages = match_spans(article, results.matcher)
    assert title == [(0, 10)] and passages == {0: [(8, 18)]}


def test_a_hits_matcher_is_what_ranking_its_doc_alone_would_count(
    corpus: Path, build: Build
) -> None:
    """A row's highlight is sliced from the whole shortlist's resolved matches: it must be
    what the rules decide over that one doc (nothing leaks from its neighbours)."""
    builder, _ = build(corpus)
    snapshot = builder.snapshot()
    lit = 0
    for query in ("hoi nghi thuong dinh ha noi", "ha noi", "trieu tien my", "thuong dinh hn"):
        results = search(snapshot, query)
        assert len(results.hits) > 1, query
        for hit in results.hits:
            assert hit.source is not None and hit.snippets is not None
            ctx = hit.snippets._ctx
            assert ctx is not None
            alone = prepare(
                hit.source.segment, ctx.tables, ctx.edits, np.array([hit.source.doc]), ctx.hits
            )
            alone.resolve(ctx.fixable)
            want = hit_matcher(alone, 0, ctx.plan, snapshot.vocab)
            got = hit.matcher
            assert isinstance(got, HitMatcher)
            assert (got.terms, got.pinned, got.lined) == (want.terms, want.pinned, want.lined)
            lit += sum(len(t) for t in got.terms)
    assert lit > 0


def test_snippet_windows_the_match_and_marks_cuts() -> None:
    text = ("Mở đầu dài dòng " * 20) + "hội nghị thượng đỉnh tại Hà Nội" + (" kết thúc" * 30)
    snippet, spans = make_snippet(text, "ha noi")
    assert snippet.startswith("…") and snippet.endswith("…")
    assert [snippet[s:e] for s, e in spans] == ["Hà Nội"]
    assert len(snippet) <= 202


def test_snippet_of_a_short_text_is_the_text() -> None:
    snippet, spans = make_snippet("Tin ngắn về Hà Nội.", "ha noi")
    assert snippet == "Tin ngắn về Hà Nội." and spans == [(12, 18)]
    assert make_snippet("", "ha noi") == ("", [])


def test_snippet_centres_on_the_densest_cluster_not_the_first_match() -> None:
    filler = "chuyện khác " * 40
    text = f"Hà Nội mở đầu. {filler}Hà Nội, Hà Nội và Hà Nội cuối bài. {filler}Hà Nội."
    snippet, spans = make_snippet(text, "ha noi")
    assert [snippet[s:e] for s, e in spans] == ["Hà Nội"] * 3
    assert "cuối bài" in snippet and "mở đầu" not in snippet


def test_best_passage_prefers_the_densest_match() -> None:
    passages = ["Không có gì.", "Hà Nội.", "Hà Nội mùa thu, Hà Nội mùa đông."]
    assert best_passage(passages, "ha noi") == 2
    assert best_passage(passages, "xyz") is None


def test_rules_for_typing_and_finished_queries() -> None:
    assert [r.prefix for r in rules_for("ha no")] == [False, True]
    assert [r.prefix for r in rules_for("ha no ")] == [False, False]
    assert rules_for("!!!") == ()


@given(st.text(max_size=200), st.text(max_size=30))
def test_spans_always_lie_inside_the_text(text: str, query: str) -> None:
    title, passages = match_spans(_article(text, text), query)
    for start, end in title + passages.get(0, []):
        assert 0 <= start < end <= len(text)
    snippet, spans = make_snippet(text, query)
    for start, end in spans:
        assert 0 <= start < end <= len(snippet)


def test_covering_passage_prefers_the_passage_with_the_whole_query() -> None:
    from tui_reader.search.highlight import covering_passage

    passages = [
        "Hai bên gặp nhau trong hội nghị thượng đỉnh tại Hà Nội ngày 27-28/2.",
        "Lần trước, hội nghị thượng đỉnh diễn ra tại Singapore.",
    ]
    query = "hoi nghi thuong dinh ha noi"
    assert covering_passage(passages, query, prefer=1) == 0
    # A tie keeps the passage the search chose.
    assert covering_passage(passages, "hoi nghi thuong dinh", prefer=1) == 1
    assert covering_passage(passages, "", prefer=1) == 1


def _walked_snippet(text: str, query: str, center: int) -> tuple[str, list[tuple[int, int]]]:
    """The window as make_snippet built it before its binary search: token by token."""
    matcher = text_matcher(query, {t.folded for t in tokenize(text)})
    lazy = _LazyTokens(text)
    mid = lazy.token(center)
    start = max(0, mid.start - 60)
    first, before = center, []
    while first > 0 and lazy.token(first - 1).start >= start:
        first -= 1
        before.append(lazy.token(first))
    start = (before[-1].start if before else mid.start) if start > 0 else 0
    end = min(len(text), start + SNIPPET_CHARS)
    inside, last = [*reversed(before), mid], center
    while last + 1 < len(lazy) and lazy.token(last + 1).end <= end:
        last += 1
        inside.append(lazy.token(last))
    if end < len(text):
        end = max(inside[-1].end, mid.end)
    lo, hi = max(first - 2, 0), min(last + 3, len(lazy))
    marks = matcher.marks([lazy.token(i).folded for i in range(lo, hi)])
    matched = marks[first - lo : first - lo + len(inside)]
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    shift = len(prefix) - start
    spans = [(s + shift, e + shift) for s, e in token_spans(text, inside, matched)]
    return prefix + text[start:end].translate(_WHITESPACE) + suffix, spans


_WORDS = ["Hà", "Nội", "hà", "nói", "Việt", "Nam", "đi", "bộ", "lợi", "ích", "12.000", "a"]


@given(
    st.lists(
        st.sampled_from([*_WORDS, *(unicodedata.normalize("NFD", w) for w in _WORDS)]),
        min_size=1,
        max_size=40,
    ),
    st.integers(min_value=1, max_value=12),
    st.sampled_from([" ", ", ", "\n", " - "]),
    st.integers(min_value=0, max_value=479),
)
def test_snippet_window_is_the_one_walked_token_by_token(
    words: list[str], times: int, sep: str, center: int
) -> None:
    text = sep.join(words * times)
    count = len(_LazyTokens(text))
    center = min(center, count - 1)
    assert make_snippet(text, "ha noi", center) == _walked_snippet(text, "ha noi", center)
