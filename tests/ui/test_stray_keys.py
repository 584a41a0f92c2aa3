"""Nothing the reader made is lost by a stray key: the app side of issue #8's ten cases.

Each test drives the real app (real files, real SQLite) the way a hurried reader
would and checks what is on disk afterwards, not only what is on screen. The
CLI cases (export format, export against files as they are now, import of
duplicates and edited notes) are in ``tests/cli/test_bookmarks_commands.py``.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import MakeApp
from tests.ui.helpers import db_idle, main_screen, settle
from tui_reader.store.state import StateStore
from tui_reader.ui.screens.bookmarks import BookmarksScreen
from tui_reader.ui.screens.confirm import ConfirmScreen
from tui_reader.ui.screens.note import NoteScreen
from tui_reader.ui.widgets.reading_pane import PassageView

SIZE = (120, 36)


def bookmarked_views(screen: object) -> list[int]:
    views = screen.reader.query(PassageView)  # type: ignore[attr-defined]
    return [v.index for v in views if v.has_class("-bookmarked")]


async def open_first(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("enter")
    await settle(pilot)


async def note_on_passage(pilot, note: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NoteScreen)
    await pilot.press(*note, "enter")
    await db_idle(pilot)


async def test_1_b_on_a_noted_bookmark_asks_and_undo_brings_both_back(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await open_first(pilot)
        await pilot.press("j")
        await note_on_passage(pilot, "đọc lại")
        (mark,) = app.store.bookmarks()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("escape")  # cancel: nothing changed
        await db_idle(pilot)
        assert app.store.bookmarks() == [mark]
        await pilot.press("b", "n")  # no: nothing changed
        await db_idle(pilot)
        assert app.store.bookmarks() == [mark]
        await pilot.press("b", "y")
        await db_idle(pilot)
        assert app.store.bookmarks() == []
        assert bookmarked_views(screen) == []
        # Undo works from another screen too (the report: "B, then u: Nothing to undo").
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        (back,) = app.store.bookmarks()
        assert (back.uid, back.note, back.quote) == (mark.uid, "đọc lại", mark.quote)
        bookmarks = pilot.app.screen
        assert isinstance(bookmarks, BookmarksScreen)
        assert [m.uid for m in bookmarks.shown] == [mark.uid]
        await pilot.press("escape")
        await pilot.pause()
        assert bookmarked_views(screen) == [1]
        await pilot.press("ctrl+z")  # the note, then the bookmark, as they were made
        await pilot.press("ctrl+z")
        await db_idle(pilot)
        assert app.store.bookmarks() == []
        await pilot.press("ctrl+z")  # nothing left: says so, changes nothing
        await db_idle(pilot)
        assert app.store.bookmarks() == []
        assert "Nothing to undo." in [n.message for n in app._notifications]
    with StateStore.open(isolated_user_dirs["data"]) as store:
        assert store.bookmarks() == []


async def make_three(pilot) -> None:  # type: ignore[no-untyped-def]
    await open_first(pilot)
    for _ in range(3):
        await pilot.press("j", "b")
    await db_idle(pilot)


async def test_2_typing_on_the_bookmarks_screen_filters_and_j_k_move(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_three(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BookmarksScreen)
        assert screen.focused is screen.filter_input  # typing goes to the filter
        await pilot.press(*"dac")
        await settle(pilot)
        assert screen.filter_input.value == "dac"
        assert len(app.store.bookmarks()) == 3  # "d" deleted nothing
        await pilot.press("escape")  # clears the filter first
        await settle(pilot)
        assert len(screen.shown) == 3
        await pilot.press("down")  # into the list
        assert screen.focused is screen.option_list
        await pilot.press("j", "j", "k")
        assert screen.option_list.highlighted == 1
        # A letter typed in the list goes to the filter (type-to-filter), never a command.
        await pilot.press("d")
        await settle(pilot)
        assert screen.focused is screen.filter_input and screen.filter_input.value == "d"
        assert len(app.store.bookmarks()) == 3
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "j")
        target = screen.shown[1]
        await pilot.press("delete")  # the command key, on the row the cursor is on
        await db_idle(pilot)
        assert target.uid not in {m.uid for m in app.store.bookmarks()}
        assert len(app.store.bookmarks()) == 2
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(app.store.bookmarks()) == 3
        assert len(screen.shown) == 3


async def test_3_export_never_replaces_a_file_without_asking(
    make_app: MakeApp, tmp_path: Path
) -> None:
    target = tmp_path / "notes.md"
    target.write_text("# My own notes\nA line the user added.\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_three(pilot)
        await pilot.press("B")
        await settle(pilot)

        async def export(*answer: str) -> None:
            await pilot.press("ctrl+s")
            await pilot.pause()
            field = pilot.app.screen.query_one("#export-path")
            field.value = str(target)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ConfirmScreen)
            await pilot.press(*answer)
            await settle(pilot)

        await export("enter")  # the hurried Enter lands on "No"
        assert "A line the user added." in target.read_text(encoding="utf-8")
        await export("escape")
        assert "A line the user added." in target.read_text(encoding="utf-8")
        await export("y")
        text = target.read_text(encoding="utf-8")
        assert text.startswith("# Bookmarks") and "A line the user added." not in text


async def test_4_editing_a_word_keeps_the_read_mark_and_the_position(
    make_app: MakeApp, corpus: Path
) -> None:
    app = make_app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await open_first(pilot)
        article = screen.reader.article
        assert article is not None
        await pilot.press("j", "j", "j", "j")
        quote = article.passages[4].text
        await pilot.press("q")
    path = Path(article.path)
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Triều Tiên", "Bắc Triều Tiên", 1)  # one word, in the title
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    app2 = make_app(corpus)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        row = next(m for m in screen.article_list.rows if m.path == str(path))
        assert row.key != article.key  # the content key changed with the edit
        assert row.key in app2.store.read_keys_cache  # ...and the read mark followed it
        assert article.key not in app2.store.read_keys_cache
        screen.article_list.cursor = list(screen.article_list.rows).index(row)
        screen.article_list.focus()
        await open_first(pilot)
        reopened = screen.reader.article
        assert reopened is not None and reopened.key == row.key
        assert reopened.passages[screen.reader.cursor].text == quote


async def test_5_note_then_escape_creates_nothing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await open_first(pilot)
        await pilot.press("j", "a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, NoteScreen)
        await pilot.press(*"nháp", "escape")
        await db_idle(pilot)
        assert app.store.bookmarks() == []
        assert bookmarked_views(screen) == []
        assert app.store.bookmark_counts_cache == {}
        # Enter saves bookmark and note together: one undo step takes both away.
        await note_on_passage(pilot, "giữ")
        assert [m.note for m in app.store.bookmarks()] == ["giữ"]
        await pilot.press("ctrl+z")
        await db_idle(pilot)
        assert app.store.bookmarks() == []


async def test_6_deleting_on_the_bookmarks_screen_updates_the_main_screen(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await open_first(pilot)
        article = screen.reader.article
        assert article is not None
        await pilot.press("j", "b")
        await db_idle(pilot)
        assert screen.article_list.bookmark_counts == {article.key: 1}
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("down", "delete", "escape")
        await settle(pilot)
        assert main_screen(pilot) is screen
        assert screen.article_list.bookmark_counts == {}  # no ★1 left
        assert bookmarked_views(screen) == []  # no ║ left
        assert screen.marks == {}
        await pilot.press("b")  # bookmarks again, rather than "Bookmark removed"
        await db_idle(pilot)
        assert len(app.store.bookmarks()) == 1
        assert app._notifications and list(app._notifications)[-1].message.startswith(
            "Passage bookmarked"
        )


async def test_10_reopening_restores_the_cursor_passage(make_app: MakeApp, corpus: Path) -> None:
    app = make_app(corpus)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await open_first(pilot)
        reader = screen.reader
        for _ in range(6):
            await pilot.press("j")
        cursor = reader.cursor
        assert cursor >= 4
        top = next(v.index for v in reader.query(PassageView) if v.region.y >= reader.region.y)
        assert top != cursor  # the first passage on screen is not the cursor's
        await pilot.press("tab", "j", "enter")  # another article, then quit
        await settle(pilot)
        await pilot.press("q")
    app2 = make_app(corpus)
    async with app2.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await open_first(pilot)
        assert screen.reader.cursor == cursor
        view = screen.reader.passage_view(cursor)
        assert view is not None and view.has_class("-current")
