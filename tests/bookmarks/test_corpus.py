"""Re-anchoring on real baomoi articles edited at random (needs /tmp/corpus; slow)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from tui_reader.articles.decode import read_text
from tui_reader.articles.parse import parse_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.resolve import resolve

CORPUS = Path("/tmp/corpus/baomoi-35k")
SAMPLE = 150

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="the 35k corpus is not unpacked"),
]


def sample(seed: int) -> list[Path]:
    files = sorted(CORPUS.glob("*.txt"))
    return random.Random(seed).sample(files, min(SAMPLE, len(files)))


def test_words_edited_at_random_rarely_orphan_and_never_mislead() -> None:
    rng = random.Random(7)
    total = orphaned = 0
    for path in sample(1):
        text = read_text(path).text
        before = parse_article(text, path)
        words = text.split(" ")
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(["những", "ngày", "thêm", "xyz"])
        after = parse_article(" ".join(words), path)
        for index in range(len(before.passages)):
            mark = new_bookmark(before, index)
            found = resolve(mark, after)
            total += 1
            if not found.ok:
                orphaned += 1
                continue
            assert found.passage_index is not None
            # Wherever it resolved, that text really is (most of) the quote.
            assert fuzz.partial_ratio(mark.quote, after.passages[found.passage_index].text) >= 60
    assert total > 500
    assert orphaned / total < 0.05, f"{orphaned} of {total} orphaned"


def test_deleted_passages_orphan_unless_their_text_is_still_there() -> None:
    rng = random.Random(11)
    deleted = wrongly_found = 0
    for path in sample(2):
        original = parse_article(read_text(path).text, path)
        blocks = [original.title, *(p.text for p in original.passages)]
        before = parse_article("\n\n".join(blocks), path)
        if len(before.passages) < 3:
            continue
        gone = rng.randrange(len(before.passages))
        kept = [before.title] + [p.text for i, p in enumerate(before.passages) if i != gone]
        after = parse_article("\n\n".join(kept), path)
        mark = new_bookmark(before, gone)
        found = resolve(mark, after)
        deleted += 1
        if found.ok:
            assert found.passage_index is not None
            # Only acceptable when the text survives elsewhere (baomoi repeats the lead).
            score = fuzz.partial_ratio(mark.quote, after.passages[found.passage_index].text)
            wrongly_found += score < 85
    assert deleted > 100
    assert wrongly_found == 0
