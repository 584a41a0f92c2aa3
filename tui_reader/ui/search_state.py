"""What the list shows while a search is active: the latest results and how to describe them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui_reader.ui.words import plural

if TYPE_CHECKING:
    from tui_reader.search.engine import SearchHit, SearchResults
    from tui_reader.search.highlight import TokenMatcher

SEARCH_LIMIT = 50
"""Ranked results listed per query."""


@dataclass(slots=True)
class SearchState:
    """The search the list is showing; ``sequence`` orders queries so stale ones are dropped."""

    sequence: int = 0
    results: SearchResults | None = None
    pending: str | None = None
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Whether the list shows search results."""
        return self.results is not None

    @property
    def matcher(self) -> TokenMatcher | None:
        """The query's expansions, to highlight an opened article exactly as it matched."""
        return self.results.matcher if self.results is not None else None

    def show(self, results: SearchResults) -> None:
        """Remember the results now listed."""
        self.results = results
        self.hits = list(results.hits)
        self.pending = None

    def clear(self) -> None:
        """Back to the full list."""
        self.results = None
        self.hits = []
        self.pending = None

    def hit_at(self, index: int) -> SearchHit | None:
        """The result listed at row ``index``, when searching."""
        if self.results is None or not 0 <= index < len(self.hits):
            return None
        return self.hits[index]

    def summary(self) -> str:
        """The status line: how many matched, how fast, and how much is indexed yet."""
        results = self.results
        if results is None:
            return ""
        shown = len(results.hits)
        if results.hits:
            text = f"{plural(results.total, 'matching article')}"
            if results.total > shown:
                text += f" (top {shown:,} listed)"
            text += f" · {results.elapsed_ms:.0f} ms"
        else:
            text = f"No matches for “{results.query}”"
        if results.indexed < results.corpus_size:
            text += f" · searched {results.indexed:,} of {results.corpus_size:,} so far"
        return text
