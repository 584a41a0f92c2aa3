"""The ranking rules in order (words > typo > proximity > attribute > exactness), and one
notion of a match: the list title, the snippet and the opened article light what counted."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.helpers import copy_seeds
from tests.search.conftest import Build, write_article
from tui_reader.articles.parse import load_article
from tui_reader.search.engine import SearchResults, search, snippet_of
from tui_reader.search.highlight import match_spans, text_spans
from tui_reader.search.query import MAX_QUERY_WORDS
from tui_reader.search.rules import MAX_PAIR, _pack

FILLER = "Người dân địa phương cho biết thời tiết những ngày qua khá thuận lợi. " * 4


def _names(results: SearchResults) -> list[str]:
    return [Path(h.path).name for h in results.hits]


def _corpus(tmp_path: Path, *articles: tuple[str, str, str]) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name, title, body in articles:
        write_article(folder, name, title, body)
    return folder


def test_all_words_beat_any_phrase_of_some(tmp_path: Path, build: Build) -> None:
    folder = _corpus(
        tmp_path,
        ("phrase.txt", "Lợi ích nhóm", "Lợi ích nhóm chi phối chính sách. " + FILLER),
        ("all.txt", "Sức khỏe", "Lợi ích của việc đi bộ " + FILLER + " mỗi ngày."),
        ("some.txt", "Thể thao", "Đi bộ đường dài. " + FILLER),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "loi ich di bo")
    assert _names(results)[0] == "all.txt"
    keys = {Path(h.path).name: h.rank for h in results.hits}
    assert keys["all.txt"] is not None and keys["phrase.txt"] is not None
    assert keys["all.txt"].words > keys["phrase.txt"].words


def test_exact_beats_a_typo_neighbour(tmp_path: Path, build: Build) -> None:
    folder = _corpus(
        tmp_path,
        ("typo.txt", "Tin một", "Ông Trump tới Singapor hôm qua. " + FILLER),
        ("exact.txt", "Tin hai", FILLER + " Ông Trump tới thăm đảo quốc Singapore."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "trump singapore")
    assert _names(results) == ["exact.txt", "typo.txt"]
    assert [h.rank.typos for h in results.hits if h.rank] == [0, 1]


def test_close_in_any_order_beats_scattered_and_the_phrase_is_best(
    tmp_path: Path, build: Build
) -> None:
    folder = _corpus(
        tmp_path,
        ("far.txt", "Tin một", "Kim nói. " + FILLER + " Trump nói."),
        ("reversed.txt", "Tin hai", FILLER + " Gặp Kim Trump tại đây."),
        ("phrase.txt", "Tin ba", FILLER + " Gặp Trump Kim tại đây."),
    )
    builder, _ = build(folder)
    assert _names(search(builder.snapshot(), "trump kim")) == [
        "phrase.txt",
        "reversed.txt",
        "far.txt",
    ]


def test_title_beats_lead_beats_body(tmp_path: Path, build: Build) -> None:
    folder = _corpus(
        tmp_path,
        ("body.txt", "Tin một", FILLER),
        ("lead.txt", "Tin hai", "Bão số năm đổ bộ."),
        ("title.txt", "Bão số năm đổ bộ", FILLER),
    )
    (folder / "body.txt").write_text(
        "Tin một\n\n" + FILLER + "\n\nBão số năm đổ bộ.\n", encoding="utf-8"
    )
    (folder / "lead.txt").write_text(
        "Tin hai\n\nBão số năm đổ bộ.\n\n" + FILLER + "\n", encoding="utf-8"
    )
    builder, _ = build(folder)
    assert _names(search(builder.snapshot(), "bao so nam")) == ["title.txt", "lead.txt", "body.txt"]


def test_a_title_reading_the_typed_words_beats_one_holding_them_scattered(
    tmp_path: Path, build: Build
) -> None:
    """Rule 4 reads the title's phrase before its words: ``nguoi tinh d`` (the last word
    being typed) is «Người tình đã có vợ» before «Đọc chuyện người tình kiếp trước», whose
    title holds the three words too, out of order, and whose lead holds them all."""
    calm = "Trời hôm nay mưa to ở khắp nơi. " * 4
    folder = tmp_path / "title-phrase"
    folder.mkdir()
    write_article(folder, "scattered.txt", "Đọc chuyện người tình kiếp trước", "Người tình đi xa.")
    write_article(folder, "phrase.txt", "Người tình đã có vợ", calm, "Chuyện cũ.")
    builder, _ = build(folder)
    results = search(builder.snapshot(), "nguoi tinh d")
    assert _names(results) == ["phrase.txt", "scattered.txt"]
    first, second = (h.rank for h in results.hits)
    assert first is not None and second is not None
    same = ("words", "typos", "gap", "phrase", "proximity", "corrections")
    assert [getattr(first, f) for f in same] == [getattr(second, f) for f in same]


def test_a_title_reading_the_typed_words_whole_beats_one_reading_a_prefix(
    tmp_path: Path, build: Build
) -> None:
    """Within rule 4, whole words before prefixes: ``can bo va`` (still typing) is «cán bộ
    và» in a title before «cán bộ Văn phòng», though the latter's lead holds more words."""
    calm = "Trời hôm nay mưa to ở khắp nơi. " * 4
    folder = tmp_path / "title-whole"
    folder.mkdir()
    write_article(folder, "prefix.txt", "Mạo nhận cán bộ Văn phòng", "Cán bộ bị bắt.", calm)
    write_article(folder, "whole.txt", "Cấu kết cán bộ và văn phòng", calm, "Chuyện cũ.")
    builder, _ = build(folder)
    results = search(builder.snapshot(), "can bo va")
    assert _names(results) == ["whole.txt", "prefix.txt"]


