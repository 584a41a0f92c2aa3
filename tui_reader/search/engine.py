"""Ranking: find the articles a typed query means, best first, with a snippet each.

Entry point for the UI and the CLI::

    results = search(builder.snapshot(), "hoi nghi thuong dinh ha noi", limit=50)
    for hit in results.hits:
        hit.path, hit.title, hit.passage, hit.snippet, hit.snippet_spans

How a score is made (highest first):

1. **Phrase alignment** (weight 10). Candidate positions come from the
   postings of the rarest query words ("anchors"); at each, the forward index
   tells which query word sits at each offset, so an alignment scores the
   words found in query order at their exact relative positions (quality:
   exact 1, prefix 0.9, typo 0.35-0.7), plus 0.5 per adjacent matched pair,
   plus 0.1 per pair inside one pyvi word (minus 0.1 where the match cuts a
   word in two): ``ha noi`` on the word ``Hà Nội`` beats ``hà`` ending one
   word and ``nội`` starting the next. A word that matches nothing (a typo in
   a 3-letter syllable) just leaves a hole: ``ro ri khog thoat`` still aligns
   three words of ``rò rỉ không thoát`` (and ``khog`` itself fuzzily).
2. **Title** (weight 3): the best alignment lying inside the title, relative
   to a perfect one.
3. **Coverage** (weight 2): how many query words occur anywhere (soft AND).
4. **BM25** (weight 1, squashed to [0, 1)) over query words and the pyvi
   words they spell.

Work per segment: (a) candidates are the articles holding all query words
but ``misses`` (one; two in queries of 6+ words, three in 10+), counted with
one ``bincount``-like pass over short per-term document lists; (b) the
rarest words are anchors, at most ``misses + 1`` of them so an article
missing a word (a typo) is still aligned through another; a later anchor only
scans candidates that have no strong alignment yet; (c) titles are scanned
first and the scan stops once ``limit`` articles have a perfect alignment (a
common phrase), or once an upper bound on anything unseen says the top is
settled; (d) the global top ``3 * limit`` (at least 100) are reranked with
coverage and BM25 read from the forward index; (e) snippets are made only when asked
for (:func:`snippet_of`), from the passage the hit opens at.
Everything is vectorised with numpy; the cost follows the rarest words, not
the common ones.

Thread-safety: ``search`` reads only the immutable snapshot and its own arrays.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tui_reader.search.highlight import TokenMatcher, make_snippet, matcher_for
from tui_reader.search.index import IndexSnapshot, SegmentView
from tui_reader.search.query import MAX_QUERY_WORDS, PREFIX, QueryPlan, plan_query
from tui_reader.search.rules import (
    LINE,
    MATCH_MIN,
    RankKey,
    _Matches,
    correctable,
    display_score,
    hit_matcher,
    prepare,
    rank_docs,
)
from tui_reader.search.segment import ID_MASK, Segment
from tui_reader.search.vocab import Vocabulary

__all__ = [
    "SearchCancelled",
    "SearchHit",
    "SearchResults",
    "matcher_of",
    "search",
    "snippet_of",
]

W_ALIGN, W_TITLE, W_COVER, W_BM25 = 10.0, 3.0, 2.0, 1.0
PAIR_BONUS, WORD_BONUS = 0.5, 0.1
BM25_K1, BM25_B, BM25_HALF = 1.2, 0.75, 6.0
MAX_ANCHOR_POSTINGS = 3_000_000  # Degenerate one-letter queries: look at this many at most.
FREE_ANCHOR = 64  # Postings below which an anchor word does not count in the budget.
# The rules rank this many pre-scored articles at least (3x the limit when larger).
# 100, not 200: the same hit@10 and MRR@10 on 4,800 bench queries (seeds 1 and 2),
# 16 % less CPU at p50 (the app lists 50, so it ranks 150: 3x its limit).
RERANK_MIN = 100
STRONG_MATCH = 0.5  # Word matches at least this good count towards a "strong" alignment.
SCAN_CHUNK = 65_536  # Anchor occurrences aligned between checks for an early stop.

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


class _Snippets:
    """Snippets of one result list, made on demand and kept (thread-safe).

    The list asks only for the rows it shows, so a query costs no snippet
    work for the rows nobody sees.
    """

    def __init__(
        self,
        matcher: TokenMatcher | None,
        ctx: _Context | None = None,
        vocab: Vocabulary | None = None,
    ) -> None:
        self.matcher = matcher
        self._ctx = ctx
        self._vocab = vocab
        self._done: dict[tuple[str, str], tuple[str, list[tuple[int, int]]]] = {}
        self._matchers: dict[tuple[str, str], TokenMatcher] = {}
        self._lock = threading.Lock()

    def of(self, hit: SearchHit) -> tuple[str, list[tuple[int, int]]]:
        key = (hit.path, hit.key)
        with self._lock:
            done = self._done.get(key)
        if done is not None:
            return done
        made = _make_snippet(hit, self.matcher_of(hit))
        with self._lock:
            self._done[key] = made
        return made

    def matcher_of(self, hit: SearchHit) -> TokenMatcher | None:
        """What ``hit``'s ranking counted (see :class:`~tui_reader.search.rules.HitMatcher`)."""
        source, ctx, vocab = hit.source, self._ctx, self._vocab
        if source is None or ctx is None or vocab is None:
            return self.matcher
        key = (hit.path, hit.key)
        with self._lock:
            done = self._matchers.get(key)
        if done is not None:
            return done
        made = hit_matcher(source.matches, source.row, ctx.plan, vocab)
        with self._lock:
            self._matchers[key] = made
        return made


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a hit's texts live in the index, the token its best match is centred on, and
    the ranking's resolved matches it came from (``row`` is its doc there)."""

    segment: Segment
    doc: int
    center: int | None
    matches: _Matches
    row: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result. ``passage`` indexes ``Article.passages`` (None: the match is in the title)
    and is the passage Enter opens; the snippet is cut from that same passage.

    ``snippet`` and ``snippet_spans`` (``(start, end)`` offsets into ``snippet``
    to highlight) are computed on first use: see :func:`snippet_of`. ``score`` is the
    ranking rules' key for display (query words held, plus a fraction for the later
    rules); the results are ordered by ``order``, the same key exact.
    """

    path: str
    key: str
    title: str
    score: float
    passage: int | None
    source: _Source | None = field(default=None, repr=False, compare=False)
    snippets: _Snippets | None = field(default=None, repr=False, compare=False)
    rank: RankKey | None = field(default=None, repr=False, compare=False)
    order: int = field(default=0, repr=False, compare=False)

    @property
    def matcher(self) -> TokenMatcher | None:
        """What this hit's ranking counted as the query's words: highlight the list row,
        the snippet and the opened article with it, and they all agree."""
        if self.snippets is None:
            return None
        return self.snippets.matcher_of(self)

    @property
    def snippet(self) -> str:
        return self._snippet()[0]

    @property
    def snippet_spans(self) -> list[tuple[int, int]]:
        return self._snippet()[1]

    def _snippet(self) -> tuple[str, list[tuple[int, int]]]:
        if self.snippets is None:
            return _make_snippet(self, None)
        return self.snippets.of(self)


@dataclass(frozen=True, slots=True)
class SearchResults:
    """Ranked hits, with counts that mean something.

    ``every`` counts the articles holding every query word (exactly, as a
    prefix while typing, or as a typo when the word is not a real syllable);
    ``some`` those holding at least one; ``total`` is ``some`` (older callers). A word
    typed joined and searched as its syllables (``thanhhoa``) counts as one word: held
    as the corpus word it spells, as the whole typed token, or as all its syllables.
    ``matcher`` holds the query's expansions: pass it to
    :func:`tui_reader.search.highlight.match_spans` to highlight the open
    article exactly as the search matched it.
    """

    query: str
    hits: list[SearchHit]
    total: int
    elapsed_ms: float
    indexed: int
    corpus_size: int
    plan: QueryPlan | None = field(default=None, repr=False)
    matcher: TokenMatcher | None = field(default=None, repr=False)
    every: int = 0
    some: int = 0


def snippet_of(results: SearchResults, hit: SearchHit) -> tuple[str, list[tuple[int, int]]]:
    """``(snippet, spans)`` of ``hit``: a window of ``hit.passage`` (the passage Enter
    opens, or the title) with the matched words highlighted; computed once per results."""
    if hit.snippets is not None:
        return hit.snippets.of(hit)
    return _make_snippet(hit, results.matcher)


def matcher_of(results: SearchResults, hit: SearchHit) -> TokenMatcher | None:
    """What ``hit``'s ranking counted (falls back to the query's expansions)."""
    return hit.matcher or results.matcher


@dataclass(slots=True)
class _Shortlist:
    """One segment's candidates after phrase alignment: docs and pre-scores."""

    view: SegmentView
    docs: I64
    pre: npt.NDArray[np.float64]


