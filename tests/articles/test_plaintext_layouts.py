"""Plain text beyond the two original layouts: wiki pages, headings, glued captions, sources."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from tui_reader.articles.layout import name_words
from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.loader import open_article
from tui_reader.articles.model import Passage, PassageKind
from tui_reader.articles.plaintext import parse_article
from tui_reader.bookmarks import new_bookmark
from tui_reader.bookmarks.resolve import resolve

WIKI = Path(__file__).parent / "data" / "wiki"


def test_a_wikipedia_page_is_titled_by_its_file_name_with_sections() -> None:
    article = open_article(WIKI / "Yamanashi.txt")
    assert article.title == "Yamanashi" and not article.title_derived
    assert article.passages[0].kind is PassageKind.LEAD
    assert article.passages[0].text.startswith("Yamanashi (Nhật: 山梨県")
    headings = [(p.text, p.level) for p in article.passages if p.kind is PassageKind.HEADING]
    assert headings == [
        ("Lịch sử", 2),
        ("Địa lý", 2),
        ("Khí hậu", 3),
        ("Các thành phố", 3),
        ("Kinh tế", 2),
        ("Tham khảo", 2),
    ]
    assert not any("==" in p.text for p in article.passages)


def test_the_file_name_title_takes_the_texts_casing(tmp_path: Path) -> None:
    source = WIKI / "Chiến tranh thế giới thứ nhất.txt"
    for name in ("chien-tranh-the-gioi-thu-nhat.txt", "chiến_tranh_thế_giới_thứ_nhất.txt"):
        shutil.copy(source, tmp_path / name)
        assert open_article(tmp_path / name).title == "Chiến tranh thế giới thứ nhất"
    shutil.copy(WIKI / "Yamanashi.txt", tmp_path / "yamanashi.txt")
    assert open_article(tmp_path / "yamanashi.txt").title == "Yamanashi"
    # The list shows the same title as the reader.
    listing = refresh_listing(tmp_path / "cache", [tmp_path])
    assert {m.title for m in listing.articles} == {"Chiến tranh thế giới thứ nhất", "Yamanashi"}


def test_ids_and_codes_are_not_words() -> None:
    assert name_words("000_3e0ed1ba5c5dd459") is None
    assert name_words("21395276") is None
    assert name_words("IMG_2041") is None
    assert name_words("Chiến_tranh_thế_giới") == "Chiến tranh thế giới"
    assert name_words("Yamanashi") == "Yamanashi"


def test_a_name_the_text_does_not_contain_is_no_title(tmp_path: Path, seeds_dir: Path) -> None:
    seed = seeds_dir / "000_3e0ed1ba5c5dd459.txt"
    shutil.copy(seed, tmp_path / "renamed.txt")
    assert open_article(tmp_path / "renamed.txt").title == open_article(seed).title


def test_a_title_line_still_wins_over_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "Tên tệp khác.txt"
    path.write_text("Tiêu đề thật\n\nĐoạn mở đầu của bài.\n", encoding="utf-8")
    assert open_article(path).title == "Tiêu đề thật"


def test_the_seed_without_a_title_line_is_not_shown_twice(seeds_dir: Path) -> None:
    article = open_article(seeds_dir / "000_3e0ed1ba5c5dd459.txt")
    # A shortened first sentence names it in the list; the reader shows the sentence once,
    # as the lead (the reading pane leaves out a derived title the lead repeats).
    assert article.title_derived and len(article.title) <= 91
    assert article.passages[0].text.startswith(article.title.rstrip("…"))


def test_captions_glued_into_one_line_bodies() -> None:
    body = (
        "Các nhà lãnh đạo G20 đã nhóm họp tại Buenos Aires trong hai ngày với nhiều chủ đề "
        "nóng. Thương mại là vấn đề được quan tâm nhất. "
        * 3
        + "Các nhà lãnh đạo chụp ảnh chung tại hội nghị G20. Ảnh: AFP/ TTXVN Tuyên bố trên "
        "được thông qua sau nhiều giờ thảo luận căng thẳng giữa các phái đoàn về thương mại. "
        + "Các nước cam kết cải tổ Tổ chức Thương mại Thế giới trong năm tới. "
        * 4
    )
    text = "Lãnh đạo G20 ra tuyên bố chung\nCác nước đạt đồng thuận.\n" + body
    article = parse_article(text, Path("x.txt"))
    captions = [p.text for p in article.passages if p.kind is PassageKind.CAPTION]
    assert captions == ["Các nhà lãnh đạo chụp ảnh chung tại hội nghị G20. Ảnh: AFP/ TTXVN"]
    joined = " ".join(p.text for p in article.passages)
    assert "TTXVN Tuyên bố" not in joined and "Tuyên bố trên được thông qua" in joined


def test_a_caption_glued_into_a_short_paragraph_is_split() -> None:
    """The issue's own example (baomoi 22710616): a 350-character paragraph that is a
    caption, its credit and one sentence of text."""
    article = open_article(Path(__file__).parent / "data" / "baomoi" / "22710616.txt")
    kinds = [p.kind for p in article.passages]
    assert kinds[:3] == [PassageKind.LEAD, PassageKind.CAPTION, PassageKind.PARAGRAPH]
    assert article.passages[1].text == (
        "Tổng thống Nga Vladimir Putin (trái) thảo luận với Tổng thống Mỹ Donald Trump (phải)"
        " bên lề Hội nghị thượng đỉnh G20. Ảnh: AFP/ TTXVN"
    )
    assert article.passages[2].text.startswith("Tuyên bố trên được đưa ra một ngày sau")
    # A bookmark made on the paragraph when it was one passage still finds its text.
    glued = Passage(PassageKind.PARAGRAPH, f"{article.passages[1].text} {article.passages[2].text}")
    before = replace(article, passages=(*article.passages[:1], glued, *article.passages[3:]))
    resolution = resolve(new_bookmark(before, 1), article)
    assert resolution.ok and resolution.passage_index == 2


def test_a_photo_gallery_paragraph_is_kept_whole() -> None:
    """Captions are not split out when little text would be left (a bookmark on the
    paragraph would find no passage holding most of it)."""
    text = (
        "Tiêu đề\nĐoạn mở đầu.\n"
        "Toàn cảnh lễ khai mạc hội nghị thượng đỉnh tại Trung tâm Hội nghị Quốc gia ở Hà Nội "
        "sáng nay. Ảnh: TTXVN Các đại biểu quốc tế dự phiên họp toàn thể thứ nhất trong không "
        "khí trang trọng. Ảnh: Quang Vinh Lực lượng an ninh túc trực bên ngoài hội trường suốt "
        "buổi sáng. Ảnh: Minh Đức Ông Lâm phát biểu khai mạc.\n"
    )
    article = parse_article(text, Path("x.txt"))
    assert [p.kind for p in article.passages] == [PassageKind.LEAD, PassageKind.PARAGRAPH]
    assert article.passages[1].text.endswith("Ông Lâm phát biểu khai mạc.")


def test_theo_author_slash_outlet_is_split() -> None:
    text = "Tiêu đề\nĐoạn mở đầu.\nNội dung bài viết dài.\nTheo Trần Kháng/ Reatimes.vn\n"
    article = parse_article(text, Path("x.txt"))
    assert article.source_name == "Reatimes.vn"
    assert article.author == "Trần Kháng" and article.byline == "Trần Kháng"
    assert article.passages[-1].text == "Theo Trần Kháng/ Reatimes.vn"  # the passage is kept
    agency = parse_article(text.replace("Trần Kháng/ Reatimes.vn", "VITIC/Reuters"), Path("x"))
    assert agency.source_name == "VITIC/Reuters" and agency.author is None


def test_byline_comma_source_fragment() -> None:
    body = "Câu cuối cùng của bài báo dài. " * 30 + "Trang Đỗ, Theo Thời Đại"
    article = parse_article(f"Tiêu đề\nMở đầu.\n{body}", Path("x.txt"))
    kinds = [p.kind for p in article.passages][-2:]
    assert kinds == [PassageKind.BYLINE, PassageKind.SOURCE]
    assert article.source_name == "Thời Đại"
