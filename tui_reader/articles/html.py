"""HTML pages (saved web pages, ``.html``/``.htm``) into articles, with trafilatura.

:func:`extract` is a pure function from HTML text (and the page's URL) to what an
article is made of: title (``og:title``, else the first ``<h1>``, else
``<title>``), author, published date, canonical URL, and the body as blocks
(paragraphs, headings, list items, quotes, code, captions). Menus, related links,
comments, footers, scripts, styles and ads never become text: trafilatura finds
the main text, and elements whose class or id names them as ads are cut first.
*feeds* calls it for the pages it fetches; :func:`parse` is the ``.html`` reader.

trafilatura is the maintained extractor with the best published precision/recall
on news pages (it also falls back to readability and jusText on odd layouts), and
its metadata extraction (htmldate, JSON-LD, meta tags) is what dates and bylines
need. It and lxml are imported only when an HTML page is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from tui_reader.articles import dates
from tui_reader.articles.decode import DecodedText, UnreadableFile
from tui_reader.articles.inline import InlineText
from tui_reader.articles.layout import repair
from tui_reader.articles.model import Article, Passage, PassageKind, Summary, content_key
from tui_reader.articles.passages import LONG_BLOCK, block_passages, mark_lead, word_count
from tui_reader.articles.sanitize import safe_text
from tui_reader.articles.sentences import collapse
from tui_reader.articles.tail import caption_text, is_byline

__all__ = ["ExtractedPage", "extract", "fragment_text", "parse", "summary"]

_FIELD_MAX = 500
# Class / id words that mark advertising and promotion blocks.
_AD_WORDS = frozenset(
    {"ad", "ads", "adv", "advert", "advertising", "advertisement", "banner", "quangcao",
     "qc", "sponsor", "sponsored", "promo", "promotion", "dfp", "gpt", "adsense", "taboola",
     "outbrain", "popup", "newsletter", "subscribe", "social", "share", "sharing"}
)  # fmt: skip
_WORD_SPLIT = re.compile(r"[\s_\-]+")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What :func:`extract` finds in a page.

    ``blocks`` hold the body in reading order as passages (``PARAGRAPH``,
    ``HEADING`` with its level, ``ITEM``, ``QUOTE``, ``CODE``, ``CAPTION``); their
    text is plain and sanitized, with links and emphasis as marks.
    """

    title: str
    author: str | None
    date: datetime | None
    date_has_time: bool
    url: str | None
    site_name: str | None
    description: str | None
    blocks: tuple[Passage, ...]

    @property
    def paragraphs(self) -> list[str]:
        """The body text blocks (everything but captions), in order."""
        return [b.text for b in self.blocks if b.kind is not PassageKind.CAPTION]

    @property
    def captions(self) -> list[str]:
        """Photo captions, in order."""
        return [b.text for b in self.blocks if b.kind is PassageKind.CAPTION]

    @property
    def text(self) -> str:
        """The body as the JSON article format's ``text``: blocks separated by blank lines,
        headings written ``== Heading ==`` so a plain-text read finds them again."""
        out = []
        for block in self.blocks:
            if block.kind is PassageKind.HEADING:
                bar = "=" * max(2, block.level)
                out.append(f"{bar} {block.text} {bar}")
            else:
                out.append(block.text)
        return "\n\n".join(out)


def _tree(html: str) -> Any:
    import lxml.html
    from lxml.etree import ParserError

    try:
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError) as err:
        raise UnreadableFile(f"not an HTML page: {err}") from err


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f"//meta[@{attr}=$n]/@content", n=name)
            if found and str(found[0]).strip():
                return str(found[0]).strip()
    return None


