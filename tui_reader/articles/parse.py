"""Turn decoded article text into an :class:`Article`: title, lead, paragraphs and tail.

Three layouts are common: a title line and blank-line separated paragraphs (with a
caption, a byline and a "Nguồn X: URL" line); paragraphs one per line with no title;
and the baomoi corpus (title, lead, then the whole body on one line). The parse is
deterministic because search hits and bookmarks refer to passage indexes, and nothing
is dropped: the passages hold every word of the text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tui_reader.articles.decode import read_text
from tui_reader.articles.model import Article, Passage, PassageKind, content_key
from tui_reader.articles.sanitize import safe_text

#: Characters parsed into passages; the rest of a giant file is left out (truncated).
MAX_PARSE_CHARS = 2_000_000

TITLE_MAX = 200  # a longer first line is body text
DOTTED_TITLE_MAX = 120  # a first line ending in "." is a title only when short
DERIVED_TITLE_MAX = 90
LONG_BLOCK = 700  # blocks longer than this are split into paragraphs by sentence
CAPTION_MAX = 300
_PARA_MIN, _PARA_TARGET, _PARA_MAX = 300, 600, 900
_PARA_SENTENCES = 4
_SENTENCE_MAX = 1000  # a "sentence" longer than this (no punctuation) is cut at spaces
_SOURCE_MAX = 400  # longest line taken for a source line (it may hold a long URL)
_TAIL_WINDOW = 160  # how far back from the end a trailing byline/source may start

_LINE_BREAKS = {"\r": "\n", "\f": "\n", "\v": "\n", "\u2028": "\n", "\u2029": "\n\n"}
_OTHER_LINE_BREAK = re.compile("[\r\f\v\u2028\u2029]")
# A run of sentence-final punctuation (with the Vietnamese "./." end mark) and closing
# quotes/brackets, then space; or two or more spaces (the corpus keeps some paragraph
# breaks and subheadings as double spaces).
_BREAK = re.compile(r"[.!?…]+(?:/\.)?[\"'”’»)\]]*\s+|\s{2,}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_OPENERS = "\"'“‘«(["
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
_PHOTO_CREDIT = re.compile(
    r"\(?(?:(?:Nguồn ảnh|Ảnh(?: minh h(?:ọa|oạ))?)\s*:\s*[^:()]{1,60}?"
    r"|Ảnh minh h(?:ọa|oạ))\s*\.?\)?\.?"
)
_ENDS_WITH_CREDIT = re.compile(r"(?:^|[.!?…”\"]\s+|\s)(?:" + _PHOTO_CREDIT.pattern + r")$")
_SOURCE_WITH_URL = re.compile(
    r"\(?(?:Nguồn|nguồn|Theo)\s*:?\s*(?P<name>[^():]{0,60}?)\s*:?\s*"
    r"(?P<url>https?://[^\s()]+?)[.,;]?\)?"
)
_SOURCE_NAMED = re.compile(r"\(?(?:[Nn]guồn\s*:|Theo\s)\s*(?P<name>[^():,;!?]{1,60}?)\s*\.?\)?")
_BYLINE = re.compile(r"(?P<name>[^()]+?)(?:\s*\([^()]{1,30}\))?")
_BYLINE_WORD = re.compile(r"[^\W\d_][\w.'/-]*")
_BYLINE_JOINERS = frozenset({"-", "–", "&", "/", "và"})
_BYLINE_AND_SOURCE = re.compile(r"(?P<byline>.+?)\s+(?P<source>\(?(?:Theo|Nguồn:?)\s.+)")


@dataclass(slots=True)
class _Frame:
    """The cheap part of a parse: title and tail, and the body blocks left between."""

    title: str
    title_derived: bool
    body: list[str]
    tail: list[Passage] = field(default_factory=list)
    source_name: str | None = None
    source_url: str | None = None


def load_article(path: Path) -> Article:
    """Read, decode and parse the file at ``path``; raises ``UnreadableFile``."""
    decoded = read_text(path)
    return parse_article(decoded.text, path, encoding=decoded.encoding, truncated=decoded.truncated)


def parse_article(
    text: str, path: Path, *, encoding: str = "utf-8", truncated: bool = False
) -> Article:
    """Parse decoded text into an :class:`Article` (never raises on any text).

    All text in the article goes through :func:`safe_text`. Files longer than
    ``MAX_PARSE_CHARS`` are parsed in part and marked ``truncated``.
    """
    text = _repair(text)
    key = content_key(text)
    prepared, cut = _prepare(text)
    frame = _frame(_blocks(prepared))
    passages: list[Passage] = []
    for block in frame.body:
        passages.extend(_block_passages(block))
    passages.extend(frame.tail)
    _mark_lead(passages)
    title = frame.title or path.stem
    words = len(title.split()) + sum(len(passage.text.split()) for passage in passages)
    return Article(
        key=key,
        path=path,
        title=title,
        passages=tuple(passages),
        title_derived=frame.title_derived or not frame.title,
        source_name=frame.source_name,
        source_url=frame.source_url,
        encoding=encoding,
        truncated=truncated or cut,
        word_count=words,
    )


def summarize(text: str) -> tuple[str, str | None]:
    """``(title, source name)`` as :func:`parse_article` finds them, without the body work.

    The title is ``""`` when the text has none (the caller shows the file name, as
    :func:`parse_article` does).
    """
    frame = _frame(_blocks(_prepare(_repair(text))[0]))
    return frame.title, frame.source_name


def _repair(text: str) -> str:
    """Make any ``str`` hashable as UTF-8 (no lone surrogates) and NFC."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _prepare(text: str) -> tuple[str, bool]:
    """Cap the length, unify line breaks and neutralize controls; report the cap."""
    cut = len(text) > MAX_PARSE_CHARS
    if cut:
        space = text.rfind(" ", MAX_PARSE_CHARS - 1000, MAX_PARSE_CHARS)
        text = text[: space if space > 0 else MAX_PARSE_CHARS]
    if _OTHER_LINE_BREAK.search(text):  # str.translate is slow on non-ASCII text
        text = text.replace("\r\n", "\n")
        text = _OTHER_LINE_BREAK.sub(lambda match: _LINE_BREAKS[match.group()], text)
    return safe_text(text), cut


