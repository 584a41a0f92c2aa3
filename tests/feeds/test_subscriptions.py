# ruff: noqa: E501 - OPML fixtures read better unwrapped
"""Subscribing (with discovery), OPML round trips, removing and pruning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.feeds.fixtures import STORIES, atom_full, rss_summaries, site_page_with_feed_link
from tests.feeds.helpers import article_files, subscribe
from tests.feeds.server import FeedServer, Route
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.opml import OpmlError, export_opml, parse_opml
from tui_reader.feeds.store import FeedStore
from tui_reader.feeds.subscriptions import (
    SubscribeError,
    add_unchecked,
    parse_age,
    prune,
    unsubscribe,
)
from tui_reader.feeds.subscriptions import (
    subscribe as subscribe_url,
)

ATOM = "application/atom+xml"


def test_subscribe_checks_the_feed_and_names_it_from_its_title(
    server: FeedServer, store: FeedStore, client: httpx.Client
) -> None:
    server.routes["/rss/thoi-su.rss"] = Route(
        rss_summaries(server.base, "t", STORIES, title="Thời sự - VnExpress")
    )
    feed, parsed = subscribe_url(store, client, server.url("/rss/thoi-su.rss"))
    assert feed.name == "Thời sự - VnExpress" and feed.slug == "thoi-su-vnexpress"
    assert len(parsed.entries) == len(STORIES)
    with pytest.raises(SubscribeError, match="already subscribed"):
        subscribe_url(store, client, server.url("/rss/thoi-su.rss"))


def test_subscribe_finds_the_feed_a_web_page_declares(
    server: FeedServer, store: FeedStore, client: httpx.Client
) -> None:
    server.routes["/"] = Route(
        site_page_with_feed_link(server.base, "/rss/tin-moi.rss"),
        content_type="text/html; charset=utf-8",
    )
    server.routes["/rss/tin-moi.rss"] = Route(rss_summaries(server.base, "t", STORIES[:2]))
    feed, _parsed = subscribe_url(store, client, server.url("/"), name="Báo Mẫu")
    assert feed.url == server.url("/rss/tin-moi.rss") and feed.name == "Báo Mẫu"


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (
            Route(b"<html><body>no feed here</body></html>", content_type="text/html"),
            "is not a feed",
        ),
        (Route(b"gone", status=404), "HTTP 404"),
        (Route(b"<?xml version='1.0'?><rss><channel><item>", content_type="text/xml"), "malformed"),
    ],
)
def test_subscribe_refuses_what_is_not_a_feed(
    server: FeedServer, store: FeedStore, client: httpx.Client, route: Route, reason: str
) -> None:
    server.routes["/x"] = route
    with pytest.raises(SubscribeError, match=reason):
        subscribe_url(store, client, server.url("/x"))
    assert store.feeds() == []


def test_a_feed_title_with_escape_sequences_becomes_a_safe_name(
    server: FeedServer, store: FeedStore, client: httpx.Client
) -> None:
    server.routes["/evil"] = Route(
        rss_summaries(server.base, "e", STORIES[:1], title="Tin\x1b[31m đỏ\x1b]0;pwned\x07 ")
    )
    feed, _ = subscribe_url(store, client, server.url("/evil"))
    assert "\x1b" not in feed.name and "\x07" not in feed.name
    assert feed.name.startswith("Tin␛[31m đỏ")


def test_opml_round_trip_and_newsboat_style_files(store: FeedStore, data_dir: Path) -> None:
    newsboat = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>newsboat - Exported Feeds</title></head><body>
<outline type="rss" xmlUrl="https://vnexpress.net/rss/tin-moi-nhat.rss" htmlUrl="https://vnexpress.net" title="VnExpress - Tin m\xe1\xbb\x9bi nh\xe1\xba\xa5t"/>
<outline title="B\xc3\xa1o"><outline text="Tu\xe1\xbb\x95i Tr\xe1\xba\xbb" xmlUrl="https://tuoitre.vn/rss/tin-moi-nhat.rss"/>
<outline text="Thanh Ni\xc3\xaan" xmlurl="https://thanhnien.vn/rss/home.rss"/></outline>
<outline type="rss" xmlUrl="https://vnexpress.net/rss/tin-moi-nhat.rss" title="dup"/>
</body></opml>"""
    outlines = parse_opml(newsboat)
    assert [o.url for o in outlines] == [
        "https://vnexpress.net/rss/tin-moi-nhat.rss",
        "https://tuoitre.vn/rss/tin-moi-nhat.rss",
        "https://thanhnien.vn/rss/home.rss",
    ]
    for o in outlines:
        add_unchecked(store, o.url, o.name, o.site)
    assert add_unchecked(store, outlines[0].url, "again", None) is None
    exported = export_opml(store.feeds())
    again = parse_opml(exported.encode("utf-8"))
    assert {(o.url, o.name) for o in again} == {(f.url, f.name) for f in store.feeds()}
    assert {o.name for o in again} == {"VnExpress - Tin mới nhất", "Tuổi Trẻ", "Thanh Niên"}
    assert 'type="rss"' in exported and 'htmlUrl="https://vnexpress.net"' in exported
    with FeedStore(data_dir / "other") as fresh:
        for o in again:
            add_unchecked(fresh, o.url, o.name, o.site)
        assert [(f.name, f.url, f.site) for f in fresh.feeds()] == [
            (f.name, f.url, f.site) for f in store.feeds()
        ]


