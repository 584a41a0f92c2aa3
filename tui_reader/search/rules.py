"""Ranking rules: the order people judge results in, as one lexicographic key.

The shortlisted articles of a query (see :mod:`tui_reader.search.engine`) are
ordered by these rules, each one only breaking the ties of the ones before it
(buckets, like Meilisearch's ranking rules, never a weighted blend in which a
later rule could out-vote an earlier one):

1. **words**: how many query words the article holds (more first), so an
   article with every word beats any phrase of some of them;
2. **typo**: edits needed for the words not held as typed (fewer first);
3. **proximity**: the tightest window holding the words in any order, then
   the most words in one in-order alignment (the phrase), then how close
   consecutive query words are: for each pair, 1 when adjacent and in order,
   the distance otherwise (one more when reversed), at most 8 (lower first);
   then how many words of that phrase needed a correction (the best phrase as
   typed against it, fewer first): «là đêm biểu diễn» for ``la dem bieu``
   before «Đô La đem siêu xe», and both before the words scattered;
4. **attribute**: the most query words in one in-order alignment inside the
   title (two or more: the title reads what was typed), then the most of them
   as whole words (not a prefix of the word being typed, not a correction),
   then query words anywhere in the title, then in the lead passage (more
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
  (``re thue que`` typed as keywords is no «về quê»); in a two-word query,
  only when the corpus never holds the pair as typed (:func:`correctable`).

A neighbour held in place by the phrase is a corrected typo, not a worse
match: it costs no typo (rule 2), only rule 3's last step and exactness
(rule 5); so ``ro ri khon thoat`` still puts «rò rỉ không thoát» above
articles holding «khôn» and the others scattered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tui_reader.search.highlight import TokenMatcher
from tui_reader.search.query import MAX_QUERY_WORDS, PREFIX, MatchRule, QueryPlan
from tui_reader.search.segment import ID_MASK, Segment
from tui_reader.search.vocab import Vocabulary

__all__ = [
    "LINE",
    "MATCH_MIN",
    "HitMatcher",
    "RankKey",
    "Ranked",
    "correctable",
    "display_score",
    "hit_matcher",
    "prepare",
    "rank_docs",
]

MATCH_MIN = 0.5  # A typo neighbour at least this good counts without a neighbour holding it.
LINE = 3  # Query words in a line, as typed but one, that make a weak neighbour a correction.
MAX_PAIR = 8  # Proximity cost of a pair of query words far apart (or one missing).
BM25_K1, BM25_B, BM25_HALF = 1.2, 0.75, 6.0
_EPS = 1e-4
_W = MAX_QUERY_WORDS + 1  # Radix of a count of query words (0 .. MAX_QUERY_WORDS).
_COMPOUNDS = 8  # Radix of rule 5's pyvi words held (more than 7 count as 7).
_LOW_BITS = 58  # Rules 2-5, packed below ``words`` (see ``_pack``).

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
    corrections: int
    attribute: int
    exactness: int
    bm25: float

    def sort_value(self) -> int:
        """Rules 1-5 packed into one integer, larger first (BM25 breaks its ties)."""
        return int(
            _pack(
                np.array([self.words]),
                np.array([self.typos]),
                np.array([self.gap]),
                np.array([self.phrase]),
                np.array([self.proximity]),
                np.array([self.corrections]),
                np.array([self.attribute]),
                np.array([self.exactness]),
            )[0]
        )


@dataclass(slots=True)
class Ranked:
    """The shortlisted docs of one segment with their keys and the passage each opens at."""

    docs: I64
    value: I64  # Rules 1-5 packed, larger first (see ``RankKey.sort_value``).
    order: list[int]  # Indexes into ``docs`` of the best ``top``, best first.
    keys: dict[int, RankKey]  # For those: their bucket values.
    passage: dict[int, int | None]  # For those: the passage each opens at.


class _Matches:
    """Where the query words match in some docs (one pass, vectorised, sparse).

    The docs are laid end to end, one sentinel token after each (no adjacency
    across docs): "flat" positions. Only the positions some query word matches
    at all are kept, as sorted columns ``pos`` (a few percent of the tokens of
    the ~200 shortlisted docs, for rare words), with the doc each belongs to
    (``owner``, an index into ``docs``) and its offset there (``local``); every
    per-word array (``q``, ``typed``, ``strong``, ``held``, later ``counted``)
    is over those columns. A token no word matches can change no decision, so
    this decides what a pass over every token would (tests/search/test_rules_sparse.py).
    """

    def __init__(
        self,
        seg: Segment,
        tables: Sequence[F32],
        edit_tables: Sequence[U8],
        docs: I64,
        hits: Bools | None = None,
        groups: Sequence[tuple[int, int, Bools, Bools]] = (),
    ) -> None:
        n = len(tables)
        lens = seg.doc_len[docs].astype(np.int64)
        starts = np.asarray(seg.dstart, dtype=np.int64)[docs]
        span = lens + 1  # One sentinel token after each doc (the padding after it in ``fwd``).
        base = np.zeros(len(docs), dtype=np.int64)
        np.cumsum(span[:-1], out=base[1:])
        fwd = seg.fwd
        ends = (starts + span).tolist()
        raw = (
            np.concatenate([fwd[a:b] for a, b in zip(starts.tolist(), ends, strict=True)])
            if len(docs)
            else np.zeros(0, dtype=np.uint32)
        )
        self.raw = raw  # Every flat token: its id, and the join bit (pyvi word continues).
        ids = raw & np.uint32(ID_MASK)
        if hits is None:
            pos = np.flatnonzero(np.logical_or.reduce([t[ids] > 0 for t in tables]))
        else:
            pos = np.flatnonzero(hits.take(ids))
        tokens = ids[pos].astype(np.int64)
        owner = np.searchsorted(base, pos, side="right") - 1
        self.n, self.k = n, len(docs)
        self.pos, self.tokens, self.owner = pos, tokens, owner
        self.local = pos - base[owner]
        self.base, self.lens = base, lens
        # Columns of each doc: owner is sorted, doc i owns bounds[i]:bounds[i + 1].
        self.bounds = np.searchsorted(owner, np.arange(len(docs) + 1))
        self._positions(groups)
        c = len(pos)
        q = np.empty((n, c), dtype=np.float32)
        for j, table in enumerate(tables):
            np.take(table, tokens, out=q[j])
        self.q = q
        strong = q >= MATCH_MIN
        typed = q >= PREFIX - _EPS  # As typed (or as the prefix being typed).
        whole = q >= 1.0 - _EPS  # As typed, whole: not a prefix of a longer word.
        for j, same in enumerate(self.as_typed):
            if same is not None:  # The whole typed word («Vietnam» for ``vietnam``): as typed.
                reading = same & (q[j] > 0)
                typed[j] |= reading
                whole[j] |= reading
        self.typed = typed
        self.whole = whole
        # Held in place: in a line of query words as typed (or as sure typos of long or
        # unknown words: two typos in a line are still a phrase).
        sure = typed | strong
        held = np.zeros_like(strong)
        line = min(LINE, n)
        if n > 1 and c:
            # The column at flat position pos + d (when some word matches there): a
            # lookup over the flat positions, padded so that pos + d never wraps.
            # No column there: column ``c``, where no word is sure (one False past the end).
            pad = line - 1
            col_of = np.full(len(raw) + 2 * pad, c, dtype=np.int32)
            col_of[pos + pad] = np.arange(c, dtype=np.int32)
            shifted = {d: col_of[pos + (pad + d)] for d in range(1 - line, line) if d}
            sure_at = np.zeros((n, c + 1), dtype=bool)
            sure_at[:, :c] = sure
            for a in range(n - line + 1):  # Words a .. a + line - 1, in order and adjacent.
                for j in range(a, a + line):
                    others = [k for k in range(a, a + line) if k != j]
                    # Word k sits k - j tokens after word j.
                    ok = sure_at[others[0]][shifted[others[0] - j]]
                    for k in others[1:]:
                        ok &= sure_at[k][shifted[k - j]]
                    held[j] |= ok
        held &= q > 0
        self.strong = strong
        self.held = held
        self.edit_tables = edit_tables
        self._phrase_keys: tuple[int, list[I64]] | None = None
        self._counted_at: tuple[Bools, list[tuple[I64, I64, I64] | None]] | None = None

    def _positions(self, groups: Sequence[tuple[int, int, Bools, Bools]]) -> None:
        """Each word's positions for proximity and the phrase (``wpos``, ``wlocal``).

        A token reading a whole typed word (``groups``: «Nauy» for ``na uy``) stands
        for the group's words at consecutive positions: it counts as that many
        tokens, the tokens after it shift, and the group's k-th word sits k after it.
        ``as_typed[j]``: the columns where such a token is the word as typed (rule 5).
        """
        self.wpos: list[I64] = [self.pos] * self.n
        self.wlocal: list[I64] = [self.local] * self.n
        self.vlens = self.lens
        self.as_typed: list[Bools | None] = [None] * self.n
        if not groups or not len(self.pos):
            return
        extra = np.zeros(len(self.pos), dtype=np.int64)
        hit = []
        for start, size, table, typed_table in groups:
            same = typed_table[self.tokens]
            for k in range(size):
                if start + k < self.n:
                    self.as_typed[start + k] = same
            found = table[self.tokens]
            hit.append(found)
            np.maximum(extra, found * (size - 1), out=extra)
        if not extra.any():
            return
        cum = np.zeros(len(extra) + 1, dtype=np.int64)
        np.cumsum(extra, out=cum[1:])
        vpos = self.pos + cum[:-1]
        vlocal = self.local + cum[:-1] - cum[self.bounds[self.owner]]
        self.vlens = self.lens + cum[self.bounds[1:]] - cum[self.bounds[:-1]]
        self.wpos = [vpos] * self.n
        self.wlocal = [vlocal] * self.n
        for (start, size, _, _), found in zip(groups, hit, strict=True):
            for k in range(1, size):
                if start + k < self.n:
                    self.wpos[start + k] = vpos + k * found
                    self.wlocal[start + k] = vlocal + k * found

    def joined(self, flat: I64) -> Bools:
        """Whether the token at each flat position continues the previous one's pyvi word
        (False past the end)."""
        inside = flat < len(self.raw)
        joined: Bools = (self.raw[np.where(inside, flat, 0)] > np.uint32(ID_MASK)) & inside
        return joined

    def at(self, j: int, flat: I64) -> Bools:
        """Whether query word ``j`` is counted at each flat position (after :meth:`resolve`)."""
        where = self.pos[self.counted[j]]
        if not len(where):
            return np.zeros(len(flat), dtype=bool)
        idx = np.searchsorted(where, flat)
        found: Bools = (idx < len(where)) & (where[np.minimum(idx, len(where) - 1)] == flat)
        return found

    def per_doc_any(self, mask: Bools | I64) -> Bools:
        """Per doc: whether ``mask`` (over columns, or column indexes) holds anywhere in it."""
        out = np.zeros(self.k, dtype=bool)
        out[self.owner[mask]] = True
        return out

    def phrase_keys(self) -> tuple[int, list[I64]]:
        """Per word, each column's alignment start as one sortable key (doc, start), and
        the key's width per doc (see :func:`_phrase_words`); made once."""
        if self._phrase_keys is None:
            n = self.n
            width = int(self.vlens.max()) + 2 * n + 2
            first = self.owner * width + n
            keys = [first + (self.wlocal[j] - j) for j in range(n)]
            self._phrase_keys = (width, keys)
        return self._phrase_keys

    def counted_at(self, j: int) -> tuple[I64, I64, I64]:
        """Word ``j``'s counted columns (after :meth:`resolve`), their positions for
        proximity (``wpos``) and their docs; made once per ``counted``."""
        cache = self._counted_at
        if cache is None or cache[0] is not self.counted:
            cache = self._counted_at = (self.counted, [None] * self.n)
        done = cache[1][j]
        if done is None:
            cols = np.flatnonzero(self.counted[j])
            done = cache[1][j] = (cols, self.wpos[j][cols], self.owner[cols])
        return done

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
        c = q.shape[1]
        # Every word at once: the (word, column) pairs it matches at all, sorted by word,
        # each in the group ``word * k + doc``.
        flat = np.flatnonzero(q > 0)
        word = flat // max(c, 1)
        col = flat - word * c
        group = word * k + owner[col]
        qv = q.ravel()[flat]
        typed = self.typed.ravel()[flat]
        good = typed | held.ravel()[flat]
        has_good = np.zeros(n * k, dtype=bool)
        has_good[group[good]] = True
        ok = self.strong.ravel()[flat] & ~has_good[group]
        best_ok = np.zeros(n * k, dtype=q.dtype)
        np.maximum.at(best_ok, group[ok], qv[ok])
        at_best = ok & (np.abs(qv - best_ok[group]) < _EPS)
        counted = np.zeros_like(self.strong)
        counted.ravel()[flat[good | at_best]] = True
        matched = (has_good | (best_ok > 0)).reshape(n, k)
        exact = np.zeros((n, k), dtype=bool)
        exact.ravel()[group[qv >= 1.0 - _EPS]] = True
        for j, same in enumerate(self.as_typed):
            if same is not None:  # The whole typed word, where it is what counts.
                exact[j][owner[same & counted[j]]] = True
        has_typed = np.zeros(n * k, dtype=bool)
        has_typed[group[typed]] = True
        corrected = (has_good & ~has_typed).reshape(n, k)  # Best: a neighbour held in place.
        edits = np.zeros((n, k), dtype=np.int64)
        if at_best.any():
            fewest = np.full(n * k, 255, dtype=np.int64)
            best_at = np.flatnonzero(at_best)
            cost = np.empty(len(best_at), dtype=np.int64)
            bounds = np.searchsorted(word[best_at], np.arange(n + 1))
            for j in range(n):
                lo, hi = int(bounds[j]), int(bounds[j + 1])
                if lo < hi:
                    cost[lo:hi] = self.edit_tables[j][tokens[col[best_at[lo:hi]]]]
            np.minimum.at(fewest, group[best_at], cost)
            # Typo neighbours cost 1-2 edits; a whole-word reading may cost 0 here
            # (its edits count once, on its group's first word).
            edits = np.where(best_ok > 0, fewest, 0).reshape(n, k)
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
    corrections: I64,
    attr: I64,
    exactness: I64,
) -> I64:
    """Rules 1-5 in one integer, larger first: ``words`` above ``_LOW_BITS`` bits holding the
    others as mixed-radix digits (each part clipped to its radix; the radices multiply to
    less than ``2**_LOW_BITS``, and 5 + 58 bits fit an int64)."""
    rest = np.zeros(len(words), dtype=np.int64)
    for part, radix, lower_first in (
        (typos, 16, True),
        (gap, 64, True),
        (phrase, _W, False),
        (prox, (_W - 2) * MAX_PAIR + 1, True),
        (corrections, 16, True),
        (attr, _W**4, False),
        (exactness, _W * _COMPOUNDS, False),
    ):
        top = radix - 1
        clipped = np.minimum(np.maximum(part, 0), top).astype(np.int64)  # np.clip: slow.
        rest = rest * radix + (top - clipped if lower_first else clipped)
    return words.astype(np.int64) * (1 << _LOW_BITS) + rest


