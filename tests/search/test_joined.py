"""Names typed joined (``thanhhoa``) and words typed split (``face book``) find the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.search.conftest import Build, write_article
from tui_reader.articles.corpus import scan_corpus
from tui_reader.articles.loader import open_article
from tui_reader.search.engine import SearchResults, search, snippet_of
from tui_reader.search.highlight import match_spans
from tui_reader.search.index import IndexBuilder
from tui_reader.search.joined import PhraseCounter
from tui_reader.search.query import plan_query
from tui_reader.search.rules import _COMPOUNDS


def _names(results: SearchResults) -> list[str]:
    return [Path(h.path).name for h in results.hits]


FILLER = [
    ("hoa.txt", "Vườn hoa mùa xuân", "Hoa đào nở rộ, hoa mai vàng. Người Thanh đi xem hoa."),
    ("thanh.txt", "Thanh niên tình nguyện", "Thanh niên xung phong, tiếng hát thanh thoát."),
    ("ngoc.txt", "Ngọc Linh", "Sâm Ngọc Linh quý hiếm, mọc trên núi Ngọc Linh ở Kon Tum."),
    ("face.txt", "Khuôn mặt", "Trang điểm cho face và đọc book là sở thích của cô."),
    ("tube.txt", "Ống nghiệm", "Phòng thí nghiệm dùng ống tube bằng thủy tinh."),
    ("tho.txt", "Thơ ca", "Bài thơ hay về mẹ, thơ tình và thơ thiếu nhi."),
    ("lia.txt", "Chia lìa", "Cảnh chia lìa, lìa xa quê. Li, a và ba người bạn."),
    ("gai.txt", "Hoa hồng", "Hoa hồng có gai. Trời quang mây tạnh, gai góc."),
    # A rare word of the corpus whose cut also occurs, but not much more often: kept whole.
    ("cule.txt", "Bóng đá", "Các cule của Barcelona hát vang. Cule khắp nơi."),
    ("cu.txt", "Chuyện làng", "Cụ Lê kể, cụ Lê cười, cụ Lê hát, cụ Lê đi, cụ Lê về."),
]
NAMED = [
    ("thanhhoa.txt", "Tin địa phương", "Tỉnh Thanh Hóa đón du khách. Thanh Hóa có biển Sầm Sơn."),
    ("trinh.txt", "Giải trí", "Người mẫu Ngọc Trinh dự sự kiện, Ngọc Trinh mặc váy trắng."),
    ("facebook.txt", "Mạng xã hội", "Người dùng Facebook để đọc tin. Facebook đổi giao diện."),
    ("youtube.txt", "Video", "Kênh YouTube của ca sĩ đạt triệu lượt xem trên YouTube."),
    ("vietnam.txt", "Kinh tế Việt Nam", "Việt Nam xuất khẩu gạo. Kinh tế Việt Nam tăng trưởng."),
    *((f"vn{i}.txt", f"Bản tin {i}", f"Việt Nam hôm nay, số {i}: tin Việt Nam.") for i in range(5)),
    ("airline.txt", "Hàng không", "Hãng Vietnam Airlines mở đường bay mới."),
    ("hcm.txt", "Đô thị", "Thành phố Hồ Chí Minh mưa lớn, đường phố Hồ Chí Minh ngập."),
    ("nghean.txt", "Miền Trung", "Tỉnh Nghệ An mưa to. Nghệ An và Hà Tĩnh ngập."),
    ("ngai.txt", "Quảng Ngãi", "Tỉnh Quảng Ngãi đón khách. Biển Quảng Ngãi đẹp."),
]


@pytest.fixture
def joined(tmp_path: Path, build: Build) -> IndexBuilder:
    folder = tmp_path / "joined"
    folder.mkdir()
    for name, title, body in FILLER + NAMED:
        write_article(folder, name, title, body)
    builder, _ = build(folder)
    return builder


@pytest.mark.parametrize(
    ("query", "expected", "rewrite"),
    [
        ("thanhhoa", "thanhhoa.txt", ("thanhhoa", "thanh hoa")),
        ("tinh thanhhoa", "thanhhoa.txt", ("thanhhoa", "thanh hoa")),
        ("ngoctrinh", "trinh.txt", ("ngoctrinh", "ngoc trinh")),
        ("hochiminh", "hcm.txt", ("hochiminh", "ho chi minh")),
        ("nghean ", "nghean.txt", ("nghean", "nghe an")),  # "ea" is no Vietnamese vowel.
        ("thanhhoaa", "thanhhoa.txt", ("thanhhoaa", "thanh hoaa")),  # A typo in a part.
        ("ngoctrin", "trinh.txt", ("ngoctrin", "ngoc trin")),
        ("veitnam ", "vietnam.txt", ("veitnam", "veit nam")),  # A typo in a word of its own.
        ("quanggai ", "ngai.txt", ("quanggai", "quang gai")),  # "gai" is a word, "ngai" meant.
        ("nghaen ", "nghean.txt", ("nghaen", "ngha en")),  # Two letters swapped across the cut.
        ("face book", "facebook.txt", ("face book", "facebook")),
        ("you tube", "youtube.txt", ("you tube", "youtube")),
    ],
)
def test_joined_and_split_words_find_the_article(
    joined: IndexBuilder, query: str, expected: str, rewrite: tuple[str, str]
) -> None:
    results = search(joined.snapshot(), query)
    assert _names(results)[0] == expected
    assert results.plan is not None
    assert rewrite in results.plan.rewrites


@pytest.mark.parametrize(
    "query", ["thanh", "hoa", "ngoc linh", "tho", "thanh nien", "face", "li a ", "nguo", "cule "]
)
def test_ordinary_words_are_left_alone(joined: IndexBuilder, query: str) -> None:
    results = search(joined.snapshot(), query)
    assert results.plan is not None
    assert results.plan.rewrites == ()
    assert [w.text for w in results.plan.words] == query.split()


def test_both_readings_of_a_joined_term(joined: IndexBuilder) -> None:
    """``vietnam`` is "Việt Nam" (a phrase, ranked first) and also the brand "Vietnam"."""
    results = search(joined.snapshot(), "vietnam")
    names = _names(results)
    assert names[0] == "vietnam.txt"
    assert "airline.txt" in names
    assert results.every == 7  # Every article holds the searched words, in one reading or other.


def test_a_split_word_counts_as_one_word(joined: IndexBuilder) -> None:
    """``thanhhoa`` is one word typed: an article with «thanh» alone, or «hoa» alone, holds
    none of it, so the status line's "some" is what holds the word, not either syllable."""
    results = search(joined.snapshot(), "thanhhoa ")
    assert results.plan is not None and results.plan.splits == ((0, 2),)
    apart = search(joined.snapshot(), "thanh hoa ")
    assert apart.some > apart.every  # Typed apart, they are two words: «hoa» alone is some.
    assert results.every == apart.every
    assert results.some == results.every  # Typed joined, one: held or not.


