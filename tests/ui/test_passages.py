"""Pilot tests for the passage cursor, bookmarks, notes and copying."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, main_screen, settle
from tui_reader.ui.widgets.reading_pane import PassageView


def current_views(screen_views: list[PassageView]) -> list[int]:
    return [v.index for v in screen_views if v.has_class("-current")]


async def test_cursor_moves_and_bookmarks_persist(make_app: MakeApp, corpus: Path) -> None:
    app = make_app(corpus)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = screen.reader
        assert reader.has_focus
        assert reader.cursor == 0
        views = list(reader.query(PassageView))
        assert current_views(views) == [0]
        await pilot.press("j", "j")
        assert reader.cursor == 2
        assert current_views(views) == [2]
        await pilot.press("k")
        assert reader.cursor == 1

        await pilot.press("b")
        article = reader.article
        assert article is not None
        marks = app.store.bookmarks(article.key)
        assert [m.passage_index for m in marks] == [1]
        assert marks[0].quote == article.passages[1].text
        assert [v.index for v in views if v.has_class("-bookmarked")] == [1]
        assert app.store.bookmark_counts_cache == {article.key: 1}

        await pilot.press("a")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "NoteScreen"
        await pilot.press(*"quan trọng", "enter")
        await pilot.pause()
        assert app.store.bookmarks(article.key)[0].note == "quan trọng"

        await pilot.press("G")
        assert reader.cursor == len(article.passages) - 1
        await pilot.press("y")
        assert app.clipboard == article.passages[-1].text
        await pilot.press("q")

    app2 = make_app(corpus)
    async with app2.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.article_list.bookmark_counts == {article.key: 1}
        await pilot.press("f")
        assert [m.key for m in screen.article_list.rows] == [article.key]
        await pilot.press("enter")
        await settle(pilot)
        views = list(screen.reader.query(PassageView))
        assert [v.index for v in views if v.has_class("-bookmarked")] == [1]
        # b on a bookmarked passage removes the bookmark; it has a note, so it asks first.
        screen.reader.move_cursor(1)
        await pilot.press("b")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "ConfirmScreen"
        await pilot.press("y")
        await db_idle(pilot)
        assert app2.store.bookmarks(article.key) == []
        assert not any(v.has_class("-bookmarked") for v in views)


async def test_clicking_a_passage_makes_it_current(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("enter")
        await settle(pilot)
        target = next(v for v in screen.reader.query(PassageView) if v.index == 2)
        await pilot.click(target)
        assert screen.reader.cursor == 2


async def test_passage_keys_do_nothing_without_an_article(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("b", "a", "y")
        await pilot.pause()
        assert main_screen(pilot) is pilot.app.screen
        assert app.store.bookmarks() == []


async def test_bookmark_marks_follow_an_edited_file(make_app: MakeApp, corpus: Path) -> None:
    path = corpus / "004_43a67dcebbb22425.txt"
    app = make_app(corpus)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("j", "j", "b")  # passage 2
        article = main_screen(pilot).reader.article
        assert article is not None
        quote = article.passages[2].text
        await pilot.press("q")
    # A paragraph inserted above the bookmarked one, and a word edited inside it.
    text = path.read_text(encoding="utf-8")
    text = text.replace(quote, "Một đoạn mới được chèn vào.\n\n" + quote.replace("CNN", "CNN Mỹ"))
    path.write_text(text, encoding="utf-8")
    app2 = make_app(corpus)
    async with app2.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        edited = next(m for m in screen.article_list.rows if m.path == str(path))
        # The bookmark followed the article to its new content key.
        assert screen.article_list.bookmark_counts == {edited.key: 1}
        screen.article_list.cursor = screen.article_list.rows.index(edited)
        await pilot.press("enter")
        await settle(pilot)
        views = list(screen.reader.query(PassageView))
        assert [v.index for v in views if v.has_class("-bookmarked")] == [3]
        (mark,) = app2.store.bookmarks(edited.key)
        assert mark.passage_index == 3
        assert mark.status == "ok"
