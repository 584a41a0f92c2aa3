"""Article pages: from the fetched HTML to the article's paragraphs.

The extraction itself is the HTML format's (:mod:`tui_reader.articles.html`,
trafilatura): the same code reads a saved web page and a fetched one, so menus,
ads and related links are dropped the same way. This module only adapts its
result to what a feed article needs, and says why when a page has no article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


class PageError(Exception):
    """An article page that gave no article text; ``str(err)`` is the reason."""


@dataclass(frozen=True, slots=True)
class PageText:
    """What an article page contributes."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    author: str | None = None
    date: datetime | None = None
    url: str | None = None


Extractor = Callable[[str, str], PageText]
"""``(html, url) -> PageText``; raises :class:`PageError` when the page holds no article."""


def extract_page(html: str, url: str) -> PageText:
    """Extract an article page with the HTML format's extractor (trafilatura)."""
    from tui_reader.articles import html as html_format
    from tui_reader.articles.decode import UnreadableFile

    try:
        page = html_format.extract(html, url)
    except UnreadableFile as err:
        raise PageError(f"not an article page: {err.reason}") from None
    # ``text`` keeps headings (as ``== X ==``) and captions in reading order, as the JSON
    # article format writes them, so the stored article reads like the page.
    paragraphs = tuple(p for p in page.text.split("\n\n") if p.strip())
    if not page.paragraphs:
        raise PageError("no article text found on the page")
    return PageText(
        paragraphs=paragraphs,
        title=page.title or None,
        author=page.author,
        date=page.date,
        url=page.url,
    )
