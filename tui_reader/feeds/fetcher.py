"""Fetching subscriptions: feeds, then the article pages their entries point to.

A few feeds are fetched at a time (:data:`FEED_WORKERS` threads, and at most
:data:`PER_HOST` requests to one host at once, since many feeds of one site
share a host); each feed's article pages are fetched one after another. Every
feed gets a :class:`FeedReport` (new, updated, unchanged, or failed with a
one-line reason), and one bad feed never stops the others.

Entries are recognised as articles already stored by guid, then link, then the
content key of their text: an article is saved once even when several feeds
carry it. An entry that changed upstream is rewritten in place, at the same
path, so bookmarks re-anchor as for an edited file. Each article is written
atomically and recorded in the database only after its file is in place;
a fetch killed at any point leaves whole files only, and the next fetch
finishes the job without duplicates.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from tui_reader.articles.model import content_key
from tui_reader.articles.sanitize import safe_text
from tui_reader.feeds import http
from tui_reader.feeds.extract import Extractor, PageError, PageText, extract_page
from tui_reader.feeds.parse import Entry, FeedError, decode_feed, parse_feed
from tui_reader.feeds.storage import (
    ArticleRecord,
    article_path,
    feeds_root,
    remove_leftovers,
    write_article,
)
from tui_reader.feeds.store import Feed, FeedStore, StoredArticle, utc_now

log = logging.getLogger(__name__)

FEED_WORKERS = 4
PER_HOST = 2
PAGE_ATTEMPTS = 3
"""How many fetches try again for a page that failed (the summary is kept meanwhile)."""
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_TRACKING = ("utm_", "fbclid", "gclid")


class FetchBusy(Exception):  # noqa: N818 - reads as a sentence at the call site
    """Another fetch (the app, or another terminal) is running on the same data dir."""


@dataclass(slots=True)
class FeedReport:
    """How fetching one feed went."""

    name: str
    url: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: bool = False
    error: str | None = None
    summaries: int = 0
    """Articles saved with only the feed's summary (their page failed)."""
    skipped: int = 0
    retry_pages: bool = False
    """Some article page failed and will be tried again by the next fetch."""
    notes: list[str] = field(default_factory=list)
    new_paths: list[str] = field(default_factory=list)
    updated_paths: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the feed itself was fetched (some entries may still have notes)."""
        return self.error is None

    def summary(self) -> str:
        """One line for people: ``12 new, 1 updated, 30 unchanged`` or the failure."""
        if self.error is not None:
            return f"failed: {self.error}"
        if self.not_modified:
            return "unchanged (not modified)"
        parts = [f"{self.new} new"]
        if self.updated:
            parts.append(f"{self.updated} updated")
        parts.append(f"{self.unchanged} unchanged")
        text = ", ".join(parts)
        if self.notes:
            text += "; " + "; ".join(self.notes)
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "url": self.url,
            "ok": self.ok,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "summary_only": self.summaries,
            "skipped_entries": self.skipped,
            "error": self.error,
            "notes": self.notes,
        }


Progress = Callable[[FeedReport, int, int], None]
"""Called as each feed finishes: its report, how many are done, how many in all."""


def normalize_link(link: str | None) -> str | None:
    """A link without its #fragment and tracking parameters, so one article has one link."""
    if not link:
        return None
    try:
        parts = urlsplit(link.strip())
    except ValueError:
        return link.strip() or None
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), "")
    )


