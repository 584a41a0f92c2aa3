"""Ranking rules: the order people judge results in, as one lexicographic key.

The shortlisted articles of a query (see :mod:`tui_reader.search.engine`) are
ordered by these rules, each one only breaking the ties of the ones before it
(buckets, like Meilisearch's ranking rules, never a weighted blend in which a
later rule could out-vote an earlier one):

1. **words**: how many query words the article holds (more first), so an
   article with every word beats any phrase of some of them;
2. **typo**: edits needed for the words not held as typed (fewer first);
3. **proximity**: how close consecutive query words are, in any order: for
   each pair, 1 when adjacent and in order, the distance otherwise (one more
   when reversed), at most 8 (lower first);
4. **attribute**: query words in the title, then in the lead passage (more
   first);
5. **exactness**: words matched as typed rather than as a typo or a prefix,
   then the query's pyvi words (``ha_noi``) held as words (more first);

then BM25 over the counted matches, only to order articles all rules tie.

What counts as a match of query word *w* in one article (the same rule picks
what is highlighted in the list, the snippet and the opened article, see
:class:`HitMatcher`):

* a token matching *w* as typed (folded) or as a prefix of the last word;
* a typo neighbour (quality >= ``MATCH_MIN``: a word of 5+ letters or an
  unknown word one edit away), only when the article holds no token of the
  first kind: an article with «thượng» does not also match ``thuong`` on
  «thống» or «tướng»;
* a weaker neighbour (a short real syllable one edit away, ``khon`` for
  «không»), only where the phrase holds it in place: in a line of ``LINE``
  consecutive query words (fewer in a shorter query) whose others sit at
  their offsets as typed or as sure typos; one neighbour is not enough
  (``re thue que`` typed as keywords is no «về quê»).

A neighbour held in place by the phrase is a corrected typo, not a worse
match: it costs no typo (rule 2), only exactness (rule 5); so ``ro ri khon
thoat`` still puts «rò rỉ không thoát» above articles holding «khôn» and the
others scattered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tui_reader.search.highlight import TokenMatcher
from tui_reader.search.query import PREFIX, MatchRule, QueryPlan
from tui_reader.search.segment import ID_MASK, Segment
from tui_reader.search.vocab import Vocabulary

__all__ = [
    "LINE",
    "MATCH_MIN",
    "HitMatcher",
    "RankKey",
    "Ranked",
    "correctable",
    "hit_matcher",
    "prepare",
    "rank_docs",
]

MATCH_MIN = 0.5  # A typo neighbour at least this good counts without a neighbour holding it.
LINE = 3  # Query words in a line, as typed but one, that make a weak neighbour a correction.
MAX_PAIR = 8  # Proximity cost of a pair of query words far apart (or one missing).
BM25_K1, BM25_B, BM25_HALF = 1.2, 0.75, 6.0
_EPS = 1e-4

I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class RankKey:
    """One article's bucket values, rule by rule (see the module doc)."""

    words: int
    typos: int
    gap: int
    phrase: int
    proximity: int
    attribute: int
    exactness: int
    bm25: float

    def sort_value(self) -> float:
        """Rules 1-5 packed into one float, larger first (BM25 breaks its ties)."""
        return float(
            _pack(
                np.array([self.words]),
                np.array([self.typos]),
                np.array([self.gap]),
                np.array([self.phrase]),
                np.array([self.proximity]),
                np.array([self.attribute]),
                np.array([self.exactness]),
            )[0]
        )


@dataclass(slots=True)
class Ranked:
    """The shortlisted docs of one segment with their keys and the passage each opens at."""

    docs: I64
    value: F64  # Rules 1-5 packed, larger first (see ``RankKey.sort_value``).
    keys: list[RankKey]
    order: list[int]  # Indexes into ``docs`` of the best ``top``, best first.
    passage: dict[int, int | None]  # For those: the passage each opens at.


