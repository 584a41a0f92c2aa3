"""Pilot tests: every article format lists, opens, searches and keeps bookmarks the same way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import copy_seeds
from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, main_screen, settle
from tui_reader.ui.widgets.reading_pane import PassageView

DATA = Path(__file__).resolve().parents[1] / "articles" / "data"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder mixing .txt (news and a Wikipedia page), .md, .html and .jsonl."""
    folder = copy_seeds(tmp_path / "mixed")
    shutil.copy(DATA / "wiki" / "Yamanashi.txt", folder / "Yamanashi.txt")
    for name in ("tieu-de-bai-viet.md", "vnexpress-g20.html", "dump.jsonl"):
        shutil.copy(DATA / "formats" / name, folder / name)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 an image")
    return folder


async def search_for(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.pause(0.3)
    await settle(pilot)


def shown(screen) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(view.render()) for view in screen.reader.query(PassageView)]


async def test_every_format_is_listed_and_opens(make_app: MakeApp, mixed: Path) -> None:
    app = make_app(mixed)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        titles = {Path(m.path).name: m.title for m in screen.article_list.rows}
        assert titles["Yamanashi.txt"] == "Yamanashi"
        assert titles["tieu-de-bai-viet.md"] == "Hà Nội công bố lộ trình hạn chế xe máy"
        assert titles["vnexpress-g20.html"] == "Lãnh đạo G20 ra tuyên bố chung về thương mại"
        assert titles["dump.jsonl#2"] == "Giá vàng hôm nay tăng mạnh"
        assert len(titles) == 2 + 3 + 6  # seeds, wiki, md, html, six good records
        assert [s.path.name for s in screen.listing.skipped] == [
            "photo.jpg", "dump.jsonl#5", "dump.jsonl#6", "dump.jsonl#9",
        ]  # fmt: skip
        for index, meta in enumerate(screen.article_list.rows):
            screen.article_list.cursor = index
            screen.article_list.focus()
            await pilot.press("enter")
            await settle(pilot)
            article = screen.reader.article
            assert article is not None and str(article.path) == meta.path
            assert article.key == meta.key
            for text in shown(screen):
                for markup in ("==", "<p", "**", "](", "\x1b"):
                    assert markup not in text, (meta.path, text)
            assert meta.key in app.store.read_keys_cache  # read marks work on every format
        await pilot.press("q")


async def test_headings_are_styled_passages_and_a_derived_title_is_shown_once(
    make_app: MakeApp, mixed: Path
) -> None:
    app = make_app(mixed)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        rows = screen.article_list.rows
        screen.article_list.cursor = next(
            i for i, m in enumerate(rows) if m.path.endswith("Yamanashi.txt")
        )
        await pilot.press("enter")
        await settle(pilot)
        headings = [v for v in screen.reader.query(PassageView) if v.has_class("-heading")]
        assert [str(v.render()) for v in headings][:3] == ["Lịch sử", "Địa lý", "Khí hậu"]
        assert headings[2].has_class("-h3")
        assert screen.reader.query_one(".article-title").display
        # The seed without a title line: its first sentence is shown once, as the lead.
        screen.article_list.cursor = next(
            i for i, m in enumerate(rows) if m.path.endswith("000_3e0ed1ba5c5dd459.txt")
        )
        screen.article_list.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.reader.query_one(".article-title").display
        assert shown(screen)[0].startswith("Đặc phái viên Mỹ tại Triều Tiên sẽ gặp")


async def test_search_finds_a_json_record_and_a_markdown_section(
    make_app: MakeApp, mixed: Path
) -> None:
    app = make_app(mixed)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "gia vang sjc")
        top = screen.article_list.rows[0]
        assert top.path.endswith("dump.jsonl#2")
        hit = screen.search.hit_at(0)
        assert hit is not None and "==" not in hit.snippet
        await pilot.press("enter")
        await settle(pilot)
        assert str(screen.reader.article.path).endswith("dump.jsonl#2")  # type: ignore[union-attr]
        assert screen.reader.match_count >= 2
        await pilot.press("escape")
        await settle(pilot)
        screen.search_bar.value = ""
        await settle(pilot)
        await search_for(pilot, "y kien dai bieu")
        assert screen.article_list.rows[0].path.endswith("tieu-de-bai-viet.md")
        await pilot.press("enter")
        await settle(pilot)
        passage = screen.reader.current_passage
        assert passage is not None and passage.text == "Ý kiến đại biểu"