class SearchCancelled(Exception):  # noqa: N818 (the name agreed on BOARD.md)
    """Raised by :func:`search` when its ``cancel`` callback says the query is stale."""


def search(
    snapshot: IndexSnapshot,
    query: str,
    limit: int = 50,
    *,
    cancel: Callable[[], bool] | None = None,
    allowed: AbstractSet[str] | None = None,
) -> SearchResults:
    """Search ``snapshot`` for ``query``; never raises on any query text.

    ``cancel`` is asked between steps (after planning, between segments, before
    ranking); when it returns True the search stops with :class:`SearchCancelled`
    (a newer keystroke made this query stale). ``allowed`` (article keys) limits the
    search to those articles, as if the others were deleted: the counts, the
    shortlist and the ``limit`` best are all theirs (the app's unread and source
    filters), never the corpus' best filtered afterwards.
    """

    def check() -> None:
        if cancel is not None and cancel():
            raise SearchCancelled(query)

    started = time.perf_counter()
    views = [v for v in snapshot.views if v.live]
    if allowed is not None:
        views = [v for v in (_only(v, allowed) for v in views) if v.live]
    if not views or limit <= 0:
        return _results(snapshot, query, [], (0, 0), started, None)
    plan = plan_query(
        query,
        snapshot.vocab,
        snapshot.lexicon(),
        snapshot.vocab_size,
        [v.segment.ptr for v in views],
        [v.segment for v in views],
        snapshot.plans,
    )
    if not plan.words or not any(w.anchor_ids for w in plan.words):
        return _results(snapshot, query, [], (0, 0), started, plan)
    check()
    ctx = _Context(snapshot, plan)
    lists: list[_Shortlist] = []
    every = some = 0
    for view in views:
        check()
        counts, shortlist = _align_segment(view, ctx, limit)
        every += counts[0]
        some += counts[1]
        if shortlist is not None:
            lists.append(shortlist)
    # One global shortlist, so reranking cost does not grow with the number of segments.
    keep_n = max(3 * limit, RERANK_MIN)
    if sum(len(s.docs) for s in lists) > keep_n:
        pre = np.concatenate([s.pre for s in lists])
        chosen = np.zeros(len(pre), dtype=bool)
        chosen[np.argpartition(-pre, keep_n - 1)[:keep_n]] = True
        bounds = np.cumsum([0] + [len(s.docs) for s in lists])
        lists = [
            _Shortlist(s.view, s.docs[sel], s.pre[sel])
            for i, s in enumerate(lists)
            for sel in [chosen[bounds[i] : bounds[i + 1]]]
        ]
    check()
    matcher = matcher_for(plan, snapshot.vocab)
    snippets = _Snippets(matcher, ctx, snapshot.vocab)
    hits: list[SearchHit] = []
    lists = [s for s in lists if len(s.docs)]
    found = [
        prepare(s.view.segment, ctx.tables, ctx.edits, s.docs, ctx.hits, ctx.groups) for s in lists
    ]
    ctx.fixable = correctable(ctx.typed_seen)
    for s, m in zip(lists, found, strict=True):
        seg = s.view.segment
        ranked = rank_docs(seg, plan, m, ctx.fixable, ctx.idf, ctx.avg_len, s.docs, limit)
        for i in ranked.order:
            if ranked.keys[i].words == 0:
                break  # Only weak typo neighbours nothing holds in place: not a match.
            doc = int(s.docs[i])
            hits.append(
                SearchHit(
                    seg.doc_path(doc),
                    seg.doc_key(doc),
                    seg.doc_title(doc),
                    display_score(int(ranked.value[i])),
                    ranked.passage[i],
                    _Source(seg, doc, None, m, i),
                    snippets,
                    ranked.keys[i],
                    int(ranked.value[i]),
                )
            )
    # Ties go by key, then path: never by which segment an article landed in.
    hits.sort(key=lambda h: (-h.order, -(h.rank.bm25 if h.rank else 0.0), h.key, h.path))
    return _results(snapshot, query, hits[:limit], (every, some), started, plan, matcher)


