"""The bookmarks filter's query for SQLite's full-text index: same words, found in SQL.

The filter matches like the search (no tones needed, ``đ`` typed as ``d``, the
last word as a prefix while typing, typos forgiven; every word must match, one
may be missing from queries of 3+ words). Tokenizing and scoring a million
bookmarks in Python takes minutes, so the candidates come from the FTS5 index of
schema v3 instead: each query word is matched against the index's vocabulary
with the filter's own rules (:func:`tui_reader.search.highlight.text_matcher`),
and the words it accepts become one ``OR`` group of a ``MATCH`` expression.
SQLite ranks the matches (bm25); the screen then scores the best few hundred
with :class:`tui_reader.search.filter.FuzzyFilter` for order and highlights.

    terms = TermIndex(["ha", "noi", "đoi", "hoi"])
    match_expression("doi", terms)  # -> '("đoi")'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from tui_reader.search.highlight import TokenMatcher, text_matcher
from tui_reader.search.query import MatchRule
from tui_reader.text.fold import fold

__all__ = ["MAX_TERMS_PER_WORD", "MAX_WORDS", "TermIndex", "match_expression"]

MAX_WORDS = 8
"""Query words used to find candidates (the scoring afterwards sees them all)."""
MAX_TERMS_PER_WORD = 200
"""Index words one query word may expand to, best matches first (typos are many)."""


class TermIndex:
    """The full-text index's words, grouped by their folded form (``đoi`` under ``doi``)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.by_fold: dict[str, list[str]] = {}
        for term in terms:
            self.by_fold.setdefault(fold(term), []).append(term)
        self.words = set(self.by_fold)

    def __len__(self) -> int:
        return sum(len(raw) for raw in self.by_fold.values())


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _group(rule: MatchRule, index: TermIndex) -> str | None:
    """One query word as ``("t1" OR "t2"* ...)``; None if no index word matches it."""
    matcher = TokenMatcher([rule])
    size = len(rule.text)
    listed: list[tuple[float, str]] = []
    prefixes: set[str] = set()
    for folded, raws in index.by_fold.items():
        quality = matcher.quality(folded)
        if not quality:
            continue
        for raw in raws:
            head = raw[:size]
            if rule.prefix and folded.startswith(rule.text) and fold(head) == rule.text:
                prefixes.add(head)  # one prefix query covers every word it starts
            else:
                listed.append((quality, raw))
    listed.sort(key=lambda item: (-item[0], item[1]))
    parts = [f"{_quoted(head)}*" for head in sorted(prefixes)]
    parts += [_quoted(raw) for _, raw in listed[:MAX_TERMS_PER_WORD] if raw[:size] not in prefixes]
    return f"({' OR '.join(parts)})" if parts else None


def _all_of(groups: Sequence[str]) -> str:
    return groups[0] if len(groups) == 1 else "(" + " AND ".join(groups) + ")"


def match_expression(query: str, index: TermIndex) -> str | None:
    """The FTS5 ``MATCH`` expression for ``query``; None when no bookmark can match.

    (An empty query is not a filter: the caller lists everything instead.)
    """
    rules = text_matcher(query, index.words).rules[:MAX_WORDS]
    if not rules:
        return None
    groups = [_group(rule, index) for rule in rules]
    found = [group for group in groups if group is not None]
    missing = len(groups) - len(found)
    if missing > (1 if len(groups) >= 3 else 0):
        return None
    if missing or len(groups) < 3:
        return _all_of(found)
    # 3+ words, all present in the index: any one of them may still be missing in a row.
    leave_one_out = itertools.combinations(found, len(found) - 1)
    return " OR ".join(_all_of(list(rest)) for rest in leave_one_out)
