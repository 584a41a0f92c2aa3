"""Pilot tests: sorting, source filter, next/previous/next-unread, space at the end, history."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.config import CONFIG_FILE, SortOrder, load_settings


def write_corpus(folder: Path, articles: list[tuple[str, str, int]]) -> Path:
    """Files named a.txt, b.txt…: (title, source, mtime) each, three paragraphs long."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, (title, source, mtime) in enumerate(articles):
        path = folder / f"{chr(ord('a') + number)}.txt"
        body = "\n\n".join(f"Đoạn {i} của bài {title}." for i in range(3))
        path.write_text(f"{title}\n\n{body}\n\nNguồn {source}: https://x.vn/{number}", "utf-8")
        os.utime(path, (mtime, mtime))
    return folder


@pytest.fixture
def news(tmp_path: Path) -> Path:
    day = 86_400
    return write_corpus(
        tmp_path / "news",
        [
            ("Bão số 3 vào Hà Nội", "VnExpress", 10 * day),
            ("Giá xăng giảm", "Znews", 30 * day),
            ("Ăn gì ở Huế", "VnExpress", 20 * day),
            ("Đội tuyển thắng", "Tuổi Trẻ", 40 * day),
        ],
    )


def titles(pilot: object) -> list[str]:
    return [meta.title for meta in main_screen(pilot).article_list.rows]  # type: ignore[arg-type]


async def test_sort_cycles_and_is_saved(
    make_app: MakeApp, news: Path, isolated_user_dirs: dict[str, Path]
) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(pilot)[0] == "Bão số 3 vào Hà Nội"  # file order
        await pilot.press("s")
        assert titles(pilot) == [
            "Đội tuyển thắng",
            "Giá xăng giảm",
            "Ăn gì ở Huế",
            "Bão số 3 vào Hà Nội",
        ]  # newest first
        await pilot.press("s")
        assert titles(pilot)[0] == "Bão số 3 vào Hà Nội"  # oldest first
        await pilot.press("s")
        # By title, tone marks and đ folded: Ăn, Bão, Đội, Giá.
        assert titles(pilot) == [
            "Ăn gì ở Huế",
            "Bão số 3 vào Hà Nội",
            "Đội tuyển thắng",
            "Giá xăng giảm",
        ]
        assert "sorted: title" in str(main_screen(pilot).status.parts())
        await pilot.pause()
    assert load_settings(isolated_user_dirs["config"]).settings.sort is SortOrder.TITLE
    again = make_app(news)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(pilot)[0] == "Ăn gì ở Huế"


async def test_sort_from_the_palette_and_filter_by_source(make_app: MakeApp, news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"sort by source")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        # Source order, newest first within a source.
        assert titles(pilot) == [
            "Đội tuyển thắng",
            "Ăn gì ở Huế",
            "Bão số 3 vào Hà Nội",
            "Giá xăng giảm",
        ]
        await pilot.press("F")
        await pilot.pause(0.3)
        await pilot.press(*"znews")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert titles(pilot) == ["Giá xăng giảm"]
        screen = main_screen(pilot)
        assert screen.source_filter == "Znews"
        assert "source: Znews" in str(screen.status.parts())
        screen.action_filter_source("")
        await pilot.pause()
        assert len(titles(pilot)) == 4
        # Typed without tone marks, as people type: «Tuổi Trẻ».
        await pilot.press("F")
        await pilot.pause(0.3)
        await pilot.press(*"tuoi tre")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.source_filter == "Tuổi Trẻ"
        assert titles(pilot) == ["Đội tuyển thắng"]


async def test_next_previous_and_next_unread_from_the_reading_pane(
    make_app: MakeApp, news: Path
) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.title == "Bão số 3 vào Hà Nội"
        await pilot.press("J")
        await settle(pilot)
        assert screen.reader.article.title == "Giá xăng giảm"
        assert screen.reader.has_focus
        await pilot.press("K")
        await settle(pilot)
        assert screen.reader.article.title == "Bão số 3 vào Hà Nội"
        # Articles 1 and 2 are read now: the next unread is the third.
        await pilot.press("U")
        await settle(pilot)
        assert screen.reader.article.title == "Ăn gì ở Huế"
        assert screen.article_list.cursor == 2
        # Space at the end of an (short) article goes on to the next unread one.
        await pilot.press("space")
        await settle(pilot)
        assert screen.reader.article.title == "Đội tuyển thắng"
        await pilot.press("U")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("No unread articles left" in m for m in messages), messages


async def test_mark_read_state_sorted_list_moves_with_the_open_article(
    make_app: MakeApp, news: Path
) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("s", "g")  # newest first (the cursor stays on its article: go up)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.title == "Đội tuyển thắng"
        await pilot.press("J")
        await settle(pilot)
        assert screen.reader.article.title == "Giá xăng giảm"  # next in the sorted list


async def test_search_history_with_up_and_down(
    make_app: MakeApp, news: Path, isolated_user_dirs: dict[str, Path]
) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        for query in ("ha noi", "xang"):
            await pilot.press("slash", *query)
            await pilot.pause(0.3)
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape", "escape")
        await pilot.press("slash", *"hu")
        await pilot.press("up")
        assert screen.search_bar.value == "xang"
        await pilot.press("up")
        assert screen.search_bar.value == "ha noi"
        await pilot.press("up")
        assert screen.search_bar.value == "ha noi"
        await pilot.press("down", "down")
        assert screen.search_bar.value == "hu"  # back to what was being typed
        await pilot.press("down")  # past the newest: into the results
        assert screen.article_list.has_focus
    again = make_app(news)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "up")  # "hu" was taken into the results: it counts
        assert main_screen(pilot).search_bar.value == "hu"
        await pilot.press("up")
        assert main_screen(pilot).search_bar.value == "xang"