class _Matches:
    """Which tokens of some docs count as a match of each query word (one pass, vectorised)."""

    def __init__(
        self, seg: Segment, tables: Sequence[F32], edit_tables: Sequence[U8], docs: I64
    ) -> None:
        n = len(tables)
        lens = seg.doc_len[docs].astype(np.int64)
        starts = np.asarray(seg.dstart, dtype=np.int64)[docs]
        span = lens + 1  # One sentinel token after each doc: no adjacency across docs.
        base = np.concatenate([[0], np.cumsum(span)[:-1]]).astype(np.int64)
        total = int(span.sum())
        index = np.repeat(starts - base, span) + np.arange(total, dtype=np.int64)
        raw = seg.fwd[index]
        tokens = (raw & np.uint32(ID_MASK)).astype(np.int64)
        self.n, self.k = n, len(docs)
        self.tokens = tokens
        self.joined = raw > np.uint32(ID_MASK)  # Token continues the previous one's pyvi word.
        self.owner = np.repeat(np.arange(len(docs), dtype=np.int64), span)
        self.local = np.arange(total, dtype=np.int64) - np.repeat(base, span)
        self.base, self.lens = base, lens
        q = np.empty((n, total), dtype=np.float32)
        for j, table in enumerate(tables):
            np.take(table, tokens, out=q[j])
        self.q = q
        strong = q >= MATCH_MIN
        typed = q >= PREFIX - _EPS  # As typed (or as the prefix being typed).
        self.typed = typed
        # Held in place: in a line of query words as typed (or as sure typos of long or
        # unknown words: two typos in a line are still a phrase).
        sure = typed | strong
        held = np.zeros_like(strong)
        line = min(LINE, n)
        if n > 1:
            for a in range(n - line + 1):  # Words a .. a + line - 1, in order and adjacent.
                for j in range(a, a + line):
                    ok = np.ones(total, dtype=bool)
                    for k in range(a, a + line):
                        if k == j:
                            continue
                        d = k - j  # Word k sits d tokens after word j.
                        shifted = np.zeros(total, dtype=bool)
                        if d > 0:
                            shifted[:-d] = sure[k, d:]
                        else:
                            shifted[-d:] = sure[k, :d]
                        ok &= shifted
                    held[j] |= ok
        held &= q > 0
        self.strong = strong
        self.held = held
        self.edit_tables = edit_tables

    def per_doc_any(self, mask: Bools) -> Bools:
        """Per doc: whether ``mask`` holds anywhere in its tokens (one reduction, no sort)."""
        return np.logical_or.reduceat(mask, self.base)

    def resolve(self, correctable: Sequence[bool]) -> None:
        """Decide what counts, with held-in-place corrections only for ``correctable`` words.

        Sparse: every mask here implies ``q[j] > 0``, so each word's work runs over
        the tokens it matches at all (a few per doc), not over every token of every
        shortlisted doc (tests/search/test_rules_sparse.py holds it to the same decision
        made over every token).
        """
        n, k, q, tokens, owner = self.n, self.k, self.q, self.tokens, self.owner
        held = self.held & np.asarray(correctable, dtype=bool)[:, None]
        self.held = held
        counted = np.zeros_like(self.strong)
        matched = np.zeros((n, k), dtype=bool)
        corrected = np.zeros((n, k), dtype=bool)  # Best match is a neighbour held in place.
        edits = np.zeros((n, k), dtype=np.int64)
        exact = np.zeros((n, k), dtype=bool)
        for j in range(n):
            nz = np.flatnonzero(q[j] > 0)
            own = owner[nz]
            qv = q[j][nz]
            typed = self.typed[j][nz]
            good = typed | held[j][nz]
            has_good = np.zeros(k, dtype=bool)
            has_good[own[good]] = True
            ok = self.strong[j][nz] & ~has_good[own]
            best_ok = np.zeros(k, dtype=q.dtype)
            np.maximum.at(best_ok, own[ok], qv[ok])
            at_best = ok & (np.abs(qv - best_ok[own]) < _EPS)
            counted[j][nz[good | at_best]] = True
            matched[j] = has_good | (best_ok > 0)
            exact[j][own[qv >= 1.0 - _EPS]] = True
            has_typed = np.zeros(k, dtype=bool)
            has_typed[own[typed]] = True
            corrected[j] = has_good & ~has_typed
            if at_best.any():
                fewest = np.full(k, 255, dtype=np.int64)
                cost = self.edit_tables[j][tokens[nz[at_best]]].astype(np.int64)
                np.minimum.at(fewest, own[at_best], cost)
                edits[j] = np.where(best_ok > 0, np.maximum(fewest, 1), 0)
        self.counted = counted
        self.matched = matched
        self.corrected = corrected
        self.edits = edits
        self.exact = exact


def _pack(
    words: I64,
    typos: I64,
    gap: I64,
    phrase: I64,
    prox: I64,
    attr: I64,
    exactness: I64,
) -> F64:
    """Rules 1-5 in one float, larger first: ``words`` is the integer part (exact, 52 bits)."""
    value = words.astype(np.float64)
    low = 0
    for part, bits, lower_first in (
        (typos, 6, True),
        (gap, 7, True),
        (phrase, 5, False),
        (prox, 9, True),
        (attr, 10, False),
        (exactness, 10, False),
    ):
        top = (1 << bits) - 1
        clipped = np.clip(part, 0, top).astype(np.float64)
        value = value * (1 << bits) + (top - clipped if lower_first else clipped)
        low += bits
    return value / float(1 << low)