def _blocks(text: str) -> list[str]:
    """Non-empty lines; in blank-line separated text, hard-wrapped paragraphs are joined."""
    groups: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    separated = len([group for group in groups if group]) > 1
    blocks: list[str] = []
    for group in groups:
        if separated and _hard_wrapped(group):
            blocks.append(" ".join(group))
        else:
            blocks.extend(group)
    return blocks


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


def _frame(blocks: list[str]) -> _Frame:
    if not blocks:
        return _Frame("", True, [])
    first = blocks[0]
    if _looks_like_title(first, has_more=len(blocks) > 1):
        frame = _Frame(_collapse(first), False, blocks[1:])
    else:
        frame = _Frame(_derive_title(first), True, blocks)
    _take_tail(frame)
    return frame


def _looks_like_title(block: str, *, has_more: bool) -> bool:
    if not has_more or len(block) > TITLE_MAX:
        return False
    if block.endswith(".") and not block.endswith(".."):
        return len(block) <= DOTTED_TITLE_MAX and len(split_sentences(block)) == 1
    return True


def _derive_title(block: str) -> str:
    """The first sentence, cut at a word with an ellipsis when too long."""
    head = block[:_SENTENCE_MAX]
    first = _collapse(split_sentences(head)[0])
    if first.endswith(".") and not first.endswith(".."):
        first = first[:-1].rstrip()
    if len(first) <= DERIVED_TITLE_MAX:
        return first
    cut = first.rfind(" ", 0, DERIVED_TITLE_MAX)
    if cut < DERIVED_TITLE_MAX // 2:
        cut = DERIVED_TITLE_MAX - 1
    return first[:cut].rstrip(" ,;:-–—") + "…"


def _take_tail(frame: _Frame) -> None:
    """Move the byline and source lines (or trailing fragment) at the end into ``tail``.

    The first body block is never taken: it is the lead.
    """
    body = frame.body
    found: list[Passage] = []
    while len(body) > 1 and len(body[-1]) <= _SOURCE_MAX:
        line = _collapse(body[-1])
        if frame.source_url is None and frame.source_name is None and _take_source(frame, line):
            found.insert(0, Passage(PassageKind.SOURCE, line))
        elif not any(p.kind is PassageKind.BYLINE for p in found) and _is_byline(line):
            found.insert(0, Passage(PassageKind.BYLINE, line))
        else:
            break
        body.pop()
    if not found and body and not _caption_text(body[-1]):
        rest, fragment = _split_fragment(body[-1])
        if rest and fragment:
            found = _fragment_passages(frame, fragment)
            if found:
                body[-1] = rest
    frame.tail = found


def _split_fragment(block: str) -> tuple[str, str]:
    """Split off the text after the last sentence break near the end of ``block``."""
    start = max(0, len(block) - _TAIL_WINDOW)
    last = None
    for match in _BREAK.finditer(block, start):
        if match.end() < len(block) and _is_break(block, match, 0):
            last = match
    if last is None:
        return block, ""
    return block[: last.end()].rstrip(), block[last.end() :].strip()


def _fragment_passages(frame: _Frame, fragment: str) -> list[Passage]:
    fragment = _collapse(fragment)
    if _take_source(frame, fragment):
        return [Passage(PassageKind.SOURCE, fragment)]
    if _is_byline(fragment):
        return [Passage(PassageKind.BYLINE, fragment)]
    both = _BYLINE_AND_SOURCE.fullmatch(fragment)
    if both and _is_byline(both["byline"]) and _take_source(frame, both["source"]):
        return [
            Passage(PassageKind.BYLINE, both["byline"]),
            Passage(PassageKind.SOURCE, both["source"]),
        ]
    return []


