"""Matching and ranking: what a reader without a Vietnamese keyboard types finds the article."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.search.conftest import LEAK_ARTICLES, Build, baomoi_sample, write_article
from tui_reader.search.engine import SearchResults, search
from tui_reader.search.index import IndexBuilder


def _names(results: SearchResults) -> list[str]:
    return [Path(h.path).name for h in results.hits]


@pytest.fixture
def words(tmp_path: Path, build: Build) -> IndexBuilder:
    """A corpus for matching rules: one distinctive article per rule."""
    folder = tmp_path / "words"
    folder.mkdir()
    write_article(folder, "nguyen.txt", "Tiểu sử", "Ông Nguyễn Trường Tộ sinh ra ở Nghệ An.")
    write_article(folder, "dan.txt", "Điện Biên Phủ", "Đường lên Điện Biên đẹp lắm.")
    write_article(folder, "long.txt", "Khoa học", "Hiện tượng quang hợp xảy ra trong lục lạp.")
    write_article(folder, "english.txt", "Công nghệ", "Smartphone mới có màn hình lớn.")
    write_article(folder, "other.txt", "Thời tiết", "Trời nắng nóng kéo dài ở miền Bắc.")
    builder, _ = build(folder)
    return builder


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen truong to", "nguyen.txt"),  # No tones.
        ("NGUYỄN TRƯỜNG TỘ", "nguyen.txt"),  # Tones and capitals.
        ("dien bien", "dan.txt"),  # đ typed as d.
        ("duong len dien", "dan.txt"),
        ("nguyen truong t", "nguyen.txt"),  # Last word still being typed.
        ("quang h", "long.txt"),
        ("nugyen truong to", "nguyen.txt"),  # One typo (transposition) in a 6-letter word.
        ("smartphne", "english.txt"),  # One deletion.
        ("hien tuong quanh hop", "long.txt"),  # A typo that makes another real syllable.
        ("smartfone", "english.txt"),  # Two edits in a 9-letter word.
        ("nang nong keo dai", "other.txt"),
    ],
)
def test_query_finds_the_article(words: IndexBuilder, query: str, expected: str) -> None:
    assert _names(search(words.snapshot(), query))[0] == expected


def test_exact_beats_prefix_beats_typo(tmp_path: Path, build: Build) -> None:
    folder = tmp_path / "q"
    folder.mkdir()
    write_article(folder, "exact.txt", "Một", "Bài viết về thanh niên.")
    write_article(folder, "prefix.txt", "Hai", "Bài viết về thanhxuan niên.")
    write_article(folder, "typo.txt", "Ba", "Bài viết về thamh niên.")
    builder, _ = build(folder)
    # The last word is matched as a prefix while typing; "thamh" is one edit away.
    assert _names(search(builder.snapshot(), "viet ve thanh")) == [
        "exact.txt",
        "prefix.txt",
        "typo.txt",
    ]


def test_short_words_match_only_exactly_when_another_word_fits(
    tmp_path: Path, build: Build
) -> None:
    folder = tmp_path / "q"
    folder.mkdir()
    write_article(folder, "a.txt", "Một", "Cái ao làng.")
    builder, _ = build(folder)
    assert search(builder.snapshot(), "xyzzyq").hits == []  # Nothing near it: nothing found.


def test_phrase_beats_scattered_words(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    ranked = _names(search(builder.snapshot(), "hoi nghi thuong dinh"))
    assert ranked.index("phrase.txt") < ranked.index("scattered.txt")
    assert ranked[-1] == "scattered.txt"


def test_title_matches_are_boosted(tmp_path: Path, build: Build) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    write_article(
        folder, "body.txt", "Tin buổi sáng", "Giá vàng hôm nay tăng mạnh.", "Thị trường sôi động."
    )
    write_article(folder, "title.txt", "Giá vàng hôm nay", "Tăng mạnh.", "Thị trường sôi động.")
    builder, _ = build(folder)
    assert _names(search(builder.snapshot(), "gia vang hom nay")) == ["title.txt", "body.txt"]
    hit = search(builder.snapshot(), "gia vang hom nay").hits[0]
    assert hit.passage is None and hit.title == "Giá vàng hôm nay"


def test_word_boundaries_are_preferred(tmp_path: Path, build: Build) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    # "Hà Nội" is one word here; in the other article "nội" starts "nội dung".
    write_article(folder, "word.txt", "Một", "Tôi sống ở Hà Nội từ nhỏ.")
    write_article(folder, "split.txt", "Hai", "Sông Hà nội dung bài viết.")
    builder, _ = build(folder)
    assert _names(search(builder.snapshot(), "ha noi"))[0] == "word.txt"
    unsegmented, _ = build(folder, index=tmp_path / "syllables", with_words=False)
    # Without pyvi words only length normalisation separates them: the shorter wins.
    assert _names(search(unsegmented.snapshot(), "ha noi"))[0] == "split.txt"


def test_the_issue_examples_on_the_seeds_and_real_articles(
    corpus: Path, build: Build, tmp_path: Path
) -> None:
    baomoi_sample(corpus, 30)
    builder, stats = build(corpus)
    assert stats.indexed >= 30
    top = search(builder.snapshot(), "hoi nghi thuong dinh ha noi").hits[0]
    assert Path(top.path).name in {"004_43a67dcebbb22425.txt", "phrase.txt"}
    ranked = _names(search(builder.snapshot(), "ro ri khog thoat"))
    assert ranked[0] in LEAK_ARTICLES
    assert set(ranked[:2]) == set(LEAK_ARTICLES)


def test_results_carry_passage_and_snippet_with_spans(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    results = search(builder.snapshot(), "ha noi", limit=5)
    assert results.total >= 2 and results.indexed == 4 and results.corpus_size == 4
    assert results.elapsed_ms >= 0
    hit = next(h for h in results.hits if Path(h.path).name == "phrase.txt")
    assert hit.passage == 0 and hit.key
    assert hit.snippet_spans
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["Hà Nội"]


def test_results_are_limited_and_ordered(corpus: Path, build: Build) -> None:
    builder, _ = build(corpus)
    results = search(builder.snapshot(), "trieu tien", limit=1)
    assert len(results.hits) == 1
    scores = [h.score for h in search(builder.snapshot(), "trieu tien my").hits]
    assert scores == sorted(scores, reverse=True)
    assert search(builder.snapshot(), "trieu tien", limit=0).hits == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!! ... ???",
        "a" * 10_000,
        "hà " * 5_000,
        ".*[](){}^$|\\+?",
        "🙂🔥 ha noi 🙂",
        "\x00\x1b[31m",
        "_ _ _",
        "ha_noi",
        "\udcff",
        "٣٤٥ 漢字",
    ],
)
def test_bad_queries_never_fail(corpus: Path, build: Build, query: str) -> None:
    builder, _ = build(corpus)
    results = search(builder.snapshot(), query)
    assert results.query == query
    assert all(h.score > 0 for h in results.hits)


def test_empty_index_and_empty_query(tmp_path: Path) -> None:
    builder = IndexBuilder(tmp_path / "index", workers=0)
    assert search(builder.snapshot(), "ha noi").hits == []
    assert search(builder.snapshot(), "").total == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=80))
def test_search_never_crashes(corpus_index: IndexBuilder, query: str) -> None:
    results = search(corpus_index.snapshot(), query, limit=5)
    assert len(results.hits) <= 5
    for hit in results.hits:
        for start, end in hit.snippet_spans:
            assert 0 <= start < end <= len(hit.snippet)


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> IndexBuilder:
    from tests.search.conftest import SEEDS, files_of

    index = IndexBuilder(tmp_path_factory.mktemp("seedindex"), workers=0)
    index.update(files_of(SEEDS))
    return index


def test_snippets_are_lazy_and_cut_from_the_passage_enter_opens(corpus: Path, build: Build) -> None:
    from tui_reader.articles.parse import load_article
    from tui_reader.search.engine import snippet_of

    builder, _ = build(corpus)
    results = search(builder.snapshot(), "hoi nghi thuong dinh ha noi", limit=10)
    assert results.hits
    for hit in results.hits:
        snippet, spans = snippet_of(results, hit)
        assert (snippet, spans) == (hit.snippet, hit.snippet_spans)
        assert snippet_of(results, hit)[0] is snippet  # Made once per results.
        article = load_article(Path(hit.path))
        source = article.title if hit.passage is None else article.passages[hit.passage].text
        assert snippet.strip("…") in " ".join(source.split())
        assert spans


def test_a_stale_search_is_cancelled(tmp_path: Path, build: Build) -> None:
    from tui_reader.search.engine import SearchCancelled

    folder = tmp_path / "c"
    folder.mkdir()
    write_article(folder, "a.txt", "Hà Nội", "Tôi sống ở Hà Nội từ nhỏ.")
    builder, _ = build(folder)
    with pytest.raises(SearchCancelled):
        search(builder.snapshot(), "ha noi", cancel=lambda: True)
    assert search(builder.snapshot(), "ha noi", cancel=lambda: False).hits


def test_allowed_articles_are_searched_alone_with_their_own_counts(
    tmp_path: Path, build: Build
) -> None:
    """The app's filters (unread only, one source): the best of the allowed articles, not
    the corpus' best with the others dropped, which left a filter with few or no results."""
    folder = tmp_path / "allowed"
    folder.mkdir()
    for i in range(30):
        write_article(
            folder, f"strong{i:02}.txt", f"Hội nghị thượng đỉnh {i}", "Hội nghị thượng đỉnh."
        )
    for i in range(4):
        write_article(
            folder, f"weak{i}.txt", f"Bản tin {i}", "Chiều nay có hội nghị ở Hà Nội về giá."
        )
    write_article(folder, "other.txt", "Thời tiết", "Trời nắng nóng kéo dài.")
    builder, _ = build(folder)
    snapshot = builder.snapshot()
    everything = search(snapshot, "hoi nghi", limit=100)
    assert everything.some == 34
    assert all(name.startswith("strong") for name in _names(everything)[:30])
    weak = {hit.key for hit in everything.hits if Path(hit.path).name.startswith("weak")}
    assert len(weak) == 4
    allowed = weak | {h.key for h in search(snapshot, "thoi tiet").hits}
    only = search(snapshot, "hoi nghi", limit=3, allowed=allowed)
    assert len(only.hits) == 3 and {hit.key for hit in only.hits} <= weak
    assert (only.every, only.some) == (4, 4)
    assert search(snapshot, "hoi nghi", allowed=set()).hits == []
    # The unfiltered search is untouched by a filtered one (the views are not changed).
    assert _names(search(snapshot, "hoi nghi", limit=100)) == _names(everything)
