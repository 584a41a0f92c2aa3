"""The plain-text reader (``.txt``): decoded text into an :class:`Article`.

The parse is deterministic because search hits and bookmarks refer to passage
indexes, and nothing is dropped: the passages hold every word of the text. The
content key is the key of the decoded text itself, as it always was, so read marks
and bookmarks made on any earlier version keep their article.
"""

from __future__ import annotations

from pathlib import Path

from tui_reader.articles import dates, layout
from tui_reader.articles.model import Article, Passage, Summary, content_key
from tui_reader.articles.passages import body_passages, mark_lead, word_count
from tui_reader.articles.tail import take_tail


def parse_article(
    text: str,
    path: Path,
    *,
    encoding: str = "utf-8",
    truncated: bool = False,
    mtime_ns: int = 0,
) -> Article:
    """Parse decoded text into an :class:`Article` (never raises on any text).

    All text in the article goes through :func:`safe_text`. Files longer than
    ``MAX_PARSE_CHARS`` are parsed in part and marked ``truncated``. ``mtime_ns``
    (the file's) dates an article whose text has no date, and gives a dateline
    without a year its year.
    """
    text = layout.repair(text)
    key = content_key(text)
    prepared, cut = layout.prepare(text)
    frame = layout.frame(layout.blocks(prepared), path.stem)
    dated = _date(frame, prepared, mtime_ns)
    tail = take_tail(frame.body)
    passages: list[Passage] = body_passages(frame.body)
    passages.extend(tail.passages)
    mark_lead(passages)
    title = frame.title or path.stem
    return Article(
        key=key,
        path=path,
        title=title,
        passages=tuple(passages),
        title_derived=frame.title_derived or not frame.title,
        source_name=tail.source_name,
        source_url=tail.source_url,
        author=tail.author,
        encoding=encoding,
        truncated=truncated or cut,
        word_count=word_count(title, passages),
        date=dated.when if dated else None,
        date_from=dated.source if dated else "",
        date_has_time=dated.has_time if dated else False,
    )


def _date(frame: layout.Frame, text: str, mtime_ns: int) -> dates.Dated | None:
    head = "\n".join([frame.title, *frame.body[:2]])[: len(frame.title) + 1200]
    found = dates.text_date(head, text, mtime_ns)
    if found is None and mtime_ns > 0:
        return dates.from_mtime(mtime_ns)
    return found


def summary(text: str, mtime_ns: int, name: str = "") -> Summary:
    """The list entry of decoded ``text`` (from a file called ``name``): key, title, source
    and date, as :func:`parse_article` finds them."""
    repaired = layout.repair(text)
    prepared = layout.prepare(repaired)[0]
    frame = layout.frame(layout.blocks(prepared), name)
    dated = _date(frame, prepared, mtime_ns)
    tail = take_tail(frame.body)
    return Summary(
        content_key(text),
        frame.title,
        tail.source_name,
        dated.iso if dated else None,
        dated.source if dated else "",
    )


def summarize(text: str, name: str = "") -> tuple[str, str | None]:
    """``(title, source name)`` as :func:`parse_article` finds them, without the body work.

    The title is ``""`` when the text has none (the caller shows the file name, as
    :func:`parse_article` does).
    """
    frame = layout.frame(layout.blocks(layout.prepare(layout.repair(text))[0]), name)
    tail = take_tail(frame.body)
    return frame.title, tail.source_name