async def test_search_keeps_to_the_active_filters(make_app: MakeApp, news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("slash", *"doan")
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(screen.article_list.rows) == 4
        await pilot.press("escape")
        await pilot.press("g", "j", "m")  # Giá xăng giảm is read
        await pilot.press("u")
        assert "Giá xăng giảm" not in titles(pilot), titles(pilot)
        await pilot.press("slash", *"doan")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "Giá xăng giảm" not in titles(pilot)
        assert len(titles(pilot)) == 3
        assert "3 matching articles" in screen.search_info


async def test_bookmark_from_b_moves_the_list_to_its_article(make_app: MakeApp, news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("G", "enter")
        await settle(pilot)
        await pilot.press("b")
        await pilot.press("tab", "g", "u")  # unread only: the bookmarked article is read
        await settle(pilot)
        screen = main_screen(pilot)
        assert "Đội tuyển thắng" not in titles(pilot)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.title == "Đội tuyển thắng"
        current = screen.article_list.current
        assert current is not None and current.title == "Đội tuyển thắng"


async def test_broken_sort_value_falls_back(
    make_app: MakeApp, news: Path, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / CONFIG_FILE).write_text('sort = "sideways"\n', "utf-8")
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert titles(pilot)[0] == "Bão số 3 vào Hà Nội"
        assert any("sideways" in n.message for n in app._notifications)


async def test_mark_all_read_marks_what_is_listed(make_app: MakeApp, news: Path) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("slash", *"xang")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("down", "M")  # only the search results
        assert screen.unread_count == 3
        await pilot.press("escape", "M")
        assert screen.unread_count == 0
        assert all(m.key in app.store.read_keys_cache for m in screen.listing.articles)
        await pilot.press("M")
        assert any("read already" in n.message for n in app._notifications)
        # One stray M over a big list is one ctrl+z away from undone.
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.unread_count == 3
        assert any(n.message.startswith("Undone: marked") for n in app._notifications), [
            n.message for n in app._notifications
        ]


def _notes(pilot: object) -> dict[int, str]:
    """The notes the reading pane shows, by the passage each is under."""
    from tui_reader.ui.widgets.passage_notes import PassageNote
    from tui_reader.ui.widgets.reading_pane import PassageView

    reader = main_screen(pilot).reader  # type: ignore[arg-type]
    shown: dict[int, str] = {}
    children = list(reader.children)
    for before, widget in itertools.pairwise(children):
        if isinstance(widget, PassageNote):
            assert isinstance(before, PassageView) and before.index == widget.index
            assert before.has_class("-noted")
            shown[widget.index] = str(widget.render())
    return shown


async def test_notes_show_under_their_passage_and_follow_edits_from_b(
    make_app: MakeApp, news: Path
) -> None:
    app = make_app(news)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("j")
        index = screen.reader.cursor
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"xem lại [b]đoạn[/b] này", "enter")
        await settle(pilot)
        # Under its passage, as typed (brackets are text, never markup).
        assert _notes(pilot) == {index: "✎ xem lại [b]đoạn[/b] này"}
        # Edited on the bookmarks screen: the reading pane follows.
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*" nữa", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert _notes(pilot) == {index: "✎ xem lại [b]đoạn[/b] này nữa"}
        # Reopened later, the note is still there.
        await pilot.press("J")
        await settle(pilot)
        assert _notes(pilot) == {}
        await pilot.press("K")
        await settle(pilot)
        assert _notes(pilot) == {index: "✎ xem lại [b]đoạn[/b] này nữa"}
        # Cleared (edited to nothing): gone from under the passage; ctrl+z brings it back.
        screen.reader.move_cursor(index)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+u", "enter")
        await settle(pilot)
        assert _notes(pilot) == {}
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert _notes(pilot) == {index: "✎ xem lại [b]đoạn[/b] này nữa"}


async def test_a_cold_start_sorted_by_date_opens_at_the_newest(
    make_app: MakeApp, news: Path, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / CONFIG_FILE).write_text('sort = "date"\n', "utf-8")
    app = make_app(news)  # no listing cache: the files stream in, in file order
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert titles(pilot)[0] == "Đội tuyển thắng"
        assert screen.article_list.cursor == 0
        current = screen.article_list.current
        assert current is not None and current.title == "Đội tuyển thắng"


async def test_passage_keys_act_only_while_the_article_is_on_screen(
    make_app: MakeApp, news: Path
) -> None:
    app = make_app(news)
    async with app.run_test(size=(70, 22)) as pilot:  # narrow: list or article
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("escape")  # back to the list; the article stays open behind it
        await settle(pilot)
        assert not screen.reader.display and screen.reader.article is not None
        await pilot.press("b", "a")
        await settle(pilot)
        assert app.screen is screen and not screen.marks  # nothing bookmarked unseen
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert len(screen.marks) == 1
