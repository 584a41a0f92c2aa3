"""The bookmarks filter's query for SQLite's full-text index: same words, found in SQL.

The filter matches like the search (no tones needed, ``đ`` typed as ``d``, the
last word as a prefix while typing, typos forgiven; every word must match, one
may be missing from queries of 3+ words). Tokenizing and scoring a million
bookmarks in Python takes minutes, so the candidates come from the FTS5 index of
schema v3 instead: each query word is matched against the index's vocabulary
with the filter's own rules (:func:`tui_reader.search.highlight.text_matcher`),
and the words it accepts become one ``OR`` group of a ``MATCH`` expression.
SQLite returns the newest few hundred matches (and a capped count) at a cost that
does not grow with the matches; the screen scores them with
:class:`tui_reader.search.filter.FuzzyFilter` for order and highlights. Until the
vocabulary is read (seconds at a million bookmarks, once) words match as typed
and as prefixes.

    terms = TermIndex(["ha", "noi", "đoi", "hoi"])
    match_expression("hox", terms)  # -> '("hox"* OR "hoi")'
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


def _spellings(folded: str, limit: int = 16) -> list[str]:
    """How a folded word can be written in the index: each ``d`` may be ``đ`` there."""
    spellings = [""]
    for ch in folded:
        options = ("d", "đ") if ch == "d" else (ch,)
        spellings = [head + option for head in spellings for option in options][:limit]
    return spellings


def _group(rule: MatchRule, index: TermIndex | None) -> str:
    """One query word as ``("t1"* OR "t2" ...)``.

    Always as typed (each ``d`` also as ``đ``) and, for the last word, as a prefix:
    that needs no vocabulary and finds words added since it was read. With the
    vocabulary, the index words one typo away are added (the best first).
    """
    star = "*" if rule.prefix else ""
    parts = [f"{_quoted(t)}{star}" for t in _spellings(rule.text)]
    if index is None or not rule.max_edits:
        return f"({' OR '.join(parts)})"
    matcher = TokenMatcher([rule])
    typos: list[tuple[float, str]] = []
    for folded, raws in index.by_fold.items():
        if folded == rule.text or (rule.prefix and folded.startswith(rule.text)):
            continue  # already found as typed
        quality = matcher.quality(folded)
        if quality:
            typos.extend((quality, raw) for raw in raws)
    typos.sort(key=lambda item: (-item[0], item[1]))
    parts += [_quoted(raw) for _, raw in typos[:MAX_TERMS_PER_WORD]]
    return f"({' OR '.join(parts)})"


def _all_of(groups: Sequence[str]) -> str:
    return groups[0] if len(groups) == 1 else "(" + " AND ".join(groups) + ")"


def match_expression(query: str, index: TermIndex | None) -> str | None:
    """The FTS5 ``MATCH`` expression for ``query``; None for a query without words.

    Without ``index`` (the vocabulary is still being read) words match as typed and as
    prefixes, typos not yet forgiven. (An empty query is not a filter: the caller lists
    everything instead.)
    """
    rules = text_matcher(query, index.words if index is not None else set()).rules[:MAX_WORDS]
    if not rules:
        return None
    groups = [_group(rule, index) for rule in rules]
    if len(groups) < 3:
        return _all_of(groups)
    # 3+ words: any one of them may be missing in a row.
    leave_one_out = itertools.combinations(groups, len(groups) - 1)
    return " OR ".join(_all_of(list(rest)) for rest in leave_one_out)
