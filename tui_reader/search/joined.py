"""Words typed joined or split: ``thanhhoa`` for "Thanh Hóa", ``face book`` for "Facebook".

People type names without the space (``hanoi``, ``ngoctrinh``, ``hochiminh``)
and sometimes split a word the corpus writes as one (``you tube``). Before a
query is planned, :func:`rewrite` reads each typed word against the index:

* **Split.** A word that cuts into two to four syllables of the vocabulary
  (one of them may carry one typo when the word has 5+ letters:
  ``thanhhoaa``, ``ngoctrin``) is searched as those syllables, a phrase, when
  that phrase occurs in the corpus clearly more often than the word itself
  (or its typo neighbours, or its completions while it is being typed).
  Phrase counts come from the positional postings of the syllables; an upper
  bound (the rarest syllable's frequency) skips every split that cannot win,
  so an ordinary word such as ``thanh`` costs a few dictionary look-ups.
  When the joined word is itself an index term (``vietnam`` in "Vietnam
  Airlines"), both readings are kept: every part also matches the joined
  term, so an article holding either reading holds every query word.
* **Join.** Two consecutive words whose concatenation is an index term
  (``facebook``) that occurs clearly more often than the two words as a
  phrase are searched as that one term.

Nothing else changes: ordinary words pass through untouched, and a query
whose words are all ordinary costs the same as before.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from tui_reader.search.segment import ID_MASK, Segment
from tui_reader.search.vocab import Lexicon, Vocabulary

__all__ = ["FIXED_QUALITY", "JOINED_QUALITY", "Part", "PhraseCounter", "is_syllable", "rewrite"]

#: Quality of the joined term (``vietnam``) as a match for each of its parts.
JOINED_QUALITY = 0.85
#: Quality of a whole-word typo neighbour (``maydan`` for ``madyan``) as a match for each part.
TYPO_QUALITY = 0.6
MAX_TYPO_READINGS = 4
#: Quality of a part's corrected syllable (``trinh`` for the ``trin`` of ``ngoctrin``).
FIXED_QUALITY = 0.7
#: A reading must be this many times more frequent than the other to win.
RATIO = 2.0
RATIO_KNOWN = 10.0  # ...and this many times for a word that is itself a term.
MIN_PHRASE = 1  # Phrase occurrences a split needs at all.
MIN_JOINED = 2  # Occurrences a joined term needs at all.
TYPO_DISCOUNT = 0.1  # A split with a corrected part counts a tenth...
#: ...and a typo neighbour of the whole word a fiftieth against a split as typed: the
#: neighbour stays a reading of the split word (:func:`rewrite`), ranked below the phrase.
NEAR_DISCOUNT = 0.02
#: A split whose syllables stand together this many times more often than chance (and at
#: least ``MIN_ASSOCIATED`` times) is a name («Na Uy», «Phú Yên»), whatever its neighbours.
ASSOCIATION = 10.0
MIN_ASSOCIATED = 5
EXACT_ENOUGH = 20  # ...and is not even tried when a split as typed occurs this often.
COMPLETION_WEIGHT = 0.5  # Longer words a word being typed may become count half.
MIN_LEN, MAX_LEN = 4, 24  # Letters of a word worth splitting.
MAX_PART = 14  # Letters of one part ("nghieng" is 7; "champions" is a part too).
MAX_PARTS = 4
#: One Vietnamese syllable, folded: onset, vowels (with their glides), final consonants.
SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|uay|oai|oay|oeo|ieu|yeu"
    r"|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)
MAX_COUNTS = 8  # Phrase counts per word, at most.
MAX_SLOTS = 12  # Parts whose corrections are counted, per word, at most.
FIX_NEIGHBOURS = 3  # Completions tried for a part being typed (most frequent first).
SAMPLE = 16_384  # Occurrences of the rarest syllable read per phrase; more are extrapolated.
MIN_SAMPLE = 512

Frequency = Callable[[Sequence[int]], npt.NDArray[np.int64]]


@dataclass(frozen=True, slots=True)
class Part:
    """One word to search for. ``extra`` are term ids it also matches, with their quality;
    ``typed`` is the index of the typed word it comes from."""

    text: str
    prefix: bool
    typed: int
    extra: tuple[tuple[int, float], ...] = ()
    span: int = 1  # Typed words it stands for (2: a pair typed split, ``face book``).
    #: Of ``extra``, the readings of the whole typed word the part was cut from (``nauy``
    #: itself, its typo neighbours): one such token stands for all the word's parts.
    whole: tuple[int, ...] = ()


class PhraseCounter:
    """How often terms occur, alone and as phrases, across a snapshot's segments.

    A phrase count is the larger of two cheap figures: the frequency of the
    pyvi word it spells (``ngoc_trinh``: exact, one look-up, when pyvi joined
    it) and an estimate from the positional postings of its rarest syllable
    (exact up to :data:`SAMPLE` occurrences, then every n-th), where the
    forward index says which term follows each occurrence. Segments are
    immutable, so estimates are kept across queries: typing asks for the same
    ones again and again.
    """

    _shared: ClassVar[dict[tuple[tuple[str, ...], tuple[int, ...]], tuple[float, int]]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        segments: Sequence[Segment],
        frequency: Frequency,
        vocab: Vocabulary | None = None,
        size: int = 0,
    ) -> None:
        self._segments = tuple(segments)
        self._names = tuple(str(seg.folder) for seg in segments)
        self._frequency = frequency
        self._vocab = vocab
        self._size = size
        self.tokens = max(1, sum(len(seg.fwd) for seg in self._segments))

    def terms(self, gids: Sequence[int]) -> list[int]:
        """Collection frequency of each term."""
        if not len(gids):
            return []
        return [int(c) for c in self._frequency(list(gids))]

    def associated(self, gids: Sequence[int], count: float) -> bool:
        """Whether a phrase of ``gids`` seen ``count`` times is far more frequent than its
        syllables falling side by side by chance (pointwise mutual information)."""
        if count < MIN_ASSOCIATED:
            return False
        chance = float(self.tokens)
        for c in self.terms(gids):
            chance *= c / self.tokens
        return count >= ASSOCIATION * chance

    def phrase(self, gids: Sequence[int], need: float = 0.0) -> float:
        """Occurrences of ``gids`` at consecutive positions.

        ``need`` is the count that would matter: the estimate reads enough
        occurrences of the rarest syllable to tell a phrase that frequent (about
        four expected hits), all of them (up to :data:`SAMPLE`) when ``need`` is 0.
        """
        key = (self._names, tuple(gids))
        lead = [min(gids, key=lambda g: len(seg.postings(g))) for seg in self._segments]
        total = sum(len(seg.postings(g)) for seg, g in zip(self._segments, lead, strict=True))
        wanted = total if need <= 0 else int(4 * total / need) + 1
        reads = max(1, min(total, SAMPLE, max(MIN_SAMPLE, wanted)))
        with self._shared_lock:
            done = self._shared.get(key)
        if done is not None and done[1] >= reads:
            return done[0]
        word = 0.0
        if self._vocab is not None:
            compound = self._vocab.get("_".join(self._vocab.term(g) for g in gids), self._size)
            if compound is not None:
                word = float(self.terms([compound])[0])
        step = max(1, -(-total // reads))  # Ceiling division.
        estimate = sum(
            _phrase_in(seg, key[1], g, step) for seg, g in zip(self._segments, lead, strict=True)
        )
        count = max(word, estimate)
        with self._shared_lock:
            if len(self._shared) > 50_000:
                self._shared.clear()
            self._shared[key] = (count, -(-total // step))
        return count

    def slot(
        self, fixed: Sequence[tuple[int, int]], slot: int, candidates: Sequence[int]
    ) -> dict[int, int]:
        """Occurrences of the phrase ``fixed`` (``(offset, term)`` pairs) with each of
        ``candidates`` at offset ``slot``: every correction of one part counted at once."""
        ids = np.unique(np.asarray(candidates, dtype=np.int64))
        total = np.zeros(len(ids), dtype=np.int64)
        for seg in self._segments:
            total += _slot_in(seg, tuple(fixed), slot, ids)
        return dict(zip(ids.tolist(), total.tolist(), strict=True))


def _slot_in(
    seg: Segment, fixed: tuple[tuple[int, int], ...], slot: int, candidates: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """How often each candidate fills ``slot`` of the phrase whose other terms are ``fixed``
    (``(offset, term id)`` pairs), in one segment: one pass over the rarest fixed term
    (every n-th occurrence beyond :data:`SAMPLE`)."""
    lead_at, lead_id = min(fixed, key=lambda f: len(seg.postings(f[1])))
    keys = seg.postings(lead_id)
    out = np.zeros(len(candidates), dtype=np.int64)
    if len(keys) == 0:
        return out
    step = max(1, -(-len(keys) // SAMPLE))  # Ceiling division: every step-th occurrence.
    keys = keys[::step]
    docs = (keys >> 16).astype(np.int64)
    origin = seg.dstart[docs] + (keys & 0xFFFF).astype(np.int64) - lead_at
    mask = np.uint32(ID_MASK)
    ok = np.ones(len(keys), dtype=bool)
    for at, gid in fixed:
        if (at, gid) != (lead_at, lead_id):
            ok &= (seg.fwd[origin + at] & mask) == gid
    found = (seg.fwd[origin[ok] + slot] & mask).astype(np.int64)
    where = np.searchsorted(candidates, found)
    where[where >= len(candidates)] = 0
    hit = candidates[where] == found
    np.add.at(out, where[hit], step)
    return out


def _phrase_in(seg: Segment, gids: tuple[int, ...], lead_id: int, step: int) -> float:
    """Occurrences of the phrase in one segment, from every ``step``-th of ``lead_id``'s."""
    full = seg.postings(lead_id)
    if len(full) == 0:
        return 0.0
    lead = gids.index(lead_id)
    keys = full[::step]
    docs = (keys >> 16).astype(np.int64)
    origin = seg.dstart[docs] + (keys & 0xFFFF).astype(np.int64) - lead
    ok = np.ones(len(keys), dtype=bool)
    mask = np.uint32(ID_MASK)
    for i, gid in enumerate(gids):
        if i != lead:
            ok &= (seg.fwd[origin + i] & mask) == gid
    # Padding tokens (term 0) sit between articles, so a phrase never spans two.
    return float(np.count_nonzero(ok)) * len(full) / len(keys)


