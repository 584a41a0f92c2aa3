"""Pilot tests for searching from the app: results, highlights, match jumps, Escape."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.ui.search_state import TIMING_ENV, SearchState

SEED_004 = "004_43a67dcebbb22425.txt"


async def search_for(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.pause(0.3)
    await settle(pilot)


async def test_typing_a_query_without_tone_marks_lists_ranked_results(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        assert screen.builder is not None
        await search_for(pilot, "hoi nghi thuong dinh ha noi")
        rows = screen.article_list.rows
        assert rows, screen.status.search_info
        assert Path(rows[0].path).name == SEED_004  # the one that says "Hà Nội"
        assert screen.article_list.row_height == 2
        hit = screen.search.hit_at(0)
        assert hit is not None and hit.snippet_spans
        assert "1 article holds every word · 2 hold some" in screen.status.search_info
        # The snippet's highlighted words are the query's words, folded.
        highlighted = " ".join(hit.snippet[a:b].lower() for a, b in hit.snippet_spans)
        assert "hội nghị thượng đỉnh" in highlighted or "hà nội" in highlighted


async def test_enter_opens_the_best_passage_with_matches_and_n_jumps(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "ha noi")
        hit = screen.search.hit_at(0)
        assert hit is not None
        await pilot.press("enter")
        await settle(pilot)
        reader = screen.reader
        assert reader.article is not None and Path(reader.article.path).name == SEED_004
        assert reader.has_focus
        assert reader.match_count >= 3  # "Hà Nội" appears three times in seed 004
        if hit.passage is not None:
            assert reader.cursor == hit.passage
        await pilot.press("n")
        first = reader.match_position
        await pilot.press("n")
        assert reader.match_position == first + 1
        await pilot.press("N")
        assert reader.match_position == first
        assert "matches in this article" in screen.status.search_info
        # Escape from the article goes back to the list (still the results).
        await pilot.press("escape")
        assert not screen.search.active
        assert len(screen.article_list.rows) == 2


async def test_escape_in_the_search_bar_returns_to_the_full_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "biegun")
        assert [Path(m.path).name for m in screen.article_list.rows] == ["000_3e0ed1ba5c5dd459.txt"]
        await pilot.press("escape")
        assert screen.query_one("#search", Input).value == ""
        assert len(screen.article_list.rows) == 2
        assert screen.article_list.has_focus
        assert screen.status.search_info == ""


async def test_typos_and_d_for_dj_are_forgiven(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "dai dien lien lac thuong tru")  # đại diện liên lạc thường trú
        assert Path(screen.article_list.rows[0].path).name == SEED_004
        await pilot.press("escape", "slash")
        await search_for(pilot, "singapure")  # one letter wrong
        assert {Path(m.path).name for m in screen.article_list.rows} >= {SEED_004}


async def test_stale_results_never_replace_newer_ones(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "biegun")
        current = screen.search.results
        assert current is not None
        from tui_reader.search.engine import search

        assert screen.builder is not None
        old = search(screen.builder.snapshot(), "trieu tien")
        screen._show_results(old, screen.search.sequence - 1)
        assert screen.search.results is current
        assert len(screen.article_list.rows) == 1


async def test_hostile_queries_never_crash(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        for query in ("[bold]x[/bold]", ".*(", "😀😀", "\\x1b[31m", "!!!"):
            search = screen.query_one("#search", Input)
            search.value = query
            await pilot.pause(0.3)
            await settle(pilot)
            assert pilot.app.is_running
        search.value = "x" * 10_000
        await pilot.pause(0.3)
        await settle(pilot)
        assert pilot.app.is_running


async def test_a_query_typed_in_one_burst_with_the_slash_is_kept(make_app: MakeApp) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        # All keys queued at once, as a fast typist or a paste delivers them.
        for key, char in (("slash", "/"), ("d", "d"), ("a", "a"), ("c", "c")):
            app.post_message(events.Key(key, char))
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "dac"
        assert screen.search.active


async def test_keys_that_arrive_together_start_one_search_for_the_whole_burst(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No debounce timer: the bar hands the screen a query once the keys already
    waiting for it are handled, so a burst is one search, not one per key."""
    from textual import events

    from tui_reader.ui.screens.main import MainScreen

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("slash")
        await settle(pilot)
        started: list[str] = []
        original = MainScreen._start_search

        def recording(self: MainScreen, query: str, *args: object) -> None:
            started.append(query)
            original(self, query, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(MainScreen, "_start_search", recording)
        for char in "trieu":
            app.post_message(events.Key(char, char))
        await pilot.pause(0.3)
        await settle(pilot)
        assert started == ["trieu"]
        results = screen.search.results
        assert results is not None and results.query == "trieu"
        await pilot.press("space", "t")  # Typed one by one: each key is a search.
        await settle(pilot)
        assert started[1:] == ["trieu ", "trieu t"]
        results = screen.search.results
        assert results is not None and results.query == "trieu t"


async def test_enter_opens_the_passage_holding_the_whole_query(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "hoi nghi thuong dinh ha noi")
        await pilot.press("enter")
        await settle(pilot)
        article = screen.reader.article
        assert article is not None
        current = article.passages[screen.reader.cursor].text
        assert "hội nghị thượng đỉnh" in current and "Hà Nội" in current


async def test_each_search_logs_its_timeline_when_asked(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """benchmarks/typing_bench.py splits the latency it sees with these lines."""
    monkeypatch.setenv(TIMING_ENV, "1")
    caplog.set_level(logging.INFO, logger="tui_reader.ui.search_state.timing")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await search_for(pilot, "trieu tien")
        await pilot.pause(0.2)
    lines = [r.getMessage() for r in caplog.records if "search timing" in r.getMessage()]
    assert lines and lines[-1].endswith("query='trieu tien'"), lines
    stages = dict(part.split("=", 1) for part in lines[-1].split()[2:-1])
    order = ["fired", "started", "searched", "warmed", "shown", "painted"]
    times = [float(stages[name]) for name in order]
    assert times == sorted(times) and times[0] >= 0, stages
    # The engine's CPU time fits in the search stage's wall time (a thread's CPU never
    # runs ahead of the clock), and the search did work.
    searching = float(stages["searched"]) - float(stages["started"])
    assert 0 < float(stages["cpu"]) <= searching + 1.0, stages


async def test_no_timeline_is_logged_by_default(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(TIMING_ENV, raising=False)
    caplog.set_level(logging.INFO, logger="tui_reader.ui.search_state.timing")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await search_for(pilot, "trieu tien")
        assert main_screen(pilot).search.results is not None
    assert not [r for r in caplog.records if "search timing" in r.getMessage()]


async def test_a_query_longer_than_the_bar_scrolls_to_the_cursor(make_app: MakeApp) -> None:
    """The bar repaints instead of laying out the screen per key; it still scrolls."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        bar = screen.search_bar
        words = "hoi nghi thuong dinh my trieu tien tai ha noi va singapore nam 2019 "
        await pilot.press("slash", *words * 2)
        await pilot.pause(0.3)
        await settle(pilot)
        assert bar.value == words * 2
        assert bar.virtual_size.width > bar.content_region.width
        assert bar.scroll_x > 0
        visible = "".join(s.text for s in bar.render_line(0))
        assert words.split()[-1] in visible  # the end of the query, where the cursor is
        await pilot.press("home")
        await pilot.pause()
        assert bar.scroll_x == 0


async def test_typing_and_new_results_repaint_without_laying_out_the_screen(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A layout redraws every widget on screen; per key it cost more than the search."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "trieu tien")
        layouts = 0
        original = Screen._refresh_layout

        def counting(self: Screen[object], *args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        for key in " singapore":
            await pilot.press(key)
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        await settle(pilot)
        results = screen.search.results
        assert results is not None and results.query == "trieu tien singapore"
        # Only a change in the number of result rows resizes the list.
        assert layouts <= 2, layouts


async def test_a_search_made_stale_by_a_newer_query_stops_and_the_newer_one_runs(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.search import engine

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        original = engine.search
        stale_seen: list[bool] = []
        shown: list[str] = []

        def searching(snapshot, query, limit=50, *, cancel=None, allowed=None):  # type: ignore[no-untyped-def]
            if query == "trieu":  # The reader types on while this search runs.
                app.call_from_thread(screen._start_search, "trieu tien")
                stale_seen.append(cancel is not None and cancel())
            return original(snapshot, query, limit, cancel=cancel, allowed=allowed)

        monkeypatch.setattr(engine, "search", searching)
        show = SearchState.show

        def showing(state: SearchState, results: engine.SearchResults) -> None:
            shown.append(results.query)
            show(state, results)

        monkeypatch.setattr(SearchState, "show", showing)
        screen.search_bar.value = "trieu"
        await pilot.pause(0.5)
        await settle(pilot)
        assert stale_seen == [True]
        assert shown == ["trieu tien"]  # Never the stale query's results.


@pytest.mark.parametrize("size", [(120, 36), (70, 22)])
async def test_a_long_paste_into_a_fresh_search_bar_shows_its_end_and_the_cursor(
    make_app: MakeApp, size: tuple[int, int]
) -> None:
    """The paste is the bar's first change (Input does not scroll on that one)."""
    from textual import events

    from tui_reader.ui.widgets.search_bar import SearchBar

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await pilot.press("slash")
        bar = screen.query_one(SearchBar)
        app.post_message(events.Paste("trieu " + "tien hanh " * 20 + "cuoi"))
        await pilot.pause(0.3)
        await settle(pilot)

        def shown() -> str:
            return bar.render_line(0).text

        assert bar.value.endswith("cuoi") and bar.cursor_position == len(bar.value)
        assert bar.max_scroll_x > 0  # longer than the bar, at both widths
        assert shown().rstrip().endswith("cuoi"), shown()
        # Scrolled right to the end: the virtual width holds the cursor's cell after it.
        assert bar.scroll_x == bar.max_scroll_x
        await pilot.press(*"xa")  # typing on keeps the end in view
        await pilot.pause(0.3)
        await settle(pilot)
        assert shown().rstrip().endswith("cuoixa"), shown()
        assert bar.scroll_x == bar.max_scroll_x