def display_score(value: int) -> float:
    """A packed key (``_pack``) as a number to show: the query words held, plus a fraction
    in [0, 1) that grows with the later rules (rounded: order by the key itself)."""
    return value / float(1 << _LOW_BITS)


def _window_gaps(m: _Matches, words: I64) -> I64:
    """Per doc, tokens between the matched words in the tightest window holding them all.

    Any order (rule 3's first part): ``0`` when they are contiguous. Around each
    occurrence of the two rarest words a doc holds, the nearest occurrence of
    every other word; at most twice the true tightest window, and exact in the
    usual cases.
    """
    # Flat positions: sorted, docs never interleave.
    where = [m.counted_at(j)[1] for j in range(m.n)]
    owners = [m.counted_at(j)[2] for j in range(m.n)]
    big = np.int64(1 << 30)
    best = np.full(m.k, big, dtype=np.int64)
    present = [j for j in range(m.n) if len(where[j])]
    # Each word's positions between two sentinels of no doc (owner -1): the occurrence
    # before and after any position are then always there to read.
    no = np.array([-1], dtype=np.int64)
    padded = {
        j: (np.concatenate((no, where[j], no)), np.concatenate((no, owners[j], no)))
        for j in present
    }
    for rank, a in enumerate(sorted(present, key=lambda j: len(where[j]))):
        p, own = where[a], owners[a]
        if rank >= 2:  # Only for docs holding neither of the two rarest words.
            keep = best[own] == big
            p, own = p[keep], own[keep]
            if not len(p):
                continue
        lo, hi = p.copy(), p.copy()
        for j in present:
            if j == a:
                continue
            q, qown = padded[j]
            ib = np.searchsorted(where[j], p)  # In ``q``: the one before; ib + 1 the one after.
            ia = ib + 1
            after, before = q[ia], q[ib]
            ok_after = qown[ia] == own
            ok_before = qown[ib] == own
            d_after = np.where(ok_after, after - p, big)
            d_before = np.where(ok_before, p - before, big)
            chosen = np.where(d_after <= d_before, after, before)
            chosen = np.where(ok_after | ok_before, chosen, p)  # Neither: changes nothing.
            np.minimum(lo, chosen, out=lo)
            np.maximum(hi, chosen, out=hi)
        np.minimum.at(best, own, hi - lo + 1)
    return np.where(best < big, np.maximum(best - words, 0), 127)


