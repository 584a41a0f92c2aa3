"""Where an open article's bookmarks sit: passage index -> bookmark, for the margin marks."""

from __future__ import annotations

from collections.abc import Iterable

from tui_reader.articles.model import Article
from tui_reader.store.bookmarks import Bookmark


def place_bookmarks(article: Article, marks: Iterable[Bookmark]) -> dict[int, Bookmark]:
    """Map each bookmark to the passage holding its quote (stored index first)."""
    placed: dict[int, Bookmark] = {}
    texts = [p.text for p in article.passages]
    for mark in marks:
        index = mark.passage_index
        if not (0 <= index < len(texts) and mark.quote in texts[index]):
            index = next((i for i, t in enumerate(texts) if mark.quote in t), -1)
        if index >= 0 and index not in placed:
            placed[index] = mark
    return placed
