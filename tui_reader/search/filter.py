"""Filter-as-you-type over a short list of texts (bookmarks, titles), no index needed.

Same folding and matching rules as the search (no tones needed, ``đ`` as
``d``, the last word matched as a prefix while typing, one typo allowed in
words of 3+ letters), and a similar ranking: words found in query order at
adjacent positions first, then how many words were found. Every query word
must match, except that one may be missing from queries of 3+ words.

    f = FuzzyFilter(["Hà Nội mùa thu", "Triều Tiên"])
    [m.index for m in f.filter("ha no")]  # -> [0]

Tokens of each text are computed once; each call costs a dictionary lookup
per distinct token and query word, so hundreds of texts filter in well under
a millisecond per keystroke.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from tui_reader.search.highlight import Spans, TokenMatcher, text_matcher, token_spans
from tui_reader.search.query import MatchRule
from tui_reader.text.tokens import Token, tokenize

__all__ = ["FilterMatch", "FuzzyFilter", "fuzzy_filter"]

_PAIR = 0.5


@dataclass(frozen=True, slots=True)
class FilterMatch:
    """A text that matched: its index in the list, score, and spans to highlight."""

    index: int
    score: float
    spans: Spans


class FuzzyFilter:
    """A list of texts, tokenized once, filtered by :meth:`filter` on every keystroke."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self._tokens: list[list[Token]] = [tokenize(t) for t in self.texts]
        self._words = {t.folded for tokens in self._tokens for t in tokens}

    def filter(self, query: str, limit: int | None = None) -> list[FilterMatch]:
        """Matching texts, best first (all texts, in order, for an empty query)."""
        rules = text_matcher(query, self._words).rules
        if not rules:
            everything = [FilterMatch(i, 0.0, []) for i in range(len(self.texts))]
            return everything[:limit] if limit is not None else everything
        matchers = [TokenMatcher([rule]) for rule in rules]
        matches = []
        for index, tokens in enumerate(self._tokens):
            match = _score(self.texts[index], tokens, rules, matchers)
            if match is not None:
                matches.append(FilterMatch(index, match[0], match[1]))
        matches.sort(key=lambda m: (-m.score, m.index))
        return matches[:limit] if limit is not None else matches


def _score(
    text: str, tokens: list[Token], rules: Sequence[MatchRule], matchers: list[TokenMatcher]
) -> tuple[float, Spans] | None:
    n = len(rules)
    grid = [[m.quality(t.folded) for t in tokens] for m in matchers]
    found = [max(row, default=0.0) for row in grid]
    missing = sum(1 for q in found if q == 0)
    if missing > (1 if n >= 3 else 0):
        return None
    best = 0.0
    for start in range(-n + 1, len(tokens)):
        qs = [grid[j][start + j] if 0 <= start + j < len(tokens) else 0.0 for j in range(n)]
        score = sum(qs) + _PAIR * sum(min(a, b) for a, b in itertools.pairwise(qs))
        best = max(best, score)
    matched = [any(grid[j][i] > 0 for j in range(n)) for i in range(len(tokens))]
    return best * 10 + sum(found), token_spans(text, tokens, matched)


def fuzzy_filter(texts: Sequence[str], query: str) -> list[FilterMatch]:
    """One-off :meth:`FuzzyFilter.filter` (build a :class:`FuzzyFilter` to filter repeatedly)."""
    return FuzzyFilter(texts).filter(query)
