"""The term dictionary and the prefix / typo tables over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.search.vocab import SENTINEL, Vocabulary


def test_ids_are_stable_and_new_terms_are_appended() -> None:
    vocab = Vocabulary()
    assert vocab.add_all(["ha", "noi", "ha"]) == [1, 2, 1]
    assert vocab.get("noi") == 2
    assert vocab.get("noi", size=2) is None  # Not visible below an older snapshot's size.
    assert vocab.term(0) == SENTINEL


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    vocab = Vocabulary()
    vocab.add_all(["ha", "noi", "ha_noi", "x\udcff"])
    vocab.save(tmp_path / "vocab.txt")
    loaded = Vocabulary.load(tmp_path / "vocab.txt", len(vocab))
    assert [loaded.term(i) for i in range(len(loaded))] == [
        vocab.term(i) for i in range(len(vocab))
    ]
    with pytest.raises(ValueError):
        Vocabulary.load(tmp_path / "vocab.txt", len(vocab) + 1)


def _words(vocab: Vocabulary, pairs: list[tuple[int, int]]) -> dict[str, int]:
    return {vocab.term(g): d for g, d in pairs}


def test_prefix_and_typo_neighbours() -> None:
    vocab = Vocabulary()
    vocab.add_all(["thoat", "thoai", "khong", "kho", "ha_noi", "nguyen", "thuongmai", "thuong"])
    lexicon = vocab.lexicon(len(vocab))
    assert sorted(vocab.term(int(g)) for g in lexicon.prefix_ids("th")) == [
        "thoai",
        "thoat",
        "thuong",
        "thuongmai",
    ]
    assert lexicon.prefix_ids("ha").size == 0  # Word terms are not syllables.
    assert _words(vocab, lexicon.neighbours("khog", 1)) == {"khong": 1, "kho": 1}
    assert _words(vocab, lexicon.neighbours("nugyen", 1)) == {"nguyen": 1}  # Transposition.
    assert _words(vocab, lexicon.neighbours("thuongmoi", 2)) == {"thuongmai": 1}
    assert "thuongmai" in _words(vocab, lexicon.neighbours("thuongnoi", 2))
    assert lexicon.neighbours("khog", 0) == []


def test_a_one_letter_word_neighbours_the_other_letters() -> None:
    # ``q`` typed for «U.23»: a substitution; one-letter terms index no empty deletion.
    vocab = Vocabulary()
    vocab.add_all(["q", "u", "a", "eu", "qu", "khong"])
    lexicon = vocab.lexicon(len(vocab))
    assert _words(vocab, lexicon.neighbours("q", 1)) == {"q": 0, "u": 1, "a": 1, "qu": 1}
    assert _words(vocab, lexicon.neighbours("u", 1)) == {"u": 0, "q": 1, "a": 1, "eu": 1, "qu": 1}


def test_lexicon_grows_with_the_vocabulary() -> None:
    vocab = Vocabulary()
    vocab.add_all(["alpha"])
    first = vocab.lexicon(len(vocab))
    vocab.add_all(["alpine"])
    grown = vocab.lexicon(len(vocab))
    assert grown.size > first.size
    assert _words(vocab, grown.neighbours("alpina", 1)) == {"alpine": 1}


def test_two_edit_neighbours_are_every_term_within_two_edits_nearest_first() -> None:
    """The letter-set filter only skips terms that cannot be two edits away: the result
    is what measuring every term of the near lengths gives, in the same order."""
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    rng = random.Random(7)
    letters = "abcdeghiklmnopqrstuvxy"
    base = ["thuongmai", "nguyenvan", "thanhpho", "hochiminh", "quangngai", "mitsubishi"]
    terms = set(base)
    for word in base:
        for _ in range(60):  # Terms one to three random edits away, and noise.
            chars = list(word)
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(len(chars))
                op = rng.randrange(4)
                if op == 0:
                    chars[i] = rng.choice(letters)
                elif op == 1 and len(chars) > 1:
                    del chars[i]
                elif op == 2:
                    chars.insert(i, rng.choice(letters))
                elif i + 1 < len(chars):
                    chars[i], chars[i + 1] = chars[i + 1], chars[i]
            terms.add("".join(chars))
        terms.add("".join(rng.choice(letters) for _ in range(len(word))))
    vocab = Vocabulary()
    vocab.add_all(sorted(terms))
    lexicon = vocab.lexicon(len(vocab))
    for word in [*base, "thuongmoi", "nguyenvna", "mitsublshi"]:
        expected = []
        for length in range(len(word) - 2, len(word) + 3):
            bucket = lexicon.by_length.get(length)
            if bucket is not None:
                found = process.extract(
                    word, bucket[0], scorer=OSA.distance, score_cutoff=2, limit=None
                )
                expected += [(bucket[1][index], int(score)) for _, score, index in found]
        assert lexicon.neighbours(word, 2) == expected
        assert len(expected) > 1