def _phrase_words(m: _Matches, counted: Bools | None = None) -> I64:
    """Per doc, the most query words found in one in-order alignment (holes allowed).

    Pairs close together can come from three different sentences; the phrase
    is one place holding the words at their offsets (rule 3's first part).
    ``counted`` (default: what counts) limits which matches may form it.
    """
    width, keys = m.phrase_keys()
    chosen = m.counted if counted is None else counted
    every = np.concatenate([keys[j][chosen[j]] for j in range(m.n)])
    best = np.zeros(m.k, dtype=np.int64)
    if len(every):
        # One sorted run per word (columns are in flat order): a stable sort merges them.
        every.sort(kind="stable")
        edges = np.flatnonzero(every[1:] != every[:-1]) + 1
        firsts = np.concatenate(([0], edges))
        counts = np.diff(np.concatenate((firsts, [len(every)])))
        np.maximum.at(best, every[firsts] // width, counts)
    return best


def _pair_costs(m: _Matches) -> I64:
    """Per doc, the proximity cost summed over consecutive query words (rule 3)."""
    total = np.zeros(m.k, dtype=np.int64)
    where = [m.counted_at(j)[1] for j in range(m.n)]
    owners = [m.counted_at(j)[2] for j in range(m.n)]
    no = np.array([-1], dtype=np.int64)
    for j in range(m.n - 1):
        a, b = where[j], where[j + 1]
        oa, ob = owners[j], owners[j + 1]
        cost = np.full(m.k, MAX_PAIR, dtype=np.int64)
        if len(a) and len(b):
            # ``b`` between two sentinels of no doc (owner -1): index i of ``b`` is i + 1.
            bp = np.concatenate((no, b, no))
            obp = np.concatenate((no, ob, no))
            at = np.searchsorted(b, a, side="right") + 1  # The first of ``b`` after.
            pb = bp[at]
            same = obp[at] == oa
            np.minimum.at(cost, oa[same], np.minimum(pb - a, MAX_PAIR)[same])
            at = np.searchsorted(b, a, side="left")  # The last of ``b`` before (or at).
            pb = bp[at]
            same = (obp[at] == oa) & (pb < a)
            np.minimum.at(cost, oa[same], np.minimum(a - pb + 1, MAX_PAIR)[same])
        total += cost
    return total


def prepare(
    seg: Segment,
    tables: Sequence[F32],
    edit_tables: Sequence[U8],
    docs: I64,
    hits: Bools | None = None,
    groups: Sequence[tuple[int, int, Bools, Bools]] = (),
) -> _Matches:
    """The query words' matches in ``docs`` of ``seg`` (see :func:`correctable`).

    ``hits`` (optional, over term ids): the terms any query word matches, i.e. some
    ``tables[j] > 0``; without it, it is worked out from the tables per token.
    """
    return _Matches(seg, tables, edit_tables, docs, hits, groups)


def correctable(typed_seen: Bools) -> list[bool]:
    """Which query words a phrase holding them in place may correct.

    In a query of three words or more, every word: a correction needs a line of
    three query words in place, and it ranks below the phrase as typed (rule 3's
    last step), so ``khong qua can`` puts «không qua cần» above «không quân
    Canada», and both above the three words scattered. In a two-word query the
    line is the other word alone, thin evidence: not a word the corpus holds as
    typed beside the other as typed (``typed_seen``, gathered by the engine's
    phrase alignments): ``sapa la`` is «Sapa (Lào Cai)» or «Sa Pa», never «Sara
    lạc trôi».
    """
    if len(typed_seen) >= LINE:
        return [True] * len(typed_seen)
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
        return Ranked(docs, np.zeros(0, dtype=np.int64), [], {}, {})
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
        seg.pstart[np.minimum(pptr[docs] + 1, len(seg.pstart) - 1)].astype(np.int64),
        m.lens,
    )
    in_title = m.local < tlen[m.owner]
    in_lead = ~in_title & (m.local < lead_end[m.owner])
    title_words = np.zeros(m.k, dtype=np.int64)
    lead_words = np.zeros(m.k, dtype=np.int64)
    for j in range(n):
        title_words += m.per_doc_any(m.counted[j] & in_title)
        lead_words += m.per_doc_any(m.counted[j] & in_lead)
    # The most words in one in-order alignment inside the title first: the title that
    # reads what was typed («người tình đã có vợ» for ``nguoi tinh d``) before a title
    # holding the same words scattered («Đọc ... người tình kiếp trước»); then the most of
    # them as whole words (``can bo va``: «cán bộ và» before «cán bộ Văn phòng»).
    if n > 1:  # A phrase is two words or more (one is title_words' business).
        title_phrase = _phrase_words(m, m.counted & in_title)
        title_whole = _phrase_words(m, m.counted & in_title & m.whole)
        title_phrase[title_phrase < 2] = 0
        title_whole[title_whole < 2] = 0
    else:
        title_phrase = title_words
        title_whole = m.per_doc_any(m.counted[0] & in_title & m.whole[0]).astype(np.int64)
    attr = ((title_phrase * _W + title_whole) * _W + title_words) * _W + lead_words
    words_as_typed = m.exact.sum(axis=0).astype(np.int64)
    compounds = np.minimum(_compounds_held(m, plan), _COMPOUNDS - 1)
    exactness = words_as_typed * _COMPOUNDS + compounds
    bm25 = _bm25(m, idf, avg_len)
    # Rule 3's last step: the best phrase as typed, against the best phrase with corrections.
    # As typed: the whole typed word too («Vietnam» for ``vietnam``, see ``_Matches``).
    as_typed = _phrase_words(m, m.counted & m.typed) if n > 1 else phrase
    corrections = np.maximum(phrase - as_typed, 0)
    value = _pack(words, typos, gap, phrase, prox, corrections, attr, exactness)
    order = np.lexsort((-bm25, -value))[:top].tolist()
    keys = {
        i: RankKey(
            int(words[i]),
            int(typos[i]),
            int(gap[i]),
            int(phrase[i]),
            int(prox[i]),
            int(corrections[i]),
            int(attr[i]),
            int(exactness[i]),
            float(bm25[i]),
        )
        for i in order
    }
    passages = _passages(seg, m, docs, in_title, order)
    return Ranked(docs, value, order, keys, passages)


