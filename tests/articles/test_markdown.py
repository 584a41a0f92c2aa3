"""Markdown files: markup becomes text and marks, structure becomes passages."""

from __future__ import annotations

from pathlib import Path

from tui_reader.articles.loader import open_article
from tui_reader.articles.model import PassageKind

DATA = Path(__file__).parent / "data" / "formats"


def test_markdown_structure_and_front_matter() -> None:
    article = open_article(DATA / "tieu-de-bai-viet.md")
    assert article.title == "Hà Nội công bố lộ trình hạn chế xe máy"
    assert article.author == "Minh Anh"
    assert article.date is not None and article.date.date().isoformat() == "2017-07-04"
    kinds = [p.kind for p in article.passages]
    assert kinds[:2] == [PassageKind.HEADING, PassageKind.LEAD]
    assert article.passages[0].text == "Tiêu đề bị ghi đè bởi front matter"
    headings = [(p.text, p.level) for p in article.passages if p.kind is PassageKind.HEADING]
    assert headings[1:] == [("Ba giai đoạn", 2), ("Ý kiến đại biểu", 3)]
    items = [p.text for p in article.passages if p.kind is PassageKind.ITEM]
    assert items[0] == "1. Đến năm 2020: phát triển vận tải hành khách công cộng."
    assert items[-1] == "• Hoàn thành đường sắt đô thị Cát Linh - Hà Đông"
    assert [p.kind for p in article.passages].count(PassageKind.QUOTE) == 1
    code = next(p for p in article.passages if p.kind is PassageKind.CODE)
    assert code.text == 'mã_quy_hoạch = "HN-2030"'
    assert article.passages[-1].kind is PassageKind.SOURCE
    assert article.source_name == "Hà Nội Mới"
    text = " ".join(p.text for p in article.passages)
    for markup in ("**", "](", "`", "> ", "## "):
        assert markup not in text


def test_emphasis_and_links_are_marks_and_the_link_is_reachable() -> None:
    lead = open_article(DATA / "tieu-de-bai-viet.md").passages[1]
    spans = {lead.text[m.start : m.end]: m for m in lead.marks}
    assert spans["Hà Nội"].style == "strong"
    assert spans["dừng hoạt động xe máy"].style == "em"
    assert spans["tăng cường quản lý phương tiện"].url.startswith("https://hanoimoi.com.vn/")
    assert lead.links == ("https://hanoimoi.com.vn/tin-tuc/Giao-thong/871354",)


def test_h1_title_and_dateline() -> None:
    article = open_article(DATA / "plain-title.md")
    assert article.title == "Kết quả xổ số điện toán Vietlott ngày 6/2/2017"
    assert article.date is not None and article.date.date().isoformat() == "2017-02-06"
    assert article.date_from == "text"
