"""Folding: the one definition of "the same letters" used by search, filter and highlight.

A reader without a Vietnamese keyboard types ``ha noi`` for ``Hà Nội``, so every
comparison happens on folded text: lowercase, decomposed (NFD), every combining
mark (category ``Mn``: tones and vowel marks) dropped, and ``đ``/``Đ`` turned
into ``d``.

Folding is defined per character (the folded text is the concatenation of the
per-character folds), so it maps back to the original exactly: every folded
character knows which original character produced it. That is what lets the
reading pane highlight ``Hà Nội`` for a match found in ``ha noi``. Per-character
folds are fixed points (folding them again changes nothing), which makes
:func:`fold` idempotent.

Speed: :func:`fold` is one ``str.translate`` over a table that learns each
character the first time it is seen, so a 5,000-character article folds in
tens of microseconds.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

__all__ = ["FoldedText", "fold", "fold_char", "fold_with_offsets", "folded_text"]

_SPECIAL = {"đ": "d", "Đ": "d"}


def _fold_once(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFD", ch).lower())
    return "".join(
        _SPECIAL.get(c, c) for c in decomposed if unicodedata.category(c) != "Mn"
    )


def fold_char(ch: str) -> str:
    """The fold of one character: zero, one or (rarely) several characters.

    Iterated to a fixed point so that folding the result again is a no-op.
    """
    current = ch
    for _ in range(8):
        nxt = "".join(_fold_once(c) for c in current)
        if nxt == current:
            return current
        current = nxt
    return current  # Pathological cycle guard; never reached for real Unicode data.


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that computes and remembers each character's fold."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()  # Characters whose fold is not exactly one char.
        self._lock = threading.Lock()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = fold_char(ch)
        with self._lock:
            if len(folded) != 1:
                self.irregular.add(ch)
            self[code] = folded
        return folded


_TABLE = _FoldTable()
for _code in range(128):
    _TABLE[_code] = chr(_code).lower()


def fold(text: str) -> str:
    """Lowercase, strip tone and other combining marks, ``đ`` -> ``d``."""
    return text.translate(_TABLE)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Folded text plus the way back to the original.

    ``starts[i]`` is the index of the original character that produced folded
    character ``i``; ``starts[len(folded)] == len(original)``. ``starts`` is
    ``None`` when folding kept every character one-for-one (the common case),
    so no per-character list is built.
    """

    original: str
    folded: str
    starts: list[int] | None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the folded text to the original text.

        Marks dropped after the last character of the span (e.g. a separate
        tone mark in decomposed input) stay inside the span.
        """
        if self.starts is None:
            return start, end
        n = len(self.folded)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        return self.starts[start], self.starts[end]


def folded_text(text: str) -> FoldedText:
    """Fold ``text`` and keep what is needed to map spans back to it."""
    folded = text.translate(_TABLE)
    irregular = _TABLE.irregular
    if len(folded) == len(text) and (not irregular or irregular.isdisjoint(text)):
        return FoldedText(text, folded, None)
    starts: list[int] = []
    table = _TABLE
    for index, ch in enumerate(text):
        starts.extend([index] * len(table[ord(ch)]))
    starts.append(len(text))
    return FoldedText(text, folded, starts)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``(folded, starts)``: ``starts[i]`` is the original index of folded char ``i``.

    ``starts`` has ``len(folded) + 1`` entries, the last being ``len(text)``,
    so a folded span ``[a, b)`` maps to ``[starts[a], starts[b])``.
    """
    ft = folded_text(text)
    if ft.starts is None:
        return ft.folded, list(range(len(text) + 1))
    return ft.folded, ft.starts