def _only(view: SegmentView, allowed: AbstractSet[str]) -> SegmentView:
    """``view`` with every article outside ``allowed`` counted as deleted."""
    keys = view.segment.doc_keys()
    kept = np.fromiter((key in allowed for key in keys), dtype=bool, count=len(keys))
    return SegmentView(view.segment, view.deleted | ~kept)


def _results(
    snapshot: IndexSnapshot,
    query: str,
    hits: list[SearchHit],
    counts: tuple[int, int],
    started: float,
    plan: QueryPlan | None,
    matcher: TokenMatcher | None = None,
) -> SearchResults:
    elapsed = (time.perf_counter() - started) * 1000
    every, some = counts
    return SearchResults(
        query,
        hits,
        some,
        elapsed,
        snapshot.indexed,
        snapshot.corpus_size,
        plan,
        matcher,
        every=every,
        some=some,
    )


class _Context:
    """Per-query constants shared by all segments."""

    def __init__(self, snapshot: IndexSnapshot, plan: QueryPlan) -> None:
        self.plan = plan
        self.words = plan.words
        n = len(plan.words)
        self.n = n
        self.caps = [float(w.quality.max()) if len(w.quality) else 0.0 for w in plan.words]
        # Dense quality tables: one gather per word instead of a search per token.
        self.tables = []
        self.vocab_size = snapshot.vocab_size
        self.hits = np.zeros(snapshot.vocab_size + 1, dtype=bool)  # Terms some word matches.
        for word in plan.words:
            table = np.zeros(snapshot.vocab_size + 1, dtype=np.float32)
            inside = word.ids < snapshot.vocab_size
            table[word.ids[inside]] = word.quality[inside]
            self.tables.append(table)
            self.hits[word.ids[inside][word.quality[inside] > 0]] = True
        # Edits of each typo neighbour (rule 2): qualities alone cannot tell 1 from 2 edits.
        self.edits = []
        for word in plan.words:
            edits = np.zeros(snapshot.vocab_size + 1, dtype=np.uint8)
            inside = word.ids < snapshot.vocab_size  # Worked out with the plan (cached).
            edits[word.ids[inside]] = word.edits[inside]
            self.edits.append(edits)
        # A reading of a whole typed word (``nauy`` for ``na uy``) costs its edits from
        # what was typed once, on the group's first word (0 for the word as typed).
        # The word as typed (``nauy`` in «Nauy») is held as typed for rule 5 as well.
        self.groups: list[tuple[int, int, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]] = []
        for start, size, ids, costs in plan.groups:
            whole = np.zeros(snapshot.vocab_size + 1, dtype=bool)
            as_typed = np.zeros(snapshot.vocab_size + 1, dtype=bool)
            for gid, cost in zip(ids, costs, strict=True):
                if gid >= snapshot.vocab_size or start >= n:
                    continue
                whole[gid] = True
                as_typed[gid] = cost == 0
                for k in range(min(size, n - start)):
                    self.edits[start + k][gid] = cost if k == 0 else 0
            self.groups.append((start, size, whole, as_typed))
        self.readings = _readings(plan, n)
        self.a_max = _alignment_bound(self.caps)
        # "Perfect": every word matched as well as it can be (a completion counts for a prefix).
        self.perfect_sum = sum(
            min(cap, PREFIX) if w.rule.prefix else cap
            for cap, w in zip(self.caps, plan.words, strict=True)
        )
        self.perfect_found = 0  # Documents with a perfect alignment, over segments searched.
        self.avg_len = max(snapshot.avg_doc_len, 1.0)
        self.words_indexed = snapshot.with_words
        docs = max(snapshot.indexed, 1)

        def idf(df: int) -> float:
            return math.log(1.0 + (docs - df + 0.5) / (df + 0.5))

        self.idf = []
        for word in plan.words:
            if word.exact_id is not None:
                df = snapshot.doc_frequency(word.exact_id)
            else:
                df = max((snapshot.doc_frequency(g) for g in word.anchor_ids[:8]), default=0)
            self.idf.append(idf(df))
        self.compounds = [(gid, idf(snapshot.doc_frequency(gid))) for _, _, gid in plan.compounds]
        # Stage 1 counts a word in a doc when any term it may match is there (its
        # exact/prefix anchors, ``sure_ids`` and ``weak_ids``): an upper bound of rule 1.
        # The shortlist's estimate of rule 1 counts only the neighbours the rules count
        # without a phrase holding them (quality >= MATCH_MIN, ``sure_ids``); a weak one
        # (``weak_ids``) counts there only inside an alignment (see ``_DocState.found``).
        self.sure_ids = []
        self.weak_ids = []
        for word in plan.words:
            is_typo = word.quality < PREFIX - 1e-4
            extra = word.ids[is_typo].tolist()
            sure = set(word.ids[is_typo & (word.quality >= MATCH_MIN - 1e-4)].tolist())
            self.sure_ids.append(tuple(sorted(sure - set(word.anchor_ids))))
            self.weak_ids.append(tuple(sorted(set(extra) - sure - set(word.anchor_ids))))
        self.units = _every_units(plan)
        self.typed_seen = np.zeros(n, dtype=bool)  # Filled by the alignments (see _align).
        self.fixable = [True] * n  # Then: which words a phrase may correct (rules.correctable).
        misses = 1 if n <= 5 else 2 if n <= 9 else 3
        unmatched = sum(1 for w in plan.words if len(w.ids) == 0)
        order = sorted((w.cost, j) for j, w in enumerate(plan.words) if w.anchor_ids)
        budget = max(1, min(len(order), misses + 1 - unmatched))
        # An anchor with a handful of postings (``ieng``, once in the corpus: most likely
        # «tiếng» mistyped) costs nothing and may reach none of the articles meant: it
        # does not use up the budget, the next rarest word anchors too.
        free = 0
        while free < len(order) - budget and order[free][0] < FREE_ANCHOR:
            free += 1
        self.anchors = [j for _, j in order[: budget + free]]
        self.min_words = max(1, n - misses)