def _window_gaps(m: _Matches, words: I64) -> I64:
    """Per doc, tokens between the matched words in the tightest window holding them all.

    Any order (rule 3's first part): ``0`` when they are contiguous. Around each
    occurrence of the two rarest words a doc holds, the nearest occurrence of
    every other word; at most twice the true tightest window, and exact in the
    usual cases.
    """
    where = [np.flatnonzero(m.counted[j]) for j in range(m.n)]
    big = np.int64(1 << 30)
    best = np.full(m.k, big, dtype=np.int64)
    present = [j for j in range(m.n) if len(where[j])]
    for rank, a in enumerate(sorted(present, key=lambda j: len(where[j]))):
        p = where[a]
        if rank >= 2:  # Only for docs holding neither of the two rarest words.
            p = p[best[m.owner[p]] == big]
            if not len(p):
                continue
        own = m.owner[p]
        lo, hi = p.copy(), p.copy()
        for j in present:
            if j == a:
                continue
            q = where[j]
            idx = np.searchsorted(q, p)
            after = q[np.minimum(idx, len(q) - 1)]
            before = q[np.maximum(idx - 1, 0)]
            ok_after = (idx < len(q)) & (m.owner[after] == own)
            ok_before = (idx > 0) & (m.owner[before] == own)
            d_after = np.where(ok_after, after - p, big)
            d_before = np.where(ok_before, p - before, big)
            chosen = np.where(d_after <= d_before, after, before)
            valid = ok_after | ok_before
            lo = np.where(valid, np.minimum(lo, chosen), lo)
            hi = np.where(valid, np.maximum(hi, chosen), hi)
        np.minimum.at(best, own, hi - lo + 1)
    return np.where(best < big, np.maximum(best - words, 0), 127)


