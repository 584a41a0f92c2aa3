"""Turning a fetched body into feed entries (feedparser), and finding feeds in HTML pages.

feedparser reads RSS 0.9x/1.0/2.0 and Atom and resolves relative links. The
bytes are decoded here first, because feeds lie about their encoding: a body
that is valid UTF-8 is UTF-8 whatever the header says (a Latin-1 label on UTF-8
Vietnamese would otherwise become mojibake); otherwise the declared encoding is
used when it decodes cleanly, else the same detection as article files
(Windows-1258 and friends). feedparser then gets UTF-8 with a matching
declaration. Ill-formed XML fails the feed rather than storing what a lenient
parse guessed from it.
"""

from __future__ import annotations

import calendar
import codecs
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from tui_reader.articles.decode import UnreadableFile, decode_bytes
from tui_reader.feeds.fragment import html_paragraphs, html_text
from tui_reader.words import plural

#: Feed content at least this long (in characters of text) is taken as the full article.
FULL_CONTENT_CHARS = 600

_XML_DECL = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([A-Za-z0-9._:-]+)\2", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


class FeedError(Exception):
    """A body that is not a usable feed; ``str(err)`` is the one-line reason."""

    def __init__(self, reason: str, *, feed_links: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.feed_links = feed_links
        """Feeds an HTML page links to (so ``feeds add`` can offer them)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed item, as plain text fields."""

    guid: str | None
    link: str | None
    title: str
    author: str | None
    published: datetime | None
    summary: tuple[str, ...]
    content: tuple[str, ...]
    fingerprint: str
    """Changes whenever the item changes upstream (title, text, dates)."""

    @property
    def has_full_text(self) -> bool:
        """True when the feed carries the article itself, not only a teaser.

        Whole articles run to several paragraphs or several hundred characters;
        a teaser is one short paragraph (sites often repeat it as the content).
        """
        if not self.content:
            return False
        chars = sum(len(p) for p in self.content)
        teaser = sum(len(p) for p in self.summary)
        return (
            not self.link
            or chars >= FULL_CONTENT_CHARS
            or len(self.content) >= 3
            or (chars >= 300 and chars >= 3 * teaser)
        )


@dataclass(slots=True)
class ParsedFeed:
    """A feed's own title and site link, its entries, and the encoding actually used."""

    title: str
    link: str | None
    version: str
    encoding: str
    entries: list[Entry] = field(default_factory=list)


def decode_feed(body: bytes, content_type: str) -> tuple[str, str]:
    """Decode a feed body to NFC text; ``(text, encoding name)`` (order: module docstring)."""
    text, encoding = _decode(body, content_type)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, encoding


def _decode(body: bytes, content_type: str) -> tuple[str, str]:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(name, errors="replace"), name
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = []
    header = _CHARSET.search(content_type or "")
    if header:
        declared.append(header.group(1))
    xml = _XML_DECL.match(body[:200])
    if xml:
        declared.append(xml.group(3).decode("ascii"))
    for name in declared:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if codec in {"utf-8", "latin-1", "iso8859-1", "cp1252", "ascii"}:
            continue  # labels that decode anything (or failed already): detect instead
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    try:
        return decode_bytes(body)
    except UnreadableFile:
        return body.decode("utf-8", errors="replace"), "utf-8 (lossy)"


def looks_like_html(text: str) -> bool:
    """True for a web page (what sites serve at a wrong or moved feed address)."""
    head = text[:2048].lstrip().lower()
    return head.startswith("<!doctype html") or "<html" in head


def parse_feed(body: bytes, content_type: str, url: str) -> ParsedFeed:
    """Parse a fetched body as RSS or Atom; raise :class:`FeedError` when it is not a feed."""
    if not body.strip():
        raise FeedError("empty response")
    text, encoding = decode_feed(body, content_type)
    if looks_like_html(text):
        links = discover_feeds(text, url)
        hint = f" (it links to {plural(len(links), 'feed')})" if links else ""
        raise FeedError(f"the address serves an HTML page, not a feed{hint}", feed_links=links)
    # XML 1.0 forbids C0 controls, so a feed title holding an escape sequence would make the
    # whole feed unreadable; each becomes its visible Control Pictures glyph (ESC -> ␛),
    # exactly as the sanitizer shows it, and the feed parses.
    text = _XML_ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), text)
    data = _XML_DECL.sub(rb"\1\2utf-8\2", text.encode("utf-8"), count=1)
    # Entry HTML is turned into plain text here (scripts and styles dropped), so
    # feedparser's own HTML sanitizing and link rewriting inside content would only
    # cost time: they were most of the parse.
    parsed: Any = feedparser.parse(
        data,
        sanitize_html=False,
        resolve_relative_uris=False,
        response_headers={
            "content-type": "application/xml; charset=utf-8",
            "content-location": url,
        },
    )
    problem = parsed.get("bozo_exception")
    if problem is not None and _is_ill_formed(problem):
        raise FeedError(f"malformed XML: {_one_line(problem)}")
    version = parsed.get("version") or ""
    if not version:
        raise FeedError("not an RSS or Atom feed")
    meta = parsed.get("feed", {})
    feed = ParsedFeed(
        title=html_text(meta.get("title", "")) or url,
        link=meta.get("link") or None,
        version=version,
        encoding=encoding,
    )
    for item in parsed.get("entries", []):
        feed.entries.append(_entry(item))
    return feed


