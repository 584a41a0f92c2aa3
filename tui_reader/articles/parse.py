"""The old single-module parser's names, kept so existing imports keep working.

Parsing is split by job: :mod:`.layout` (framing), :mod:`.tail` (byline, source,
captions), :mod:`.sentences` (splitting) and :mod:`.passages`, shared by every
format's reader; :mod:`.plaintext` is the ``.txt`` reader and :mod:`.loader` opens
any listing entry. ``load_article`` here opens any supported path.
"""

from __future__ import annotations

from tui_reader.articles.layout import MAX_PARSE_CHARS
from tui_reader.articles.loader import load_article
from tui_reader.articles.plaintext import parse_article, summarize
from tui_reader.articles.sentences import split_sentences

__all__ = ["MAX_PARSE_CHARS", "load_article", "parse_article", "split_sentences", "summarize"]