def _phrase_words(m: _Matches) -> I64:
    """Per doc, the most query words found in one in-order alignment (holes allowed).

    Pairs close together can come from three different sentences; the phrase
    is one place holding the words at their offsets (rule 3's first part).
    """
    width = int(m.lens.max()) + 2 * m.n + 2
    keys = []
    for j in range(m.n):
        where = np.flatnonzero(m.counted[j])
        keys.append(m.owner[where] * width + (m.local[where] - j + m.n))
    every = np.concatenate(keys)
    best = np.zeros(m.k, dtype=np.int64)
    if len(every):
        starts, counts = np.unique(every, return_counts=True)
        np.maximum.at(best, starts // width, counts)
    return best


def _pair_costs(m: _Matches) -> I64:
    """Per doc, the proximity cost summed over consecutive query words (rule 3)."""
    total = np.zeros(m.k, dtype=np.int64)
    where = [np.flatnonzero(m.counted[j]) for j in range(m.n)]
    for j in range(m.n - 1):
        a, b = where[j], where[j + 1]
        cost = np.full(m.k, MAX_PAIR, dtype=np.int64)
        if len(a) and len(b):
            after = np.searchsorted(b, a, side="right")
            ok = after < len(b)
            if ok.any():
                pa, pb = a[ok], b[after[ok]]
                same = m.owner[pa] == m.owner[pb]
                d = np.minimum(pb - pa, MAX_PAIR)
                np.minimum.at(cost, m.owner[pa[same]], d[same])
            before = np.searchsorted(b, a, side="left") - 1
            ok = before >= 0
            if ok.any():
                pa, pb = a[ok], b[before[ok]]
                same = (m.owner[pa] == m.owner[pb]) & (pb < pa)
                d = np.minimum(pa - pb + 1, MAX_PAIR)
                np.minimum.at(cost, m.owner[pa[same]], d[same])
        total += cost
    return total


def prepare(seg: Segment, tables: Sequence[F32], edit_tables: Sequence[U8], docs: I64) -> _Matches:
    """The query words' matches in ``docs`` of ``seg`` (see :func:`correctable`)."""
    return _Matches(seg, tables, edit_tables, docs)


def correctable(typed_seen: Bools) -> list[bool]:
    """Which query words a phrase holding them in place may correct.

    Not a word the corpus holds as typed between its query neighbours as typed
    (``typed_seen``, gathered by the engine's phrase alignments): ``khong qua
    can`` is «không qua cần», so «không quân Canada» is no correction of it.
    """
    return [not bool(x) for x in typed_seen]


def rank_docs(
    seg: Segment,
    plan: QueryPlan,
    m: _Matches,
    fixable: Sequence[bool],
    idf: Sequence[float],
    avg_len: float,
    docs: I64,
    top: int,
) -> Ranked:
    """Rank ``docs`` of ``seg`` by the rules; pick the passage the best ``top`` open at."""
    if len(docs) == 0:
        return Ranked(docs, np.zeros(0), [], [], {})
    m.resolve(fixable)
    n = m.n
    words = m.matched.sum(axis=0).astype(np.int64)
    typos = np.where(m.matched & ~m.corrected, m.edits, 0).sum(axis=0).astype(np.int64)
    prox = _pair_costs(m) if n > 1 else np.zeros(m.k, dtype=np.int64)
    phrase = _phrase_words(m) if n > 1 else words
    gap = _window_gaps(m, words) if n > 1 else np.zeros(m.k, dtype=np.int64)
    tlen = seg.tlen[docs].astype(np.int64)
    pptr = np.asarray(seg.pptr, dtype=np.int64)
    lead_end = np.where(
        pptr[docs + 1] - pptr[docs] > 1,
        np.asarray(seg.pstart, dtype=np.int64)[np.minimum(pptr[docs] + 1, len(seg.pstart) - 1)],
        m.lens,
    )
    in_title = m.local < tlen[m.owner]
    in_lead = ~in_title & (m.local < lead_end[m.owner])
    title_words = np.zeros(m.k, dtype=np.int64)
    lead_words = np.zeros(m.k, dtype=np.int64)
    for j in range(n):
        title_words += m.per_doc_any(m.counted[j] & in_title)
        lead_words += m.per_doc_any(m.counted[j] & in_lead)
    attr = title_words * 32 + lead_words
    words_as_typed = m.exact.sum(axis=0).astype(np.int64)
    compounds = _compounds_held(m, plan)
    exactness = words_as_typed * 32 + compounds
    bm25 = _bm25(m, idf, avg_len)
    value = _pack(words, typos, gap, phrase, prox, attr, exactness)
    keys = [
        RankKey(int(w), int(t), int(g), int(f), int(p), int(a), int(e), float(b))
        for w, t, g, f, p, a, e, b in zip(
            words.tolist(),
            typos.tolist(),
            gap.tolist(),
            phrase.tolist(),
            prox.tolist(),
            attr.tolist(),
            exactness.tolist(),
            bm25.tolist(),
            strict=True,
        )
    ]
    order = np.lexsort((-bm25, -value))[:top].tolist()
    passages = _passages(seg, m, docs, in_title, order)
    return Ranked(docs, value, keys, order, passages)


def _compounds_held(m: _Matches, plan: QueryPlan) -> I64:
    """How many of the query's pyvi words each doc holds as a word (rule 5)."""
    held = np.zeros(m.k, dtype=np.int64)
    for start, length, _ in plan.compounds:
        if start + length > m.n:
            continue
        ok = m.counted[start] & ~m.joined
        for step in range(1, length):
            nxt = np.zeros_like(ok)
            nxt[:-step] = m.counted[start + step][step:] & m.joined[step:]
            ok &= nxt
        ends = np.zeros_like(ok)  # The word ends there (not «Hà nội dung» for ``ha noi``).
        ends[:-length] = ~m.joined[length:]
        ok &= ends
        held += m.per_doc_any(ok)
    return held


def _bm25(m: _Matches, idf: Sequence[float], avg_len: float) -> F64:
    norm = BM25_K1 * (1 - BM25_B + BM25_B * m.lens / max(avg_len, 1.0))
    score = np.zeros(m.k, dtype=np.float64)
    for j in range(m.n):
        tf = np.add.reduceat(m.counted[j].astype(np.int64), m.base).astype(np.float64)
        score += idf[j] * tf * (BM25_K1 + 1) / (tf + norm)
    return score


def _passages(
    seg: Segment, m: _Matches, docs: I64, in_title: Bools, which: list[int]
) -> dict[int, int | None]:
    """The body passage holding the most distinct counted words (first on ties), or None."""
    out: dict[int, int | None] = {}
    any_counted = m.counted.any(axis=0) & ~in_title
    for i in which:
        doc = int(docs[i])
        lo = int(m.base[i])
        hi = lo + int(m.lens[i])
        body = np.flatnonzero(any_counted[lo:hi])
        if len(body) == 0:
            out[i] = None
            continue
        starts = np.asarray(seg.pstart[int(seg.pptr[doc]) : int(seg.pptr[doc + 1])], np.int64)
        pid = np.searchsorted(starts, body, side="right") - 1
        best, best_count = None, 0
        for p in np.unique(pid[pid >= 0]).tolist():
            tokens = body[pid == p] + lo
            count = int(m.counted[:, tokens].any(axis=1).sum())
            if count > best_count:
                best, best_count = p, count
        out[i] = best
    return out


class HitMatcher(TokenMatcher):
    """The matches one hit's ranking counted, to highlight in its title, snippet and article.

    ``terms[j]`` are the folded terms counted as query word ``j`` in this
    article; a term in ``pinned[j]`` is lit only beside a match of a
    neighbouring query word: the query's pyvi words (``ha noi``) when the
    article holds them together (then «Hà Nội» is the match, not every «nói»
    and «hạ» around it). A term in ``lined[j]`` is a weak neighbour the
    ranking took as a correction: lit, as it was counted, only in a line of
    ``LINE`` query words in place (:class:`_Matches`), not beside just one.
    """

    per_article = True

    def __init__(
        self,
        rules: Sequence[MatchRule],
        terms: Sequence[dict[str, float]],
        pinned: Sequence[frozenset[str]],
        lined: Sequence[frozenset[str]],
    ) -> None:
        known: dict[str, float] = {}
        for found in terms:
            for term, quality in found.items():
                known[term] = max(known.get(term, 0.0), quality)
        super().__init__(rules, known, closed=True)
        self.terms = tuple(dict(t) for t in terms)
        self.pinned = tuple(pinned)
        self.lined = tuple(lined)

    def _in_line(self, inside: list[list[bool]], j: int, i: int) -> bool:
        """Whether token ``i`` as word ``j`` sits in a line of query words in place."""
        n, size = len(self.terms), len(inside[0])
        line = min(LINE, n)
        for a in range(max(0, j - line + 1), min(j, n - line) + 1):
            if all(
                0 <= i + k - j < size and inside[k][i + k - j]
                for k in range(a, a + line)
                if k != j
            ):
                return True
        return False

    def marks(self, tokens: Sequence[str]) -> list[bool]:
        n = len(self.terms)
        inside = [[t in self.terms[j] for t in tokens] for j in range(n)]
        lit = [False] * len(tokens)
        for j in range(n):
            pinned, lined = self.pinned[j], self.lined[j]
            for i, token in enumerate(tokens):
                if not inside[j][i] or lit[i]:
                    continue
                if token in lined and token not in pinned:
                    lit[i] = self._in_line(inside, j, i)
                elif (
                    token not in pinned
                    or (j > 0 and i > 0 and inside[j - 1][i - 1])
                    or (j + 1 < n and i + 1 < len(tokens) and inside[j + 1][i + 1])
                ):
                    lit[i] = True
        return lit


def hit_matcher(
    seg: Segment,
    plan: QueryPlan,
    tables: Sequence[F32],
    edit_tables: Sequence[U8],
    fixable: Sequence[bool],
    vocab: Vocabulary,
    doc: int,
) -> HitMatcher:
    """The :class:`HitMatcher` of one doc: what the rules counted there."""
    m = _Matches(seg, tables, edit_tables, np.array([doc], dtype=np.int64))
    m.resolve(fixable)
    n = m.n
    terms: list[dict[str, float]] = []
    pinned: list[set[str]] = [set() for _ in range(n)]
    lined: list[set[str]] = [set() for _ in range(n)]
    for j in range(n):
        where = np.flatnonzero(m.counted[j])
        found: dict[str, float] = {}
        for gid, quality, held in zip(
            m.tokens[where].tolist(),
            m.q[j][where].tolist(),
            m.held[j][where].tolist(),
            strict=True,
        ):
            term = vocab.term(gid)
            found[term] = max(found.get(term, 0.0), quality)
            if quality < PREFIX - _EPS and held:
                lined[j].add(term)
        terms.append(found)
    for start, length, _ in plan.compounds:
        if start + length > n:
            continue
        ok = m.counted[start].copy()
        for step in range(1, length):
            nxt = np.zeros_like(ok)
            nxt[:-step] = m.counted[start + step][step:]
            ok &= nxt
        if ok.any():  # The article holds the word: its syllables match only together.
            for j in range(start, start + length):
                pinned[j].update(terms[j])
    return HitMatcher(
        plan.rules, terms, [frozenset(p) for p in pinned], [frozenset(x) for x in lined]
    )