def _clean(text: str | None, limit: int = _FIELD_MAX) -> str:
    return safe_text(collapse(repair(text or "")))[:limit]


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """The JSON-LD objects of a page (a ``@graph`` flattened)."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(str(script))
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                yield item


def _title(tree: Any, site: str | None) -> str:
    title = _meta(tree, "og:title", "twitter:title")
    if not title:
        heads = tree.xpath("//h1")
        title = heads[0].text_content() if heads else None
    if not title:
        found = tree.xpath("//title/text()")
        title = str(found[0]) if found else ""
        parts = re.split(r"\s+[-|–—·:]\s+", title)
        if len(parts) > 1 and (
            (site and parts[-1].strip().lower() == site.lower()) or len(parts[-1]) <= 30
        ):
            title = " - ".join(parts[:-1])
    return _clean(title)


def _published(tree: Any) -> dates.Dated | None:
    """An explicit published date and time: meta tags, JSON-LD, then ``<time datetime>``."""
    value = _meta(
        tree, "article:published_time", "datePublished", "og:published_time",
        "pubdate", "publishdate", "dc.date", "DC.date.issued", "date",
    )  # fmt: skip
    dated = dates.parse_date(value, "html") if value else None
    if dated is None:
        for item in _json_ld(tree):
            dated = dates.parse_date(item.get("datePublished"), "html")
            if dated is not None:
                break
    if dated is None:
        stamps = "//time[@datetime]/@datetime | //*[@itemprop='datePublished']/@content"
        for stamp in tree.xpath(stamps):
            dated = dates.parse_date(str(stamp), "html")
            if dated is not None:
                break
    return dated


@dataclass(slots=True)
class _Meta:
    title: str
    author: str | None
    dated: dates.Dated | None
    url: str | None
    site: str | None
    description: str | None


def _metadata(tree: Any, base_url: str | None) -> _Meta:
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree, base_url, None, False)
    site = _clean(found.sitename) or None if found.sitename else None
    dated = _published(tree)
    if dated is None and found.date:
        dated = dates.parse_date(found.date, "html")
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    url = str(canonical[0]).strip() if canonical else (_meta(tree, "og:url") or found.url)
    if url and base_url:
        url = urljoin(base_url, url)
    url = url or base_url
    if url and not url.lower().startswith(("http://", "https://")):
        url = None
    author = _clean(found.author) or None if found.author else None
    description = _clean(found.description, 2000) or None if found.description else None
    return _Meta(_title(tree, site), author, dated, url, site, description)


def _drop_ads(tree: Any) -> None:
    """Remove elements whose class or id says they are ads or promotion."""
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "article", "main"):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if names.strip() and _AD_WORDS.intersection(_WORD_SPLIT.split(names)):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()


def _figcaptions(tree: Any, base_url: str | None) -> tuple[set[str], dict[str, str]]:
    """Caption texts of the page, and the caption of each ``<figure>``'s image by its src.

    trafilatura keeps a figure's image but drops a ``<figcaption>`` holding bare text
    (no ``<p>``), so the caption is put back beside its image from this map.
    """
    texts = set()
    for node in tree.xpath("//figcaption | //*[contains(@class, 'caption')]"):
        text = collapse(node.text_content())
        if text:
            texts.add(text)
    by_image: dict[str, str] = {}
    for figure in tree.xpath("//figure[.//figcaption]"):
        text = collapse(figure.xpath(".//figcaption")[0].text_content())
        for src in figure.xpath(".//img/@src | .//img/@data-src"):
            src = str(src).strip()
            if text and src:  # trafilatura gives the src resolved against the page's URL
                by_image.setdefault(src, text)
                by_image.setdefault(urljoin(base_url, src) if base_url else src, text)
    return texts, by_image


# What a dateline under the title is made of besides its date: "Thứ năm, 21/3/2024,
# 15:05 (GMT+7)", "Cập nhật lúc 15:05 21/03/2024".
_DATE_PART = re.compile(
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?"
    r"|(?:GMT|UTC)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?|[Tt]hứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])"
    r"|[Cc]hủ\s+nhật|[Cc]ập\s+nhật|[Đđ]ăng(?:\s+lúc)?|[Nn]gày|[Ll]úc|SA|CH|AM|PM"
)
_DATE_ONLY = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}")
_DATELINE_BLOCKS = 3  # a dateline is one of the first blocks of the body


def _is_dateline(text: str) -> bool:
    """Whether a short body block only says when the article was published (the page's
    date is shown above the body already)."""
    if len(text) > 80 or not _DATE_ONLY.search(text):
        return False
    return not re.search(r"\w", _DATE_PART.sub(" ", text))


def _is_lead_heading(text: str) -> bool:
    """A "heading" that is a whole sentence: the sapo many Vietnamese sites set in <h2>."""
    return len(text) >= 80 and text.rstrip("\"'”’)»").endswith((".", "!", "?", "…"))


def _inline(element: Any, base_url: str | None, keep_lines: bool = False) -> InlineText:
    out = InlineText()

    def walk(node: Any) -> None:
        style = ""
        url = ""
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "hi":
            rend = node.get("rend", "")
            style = "strong" if "b" in rend else "em"
        elif tag == "ref":
            target = node.get("target", "")
            url = urljoin(base_url, target) if base_url else target
            style = "link" if url.lower().startswith(("http://", "https://")) else ""
        elif tag in ("code",):
            style = "code"
        if tag == "lb":
            out.add("\n" if keep_lines else " ", keep_lines=keep_lines)
        if style:
            out.open(style, url if style == "link" else "")
        if node.text:
            out.add(node.text, keep_lines=keep_lines)
        for child in node:
            walk(child)
            if child.tail:
                out.add(child.tail, keep_lines=keep_lines)
        if style:
            out.close(style)

    walk(element)
    return out


def _blocks(
    body: Any,
    base_url: str | None,
    captions: tuple[set[str], dict[str, str]],
    title: str,
) -> list[Passage]:
    out: list[Passage] = []
    texts, by_image = captions
    shown: set[str] = set()  # captions emitted, so a figure's caption appears once

    def caption(text: str) -> None:
        if text not in shown:
            shown.add(text)
            out.append(Passage(PassageKind.CAPTION, safe_text(repair(text))))

    def image(node: Any) -> None:
        for graphic in node.iter("graphic"):
            found = by_image.get(str(graphic.get("src", "")).strip())
            if found:
                caption(found)

    def emit(kind: PassageKind, element: Any, level: int = 0, prefix: str = "") -> None:
        inline = _inline(element, base_url, keep_lines=kind is PassageKind.CODE)
        text, marks = inline.result()
        if kind is PassageKind.CODE:
            text = text.strip("\n")
        if not text.strip():
            return
        if prefix:
            text = prefix + text
            marks = tuple(m._replace(start=m.start + len(prefix), end=m.end + len(prefix))
                          for m in marks)  # fmt: skip
        if kind is PassageKind.HEADING and not out and _is_lead_heading(collapse(text)):
            kind, level = PassageKind.PARAGRAPH, 0
        if kind is PassageKind.PARAGRAPH and len(out) < _DATELINE_BLOCKS and _is_dateline(text):
            return
        if kind is PassageKind.PARAGRAPH and (collapse(text) in texts or caption_text(text)):
            if collapse(text) in shown:
                return
            shown.add(collapse(text))
            kind = PassageKind.CAPTION
        out.append(Passage(kind, text, level, marks))

    def walk(node: Any, depth: int = 0) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "head":
                rend = child.get("rend", "h2")
                level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
                text = collapse("".join(child.itertext()))
                if level == 1 and text == title:
                    continue  # the title, shown above the body already
                emit(PassageKind.HEADING, child, max(2, level))
            elif tag == "p":
                emit(PassageKind.PARAGRAPH, child)
                image(child)
            elif tag == "graphic":
                image(child)
            elif tag == "list":
                ordered = child.get("rend", "") in ("ol", "1")
                number = 0
                for item in child:
                    if item.tag != "item":
                        continue
                    number += 1
                    nested = [sub for sub in item if sub.tag == "list"]
                    for sub in nested:
                        item.remove(sub)
                    bullet = f"{number}. " if ordered else "• "
                    emit(PassageKind.ITEM, item, prefix="  " * depth + bullet)
                    for sub in nested:
                        walk_list(sub, depth + 1)
            elif tag == "quote":
                if any(isinstance(c.tag, str) and c.tag == "p" for c in child):
                    for sub in child:
                        emit(PassageKind.QUOTE, sub)
                else:
                    emit(PassageKind.QUOTE, child)
            elif tag == "code":
                emit(PassageKind.CODE, child)
            elif tag == "table":
                for row in child.iter("row"):
                    cells = [collapse("".join(cell.itertext())) for cell in row.iter("cell")]
                    line = " | ".join(cell for cell in cells if cell)
                    if line:
                        out.append(Passage(PassageKind.PARAGRAPH, safe_text(repair(line))))
            elif tag in ("div", "section", "body"):
                walk(child, depth)

    def walk_list(node: Any, depth: int) -> None:
        holder = node.makeelement("div", {})
        holder.append(node)
        walk(holder, depth)

    walk(body)
    return out


def extract(html: str, base_url: str | None = None) -> ExtractedPage:
    """Extract the article of an HTML page; raises ``UnreadableFile`` for non-pages.

    ``base_url`` is where the page came from: relative links and the canonical
    URL are resolved against it. Pure: reads nothing but its arguments.
    """
    from trafilatura import bare_extraction

    tree = _tree(html)
    meta = _metadata(tree, base_url)
    base = meta.url or base_url
    captions = _figcaptions(tree, base)
    _drop_ads(tree)
    document = bare_extraction(
        tree,
        url=base,
        include_comments=False,
        include_tables=True,
        include_images=True,  # keeps figure captions; the images themselves are skipped
        include_formatting=True,
        include_links=True,
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    blocks = _blocks(body, base, captions, meta.title) if body is not None else []
    dated = meta.dated
    return ExtractedPage(
        title=meta.title,
        author=meta.author,
        date=dated.when if dated else None,
        date_has_time=dated.has_time if dated else False,
        url=meta.url,
        site_name=meta.site,
        description=meta.description,
        blocks=tuple(blocks),
    )


def fragment_text(html: str) -> str:
    """The text of an HTML fragment (a JSON body written as HTML): paragraphs separated by
    blank lines, scripts and styles dropped. Not main-text extraction: all of it is body."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return html
    for bad in root.xpath("//script | //style | //noscript | //template"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption",
              "tr", "pre", "section", "article", "header", "footer")  # fmt: skip
    for element in root.iter(*blocks):
        element.tail = "\n\n" + (element.tail or "")
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = int(str(element.tag)[1])
            bar = "=" * max(2, level)
            element.text = f"{bar} " + (element.text or "")
            element.tail = f" {bar}" + element.tail
    text = root.text_content()
    paragraphs = [collapse(part) for part in re.split(r"\n\s*\n", text)]
    return "\n\n".join(part for part in paragraphs if part)


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _date(meta_dated: dates.Dated | None, head: str, mtime_ns: int) -> dates.Dated | None:
    found = meta_dated or dates.text_date(head, head, mtime_ns)
    if found is None and mtime_ns > 0:
        return dates.from_mtime(mtime_ns)
    return found