def test_a_pair_typed_apart_also_reads_the_term_it_spells_joined(
    tmp_path: Path, build: Build
) -> None:
    """``viet nam airlines``: «Vietnam Airlines» holds the three words in one phrase (the
    joined term is a whole-word reading of the pair), above «Việt Nam» with «airlines»
    far from it; and it holds every word."""
    folder = tmp_path / "pair"
    folder.mkdir()
    write_article(folder, "brand.txt", "Hàng không", "Hãng Vietnam Airlines mở đường bay mới.")
    write_article(folder, "made.txt", "Hàng hóa", "Áo Made in Vietnam bán chạy.")
    far = " ".join(["Người dân địa phương cho biết thời tiết khá thuận lợi."] * 4)
    write_article(folder, "far.txt", "Du lịch", f"Khách tới Việt Nam. {far} Hãng airlines lớn.")
    for i in range(4):
        write_article(folder, f"vn{i}.txt", f"Bản tin {i}", "Việt Nam hôm nay. Tin Việt Nam.")
    builder, _ = build(folder)
    results = search(builder.snapshot(), "viet nam airlines ")
    assert results.plan is not None and results.plan.rewrites == ()  # Still searched apart.
    assert _names(results)[:2] == ["brand.txt", "far.txt"]
    first = results.hits[0].rank
    assert first is not None
    assert (first.words, first.typos, first.phrase, first.corrections) == (3, 0, 3, 0)
    assert results.every == 2


