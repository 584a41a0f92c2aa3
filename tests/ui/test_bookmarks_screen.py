"""Pilot tests for the bookmarks screen: list, filter, open, delete with undo, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, main_screen, settle
from tui_reader.store.state import StateStore
from tui_reader.ui.screens.bookmarks import BookmarksScreen


async def make_bookmarks(pilot, screen) -> None:  # type: ignore[no-untyped-def]
    """Bookmark passage 1 of the first seed and passages 2 and 4 of the second."""
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("j", "b")
    await pilot.press("tab", "j", "enter")
    await settle(pilot)
    await pilot.press("j", "j", "b", "a")
    await pilot.pause()
    await pilot.press(*"đọc kỹ", "enter")
    await pilot.press("j", "j", "b")


async def test_list_filter_open_delete_undo(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await make_bookmarks(pilot, screen)
        assert len(app.store.bookmarks()) == 3
        await pilot.press("B")
        await settle(pilot)
        marks = pilot.app.screen
        assert isinstance(marks, BookmarksScreen)
        assert len(marks.shown) == 3
        # Newest first.
        assert [m.passage_index for m in marks.shown] == [4, 2, 1]

        await pilot.press(*"doc ky")  # the note "đọc kỹ", typed without marks; filter focused
        await settle(pilot)
        assert [m.note for m in marks.shown] == ["đọc kỹ"]
        assert "1 match for “doc ky”" in str(marks.query_one("#bookmark-status").render())
        await pilot.press(*"xyz")
        await settle(pilot)
        assert marks.shown == []
        assert "0 matches for “doc kyxyz”" in str(marks.query_one("#bookmark-status").render())
        marks.filter_input.value = "doc ky"
        await settle(pilot)
        await pilot.press("escape")  # clears the filter first
        await settle(pilot)
        assert len(marks.shown) == 3

        await pilot.press("down", "j")
        assert marks.option_list.highlighted == 1
        await pilot.press("delete")
        await db_idle(pilot)
        assert len(app.store.bookmarks()) == 2
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(app.store.bookmarks()) == 3

        target = marks.shown[1]
        marks.option_list.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert main_screen(pilot) is screen
        article = screen.reader.article
        assert article is not None
        assert article.key == target.article_key
        assert screen.reader.cursor == target.passage_index
        assert screen.reader.has_focus


async def test_export_from_the_screen(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await make_bookmarks(pilot, screen)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        target = tmp_path / "out.json"
        field = pilot.app.screen.query_one("#export-path")
        field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        exported = json.loads(target.read_text(encoding="utf-8"))
        assert len(exported) == 3
        assert {row["status"] for row in exported} == {"ok"}
        assert any(row["note"] == "đọc kỹ" for row in exported)


async def test_empty_bookmarks_screen_explains(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        status = str(pilot.app.screen.query_one("#bookmark-status").render())
        assert "No bookmarks yet" in status


def test_field_spans_split_a_combined_match_back_into_fields() -> None:
    from tui_reader.search.filter import FuzzyFilter
    from tui_reader.store.bookmarks import Bookmark, BookmarkStatus
    from tui_reader.ui.screens.bookmarks import field_spans

    mark = Bookmark(
        1,
        "u",
        "k",
        Path("/a.txt"),
        "Giá vàng hôm nay",
        0,
        "Người dân mua vàng ở Hà Nội",
        "",
        "",
        0,
        10,
        "xem lại giá vàng",
        "2026-01-01",
        "2026-01-01",
        BookmarkStatus.OK,
        None,
    )
    (match,) = FuzzyFilter([f"{mark.title}\n{mark.quote}\n{mark.note}"]).filter("vang")
    title, quote, note = field_spans(mark, match.spans)
    assert [mark.title[a:b] for a, b in title] == ["vàng"]
    assert [mark.quote[a:b] for a, b in quote] == ["vàng"]
    assert [mark.note[a:b] for a, b in note] == ["vàng"]


async def test_the_filter_works_without_the_full_text_index(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SQLite without FTS5: the filter matches every row in batches instead."""
    monkeypatch.setattr(StateStore, "has_bookmark_text_index", lambda self: False)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await make_bookmarks(pilot, main_screen(pilot))
        await pilot.press("B")
        await settle(pilot)
        marks = pilot.app.screen
        assert isinstance(marks, BookmarksScreen)
        await pilot.press(*"doc ky")
        await settle(pilot)
        assert [m.note for m in marks.shown] == ["đọc kỹ"]
        assert marks._terms is None  # the scan ran, not the index


async def test_long_lists_are_built_a_page_at_a_time(make_app: MakeApp) -> None:
    """Rows cost the UI thread time to build: 50 at a time, more as the cursor nears the end."""
    from tui_reader.store.bookmarks import NewBookmark
    from tui_reader.ui.screens.bookmarks import CANDIDATES, PAGE

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for n in range(130):
            quote = f"Hà Nội mùa thu, lần thứ {n}"
            new = NewBookmark(f"k{n}", Path(f"/c/{n}.txt"), f"Bài {n}", 0, quote, 0, len(quote))
            app.store.call(lambda s, new=new: s.add_bookmark(new))
        await pilot.press("B")
        await settle(pilot)
        marks = pilot.app.screen
        assert isinstance(marks, BookmarksScreen)
        assert len(marks.shown) == PAGE
        await pilot.press("down", "G")  # to the end of what is listed: the next page comes
        await settle(pilot)
        assert len(marks.shown) == 2 * PAGE
        await pilot.press(*"ha noi")
        await settle(pilot)
        assert marks.filter_input.value == "ha noi"  # typed in the list: every letter kept
        assert len(marks.shown) == PAGE
        status = str(marks.query_one("#bookmark-status").render())
        assert status.startswith(
            f"130 matches for “ha noi”; the best of the newest {CANDIDATES} are listed"
        )
        for listed in (min(2 * PAGE, CANDIDATES), CANDIDATES):
            await pilot.press("down", "G")
            await settle(pilot)
            assert len(marks.shown) == listed
        assert len({m.uid for m in marks.shown}) == CANDIDATES


async def test_a_paste_on_the_list_goes_to_the_filter_sanitized(make_app: MakeApp) -> None:
    """Pasting while the list has focus fills the filter (as typing does), escapes made safe."""
    from textual import events

    from tui_reader.store.bookmarks import NewBookmark

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quote = "Hà Nội mùa thu"
        new = NewBookmark("k1", Path("/c/1.txt"), "Bài 1", 0, quote, 0, len(quote))
        app.store.call(lambda s: s.add_bookmark(new))
        await pilot.press("B")
        await settle(pilot)
        marks = pilot.app.screen
        assert isinstance(marks, BookmarksScreen)
        marks.option_list.focus()
        await settle(pilot)
        marks.option_list.post_message(events.Paste("ha \x1b]2;pwned\x07noi"))
        await settle(pilot)
        value = marks.filter_input.value
        assert value.startswith("ha ") and value.endswith("noi")
        assert "\x1b" not in value and "\x07" not in value
