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


TUOITRE = PAGE.with_name("tuoitre-xang.html")


def test_a_bare_figcaption_becomes_a_caption_beside_its_photo() -> None:
    """trafilatura drops a <figcaption> holding text without a <p>; it is put back."""
    article = open_article(TUOITRE)
    kinds = [p.kind for p in article.passages]
    captions = [p.text for p in article.passages if p.kind is PassageKind.CAPTION]
    assert captions == ["Người dân đổ xăng tại một cửa hàng ở TP.HCM. Ảnh: Tự Trung"]
    at = kinds.index(PassageKind.CAPTION)  # after the paragraph the photo follows
    assert article.passages[at - 1].text.startswith("Theo đó, từ 15h chiều nay")
    assert article.passages[at + 1].text.startswith("Các mặt hàng dầu cũng giảm giá")


def test_the_dateline_is_not_text_and_a_sapo_heading_is_the_lead() -> None:
    article = open_article(TUOITRE)
    assert article.date is not None and article.date.isoformat() == "2024-03-21T15:05:00+07:00"
    assert article.passages[0].kind is PassageKind.LEAD
    assert article.passages[0].text.startswith("Liên Bộ Công Thương - Tài chính vừa điều chỉnh")
    assert PassageKind.HEADING not in {p.kind for p in article.passages}
    body = " ".join(p.text for p in article.passages)
    for noise in (
        "GMT+7",
        "Trang chủ",
        "QUẢNG CÁO",
        "Quảng cáo",
        "Tin liên quan",
        "Giá vàng",
        "Đọc nhiều",
        "Copyright",
        "Giấy phép",
        "tracking",
        "dataLayer",
        "font-family",
    ):
        assert noise not in body, noise


def test_a_figure_caption_with_a_paragraph_is_shown_once() -> None:
    page = extract(
        "<html><head><title>T</title></head><body><article>"
        "<p>Một đoạn văn đủ dài để là nội dung chính của trang tin này, về giá xăng dầu.</p>"
        "<figure><img src='a.jpg'><figcaption><p>Cây xăng ở Hà Nội. Ảnh: TTXVN</p>"
        "</figcaption></figure>"
        "<p>Đoạn thứ hai cũng đủ dài để trafilatura giữ nó lại trong nội dung chính.</p>"
        "</article></body></html>",
        "https://example.vn/bai.html",
    )
    assert page.captions == ["Cây xăng ở Hà Nội. Ảnh: TTXVN"]


def test_dates_inside_sentences_and_short_headings_stay() -> None:
    from tui_reader.articles.html import _is_dateline, _is_lead_heading

    assert _is_dateline("21/03/2024 15:05 GMT+7")
    assert _is_dateline("Thứ năm, 21/3/2024, 15:05 (GMT+7)")
    assert _is_dateline("Cập nhật lúc 15:05 21/03/2024")
    assert not _is_dateline("Ngày 21/3/2024, giá xăng giảm.")
    assert not _is_dateline("Hà Nội, 21/3/2024")
    assert not _is_lead_heading("Bất đồng về khí hậu")
    assert _is_lead_heading(
        "Liên Bộ Công Thương - Tài chính vừa điều chỉnh giá bán lẻ xăng dầu, xăng RON 95 giảm."
    )
