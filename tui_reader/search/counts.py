"""How many articles a search found, in words: one wording for the status line and the CLI.

"5,951 articles hold every word · 26,495 hold some": the first count is what a
reader expects a search to find; the second says how many partial matches the
ranking had to choose from. A one-word query has one count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_reader.words import plural

if TYPE_CHECKING:
    from tui_reader.search.engine import SearchResults

__all__ = ["describe_counts"]


def describe_counts(results: SearchResults) -> tuple[str, str, int]:
    """``(full, short, headline)``: the counts in full and short, and the count a list of
    hits is compared with (the articles holding every word)."""
    every, some = results.every, results.some
    words = len(results.plan.words) if results.plan is not None else 0
    if words <= 1:
        return plural(some, "matching article"), f"{some:,} found", some
    if some <= every:
        return f"{plural(every, 'article')} {_verb(every)} every word", f"{every:,} found", every
    lead = "No article holds" if every == 0 else f"{plural(every, 'article')} {_verb(every)}"
    full = f"{lead} every word · {some:,} {_verb(some)} some"
    return full, f"{every:,} all · {some:,} some", every


def _verb(count: int) -> str:
    return "holds" if count == 1 else "hold"
