"""Finding a bookmark's quote again in an article that may have changed since.

Three tiers, each tried only when the one before found nothing:

1. **Exact**: every passage equal to a whole-passage quote, or every occurrence
   of a selection. The stored index is not trusted on its own: a paragraph
   inserted above shifts it, and with repeated passages the stored index may then
   hold the wrong copy. So matches are ranked by how well the text around them
   matches the stored prefix/suffix, then by nearness to the stored position.
   (A whole passage found verbatim *inside* a longer one is left to the fuzzy
   tier, where the context weighs in: baomoi articles repeat the lead inside the
   body, and a bookmarked lead with one word edited should stay on the lead.)
2. **Fuzzy**: rapidfuzz similarity (0-100) of the quote to each passage. A whole
   passage is compared with ``ratio``. Because an edit can regroup sentences and
   move passage boundaries, ``partial_ratio`` also finds the quote inside a longer
   passage, or most of it (``MIN_COVERAGE``) in a shorter one; such a partial match
   must reach ``PARTIAL_MIN`` and loses up to ``PART_PENALTY`` points for the share
   of the quote it misses. A candidate is accepted when its quote score reaches
   ``FUZZY_MIN``, or reaches ``RESCUE_MIN`` while the text around it still matches
   the stored context by ``RESCUE_CONTEXT`` (a heavier rewrite of a passage whose
   neighbours are unchanged). The best by ``0.7 * quote + 0.3 * context`` wins.
3. **Orphaned**: nothing matched well enough. The bookmark keeps its quote and
   last position and is shown as orphaned; it is never dropped.

Thresholds were measured on the 35k baomoi corpus. Among 4,011 passages of 600
random articles, the most similar *other* passage of the same article (what a
deleted passage would wrongly match) had a ``ratio`` of at most 76.5 (99th
percentile 63); the same passage with 1, 2 or 3 words replaced scored at least
93.5, 91.5, 88.5 in 95% of cases. With these settings, bookmarks on every
passage of 400 articles, each file then edited by replacing 3 random words
(twice): 5,766 resolved 3,769 exact, 1,919 fuzzy, 78 orphaned (mostly short
passages mangled by the edits), none to unrelated text. Deleting one passage of
each of 482 articles (and inserting a new one): 472 of the deleted passages'
bookmarks orphaned, 10 found a verbatim copy (the lead repeated in the body),
and all 3,062 bookmarks on the remaining passages found their passage. Cost per
bookmark on those articles: ~10 µs exact, ~0.7 ms fuzzy, ~0.1 ms orphaned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from rapidfuzz import fuzz

from tui_reader.articles.model import Article, Passage
from tui_reader.bookmarks.anchor import Anchor, context_after, context_before, is_whole_passage
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus

#: Quote similarity that is enough on its own (see the measurements above).
FUZZY_MIN = 80.0
#: Quote similarity that is enough when the context still matches ``RESCUE_CONTEXT``.
RESCUE_MIN = 65.0
RESCUE_CONTEXT = 90.0
#: Shorter selections must match exactly, and shorter whole passages are not looked
#: for inside other passages: short text matches unrelated text too easily.
SHORT_QUOTE = 20
#: A shorter passage must hold at least this share of the quote to match part of it.
MIN_COVERAGE = 0.5
#: A partial match must be this close: it is for text moved between passages, not rewritten.
PARTIAL_MIN = 87.0
#: Points a partial match loses for the share of the quote it does not cover.
PART_PENALTY = 20.0
_MAX_OCCURRENCES = 64  # per passage; a quote repeated more often gains nothing from more
_QUOTE_WEIGHT = 0.7
_PARTIAL_WORDS = 0.5


class Method(StrEnum):
    """How a resolution was reached (shown in the UI's details and in tests)."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a bookmark's quote is now, or that it is orphaned.

    ``score`` is 1.0 for an exact match, the combined fuzzy score / 100 for a
    fuzzy one, and 0.0 when orphaned. ``passage_index``, ``start`` and ``end``
    are ``None`` when orphaned.
    """

    status: BookmarkStatus
    passage_index: int | None
    score: float
    start: int | None = None
    end: int | None = None
    method: Method = Method.NONE

    @property
    def ok(self) -> bool:
        return self.status is BookmarkStatus.OK

    def apply_to(self, bookmark: Bookmark, path: Path | str) -> Bookmark:
        """``bookmark`` as it should be stored after this resolution (same object if unchanged).

        A match moves the anchor (index, offsets) and the path to where it was found;
        an orphan keeps its quote, index, offsets and path and only changes status.
        Text fields and ``updated`` are never touched here.
        """
        if not self.ok or self.passage_index is None or self.start is None or self.end is None:
            if bookmark.status is BookmarkStatus.ORPHANED:
                return bookmark
            return replace(bookmark, status=BookmarkStatus.ORPHANED)
        moved = replace(
            bookmark,
            passage_index=self.passage_index,
            start=self.start,
            end=self.end,
            status=BookmarkStatus.OK,
            path=Path(path),
        )
        return bookmark if moved == bookmark else moved


ORPHANED = Resolution(BookmarkStatus.ORPHANED, None, 0.0)


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int
    start: int
    end: int
    quote_score: float
    context_score: float | None

    def combined(self) -> float:
        if self.context_score is None:
            return self.quote_score
        return _QUOTE_WEIGHT * self.quote_score + (1 - _QUOTE_WEIGHT) * self.context_score


def resolve(bookmark: Anchor, article: Article | None) -> Resolution:
    """Where ``bookmark``'s quote is in ``article`` (``None``: the article was not found)."""
    if article is None or not article.passages:
        return ORPHANED
    passages = article.passages
    if not bookmark.quote:
        # Nothing to look for: trust the stored position while it exists.
        if bookmark.passage_index < len(passages):
            text = passages[bookmark.passage_index].text
            at = min(bookmark.start, len(text))
            return Resolution(BookmarkStatus.OK, bookmark.passage_index, 1.0, at, at, Method.EXACT)
        return ORPHANED
    whole = is_whole_passage(bookmark)
    exact = _exact_candidates(bookmark, passages, whole)
    if exact:
        best = max(exact, key=lambda c: _exact_rank(c, bookmark, passages))
        return Resolution(BookmarkStatus.OK, best.index, 1.0, best.start, best.end, Method.EXACT)
    fuzzy = _fuzzy_candidates(bookmark, passages, whole)
    if fuzzy:
        best = max(fuzzy, key=lambda c: (c.combined(), -abs(c.index - bookmark.passage_index)))
        return Resolution(
            BookmarkStatus.OK, best.index, best.combined() / 100, best.start, best.end, Method.FUZZY
        )
    return ORPHANED


def context_score(
    bookmark: Anchor, passages: Sequence[Passage], index: int, start: int, end: int
) -> float | None:
    """How well (0-100) the text around ``[start, end)`` of a passage matches the stored context.

    Each side is compared over the stored side's length, aligned at the quote, and
    weighted by that length; ``None`` when the bookmark has no context at all.
    """
    total = 0.0
    weight = 0
    if bookmark.prefix:
        size = len(bookmark.prefix)
        total += fuzz.ratio(bookmark.prefix, context_before(passages, index, start, size)) * size
        weight += size
    if bookmark.suffix:
        size = len(bookmark.suffix)
        total += fuzz.ratio(bookmark.suffix, context_after(passages, index, end, size)) * size
        weight += size
    return total / weight if weight else None


def _exact_candidates(
    bookmark: Anchor, passages: Sequence[Passage], whole: bool
) -> list[_Candidate]:
    quote = bookmark.quote
    found: list[_Candidate] = []
    for index, passage in enumerate(passages):
        text = passage.text
        if whole:
            if text == quote:
                found.append(_Candidate(index, 0, len(text), 100.0, None))
            continue
        at = text.find(quote)
        for _ in range(_MAX_OCCURRENCES):
            if at < 0:
                break
            found.append(_Candidate(index, at, at + len(quote), 100.0, None))
            at = text.find(quote, at + 1)
    return found


def _exact_rank(
    candidate: _Candidate, bookmark: Anchor, passages: Sequence[Passage]
) -> tuple[float, int, int]:
    context = context_score(bookmark, passages, candidate.index, candidate.start, candidate.end)
    return (
        context if context is not None else 0.0,
        -abs(candidate.index - bookmark.passage_index),
        -abs(candidate.start - bookmark.start),
    )


def _fuzzy_candidates(
    bookmark: Anchor, passages: Sequence[Passage], whole: bool
) -> list[_Candidate]:
    quote = bookmark.quote
    words = frozenset(quote.split())
    found: list[_Candidate] = []
    for index, passage in enumerate(passages):
        scored = _quote_score(quote, words, passage.text, whole)
        if scored is None:
            continue
        score, start, end = scored
        context = context_score(bookmark, passages, index, start, end)
        rescued = score >= RESCUE_MIN and context is not None and context >= RESCUE_CONTEXT
        if score >= FUZZY_MIN or rescued:
            found.append(_Candidate(index, start, end, score, context))
    return found


def _quote_score(
    quote: str, words: frozenset[str], text: str, whole: bool
) -> tuple[float, int, int] | None:
    """Similarity (0-100) of ``quote`` to ``text`` and the matching range of ``text``.

    Passage boundaries move when an edit regroups sentences, so besides the plain
    ratio (same passage, words edited) the quote may be found inside a longer
    passage (it gained a sentence), or a shorter passage may hold most of it (it
    lost one). A partial match counts its own score when the passage holds at
    least ``MIN_COVERAGE`` of the quote, less the share it misses, so a passage
    holding the whole quote beats one holding a part.

    ``partial_ratio`` costs about a millisecond on two long passages, so it only
    runs when the two share at least ``_PARTIAL_WORDS`` of the smaller one's words
    (an 87% character match keeps far more): that keeps a fuzzy resolve near 1 ms.
    """
    best: tuple[float, int, int] | None = None
    if whole or len(text) <= len(quote):
        ratio = fuzz.ratio(quote, text, score_cutoff=RESCUE_MIN)
        if ratio:
            best = (ratio, 0, len(text))
    coverage = min(1.0, len(text) / len(quote))
    if len(quote) < SHORT_QUOTE or len(text) < SHORT_QUOTE or coverage < MIN_COVERAGE:
        return best
    text_words = frozenset(text.split())
    if len(words & text_words) < _PARTIAL_WORDS * min(len(words), len(text_words)):
        return best
    aligned = fuzz.partial_ratio_alignment(quote, text, score_cutoff=PARTIAL_MIN)
    if aligned is None or not aligned.score:
        return best
    score = max(FUZZY_MIN, aligned.score - PART_PENALTY * (1 - coverage))
    if best is None or score > best[0]:
        return (score, aligned.dest_start, aligned.dest_end)
    return best
