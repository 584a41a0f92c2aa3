"""Known-item query sets for benchmarks/search_bench.py, built from the corpus itself.

Every query is typed the way people type on a phone or a US keyboard: folded
(lowercase, no tone marks, đ as d). Kinds:

- ``title``, ``body``: 3-4 consecutive words of a title, or from deep in a body;
- ``typo``: such a window with one random one-letter edit in one word;
- ``cut``: such a window with the last word cut mid-word (typing in progress);
- ``keywords``: 3 rare words, one from each third of a body, shuffled;
- ``title-words``: the 5 rarest words of a title, shuffled;
- ``joined``: a two-syllable proper name found inside a sentence, typed joined
  (``thanhhoa``), plus the word after it;
- ``joined-2`` (an independent generator for the same feature): a run of two or
  three capitalised syllables from a *title* (``Hồ Chí Minh``, ``Đà Nẵng``),
  typed joined, half the time with one typo in it (``hochimnh``), and either
  followed by the next title word typed *with* its tone marks (``danang tổ``) or
  preceded by the word before it (``tai danang``, the name being typed last);
- ``two-typos``: a 4-word window, two of its words of 5+ letters edited once each;
- ``long``: an 8-word window with one inner word dropped.

"Rare" is by document frequency over the corpus, among alphabetic words found
in at least two articles (a word seen once is usually a slip or a glued URL).

Relevant articles are computed exactly over the folded corpus: for the word
kinds (keywords, title-words), every article whose title or body holds all the
words; for the others, every article whose folded title or body holds the
untouched window as consecutive tokens. A seeded RNG makes each set
reproducible; another ``--seed`` gives a held-out set.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import string
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from multiprocessing import Pool
from pathlib import Path

from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.parse import load_article
from tui_reader.text.tokens import tokenize, tokenize_folded

OLD_KINDS = ("title", "body", "typo", "cut")
NEW_KINDS = ("keywords", "title-words", "joined", "two-typos", "long", "joined-2")
KINDS = OLD_KINDS + NEW_KINDS
WORD_KINDS = frozenset({"keywords", "title-words"})  # Relevant: holds all words, any order.
LETTERS = string.ascii_lowercase
GENERATOR = 2  # Bump when the generator changes, so cached sets are rebuilt.
SEP = " \x00 "  # Between title and body in a haystack: no window spans both.


@dataclass(frozen=True, slots=True)
class BenchQuery:
    kind: str
    text: str  # What is typed.
    window: str  # The untouched folded words (window, or the words in their article order).
    source: str  # File name of the article it came from.
    relevant: list[str]  # File names of every relevant article.


@dataclass(slots=True)
class _Doc:
    """Folded tokens joined by spaces: one string each, not millions of small ones."""

    name: str
    title_text: str
    body_text: str

    @property
    def title(self) -> list[str]:
        return self.title_text.split()

    @property
    def body(self) -> list[str]:
        return self.body_text.split()


def _load_one(path: str) -> tuple[str, str, str] | None:
    try:
        article = load_article(Path(path))
    except (UnreadableFile, OSError):
        return None
    body = " ".join(p.text for p in article.passages)
    title = " ".join(tokenize_folded(article.title))
    return Path(path).name, title, " ".join(tokenize_folded(body))


def _load(corpus: Path, cache: Path | None) -> list[_Doc]:
    """Folded title and body tokens of every readable article (in worker processes).

    Cached in ``cache`` (keyed by the corpus' file names, sizes and times), so that
    another seed does not parse 35k articles again.
    """
    files = sorted(corpus.glob("*.txt"))
    stats = [(p.name, st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()]]
    key = hashlib.sha256(repr(stats).encode()).hexdigest()[:16]
    saved = cache / f"folded-{corpus.name}-{key}.pickle" if cache else None
    if saved is not None and saved.exists():
        with saved.open("rb") as fh:
            rows: list[tuple[str, str, str] | None] = pickle.load(fh)
    else:
        with Pool(os.cpu_count() or 1) as pool:
            rows = pool.map(_load_one, [str(p) for p in files], chunksize=256)
        if saved is not None:
            saved.parent.mkdir(parents=True, exist_ok=True)
            tmp = saved.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, saved)
    return [_Doc(*r) for r in rows if r is not None]


def _typo(word: str, rng: random.Random) -> str:
    """One random one-letter edit (substitute, delete, insert, transpose) that changes ``word``."""
    for _ in range(20):
        kind = rng.choice(("substitute", "delete", "insert", "transpose"))
        i = rng.randrange(len(word))
        if kind == "substitute":
            out = word[:i] + rng.choice(LETTERS) + word[i + 1 :]
        elif kind == "delete":
            out = word[:i] + word[i + 1 :]
        elif kind == "insert":
            out = word[:i] + rng.choice(LETTERS) + word[i:]
        else:
            if len(word) < 2:
                continue
            i = min(i, len(word) - 2)
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if out != word and out:
            return out
    return word + rng.choice(LETTERS)


def _is_word(token: str) -> bool:
    return token.isalpha() and token.isascii() and len(token) >= 2


def _window(tokens: list[str], rng: random.Random, deep: bool, size: int) -> list[str] | None:
    if len(tokens) < size + (20 if deep else 0):
        return None
    lo = len(tokens) // 2 if deep else 0
    start = rng.randrange(lo, len(tokens) - size + 1)
    window = tokens[start : start + size]
    if sum(any(c.isalpha() for c in w) for w in window) < max(2, size - 3):
        return None  # Mostly numbers: not what people type.
    return window


class _Corpus:
    """The folded corpus with document frequencies and an inverted index for exact relevance."""

    def __init__(self, docs: list[_Doc]) -> None:
        self.docs = docs
        self.postings: dict[str, list[int]] = {}
        for i, doc in enumerate(docs):
            for term in set(doc.title_text.split()) | set(doc.body_text.split()):
                self.postings.setdefault(term, []).append(i)

    def haystack(self, i: int) -> str:
        return " " + self.docs[i].title_text + SEP + self.docs[i].body_text + " "

    def df(self, term: str) -> int:
        return len(self.postings.get(term, ()))

    def rare(self, tokens: Iterable[str]) -> list[str]:
        """Distinct real words of ``tokens``, rarest first (ties: first seen first)."""
        seen: dict[str, int] = {}
        for i, t in enumerate(tokens):
            if t not in seen and _is_word(t) and self.df(t) >= 2:
                seen[t] = i
        return sorted(seen, key=lambda t: (self.df(t), seen[t]))

    def holding_all(self, words: Iterable[str]) -> list[str]:
        lists = sorted((self.postings.get(w, []) for w in set(words)), key=len)
        if not lists:
            return []
        common = set(lists[0])
        for other in lists[1:]:
            common.intersection_update(other)
        return sorted(self.docs[i].name for i in common)

    def holding_window(self, window: list[str]) -> list[str]:
        lists = sorted((self.postings.get(w, []) for w in set(window)), key=len)
        common = set(lists[0])
        for other in lists[1:]:
            common.intersection_update(other)
        needle = " " + " ".join(window) + " "
        return sorted(self.docs[i].name for i in common if needle in self.haystack(i))


def _keywords(doc: _Doc, corpus: _Corpus, rng: random.Random) -> tuple[list[str], list[str]] | None:
    body = doc.body
    if len(body) < 60:
        return None
    third = len(body) // 3
    picked: list[str] = []
    for part in range(3):
        choices = [w for w in corpus.rare(body[part * third : (part + 1) * third])
                   if w not in picked][:3]
        if not choices:
            return None
        picked.append(rng.choice(choices))
    typed = list(picked)
    rng.shuffle(typed)
    return typed, picked


def _title_words(
    doc: _Doc, corpus: _Corpus, rng: random.Random
) -> tuple[list[str], list[str]] | None:
    rarest = corpus.rare(doc.title)[:5]
    if len(rarest) < 5:
        return None
    in_order = [t for t in dict.fromkeys(doc.title) if t in rarest]
    typed = list(rarest)
    rng.shuffle(typed)
    return typed, in_order


def _joined(path: Path, rng: random.Random) -> tuple[list[str], list[str]] | None:
    """A two-syllable name (``Thanh Hóa``) inside a sentence, typed joined, plus the next word."""
    try:
        article = load_article(path)
    except (UnreadableFile, OSError):
        return None
    text = " ".join(p.text for p in article.passages)
    tokens = tokenize(text)
    found = []
    for i in range(1, len(tokens) - 3):
        before, a, b, nxt = tokens[i - 1 : i + 3]
        words = [text[t.start : t.end] for t in (before, a, b, nxt)]
        if not all(w.isalpha() for w in words):
            continue
        name_like = all(w[0].isupper() and w[1:].islower() for w in words[1:3])
        plain = words[0].islower() and words[3].islower()
        gaps = (text[x.end : y.start] for x, y in ((before, a), (a, b), (b, nxt)))
        if name_like and plain and all(g == " " for g in gaps) and a.folded != b.folded:
            found.append((a.folded, b.folded, nxt.folded))
    if not found:
        return None
    a_f, b_f, n_f = rng.choice(found)
    return [a_f + b_f, n_f], [a_f, b_f, n_f]


def _joined_title(path: Path, rng: random.Random) -> tuple[list[str], list[str]] | None:
    """A 2-3 syllable capitalised name from the title, typed joined (maybe with one typo),
    with the next word (tone marks kept) or the word before it."""
    try:
        article = load_article(path)
    except (UnreadableFile, OSError):
        return None
    title = article.title
    tokens = tokenize(title)
    words = [title[t.start : t.end] for t in tokens]
    found = []
    for size in (2, 3):
        for i in range(1, len(tokens) - size + 1):  # Not the title's first word: it is capitalised.
            name = words[i : i + size]
            if not all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in name):
                continue
            gaps = [title[tokens[k].end : tokens[k + 1].start] for k in range(i, i + size - 1)]
            if any(g != " " for g in gaps):
                continue
            folded = [t.folded for t in tokens[i : i + size]]
            if len(set(folded)) < size:
                continue
            before = words[i - 1] if i >= 1 else ""
            after = words[i + size] if i + size < len(words) else ""
            found.append((folded, i, size, before, after))
    if not found:
        return None
    folded, i, size, before, after = rng.choice(found)
    name = "".join(folded)
    if len(name) >= 6 and rng.random() < 0.5:
        name = _typo(name, rng)
    use_after = after.isalpha() and after.islower() and (rng.random() < 0.5 or not before)
    if use_after:
        return [name, after.lower()], [*folded, tokens[i + size].folded]
    if before.isalpha() and before.islower() and title[tokens[i - 1].end : tokens[i].start] == " ":
        return [tokens[i - 1].folded, name], [tokens[i - 1].folded, *folded]
    return None


def _edited_window(doc: _Doc, kind: str, rng: random.Random) -> tuple[list[str], list[str]] | None:
    """The window kinds: (typed tokens, untouched window)."""
    from_title = kind == "title" or (kind in ("typo", "cut", "two-typos") and rng.random() < 0.5)
    size = {"two-typos": 4, "long": 8}.get(kind, rng.choice((3, 4)))
    if kind == "long" and len(doc.title) >= 8 and rng.random() < 0.2:
        from_title = True
    window = _window(doc.title if from_title else doc.body, rng, not from_title, size)
    if window is None:
        return None
    typed = list(window)
    if kind == "typo":
        i = rng.choice([i for i, w in enumerate(typed) if any(c.isalpha() for c in w)])
        typed[i] = _typo(typed[i], rng)
    elif kind == "two-typos":
        long_words = [i for i, w in enumerate(typed) if w.isalpha() and len(w) >= 5]
        if len(long_words) < 2:
            return None
        for i in rng.sample(long_words, 2):
            typed[i] = _typo(typed[i], rng)
    elif kind == "cut":
        last = typed[-1]
        if len(last) < 2 or not last.isalpha():
            return None
        typed[-1] = last[: rng.randrange(1, len(last))]
    elif kind == "long":
        del typed[rng.randrange(1, len(typed) - 1)]
    return typed, window


def build_queries(
    corpus_dir: Path,
    per_kind: int,
    seed: int,
    cache: Path | None = None,
    kinds: tuple[str, ...] = KINDS,
) -> list[BenchQuery]:
    """``per_kind`` queries of each kind, relevance computed exactly over the whole corpus."""
    corpus = _Corpus(_load(corpus_dir, cache))
    queries = []
    for kind in kinds:
        rng = random.Random(f"{seed}-{kind}")  # Per kind: adding a kind leaves the others alone.
        made = 0
        tries = 0
        while made < per_kind and tries < per_kind * 200:
            tries += 1
            doc = rng.choice(corpus.docs)
            if kind == "keywords":
                made_q = _keywords(doc, corpus, rng)
            elif kind == "title-words":
                made_q = _title_words(doc, corpus, rng)
            elif kind == "joined":
                made_q = _joined(corpus_dir / doc.name, rng)
            elif kind == "joined-2":
                made_q = _joined_title(corpus_dir / doc.name, rng)
            else:
                made_q = _edited_window(doc, kind, rng)
            if made_q is None:
                continue
            typed, words = made_q
            if kind in WORD_KINDS:
                relevant = corpus.holding_all(words)
            else:
                relevant = corpus.holding_window(words)
            if doc.name not in relevant:
                continue  # The name spans a passage break the tokens do not see, etc.
            queries.append(BenchQuery(kind, " ".join(typed), " ".join(words), doc.name, relevant))
            made += 1
    return queries


def load_or_build(corpus: Path, per_kind: int, seed: int, cache: Path) -> list[BenchQuery]:
    """The query set for ``(corpus, per_kind, seed)``, cached as JSON in ``cache``.

    A cached set missing a kind added since (each kind has its own random
    stream, so the others do not change) gets that kind generated and appended.
    """
    path = cache / f"queries-v{GENERATOR}-{corpus.name}-{per_kind}-{seed}.json"
    queries: list[BenchQuery] = []
    if path.exists():
        queries = [BenchQuery(**q) for q in json.loads(path.read_text(encoding="utf-8"))]
    missing = tuple(k for k in KINDS if not any(q.kind == k for q in queries))
    if not missing:
        return queries
    queries += build_queries(corpus, per_kind, seed, cache, missing)
    queries.sort(key=lambda q: KINDS.index(q.kind))  # Stable: each kind keeps its order.
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(q) for q in queries], ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return queries