def parse(decoded: DecodedText, path: Path) -> Article:
    """The ``.html`` reader: a saved page into an :class:`Article`.

    The key is the content key of the file's text, as for plain text, so a page
    keeps its read mark and bookmarks whatever a newer extractor finds in it.
    """
    page = extract(decoded.text)
    passages: list[Passage] = []
    for block in page.blocks:
        if block.kind is PassageKind.PARAGRAPH and not block.marks and len(block.text) > LONG_BLOCK:
            passages.extend(block_passages(block.text))  # one huge <p>: regrouped by sentence
        else:
            passages.append(block)
    author = page.author
    if passages and passages[-1].kind is PassageKind.PARAGRAPH and is_byline(passages[-1].text):
        passages[-1] = Passage(PassageKind.BYLINE, passages[-1].text)
    has_text = any(p.kind in (PassageKind.PARAGRAPH, PassageKind.ITEM) for p in passages)
    if not has_text and page.description:
        passages.insert(0, Passage(PassageKind.PARAGRAPH, page.description))
    if not passages and not page.title:
        raise UnreadableFile("no article text found in this page")
    mark_lead(passages)
    title = page.title or (_derived(passages) or path.stem)
    dated = _date(_dated(page), f"{page.title}\n{page.description or ''}", decoded.mtime_ns)
    return Article(
        key=content_key(decoded.text),
        path=path,
        title=title,
        passages=tuple(passages),
        title_derived=not page.title,
        source_name=page.site_name or _host(page.url),
        source_url=page.url,
        encoding=decoded.encoding,
        truncated=decoded.truncated,
        word_count=word_count(title, passages),
        date=dated.when if dated else None,
        date_from=dated.source if dated else "",
        date_has_time=dated.has_time if dated else False,
        author=author,
    )


def _dated(page: ExtractedPage) -> dates.Dated | None:
    if page.date is None:
        return None
    return dates.Dated(page.date, "html", page.date_has_time)


def _derived(passages: list[Passage]) -> str:
    from tui_reader.articles.layout import derive_title

    for passage in passages:
        if passage.kind in (PassageKind.LEAD, PassageKind.PARAGRAPH):
            return derive_title(passage.text)
    return ""


def summary(decoded: DecodedText, path: Path) -> Summary:
    """The list entry of a saved page, from its metadata alone (no main-text extraction).

    Title, source and date are found exactly as :func:`parse` finds them; a page
    with no title is listed under its file name until opened.
    """
    tree = _tree(decoded.text)
    meta = _metadata(tree, None)
    dated = _date(meta.dated, f"{meta.title}\n{meta.description or ''}", decoded.mtime_ns)
    return Summary(
        content_key(decoded.text),
        meta.title,
        meta.site or _host(meta.url),
        dated.iso if dated else None,
        dated.source if dated else "",
    )
