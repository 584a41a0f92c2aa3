"""HTML fragments from feeds (summaries, ``content:encoded``, Atom content) as plain paragraphs.

A feed's content is already the article body, without the page's menus and ads,
so it needs no main-text extraction, only its blocks turned into paragraphs: the
HTML format's :func:`~tui_reader.articles.html.fragment_text` does that (headings
kept as ``== X ==``, as the JSON article format writes them), so a feed's HTML and
a JSON record's HTML body read the same. Whole article *pages* go through the
extractor instead (:mod:`.extract`).
"""

from __future__ import annotations

import re

from tui_reader.articles.html import fragment_text

_SPACE = re.compile(r"\s+")


def html_paragraphs(fragment: str) -> list[str]:
    """The text paragraphs of an HTML fragment, in order; plain text passes through."""
    if "<" not in fragment and "&" not in fragment:
        blocks = fragment.split("\n\n")
    else:
        blocks = fragment_text(fragment).split("\n\n")
    return [p for p in (_SPACE.sub(" ", b).strip() for b in blocks) if p]


def html_text(fragment: str) -> str:
    """An HTML fragment (a title, an author) as one line of plain text."""
    return " ".join(html_paragraphs(fragment))
