"""The Markdown reader (``.md``, ``.markdown``), through markdown-it-py.

The first ``#`` heading is the title (or ``title:`` in YAML front matter); other
headings are section headings; paragraphs, list items, quotes and code blocks are
passages. Emphasis, code and links become plain text with marks, so search and
bookmarks see the words, not the markup, and a link's URL is available to ``o``.
Raw HTML inside the Markdown is reduced to its text. The content key is the key of
the file's text, as for plain text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui_reader.articles import dates, layout
from tui_reader.articles.decode import DecodedText
from tui_reader.articles.inline import InlineText
from tui_reader.articles.model import Article, Passage, PassageKind, Summary, content_key
from tui_reader.articles.passages import LONG_BLOCK, block_passages, mark_lead, word_count
from tui_reader.articles.sanitize import safe_text
from tui_reader.articles.sentences import collapse
from tui_reader.articles.tail import Tail, caption_text, take_tail

__all__ = ["parse", "summary"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_LINE = re.compile(r"(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)")
_TAG = re.compile(r"<[^>]{0,500}>")


def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` front matter (YAML subset), and the text after it."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    found: dict[str, str] = {}
    for line in match["body"].splitlines():
        pair = _FRONT_LINE.fullmatch(line.strip())
        if pair is not None:
            found[pair["key"].lower()] = pair["value"].strip().strip("\"'")
    return found, text[match.end() :]


def _inline_text(token: Any) -> InlineText:
    out = InlineText()
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            out.add(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.add(" ")
        elif kind == "code_inline":
            out.open("code")
            out.add(child.content)
            out.close("code")
        elif kind in ("em_open", "strong_open", "s_open"):
            out.open({"em_open": "em", "strong_open": "strong", "s_open": "em"}[kind])
        elif kind in ("em_close", "strong_close", "s_close"):
            out.close({"em_close": "em", "strong_close": "strong", "s_close": "em"}[kind])
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            out.open("link", href if href.lower().startswith(("http://", "https://")) else "")
        elif kind == "link_close":
            out.close("link")
        elif kind == "image":
            alt = child.content or ""
            if alt:
                out.add(alt)
        elif kind == "html_inline":
            continue
    return out


class _Doc:
    """Blocks of one Markdown document, with its title."""

    def __init__(self) -> None:
        self.title = ""
        self.passages: list[Passage] = []


def _walk(tokens: list[Any]) -> _Doc:
    doc = _Doc()
    kind_stack: list[PassageKind] = []
    list_stack: list[list[int]] = []  # per open list: [next number] or [-1] for bullets
    pending_prefix = ""
    heading_level = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "blockquote_open":
            kind_stack.append(PassageKind.QUOTE)
        elif kind == "blockquote_close":
            kind_stack.pop()
        elif kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1)) if kind == "ordered_list_open" else -1
            list_stack.append([start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif kind == "list_item_open" and list_stack:
            counter = list_stack[-1]
            bullet = "• " if counter[0] < 0 else f"{counter[0]}. "
            if counter[0] >= 0:
                counter[0] += 1
            pending_prefix = "  " * (len(list_stack) - 1) + bullet
        elif kind == "inline":
            inline = _inline_text(token)
            text, marks = inline.result()
            if heading_level:
                if heading_level == 1 and not doc.title and not doc.passages:
                    doc.title = collapse(text)
                elif text:
                    doc.passages.append(Passage(PassageKind.HEADING, text, max(2, heading_level),
                                                marks))  # fmt: skip
            elif text:
                block_kind = PassageKind.PARAGRAPH
                if pending_prefix:
                    block_kind = PassageKind.ITEM
                    text = pending_prefix + text
                    shift = len(pending_prefix)
                    marks = tuple(m._replace(start=m.start + shift, end=m.end + shift)
                                  for m in marks)  # fmt: skip
                    pending_prefix = ""
                elif kind_stack:
                    block_kind = kind_stack[-1]
                _add(doc, block_kind, text, marks)
        elif kind in ("fence", "code_block"):
            code = safe_text(layout.repair(token.content.rstrip("\n")))
            if code.strip():
                doc.passages.append(Passage(PassageKind.CODE, code))
        elif kind == "html_block":
            text = safe_text(collapse(layout.repair(_TAG.sub(" ", token.content))))
            if text:
                doc.passages.append(Passage(PassageKind.PARAGRAPH, text))
        elif kind == "table_open":
            index = _table(tokens, index, doc)
        index += 1
    return doc


def _add(doc: _Doc, kind: PassageKind, text: str, marks: tuple[Any, ...]) -> None:
    if kind is PassageKind.PARAGRAPH and not marks:
        if caption_text(text):
            doc.passages.append(Passage(PassageKind.CAPTION, text))
            return
        if len(text) > LONG_BLOCK:
            doc.passages.extend(block_passages(text))
            return
    doc.passages.append(Passage(kind, text, 0, marks))


def _table(tokens: list[Any], index: int, doc: _Doc) -> int:
    """Each table row as one paragraph, cells joined by " | "; returns the close index."""
    cells: list[str] = []
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "inline":
            cells.append(_inline_text(token).result()[0])
        elif token.type == "tr_close":
            line = " | ".join(cell for cell in cells if cell)
            if line:
                doc.passages.append(Passage(PassageKind.PARAGRAPH, line))
            cells = []
        index += 1
    return index


def _read(text: str) -> tuple[dict[str, str], _Doc]:
    front, rest = _front_matter(layout.prepare(layout.repair(text))[0])
    return front, _walk(_parser().parse(rest))


def _title_of(front: dict[str, str], doc: _Doc) -> str:
    return safe_text(collapse(front.get("title", ""))) or doc.title


def _dated(front: dict[str, str], title: str, doc: _Doc, mtime_ns: int) -> dates.Dated | None:
    for key in ("date", "published", "pubdate", "created"):
        if key in front:
            found = dates.parse_date(front[key], "text")
            if found is not None:
                return found
    head = "\n".join([title, *(p.text for p in doc.passages[:2])])[:1500]
    body = "\n".join(p.text for p in doc.passages[:40])
    found = dates.text_date(head, body, mtime_ns)
    if found is None and mtime_ns > 0:
        return dates.from_mtime(mtime_ns)
    return found


def parse(decoded: DecodedText, path: Path) -> Article:
    """A Markdown file into an :class:`Article` (never raises on any text)."""
    front, doc = _read(decoded.text)
    passages, tail = _with_tail(doc.passages)
    if front.get("title") and doc.title and collapse(front["title"]) != doc.title:
        passages.insert(0, Passage(PassageKind.HEADING, doc.title, 2))  # keep the page's own h1
    mark_lead(passages)
    title = _title_of(front, doc)
    derived = not title
    if derived:
        title = _derived(passages) or path.stem
    dated = _dated(front, title, doc, decoded.mtime_ns)
    author = safe_text(collapse(front.get("author", ""))) or (tail.author if tail else None)
    source = safe_text(collapse(front.get("source", ""))) or (tail.source_name if tail else None)
    url = front.get("url") or front.get("link") or (tail.source_url if tail else None)
    return Article(
        key=content_key(decoded.text),
        path=path,
        title=title,
        passages=tuple(passages),
        title_derived=derived,
        source_name=source or None,
        source_url=url if url and url.lower().startswith(("http://", "https://")) else None,
        encoding=decoded.encoding,
        truncated=decoded.truncated,
        word_count=word_count(title, passages),
        date=dated.when if dated else None,
        date_from=dated.source if dated else "",
        date_has_time=dated.has_time if dated else False,
        author=author or None,
    )


def _with_tail(passages: list[Passage]) -> tuple[list[Passage], Tail | None]:
    """Byline and source lines are short plain paragraphs at the very end: make them so."""
    end = len(passages)
    start = end
    while (
        start > 1
        and end - start < 3
        and passages[start - 1].kind is PassageKind.PARAGRAPH
        and not passages[start - 1].marks
    ):
        start -= 1
    if start == end:
        return passages, None
    texts = ["", *(p.text for p in passages[start:end])]  # the first block is never taken
    tail = take_tail(texts)
    if not tail.passages:
        return passages, None
    kept = [Passage(PassageKind.PARAGRAPH, text) for text in texts[1:]]
    return [*passages[:start], *kept, *tail.passages], tail


def _derived(passages: list[Passage]) -> str:
    for passage in passages:
        if passage.kind in (PassageKind.LEAD, PassageKind.PARAGRAPH):
            return layout.derive_title(passage.text)
    return ""


def summary(decoded: DecodedText, path: Path) -> Summary:
    """The list entry of a Markdown file (the same title, source and date as :func:`parse`)."""
    article = parse(decoded, path)
    return Summary(
        article.key,
        "" if article.title_derived else article.title,
        article.source_name,
        _iso(article),
        article.date_from,
    )


def _iso(article: Article) -> str | None:
    if article.date is None:
        return None
    return dates.Dated(article.date, article.date_from, article.date_has_time).iso