def _every_units(plan: QueryPlan) -> list[tuple[int, int, int]]:
    """The query's pyvi words chosen to count "every word": longest first, not overlapping.

    ``ha noi`` spells the corpus word ``ha_noi``: an article holds every word
    when it holds «Hà Nội», not «hà» in one sentence and «nói» in another.
    """
    taken: set[int] = set()
    units = []
    for start, length, gid in sorted(plan.compounds, key=lambda c: (-c[1], c[0])):
        span = set(range(start, start + length))
        if span & taken:
            continue
        exact = all(plan.words[j].exact_id is not None for j in span)
        if exact and not plan.words[start + length - 1].rule.prefix:
            taken |= span
            units.append((start, length, gid))
    return units


def _readings(plan: QueryPlan, n: int) -> list[I64]:
    """Where each query word sits in an alignment, one row of offsets per reading.

    The first is the query as searched: word ``j`` at offset ``j`` (and one more
    offset, the token after the last word, for its join bit). A word typed joined
    and searched as its syllables (``vietnam``: ``viet nam``) may sit in an article
    as one token («Vietnam»), standing for all of them (see
    :mod:`tui_reader.search.rules`): then the group's words all read that token and
    the words after it sit one offset earlier per syllable it stands for. One more
    reading per such group, and one with them all when there are several.
    """
    plain = np.arange(n + 1, dtype=np.int64)
    groups = [(start, size) for start, size, _, _ in plan.groups if start + size <= n]
    chosen = [[g] for g in groups] + ([groups] if len(groups) > 1 else [])
    out = [plain]
    for some in chosen:
        rows = plain.copy()
        for start, size in some:
            rows[start : start + size] = rows[start]
            rows[start + size :] -= size - 1
        out.append(rows)
    return out


