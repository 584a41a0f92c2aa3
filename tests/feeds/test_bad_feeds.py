"""Bad feeds: each fails alone with a one-line reason; the others are fetched; no half-writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feeds.fixtures import STORIES, article_page, atom_full, rss_summaries
from tests.feeds.helpers import article_files, read_json, subscribe
from tests.feeds.server import FeedServer, Route
from tui_reader.feeds.fetcher import Fetcher
from tui_reader.feeds.store import FeedStore

ATOM = "application/atom+xml"


def fifty_megabytes() -> Iterator[bytes]:
    yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
    chunk = b"<item><title>x</title></item>" * 2000
    sent = 0
    while sent < 50 * 1024 * 1024:
        yield chunk
        sent += len(chunk)


BAD: dict[str, tuple[Route, str]] = {
    "http-500": (Route(b"oops", status=500, content_type="text/plain"), "HTTP 500"),
    "http-404": (Route(b"gone", status=404, content_type="text/plain"), "HTTP 404"),
    "timeout": (Route(b"<rss/>", delay=4.0), "timed out"),
    "malformed": (
        Route(atom_full("http://x", "m", STORIES[:2])[:-300], content_type=ATOM),
        "malformed XML",
    ),
    "html": (
        Route(article_page(STORIES[0]), content_type="text/html; charset=utf-8"),
        "HTML page, not a feed",
    ),
    "huge-streamed": (Route(fifty_megabytes, length=False), "too large"),
    "empty": (Route(b""), "empty response"),
    "not-a-feed": (Route(b'<?xml version="1.0"?><svg><g/></svg>'), "not an RSS or Atom feed"),
}


@pytest.fixture
def bad_and_good(server: FeedServer, store: FeedStore) -> tuple[FeedStore, FeedServer]:
    server.routes["/loop"] = Route(redirect="/loop2")
    server.routes["/loop2"] = Route(redirect="/loop")
    store.add_feed("loop", server.url("/loop"), "loop")
    for name, (route, _reason) in BAD.items():
        subscribe(store, server, f"/{name}", route, name)
    subscribe(
        store,
        server,
        "/good",
        Route(atom_full(server.base, "g", STORIES), content_type=ATOM),
        "good",
    )
    return store, server


def test_each_bad_feed_fails_alone_with_its_reason(
    bad_and_good: tuple[FeedStore, FeedServer], fetcher: Fetcher, data_dir: Path
) -> None:
    store, _server = bad_and_good
    reports = {r.name: r for r in fetcher.fetch(store.feeds())}
    assert reports["good"].ok and reports["good"].new == len(STORIES)
    assert "too many redirects" in str(reports["loop"].error)
    for name, (_route, reason) in BAD.items():
        error = reports[name].error
        assert error is not None and reason in error, (name, error)
        assert "\n" not in error and len(error) < 200
    # Nothing from a failed feed was written: only the good feed has a folder of articles.
    folders = {p.parent.name for p in article_files(data_dir)}
    assert folders == {"good"}
    saved = {f.name: f for f in store.feeds()}
    assert saved["http-500"].last_error == "HTTP 500 Internal Server Error"
    assert saved["good"].last_error is None and saved["good"].last_success


def test_a_size_limit_applies_to_declared_lengths_too(
    server: FeedServer, store: FeedStore, client: object
) -> None:
    feed = subscribe(store, server, "/big", Route(b"x" * 4096), "big")
    fetcher = Fetcher(store, client=client, feed_max_bytes=1024)  # type: ignore[arg-type]
    [report] = fetcher.fetch([feed])
    assert report.error is not None and "too large" in report.error


def test_a_wrong_declared_encoding_is_overruled_by_valid_utf8(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    body = atom_full(server.base, "e", STORIES[:2])
    feed = subscribe(
        store,
        server,
        "/latin",
        Route(
            body.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"'),
            content_type="application/atom+xml; charset=iso-8859-1",
        ),
        "latin",
    )
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == 2
    titles = sorted(str(read_json(p)["title"]) for p in article_files(data_dir))
    assert titles == sorted(s.title for s in STORIES[:2])


def test_a_legacy_vietnamese_feed_with_no_declared_encoding(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    body = rss_summaries(server.base, "cu", STORIES, encoding="cp1258", declare=False)
    feed = subscribe(
        store, server, "/legacy", Route(body, content_type="application/rss+xml"), "legacy"
    )
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == len(STORIES)
    titles = {str(read_json(p)["title"]) for p in article_files(data_dir)}
    assert STORIES[0].title in titles


def test_a_declared_legacy_encoding_is_honoured(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    body = rss_summaries(server.base, "cu", STORIES[:2], encoding="cp1258")
    feed = subscribe(store, server, "/cp1258", Route(body, content_type="text/xml"), "cp1258")
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == 2
    titles = {str(read_json(p)["title"]) for p in article_files(data_dir)}
    assert titles == {s.title for s in STORIES[:2]}


def test_an_entry_without_a_link_is_kept_from_the_feed_and_noted(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, data_dir: Path
) -> None:
    body = rss_summaries(server.base, "nl", STORIES[:2])
    first_link = f"{server.base}/nl/{STORIES[0].slug}.html".encode()
    body = body.replace(b"<link>" + first_link + b"</link>", b"", 1)
    body = body.replace(b'<guid isPermaLink="true">' + first_link + b"</guid>", b"", 1)
    feed = subscribe(store, server, "/nolink", Route(body), "nolink")
    [report] = fetcher.fetch([feed])
    assert report.ok and report.new == 2
    assert "1 entry without a link" in report.summary()
    stored = {a.title: a for a in store.articles(feed)}
    no_link = stored[STORIES[0].title]
    assert no_link.link is None and no_link.guid is None
    data = read_json(Path(str(no_link.path)))
    assert data["url"] is None and str(data["text"]).startswith(STORIES[0].summary)
    assert str(data["id"]).startswith("key:")
    # Refetching recognises it by its content key: no duplicate.
    [again] = fetcher.fetch([feed])
    assert again.new == 0 and len(article_files(data_dir)) == 2


def test_an_internal_error_in_one_feed_does_not_stop_the_others(
    server: FeedServer, store: FeedStore, client: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui_reader.feeds.fetcher as fetcher_module

    real = fetcher_module.parse_feed

    def broken(body: bytes, content_type: str, url: str):  # type: ignore[no-untyped-def]
        if url.endswith("/boom"):
            raise RuntimeError("parser bug")
        return real(body, content_type, url)

    monkeypatch.setattr(fetcher_module, "parse_feed", broken)
    boom = subscribe(
        store,
        server,
        "/boom",
        Route(atom_full(server.base, "b", STORIES[:1]), content_type=ATOM),
        "boom",
    )
    fine = subscribe(
        store,
        server,
        "/fine",
        Route(atom_full(server.base, "f", STORIES[1:2]), content_type=ATOM),
        "fine",
    )
    reports = Fetcher(store, client=client).fetch([boom, fine])  # type: ignore[arg-type]
    assert reports[0].error == "internal error: RuntimeError: parser bug"
    assert reports[1].ok and reports[1].new == 1
