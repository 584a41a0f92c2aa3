"""From typed text to a query plan: each word and the vocabulary terms it may match.

Each query word (folded like the index) matches terms

* exactly (quality 1.0);
* by prefix when it is the last word and the query does not end in a space
  (the user is still typing; 0.9);
* fuzzily, by OSA edit distance over the vocabulary: one edit for words of 5+
  letters (0.7), two for 9+ (0.5). Vietnamese syllables are short, so words of
  3-4 letters also get one-edit neighbours: 0.6 when the word is not in the
  vocabulary at all (certainly a typo, like ``khog``), 0.35 when it is (a typo
  that made another real syllable, like ``khon`` for ``không``); words of 1-2
  letters get 0.5 / 0.3 the same way (``ht`` for ``hết``). Numbers are never
  fuzzy.

Expansion is capped (most frequent first) so one short prefix cannot blow up
a query. The :class:`MatchRule` of each word is vocabulary-free and is used to
highlight matches in any text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import OSA

from tui_reader.search.joined import Part, PhraseCounter, rewrite
from tui_reader.search.segment import Segment
from tui_reader.search.vocab import Lexicon, Vocabulary
from tui_reader.text.tokens import tokenize_folded

__all__ = [
    "MAX_QUERY_WORDS",
    "MatchRule",
    "PlanCache",
    "QueryPlan",
    "QueryWord",
    "fuzzy_budget",
    "plan_query",
]

MAX_QUERY_WORDS = 24
EXACT, PREFIX = 1.0, 0.9
FUZZY_1, FUZZY_2 = 0.7, 0.5
SHORT_OOV, SHORT_KNOWN = 0.6, 0.35
TINY_OOV, TINY_KNOWN = 0.5, 0.3  # One- and two-letter words (``o`` for ``ở``, ``ht``).
MAX_PREFIX_TERMS = 3000  # Completions checked in place (via the forward index).
MAX_PREFIX_ANCHORS = 24  # Completions whose postings may seed candidates.
MAX_FUZZY_TERMS = 32
MAX_FUZZY_LEN = 24


def fuzzy_budget(word: str, known: bool) -> tuple[int, float]:
    """``(max edits, quality)`` allowed for a folded query word."""
    if not any(c.isalpha() for c in word) or len(word) > MAX_FUZZY_LEN:
        return 0, 0.0
    n = len(word)
    if n >= 9:
        return 2, FUZZY_2
    if n >= 5:
        return 1, FUZZY_1
    if n >= 3:
        return 1, SHORT_KNOWN if known else SHORT_OOV
    return 1, TINY_KNOWN if known else TINY_OOV


@dataclass(frozen=True, slots=True)
class MatchRule:
    """How one query word matches a folded token, without needing a vocabulary."""

    text: str
    prefix: bool
    max_edits: int
    fuzzy_quality: float
    two_edit_quality: float = FUZZY_2

    def quality(self, token: str) -> float:
        """Match quality of ``token`` (0.0: no match)."""
        if token == self.text:
            return EXACT
        if self.prefix and token.startswith(self.text):
            return PREFIX
        if self.max_edits:
            dist = OSA.distance(self.text, token, score_cutoff=self.max_edits)
            if dist <= self.max_edits:
                return self.fuzzy_quality if dist == 1 else self.two_edit_quality
        return 0.0


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of the query and the term ids it matches, with their quality.

    ``ids`` is sorted, ``quality`` aligned with it. ``anchor_ids`` are the ids
    whose postings may seed candidate articles; ``rest_quality`` is the best
    quality among the others, which bounds what an alignment not seeded by
    this word can score for it.
    """

    rule: MatchRule
    ids: npt.NDArray[np.int64]
    quality: npt.NDArray[np.float32]
    anchor_ids: tuple[int, ...]
    rest_quality: float
    exact_id: int | None
    cost: int  # Postings behind ``anchor_ids``: how expensive this word is as a seed.
    #: Aligned with ``ids``: the edits (OSA, 1 or 2) of each typo neighbour and reading
    #: (quality below ``PREFIX``) from the word, 0 for the others.
    edits: npt.NDArray[np.uint8]

    @property
    def text(self) -> str:
        return self.rule.text


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A parsed query: words in order, and pyvi words formed by consecutive ones.

    ``compounds`` are ``(first word index, word count, term id)`` of index
    terms like ``ha_noi`` spelled by the query (used for BM25 and to prefer
    matches that fall on word boundaries).

    ``words`` are the words searched for, which are not always the words
    typed (see :mod:`tui_reader.search.joined`): ``rewrites`` lists
    ``(typed, searched)`` pairs such as ``("thanhhoa", "thanh hoa")`` or
    ``("face book", "facebook")``.

    ``groups`` are ``(first word index, word count, term ids, edits)`` of the
    words cut from one typed word (``nauy``: ``na uy``) and the readings of that
    whole word (``nauy`` itself, its typo neighbours) with the edits each is from
    what was typed: one such token stands for the group's words at consecutive
    positions, and its edits count once (:mod:`tui_reader.search.rules`).
    """

    query: str
    words: tuple[QueryWord, ...]
    compounds: tuple[tuple[int, int, int], ...] = field(default=())
    rewrites: tuple[tuple[str, str], ...] = field(default=())
    groups: tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...] = field(default=())
    #: ``(first word index, word count)`` of the words cut from one typed word, every such
    #: run (``thanhhoa``: ``thanh hoa``), whether or not the whole word is also a term.
    splits: tuple[tuple[int, int], ...] = field(default=())

    @property
    def rules(self) -> tuple[MatchRule, ...]:
        return tuple(w.rule for w in self.words)


def query_words(query: str) -> tuple[list[str], bool]:
    """Folded words of ``query`` (capped) and whether the last one is still being typed."""
    words = tokenize_folded(query[:2000])[:MAX_QUERY_WORDS]
    stripped = query.rstrip()
    typing = bool(words) and stripped == query and bool(stripped) and stripped[-1].isalnum()
    return words, typing


def rules_for(query: str) -> tuple[MatchRule, ...]:
    """Vocabulary-free match rules (for highlighting and the in-memory filter)."""
    words, typing = query_words(query)
    rules = []
    for i, word in enumerate(words):
        edits, quality = fuzzy_budget(word, known=True)
        if len(word) < 3:
            edits = 0  # Highlighting every syllable one letter away from "o" helps nobody.
        elif edits == 1 and len(word) < 5:
            quality = SHORT_OOV
        rules.append(MatchRule(word, typing and i == len(words) - 1, edits, quality))
    return tuple(rules)


class PlanCache:
    """Planned query words of one snapshot, kept across its queries (least recent out).

    A query typed key by key repeats its words (``hoi nghi thuong d``, then
    ``hoi nghi thuong di``): each is expanded over the vocabulary once. A word's
    plan depends on the segments searched (their term frequencies rank its
    expansions), so the key holds them; the snapshot that owns the cache keeps
    them alive. Thread-safe.
    """

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._words: OrderedDict[tuple[object, ...], QueryWord] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> QueryWord | None:
        with self._lock:
            word = self._words.get(key)
            if word is not None:
                self._words.move_to_end(key)
            return word

    def put(self, key: tuple[object, ...], word: QueryWord) -> None:
        with self._lock:
            self._words[key] = word
            while len(self._words) > self._size:
                self._words.popitem(last=False)


class _Frequencies:
    """Collection frequency of term ids across a snapshot's segments."""

    def __init__(self, ptrs: list[npt.NDArray[np.int64]]) -> None:
        self._ptrs = ptrs

    def of(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        total = np.zeros(len(ids), dtype=np.int64)
        for ptr in self._ptrs:
            inside = ids < len(ptr) - 1
            sel = ids[inside]
            total[inside] += np.asarray(ptr[sel + 1]) - np.asarray(ptr[sel])
        return total


def plan_query(
    query: str,
    vocab: Vocabulary,
    lexicon: Lexicon,
    size: int,
    ptrs: list[npt.NDArray[np.int64]],
    segments: Sequence[Segment] = (),
    cache: PlanCache | None = None,
) -> QueryPlan:
    """Expand ``query`` over the vocabulary (ids below ``size``).

    ``ptrs`` are the segments' postings pointers, used to rank expansions by
    frequency and to cost each word as a candidate seed. With ``segments``
    (the same segments), words typed joined or split are rewritten first
    (:mod:`tui_reader.search.joined`: ``thanhhoa`` is searched as ``thanh hoa``).
    ``cache`` keeps expanded words for later queries on the same vocabulary and
    segments (see :class:`PlanCache`).
    """
    typed, typing = query_words(query)
    freq = _Frequencies(ptrs)
    parts = [Part(word, typing and i == len(typed) - 1, i) for i, word in enumerate(typed)]
    if segments:
        counter = PhraseCounter(
            segments, lambda ids: freq.of(np.asarray(ids, dtype=np.int64)), vocab, size
        )
        parts = rewrite(typed, typing, vocab, lexicon, size, counter)[:MAX_QUERY_WORDS]
    where = (size, *(id(ptr) for ptr in ptrs))
    planned = []
    for p in parts:
        key = (*where, p.text, p.prefix, p.extra)
        word = cache.get(key) if cache is not None else None
        if word is None:
            word = _expand(p.text, p.prefix, vocab, lexicon, size, freq, p.extra)
            if cache is not None:
                cache.put(key, word)
        planned.append(word)
    words = [p.text for p in parts]
    compounds = []
    for start in range(len(words)):
        for length in range(2, 5):
            if start + length > len(words):
                break
            gid = vocab.get("_".join(words[start : start + length]), size)
            if gid is not None:
                compounds.append((start, length, gid))
    return QueryPlan(
        query,
        tuple(planned),
        tuple(compounds),
        _rewrites(typed, parts),
        _groups(typed, parts, vocab),
        _splits(parts),
    )


def _splits(parts: list[Part]) -> tuple[tuple[int, int], ...]:
    """The runs of two parts or more cut from one typed word (see :class:`QueryPlan`)."""
    out = []
    start = 0
    while start < len(parts):
        end = start + 1
        while end < len(parts) and parts[end].typed == parts[start].typed:
            end += 1
        if end - start > 1 and parts[start].span == 1:  # Not two words typed apart.
            out.append((start, end - start))
        start = end
    return tuple(out)


def _groups(
    typed: list[str], parts: list[Part], vocab: Vocabulary
) -> tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...]:
    """The runs of parts cut from one typed word, with its whole-word readings (see
    :class:`QueryPlan`); edits are from the typed word, at most 2."""
    out = []
    start = 0
    while start < len(parts):
        end = start + 1
        first = parts[start]
        while end < len(parts) and parts[end].typed == first.typed and first.whole:
            end += 1
        if end - start > 1 and first.whole:
            word = "".join(typed[first.typed : first.typed + first.span])
            edits = tuple(min(OSA.distance(word, vocab.term(g)), 2) for g in first.whole)
            out.append((start, end - start, first.whole, edits))
        start = end
    return tuple(out)


