"""Pilot tests: navigating, opening, marking read, and state surviving a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle

SEED_TITLES = {
    "000_3e0ed1ba5c5dd459.txt": "Đặc phái viên Mỹ tại Triều Tiên sẽ gặp người đồng cấp",
    "004_43a67dcebbb22425.txt": "Mỹ, Triều Tiên cân nhắc cử đại diện liên lạc thường trú",
}


async def test_lists_the_seeds_and_opens_one(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        rows = screen.article_list.rows
        assert [Path(m.path).name for m in rows] == sorted(SEED_TITLES)
        assert rows[1].title == SEED_TITLES["004_43a67dcebbb22425.txt"]
        assert rows[0].title.startswith(SEED_TITLES["000_3e0ed1ba5c5dd459.txt"])
        assert screen.article_list.has_focus

        await pilot.press("j")
        assert screen.article_list.cursor == 1
        await pilot.press("k")
        assert screen.article_list.cursor == 0
        await pilot.press("G")
        assert screen.article_list.cursor == 1
        await pilot.press("g")
        assert screen.article_list.cursor == 0

        await pilot.press("down", "enter")
        await settle(pilot)
        article = screen.reader.article
        assert article is not None
        assert article.title == SEED_TITLES["004_43a67dcebbb22425.txt"]
        assert article.source_name == "Znews"
        assert screen.reader.has_focus
        assert rows[1].key in app.store.read_keys_cache
        assert rows[0].key not in app.store.read_keys_cache

        await pilot.press("tab")
        assert screen.article_list.has_focus
        await pilot.press("tab")
        assert screen.reader.has_focus


async def test_toggle_read_and_unread_only(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        first = screen.article_list.rows[0]
        await pilot.press("m")
        assert first.key in app.store.read_keys_cache
        assert screen.status.unread_count == 1
        await pilot.press("u")
        assert [m.key for m in screen.article_list.rows] == [screen.listing.articles[1].key]
        await pilot.press("u")
        assert len(screen.article_list.rows) == 2
        # The cursor stays on the article it was on when the filter changed.
        assert screen.article_list.current == screen.listing.articles[1]
        await pilot.press("k", "m")
        assert first.key not in app.store.read_keys_cache
        assert screen.status.unread_count == 2


async def test_read_state_and_position_survive_restart(make_app: MakeApp, corpus: Path) -> None:
    app = make_app(corpus)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)
        scrolled = screen.reader.scroll_y
        assert scrolled > 0
        key = screen.article_list.rows[0].key
        await pilot.press("q")
    # A second app on the same data dir: a restart.
    app2 = make_app(corpus)
    async with app2.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert key in app2.store.read_keys_cache
        assert screen.status.unread_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.scroll_y == scrolled


async def test_state_follows_a_moved_file(make_app: MakeApp, corpus: Path) -> None:
    app = make_app(corpus)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    (corpus / "000_3e0ed1ba5c5dd459.txt").rename(corpus / "moved-away.txt")
    app2 = make_app(corpus)
    async with app2.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        moved = next(m for m in screen.article_list.rows if m.path.endswith("moved-away.txt"))
        assert moved.key in app2.store.read_keys_cache


async def test_empty_folder_says_so(make_app: MakeApp, tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 an image")
    (empty / "report.docx").write_bytes(b"PK\x03\x04 an office file")
    app = make_app(empty, label=str(empty))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.article_list.rows == []
        message = str(screen.query_one("#list-empty").render())
        assert "No articles found" in message
        # It says which kinds are read, and that the two files it saw were passed over.
        for kind in (".txt", ".md", ".html", ".json", ".jsonl"):
            assert kind in message
        assert "2 files could not be read" in message


async def test_unreadable_files_are_counted_and_listed(make_app: MakeApp, corpus: Path) -> None:
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02 not text \x00" * 10)
    (corpus / "empty.txt").write_bytes(b"")
    app = make_app(corpus)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert len(screen.article_list.rows) == 2
        assert screen.status.skipped_count == 2
        await pilot.press("S")
        await pilot.pause()
        texts = " ".join(str(w.render()) for w in pilot.app.screen.query(".skipped-row"))
        assert "binary.txt" in texts
        assert "empty.txt" in texts
        await pilot.press("escape")
        assert main_screen(pilot) is screen


async def test_markup_in_articles_is_shown_as_typed(make_app: MakeApp, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Tiêu đề [bold]đậm[/bold] [link=http://x]\n\nĐoạn một có [red]màu[/red] và \x1b[31m.\n",
        encoding="utf-8",
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.article_list.rows[0].title.startswith("Tiêu đề [bold]đậm[/bold]")
        await pilot.press("enter")
        await settle(pilot)
        title = str(screen.reader.query_one(".article-title").render())
        assert "[bold]đậm[/bold]" in title
        body = " ".join(str(w.render()) for w in screen.reader.query(".passage"))
        assert "[red]màu[/red]" in body
        assert "\x1b" not in body
        assert "␛[31m" in body


async def test_only_web_links_are_opened(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Bài có nguồn web\n\nĐoạn một.\n\nNguồn Znews: https://example.org/bai",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        "Bài có nguồn lạ\n\nĐoạn một.\n\nNguồn Evil: javascript:alert(1)", encoding="utf-8"
    )
    app = make_app(folder)
    opened: list[str] = []
    monkeypatch.setattr(
        "tui_reader.ui.screens.main.open_link", lambda url: opened.append(url) or True
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        assert opened == ["https://example.org/bai"]
        await pilot.press("tab", "j", "enter")
        await settle(pilot)
        await pilot.press("o")
        assert opened == ["https://example.org/bai"]


async def test_escape_sequences_never_reach_the_terminal(make_app: MakeApp, tmp_path: Path) -> None:
    folder = tmp_path / "escapes"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Tiêu đề \x1b]8;;http://evil\x07bấm\x1b]8;;\x07 \x1b[2J\n\n"
        "Đoạn \x9b31m một \x1bP1;2|x\x1b\\.",
        encoding="utf-8",
    )
    app = make_app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        shown = [screen.article_list.rows[0].title]
        shown += [str(w.render()) for w in screen.reader.query(".passage")]
        shown.append(str(screen.reader.query_one(".article-title").render()))
        for text in shown:
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text)
        assert "␛]8;;http://evil" in shown[0]


async def test_a_huge_article_says_it_was_cut(make_app: MakeApp, tmp_path: Path) -> None:
    folder = tmp_path / "huge"
    folder.mkdir()
    sentence = "Hà Nội mở rộng không gian đi bộ quanh hồ Hoàn Kiếm vào cuối tuần. "
    (folder / "huge.txt").write_text("Bài rất dài\n" + sentence * 5_000, encoding="utf-8")
    app = make_app(folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        meta = str(main_screen(pilot).reader.query_one(".article-meta").render())
        assert "search covers its first 65,000 words" in meta
