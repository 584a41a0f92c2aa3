"""Parsing articles: the seed layouts, real baomoi files, sentences, and hostile text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_reader.articles.model import Article, PassageKind, content_key
from tui_reader.articles.parse import (
    MAX_PARSE_CHARS,
    load_article,
    parse_article,
    split_sentences,
    summarize,
)
from tui_reader.articles.sanitize import safe_text

DATA = Path(__file__).parent / "data"
# Five small files copied verbatim from the baomoi corpus (title, lead, one-line body).
BAOMOI = sorted((DATA / "baomoi").glob("*.txt"))
CORPUS = Path("/tmp/corpus/baomoi-35k")
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

P, LEAD, CAPTION = PassageKind.PARAGRAPH, PassageKind.LEAD, PassageKind.CAPTION
BYLINE, SOURCE = PassageKind.BYLINE, PassageKind.SOURCE


def squeeze(text: str) -> str:
    """Text without any whitespace: what must survive parsing unchanged."""
    return "".join(text.split())


def shown_text(article: Article) -> str:
    """Everything the article shows, in reading order, without the "=" bars of headings.

    A derived title is not in the file, nor is a title taken from the file name.
    """
    from_text = not article.title_derived and article.title != article.path.stem
    parts = [article.title] if from_text else []
    return " ".join([*parts, *(passage.text for passage in article.passages)]).replace("=", "")


def same_text(article: Article, expected: str) -> bool:
    """Whether the article shows exactly the characters of ``expected`` (squeezed), in order.

    A caption found glued inside a paragraph is shown before that paragraph, so the
    order is checked for everything but captions (as a subsequence of the text), and
    the characters of everything together must be those of the text.
    """
    expected = expected.replace("=", "")  # heading bars are markup, not text
    from_text = not article.title_derived and article.title != article.path.stem
    title = [article.title] if from_text else []
    every = squeeze(" ".join([*title, *(p.text for p in article.passages)]).replace("=", ""))
    if sorted(every) != sorted(expected):
        return False
    plain = [p.text for p in article.passages if p.kind is not CAPTION]
    ordered = squeeze(" ".join([*title, *plain]).replace("=", ""))
    remaining = iter(expected)
    return all(char in remaining for char in ordered)


def check_invariants(article: Article, text: str) -> None:
    """Properties every parse must have, whatever the input."""
    assert article.title
    assert all(passage.text for passage in article.passages)
    for shown in [article.title, article.source_name or "", *(p.text for p in article.passages)]:
        assert UNSAFE.search(shown) is None
        assert "\n" not in shown
    kinds = [passage.kind for passage in article.passages]
    assert kinds.count(LEAD) <= 1
    assert LEAD not in kinds or P not in kinds[: kinds.index(LEAD)]
    words = len(article.title.split()) + sum(len(p.text.split()) for p in article.passages)
    assert article.word_count == words
    title, source = summarize(text, article.path.stem)
    assert (title or article.path.stem) == article.title  # the file name stands in for none
    assert source == article.source_name


def test_seed_with_title_caption_byline_and_source(seeds_dir: Path) -> None:
    path = seeds_dir / "004_43a67dcebbb22425.txt"
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line]
    article = load_article(path)
    assert article.title == "Mỹ, Triều Tiên cân nhắc cử đại diện liên lạc thường trú"
    assert not article.title_derived
    kinds = [LEAD, P, P, P, P, P, CAPTION, P, P, P, P, P, BYLINE, SOURCE]
    assert [p.kind for p in article.passages] == kinds
    assert article.lead is not None and article.lead.text == lines[1]
    assert article.passages[6].text == lines[7]
    assert article.passages[6].text.endswith("Ảnh: AFP.")
    assert article.byline == "Trọng Thuấn"
    assert article.source_name == "Znews"
    assert article.source_url == (
        "http://news.zing.vn/my-trieu-tien-can-nhac-cu-nhan-vien-lien-lac-thuong-tru-post917693.html"
    )
    assert [p.text for p in article.passages] == lines[1:]
    assert article.key == content_key(path.read_text(encoding="utf-8"))
    assert article.encoding == "utf-8" and not article.truncated
    check_invariants(article, path.read_text(encoding="utf-8"))


def test_seed_without_title_derives_one(seeds_dir: Path) -> None:
    path = seeds_dir / "000_3e0ed1ba5c5dd459.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    article = load_article(path)
    assert article.title_derived
    assert article.title == (
        "Đặc phái viên Mỹ tại Triều Tiên sẽ gặp người đồng cấp Triều Tiên vào ngày 6/2 tại Bình…"
    )
    assert len(article.title) <= 90
    assert [p.kind for p in article.passages] == [LEAD, CAPTION] + [P] * 9
    assert article.passages[0].text == lines[0]
    assert article.passages[1].text == "Đặc phái viên Mỹ tại Triều Tiên Stephen Biegun."
    assert [p.text for p in article.passages[2:]] == lines[2:]
    assert article.byline is None
    assert article.source_name is None and article.source_url is None
    check_invariants(article, path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", BAOMOI, ids=lambda path: path.name)
def test_baomoi_files_keep_every_word(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    article = load_article(path)
    assert article.title == lines[0].strip()
    assert article.lead is not None and article.lead.text == " ".join(lines[1].split())
    assert squeeze(shown_text(article)) == squeeze(text)
    check_invariants(article, text)


def test_baomoi_bodies_are_split_into_paragraphs() -> None:
    long_bodies = [path for path in BAOMOI if path.stat().st_size > 1000]
    assert len(long_bodies) >= 4
    for path in long_bodies:
        article = load_article(path)
        paragraphs = [p for p in article.passages if p.kind is P]
        assert len(paragraphs) >= 3, path.name
        assert all(len(p.text) <= 1200 for p in paragraphs)
        assert all(p.text[0].isupper() or p.text[0].isdigit() for p in paragraphs), path.name


def test_baomoi_trailing_source_and_byline() -> None:
    source_only = load_article(DATA / "baomoi" / "21457801.txt")
    assert source_only.passages[-1].kind is SOURCE
    assert source_only.passages[-1].text == "Theo Vnreview"
    assert source_only.source_name == "Vnreview"
    assert source_only.source_url is None

    both = load_article(DATA / "baomoi" / "21471523.txt")
    assert [p.kind for p in both.passages[-2:]] == [BYLINE, SOURCE]
    assert both.byline == "Minh Tuệ (T/h)"
    assert both.source_name == "Đời sống Plus"

    short = load_article(DATA / "baomoi" / "21474105.txt")
    assert [p.kind for p in short.passages] == [LEAD, BYLINE]
    assert short.byline == "Duy Nguyễn"


def test_baomoi_inline_photo_credit_becomes_a_caption() -> None:
    article = load_article(DATA / "baomoi" / "21454551.txt")
    captions = [p.text for p in article.passages if p.kind is CAPTION]
    assert captions == [
        "Vào những thời điểm quan trọng, quý nhân sẽ xuất hiện và giúp họ trở nên sáng suốt"
        " và tỉnh táo nhất. Ảnh minh họa."
    ]
    # The numbered heading stays with its text instead of becoming a passage "1.".
    assert any(p.text.startswith("1. Tuổi Thìn Năm 2017") for p in article.passages)


def test_paragraphs_are_deterministic() -> None:
    for path in BAOMOI:
        assert load_article(path).passages == load_article(path).passages


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Giá 2.000 đồng, tăng 3,2% ở TP.HCM. Tỷ số 1-3 tại Tp. Hồ Chí Minh. Xong.",
            ["Giá 2.000 đồng, tăng 3,2% ở TP.HCM.", "Tỷ số 1-3 tại Tp. Hồ Chí Minh.", "Xong."],
        ),
        (
            "ThS. Nguyễn Lan và TS. Hà nói M.U thắng. "
            "Ông Donald J. Trump đến Washington D.C. Hôm qua.",
            [
                "ThS. Nguyễn Lan và TS. Hà nói M.U thắng.",
                "Ông Donald J. Trump đến Washington D.C. Hôm qua.",
            ],
        ),
        (
            "Xem news.zing.vn/abc.html ngay. Rồi đọc tiếp!",
            ["Xem news.zing.vn/abc.html ngay.", "Rồi đọc tiếp!"],
        ),
        (
            'Ông nói: “Tôi đi. Anh ở lại.” Sau đó ông đi. Bà hỏi "Sao vậy? Ai biết." Rồi thôi.',
            [
                "Ông nói: “Tôi đi. Anh ở lại.”",
                "Sau đó ông đi.",
                'Bà hỏi "Sao vậy? Ai biết."',
                "Rồi thôi.",
            ],
        ),
        (
            "Hợp tác phát triển./. Hồng Anh/VOV.VN",
            ["Hợp tác phát triển./.", "Hồng Anh/VOV.VN"],
        ),
        (
            "Ảnh: Military Today  7. KamAZ-5350, Nga. Đây là phiên bản nâng cấp.",
            ["Ảnh: Military Today", "7. KamAZ-5350, Nga.", "Đây là phiên bản nâng cấp."],
        ),
        ("nhiều việc v.v. và còn nữa... thế thôi", ["nhiều việc v.v. và còn nữa... thế thôi"]),
        ("", [""]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def test_unclosed_quote_does_not_swallow_the_article() -> None:
    text = "Ông nói “bắt đầu. " + "Câu này dài vừa phải. " * 100
    assert len(split_sentences(text)) > 50


def test_title_rules() -> None:
    path = Path("x.txt")
    dotted = parse_article("Xe buýt nhanh BRT trong ngày đầu thu tiền vé.\nNội dung.", path)
    assert (
        dotted.title == "Xe buýt nhanh BRT trong ngày đầu thu tiền vé." and not dotted.title_derived
    )
    question = parse_article("Vì sao?\nVì thế.", path)
    assert question.title == "Vì sao?" and not question.title_derived
    two_sentences = parse_article("Một câu. Hai câu.\nNội dung.", path)
    assert two_sentences.title == "Một câu" and two_sentences.title_derived
    alone = parse_article("Chỉ một dòng", path)
    assert alone.title == "Chỉ một dòng" and alone.title_derived
    assert [p.kind for p in alone.passages] == [LEAD]
    no_space = parse_article("x" * 300 + "\nThêm.", path)
    assert no_space.title == "x" * 89 + "…"


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "Tiêu đề bài viết\n\n"
        "Đây là một đoạn văn được ngắt dòng cứng bởi trình soạn thảo văn bản ở\n"
        "độ rộng khoảng bảy mươi ký tự, như các tệp văn bản cũ thường có. Dòng\n"
        "cuối ngắn hơn.\n\n"
        "Đoạn thứ hai.\n"
    )
    article = parse_article(text, Path("x.txt"))
    assert [p.kind for p in article.passages] == [LEAD, P]
    assert article.passages[0].text.startswith("Đây là một đoạn")
    assert article.passages[0].text.endswith("Dòng cuối ngắn hơn.")


@pytest.mark.parametrize(
    ("line", "name", "url"),
    [
        ("Nguồn Znews: https://zingnews.vn/a-b.html", "Znews", "https://zingnews.vn/a-b.html"),
        ("Nguồn: http://www.baodatviet.vn/x/", "baodatviet.vn", "http://www.baodatviet.vn/x/"),
        ("Nguồn: Dân trí", "Dân trí", None),
        ("(Theo Dân trí)", "Dân trí", None),
        ("Theo VnExpress.net", "VnExpress.net", None),
    ],
)
def test_source_lines(line: str, name: str, url: str | None) -> None:
    article = parse_article(f"Tiêu đề\n\nĐoạn mở đầu.\n\nĐoạn hai.\n\n{line}\n", Path("x.txt"))
    assert article.passages[-1].kind is SOURCE
    assert (article.source_name, article.source_url) == (name, url)


def test_non_http_url_is_not_kept() -> None:
    article = parse_article("Tiêu đề\n\nĐoạn.\n\nNguồn X: javascript:alert(1)\n", Path("x.txt"))
    assert article.source_url is None
    assert article.passages[-1].text == "Nguồn X: javascript:alert(1)"


def test_ordinary_lines_are_not_bylines_or_sources() -> None:
    text = (
        "Tiêu đề\n\nĐoạn mở đầu.\n\nTheo quan điểm của Mỹ, đây là bước tiến.\n\n"
        "Thành phố Đà Nẵng được chọn, theo Straitstime.\n"
    )
    article = parse_article(text, Path("x.txt"))
    assert [p.kind for p in article.passages] == [LEAD, P, P]
    assert article.source_name is None


def test_controls_and_markup_are_shown_literally() -> None:
    text = "Tiêu đề \x1b[31mđỏ\x1b[0m\n\n[bold]đậm[/bold] và \x1b]0;pwned\x07 cuối\u202e.\n\tTab."
    article = parse_article(text, Path("x.txt"))
    assert article.title == "Tiêu đề ␛[31mđỏ␛[0m"
    assert article.passages[0].text == "[bold]đậm[/bold] và ␛]0;pwned␇ cuối\ufffd."
    assert article.passages[1].text == "Tab."
    assert article.key == content_key(text)


def test_empty_and_blank_text() -> None:
    for text in ["", "\n\n \n", "\t"]:
        article = parse_article(text, Path("dir/bai-viet.txt"))
        assert article.title == "bai-viet" and article.title_derived
        assert article.passages == ()
        assert summarize(text) == ("", None)


def test_lone_surrogates_do_not_crash() -> None:
    article = parse_article("Tiêu\ud800 đề\nNội \udfff dung.", Path("x.txt"))
    assert article.title == "Tiêu\ufffd đề"
    assert article.passages[0].text == "Nội \ufffd dung."


def test_giant_single_line_is_capped() -> None:
    text = "Tiêu đề\n" + ("chữ " * 5_000_000)  # 20 MB on one line, no punctuation
    article = parse_article(text, Path("big.txt"))
    assert article.truncated
    assert sum(len(p.text) for p in article.passages) <= MAX_PARSE_CHARS
    assert len(article.passages) > 1000
    assert max(len(p.text) for p in article.passages) <= 1200


FRAGMENTS = st.sampled_from(
    [
        "\n",
        "\n\n",
        " ",
        "  ",
        ". ",
        "? ",
        "… ",
        "./. ",
        " |",
        "|",
        "Ảnh: AFP.",
        "Ảnh minh họa",
        "Nguồn Znews: http://a.vn/b",
        "Nguồn: ",
        "Theo ",
        "(Theo Dân trí)",
        "Trọng Thuấn",
        "TP. ",
        "ThS. ",
        "J. ",
        "7. ",
        "“",
        "”",
        '"',
        "(",
        ")",
        "\r\n",
        "\x1b[31m",
        "\t",
        "Đặc phái viên Mỹ",
        "hội nghị thượng đỉnh",
        "2.000",
        "1-3",
        "[bold]x[/bold]",
        "\u2028",
    ]
)
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_parse_never_crashes_and_loses_nothing(text: str) -> None:
    article = parse_article(text, Path("prop.txt"))
    check_invariants(article, text)
    expected = squeeze(safe_text(re.sub("[\r\f\v]", "\n", unicodedata.normalize("NFC", text))))
    article = replace(
        article,
        title=article.title.replace("|", ""),
        passages=tuple(replace(p, text=p.text.replace("|", "")) for p in article.passages),
    )
    assert same_text(article, expected.replace("|", ""))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Cc", "Cs", "Cf", "Zs", "Zl", "Zp", "L", "P"])))
def test_parse_never_crashes_on_any_characters(text: str) -> None:
    check_invariants(parse_article(text, Path("prop.txt")), text)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not unpacked at /tmp/corpus/baomoi-35k")
def test_corpus_sample_parses_without_loss() -> None:
    files = sorted(CORPUS.glob("*.txt"))[::20]
    for path in files:
        text = path.read_text(encoding="utf-8")
        article = load_article(path)
        assert same_text(article, squeeze(safe_text(text))), path.name
        assert summarize(text) == (article.title, article.source_name), path.name
