"""OPML, the subscription list every feed reader imports and exports (newsboat, nom, ...).

Export writes OPML 2.0 with one ``<outline type="rss" text= title= xmlUrl= htmlUrl=>``
per feed, which ``newsboat -i`` and nom's OPML import read. Import reads every
outline with an ``xmlUrl`` at any depth (folders of outlines are flattened; the
folder becomes nothing, since tui-reader has one list of feeds) and takes the
name from ``title`` or ``text``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from tui_reader.articles.sanitize import safe_text
from tui_reader.feeds.store import Feed

MAX_OPML_BYTES = 10 * 1024 * 1024


class OpmlError(Exception):
    """An OPML file that cannot be read; ``str(err)`` is the reason."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One subscription found in an OPML file."""

    url: str
    name: str | None
    site: str | None


def export_opml(feeds: list[Feed], *, title: str = "tui-reader feeds") -> str:
    """The subscriptions as an OPML 2.0 document."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.site:
            attrs["htmlUrl"] = feed.site
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def read_opml(path: Path) -> list[Outline]:
    """The subscriptions in an OPML file, in document order, without repeats."""
    try:
        size = path.stat().st_size
        if size > MAX_OPML_BYTES:
            raise OpmlError(f"file too large for an OPML list ({size:,} bytes)")
        data = path.read_bytes()
    except OSError as err:
        raise OpmlError(f"cannot read {path}: {err.strerror}") from None
    return parse_opml(data)


def parse_opml(data: bytes) -> list[Outline]:
    """Parse OPML bytes; raise :class:`OpmlError` when they are not OPML."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise OpmlError(f"not valid XML: {err}") from None
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML file (root element <{safe_text(root.tag)[:40]}>)")
    found: dict[str, Outline] = {}
    for outline in root.iter("outline"):
        attrs = {key.lower(): value for key, value in outline.attrib.items()}
        url = (attrs.get("xmlurl") or attrs.get("url") or "").strip()
        if not url or url in found:
            continue
        name = (attrs.get("title") or attrs.get("text") or "").strip() or None
        site = (attrs.get("htmlurl") or "").strip() or None
        found[url] = Outline(url, name, site)
    return list(found.values())
