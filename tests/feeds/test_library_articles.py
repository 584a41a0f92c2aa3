"""Fetched articles are ordinary library articles: listed, opened, bookmarked, re-anchored."""

from __future__ import annotations

from pathlib import Path

from tests.feeds.fixtures import STORIES, atom_full
from tests.feeds.helpers import subscribe
from tests.feeds.server import FeedServer, Route
from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.loader import open_article
from tui_reader.bookmarks import ArticleFinder, Locator, new_bookmark, reanchor
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.storage import feeds_root
from tui_reader.feeds.store import FeedStore
from tui_reader.store.state import StateStore

ATOM = "application/atom+xml"


def test_fetched_articles_list_open_and_keep_bookmarks_through_an_update(
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    data_dir: Path,
    isolated_user_dirs: dict[str, Path],
) -> None:
    cache = isolated_user_dirs["cache"]
    feed = subscribe(
        store,
        server,
        "/a",
        Route(atom_full(server.base, "a", STORIES), content_type=ATOM),
        "Thời sự",
    )
    fetcher.fetch([feed])
    roots = [feeds_root(data_dir)]
    listing = refresh_listing(cache, roots)
    assert len(listing.articles) == len(STORIES) and not listing.skipped
    by_title = {meta.title: meta for meta in listing.articles}
    meta = by_title[STORIES[0].title]
    assert meta.source == "Thời sự"
    assert meta.date is not None and meta.date.startswith("2026-11-30")
    article = open_article(meta)
    texts = [p.text for p in article.passages]
    assert STORIES[0].paragraphs[2] in texts
    assert article.author == STORIES[0].author

    # Bookmark the third paragraph, then the story is edited upstream (first paragraph
    # reworded, a paragraph added): the file is rewritten in place and the bookmark follows.
    index = texts.index(STORIES[0].paragraphs[2])
    with StateStore.open(data_dir) as state:
        mark = state.add_bookmark(new_bookmark(article, index))
        extra = "Cập nhật 18h: nước đã rút ở hầu hết các tuyến phố."
        edited = (STORIES[0].changed(extra), *STORIES[1:])
        server.routes["/a"] = Route(atom_full(server.base, "a", edited), content_type=ATOM)
        [report] = fetcher.fetch(store.feeds())
        assert report.updated == 1 and report.updated_paths == [meta.path]
        fresh = refresh_listing(cache, roots)
        assert len(fresh.articles) == len(STORIES)
        [new_meta] = [m for m in fresh.articles if m.path == meta.path]
        assert new_meta.key != meta.key
        found = Locator(ArticleFinder(fresh.articles)).locate(mark)
        assert found.article is not None and found.resolution.ok
        reanchor(state, mark, found.article)
        [moved] = state.bookmarks()
        assert moved.article_key == new_meta.key
        assert found.article.passages[moved.passage_index].text == STORIES[0].paragraphs[2]
        assert any(extra in p.text for p in found.article.passages)
