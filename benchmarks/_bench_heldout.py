"""A second, independent generator for the word kinds of search_bench (not tuned against).

``_bench_queries`` picks the rarest words of a title or one rare word per third
of a body, typed folded. People also type fewer, commoner words, keep a tone
mark here and there, and slip a key. So here:

- ``keywords-b``: 2-4 words of an article (any position, df between 3 and 3% of
  the corpus), shuffled; one word of 5+ letters gets a typo in a third of the
  queries, and each word keeps its tone marks with probability 0.3;
- ``title-words-b``: 3-4 random words of a title (df under 5%), shuffled, each
  kept with its tone marks with probability 0.3, one of 5+ letters with a typo
  in a quarter of the queries.

Relevant: every article whose title or body holds all the (untouched, folded)
words. Seeds are strings ``"b-{seed}-{kind}"``, unrelated to the other set's.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict
from pathlib import Path

from _bench_queries import BenchQuery, _Corpus, _Doc, _is_word, _load, _typo

from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.parse import load_article
from tui_reader.text.tokens import tokenize

HELDOUT_KINDS = ("keywords-b", "title-words-b")
VERSION = 1


def _spellings(path: Path) -> dict[str, str]:
    """Folded token -> one of its original (lowercased) spellings in the article."""
    try:
        article = load_article(path)
    except (UnreadableFile, OSError):
        return {}
    out: dict[str, str] = {}
    for text in (article.title, *(p.text for p in article.passages)):
        for token in tokenize(text):
            out.setdefault(token.folded, text[token.start : token.end].lower())
    return out


def _type(words: list[str], spell: dict[str, str], rng: random.Random, p_typo: float) -> list[str]:
    typed = [spell.get(w, w) if rng.random() < 0.3 else w for w in words]
    long_words = [i for i, w in enumerate(words) if len(w) >= 5]
    if long_words and rng.random() < p_typo:
        i = rng.choice(long_words)
        typed[i] = _typo(words[i], rng)
    rng.shuffle(typed)
    return typed


def _pick(doc: _Doc, corpus: _Corpus, kind: str, rng: random.Random) -> list[str] | None:
    n = len(corpus.docs)
    if kind == "keywords-b":
        tokens = doc.body
        if len(tokens) < 40:
            return None
        pool = sorted({t for t in tokens if _is_word(t) and 3 <= corpus.df(t) <= 0.03 * n})
        size = rng.choice((2, 3, 3, 4))
    else:
        pool = sorted({t for t in doc.title if _is_word(t) and corpus.df(t) <= 0.05 * n})
        size = rng.choice((3, 4))
    if len(pool) < size:
        return None
    return rng.sample(pool, size)


def build_heldout(corpus_dir: Path, per_kind: int, seed: int, cache: Path) -> list[BenchQuery]:
    """``per_kind`` queries of each held-out kind, cached as JSON in ``cache``."""
    path = cache / f"heldout-v{VERSION}-{corpus_dir.name}-{per_kind}-{seed}.json"
    if path.exists():
        return [BenchQuery(**q) for q in json.loads(path.read_text(encoding="utf-8"))]
    corpus = _Corpus(_load(corpus_dir, cache))
    queries = []
    for kind in HELDOUT_KINDS:
        rng = random.Random(f"b-{seed}-{kind}")
        made = tries = 0
        while made < per_kind and tries < per_kind * 100:
            tries += 1
            doc = rng.choice(corpus.docs)
            words = _pick(doc, corpus, kind, rng)
            if words is None:
                continue
            spell = _spellings(corpus_dir / doc.name)
            typed = _type(words, spell, rng, 1 / 3 if kind == "keywords-b" else 1 / 4)
            relevant = corpus.holding_all(words)
            if doc.name not in relevant:
                continue
            queries.append(BenchQuery(kind, " ".join(typed), " ".join(words), doc.name, relevant))
            made += 1
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(q) for q in queries], ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return queries