def _rewrites(typed: list[str], parts: list[Part]) -> tuple[tuple[str, str], ...]:
    """``(typed, searched)`` for every typed word (or pair) searched differently."""
    searched: dict[int, tuple[int, list[str]]] = {}
    for part in parts:
        searched.setdefault(part.typed, (part.span, []))[1].append(part.text)
    out = []
    for i, (span, texts) in sorted(searched.items()):
        was, now = " ".join(typed[i : i + span]), " ".join(texts)
        if was != now:
            out.append((was, now))
    return tuple(out)


def _expand(
    word: str,
    prefix: bool,
    vocab: Vocabulary,
    lexicon: Lexicon,
    size: int,
    freq: _Frequencies,
    extra: tuple[tuple[int, float], ...] = (),
) -> QueryWord:
    exact = vocab.get(word, size)
    alts: dict[int, float] = {}
    anchors: set[int] = set()
    if exact is not None:
        alts[exact] = EXACT
        anchors.add(exact)
    for gid, quality in extra:  # A rewrite's own readings (the joined term, a corrected part).
        if gid < size and alts.get(gid, 0.0) < quality:
            alts[gid] = quality
            anchors.add(gid)
    if prefix:
        completions = lexicon.prefix_ids(word)
        completions = completions[completions < size]
        if len(completions):
            counts = freq.of(completions)
            order = np.argsort(-counts, kind="stable")[:MAX_PREFIX_TERMS]
            for rank, gid in enumerate(completions[order].tolist()):
                if gid not in alts:
                    alts[gid] = PREFIX
                    if rank < MAX_PREFIX_ANCHORS:
                        anchors.add(gid)
    edits, quality = fuzzy_budget(word, known=exact is not None)
    distance: dict[int, int] = {}
    if edits:
        found = [(g, d) for g, d in lexicon.neighbours(word, edits) if g < size and g not in alts]
        distance = dict(found)
        if found:
            ids = np.array([g for g, _ in found], dtype=np.int64)
            counts = freq.of(ids)
            dists = np.array([d for _, d in found], dtype=np.int64)
            # Nearest first, then most frequent, then as found (a stable sort).
            ranked = np.lexsort((-counts, dists)).tolist()
            if len(word) == 1:
                # The other letters (``q`` for «u») do not take the room of the two-letter
                # words holding this one (``u`` for «eu»): the cap is for the latter.
                letters = [k for k in ranked if len(vocab.term(found[k][0])) == 1]
                others = [k for k in ranked if len(vocab.term(found[k][0])) != 1]
                ranked = letters + others[:MAX_FUZZY_TERMS]
            seed = exact is None  # Known words seed by themselves; other anchors cover typos.
            for k in ranked[: len(ranked) if len(word) == 1 else MAX_FUZZY_TERMS]:
                gid, dist = found[k]
                alts[gid] = quality if dist == 1 else FUZZY_2
                if seed:
                    anchors.add(gid)
    ids = np.array(sorted(alts), dtype=np.int64)
    qualities = np.array([alts[g] for g in ids.tolist()], dtype=np.float32)
    ids.setflags(write=False)  # Shared by later queries through a PlanCache.
    qualities.setflags(write=False)
    rest = max((q for g, q in alts.items() if g not in anchors), default=0.0)
    anchor_ids = tuple(sorted(anchors))
    cost = int(freq.of(np.array(anchor_ids, dtype=np.int64)).sum()) if anchor_ids else 0
    rule = MatchRule(word, prefix, edits, quality)
    typos = np.zeros(len(ids), dtype=np.uint8)
    fuzzy = np.flatnonzero(qualities < PREFIX - 1e-4)
    if len(fuzzy):
        measured = np.array([distance.get(g, -1) for g in ids[fuzzy].tolist()], dtype=np.int64)
        for i in np.flatnonzero(measured < 0).tolist():  # A rewrite's reading: measured here.
            measured[i] = OSA.distance(word, vocab.term(int(ids[fuzzy[i]])))
        typos[fuzzy] = np.minimum(np.maximum(measured, 1), 2)
    typos.setflags(write=False)
    return QueryWord(rule, ids, qualities, anchor_ids, rest, exact, cost, typos)