def test_a_typo_the_phrase_holds_in_place_is_a_correction(tmp_path: Path, build: Build) -> None:
    # ``khon`` is a real syllable (khôn) one edit from «không»: the phrase says which was meant.
    folder = _corpus(
        tmp_path,
        (
            "scattered.txt",
            "Tin một",
            "Rò điện. Nước rỉ ra. Người khôn ngoan. Thoát hiểm. " + FILLER,
        ),
        ("phrase.txt", "Tin hai", FILLER + " Khí gas rò rỉ không thoát ra được."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "ro ri khon thoat ")
    assert _names(results)[0] == "phrase.txt"
    hit = results.hits[0]
    assert hit.matcher is not None
    text, spans = snippet_of(results, hit)
    assert [text[a:b] for a, b in spans] == ["rò rỉ không thoát"]


def test_seeds_light_only_what_counted_and_open_where_the_snippet_is(
    tmp_path: Path, build: Build
) -> None:
    folder = tmp_path / "seeds"
    copy_seeds(folder)
    builder, _ = build(folder)
    results = search(builder.snapshot(), "hoi nghi thuong dinh ha noi")
    assert results.hits
    near_misses = {"thống", "tướng", "thông", "đã", "nói", "nơi"}
    for hit in results.hits:
        matcher = hit.matcher
        assert matcher is not None
        article = load_article(Path(hit.path))
        text, spans = snippet_of(results, hit)
        lit = [text[a:b] for a, b in spans]
        lit += [hit.title[a:b] for a, b in text_spans(hit.title, matcher)]
        title, passages = match_spans(article, matcher)
        lit += [article.title[a:b] for a, b in title]
        lit += [article.passages[i].text[a:b] for i, found in passages.items() for a, b in found]
        words = {w.lower() for span in lit for w in span.split()}
        assert not words & near_misses, (hit.path, words & near_misses)
        # The snippet is cut from the passage Enter opens, and the reader lights it the same.
        if hit.passage is not None:
            passage = article.passages[hit.passage].text
            assert text.strip("…")[:40] in passage.replace("\n", " ")
            assert hit.passage in passages
            assert [passage[a:b] for a, b in passages[hit.passage] if passage[a:b] in text]


def test_ha_noi_lights_the_word_not_every_noi(tmp_path: Path, build: Build) -> None:
    folder = _corpus(
        tmp_path,
        ("a.txt", "Tin Hà Nội", "Ông nói rằng Hà Nội đẹp. Nơi đây hạ nhiệt."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "ha noi ")
    (hit,) = results.hits
    assert hit.matcher is not None
    article = load_article(Path(hit.path))
    _, passages = match_spans(article, hit.matcher)
    assert [article.passages[0].text[a:b] for a, b in passages[0]] == ["Hà Nội"]
    assert results.every == 1


def test_a_typo_that_is_a_real_syllable_is_read_by_the_phrase_around_it(
    tmp_path: Path, build: Build
) -> None:
    # ``so`` for «có»: «sợ hãi» holds ``so hai`` as typed, but not ``so hai tien``; the
    # article reading «có hai tiền án» is what was meant, not «sợ hãi» with «tiền» nearby.
    folder = _corpus(
        tmp_path,
        ("scared.txt", "Tin một", "Chị quá sợ hãi, đưa tiền cho hắn. " + FILLER),
        ("meant.txt", "Tin hai", FILLER + " Trí có hai tiền án cướp giật."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "so hai tien")
    assert _names(results)[0] == "meant.txt"
    hit = results.hits[0]
    assert hit.rank is not None and hit.rank.typos == 0 and hit.rank.gap == 0


def test_a_correction_needs_a_line_of_query_words_not_one_neighbour(
    tmp_path: Path, build: Build
) -> None:
    # Keywords in any order: ``re`` beside ``que`` («về quê») is no correction of ``re`` when
    # no third query word is in line with them; the article holding all three as typed wins.
    folder = _corpus(
        tmp_path,
        ("corrected.txt", "Tin một", "Anh về quê thăm mẹ. " + FILLER + " Nhà cho thuê."),
        ("typed.txt", "Tin hai", "Giá rẻ. " + FILLER + " Nhà cho thuê ở quê."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "re thue que")
    assert _names(results)[0] == "typed.txt"


def test_a_correction_is_lit_only_where_the_ranking_counted_it(
    tmp_path: Path, build: Build
) -> None:
    # ``so hai tien`` reads «có hai tiền» as the correction; «có» beside «hai» alone (no third
    # query word in line) was not counted by the ranking, so it is not lit there either.
    folder = _corpus(
        tmp_path,
        ("meant.txt", "Tin hai", "Trí có hai tiền án cướp giật. " + FILLER + " Nhà có hai con."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "so hai tien")
    hit = results.hits[0]
    assert hit.matcher is not None
    article = load_article(Path(hit.path))
    _, passages = match_spans(article, hit.matcher)
    lit = [article.passages[i].text[a:b] for i, spans in passages.items() for a, b in spans]
    assert lit == ["có hai tiền", "hai"]
    text, spans = snippet_of(results, hit)
    assert [text[a:b] for a, b in spans][:1] == ["có hai tiền"]


def test_the_phrase_as_typed_then_the_corrected_phrase_then_the_words_scattered(
    tmp_path: Path, build: Build
) -> None:
    # ``la dem bieu``: «là đêm biểu diễn» is the phrase as typed; «Đô La đem siêu xe» reads it
    # with one correction (``bieu`` for «siêu»), which beats the three words scattered.
    folder = _corpus(
        tmp_path,
        ("scattered.txt", "Tin một", "Đó là lúc. " + FILLER + " Một đêm. Biểu tình nổ ra."),
        ("corrected.txt", "Tin hai", FILLER + " Cường Đô La đem siêu xe tới."),
        ("typed.txt", "Tin ba", FILLER + " Tối thứ bảy là đêm biểu diễn."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "la dem bieu")
    assert _names(results) == ["typed.txt", "corrected.txt", "scattered.txt"]
    keys = [h.rank for h in results.hits]
    assert keys[0] is not None and keys[1] is not None
    assert (keys[0].corrections, keys[1].corrections) == (0, 1)


def test_fewer_corrections_beat_the_title(tmp_path: Path, build: Build) -> None:
    # ``chanh cho yiet``: «Chánh ... cho biết» needs one correction, «Tài chính cho biết» two;
    # the title holding the second does not put it first.
    folder = _corpus(
        tmp_path,
        ("two.txt", "Bộ Tài chính cho biết giá xăng giảm", FILLER),
        ("one.txt", "Tin hai", FILLER + " Ông Chánh cho biết sẽ xem xét."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "chanh cho yiet")
    assert _names(results)[:2] == ["one.txt", "two.txt"]


def test_a_longer_query_is_corrected_even_where_three_words_read_as_typed(
    tmp_path: Path, build: Build
) -> None:
    # ``chau tung co so``: «Hữu Châu từng có» holds three words as typed, but «chưa từng có
    # số» holds all four in place with one correction: that is what was meant.
    folder = _corpus(
        tmp_path,
        ("three.txt", "Tin một", "Nghệ sĩ Hữu Châu từng có lúc khó khăn. " + FILLER + " Số đông."),
        ("meant.txt", "Tin hai", FILLER + " Một vụ mất mùa chưa từng có số người."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "chau tung co so")
    assert _names(results)[0] == "meant.txt"


def test_a_two_word_query_is_not_corrected_where_it_reads_as_typed(
    tmp_path: Path, build: Build
) -> None:
    # ``sapa la``: «Sapa (Lào Cai)» reads as typed, so «Sara lạc trôi» (``sapa`` for «sara»
    # beside one word) is no correction: it matches one word and ranks below both readings.
    folder = _corpus(
        tmp_path,
        ("sara.txt", "Tin một", FILLER + " Han Sara lạc trôi trên sân khấu."),
        ("typed.txt", "Tin hai", FILLER + " Du khách đến Sapa (Lào Cai)."),
        ("apart.txt", "Tin ba", "Sapa mùa đông. " + FILLER + " Đây là nơi đẹp."),
    )
    builder, _ = build(folder)
    results = search(builder.snapshot(), "sapa la")
    assert _names(results)[:2] == ["typed.txt", "apart.txt"]


def test_a_one_letter_typo_is_corrected_to_another_letter(tmp_path: Path, build: Build) -> None:
    # ``voi q 23`` for «với U.23»: the phrase holds «u» in place of ``q``; the article with
    # «với», «Q» and «23» scattered does not beat it.
    folder = _corpus(
        tmp_path,
        ("scattered.txt", "Tin một", "Anh đi với bạn. " + FILLER + " Quận Q. Nhà số 23."),
        ("meant.txt", "Tin hai", FILLER + " Đội tuyển gặp lại U.23 Malaysia. Trận hòa với U.23."),
    )
    builder, _ = build(folder)
    assert _names(search(builder.snapshot(), "voi q 23"))[0] == "meant.txt"


def test_packed_rules_order_as_the_buckets_do() -> None:
    """``_pack`` is exact: it orders keys as comparing them rule by rule does (larger words,
    fewer typos, ... more attribute and exactness), for every count a query can reach."""
    rng = np.random.default_rng(9)
    n = 4000
    w = MAX_QUERY_WORDS
    cols = [
        rng.integers(0, w + 1, n),  # words
        rng.integers(0, 16, n),  # typos
        rng.integers(0, 64, n),  # gap
        rng.integers(0, w + 1, n),  # phrase
        rng.integers(0, (w - 1) * MAX_PAIR + 1, n),  # proximity
        rng.integers(0, 16, n),  # corrections
        rng.integers(0, (w + 1) ** 4, n),  # attribute
        rng.integers(0, (w + 1) * 8, n),  # exactness
    ]
    cols = [np.where(rng.random(n) < 0.5, c, c[0]) for c in cols]  # Many ties, rule by rule.
    value = _pack(*cols)
    signs = [1, -1, -1, 1, -1, -1, 1, 1]
    keys = [tuple(int(s * c[i]) for s, c in zip(signs, cols, strict=True)) for i in range(n)]
    pairs = rng.integers(0, n, (20000, 2)).tolist()
    for i, j in pairs:
        assert (value[i] > value[j]) == (keys[i] > keys[j])
        assert (value[i] == value[j]) == (keys[i] == keys[j])


def test_a_hit_shows_its_score_as_the_words_held_and_a_fraction(
    tmp_path: Path, build: Build
) -> None:
    """``score`` is for people (the CLI prints it): the query words held, plus a fraction
    for the later rules; the order comes from the exact key (``order``)."""
    folder = _corpus(
        tmp_path,
        ("all.txt", "Sức khỏe", "Lợi ích của việc đi bộ " + FILLER),
        ("some.txt", "Thể thao", "Đi bộ đường dài. " + FILLER),
    )
    builder, _ = build(folder)
    hits = search(builder.snapshot(), "loi ich di bo").hits
    assert [h.rank.words for h in hits if h.rank] == [4, 3]  # «thuận lợi» in the filler.
    assert [int(h.score) for h in hits] == [4, 3]
    assert hits[0].order > hits[1].order
