"""Vietnamese word segmentation with pyvi, aligned exactly to our syllable tokens.

Vietnamese words span several syllables (``Triều Tiên``, ``hội nghị``). pyvi's
CRF model labels each syllable B_W (begins a word) or I_W (continues one). We
run the model on *our own* token sequence (the tokens of
:func:`tui_reader.text.tokens.tokenize` plus single punctuation marks, like
pyvi's own syllabifier), so every label lines up with one of our tokens and
its offsets, then apply the joining rules of pyvi's ``tokenize()``: never
across punctuation or digits, never from a lowercase syllable into a Titlecase
one.

pyvi costs over a second to import, so it is loaded lazily on first use, never
when ``tui_reader`` is imported. The features are built by a fast
re-implementation of ``ViTokenizer.sent2features`` (the same feature names and
values; attributes whose value is False carry weight 0 in CRFsuite and are
omitted) and fed to the model's CRFsuite tagger directly: the labels are
identical to pyvi's, about three times faster. Segmentation is CPU-bound pure
Python: callers parallelise with a process pool (see ``tui_reader.search``).
"""

from __future__ import annotations

import threading
import unicodedata
import warnings
from collections.abc import Sequence
from typing import Any

from tui_reader.text.fold import folded_text
from tui_reader.text.tokens import SEQUENCE_RE

__all__ = ["TOKENIZER_VERSION", "segment_text", "segment_texts", "words_of"]

#: Bump when tokenization or segmentation output changes: cached indexes are rebuilt.
TOKENIZER_VERSION = 1

_lock = threading.Lock()
_model: tuple[Any, frozenset[str], frozenset[str]] | None = None


def _load() -> tuple[Any, frozenset[str], frozenset[str]]:
    """Import pyvi once per process: (CRFsuite tagger, bigram set, trigram set)."""
    global _model
    with _lock:
        if _model is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from pyvi import ViTokenizer

            vt = ViTokenizer.ViTokenizer
            _model = (vt.model.tagger_, frozenset(vt.bi_grams), frozenset(vt.tri_grams))
        return _model


def _features(
    sent: list[str], bigrams: frozenset[str], trigrams: frozenset[str]
) -> list[list[str]]:
    """CRFsuite attributes for each syllable, equal to pyvi's ``sent2features``."""
    n = len(sent)
    low = [w.lower() for w in sent]
    title = [w.istitle() for w in sent]
    upper = [w.isupper() for w in sent]
    bi = [False] * (n + 1)  # bi[i]: (low[i-1], low[i]) is a known bigram
    tri = [False] * (n + 1)  # tri[i]: (low[i-2], low[i-1], low[i]) is a known trigram
    for i in range(1, n):
        bi[i] = f"{low[i - 1]} {low[i]}" in bigrams
        if i > 1:
            tri[i] = f"{low[i - 2]} {low[i - 1]} {low[i]}" in trigrams
    out: list[list[str]] = []
    for i in range(n):
        f = ["bias", "word.lower():" + low[i]]
        if upper[i]:
            f.append("word.isupper()")
        if title[i]:
            f.append("word.istitle()")
        if sent[i].isdigit():
            f.append("word.isdigit()")
        if i > 0:
            f.append("-1:word.lower():" + low[i - 1])
            if title[i - 1]:
                f.append("-1:word.istitle()")
            if upper[i - 1]:
                f.append("-1:word.isupper()")
            if bi[i]:
                f.append("-1:word.bi_gram()")
            if i > 1 and tri[i]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f.append("+1:word.lower():" + low[i + 1])
            if title[i + 1]:
                f.append("+1:word.istitle()")
            if upper[i + 1]:
                f.append("+1:word.isupper()")
            if bi[i + 1]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and tri[i + 2]:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


def _sequence(text: str) -> tuple[list[str], list[bool]]:
    """pyvi's view of ``text``: syllables and punctuation (NFC), and which are tokens."""
    ft = folded_text(text)
    nfc = unicodedata.is_normalized("NFC", text)
    items: list[str] = []
    is_token: list[bool] = []
    for m in SEQUENCE_RE.finditer(ft.folded):
        start, end = ft.to_original(m.start(), m.end())
        piece = text[start:end]
        items.append(piece if nfc else unicodedata.normalize("NFC", piece))
        is_token.append(m.group(1) is not None)
    return items, is_token


def segment_text(text: str) -> bytes:
    """One byte per token of ``tokenize(text)``: 1 if it continues the previous token's word."""
    return segment_texts([text])[0]


def segment_texts(texts: Sequence[str]) -> list[bytes]:
    """:func:`segment_text` for many texts (one model load, one call per text)."""
    tagger, bigrams, trigrams = _load()
    results: list[bytes] = []
    for text in texts:
        items, is_token = _sequence(text)
        if not items:
            results.append(b"")
            continue
        labels = tagger.tag(_features(items, bigrams, trigrams))
        joins = bytearray()
        for i, item in enumerate(items):
            if not is_token[i]:
                continue
            join = (
                i > 0
                and labels[i] == "I_W"
                and is_token[i - 1]
                and not item[0].isdigit()
                and not items[i - 1][0].isdigit()
                and not (item[0].istitle() and not items[i - 1][0].istitle())
            )
            joins.append(1 if join else 0)
        results.append(bytes(joins))
    return results


def words_of(tokens: Sequence[str], joins: bytes, max_syllables: int = 6) -> list[tuple[int, str]]:
    """Multi-syllable words as ``(first token index, "a_b")`` from tokens and join flags.

    Runs longer than ``max_syllables`` (long all-caps headlines the model
    glued together) yield no word term.
    """
    words: list[tuple[int, str]] = []
    n = len(tokens)
    i = 0
    while i < n:
        j = i + 1
        while j < n and joins[j]:
            j += 1
        if 1 < j - i <= max_syllables:
            words.append((i, "_".join(tokens[i:j])))
        i = j
    return words