def _take_source(frame: _Frame, line: str) -> bool:
    """Record the source if ``line`` is a source line; only http(s) URLs are kept."""
    if len(line) > _SOURCE_MAX:
        return False
    match = _SOURCE_WITH_URL.fullmatch(line)
    if match:
        url = match["url"]
        name = match["name"].strip(" -–") or urlsplit(url).hostname or ""
        if not _plausible_source_name(name, allow_lower=True):
            return False
        frame.source_name = name.removeprefix("www.")
        frame.source_url = url
        return True
    match = _SOURCE_NAMED.fullmatch(line)
    lower_ok = not line.lstrip("(").startswith("Theo")  # "Nguồn: vnexpress.net" is fine
    if match and _plausible_source_name(match["name"], allow_lower=lower_ok):
        frame.source_name = match["name"].rstrip(".")
        return True
    return False


def _plausible_source_name(name: str, *, allow_lower: bool) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or re.search(r"[.!?]\s", name):
        return False
    return allow_lower or name[0].isupper() or name[0].isdigit()


def _is_byline(line: str) -> bool:
    """A short run of capitalized name words, maybe with a short note in parentheses."""
    match = _BYLINE.fullmatch(line) if len(line) <= 60 else None
    if match is None:
        return False
    name = match["name"]
    if name[-1] in ".,;:!?":
        return False
    words = [word for word in name.split() if word not in _BYLINE_JOINERS]
    if not 1 <= len(words) <= 5 or words[0] in ("Theo", "Nguồn", "Ảnh"):
        return False
    return all(_BYLINE_WORD.fullmatch(word) and word[0].isupper() for word in words)


def _caption_text(block: str) -> str | None:
    """The caption's display text if ``block`` is a photo caption, else ``None``."""
    if len(block) > CAPTION_MAX:
        return None
    if block.endswith("|") and block[-2:-1].isspace():
        return block[:-1].rstrip() or None
    if _PHOTO_CREDIT.match(block) or _ENDS_WITH_CREDIT.search(block):
        return block
    return None


def _block_passages(block: str) -> list[Passage]:
    caption = _caption_text(block)
    if caption is not None:
        return [Passage(PassageKind.CAPTION, _collapse(caption))]
    if len(block) <= LONG_BLOCK:
        return [Passage(PassageKind.PARAGRAPH, _collapse(block))]
    return _group(split_sentences(block))


def _group(sentences: list[str]) -> list[Passage]:
    """Group sentences into paragraphs of a few sentences; photo credits make captions."""
    out: list[Passage] = []
    current: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        if current:
            out.append(Passage(PassageKind.PARAGRAPH, _collapse(" ".join(current))))
        current, size = [], 0

    for sentence in sentences:
        if _PHOTO_CREDIT.fullmatch(sentence):
            described = current.pop() if current and len(current[-1]) <= CAPTION_MAX else None
            flush()
            caption = f"{described} {sentence}" if described else sentence
            out.append(Passage(PassageKind.CAPTION, _collapse(caption)))
            continue
        if current and (
            size >= _PARA_TARGET
            or (
                size >= _PARA_MIN
                and (len(current) >= _PARA_SENTENCES or size + len(sentence) > _PARA_TARGET)
            )
            or (size >= _PARA_MIN // 2 and size + len(sentence) > _PARA_MAX)
        ):
            flush()
        current.append(sentence)
        size += len(sentence) + 1
    flush()
    if (
        len(out) >= 2
        and out[-1].kind is out[-2].kind is PassageKind.PARAGRAPH
        and len(out[-1].text) < _PARA_MIN // 2
        and len(out[-1].text) + len(out[-2].text) < _PARA_MAX
    ):
        merged = f"{out[-2].text} {out[-1].text}"
        out[-2:] = [Passage(PassageKind.PARAGRAPH, merged)]
    return out


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
    for match in _BREAK.finditer(text):
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
        if not _is_break(text, match, start):
            continue
        sentences.extend(_cut_long(text[start:end].strip()))
        start = end
        curly = straight = 0
    sentences.extend(_cut_long(text[start:].strip()))
    return [sentence for sentence in sentences if sentence] or [""]


def _is_break(text: str, match: re.Match[str], start: int) -> bool:
    """Whether a punctuation/space run really ends a sentence."""
    following = text[match.end() : match.end() + 2]
    nxt = following[1:2] if following[:1] in _OPENERS else following[:1]
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
    while len(sentence) - start > _SENTENCE_MAX:
        cut = sentence.rfind(" ", start + _SENTENCE_MAX // 2, start + _SENTENCE_MAX)
        cut = cut if cut > 0 else start + _SENTENCE_MAX
        pieces.append(sentence[start:cut].strip())
        start = cut
    pieces.append(sentence[start:].strip())
    return pieces


def _mark_lead(passages: list[Passage]) -> None:
    for index, passage in enumerate(passages):
        if passage.kind is PassageKind.PARAGRAPH:
            passages[index] = Passage(PassageKind.LEAD, passage.text)
            return


def _collapse(text: str) -> str:
    return " ".join(text.split())