def _alignment_bound(caps: list[float]) -> float:
    total = sum(caps)
    total += PAIR_BONUS * sum(min(a, b) for a, b in itertools.pairwise(caps))
    return total + WORD_BONUS * max(len(caps) - 1, 0)


def _align_segment(
    view: SegmentView, ctx: _Context, limit: int
) -> tuple[tuple[int, int], _Shortlist | None]:
    """Candidates of one segment with their alignment pre-scores.

    Anchors are the rarest query words, at most ``misses + 1`` of them: an
    article missing a word (a typo) is still aligned through another anchor.
    """
    seg = view.segment
    n_docs = seg.n_docs
    # 1. Documents holding enough query words (from short per-term doc lists).
    count = np.zeros(n_docs, dtype=np.uint8)  # Words a doc may match (rule 1, upper bound).
    held = np.zeros(n_docs, dtype=np.uint8)  # Words held as typed (or as a prefix).
    sure = np.zeros(n_docs, dtype=np.uint8)  # Words held as typed or by a sure neighbour.
    present: dict[int, npt.NDArray[np.bool_]] = {}
    for j, word in enumerate(ctx.words):
        mask = np.zeros(n_docs, dtype=bool)  # Docs of the word's rare terms.
        bits = np.zeros((n_docs + 7) // 8, dtype=np.uint8)  # Those of its common ones.
        _add_docs(seg, word.anchor_ids, mask, bits)
        typed = mask | np.unpackbits(bits, count=n_docs).view(bool)
        present[j] = typed
        held += typed
        so_far = typed  # The docs of the terms added so far (each step only adds docs).
        if ctx.sure_ids[j]:
            _add_docs(seg, ctx.sure_ids[j], mask, bits)
            so_far = mask | np.unpackbits(bits, count=n_docs).view(bool)
        sure += so_far
        if ctx.weak_ids[j]:
            _add_docs(seg, ctx.weak_ids[j], mask, bits)
            so_far = mask | np.unpackbits(bits, count=n_docs).view(bool)
        count += so_far
    if view.deleted.any():
        count[view.deleted] = 0
        held[view.deleted] = 0
        sure[view.deleted] = 0
    counts = _counts(seg, ctx, present, held, view.deleted)
    need = ctx.min_words
    cand_mask = count >= need
    while need > 1 and int(np.count_nonzero(cand_mask)) < limit:
        need -= 1
        cand_mask = count >= need
    n_cand = int(np.count_nonzero(cand_mask))
    if n_cand == 0:
        return counts, None
    # 2. Phrase alignments seeded by the rarest words. A later anchor only scans
    #    documents lacking every earlier one (those were aligned already).
    best = np.zeros(n_docs, dtype=np.float32)
    title = np.zeros(n_docs, dtype=np.float32)
    strength = np.zeros(n_docs, dtype=np.uint8)  # Most words matched well in one alignment.
    perfect = np.zeros(n_docs, dtype=bool)  # Every word matched as well as it can be.
    found = np.zeros(n_docs, dtype=np.uint8)  # Most words matched at all in one alignment.
    state = _DocState(best, title, strength, perfect, found)
    caps = list(ctx.caps)
    scan = cand_mask
    state.record = count >= ctx.min_words
    for anchor in ctx.anchors:
        word = ctx.words[anchor]
        chunks = [seg.postings(g) for g in word.anchor_ids]
        chunks = [c for c in chunks if len(c)]
        if chunks:
            keys = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
            keys = keys[scan[keys >> 16]][:MAX_ANCHOR_POSTINGS]
            docs = (keys >> 16).astype(np.int64)
            pos = (keys & 0xFFFF).astype(np.int64)
            if _align_in_parts(seg, ctx, anchor, docs, pos, state, limit):
                break  # Enough perfect phrase matches: nothing unseen can outrank them.
        # Later anchors look for alignments lacking this one; documents that
        # already have a strong alignment (all words but the allowed misses) skip that.
        state.record = None
        scan = cand_mask & (strength < ctx.min_words)
        caps[anchor] = word.rest_quality
        bound = _alignment_bound(caps)
        unseen = W_ALIGN * bound + W_TITLE * bound / ctx.a_max + W_COVER + W_BM25
        settled = W_ALIGN * best + W_TITLE * title / ctx.a_max > unseen
        if int(np.count_nonzero(settled)) >= limit or not scan.any():
            break
    ctx.perfect_found += int(np.count_nonzero(perfect))
    cand = np.flatnonzero(cand_mask)
    # Shortlist order, the rules' order as far as the index tells it cheaply: rule 1 as
    # the rules will count it (words held as typed or by a sure neighbour, or more in one
    # alignment: a weak neighbour counts only where a phrase holds it, «chưa từng có số»
    # for ``chau tung co so``), then the phrase alignment (rule 3), then the query's pyvi
    # words held anywhere (rule 5: only among equal alignments, never above a better one;
    # ``o dau khi`` is «ở đâu khi», not «dầu khí» somewhere), then words held as typed.
    words_est = np.minimum(np.maximum(sure[cand], found[cand]), count[cand])
    align = W_ALIGN * best[cand] + W_TITLE * title[cand] / ctx.a_max
    pre = words_est.astype(np.float64) * 1e9 + np.round(align * 10) * 1e4
    if ctx.plan.compounds:  # (Without, the term is 0.0: adding it changes nothing.)
        words = np.zeros(n_docs, dtype=np.float64)
        for _, _, gid in ctx.plan.compounds:
            words[seg.doc_list(gid)] += 1
        pre += np.minimum(words[cand], 99) * 100
    pre += held[cand]
    return counts, _Shortlist(view, cand, pre)


def _add_docs(
    seg: Segment, ids: Sequence[int], mask: npt.NDArray[np.bool_], bits: npt.NDArray[np.uint8]
) -> None:
    """Mark the docs of terms ``ids``: common terms OR their bitmaps, rare ones scatter."""
    for g in ids:
        row = seg.doc_bits(g)
        if row is None:
            mask[seg.doc_list(g)] = True
        else:
            np.bitwise_or(bits, row, out=bits)


def _counts(
    seg: Segment,
    ctx: _Context,
    present: dict[int, npt.NDArray[np.bool_]],
    held: npt.NDArray[np.uint8],
    deleted: npt.NDArray[np.bool_],
) -> tuple[int, int]:
    """Docs holding every query word and docs holding some, a word typed joined and searched
    as its syllables counting as one word, the query's pyvi words as words.

    ``hanoi`` (``ha noi``) is held by an article holding «Hanoi» or its syllables, as the
    pyvi word «Hà Nội» when the corpus has it: an article with «hà» alone holds none of
    the query; the others as in ``_every_units``. ``held`` counts the words present.
    """
    if not ctx.plan.splits:
        return _every(seg, ctx, held, deleted), int(np.count_nonzero(held))
    words: list[npt.NDArray[np.bool_]] = []
    grouped: set[int] = set()
    spelled = {(start, length): gid for start, length, gid in ctx.plan.compounds}
    for start, size in ctx.plan.splits:
        span = range(start, min(start + size, ctx.n))
        grouped.update(span)
        unit = np.logical_and.reduce([present[j] for j in span])
        gid = spelled.get((start, size))
        if gid is not None and not ctx.words[start + size - 1].rule.prefix:
            unit = _unit_docs(seg, ctx, start, size, gid)  # The word, or the whole token.
        words.append(unit)
    words += [present[j] for j in range(ctx.n) if j not in grouped]
    live = ~deleted
    every = np.logical_and.reduce(words) & live
    for start, length, gid in ctx.units:
        if not set(range(start, start + length)) & grouped:
            every &= _unit_docs(seg, ctx, start, length, gid)
    some = np.logical_or.reduce(words) & live
    return int(np.count_nonzero(every)), int(np.count_nonzero(some))


def _every(
    seg: Segment, ctx: _Context, held: npt.NDArray[np.uint8], deleted: npt.NDArray[np.bool_]
) -> int:
    """Docs holding every query word, the query's pyvi words as words (see ``_every_units``)."""
    every = held >= ctx.n
    if not ctx.units or not every.any():
        return int(np.count_nonzero(every))
    for start, length, gid in ctx.units:
        every &= _unit_docs(seg, ctx, start, length, gid)
    every &= ~deleted
    return int(np.count_nonzero(every))


def _unit_docs(
    seg: Segment, ctx: _Context, start: int, length: int, gid: int
) -> npt.NDArray[np.bool_]:
    """Docs holding the pyvi word ``gid`` the query words ``start`` .. spell, or the term
    they spell joined when that is a reading of them (``viet nam``: «Việt Nam», «Vietnam»)."""
    mask = np.zeros(seg.n_docs, dtype=bool)
    mask[seg.doc_list(gid)] = True
    for first, size, ids, _ in ctx.plan.groups:
        if (first, size) == (start, length):
            for whole in ids:
                if whole < ctx.vocab_size:
                    mask[seg.doc_list(whole)] = True
    return mask


@dataclass(slots=True)
class _DocState:
    """Per-document bests of one segment, updated in place by :func:`_align`."""

    best: F32
    title: F32
    strength: npt.NDArray[np.uint8]
    perfect: npt.NDArray[np.bool_]
    found: npt.NDArray[np.uint8]
    record: npt.NDArray[np.bool_] | None = None  # Docs whose typed words are recorded.


def _align_in_parts(
    seg: Segment, ctx: _Context, anchor: int, docs: I64, pos: I64, state: _DocState, limit: int
) -> bool:
    """Align an anchor's occurrences, titles first, then the body in chunks.

    Returns True once ``limit`` documents (in all segments so far) have a
    perfect alignment: for a common phrase the scan stops long before the end
    of the postings. Titles go first so no perfect title match is skipped.
    """
    in_title = pos < seg.tlen[docs]
    parts = [np.flatnonzero(in_title)]
    body = np.flatnonzero(~in_title)
    parts += [body[i : i + SCAN_CHUNK] for i in range(0, len(body), SCAN_CHUNK)]
    readings = ctx.readings[1:]  # The whole typed word as one token.
    offsets: list[I64] = []
    lo, span = 0, _OFFSETS[:0]
    if readings:
        # Every reading's window around the anchor, read from the index in one gather.
        offsets = [r - r[anchor] for r in ctx.readings]
        lo = min(int(o.min()) for o in offsets)
        span = np.arange(lo, max(int(o.max()) for o in offsets) + 1, dtype=np.int64)
    for i, part in enumerate(parts):
        if len(part):
            p_docs, p_pos = docs[part], pos[part]
            around = None
            if readings:
                around = seg.fwd.take((seg.dstart[p_docs] + p_pos)[None, :] + span[:, None])
            # The anchor sits in the title in the first part, in the body in the others.
            window = None if around is None else around[offsets[0] - lo]
            _align(seg, ctx, anchor, p_docs, p_pos - anchor, state, None, i == 0, window)
            for rows, at in zip(readings, offsets[1:], strict=True):
                assert around is not None
                window = around[at - lo]
                _align(seg, ctx, anchor, p_docs, p_pos - rows[anchor], state, rows, None, window)
            if ctx.perfect_found + int(np.count_nonzero(state.perfect)) >= limit:
                return True
    return False


def _high_bits(width: int) -> npt.NDArray[np.int8]:
    """Index of the highest set bit of every ``width``-bit number."""
    values = np.arange(1 << width)
    high = np.zeros(1 << width, dtype=np.int8)
    for bit in range(width):
        high[(values >> bit) & 1 == 1] = bit
    return high


_HIGH_BIT = _high_bits(12)
_OFFSETS = np.arange(MAX_QUERY_WORDS + 1, dtype=np.int64)  # A window: a query and one more.


def _align(
    seg: Segment,
    ctx: _Context,
    anchor: int,
    docs: I64,
    start: I64,
    state: _DocState,
    rows: I64 | None = None,
    titled: bool | None = None,
    window: npt.NDArray[np.uint32] | None = None,
) -> None:
    """Score every alignment ``(doc, start)`` and keep each doc's best (in place).

    ``rows``: the offset of each query word from ``start`` (one of ``ctx.readings``,
    see :func:`_readings`; default: word ``j`` at ``j``). ``window``: the tokens at
    those offsets when the caller read them already (one row per offset).

    Articles are padded with sentinel tokens in the forward index, so reading
    the window of an alignment that sticks out of its article needs no check.
    Most alignments of a common anchor match nothing else: they take a cheap
    path, and only those matching two or more words get the full treatment.
    """
    n = ctx.n
    # The whole window of every alignment in one gather (its token ids and join bits).
    plain = rows is None
    if rows is None:
        rows = _OFFSETS[: n + 1]
    if window is None:
        origin = seg.dstart[docs] + start
        window = seg.fwd.take(origin[None, :] + rows[:, None])
    ids = window[:n] & np.uint32(ID_MASK)
    m = np.empty((n, len(docs)), dtype=np.float32)
    for j in range(n):
        np.take(ctx.tables[j], ids[j], out=m[j])
    # The anchor matches (> 0) at every alignment, every quality is >= 0.3 and the sum
    # of non-negative floats never falls: the sum exceeds the anchor's quality exactly
    # when another word matches too (or, in a reading of a whole typed word, when the
    # anchor's token stands for more words of its group).
    total = m.sum(axis=0)
    multi = total > m[anchor]
    n_multi = int(np.count_nonzero(multi))
    if n_multi == 0:
        if plain:  # The anchor alone reads the same in every reading.
            _keep_single(seg, ctx, docs, start, anchor, m[anchor], state, titled)
        return
    if n_multi < len(docs):
        if plain:  # The single ones, in place: a multi one scores 0 there (max: no change).
            alone = np.where(multi, np.float32(0), m[anchor])
            _keep_single(seg, ctx, docs, start, anchor, alone, state, titled)
        which = np.flatnonzero(multi)
        docs, start, window, m = docs[which], start[which], window[:, which], m[:, which]
        score = total[which]
    else:
        score = total
    matched = m > 0
    np.maximum.at(state.found, docs, matched.sum(axis=0, dtype=np.uint8))
    if 1 < n < LINE and state.record is not None:
        # Words held as typed between their query neighbours as typed (rules.correctable:
        # it reads them only in queries shorter than a line, rules.LINE).
        # Only the first anchor's scan of the docs with enough words records them: what
        # it sees does not depend on how the corpus is split into segments.
        typed = m[:, state.record[docs]] >= PREFIX - 1e-4
        ctx.typed_seen |= typed.all(axis=0).any()
    state.perfect[docs[score >= ctx.perfect_sum - 1e-3]] = True
    if n > 1:
        score += PAIR_BONUS * np.minimum(m[:-1], m[1:]).sum(axis=0)
    if ctx.words_indexed:
        joins = window > np.uint32(ID_MASK)
        if n > 1:
            inner = joins[1:n] & (rows[1:n] != rows[: n - 1])[:, None]  # Not one token twice.
            inside = matched[:-1] & matched[1:] & inner
            cut = (matched[1:] ^ matched[:-1]) & inner
            score += WORD_BONUS * (
                inside.sum(axis=0, dtype=np.float32) - cut.sum(axis=0, dtype=np.float32)
            )
        score -= WORD_BONUS * (
            (matched[0] & joins[0]).astype(np.float32)
            + (matched[n - 1] & joins[n]).astype(np.float32)
        )
        np.maximum(score, np.float32(0.01), out=score)
    if n <= 12:
        packed = np.packbits(matched, axis=0, bitorder="little")  # Bit j: word j matched.
        bits = packed[0].astype(np.int64)
        if n > 8:
            bits |= packed[1].astype(np.int64) << 8
        last = _HIGH_BIT[bits].astype(np.int64)
    else:
        last = n - 1 - np.argmax(matched[::-1], axis=0)
    tlen = seg.tlen[docs].astype(np.int64)
    np.maximum.at(state.strength, docs, (m >= STRONG_MATCH).sum(axis=0, dtype=np.uint8))
    _keep(state, docs, score, start + rows[last] < tlen)


def _keep_single(
    seg: Segment,
    ctx: _Context,
    docs: I64,
    start: I64,
    anchor: int,
    score: F32,
    state: _DocState,
    titled: bool | None = None,
) -> None:
    """Alignments where only the anchor word matched (at ``start + anchor``); ``titled``:
    whether that is in the title for them all (True), for none (False), or to be told."""
    if ctx.min_words <= 1:  # Strength is only read against min_words: 1 tells only then.
        strong = docs[score >= STRONG_MATCH]
        state.strength[strong] = np.maximum(state.strength[strong], 1)
    if ctx.n == 1:
        state.perfect[docs[score >= ctx.perfect_sum - 1e-3]] = True
    if titled is None:
        _keep(state, docs, score, start + anchor < seg.tlen[docs])
        return
    np.maximum.at(state.best, docs, score)
    if titled:
        np.maximum.at(state.title, docs, score)


def _keep(state: _DocState, docs: I64, score: F32, in_title: npt.NDArray[np.bool_]) -> None:
    """Fold alignment scores into each document's best overall, and in its title."""
    np.maximum.at(state.best, docs, score)
    if in_title.any():
        np.maximum.at(state.title, docs[in_title], score[in_title])


def _make_snippet(
    hit: SearchHit, matcher: TokenMatcher | None
) -> tuple[str, list[tuple[int, int]]]:
    """The snippet of ``hit.passage`` (the title when None), centred on the best match."""
    source = hit.source
    if source is None or matcher is None:
        return "", []
    texts = source.segment.doc_texts(source.doc)
    index = 0 if hit.passage is None else hit.passage + 1
    if index >= len(texts):
        return "", []
    center = source.center if hit.passage is not None else None
    return make_snippet(texts[index], matcher, center)
