"""Building anchors from real parsed seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bookmarks.helpers import PLAIN, ZNEWS
from tui_reader.articles.model import PassageKind
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import (
    CONTEXT_CHARS,
    SEPARATOR,
    context_after,
    context_before,
    is_whole_passage,
    new_bookmark,
)
from tui_reader.store.bookmarks import NewBookmark


def test_whole_passage_anchor_takes_context_from_the_neighbours(seeds_dir: Path) -> None:
    article = load_article(seeds_dir / ZNEWS)
    index = 4
    mark = new_bookmark(article, index, note="ghi chú")
    text = article.passages[index].text
    assert (mark.quote, mark.start, mark.end) == (text, 0, len(text))
    assert (mark.article_key, mark.path, mark.title) == (article.key, article.path, article.title)
    assert mark.source_url == article.source_url is not None
    assert mark.note == "ghi chú"
    before = article.passages[index - 1].text + SEPARATOR
    after = SEPARATOR + article.passages[index + 1].text
    assert mark.prefix == before[-CONTEXT_CHARS:]
    assert mark.suffix == after[:CONTEXT_CHARS]
    assert is_whole_passage(mark)


def test_context_reaches_across_several_short_passages(seeds_dir: Path) -> None:
    article = load_article(seeds_dir / ZNEWS)
    kinds = [p.kind for p in article.passages]
    byline = kinds.index(PassageKind.BYLINE)
    mark = new_bookmark(article, byline)
    # The byline is followed only by the source line: the suffix is all of it, then ends.
    assert mark.suffix == (SEPARATOR + article.passages[byline + 1].text)[:CONTEXT_CHARS]
    first = new_bookmark(article, 0)
    assert first.prefix == ""
    last = new_bookmark(article, len(article.passages) - 1)
    assert last.suffix == ""
    # A short middle passage: the prefix spans the previous passage and the one before.
    short = min(
        range(2, len(article.passages) - 1), key=lambda i: len(article.passages[i - 1].text)
    )
    joined = SEPARATOR.join(p.text for p in article.passages[:short]) + SEPARATOR
    assert context_before(article.passages, short, 0) == joined[-CONTEXT_CHARS:]
    rest = SEPARATOR + SEPARATOR.join(p.text for p in article.passages[short + 1 :])
    text = article.passages[short].text
    assert context_after(article.passages, short, len(text)) == rest[:CONTEXT_CHARS]


def test_selection_anchor_uses_offsets_into_the_passage(seeds_dir: Path) -> None:
    article = load_article(seeds_dir / PLAIN)
    text = article.passages[2].text
    mark = new_bookmark(article, 2, start=20, end=80)
    assert text[mark.start : mark.end] == mark.quote == text[20:80]
    before = SEPARATOR.join(p.text for p in article.passages[:2]) + SEPARATOR + text[:20]
    assert mark.prefix == before[-CONTEXT_CHARS:]
    assert mark.suffix == text[80 : 80 + CONTEXT_CHARS]
    assert not is_whole_passage(mark)
    clamped = new_bookmark(article, 2, start=-5, end=10_000)
    assert (clamped.start, clamped.end, clamped.quote) == (0, len(text), text)


def test_bad_positions_are_refused(seeds_dir: Path) -> None:
    article = load_article(seeds_dir / PLAIN)
    with pytest.raises(IndexError):
        new_bookmark(article, len(article.passages))
    with pytest.raises(IndexError):
        new_bookmark(article, -1)
    with pytest.raises(ValueError, match="empty"):
        new_bookmark(article, 1, start=5, end=5)


def test_whole_passage_bookmarks_without_context_count_as_whole(seeds_dir: Path) -> None:
    article = load_article(seeds_dir / ZNEWS)
    text = article.passages[3].text
    bare = dict(article_key=article.key, path=article.path, title=article.title)
    whole = NewBookmark(**bare, passage_index=3, quote=text, start=0, end=len(text))
    part = NewBookmark(**bare, passage_index=3, quote=text[:30], start=0, end=30, suffix="x")
    assert is_whole_passage(whole)
    assert not is_whole_passage(part)
