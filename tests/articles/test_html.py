"""HTML pages: the main text only, with the metadata an article needs."""

from __future__ import annotations

from pathlib import Path

from tui_reader.articles.html import extract
from tui_reader.articles.loader import open_article
from tui_reader.articles.model import PassageKind

PAGE = Path(__file__).parent / "data" / "formats" / "vnexpress-g20.html"
NOISE = (
    "Thời sự",  # menu
    "Tìm kiếm",  # search box
    "Quảng cáo",  # ads (banner alt text, inline ad)
    "Khóa học tiếng Anh",
    "Tin liên quan",  # related links
    "Trump và Tập Cận Bình",
    "Ý kiến bạn đọc",  # comments
    "cảm ơn tác giả",
    "Xem nhiều",  # sidebar
    "Giá vàng hôm nay",
    "Số giấy phép",  # footer
    "bản quyền",
    "dataLayer",  # scripts and styles
    "injected by script",
    "font-family",
    "googletag",
)


def test_extract_finds_the_article_and_its_metadata() -> None:
    page = extract(PAGE.read_text(encoding="utf-8"), "https://vnexpress.net/the-gioi")
    assert page.title == "Lãnh đạo G20 ra tuyên bố chung về thương mại"
    assert page.author == "Như Tâm"
    assert page.site_name == "VnExpress"
    assert page.url == "https://vnexpress.net/lanh-dao-g20-ra-tuyen-bo-chung-3849192.html"
    assert page.date is not None and page.date.isoformat() == "2018-12-01T21:35:00+07:00"
    assert page.date_has_time
    kinds = [block.kind for block in page.blocks]
    assert PassageKind.HEADING in kinds and PassageKind.QUOTE in kinds
    assert page.captions == [
        "Các nhà lãnh đạo G20 chụp ảnh chung tại Buenos Aires ngày 30/11. Ảnh: AFP/TTXVN"
    ]
    assert page.paragraphs[0].startswith("Các nhà lãnh đạo G20 nhất trí cải tổ")
    assert "== Bất đồng về khí hậu ==" in page.text


def test_menus_ads_related_links_footers_and_scripts_never_become_text() -> None:
    page = extract(PAGE.read_text(encoding="utf-8"))
    text = page.title + "\n" + page.text
    for noise in NOISE:
        assert noise not in text, noise


def test_the_html_reader_opens_a_saved_page(tmp_path: Path) -> None:
    article = open_article(PAGE)
    assert article.title == "Lãnh đạo G20 ra tuyên bố chung về thương mại"
    assert article.byline == "Như Tâm"
    assert article.source_name == "VnExpress"
    assert article.date_from == "html"
    assert article.passages[0].kind is PassageKind.LEAD
    body = " ".join(p.text for p in article.passages)
    assert "<" not in body and "Quảng cáo" not in body


def test_title_falls_back_to_h1_then_title_tag() -> None:
    h1 = extract("<html><head><title>Trang - Báo X</title></head><body><h1>Tiêu đề H1</h1>"
                 "<article><p>Một đoạn văn đủ dài để là nội dung chính của trang này.</p>"
                 "</article></body></html>")  # fmt: skip
    assert h1.title == "Tiêu đề H1"
    bare = extract("<html><head><title>Tiêu đề trang | Báo X</title></head><body>"
                   "<p>Nội dung.</p></body></html>")  # fmt: skip
    assert bare.title == "Tiêu đề trang"


def test_links_are_marks_resolved_against_the_page() -> None:
    page = extract(
        "<html><head><title>T</title></head><body><article>"
        "<p>Xem <a href='/bai-khac.html'>bài khác</a> và <b>chữ đậm</b> ở đây, "
        "một đoạn văn đủ dài để được giữ lại làm nội dung.</p></article></body></html>",
        "https://example.vn/muc/bai.html",
    )
    paragraph = page.blocks[0]
    links = [m for m in paragraph.marks if m.style == "link"]
    assert [paragraph.text[m.start : m.end] for m in links] == ["bài khác"]
    assert paragraph.links == ("https://example.vn/bai-khac.html",)
