"""Syllable tokenization on folded text, with offsets into the original.

Vietnamese writes one syllable per space-separated unit, so a token is a run of
letters and digits (``\\w`` without ``_``, which joins syllables into words in
index terms). Numbers keep their group separators (``2.000``, ``1,5``) so a
typed number matches as one unit; dates like ``6/2`` are two tokens, and a
phrase query ``6/2`` matches them in order.

Tokenizing the *folded* text (marks already dropped) is what makes decomposed
input such as ``Ha\\u0300`` one token; offsets are mapped back through
:class:`~tui_reader.text.fold.FoldedText`.

Query and index use exactly these functions, so both sides agree on every term.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from tui_reader.text.fold import fold, folded_text

__all__ = ["MAX_TERM_CHARS", "Token", "term_of", "tokenize", "tokenize_folded"]

#: Longer runs (URLs squashed together, base64 junk) are cut: nobody types them.
MAX_TERM_CHARS = 48

TOKEN_PATTERN = r"\d+(?:[.,]\d+)+|[^\W_]+"
TOKEN_RE = re.compile(TOKEN_PATTERN)
#: Tokens (group 1) and single punctuation marks, the sequence word segmentation sees.
SEQUENCE_RE = re.compile(rf"({TOKEN_PATTERN})|[^\w\s]|_")


class Token(NamedTuple):
    """One syllable (or number) of a text: ``[start, end)`` in the original text.

    A named tuple: articles have thousands of tokens and tuples build fastest.
    """

    start: int
    end: int
    folded: str


def term_of(folded_token: str) -> str:
    """The index term of a folded token (length-capped)."""
    return folded_token[:MAX_TERM_CHARS]


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with original offsets and folded, length-capped terms."""
    ft = folded_text(text)
    if ft.starts is None:
        return [Token(m.start(), m.end(), m.group()[:MAX_TERM_CHARS])
                for m in TOKEN_RE.finditer(ft.folded)]
    tokens: list[Token] = []
    for m in TOKEN_RE.finditer(ft.folded):
        start, end = ft.to_original(m.start(), m.end())
        tokens.append(Token(start, end, m.group()[:MAX_TERM_CHARS]))
    return tokens


def tokenize_folded(text: str) -> list[str]:
    """Just the terms of ``text``: the fast path for queries and filters."""
    return [t[:MAX_TERM_CHARS] for t in TOKEN_RE.findall(fold(text))]