def _compounds_held(m: _Matches, plan: QueryPlan) -> I64:
    """How many of the query's pyvi words each doc holds as a word (rule 5)."""
    held = np.zeros(m.k, dtype=np.int64)
    for start, length, _ in plan.compounds:
        if start + length > m.n:
            continue
        cols = np.flatnonzero(m.counted[start])
        first = m.pos[cols]
        ok = ~m.joined(first)
        for step in range(1, length):
            nxt = first + step
            ok &= m.at(start + step, nxt) & m.joined(nxt)
        # The word ends there (not «Hà nội dung» for ``ha noi``). The tokens of a whole
        # chain lie in one doc, so the token after it is at worst that doc's sentinel.
        after = first[ok] + length
        ok[ok] = ~m.joined(after) & (after < len(m.raw))
        held += m.per_doc_any(cols[ok])
    return held


def _bm25(m: _Matches, idf: Sequence[float], avg_len: float) -> F64:
    norm = BM25_K1 * (1 - BM25_B + BM25_B * m.lens / max(avg_len, 1.0))
    score = np.zeros(m.k, dtype=np.float64)
    for j in range(m.n):
        tf = np.bincount(m.owner[m.counted[j]], minlength=m.k).astype(np.float64)
        score += idf[j] * tf * (BM25_K1 + 1) / (tf + norm)
    return score


