"""HTML fragments from feeds (summaries, ``content:encoded``, Atom content) as plain paragraphs.

A feed's content is already the article body, without the page's menus and ads,
so it needs no main-text extraction, only its blocks turned into paragraphs:
block elements and ``<br>`` end a paragraph, scripts, styles and images vanish,
entities are decoded, whitespace is collapsed. Whole article *pages* go through
the HTML format's extractor (:mod:`tui_reader.articles.html`) instead.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
        "figure", "figcaption", "table", "tr", "section", "article", "header", "footer", "pre",
        "dd", "dt", "hr",
    }
)  # fmt: skip
_DROPPED = frozenset({"script", "style", "noscript", "iframe", "svg", "template", "object"})
_SPACE = re.compile(r"\s+")


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag in _BLOCKS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self._current.append(data)

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self._current)).strip()
        self._current = []
        if text:
            self.paragraphs.append(text)

    def close(self) -> None:
        super().close()
        self._flush()


def html_paragraphs(fragment: str) -> list[str]:
    """The text paragraphs of an HTML fragment, in order; plain text passes through."""
    if "<" not in fragment and "&" not in fragment:
        return [p for p in (_SPACE.sub(" ", b).strip() for b in fragment.split("\n\n")) if p]
    parser = _Paragraphs()
    parser.feed(fragment)
    parser.close()
    return parser.paragraphs


def html_text(fragment: str) -> str:
    """An HTML fragment (a title, an author) as one line of plain text."""
    return " ".join(html_paragraphs(fragment))