def _is_ill_formed(problem: BaseException) -> bool:
    name = type(problem).__name__
    return name in {"SAXParseException", "SAXException", "ExpatError"} or "not well-formed" in str(
        problem
    )


def _one_line(problem: BaseException) -> str:
    line = getattr(problem, "getLineNumber", None)
    where = f"line {line()}: " if callable(line) else ""
    message = getattr(problem, "getMessage", None)
    text = message() if callable(message) else str(problem)
    return where + " ".join(str(text).split())[:120]


def _entry(item: Any) -> Entry:
    title = html_text(item.get("title", ""))
    summary = tuple(html_paragraphs(item.get("summary", "") or ""))
    content: tuple[str, ...] = ()
    for part in item.get("content", []) or []:
        paragraphs = tuple(html_paragraphs(part.get("value", "") or ""))
        if sum(map(len, paragraphs)) > sum(map(len, content)):
            content = paragraphs
    if content == summary:
        content = () if sum(map(len, summary)) < FULL_CONTENT_CHARS else content
    # dict.get: FeedParserDict.get maps a missing "updated" to "published" with a warning.
    published = _when(dict.get(item, "published_parsed") or dict.get(item, "updated_parsed"))
    fingerprint = "\x1f".join(
        [title, "\n".join(summary), "\n".join(content), dict.get(item, "updated", "") or ""]
    )
    return Entry(
        guid=(item.get("id") or "").strip() or None,
        link=(item.get("link") or "").strip() or None,
        title=title,
        author=html_text(item.get("author", "") or "") or None,
        published=published,
        summary=summary,
        content=content,
        fingerprint=fingerprint,
    )


def _when(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alternates: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        href = values.get("href", "").strip()
        if not href:
            return
        if tag == "link" and "alternate" in values.get("rel", "").lower().split():
            if values.get("type", "").lower().split(";")[0].strip() in _FEED_TYPES:
                self.alternates.append(href)
        elif tag == "a":
            lowered = href.lower().split("?")[0]
            if lowered.endswith((".rss", "/rss", "/feed", ".atom", "/atom.xml", "/rss.xml")):
                self.anchors.append(href)


def discover_feeds(html: str, base_url: str) -> tuple[str, ...]:
    """Feed addresses an HTML page declares (``<link rel=alternate>``), else links to them."""
    finder = _LinkFinder()
    try:
        finder.feed(html)
        finder.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        pass
    found = finder.alternates or finder.anchors
    unique: dict[str, None] = {}
    for href in found:
        unique.setdefault(urljoin(base_url, href), None)
    return tuple(unique)
