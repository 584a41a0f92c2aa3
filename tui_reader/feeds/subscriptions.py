"""Subscribing, unsubscribing and pruning: what the CLI and the app both do to feeds.

``subscribe`` checks that an address is a feed before saving it, and when it is
a web page, follows the page's declared feed link (``<link rel="alternate">``).
``unsubscribe`` keeps or deletes the fetched articles as the user chose (never
the bookmarked ones). ``prune`` deletes old articles but never bookmarked ones,
and remembers what it pruned so the next fetch does not bring them back.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tui_reader.articles.sanitize import safe_text
from tui_reader.feeds import http
from tui_reader.feeds.parse import FeedError, ParsedFeed, parse_feed
from tui_reader.feeds.storage import feeds_root, slugify
from tui_reader.feeds.store import Feed, FeedExists, FeedStore

NAME_MAX = 80
_SPACES = re.compile(r"\s+")
_AGE = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$", re.I)


class SubscribeError(Exception):
    """The address is not a feed (or is already subscribed); ``str(err)`` says why."""

    def __init__(self, reason: str, *, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.candidates = candidates


def clean_name(text: str) -> str:
    """A feed name fit for a list and a folder: one line, no control characters."""
    name = _SPACES.sub(" ", safe_text(text)).strip()
    return name[:NAME_MAX].rstrip() or "feed"


def unique_slug(store: FeedStore, name: str) -> str:
    """A folder name for a new feed that no other feed uses (nor a leftover folder)."""
    base = slugify(name, fallback="feed", limit=40)
    root = feeds_root(store.data_dir)
    slug, n = base, 1
    while store.slug_taken(slug) or (root / slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def probe(client: httpx.Client, url: str) -> tuple[str, ParsedFeed]:
    """Fetch ``url`` and parse it as a feed; a web page is searched for its feed link.

    Returns the feed's address (the page's feed link when ``url`` was a page) and
    the parsed feed; raises :class:`SubscribeError` with the reason otherwise.
    """
    try:
        response = http.fetch(client, url)
        assert response.body is not None
        return response.url, parse_feed(response.body, response.content_type, response.url)
    except http.FetchError as err:
        raise SubscribeError(f"cannot fetch {url}: {err}") from None
    except FeedError as err:
        links = err.feed_links
        if not links:
            raise SubscribeError(f"{url} is not a feed: {err}") from None
    for link in links[:3]:
        try:
            response = http.fetch(client, link)
            assert response.body is not None
            return response.url, parse_feed(response.body, response.content_type, response.url)
        except (http.FetchError, FeedError):
            continue
    raise SubscribeError(
        f"{url} is a web page; none of the feeds it links to could be read", candidates=links
    )


def subscribe(
    store: FeedStore, client: httpx.Client, url: str, name: str | None = None
) -> tuple[Feed, ParsedFeed]:
    """Check ``url`` (or find the feed of a page) and subscribe to it."""
    if not url.lower().startswith(("http://", "https://")):
        raise SubscribeError(f"not a web address (http:// or https://): {url}")
    feed_url, parsed = probe(client, url)
    for candidate in (url, feed_url):
        existing = store.feed(candidate)
        if existing is not None:
            raise SubscribeError(f"already subscribed as {existing.name!r}")
    chosen = clean_name(name or parsed.title or feed_url)
    if name is None and store.feed(chosen) is not None:
        n = 2
        while store.feed(f"{chosen} ({n})") is not None:
            n += 1
        chosen = f"{chosen} ({n})"
    try:
        feed = store.add_feed(
            chosen,
            feed_url,
            unique_slug(store, chosen),
            title=clean_name(parsed.title),
            site=parsed.link,
        )
    except FeedExists:
        raise SubscribeError(
            f"a feed named {chosen!r} already exists; pick another --name"
        ) from None
    return feed, parsed


def add_unchecked(store: FeedStore, url: str, name: str | None, site: str | None) -> Feed | None:
    """Subscribe without fetching (OPML import); None when the address is already there."""
    if store.feed(url) is not None:
        return None
    chosen = clean_name(name or url)
    n = 1
    base = chosen
    while store.feed(chosen) is not None:
        n += 1
        chosen = f"{base} ({n})"
    return store.add_feed(chosen, url, unique_slug(store, chosen), site=site)


@dataclass(slots=True)
class Removal:
    """What happened to a feed's articles."""

    deleted: int = 0
    kept: int = 0
    kept_bookmarked: list[str] = field(default_factory=list)


def unsubscribe(
    store: FeedStore,
    feed: Feed,
    *,
    keep_articles: bool,
    bookmarked_keys: Collection[str] = (),
    bookmarked_paths: Collection[str] = (),
) -> Removal:
    """Remove a subscription; delete its articles unless kept (bookmarked ones always stay).

    Articles another feed also carries stay, since they are that feed's too.
    """
    removal = Removal()
    for article in store.articles(feed):
        shared = _other_feeds(store, article.id, feed)
        if keep_articles or shared or article.path is None:
            removal.kept += 1
            continue
        if article.content_key in bookmarked_keys or _norm(article.path) in bookmarked_paths:
            removal.kept += 1
            removal.kept_bookmarked.append(article.path)
            continue
        with contextlib.suppress(FileNotFoundError):
            Path(article.path).unlink()
        with store.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article.id,))
        removal.deleted += 1
    store.remove_feed(feed)
    folder = feeds_root(store.data_dir) / feed.slug
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when nothing was kept in it
    return removal


def _other_feeds(store: FeedStore, article_id: int, feed: Feed) -> bool:
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT 1 FROM memberships WHERE article_id = ? AND feed_id != ?",
            (article_id, feed.id),
        ).fetchone()
    return row is not None


def _norm(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def parse_age(text: str) -> timedelta:
    """``90d``, ``12w``, ``6m`` (30 days), ``1y`` (365 days) or a bare number of days."""
    match = _AGE.match(text)
    if match is None:
        raise ValueError(f"not an age: {text!r} (use e.g. 90d, 12w, 6m, 1y)")
    count, unit = int(match.group(1)), (match.group(2) or "d").lower()
    days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit] * count
    return timedelta(days=days)


@dataclass(slots=True)
class PruneReport:
    """What ``prune`` did (or would do, in a dry run)."""

    deleted: list[str] = field(default_factory=list)
    kept_bookmarked: list[str] = field(default_factory=list)


def prune(
    store: FeedStore,
    older_than: timedelta,
    *,
    bookmarked_keys: Collection[str] = (),
    bookmarked_paths: Collection[str] = (),
    now: datetime | None = None,
    dry_run: bool = False,
) -> PruneReport:
    """Delete articles published (or, undated, fetched) before ``now - older_than``.

    Bookmarked articles are never touched. A pruned article's row stays as a
    tombstone, so the feed still carrying it does not bring it back as new.
    """
    cutoff = (now or datetime.now(UTC)) - older_than
    report = PruneReport()
    for article in store.articles():
        if article.path is None or _when(article.published or article.fetched) >= cutoff:
            continue
        if article.content_key in bookmarked_keys or _norm(article.path) in bookmarked_paths:
            report.kept_bookmarked.append(article.path)
            continue
        report.deleted.append(article.path)
        if dry_run:
            continue
        with contextlib.suppress(FileNotFoundError):
            Path(article.path).unlink()
        with store.transaction() as conn:
            store.update_article(conn, article.id, {"path": None, "pruned": 1})
    return report


def _when(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
