"""Known-item query sets for benchmarks/search_bench.py (built from the corpus itself).

Each query is a window of 3-4 consecutive words of one article, typed folded
(lowercase, no tone marks, đ as d), taken from its title or from deep in its
body; "typo" queries get one random one-letter edit in one word, "cut" queries
have their last word truncated mid-word. The relevant articles are all those
whose folded token stream contains the untouched window: the article the
window came from and any other article quoting it. A seeded RNG makes the set
reproducible; another --seed gives a held-out set.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import asdict, dataclass
from pathlib import Path

from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.parse import load_article
from tui_reader.text.tokens import tokenize_folded

KINDS = ("title", "body", "typo", "cut")
LETTERS = string.ascii_lowercase


@dataclass(frozen=True, slots=True)
class BenchQuery:
    kind: str
    text: str  # What is typed.
    window: str  # The untouched folded window.
    source: str  # File name of the article it came from.
    relevant: list[str]  # File names of every article containing the window.


def _load(corpus: Path) -> list[tuple[str, list[str], list[str]]]:
    """``(file name, title tokens, body tokens)`` of every readable article."""
    docs = []
    for path in sorted(corpus.glob("*.txt")):
        try:
            article = load_article(path)
        except (UnreadableFile, OSError):
            continue
        body = " ".join(p.text for p in article.passages)
        docs.append((path.name, tokenize_folded(article.title), tokenize_folded(body)))
    return docs


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


def _window(tokens: list[str], rng: random.Random, deep: bool) -> list[str] | None:
    size = rng.choice((3, 4))
    if len(tokens) < size + (20 if deep else 0):
        return None
    lo = len(tokens) // 2 if deep else 0
    start = rng.randrange(lo, len(tokens) - size + 1)
    window = tokens[start : start + size]
    if sum(any(c.isalpha() for c in w) for w in window) < 2:
        return None  # Mostly numbers: not what people type.
    return window


def build_queries(corpus: Path, per_kind: int, seed: int) -> list[BenchQuery]:
    """``per_kind`` queries of each kind, relevance computed over the whole corpus."""
    rng = random.Random(seed)
    docs = _load(corpus)
    drafts: list[tuple[str, list[str], list[str], str]] = []
    for kind in KINDS:
        made = 0
        while made < per_kind:
            name, title, body = rng.choice(docs)
            from_title = kind == "title" or (kind in ("typo", "cut") and rng.random() < 0.5)
            window = _window(title if from_title else body, rng, deep=not from_title)
            if window is None:
                continue
            typed = list(window)
            if kind == "typo":
                choices = [i for i, w in enumerate(typed) if any(c.isalpha() for c in w)]
                i = rng.choice(choices)
                typed[i] = _typo(typed[i], rng)
            elif kind == "cut":
                last = typed[-1]
                if len(last) < 2 or not last.isalpha():
                    continue
                typed[-1] = last[: rng.randrange(1, len(last))]
            drafts.append((kind, typed, window, name))
            made += 1
    haystack = {name: " " + " ".join(title + body) + " " for name, title, body in docs}
    queries = []
    for kind, typed, window, name in drafts:
        needle = " " + " ".join(window) + " "
        relevant = [n for n, text in haystack.items() if needle in text]
        queries.append(BenchQuery(kind, " ".join(typed), " ".join(window), name, relevant))
    return queries


def load_or_build(corpus: Path, per_kind: int, seed: int, cache: Path) -> list[BenchQuery]:
    """The query set for ``(corpus, per_kind, seed)``, cached as JSON in ``cache``."""
    path = cache / f"queries-{corpus.name}-{per_kind}-{seed}.json"
    if path.exists():
        return [BenchQuery(**q) for q in json.loads(path.read_text(encoding="utf-8"))]
    queries = build_queries(corpus, per_kind, seed)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(q) for q in queries], ensure_ascii=False), encoding="utf-8")
    return queries
