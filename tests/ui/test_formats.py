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


# One passage of each format, found by typing, bookmarked, read; then its file is edited
# (a passage added above it and a word changed in it) and the bookmark follows the edit.
# The .txt paragraph is the baseline the others must match.
ROUND_TRIPS = [
    # (file, query as typed, start of the passage it opens)
    ("004_43a67dcebbb22425.txt", "trao doi 7 nhan vien lien lac", "Năm 1994, Mỹ và Triều Tiên"),
    ("tieu-de-bai-viet.md", "han che xe may theo khu vuc", "2. Từ 2020 đến 2025"),
    ("vnexpress-g20.html", "19 thanh vien thoa thuan paris", "Về biến đổi khí hậu, 19"),
    ("dump.jsonl#2", "chuyen gia cho rang gia vang", "Các chuyên gia cho rằng giá vàng"),
    ("Yamanashi.txt", "nhiet do cao nhat ca nuoc", "Khí hậu của tỉnh mang tính"),
]


CHANGED = ["bảy nhân viên", "từng khu vực", "19 nước thành viên", "thế giới hôm qua", "rất nóng"]


def _edit_each_format(folder: Path) -> None:
    """Add a passage above each bookmarked one and change a word inside it."""
    edits = {
        "004_43a67dcebbb22425.txt": [
            ("Năm 1994, Mỹ", "Một đoạn mới được thêm vào.\n\nNăm 1994, Mỹ"),
            ("trao đổi 7 nhân viên", "trao đổi bảy nhân viên"),
        ],
        "tieu-de-bai-viet.md": [
            ("1. Đến năm", "1. Trước hết.\n2. Đến năm"),
            ("theo khu vực", "theo từng khu vực"),
        ],
        "vnexpress-g20.html": [
            (
                '<p class="Normal">Về biến',
                '<p class="Normal">Đoạn mới thêm.</p>\n<p class="Normal">Về biến',
            ),
            ("19 thành viên", "19 nước thành viên"),
        ],
    }
    for name, changes in edits.items():
        path = folder / name
        text = path.read_text("utf-8")
        for before, after in changes:
            text = text.replace(before, after)
        path.write_text(text, "utf-8")
    dump = folder / "dump.jsonl"
    lines = dump.read_text(encoding="utf-8").split("\n")
    record = json.loads(lines[1])
    record["body"] = record["body"].replace("giá vàng thế giới", "giá vàng thế giới hôm qua")
    lines[1] = json.dumps(record, ensure_ascii=False)
    new = json.dumps({"title": "Bài mới nhất", "text": "Nội dung mới."}, ensure_ascii=False)
    dump.write_text("\n".join([new, *lines]), encoding="utf-8")  # every record moves down one
    wiki = folder / "Yamanashi.txt"
    wiki.write_text(
        wiki.read_text("utf-8")
        .replace("=== Khí hậu ===\n", "=== Khí hậu ===\nMột đoạn mới về khí hậu.\n")
        .replace("mùa hè nóng", "mùa hè rất nóng"),
        "utf-8",
    )


async def _open_row(pilot, screen, suffix: str) -> None:  # type: ignore[no-untyped-def]
    rows = screen.article_list.rows
    screen.article_list.cursor = next(i for i, m in enumerate(rows) if m.path.endswith(suffix))
    screen.article_list.focus()
    await pilot.press("enter")
    await settle(pilot)
    await db_idle(pilot)


async def test_search_bookmarks_and_read_marks_round_trip_on_every_format(
    make_app: MakeApp, mixed: Path
) -> None:
    keys: dict[str, str] = {}
    app = make_app(mixed)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        for suffix, query, start in ROUND_TRIPS:
            screen.search_bar.value = ""
            await settle(pilot)
            await search_for(pilot, query)
            top = screen.article_list.rows[0]
            assert top.path.endswith(suffix), (query, top.path)
            hit = screen.search.hit_at(0)
            assert hit is not None
            for markup in ("==", "<p", "**", "]("):
                assert markup not in hit.snippet, (suffix, hit.snippet)
            await pilot.press("enter")  # opens the passage the hit names
            await settle(pilot)
            passage = screen.reader.current_passage
            assert passage is not None and passage.text.startswith(start), suffix
            assert screen.reader.match_count >= 1, suffix  # highlighted
            await pilot.press("b")
            await db_idle(pilot)
            keys[suffix] = top.key
            assert top.key in app.store.read_keys_cache, suffix
            await pilot.press("escape")
            await settle(pilot)
        marks = {Path(m.path).name: m for m in app.store.bookmarks()}
        for suffix, _query, start in ROUND_TRIPS:
            assert marks[Path(suffix).name].quote.startswith(start), suffix
        await pilot.press("q")

    app = make_app(mixed)  # restarted: read marks and bookmarks kept on every format
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await db_idle(pilot)
        screen = main_screen(pilot)
        assert set(keys.values()) <= app.store.read_keys_cache
        for suffix, _query, start in ROUND_TRIPS:
            await _open_row(pilot, screen, suffix)
            marked = [v for v in screen.reader.query(PassageView) if v.has_class("-bookmarked")]
            assert [v.passage.text[: len(start)] for v in marked] == [start], suffix
        await pilot.press("q")

    _edit_each_format(mixed)
    app = make_app(mixed)  # each bookmark follows its passage into the edited file
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        moved = {"dump.jsonl#2": "dump.jsonl#3"}
        edited = {"tieu-de-bai-viet.md": "3. Từ 2020 đến 2025"}
        changed = dict(zip((t[0] for t in ROUND_TRIPS), CHANGED, strict=True))
        for suffix, _query, start in ROUND_TRIPS:
            await _open_row(pilot, screen, moved.get(suffix, suffix))
            await db_idle(pilot)
            marked = [v for v in screen.reader.query(PassageView) if v.has_class("-bookmarked")]
            expected = edited.get(suffix, start)
            assert [v.passage.text[: len(expected)] for v in marked] == [expected], suffix
            assert changed[suffix] in marked[0].passage.text, suffix  # the edited passage
        await pilot.press("q")