def test_highlights_cover_both_syllables(joined: IndexBuilder, tmp_path: Path) -> None:
    results = search(joined.snapshot(), "thanhhoa")
    hit = results.hits[0]
    snippet, spans = snippet_of(results, hit)
    assert [snippet[a:b] for a, b in spans][:2] == ["Thanh Hóa", "Thanh Hóa"]
    entry = next(f for f in scan_corpus([tmp_path / "joined"]).files if f.path == hit.path)
    article = open_article(entry)
    assert results.matcher is not None
    title, passages = match_spans(article, results.matcher)
    text = article.passages[0].text
    assert [text[a:b] for a, b in passages[0]] == ["Thanh Hóa", "Thanh Hóa"]
    assert title == []
    # A joined query word highlights the one corpus word.
    results = search(joined.snapshot(), "face book")
    snippet, spans = snippet_of(results, results.hits[0])
    assert {snippet[a:b] for a, b in spans} == {"Facebook"}


def test_a_name_being_typed_is_split(joined: IndexBuilder) -> None:
    results = search(joined.snapshot(), "thanhho")  # No trailing space: still typing.
    # "Thành phố Hồ" (both words exact) may come first; "Thanh Hóa" (a completion) is next.
    assert "thanhhoa.txt" in _names(results)[:2]
    assert results.plan is not None
    assert results.plan.words[-1].rule.prefix


def test_no_segments_no_rewrite(joined: IndexBuilder) -> None:
    snap = joined.snapshot()
    plan = plan_query(
        "thanhhoa", snap.vocab, snap.lexicon(), snap.vocab_size, [v.segment.ptr for v in snap.views]
    )
    assert [w.text for w in plan.words] == ["thanhhoa"]
    assert plan.rewrites == ()


def test_phrase_counts(joined: IndexBuilder) -> None:
    snap = joined.snapshot()
    segments = [v.segment for v in snap.views]

    def freq(ids: list[int]) -> list[int]:
        return [sum(s.doc_frequency(g) for s in segments) for g in ids]

    import numpy as np

    counter = PhraseCounter(segments, lambda ids: np.array(freq(list(ids)), dtype=np.int64))
    ids = {t: snap.vocab.get(t) for t in ("thanh", "hoa", "ho", "chi", "minh", "nien")}
    assert all(g is not None for g in ids.values())
    g = {t: int(v) for t, v in ids.items() if v is not None}
    assert counter.phrase([g["thanh"], g["hoa"]]) == 2
    assert counter.phrase([g["hoa"], g["thanh"]]) == 0
    assert counter.phrase([g["ho"], g["chi"], g["minh"]]) == 2
    assert counter.phrase([g["thanh"], g["nien"]]) == 2


def test_a_corrected_part_is_highlighted(joined: IndexBuilder) -> None:
    results = search(joined.snapshot(), "ngoctrin ")
    snippet, spans = snippet_of(results, results.hits[0])
    assert [snippet[a:b] for a, b in spans] == ["Ngọc Trinh", "Ngọc Trinh"]


def test_a_name_beats_a_typo_neighbour_of_the_whole_word(tmp_path: Path, build: Build) -> None:
    """``nauy`` is «Na Uy» even where «nay» is far more frequent: the split needs no typo and
    its syllables stand together far more often than chance; «nay» stays a reading."""
    folder = tmp_path / "nauy"
    folder.mkdir()
    write_article(folder, "nauy.txt", "Bắc Âu", "Na Uy đẹp. Đến Na Uy, Na Uy lạnh, Na Uy và Na Uy.")
    for i in range(6):
        body = " ".join(["Hôm nay trời mưa, ngày nay vui."] * 25)
        write_article(folder, f"nay{i}.txt", f"Thời tiết {i}", body)
    builder, _ = build(folder)
    results = search(builder.snapshot(), "nauy ")
    assert results.plan is not None
    assert ("nauy", "na uy") in results.plan.rewrites
    assert _names(results)[0] == "nauy.txt"
    assert len(results.hits) == 7  # The typo reading («nay») still matches.


