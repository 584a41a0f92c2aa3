"""Building a bookmark's anchor: the quote, where it was, and the text around it.

Offsets follow the store (:mod:`tui_reader.store.schema`): ``start``/``end`` index
the text of passage ``passage_index`` and ``text[start:end] == quote``. The context
is wider than the store's minimum: ``prefix``/``suffix`` are the ``CONTEXT_CHARS``
characters before and after the quote in the article's passages joined by
``SEPARATOR``, so a whole-passage bookmark (the usual kind, whose own passage holds
no text around it) carries the end of the previous passage and the start of the next.
That is what lets :func:`tui_reader.bookmarks.resolve.resolve` tell two identical
passages apart, and keep a bookmark in place when its own words were edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from tui_reader.articles.model import Article, Passage
from tui_reader.store.bookmarks import CONTEXT_CHARS, NewBookmark

#: Joins passages when taking context across them; passage texts never contain it.
SEPARATOR = "\n"

__all__ = [
    "CONTEXT_CHARS",
    "SEPARATOR",
    "Anchor",
    "context_after",
    "context_before",
    "is_whole_passage",
    "new_bookmark",
]


class Anchor(Protocol):
    """What re-anchoring reads from a bookmark (both ``Bookmark`` and ``NewBookmark`` fit)."""

    @property
    def article_key(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def title(self) -> str: ...
    @property
    def passage_index(self) -> int: ...
    @property
    def quote(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def suffix(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def new_bookmark(
    article: Article,
    passage_index: int,
    note: str = "",
    *,
    start: int | None = None,
    end: int | None = None,
) -> NewBookmark:
    """Anchor passage ``passage_index`` of ``article`` (or the part ``[start, end)`` of it).

    The default, the whole passage, is what the reader bookmarks; ``start``/``end``
    are for a selection and are clamped to the passage. Raises ``IndexError`` for a
    passage the article does not have and ``ValueError`` for an empty selection.
    """
    if not 0 <= passage_index < len(article.passages):
        raise IndexError(
            f"passage {passage_index} out of range: the article has {len(article.passages)}"
        )
    text = article.passages[passage_index].text
    lo = 0 if start is None else max(0, min(start, len(text)))
    hi = len(text) if end is None else max(lo, min(end, len(text)))
    if lo == hi:
        raise ValueError("cannot bookmark an empty selection")
    return NewBookmark(
        article_key=article.key,
        path=article.path,
        title=article.title,
        passage_index=passage_index,
        quote=text[lo:hi],
        start=lo,
        end=hi,
        prefix=context_before(article.passages, passage_index, lo),
        suffix=context_after(article.passages, passage_index, hi),
        note=note,
        source_url=article.source_url,
    )


def context_before(
    passages: Sequence[Passage], index: int, start: int, size: int = CONTEXT_CHARS
) -> str:
    """Up to ``size`` characters before ``start`` in passage ``index``, reaching back
    across earlier passages (joined by ``SEPARATOR``) when the passage has too few."""
    parts = [passages[index].text[max(0, start - size) : start]]
    have = len(parts[0])
    i = index - 1
    while have < size and i >= 0:
        piece = (passages[i].text + SEPARATOR)[-(size - have) :]
        parts.append(piece)
        have += len(piece)
        i -= 1
    return "".join(reversed(parts))


def context_after(
    passages: Sequence[Passage], index: int, end: int, size: int = CONTEXT_CHARS
) -> str:
    """Up to ``size`` characters after ``end`` in passage ``index``, reaching forward
    across later passages (joined by ``SEPARATOR``) when the passage has too few."""
    parts = [passages[index].text[end : end + size]]
    have = len(parts[0])
    i = index + 1
    while have < size and i < len(passages):
        piece = (SEPARATOR + passages[i].text)[: size - have]
        parts.append(piece)
        have += len(piece)
        i += 1
    return "".join(parts)


def is_whole_passage(anchor: Anchor) -> bool:
    """Whether the bookmark quoted a whole passage rather than a selection inside one.

    Told from the anchor alone: it starts at 0 and its context, when it has any,
    stops at a passage boundary. A whole passage saved with no context at all (an
    older or hand-made anchor) counts as whole too.
    """
    return (
        anchor.start == 0
        and (not anchor.prefix or anchor.prefix.endswith(SEPARATOR))
        and (not anchor.suffix or anchor.suffix.startswith(SEPARATOR))
    )
