"""Filtering a short list of texts as the user types, with the search's own matching.

The bookmarks screen has at most a few thousand rows, so it needs no index:
each row's fields are tokenized and every query word must match some token
by the same rules the search uses (folded, prefix for the word being typed,
typos forgiven). Rows are ranked by match quality, title-like first fields
weighing more, and carry highlight spans per field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_reader.search.highlight import Spans
from tui_reader.search.query import rules_for
from tui_reader.text.tokens import tokenize

__all__ = ["FilterHit", "filter_texts"]

SPAN_MIN = 0.7
"""Highlight exact, prefix and long-word typo matches; a short syllable one edit
away ("hội" for "noi") still counts as a match but would be noise if lit up."""


@dataclass(frozen=True, slots=True)
class FilterHit:
    """A row that matches: its index, its score, and the spans to highlight in each field."""

    index: int
    score: float
    spans: tuple[Spans, ...]


def filter_texts(query: str, rows: Sequence[Sequence[str]]) -> list[FilterHit]:
    """Rows (each a tuple of fields) matching every word of ``query``, best first.

    An empty query keeps every row in its order. Earlier fields weigh more
    (``(title, quote, note)``: a title match ranks above a note match).
    """
    rules = rules_for(query)
    if not rules:
        return [FilterHit(i, 0.0, tuple([] for _ in row)) for i, row in enumerate(rows)]
    hits: list[FilterHit] = []
    for index, fields in enumerate(rows):
        best = [0.0] * len(rules)
        spans: list[Spans] = []
        for weight_rank, text in enumerate(fields):
            weight = 1.0 / (1 + weight_rank)
            field_spans: Spans = []
            for token in tokenize(text):
                shown = False
                for r, rule in enumerate(rules):
                    quality = rule.quality(token.folded)
                    best[r] = max(best[r], quality * (1 + weight))
                    shown = shown or quality >= SPAN_MIN
                if shown:
                    field_spans.append((token.start, token.end))
            spans.append(field_spans)
        if all(best):
            hits.append(FilterHit(index, sum(best), tuple(spans)))
    hits.sort(key=lambda hit: (-hit.score, hit.index))
    return hits
