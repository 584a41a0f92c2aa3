"""Pilot tests for feeds in the app: the feed list, fetch now, new articles unread."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.feeds.fixtures import STORIES, atom_full
from tests.feeds.server import FeedServer, Route
from tests.ui.helpers import main_screen, settle
from tui_reader.config import Settings
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.store import FeedStore
from tui_reader.library import user_library
from tui_reader.ui.app import AppConfig, ReaderApp
from tui_reader.ui.screens.feeds import FeedsScreen

ATOM = "application/atom+xml"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def heard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification message posted: toasts expire, and a loaded machine is slow."""
    messages: list[str] = []
    notify = ReaderApp.notify

    def recording(self: ReaderApp, message: str, *args: object, **kwargs: object) -> None:
        messages.append(str(message))
        notify(self, message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ReaderApp, "notify", recording)
    return messages


@pytest.fixture
def dirs(isolated_user_dirs: dict[str, Path]) -> dict[str, Path]:
    return isolated_user_dirs


def _subscribe(data: Path, server: FeedServer, fetch: bool = True) -> None:
    server.routes["/thoi-su"] = Route(atom_full(server.base, "ts", STORIES[:2]), content_type=ATOM)
    server.routes["/kinh-te"] = Route(atom_full(server.base, "kt", STORIES[2:5]), content_type=ATOM)
    with FeedStore(data) as store:
        store.add_feed("Thời sự", server.url("/thoi-su"), "thoi-su")
        store.add_feed("Kinh tế", server.url("/kinh-te"), "kinh-te")
        if fetch:
            Fetcher(store).fetch(store.feeds())


def _app(dirs: dict[str, Path], **settings: object) -> ReaderApp:
    library = user_library(dirs["data"])
    return ReaderApp(
        AppConfig(
            roots=library.roots,
            data_dir=dirs["data"],
            cache_dir=dirs["cache"],
            corpus_label=library.label,
            settings=replace(Settings(), **settings),  # type: ignore[arg-type]
        )
    )