@dataclass(frozen=True, slots=True)
class _Split:
    parts: tuple[str, ...]
    ids: tuple[int, ...]
    fixed: int | None  # Index of the corrected part, if any.


def _syllable(vocab: Vocabulary, text: str, size: int) -> int | None:
    return vocab.get(text, size) if text else None


def is_syllable(text: str) -> bool:
    """Whether folded ``text`` has the shape of one Vietnamese syllable (``nguyen``, ``thanh``)."""
    return SYLLABLE_RE.fullmatch(text) is not None


def _good_piece(term: str) -> bool:
    """A term a word may be cut into: a syllable, or a foreign word (3+ letters, a vowel)."""
    return (len(term) >= 3 and any(c in "aeiouy" for c in term)) or is_syllable(term)


class _Pieces:
    """The pieces one typed word may be cut into: terms shaped like a Vietnamese
    syllable, or other terms of 3+ letters (``ronaldo``, ``swisher``). Junk pieces
    (``tt``, ``lhi``...) are what makes a split of a real word look plausible."""

    def __init__(self, word: str, vocab: Vocabulary, size: int) -> None:
        self.word = word
        found: dict[tuple[int, int], int] = {}
        for start in range(len(word)):
            for end in range(start + 2, min(len(word), start + MAX_PART) + 1):
                gid = _syllable(vocab, word[start:end], size)
                if gid is not None:
                    found[(start, end)] = gid
        self.ok = {k: g for k, g in found.items() if _good_piece(word[k[0] : k[1]])}

    def cuts(
        self, parts: int, start: int = 0, free_end: bool = False
    ) -> list[list[tuple[int, int]]]:
        """Cuts of ``word[start:]`` into ``parts`` good pieces, as ``(start, end)`` spans;
        with ``free_end`` the last piece (2+ letters) may be anything (a word being typed)."""
        n = len(self.word)
        out: list[list[tuple[int, int]]] = []
        if parts == 1:
            if (start, n) in self.ok or (free_end and n - start >= 2):
                return [[(start, n)]]
            return out
        for end in range(start + 2, min(n - 2, start + MAX_PART) + 1):
            if (start, end) in self.ok:
                out.extend([(start, end), *rest] for rest in self.cuts(parts - 1, end, free_end))
        return out