def _passages(
    seg: Segment, m: _Matches, docs: I64, in_title: Bools, which: list[int]
) -> dict[int, int | None]:
    """The body passage holding the most distinct counted words (first on ties), or None.

    For all of ``which`` at once: every counted body token is placed in its passage
    with one search over the chosen docs' passage starts (offset per doc so they
    stay sorted), then distinct (passage, word) pairs are counted.
    """
    out: dict[int, int | None] = dict.fromkeys(which)
    if not which:
        return out
    rows = np.asarray(which, dtype=np.int64)
    lo, hi = m.bounds[rows], m.bounds[rows + 1]
    sizes = hi - lo
    row = np.repeat(np.arange(len(rows), dtype=np.int64), sizes)
    cols = np.arange(int(sizes.sum()), dtype=np.int64) + np.repeat(lo - _starts(sizes), sizes)
    body = (m.counted[:, cols].any(axis=0)) & ~in_title[cols]
    cols, row = cols[body], row[body]
    if not len(cols):
        return out
    # Passage starts of the chosen docs, row r's shifted by r << 16 (positions fit in 16 bits).
    first = np.asarray(seg.pptr, dtype=np.int64)[docs[rows]]
    count = np.asarray(seg.pptr, dtype=np.int64)[docs[rows] + 1] - first
    starts_at = _starts(count)
    prow = np.repeat(np.arange(len(rows), dtype=np.int64), count)
    index = np.arange(int(count.sum()), dtype=np.int64) + np.repeat(first - starts_at, count)
    keys = seg.pstart[index].astype(np.int64) + (prow << 16)  # Index first: pstart is uint32.
    at = np.searchsorted(keys, m.local[cols] + (row << 16), side="right") - 1
    inside = at >= starts_at[row]  # Not before the doc's first passage.
    cols, at = cols[inside], at[inside]
    n = m.n
    pairs = np.unique(np.concatenate([at[m.counted[j][cols]] * n + j for j in range(n)]))
    passage, words = np.unique(pairs // n, return_counts=True)
    # Per doc: most words first, then the first passage.
    order = np.lexsort((passage, -words, prow[passage]))
    take = order[np.r_[True, prow[passage[order]][1:] != prow[passage[order]][:-1]]]
    for g in passage[take].tolist():
        r = int(prow[g])
        out[which[r]] = g - int(starts_at[r])
    return out


def _starts(sizes: I64) -> I64:
    """Where each of consecutive runs of ``sizes`` starts."""
    starts = np.zeros(len(sizes), dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    return starts


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
                0 <= i + k - j < size and inside[k][i + k - j] for k in range(a, a + line) if k != j
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


def hit_matcher(m: _Matches, row: int, plan: QueryPlan, vocab: Vocabulary) -> HitMatcher:
    """The :class:`HitMatcher` of doc ``row`` of ``m``: what the rules counted there.

    ``m`` is the shortlist's :class:`_Matches` after :func:`rank_docs` resolved it,
    so the highlight reads the very decisions the ranking made (and a shown row
    costs a slice of its columns, not a second pass over its doc).
    """
    lo, hi = int(m.bounds[row]), int(m.bounds[row + 1])
    n = m.n
    counted = m.counted[:, lo:hi]
    tokens = m.tokens[lo:hi]
    terms: list[dict[str, float]] = []
    pinned: list[set[str]] = [set() for _ in range(n)]
    lined: list[set[str]] = [set() for _ in range(n)]
    for j in range(n):
        cols = counted[j]
        found: dict[str, float] = {}
        for gid, quality, held in zip(
            tokens[cols].tolist(),
            m.q[j, lo:hi][cols].tolist(),
            m.held[j, lo:hi][cols].tolist(),
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
        first = m.pos[lo:hi][counted[start]]
        ok = np.ones(len(first), dtype=bool)
        for step in range(1, length):
            ok &= m.at(start + step, first + step)
        if ok.any():  # The article holds the word: its syllables match only together.
            for j in range(start, start + length):
                pinned[j].update(terms[j])
    return HitMatcher(
        plan.rules, terms, [frozenset(p) for p in pinned], [frozenset(x) for x in lined]
    )