async def _wait(pilot, condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def test_feed_list_shows_unread_counts_and_filters_by_feed(
    server: FeedServer, dirs: dict[str, Path]
) -> None:
    _subscribe(dirs["data"], server)
    app = _app(dirs)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert len(screen.article_list.rows) == 5
        await pilot.press("enter")  # read one article of the list
        await settle(pilot)
        read_path = screen.open_meta.path if screen.open_meta else ""
        await pilot.press("tab", "L")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        rows = {row.name: row for row in app.screen.rows}
        assert (rows["Thời sự"].total, rows["Kinh tế"].total) == (2, 3)
        assert rows["Thời sự"].unread + rows["Kinh tế"].unread == 4
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "All articles" in prompts[0] and "4" in prompts[0]
        # Feeds are listed by name: Kinh tế, then Thời sự.
        assert "Kinh tế" in prompts[1] and "Thời sự" in prompts[2]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.feed_filter == "Thời sự"
        shown = {m.title for m in screen.article_list.rows}
        assert shown == {s.title for s in STORIES[:2]}
        assert "feed: Thời sự" in str(screen.status.query_one("#status-text").render())
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("home", "enter")
        await settle(pilot)
        assert screen.feed_filter == "" and len(screen.article_list.rows) == 5
        assert read_path in {m.path for m in screen.article_list.rows}


async def test_fetch_now_brings_new_articles_in_unread_and_searchable(
    server: FeedServer, dirs: dict[str, Path], heard: list[str]
) -> None:
    _subscribe(dirs["data"], server)
    app = _app(dirs)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        for meta in list(screen.article_list.rows):
            app.store.set_read(meta.key, True)
        await settle(pilot)
        before = {m.path for m in screen.listing.articles}
        # Upstream: one new story in Thời sự, served slowly so the progress can be seen.
        fresh = replace(
            STORIES[5],
            title="Tuyển Việt Nam giành vé vào vòng chung kết",
            paragraphs=(
                "Đội tuyển bóng đá Việt Nam giành vé dự vòng chung kết châu Á.",
                *STORIES[5].paragraphs,
            ),
        )
        server.routes["/thoi-su"] = Route(
            atom_full(server.base, "ts", (fresh, *STORIES[:2])), content_type=ATOM, delay=0.6
        )
        await pilot.press("R")
        await _wait(pilot, lambda: screen.feeds_label.startswith("fetching feeds"), 5)
        status = str(screen.status.query_one("#status-text").render())
        assert "fetching feeds" in status
        await _wait(pilot, lambda: len(screen.listing.articles) == 6)
        await _wait(pilot, lambda: not any(w.is_running for w in app.workers))
        await settle(pilot)
        assert screen.feeds_label == ""
        [new] = [m for m in screen.listing.articles if m.path not in before]
        assert new.title == fresh.title
        assert new.key not in app.store.read_keys_cache  # unread
        assert screen.unread_count == 1
        assert new in screen.article_list.rows
        # Indexed incrementally: a search finds it.
        assert screen.builder is not None
        from tui_reader.search.engine import search

        results = search(screen.builder.snapshot(), "vong chung ket chau a", limit=5)
        assert results.hits and results.hits[0].path == new.path
        assert any("Fetched 2 feeds: 1 new" in m for m in heard)


async def test_fetch_on_start_and_a_failing_feed_is_shown(
    server: FeedServer, dirs: dict[str, Path], heard: list[str]
) -> None:
    _subscribe(dirs["data"], server, fetch=False)
    server.routes["/kinh-te"] = Route(
        b"down for maintenance", status=503, content_type="text/plain"
    )
    app = _app(dirs, feeds_fetch_on_start=True)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = main_screen(pilot)
        await _wait(pilot, lambda: len(screen.listing.articles) == 2)
        # The fetch starts on a timer after the first paint: wait for its report, not
        # for idle workers (the listing can be done before the fetch has begun).
        await _wait(pilot, lambda: any("Fetched" in m for m in heard))
        await _wait(pilot, lambda: not any(w.is_running for w in app.workers))
        await settle(pilot)
        assert any("1 failed (Kinh tế: HTTP 503" in m for m in heard), heard
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        rows = {row.name: row for row in app.screen.rows}
        assert rows["Kinh tế"].error == "HTTP 503 Service Unavailable"
        assert rows["Thời sự"].unread == 2
        await pilot.press("escape")
        await asyncio.sleep(0)


async def test_the_palette_fetches_and_lists_feeds(
    server: FeedServer, dirs: dict[str, Path], heard: list[str]
) -> None:
    _subscribe(dirs["data"], server)
    app = _app(dirs)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        commands = {c.title: c for c in app.get_system_commands(screen)}
        assert {"Fetch feeds now", "Feeds"} <= set(commands)
        commands["Feeds"].callback()
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        await pilot.press("escape")
        commands["Fetch feeds now"].callback()
        await _wait(pilot, lambda: any("Fetched 2 feeds" in m for m in heard))


def test_feed_list_snapshot(  # type: ignore[no-untyped-def]
    snap_compare, server: FeedServer, dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # How long indexing takes depends on the machine's load: never announce it in a picture.
    monkeypatch.setattr("tui_reader.ui.screens.main.INDEXING_NOTICE_SECONDS", float("inf"))
    _subscribe(dirs["data"], server)
    server.routes["/hong"] = Route(b"gone", status=410, content_type="text/plain")
    with FeedStore(dirs["data"]) as store:
        feed = store.add_feed("Báo hỏng", server.url("/hong"), "bao-hong")
        Fetcher(store).fetch([feed])

    async def open_list(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)

    assert snap_compare(_app(dirs), terminal_size=(120, 36), run_before=open_list)


async def test_last_fetch_and_totals_are_muted_and_legible_in_every_theme(
    dirs: dict[str, Path],
) -> None:
    """ "not fetched yet" and "/total" are fainter than the feed's name, yet at 3:1 or more.

    They were drawn with "$text-muted" ("auto 60%"), which a row's Content resolves to
    the full contrast colour: brighter than the name, not muted.
    """
    from textual.color import Color

    from tests.ui.test_contrast import THEMES, faint_texts
    from tui_reader.ui.contrast import contrast_ratio
    from tui_reader.ui.screens.feeds import FeedRow

    rows = [FeedRow("Tin mới", 0, 0), FeedRow("Thời sự", 3, 9, "2026-12-02T10:00:00")]
    app = _app(dirs)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(FeedsScreen(rows, all_unread=3, all_total=9))
        await settle(pilot)
        listing = app.screen.query_one("#feeds-list", OptionList)
        listing.highlighted = 0  # the cursor on "All articles", not on the rows measured
        checked = 0
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            assert not faint_texts(app), (theme, faint_texts(app)[:3])
            lines = [listing.render_line(y) for y in range(listing.size.height)]
            line = next(line for line in lines if "Tin mới" in line.text)
            styles = {segment.text.strip(): segment.style for segment in line}
            name, note = styles["Tin mới"], styles["not fetched yet"]
            assert name is not None and note is not None
            assert name.color is not None and note.color is not None
            if name.color.is_system_defined or name.bgcolor is None:
                continue  # an ANSI theme: the terminal's colours, dim by Textual's rules
            background = Color.from_rich_color(name.bgcolor)
            ratios = [
                contrast_ratio(Color.from_rich_color(style.color), background)
                for style in (name, note)
            ]
            assert ratios[1] < ratios[0], (theme, ratios)
            checked += 1
        assert checked >= len(THEMES) - 2
