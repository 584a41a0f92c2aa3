"""What the list shows while a search is active: the latest results and how to describe them.

Snippets are made only for the rows someone looks at: :class:`RowSnippets` is
the list's sequence of second lines, and it asks the engine for a row's
snippet the first time that row is drawn (the search worker warms the first
screenful before the results are shown, so the UI thread rarely makes one).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from tui_reader.search.counts import describe_counts
from tui_reader.ui.widgets.article_list import RowSnippet

if TYPE_CHECKING:
    from tui_reader.search.engine import SearchHit, SearchResults
    from tui_reader.search.highlight import TokenMatcher

SEARCH_LIMIT = 50
"""Ranked results listed per query."""

TIMING_ENV = "TUI_READER_SEARCH_TIMING"
"""Set (to anything) to log each search's timeline: benchmarks/typing_bench.py reads it."""

_timing_log = logging.getLogger(f"{__name__}.timing")


@dataclass(slots=True)
class SearchTiming:
    """Where the time between the last keystroke and the results on screen went.

    Times are ``time.monotonic()``, one clock for every process on the machine,
    so a benchmark driving the app from outside can line them up with its own.
    """

    query: str
    typed: float
    """The last edit of the query (the bar saw the key)."""
    fired: float = 0.0
    """The debounce let the query through."""
    started: float = 0.0
    """The search worker began (after any search still running)."""
    searched: float = 0.0
    """The engine returned the ranked hits."""
    warmed: float = 0.0
    """The first screenful of snippets was made."""
    shown: float = 0.0
    """The list was handed the rows (UI thread)."""
    engine_cpu: float = 0.0
    """CPU seconds the search thread spent in the engine: the search stage's wall
    time beyond it is the thread waiting (for the GIL, or for a core)."""

    @staticmethod
    def enabled() -> bool:
        """Whether timelines are logged (they are measured either way: a few clock reads)."""
        return bool(os.environ.get(TIMING_ENV))

    def mark(self, stage: str) -> None:
        """Record that ``stage`` (a field name) happened now."""
        setattr(self, stage, time.monotonic())

    def painted(self) -> None:
        """The screen was updated with the results: log the whole timeline."""
        if not self.enabled():
            return
        now = time.monotonic()

        def ms(at: float) -> str:
            return f"{(at - self.typed) * 1000:.1f}" if at else "-"

        _timing_log.info(
            "search timing typed=%.4f fired=%s started=%s searched=%s warmed=%s shown=%s "
            "painted=%s cpu=%.1f query=%r",
            self.typed, ms(self.fired), ms(self.started), ms(self.searched),
            ms(self.warmed), ms(self.shown), ms(now), self.engine_cpu * 1000, self.query,
        )


class RowSnippets(Sequence[RowSnippet]):
    """The results' snippet lines, each made (and kept) the first time it is asked for.

    Thread-safe: the search worker warms the first rows while the UI thread may
    already be drawing older results (a different instance), and a row is made
    at most once.
    """

    def __init__(self, results: SearchResults, hits: Sequence[SearchHit]) -> None:
        self.results = results
        self.hits = list(hits)
        self._made: dict[int, RowSnippet] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.hits)

    @overload
    def __getitem__(self, index: int) -> RowSnippet: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[RowSnippet]: ...

    def __getitem__(self, index: int | slice) -> RowSnippet | Sequence[RowSnippet]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.hits)
        made = self._made.get(index)
        if made is not None:
            return made
        with self._lock:
            made = self._made.get(index)
            if made is None:
                made = self._make(self.hits[index])
                self._made[index] = made
        return made

    @property
    def made(self) -> int:
        """How many rows have their snippet made (for tests and figures)."""
        return len(self._made)

    def warm(self, indexes: Iterable[int], stale: Callable[[], bool] | None = None) -> None:
        """Make the snippets of these rows now (in the search worker, off the UI thread);
        stop early once ``stale()`` says a newer query is waiting."""
        for index in indexes:
            if stale is not None and stale():
                return
            if 0 <= index < len(self.hits):
                self[index]

    def _make(self, hit: SearchHit) -> RowSnippet:
        from tui_reader.search.engine import snippet_of
        from tui_reader.search.highlight import text_spans

        text, spans = snippet_of(self.results, hit)
        # What this hit's ranking counted: the title, snippet and opened article agree.
        matcher = hit.matcher or self.results.matcher
        title = tuple(text_spans(hit.title, matcher)) if matcher else ()
        return RowSnippet(text, tuple(spans), title).starting_near_match()


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

    def summary(self) -> tuple[str, str]:
        """The status line, in full and short: how many matched, how fast, how much indexed."""
        results = self.results
        if results is None:
            return "", ""
        return summarize(results)


def summarize(results: SearchResults) -> tuple[str, str]:
    """What the status line says about ``results``: the full text and a short form.

    "1 article holds every word · 312 hold some": the first count is what a
    reader expects a search to find; the second says how many partial matches
    the ranking had to choose from.
    """
    if not results.hits:
        full = short = f"No matches for “{results.query}”"
    else:
        full, short, headline = describe_counts(results)
        listed = len(results.hits)
        if headline > listed:
            full += f" (top {listed:,} listed)"
        full += f" · {results.elapsed_ms:.0f} ms"
    if results.indexed < results.corpus_size:
        full += f" · searched {results.indexed:,} of {results.corpus_size:,} so far"
        short += f" · {results.indexed:,}/{results.corpus_size:,} indexed"
    return full, short
