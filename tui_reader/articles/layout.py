"""Layout framing of loose text: lines into blocks, and which block is the title.

Three layouts are common in plain text: a title line and blank-line separated
paragraphs; paragraphs one per line with no title; and the baomoi corpus (title,
lead, then the whole body on one line). This module only decides the frame; the
tail (:mod:`.tail`) and the passages (:mod:`.passages`) are built from its body.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from tui_reader.articles.sanitize import safe_text
from tui_reader.articles.sentences import SENTENCE_MAX, collapse, split_sentences

#: Characters parsed into passages; the rest of a giant file is left out (truncated).
MAX_PARSE_CHARS = 2_000_000

TITLE_MAX = 200  # a longer first line is body text
DOTTED_TITLE_MAX = 120  # a first line ending in "." is a title only when short
DERIVED_TITLE_MAX = 90

_HEADING = re.compile(r"(?P<bar>={1,6})[ \t]*(?P<text>[^=\n](?:.*[^=\s])?)[ \t]*(?P=bar)")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
_MIXED_TOKEN = re.compile(r"(?=.*\d)(?=.*[^\W\d_])")

_LINE_BREAKS = {"\r": "\n", "\f": "\n", "\v": "\n", "\u2028": "\n", "\u2029": "\n\n"}
_OTHER_LINE_BREAK = re.compile("[\r\f\v\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Frame:
    """The title of a text and the body blocks below it."""

    title: str
    title_derived: bool
    body: list[str]


def repair(text: str) -> str:
    """Make any ``str`` hashable as UTF-8 (no lone surrogates) and NFC."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def prepare(text: str) -> tuple[str, bool]:
    """Cap the length, unify line breaks and neutralize controls; report the cap."""
    cut = len(text) > MAX_PARSE_CHARS
    if cut:
        space = text.rfind(" ", MAX_PARSE_CHARS - 1000, MAX_PARSE_CHARS)
        text = text[: space if space > 0 else MAX_PARSE_CHARS]
    if _OTHER_LINE_BREAK.search(text):  # str.translate is slow on non-ASCII text
        text = text.replace("\r\n", "\n")
        text = _OTHER_LINE_BREAK.sub(lambda match: _LINE_BREAKS[match.group()], text)
    return safe_text(text), cut


def blocks(text: str) -> list[str]:
    """Non-empty lines; in blank-line separated text, hard-wrapped paragraphs are joined."""
    groups: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    separated = len([group for group in groups if group]) > 1
    out: list[str] = []
    for group in groups:
        if separated and _hard_wrapped(group):
            out.append(" ".join(group))
        else:
            out.extend(group)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """Whether the lines of a blank-line separated group are one paragraph wrapped by an editor.

    Greedy wrapping leaves every line too full for the next line's first word. Titles,
    leads and bylines written one per line do not pass that test.
    """
    if len(lines) < 3 or any(len(line) > 100 for line in lines):
        return False
    width = max(len(line) for line in lines[:-1])
    if width < 40:
        return False
    return all(
        len(line) + 1 + len(following.split()[0]) > width
        for line, following in itertools.pairwise(lines)
    )


def heading(block: str) -> tuple[int, str] | None:
    """``(level, text)`` of a wiki-style heading line (``== Tính chất ==`` is level 2)."""
    if not block.startswith("=") or len(block) > 300:
        return None
    match = _HEADING.fullmatch(block)
    if match is None:
        return None
    return len(match["bar"]), collapse(match["text"])


def frame(body: list[str], name: str = "") -> Frame:
    """Take the title line off ``body`` when the first block is one, else find a title.

    ``name`` is the file's name without its extension. When the first block is a
    paragraph rather than a title and the name is words (a Wikipedia page saved
    as ``Yamanashi.txt``), the name is the title, in the text's own casing.
    """
    if not body:
        return Frame("", True, [])
    first = body[0]
    top = heading(first)
    if top is not None and top[0] == 1:  # "= Yamanashi =" on the first line
        return Frame(top[1], False, body[1:])
    if top is None and looks_like_title(first, has_more=len(body) > 1):
        return Frame(collapse(first), False, body[1:])
    named = title_from_name(name, first)
    if named:
        return Frame(named, False, body)
    return Frame(derive_title(first), True, body)


def _fold(text: str) -> str:
    """Lower case without tone marks, đ as d: for comparing a file name with the text."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_words(name: str) -> str | None:
    """The words of a file name (``Chiến_tranh_thế_giới``), or None for ids and codes.

    A name is words when it has a word of two letters or more, no token that mixes
    letters and digits (hashes, ids), and letters make most of it.
    """
    spaced = collapse(re.sub(r"[_+]+", " ", name))
    tokens = spaced.split()
    if not tokens or len(spaced) > 150:
        return None
    letters = sum(char.isalpha() for char in spaced)
    if letters < 0.6 * len(spaced.replace(" ", "")):
        return None
    if any(_MIXED_TOKEN.match(token) for token in tokens):
        return None
    if not any(_NAME_WORD.fullmatch(token) and len(token) >= 2 for token in tokens):
        return None
    return spaced


def title_from_name(name: str, first_block: str) -> str | None:
    """The title a file name gives, in the text's casing, when the first block contains it.

    A Wikipedia page's first paragraph always names its subject; a name the text
    does not contain ("renamed", "notes") is no title.
    """
    words = name_words(unicodedata.normalize("NFC", name))
    if words is None:
        return None
    wanted = _fold(words)
    head = first_block[:2000]
    folded = _fold(head)
    if len(folded) == len(head):  # offsets agree: take the text's own spelling
        at = folded.find(wanted)
        if at >= 0:
            return collapse(head[at : at + len(wanted)])
    hyphened = _fold(words.replace("-", " "))
    if hyphened != wanted and len(folded) == len(head):
        at = folded.find(hyphened)
        if at >= 0:
            return collapse(head[at : at + len(hyphened)])
    return None  # a name the text does not contain ("renamed.txt") says nothing about it


def looks_like_title(block: str, *, has_more: bool) -> bool:
    """Whether a first line reads as a headline rather than as a paragraph."""
    if not has_more or len(block) > TITLE_MAX:
        return False
    if block.endswith(".") and not block.endswith(".."):
        return len(block) <= DOTTED_TITLE_MAX and len(split_sentences(block)) == 1
    return True


def derive_title(block: str) -> str:
    """The first sentence, cut at a word with an ellipsis when too long."""
    head = block[:SENTENCE_MAX]
    first = collapse(split_sentences(head)[0])
    if first.endswith(".") and not first.endswith(".."):
        first = first[:-1].rstrip()
    if len(first) <= DERIVED_TITLE_MAX:
        return first
    cut = first.rfind(" ", 0, DERIVED_TITLE_MAX)
    if cut < DERIVED_TITLE_MAX // 2:
        cut = DERIVED_TITLE_MAX - 1
    return first[:cut].rstrip(" ,;:-–—") + "…"