def test_a_name_shaped_like_one_syllable_is_split_while_typing(
    tmp_path: Path, build: Build
) -> None:
    """``phuyen`` has the letters of one syllable (``uye`` as in «nguyễn») but none such
    exists: while it is being typed it is «Phú Yên», not a syllable on its way."""
    folder = tmp_path / "phuyen"
    folder.mkdir()
    write_article(folder, "phuyen.txt", "Miền Trung", "Tỉnh Phú Yên mưa lớn. Phú Yên có biển.")
    write_article(folder, "other.txt", "Tin khác", "Phú Quốc nắng đẹp, yên bình.")
    builder, _ = build(folder)
    results = search(builder.snapshot(), "o phuyen")  # No trailing space: still typing.
    assert results.plan is not None
    assert ("phuyen", "phu yen") in results.plan.rewrites
    assert _names(results)[0] == "phuyen.txt"


def _vietnam_split(folder: Path, build: Build) -> SearchResults:
    """``vietnam dung gio `` over ``folder`` plus six articles writing «Việt Nam», far more
    than «Vietnam»: the typed word is searched split (``viet nam``)."""
    for i in range(6):
        write_article(folder, f"vn{i}.txt", f"Bản tin {i}", "Việt Nam hôm nay. Tin Việt Nam.")
    builder, _ = build(folder)
    results = search(builder.snapshot(), "vietnam dung gio ")
    assert results.plan is not None
    assert ("vietnam", "viet nam") in results.plan.rewrites
    return results


def test_a_joined_reading_stands_for_all_its_syllables(tmp_path: Path, build: Build) -> None:
    """``vietnam dung gio``: «Vietnam đúng giờ» holds the four words as a phrase (one token
    for two syllables), so it beats «giờ Việt Nam đúng», whose phrase has three."""
    folder = tmp_path / "vn"
    folder.mkdir()
    write_article(folder, "brand.txt", "Tin hãng", "Hãng Vietnam đúng giờ nhất năm.")
    write_article(folder, "split.txt", "Tin khác", "Bây giờ Việt Nam đúng là mạnh.")
    results = _vietnam_split(folder, build)
    names = _names(results)
    assert names[:2] == ["brand.txt", "split.txt"]
    first, second = results.hits[0].rank, results.hits[1].rank
    assert first is not None and second is not None
    assert (first.words, first.typos, first.phrase) == (4, 0, 4)  # «Vietnam» as typed: 0 edits.
    assert first.corrections == 0  # ...no correction in the phrase (rule 3's last step)...
    assert first.exactness // _COMPOUNDS == 4  # ...held as typed for rule 5, both syllables.
    assert second.phrase == 3


def test_the_whole_typed_word_counts_as_typed_beside_its_syllables(
    tmp_path: Path, build: Build
) -> None:
    """«Vietnam» is ``vietnam`` as typed, for both syllables it stands for: an article that
    also holds «Việt» elsewhere (a match of ``viet`` as typed) still has «Vietnam đúng
    giờ» as its four-word phrase, not «Nam đúng giờ» (three) and the words 40 apart."""
    folder = tmp_path / "vn"
    folder.mkdir()
    far = " ".join(["Người dân địa phương cho biết thời tiết khá thuận lợi."] * 4)
    write_article(folder, "brand.txt", "Vietnam đúng giờ", far, "Chữ Việt đẹp.")
    results = _vietnam_split(folder, build)
    hit = results.hits[0]
    assert Path(hit.path).name == "brand.txt" and hit.rank is not None
    assert (hit.rank.phrase, hit.rank.gap, hit.rank.corrections) == (4, 0, 0)


def test_a_whole_word_typo_reading_costs_its_edits_once(tmp_path: Path, build: Build) -> None:
    """``huhong`` splits to «hư hỏng» but «hưởng» (one edit from what was typed) stays a
    reading: one typo, not one per syllable it stands for."""
    folder = tmp_path / "hu"
    folder.mkdir()
    write_article(folder, "huong.txt", "Tin A", "Được hưởng lâu dài.")
    for i in range(3):
        write_article(folder, f"hu{i}.txt", f"Tin {i}", "Xe hư hỏng nặng. Máy hư hỏng.")
    builder, _ = build(folder)
    results = search(builder.snapshot(), "huhong lau ")
    assert results.plan is not None
    assert ("huhong", "hu hong") in results.plan.rewrites
    hit = next(h for h in results.hits if Path(h.path).name == "huong.txt")
    assert hit.rank is not None
    assert (hit.rank.words, hit.rank.typos, hit.rank.phrase) == (3, 1, 3)