@pytest.mark.parametrize("data", [b"not xml", b"<rss/>", b""])
def test_a_bad_opml_file_is_refused(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data)


def _fetched(server: FeedServer, store: FeedStore, fetcher: Fetcher) -> None:
    subscribe(
        store, server, "/a", Route(atom_full(server.base, "a", STORIES), content_type=ATOM), "A"
    )
    subscribe(
        store, server, "/b", Route(atom_full(server.base, "a", STORIES[:2]), content_type=ATOM), "B"
    )
    fetcher.fetch(store.feeds())


def test_unsubscribe_keeping_or_deleting_articles(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    _fetched(server, store, fetcher)
    assert len(article_files(data_dir)) == len(STORIES)
    a = store.feed("A")
    assert a is not None
    bookmarked = next(x for x in store.articles(a) if x.title == STORIES[3].title)
    removal = unsubscribe(store, a, keep_articles=False, bookmarked_keys={bookmarked.content_key})
    # Two articles are B's too, one is bookmarked: those stay; the rest are deleted.
    assert removal.deleted == len(STORIES) - 3 and removal.kept == 3
    assert removal.kept_bookmarked == [bookmarked.path]
    assert len(article_files(data_dir)) == 3
    b = store.feed("B")
    assert b is not None and store.feed("A") is None
    unsubscribe(store, b, keep_articles=True)
    assert store.feeds() == [] and len(article_files(data_dir)) == 3


def test_prune_never_touches_bookmarked_articles_and_they_do_not_come_back(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    _fetched(server, store, fetcher)
    by_title = {a.title: a for a in store.articles()}
    keep = by_title[STORIES[4].title]  # 2026-11-28, bookmarked
    now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    dry = prune(store, timedelta(hours=6), bookmarked_paths={str(keep.path)}, now=now, dry_run=True)
    assert len(dry.deleted) == 2 and len(article_files(data_dir)) == len(STORIES)
    report = prune(store, timedelta(hours=6), bookmarked_paths={str(keep.path)}, now=now)
    old = {STORIES[2].title, STORIES[5].title}  # 29/11 23:05 and 14:45; 28/11 is bookmarked
    assert {Path(p).name[:10] for p in report.deleted} == {"2026-11-29"}
    assert report.kept_bookmarked == [keep.path]
    remaining = {a.title for a in store.articles()}
    assert not (old & remaining) and keep.title in remaining
    assert len(article_files(data_dir)) == len(STORIES) - 2
    [again_a, again_b] = fetcher.fetch(store.feeds())
    assert again_a.new == again_b.new == 0
    assert len(article_files(data_dir)) == len(STORIES) - 2


@pytest.mark.parametrize(
    ("text", "days"), [("90d", 90), ("12w", 84), ("6m", 180), ("1y", 365), ("30", 30)]
)
def test_ages(text: str, days: int) -> None:
    assert parse_age(text) == timedelta(days=days)


def test_a_bad_age_is_refused() -> None:
    with pytest.raises(ValueError, match="not an age"):
        parse_age("ninety days")


def test_a_damaged_feeds_database_is_kept_aside(data_dir: Path) -> None:
    (data_dir / "feeds.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with FeedStore(data_dir) as store:
        assert store.feeds() == []
        assert "moved to" in store.notices[0]
    assert list(data_dir.glob("feeds.sqlite3.damaged-*"))
