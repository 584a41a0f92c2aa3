"""Sentence splitting for Vietnamese news text, the one splitter every format uses.

Paragraphs too long to read as one passage (the baomoi corpus puts a whole body on
one line) are cut into sentences here and regrouped by :mod:`.passages`. The rules
are tuned on the 35k corpus: no break inside numbers, "TP.HCM", URLs, after common
abbreviations or initials, or inside quotes.
"""

from __future__ import annotations

import re

#: A "sentence" longer than this (no punctuation at all) is cut at spaces.
SENTENCE_MAX = 1000

# A run of sentence-final punctuation (with the Vietnamese "./." end mark) and closing
# quotes/brackets, then space; or two or more spaces (the corpus keeps some paragraph
# breaks and subheadings as double spaces).
BREAK = re.compile(r"[.!?…]+(?:/\.)?[\"'”’»)\]]*\s+|\s{2,}")
OPENERS = "\"'“‘«(["
_LAST_WORD = re.compile(r"(\w+)$")
# Words after which a period does not end a sentence ("TP. Hồ Chí Minh", "ThS. Lan").
# fmt: off
_ABBREVIATIONS = frozenset(
    {
        "TP", "Tp", "tp", "TX", "Tx", "Q", "P", "TT", "ThS", "Ths", "TS", "PGS", "GS", "BS",
        "Bs", "KS", "NSND", "NSƯT", "NXB", "Nxb", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr",
        "Co", "Inc", "Ltd", "No", "Prof", "Gen", "Col", "Lt", "Capt", "Sgt", "Mt", "Th",
    }
)
# fmt: on


def collapse(text: str) -> str:
    """``text`` with every run of whitespace made one space, stripped."""
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (stripped, never empty; ``[""]`` for blank text).

    Breaks after . ! ? … (and the "./." end mark) before a capital or digit, and at runs
    of two or more spaces. No break inside numbers ("2.000", "3,2"), "TP.HCM", URLs, after
    abbreviations ("TP.", "ThS.") or initials ("J."), after a list number ("7."), or inside
    quotes (up to 500 characters, so an unclosed quote cannot swallow the article).
    """
    sentences: list[str] = []
    start = 0
    counted = 0
    curly = straight = 0
    for match in BREAK.finditer(text):
        end = match.end()
        if end >= len(text):
            break
        chunk = text[counted:end]
        curly += chunk.count("“") - chunk.count("”")
        straight += chunk.count('"')
        counted = end
        quoted = curly > 0 or straight % 2 == 1
        if quoted and end - start < 500:
            continue
        if not is_break(text, match, start):
            continue
        sentences.extend(_cut_long(text[start:end].strip()))
        start = end
        curly = straight = 0
    sentences.extend(_cut_long(text[start:].strip()))
    return [sentence for sentence in sentences if sentence] or [""]


def is_break(text: str, match: re.Match[str], start: int) -> bool:
    """Whether a punctuation/space run (a :data:`BREAK` match) really ends a sentence."""
    following = text[match.end() : match.end() + 2]
    nxt = following[1:2] if following[:1] in OPENERS else following[:1]
    if not (nxt.isupper() or nxt.isdigit()):
        return False
    if match.group().startswith(".") and not match.group().startswith(".."):
        word_match = _LAST_WORD.search(text, max(start, match.start() - 12), match.start())
        word = word_match.group() if word_match else ""
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            return False  # "TP. Hồ Chí Minh", "Donald J. Trump"
        numbered = word.isdigit() and len(word) <= 2  # "7. KamAZ-5350" starts an item
        if numbered and not text[start : match.start() - len(word)].strip():
            return False
    return True


def _cut_long(sentence: str) -> list[str]:
    """Cut a run-on "sentence" (no punctuation at all) at spaces."""
    pieces: list[str] = []
    start = 0
    while len(sentence) - start > SENTENCE_MAX:
        cut = sentence.rfind(" ", start + SENTENCE_MAX // 2, start + SENTENCE_MAX)
        cut = cut if cut > 0 else start + SENTENCE_MAX
        pieces.append(sentence[start:cut].strip())
        start = cut
    pieces.append(sentence[start:].strip())
    return pieces