async def test_o_opens_the_link_of_the_current_passage(
    make_app: MakeApp, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(mixed)
    opened: list[str] = []
    monkeypatch.setattr(
        "tui_reader.ui.screens.main.open_link", lambda url: opened.append(url) or True
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        rows = screen.article_list.rows
        screen.article_list.cursor = next(i for i, m in enumerate(rows) if m.path.endswith(".md"))
        await pilot.press("enter")
        await settle(pilot)
        screen.reader.move_cursor(1)  # the lead, which links to hanoimoi.com.vn
        await pilot.press("o")
        assert opened == ["https://hanoimoi.com.vn/tin-tuc/Giao-thong/871354"]
        screen.reader.move_cursor(0)  # a heading, no link: the article's own URL (none)
        await pilot.press("o")
        assert opened == ["https://hanoimoi.com.vn/tin-tuc/Giao-thong/871354"]


async def test_bookmarks_on_a_record_and_a_section_persist_and_follow_edits(
    make_app: MakeApp, mixed: Path
) -> None:
    app = make_app(mixed)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        rows = screen.article_list.rows
        for suffix, passage in (("dump.jsonl#2", 1), ("tieu-de-bai-viet.md", 4)):
            screen.article_list.cursor = next(
                i for i, m in enumerate(rows) if m.path.endswith(suffix)
            )
            screen.article_list.focus()
            await pilot.press("enter")
            await settle(pilot)
            screen.reader.move_cursor(passage)
            await pilot.press("b")
            await db_idle(pilot)
        marks = {Path(m.path).name: m for m in app.store.bookmarks()}
        assert marks["dump.jsonl#2"].quote.startswith("Các chuyên gia cho rằng giá vàng")
        assert marks["tieu-de-bai-viet.md"].quote.startswith("2. Từ 2020 đến 2025")
        await pilot.press("q")
    # A record is added at the top (every line number moves by one) and the bookmarked
    # record's text is edited; a list item is added above the bookmarked one.
    dump = mixed / "dump.jsonl"
    lines = dump.read_text(encoding="utf-8").split("\n")
    record = json.loads(lines[1])
    record["body"] = record["body"].replace("giá vàng thế giới", "giá vàng thế giới hôm qua")
    lines[1] = json.dumps(record, ensure_ascii=False)
    new = json.dumps({"title": "Bài mới nhất", "text": "Nội dung mới."}, ensure_ascii=False)
    dump.write_text("\n".join([new, *lines]), encoding="utf-8")
    md = mixed / "tieu-de-bai-viet.md"
    md.write_text(md.read_text("utf-8").replace("1. Đến năm", "1. Trước hết.\n2. Đến năm"), "utf-8")
    app2 = make_app(mixed)
    async with app2.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        rows = screen.article_list.rows
        for suffix, quote_start in (
            ("dump.jsonl#3", "Các chuyên gia cho rằng giá vàng"),
            ("tieu-de-bai-viet.md", "2. Từ 2020 đến 2025"),
        ):
            screen.article_list.cursor = next(
                i for i, m in enumerate(rows) if m.path.endswith(suffix)
            )
            screen.article_list.focus()
            await pilot.press("enter")
            await settle(pilot)
            await db_idle(pilot)
            article = screen.reader.article
            assert article is not None
            marked = [v for v in screen.reader.query(PassageView) if v.has_class("-bookmarked")]
            assert len(marked) == 1, suffix
            assert marked[0].passage.text.startswith(quote_start.replace("2. Từ", "3. Từ"))