class _HostGate:
    """At most :data:`PER_HOST` requests in flight to one host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Semaphore] = {}

    @contextlib.contextmanager
    def __call__(self, url: str) -> Iterator[None]:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            gate = self._gates.setdefault(host, threading.Semaphore(PER_HOST))
        with gate:
            yield


@contextlib.contextmanager
def fetch_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data dir's fetch lock; raise :class:`FetchBusy` if another fetch has it."""
    root = feeds_root(data_dir)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(root / ".fetch.lock", "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchBusy("another fetch is already running") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class Fetcher:
    """Fetches feeds into a :class:`FeedStore` and its article folder."""

    def __init__(
        self,
        store: FeedStore,
        *,
        client: httpx.Client | None = None,
        extractor: Extractor = extract_page,
        feed_workers: int = FEED_WORKERS,
        feed_max_bytes: int = http.FEED_MAX_BYTES,
        page_max_bytes: int = http.PAGE_MAX_BYTES,
    ) -> None:
        self.store = store
        self.root = feeds_root(store.data_dir)
        self._client = client
        self._extract = extractor
        self._workers = max(1, feed_workers)
        self._feed_max = feed_max_bytes
        self._page_max = page_max_bytes
        self._gate = _HostGate()
        self._paths_lock = threading.Lock()
        self._claimed: set[str] = set()
        self._identity_lock = threading.Lock()
        self._identities: dict[str, threading.Lock] = {}

    @contextlib.contextmanager
    def _holding(self, *identities: str | None) -> Iterator[None]:
        """Serialise work on one article (by guid, link or content key) across feed threads.

        Two feeds carrying the same article are fetched at once; without this both
        would find it missing and save it twice.
        """
        with self._identity_lock:
            locks = [
                self._identities.setdefault(key, threading.Lock())
                for key in sorted({i for i in identities if i})
            ]
        with contextlib.ExitStack() as stack:
            for lock in locks:
                stack.enter_context(lock)
            yield

    def fetch(
        self,
        feeds: Sequence[Feed],
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[FeedReport]:
        """Fetch ``feeds`` (a few at a time); reports in the order given.

        Raises :class:`FetchBusy` when another fetch holds the lock.
        """
        with fetch_lock(self.store.data_dir):
            removed = remove_leftovers(self.root)
            if removed:
                log.info("removed %d temporary file(s) left by an interrupted fetch", removed)
            own_client = self._client is None
            client = self._client or http.make_client()
            try:
                return self._fetch_all(client, feeds, progress, cancel)
            finally:
                if own_client:
                    client.close()

    def _fetch_all(
        self,
        client: httpx.Client,
        feeds: Sequence[Feed],
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> list[FeedReport]:
        reports: dict[int, FeedReport] = {}
        done = 0
        done_lock = threading.Lock()

        def run(feed: Feed) -> None:
            nonlocal done
            if cancel is not None and cancel.is_set():
                report = FeedReport(feed.name, feed.url, error="cancelled")
            else:
                report = self._fetch_feed(client, feed, cancel)
            with done_lock:
                reports[feed.id] = report
                done += 1
                count = done
            if progress is not None:
                progress(report, count, len(feeds))

        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="feeds") as pool:
            list(pool.map(run, feeds))
        return [reports[feed.id] for feed in feeds]

    # -- one feed ------------------------------------------------------------------------------

    def _fetch_feed(
        self, client: httpx.Client, feed: Feed, cancel: threading.Event | None
    ) -> FeedReport:
        report = FeedReport(feed.name, feed.url)
        try:
            with self._gate(feed.url):
                response = http.fetch(
                    client,
                    feed.url,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    max_bytes=self._feed_max,
                )
            if response.not_modified:
                report.not_modified = True
                self.store.record_fetch(feed, error=None)
                return report
            assert response.body is not None
            body_hash = hashlib.blake2b(response.body, digest_size=16).hexdigest()
            if body_hash == feed.body_hash:
                # A server without validators sent the very bytes already processed.
                report.not_modified = True
                self.store.record_fetch(feed, error=None)
                return report
            parsed = parse_feed(response.body, response.content_type, response.url)
        except (http.FetchError, FeedError) as err:
            report.error = str(err)
            self.store.record_fetch(feed, error=report.error)
            return report
        except Exception as err:  # a parser or library bug must not stop the other feeds
            log.exception("fetching feed %s failed", feed.url)
            report.error = f"internal error: {type(err).__name__}: {err}"
            self.store.record_fetch(feed, error=report.error)
            return report
        failures: list[str] = []
        no_link = 0
        for entry in parsed.entries:
            if cancel is not None and cancel.is_set():
                failures.append("cancelled")
                break
            if not entry.link:
                no_link += 1
            try:
                self._entry(client, feed, entry, report)
            except (OSError, ValueError) as err:
                log.exception("saving an entry of %s failed", feed.url)
                failures.append(f"{type(err).__name__}: {err}")
            except Exception as err:
                log.exception("an entry of %s failed", feed.url)
                failures.append(f"internal error: {type(err).__name__}: {err}")
        if no_link:
            report.notes.append(f"{_entries(no_link)} without a link")
        if report.summaries:
            report.notes.append(f"{report.summaries} kept as summary only (page failed)")
        if report.skipped:
            report.notes.append(f"{_entries(report.skipped)} with no title or text skipped")
        if failures:
            report.error = f"{_entries(len(failures))} not saved: {failures[0]}"
        # The validators are kept only when every entry was dealt with: otherwise the next
        # fetch would get a 304 and never retry the entries (or article pages) that failed.
        self.store.record_fetch(
            feed,
            error=report.error,
            etag=response.etag,
            last_modified=response.last_modified,
            title=safe_text(parsed.title),
            site=parsed.link,
            validators=not failures and not report.retry_pages,
            body_hash=body_hash,
        )
        return report

    # -- one entry ---------------------------------------------------------------------------------

    def _entry(self, client: httpx.Client, feed: Feed, entry: Entry, report: FeedReport) -> None:
        link = normalize_link(entry.link)
        if not (entry.title or entry.summary or entry.content):
            report.skipped += 1
            return
        with self._holding(entry.guid, link):
            stored = self.store.match(feed, entry.guid, link)
            if stored is not None:
                self._known(client, feed, entry, link, stored, report)
                return
            record, page = self._build(client, feed, entry, link, None)
            if record.summary_only and page.attempts < PAGE_ATTEMPTS:
                report.retry_pages = True
            key = content_key(record.text)
            with self._holding("key:" + key):
                self._save_new(feed, entry, link, record, page, key, report)

    def _save_new(
        self,
        feed: Feed,
        entry: Entry,
        link: str | None,
        record: ArticleRecord,
        page: _Page,
        key: str,
        report: FeedReport,
    ) -> None:
        same = self.store.by_content_key(key)
        if same is not None:
            with self.store.transaction() as conn:
                self.store.join(conn, same.id, feed)
            report.unchanged += 1
            return
        folder = self.root / feed.slug
        with self._paths_lock:
            path = article_path(folder, record, taken=self._claimed)
            self._claimed.add(str(path))
        write_article(path, record)
        with self.store.transaction() as conn:
            self.store.insert_article(
                conn,
                feed,
                {
                    "guid": entry.guid,
                    "link": link,
                    "content_key": key,
                    "path": str(path),
                    "title": record.title,
                    "published": _iso(record),
                    "fetched": record.fetched,
                    "fingerprint": entry.fingerprint,
                    "page_etag": page.etag,
                    "page_last_modified": page.last_modified,
                    "summary_only": record.summary_only,
                    "page_attempts": page.attempts,
                },
            )
        report.new += 1
        report.new_paths.append(str(path))
        if record.summary_only:
            report.summaries += 1

    def _known(
        self,
        client: httpx.Client,
        feed: Feed,
        entry: Entry,
        link: str | None,
        stored: StoredArticle,
        report: FeedReport,
    ) -> None:
        if not self.store.in_feed(stored.id, feed):
            with self.store.transaction() as conn:
                self.store.join(conn, stored.id, feed)
        retry_page = bool(stored.summary_only) and stored.page_attempts < PAGE_ATTEMPTS
        if (
            stored.pruned
            or stored.path is None
            or (stored.fingerprint == entry.fingerprint and not retry_page)
        ):
            report.unchanged += 1
            return
        path = Path(stored.path)
        record, page = self._build(client, feed, entry, link, stored)
        if record.summary_only and page.attempts < PAGE_ATTEMPTS:
            report.retry_pages = True
        key = content_key(record.text)
        if key == stored.content_key and record.title == stored.title and path.exists():
            with self.store.transaction() as conn:
                self.store.update_article(
                    conn,
                    stored.id,
                    {
                        "fingerprint": entry.fingerprint,
                        "page_attempts": page.attempts,
                        "page_etag": page.etag,
                        "page_last_modified": page.last_modified,
                    },
                )
            report.unchanged += 1
            return
        if stored.summary_only and record.summary_only and path.exists():
            # The page failed again: keep the file, count the attempt.
            with self.store.transaction() as conn:
                self.store.update_article(
                    conn,
                    stored.id,
                    {
                        "fingerprint": entry.fingerprint,
                        "page_attempts": page.attempts,
                    },
                )
            report.unchanged += 1
            return
        write_article(path, record)
        with self.store.transaction() as conn:
            self.store.update_article(
                conn,
                stored.id,
                {
                    "content_key": key,
                    "title": record.title,
                    "published": _iso(record),
                    "fingerprint": entry.fingerprint,
                    "page_etag": page.etag,
                    "page_last_modified": page.last_modified,
                    "summary_only": record.summary_only,
                    "page_attempts": page.attempts,
                    "guid": stored.guid or entry.guid,
                    "link": stored.link or link,
                },
            )
        report.updated += 1
        report.updated_paths.append(str(path))

    def _build(
        self,
        client: httpx.Client,
        feed: Feed,
        entry: Entry,
        link: str | None,
        stored: StoredArticle | None,
    ) -> tuple[ArticleRecord, _Page]:
        """The article for ``entry``: the feed's full text, else its page, else its summary."""
        page = _Page(
            stored.page_etag if stored else None,
            stored.page_last_modified if stored else None,
            stored.page_attempts if stored else 0,
        )
        paragraphs: tuple[str, ...] = entry.content
        summary_only: str | None = None
        extracted: PageText | None = None
        if not entry.has_full_text:
            if entry.link is None:
                paragraphs = entry.content or entry.summary
            else:
                try:
                    extracted = self._page(client, entry.link, stored, page)
                    paragraphs = extracted.paragraphs
                except (http.FetchError, PageError) as err:
                    summary_only = str(err)
                    page.attempts += 1
                    page.etag = page.last_modified = None
                    paragraphs = (
                        *(entry.content or entry.summary),
                        f"[tui-reader: only the feed's summary is here; the article "
                        f"page could not be fetched: {err}.]",
                    )
        title = entry.title or (extracted.title if extracted else None) or _first_words(paragraphs)
        record = ArticleRecord(
            id=entry.guid or link or "",
            title=title,
            paragraphs=paragraphs,
            url=link or (extracted.url if extracted else None),
            date=entry.published or (extracted.date if extracted else None),
            author=entry.author or (extracted.author if extracted else None),
            source=feed.name,
            feed_url=feed.url,
            fetched=utc_now(),
            summary_only=summary_only,
        )
        if not record.id:
            record = _with_id(record, "key:" + content_key(record.text))
        return record, page

    def _page(
        self, client: httpx.Client, url: str, stored: StoredArticle | None, page: _Page
    ) -> PageText:
        """Fetch and extract an article page; a 304 reuses the stored text."""
        have_file = (
            stored is not None
            and stored.path is not None
            and not stored.summary_only
            and Path(stored.path).exists()
        )
        with self._gate(url):
            response = http.fetch(
                client,
                url,
                etag=page.etag if have_file else None,
                last_modified=page.last_modified if have_file else None,
                max_bytes=self._page_max,
                accept=PAGE_ACCEPT,
            )
        if response.not_modified and stored is not None and stored.path:
            return _stored_text(Path(stored.path))
        assert response.body is not None
        html, _encoding = decode_feed(response.body, response.content_type)
        extracted = self._extract(html, response.url)
        if not extracted.paragraphs:
            raise PageError("no article text found on the page")
        page.etag, page.last_modified, page.attempts = response.etag, response.last_modified, 0
        return extracted


@dataclass(slots=True)
class _Page:
    """An article page's validators and failed attempts, carried through one build."""

    etag: str | None
    last_modified: str | None
    attempts: int


def _stored_text(path: Path) -> PageText:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PageError(f"the stored copy cannot be read: {err}") from None
    text = data.get("text", "") if isinstance(data, dict) else ""
    return PageText(paragraphs=tuple(p for p in str(text).split("\n\n") if p.strip()))


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def _iso(record: ArticleRecord) -> str | None:
    return record.date.isoformat() if record.date else None


def _first_words(paragraphs: tuple[str, ...], limit: int = 80) -> str:
    text = " ".join(paragraphs).strip()
    if len(text) <= limit:
        return text or "(untitled)"
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _with_id(record: ArticleRecord, new_id: str) -> ArticleRecord:
    from dataclasses import replace

    return replace(record, id=new_id)
