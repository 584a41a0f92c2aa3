"""Pilot tests: refreshed search results keep the reader's selection (issue #9, stable results).

A refresh comes when more of the corpus becomes searchable (the first index
being built, or new files found) and with every keystroke. The article the
reader moved to stays selected while it is still listed, where it was on
screen, and Enter opens it, not whatever became the first hit.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle


def write_articles(folder: Path, titles: list[str], body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for title in titles:
        name = "".join(c for c in title.lower() if c.isalnum()) or "x"
        (folder / f"{name}.txt").write_text(f"{title}\n\n{body}\n\nĐoạn cuối.", "utf-8")
    return folder


def rain_corpus(folder: Path) -> Path:
    """Thirty articles (more than a screen of results) that mention "mưa lớn" once each,
    in the body only."""
    titles = [f"Bản tin thời tiết số {n}" for n in range(1, 31)]
    return write_articles(folder, titles, "Chiều nay Hà Nội có mưa lớn ở nhiều nơi.")


async def search_for(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.pause(0.3)
    await settle(pilot)


async def until(pilot: Pilot[None], done: object, seconds: float = 30) -> None:
    """Wait for ``done()`` (a loaded machine can take a while), then for the app to settle."""
    assert callable(done)
    for _ in range(int(seconds / 0.1)):
        if done():
            break
        await pilot.pause(0.1)
    await settle(pilot)
    assert done()


async def test_more_indexed_keeps_the_selected_article_and_enter_opens_it(
    make_app: MakeApp, tmp_path: Path
) -> None:
    corpus = rain_corpus(tmp_path / "corpus")
    app = make_app(corpus)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "mua lon")
        assert len(screen.article_list.rows) == 30
        await pilot.press("down", "down", "down", "down")  # into the list, then to row 3
        listed = screen.article_list
        assert listed.has_focus and listed.cursor == 3
        chosen = listed.current
        assert chosen is not None
        on_screen = listed.cursor * listed.row_height - int(listed.scroll_offset.y)
        before = screen.search.results
        # Better matches arrive while the reader is on row 3: the index refresh re-searches.
        write_articles(
            corpus,
            [f"Mưa lớn kéo dài {n}" for n in range(1, 6)],
            "Mưa lớn, mưa lớn và mưa lớn suốt đêm.",
        )
        screen.action_reindex()
        await until(pilot, lambda: len(screen.search.hits) == 35)
        assert screen.search.results is not before
        assert [hit.key for hit in screen.search.hits[:5]] != [m.key for m in before.hits[:5]]
        assert listed.current is not None and listed.current.key == chosen.key
        assert listed.cursor > 3  # the new, better hits are listed above it
        assert listed.cursor * listed.row_height - int(listed.scroll_offset.y) == on_screen
        await pilot.press("enter")
        await settle(pilot)
        article = screen.reader.article
        assert article is not None and str(article.path) == chosen.path


async def test_a_refresh_before_the_reader_moves_keeps_the_row_they_see(
    make_app: MakeApp, tmp_path: Path
) -> None:
    corpus = rain_corpus(tmp_path / "corpus")
    app = make_app(corpus)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "mua lon")
        first = screen.article_list.current
        assert first is not None and screen.article_list.cursor == 0
        write_articles(corpus, ["Mưa lớn kéo dài"], "Mưa lớn, mưa lớn và mưa lớn suốt đêm.")
        screen.action_reindex()
        await until(pilot, lambda: len(screen.search.hits) == 31)
        current = screen.article_list.current
        assert current is not None and current.key == first.key


async def test_a_new_keystroke_keeps_the_article_the_reader_moved_to(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app(rain_corpus(tmp_path / "corpus"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "mua")
        await pilot.press("down", "down", "down")
        chosen = screen.article_list.current
        assert chosen is not None and screen.article_list.cursor == 2
        before = screen.search.results
        await search_for(pilot, " lon")
        assert screen.search_bar.value == "mua lon"
        assert screen.search.results is not before
        current = screen.article_list.current
        assert current is not None and current.key == chosen.key
        await pilot.press("enter")  # in the search bar: opens the selected result
        await settle(pilot)
        article = screen.reader.article
        assert article is not None and str(article.path) == chosen.path


async def test_a_new_query_goes_to_the_first_hit_when_the_reader_has_not_moved(
    make_app: MakeApp, tmp_path: Path
) -> None:
    corpus = rain_corpus(tmp_path / "corpus")
    write_articles(corpus, ["Nắng nóng gay gắt"], "Nắng nóng kéo dài, không có mưa.")
    app = make_app(corpus)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        await search_for(pilot, "mua")
        assert len(screen.article_list.rows) == 31
        await search_for(pilot, " nang nong")
        assert screen.article_list.cursor == 0
        first = screen.search.hit_at(0)
        current = screen.article_list.current
        assert first is not None and current is not None
        assert current.key == first.key and first.title == "Nắng nóng gay gắt"