def _exact_splits(
    pieces: _Pieces, prefix: bool, lexicon: Lexicon, size: int, counter: PhraseCounter
) -> list[_Split]:
    """Splits into good pieces; while typing, the last one may be a prefix of a syllable."""
    word = pieces.word
    splits: list[_Split] = []
    for parts in range(2, min(MAX_PARTS, len(word) // 2) + 1):
        for cut in pieces.cuts(parts, free_end=prefix):
            texts = tuple(word[a:b] for a, b in cut)
            heads = [pieces.ok[k] for k in cut[:-1]]
            last = pieces.ok.get(cut[-1])
            ends = [last] if last is not None else []
            if prefix:
                found = lexicon.prefix_ids(texts[-1])
                found = found[(found < size) & (found != (last or 0))][:200]
                done = [g for g in found.tolist() if is_syllable(lexicon.terms[g])]
                if done:
                    ranked = sorted(zip(counter.terms(done), done, strict=True), reverse=True)
                    ends += [g for _, g in ranked[:FIX_NEIGHBOURS]]
            splits.extend(_Split(texts, (*heads, end), None) for end in ends)
    return splits


def _typo_split(
    pieces: _Pieces, lexicon: Lexicon, size: int, counter: PhraseCounter, beat: float
) -> _Split | None:
    """The best split where one part is read as a term one edit away, if it scores above
    ``beat`` (at :data:`TYPO_DISCOUNT` of its phrase count).

    Two parts: either may be corrected (``veitnam``: "veit"; ``quanggai``: "gai" for
    "ngai"). Three parts: only a part that is no good piece. All corrections of a part
    are counted in one pass over the rarest other part (:meth:`PhraseCounter.slot`).
    """
    word = pieces.word
    n = len(word)
    jobs: list[tuple[float, list[tuple[int, int]], int]] = []
    for parts in (2, 3) if n >= 7 else (2,):
        for points in itertools.combinations(range(2, n - 1), parts - 1):
            cut = list(itertools.pairwise((0, *points, n)))
            if any(b - a > MAX_PART for a, b in cut):
                continue
            bad = [k for k, span in enumerate(cut) if span not in pieces.ok]
            if len(bad) > 1 or (parts == 3 and not bad):
                continue
            for k in bad or range(parts):
                if cut[k][1] - cut[k][0] < (2 if bad else 3):
                    continue
                others = [pieces.ok[span] for i, span in enumerate(cut) if i != k]
                jobs.append((float(min(counter.terms(others))), cut, k))
    jobs.sort(key=lambda job: -job[0])
    best: tuple[_Split | None, float] = (None, beat)
    for counted, (bound, cut, k) in enumerate(jobs):
        if TYPO_DISCOUNT * bound <= best[1] or counted >= MAX_SLOTS:
            break
        a, b = cut[k]
        near = [
            g
            for g, d in lexicon.neighbours(word[a:b], 1)
            if d == 1 and g < size and _good_piece(lexicon.terms[g])
        ]
        if not near:
            continue
        fixed = [(i, pieces.ok[span]) for i, span in enumerate(cut) if i != k]
        counts = counter.slot(fixed, k, near)
        gid, count = max(counts.items(), key=lambda item: (item[1], -item[0]))
        if count >= MIN_PHRASE and TYPO_DISCOUNT * count > best[1]:
            ids = tuple(gid if i == k else pieces.ok[span] for i, span in enumerate(cut))
            best = (_Split(tuple(word[x:y] for x, y in cut), ids, k), TYPO_DISCOUNT * count)
    return best[0]


def _swap_splits(word: str, vocab: Vocabulary, size: int) -> list[_Split]:
    """Two-part splits of ``word`` with two letters across the cut swapped back
    (``nghaen``: "nghe an"), the one typo no single part holds."""
    splits = []
    for i in range(1, len(word) - 2):
        fixed = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        head, tail = fixed[: i + 1], fixed[i + 1 :]
        a, b = _syllable(vocab, head, size), _syllable(vocab, tail, size)
        if a is not None and b is not None and _good_piece(head) and _good_piece(tail):
            splits.append(_Split((word[: i + 1], word[i + 1 :]), (a, b), 0))
    return splits


def _best_split(
    splits: list[_Split], counter: PhraseCounter, beat: float, near: float = 0.0
) -> tuple[_Split | None, float]:
    """The split whose phrase is most frequent (typo splits discounted), by branch and bound.

    Only splits scoring above ``beat`` and occurring at least :data:`MIN_PHRASE`
    times count; those scoring no more than ``near`` (the typo neighbours' claim)
    only when their syllables are associated (:meth:`PhraseCounter.associated`).
    Returns ``(None, 0.0)`` when there is none.
    """
    if not splits:
        return None, 0.0
    ids = sorted({g for s in splits for g in s.ids})
    freq = dict(zip(ids, counter.terms(ids), strict=True))

    def weight(split: _Split) -> float:
        return TYPO_DISCOUNT if split.fixed is not None else 1.0

    bounded = sorted(
        ((min(freq[g] for g in s.ids) * weight(s), s) for s in splits),
        key=lambda pair: -pair[0],
    )
    best: tuple[_Split | None, float] = (None, beat)
    for counted, (bound, split) in enumerate(bounded):
        if bound <= best[1] or counted >= MAX_COUNTS:
            break
        count = counter.phrase(split.ids, best[1] / weight(split))
        score = count * weight(split)
        if count < MIN_PHRASE or score <= best[1]:
            continue
        if score > near or counter.associated(split.ids, count):
            best = (split, score)
    return best if best[0] is not None else (None, 0.0)


def _split_word(
    word: str,
    prefix: bool,
    vocab: Vocabulary,
    lexicon: Lexicon,
    size: int,
    counter: PhraseCounter,
) -> _Split | None:
    """How ``word`` splits, if a split is clearly what was meant."""
    if not (MIN_LEN <= len(word) <= MAX_LEN) or not word.isalpha() or not word.isascii():
        return None
    own = _syllable(vocab, word, size)
    if is_syllable(word) and own is not None:
        return None  # One syllable typed is one syllable meant (``thanh``, ``nguyen``...).
    completions: list[int] = []
    if prefix:
        found = lexicon.prefix_ids(word)
        completions = found[(found < size) & (found != (own or 0))][:200].tolist()
        if any(is_syllable(lexicon.terms[g]) for g in completions):
            return None  # Being typed towards a syllable (``nghi`` on the way to ``nghieng``).
    # The other readings: the word itself (and its completions while typing) must be
    # clearly outnumbered; a typo of another word (``thanhh``: "thanh") just outnumbered.
    alone = float(counter.terms([own])[0]) if own is not None else 0.0
    alone += COMPLETION_WEIGHT * float(sum(counter.terms(completions)))
    # A word the corpus holds (``cule``, ``vietnam``) is split only when the phrase is
    # much more frequent: short common syllables fall next to each other by chance.
    beat = (RATIO_KNOWN if own is not None else RATIO) * alone
    edits = 2 if len(word) >= 9 else 1  # Four letters have typo neighbours too (``douc``).
    near = [g for g, _ in lexicon.neighbours(word, edits) if g < size and g != own]
    rival = float(max(counter.terms(near))) if near else 0.0
    pieces = _Pieces(word, vocab, size)
    exact = _exact_splits(pieces, prefix, lexicon, size, counter)
    # A split as typed needs no typo: a typo neighbour must be far more frequent to win,
    # and cannot win against a name (its syllables associated), since it stays a reading.
    split, score = _best_split(exact, counter, beat, NEAR_DISCOUNT * rival)
    if len(word) >= 5 and own is None and score < EXACT_ENOUGH:
        # One part may hold a typo (``quanggai``); it must beat the exact splits too,
        # and a typo neighbour of the whole word (one edit as well) at the same odds.
        beat = max(beat, score, TYPO_DISCOUNT * rival)
        fixed = _typo_split(pieces, lexicon, size, counter, beat)
        if fixed is None:
            fixed, _ = _best_split(_swap_splits(word, vocab, size), counter, beat)
        if fixed is not None:
            split = fixed
    return split


def _joined_term(
    first: str, second: str, vocab: Vocabulary, size: int, counter: PhraseCounter
) -> int | None:
    """The term ``first + second``, when the two words may be one typed apart: both words
    of letters (vowels too), the two no syllable, the term seen ``MIN_JOINED`` times."""
    if not (first.isalpha() and second.isalpha()) or min(len(first), len(second)) < 2:
        return None
    if not all(any(c in "aeiouy" for c in w) for w in (first, second)):
        return None  # Abbreviations (``tt vh``) are typed apart on purpose.
    if is_syllable(first + second):
        return None  # Two syllables typed are not one (``li a`` is not "lìa"): joins are foreign.
    joined = _syllable(vocab, first + second, size)
    if joined is None or counter.terms([joined])[0] < MIN_JOINED:
        return None
    return joined


def _join_pair(
    first: str, second: str, vocab: Vocabulary, size: int, counter: PhraseCounter
) -> int | None:
    """The term ``first + second`` when it is clearly what the two words mean."""
    joined = _joined_term(first, second, vocab, size, counter)
    if joined is None:
        return None
    together = counter.terms([joined])[0]
    a, b = _syllable(vocab, first, size), _syllable(vocab, second, size)
    apart = counter.phrase((a, b)) if a is not None and b is not None else 0.0
    return joined if together > RATIO * apart else None


def rewrite(
    words: Sequence[str],
    typing: bool,
    vocab: Vocabulary,
    lexicon: Lexicon,
    size: int,
    counter: PhraseCounter,
) -> list[Part]:
    """The words to search for, given the folded words typed (``typing``: the last is
    still being typed, so it matches as a prefix)."""
    out: list[Part] = []
    last = len(words) - 1
    i = 0
    while i < len(words):
        word = words[i]
        prefix = typing and i == last
        if i < last:
            joined = _join_pair(word, words[i + 1], vocab, size, counter)
            if joined is not None:
                out.append(Part(word + words[i + 1], typing and i + 1 == last, i, span=2))
                i += 2
                continue
            joined = _joined_term(word, words[i + 1], vocab, size, counter)
            if joined is not None:
                # Searched apart, and the term they spell joined («Vietnam» for ``viet
                # nam``) is a reading of both, the whole of what was typed, as for a word
                # typed joined and split (the rules read one such token as both words).
                pair = ((joined, JOINED_QUALITY),)
                out.append(Part(word, False, i, pair, span=2, whole=(joined,)))
                out.append(Part(words[i + 1], typing and i + 1 == last, i, pair, whole=(joined,)))
                i += 2
                continue
        split = _split_word(word, prefix, vocab, lexicon, size, counter)
        if split is None:
            out.append(Part(word, prefix, i))
        else:
            own = _syllable(vocab, word, size)
            both: tuple[tuple[int, float], ...] = ((own, JOINED_QUALITY),) if own else ()
            if own is None:
                # The typo reading of the whole word (``madyan`` for "maydan") stays too.
                edits = 2 if len(word) >= 9 else 1
                near = [g for g, _ in lexicon.neighbours(word, edits) if g < size]
                ranked = sorted(zip(counter.terms(near), near, strict=True), reverse=True)
                both = tuple((g, TYPO_QUALITY) for _, g in ranked[:MAX_TYPO_READINGS])
            for k, piece in enumerate(split.parts):
                extra = both
                if split.fixed is not None and _syllable(vocab, piece, size) != split.ids[k]:
                    extra = ((split.ids[k], FIXED_QUALITY), *both)
                last = prefix and k == len(split.parts) - 1
                out.append(Part(piece, last, i, extra, whole=tuple(g for g, _ in both)))
        i += 1
    return out
