"""Fetching real feeds from a local server: storage, full text, conditional GET, dedupe."""

from __future__ import annotations

from pathlib import Path

from tests.feeds.fixtures import STORIES, article_page, atom_full, page_path, rss1, rss_summaries
from tests.feeds.helpers import article_files, needs_extractor, read_json, subscribe
from tests.feeds.server import FeedServer, Route
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.store import FeedStore

ATOM = "application/atom+xml"


def serve_pages(server: FeedServer, site: str, stories=STORIES, **route: object) -> None:
    for story in stories:
        server.routes[page_path(site, story)] = Route(
            body=article_page(story, related=STORIES[:3]),
            content_type="text/html; charset=utf-8",
            **route,  # type: ignore[arg-type]
        )


def test_atom_with_full_content_is_stored_without_fetching_pages(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    feed = subscribe(
        store,
        server,
        "/atom.xml",
        Route(atom_full(server.base, "thoisu", STORIES), content_type="application/atom+xml"),
        "Thời sự",
    )
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == len(STORIES) and report.unchanged == 0
    assert sum(server.hits[page_path("thoisu", s)] for s in STORIES) == 0
    files = article_files(data_dir)
    assert len(files) == len(STORIES)
    story = STORIES[0]
    [path] = [p for p in files if "ha-noi-mua-lon" in p.name]
    assert path.name == "2026-11-30-ha-noi-mua-lon-nhieu-tuyen-pho-ngap-sau-gio-tan-tam.json"
    data = read_json(path)
    assert data["title"] == story.title
    assert data["source"] == "Thời sự"
    assert data["author"] == story.author
    assert data["url"] == server.url(page_path("thoisu", story))
    assert data["date"] == "2026-11-30T08:15:00+00:00"
    assert data["id"] == "tag:thoisu,2026:ha-noi-mua-lon"
    paragraphs = str(data["text"]).split("\n\n")
    assert paragraphs[: len(story.paragraphs)] == list(story.paragraphs)
    assert paragraphs[-1] == story.caption
    assert data["summary_only"] is None


def test_rss_1_0_is_read(server: FeedServer, store: FeedStore, fetcher: Fetcher) -> None:
    feed = subscribe(
        store,
        server,
        "/rdf",
        Route(rss1(server.base, "cong", STORIES[:2]), content_type="application/rdf+xml"),
        "Cổng",
    )
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == 2
    titles = sorted(a.title for a in store.articles(feed))
    assert titles == sorted(s.title for s in STORIES[:2])


@needs_extractor
def test_rss_with_summaries_fetches_and_extracts_each_page(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    feed = subscribe(
        store,
        server,
        "/rss/tin-moi-nhat.rss",
        Route(rss_summaries(server.base, "vne", STORIES)),
        "VnExpress",
    )
    serve_pages(server, "vne")
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == len(STORIES) and report.summaries == 0
    assert all(server.hits[page_path("vne", s)] == 1 for s in STORIES)
    story = STORIES[1]
    [path] = [
        p
        for p in article_files(data_dir)
        if story.slug.split("-")[0] in p.name and "vang" in p.name
    ]
    text = str(read_json(path)["text"])
    for paragraph in story.paragraphs:
        assert paragraph in text
    for junk in ("Quảng cáo", "Tin liên quan", "Trang chủ", "Giấy phép", STORIES[2].title):
        assert junk not in text


def test_a_page_that_fails_keeps_the_summary_and_says_so(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    feed = subscribe(
        store, server, "/rss", Route(rss_summaries(server.base, "tt", STORIES[:1])), "Tuổi Trẻ"
    )
    # No page route: every article page answers 404.
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == 1 and report.summaries == 1
    assert "kept as summary only" in report.summary()
    [path] = article_files(data_dir)
    data = read_json(path)
    assert str(data["text"]).startswith(STORIES[0].summary)
    assert "could not be fetched: HTTP 404" in str(data["text"])
    assert data["summary_only"] == "HTTP 404 Not Found"
    # The feed is unchanged, but the page is tried again, and now it answers.
    serve_pages(server, "tt", STORIES[:1])
    [again] = fetcher.fetch(store.feeds())
    assert again.ok and again.updated == 1 and again.summaries == 0
    data = read_json(path)
    assert data["summary_only"] is None
    assert STORIES[0].paragraphs[1] in str(data["text"])
    assert "could not be fetched" not in str(data["text"])


def test_an_unchanged_feed_costs_one_304(
    server: FeedServer, store: FeedStore, fetcher: Fetcher
) -> None:
    etag = subscribe(
        store,
        server,
        "/etag.xml",
        Route(
            atom_full(server.base, "a", STORIES), etag='"v1"', content_type="application/atom+xml"
        ),
        "ETag feed",
    )
    dated = subscribe(
        store,
        server,
        "/dated.rss",
        Route(
            rss_summaries(server.base, "b", STORIES[:2]),
            last_modified="Mon, 30 Nov 2026 08:00:00 GMT",
        ),
        "Dated feed",
    )
    serve_pages(server, "b", STORIES[:2])
    first = fetcher.fetch([etag, dated])
    assert [r.new for r in first] == [len(STORIES), 2]
    page_hits = sum(server.hits.values()) - 2
    feeds = {f.name: f for f in store.feeds()}
    assert feeds["ETag feed"].etag == '"v1"'
    assert feeds["Dated feed"].last_modified == "Mon, 30 Nov 2026 08:00:00 GMT"
    second = fetcher.fetch(list(feeds.values()))
    assert all(r.ok and r.not_modified and r.new == 0 for r in second)
    assert server.not_modified["/etag.xml"] == 1 and server.not_modified["/dated.rss"] == 1
    assert server.hits["/etag.xml"] == 2 and server.hits["/dated.rss"] == 2
    assert sum(server.hits.values()) - 4 == page_hits  # no article page fetched again
    assert all("tui-reader/" in agent for agent in server.user_agents)


def test_a_refetched_feed_without_validators_changes_nothing(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    body = atom_full(server.base, "p", STORIES)
    feed = subscribe(store, server, "/plain.xml", Route(body, content_type=ATOM), "Plain")
    fetcher.fetch([feed])
    mtimes = {p: p.stat().st_mtime_ns for p in article_files(data_dir)}
    # The very same bytes again: recognised without parsing.
    [same] = fetcher.fetch(store.feeds())
    assert same.ok and same.not_modified and same.new == 0
    # The feed's own <updated> moved, no entry changed: parsed, every entry recognised.
    server.routes["/plain.xml"] = Route(
        body.replace(
            b"<updated>2026-11-30T00:00:00+00:00</updated>",
            b"<updated>2026-11-30T01:00:00+00:00</updated>",
            1,
        ),
        content_type=ATOM,
    )
    [again] = fetcher.fetch(store.feeds())
    assert again.ok and not again.not_modified
    assert again.new == 0 and again.updated == 0 and again.unchanged == len(STORIES)
    assert {p: p.stat().st_mtime_ns for p in article_files(data_dir)} == mtimes


def test_a_changed_article_is_updated_in_place(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    feed = subscribe(
        store,
        server,
        "/atom",
        Route(atom_full(server.base, "cs", STORIES[:3]), content_type="application/atom+xml"),
        "Chính sách",
    )
    fetcher.fetch([feed])
    before = article_files(data_dir)
    extra = "Cập nhật 10h30: Bộ cho biết sẽ lấy ý kiến rộng rãi trước khi ban hành chính thức."
    edited = (STORIES[0].changed(extra), *STORIES[1:3])
    server.routes["/atom"] = Route(
        atom_full(server.base, "cs", edited), content_type="application/atom+xml"
    )
    [report] = fetcher.fetch(store.feeds())
    assert report.ok and report.updated == 1 and report.new == 0 and report.unchanged == 2
    assert article_files(data_dir) == before
    [path] = report.updated_paths
    text = str(read_json(Path(path))["text"])
    assert extra in text and edited[0].paragraphs[0] in text
    [row] = [a for a in store.articles() if a.path == path]
    assert row.fingerprint and row.content_key


def test_duplicates_across_feeds_are_stored_once(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    home = subscribe(
        store, server, "/home.rss", Route(rss_summaries(server.base, "s", STORIES)), "Trang chủ"
    )
    # Same articles (same links) in a section feed, and the same text under other links.
    section = subscribe(
        store,
        server,
        "/section.rss",
        Route(rss_summaries(server.base, "s", STORIES[:3], title="Thời sự")),
        "Thời sự",
    )
    mirror = subscribe(
        store,
        server,
        "/mirror.atom",
        Route(
            atom_full(server.base, "m", STORIES[:1]).replace(b"tag:m,2026", b"tag:mirror,2026"),
            content_type="application/atom+xml",
        ),
        "Mirror",
    )
    copy = subscribe(
        store,
        server,
        "/copy.atom",
        Route(atom_full(server.base, "c", STORIES[:1]), content_type="application/atom+xml"),
        "Copy",
    )
    reports = fetcher.fetch([home, section, mirror, copy])
    # The feeds are fetched at once; whichever saw an article first saved it.
    assert reports[0].new + reports[1].new == len(STORIES)
    assert reports[0].unchanged + reports[1].unchanged == 3
    assert reports[2].new + reports[3].new == 1  # same text, different links: one file
    assert len(article_files(data_dir)) == len(STORIES) + 1
    counts = store.article_counts()
    assert counts[section.id] == 3 and counts[home.id] == len(STORIES)
    assert counts[mirror.id] == counts[copy.id] == 1
