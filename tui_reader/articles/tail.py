"""The end matter of an article, and its photo captions: byline, source line, credits.

News text ends with the author's name, a "Theo X" / "Nguồn X: URL" line, or both,
sometimes as their own lines and sometimes glued to the last sentence of a one-line
body. Photo captions carry a credit ("Ảnh: AFP/TTXVN"). These rules are shared by
every format that has loose text (plain text, Markdown, JSON bodies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tui_reader.articles.model import Passage, PassageKind
from tui_reader.articles.sentences import BREAK, collapse, is_break

CAPTION_MAX = 300
SOURCE_MAX = 400  # longest line taken for a source line (it may hold a long URL)
_TAIL_WINDOW = 160  # how far back from the end a trailing byline/source may start

PHOTO_CREDIT = re.compile(
    r"\(?(?:(?:Nguồn ảnh|Ảnh(?: minh h(?:ọa|oạ))?)\s*:\s*[^:()]{1,60}?"
    r"|Ảnh minh h(?:ọa|oạ))\s*\.?\)?\.?"
)
_ENDS_WITH_CREDIT = re.compile(r"(?:^|[.!?…”\"]\s+|\s)(?:" + PHOTO_CREDIT.pattern + r")$")
_SOURCE_WITH_URL = re.compile(
    r"\(?(?:Nguồn|nguồn|Theo)\s*:?\s*(?P<name>[^():]{0,60}?)\s*:?\s*"
    r"(?P<url>https?://[^\s()]+?)[.,;]?\)?"
)
_SOURCE_NAMED = re.compile(r"\(?(?:[Nn]guồn\s*:|Theo\s)\s*(?P<name>[^():,;!?]{1,60}?)\s*\.?\)?")
_BYLINE = re.compile(r"(?P<name>[^()]+?)(?:\s*\([^()]{1,30}\))?")
_BYLINE_WORD = re.compile(r"[^\W\d_][\w.'/-]*")
_BYLINE_JOINERS = frozenset({"-", "–", "&", "/", "và"})
_BYLINE_AND_SOURCE = re.compile(
    r"(?P<byline>.+?)(?P<comma>,?)\s+(?P<source>\(?(?:Theo|Nguồn:?)\s.+)"
)
_COMPILED_NOTE = re.compile(r"\s*\(?(?:tổng hợp|lược dịch|dịch|biên dịch|t/h|TH)\)?\.?$")


@dataclass(slots=True)
class Tail:
    """What :func:`take_tail` found at the end of a body."""

    passages: list[Passage] = field(default_factory=list)
    source_name: str | None = None
    source_url: str | None = None
    author: str | None = None


def take_tail(body: list[str]) -> Tail:
    """Move the byline and source lines (or trailing fragment) at the end of ``body`` out.

    ``body`` is the list of body blocks, changed in place; the first block is never
    taken (it is the lead).
    """
    tail = Tail()
    found: list[Passage] = []
    while len(body) > 1 and len(body[-1]) <= SOURCE_MAX:
        line = collapse(body[-1])
        if tail.source_url is None and tail.source_name is None and _take_source(tail, line):
            found.insert(0, Passage(PassageKind.SOURCE, line))
        elif not any(p.kind is PassageKind.BYLINE for p in found) and is_byline(line):
            found.insert(0, Passage(PassageKind.BYLINE, line))
        else:
            break
        body.pop()
    if not found and body and not caption_text(body[-1]):
        rest, fragment = _split_fragment(body[-1])
        if rest and fragment:
            found = _fragment_passages(tail, fragment)
            if found:
                body[-1] = rest
    tail.passages = found
    return tail


def _split_fragment(block: str) -> tuple[str, str]:
    """Split off the text after the last sentence break near the end of ``block``."""
    start = max(0, len(block) - _TAIL_WINDOW)
    last = None
    for match in BREAK.finditer(block, start):
        if match.end() < len(block) and is_break(block, match, 0):
            last = match
    if last is None:
        return block, ""
    return block[: last.end()].rstrip(), block[last.end() :].strip()


def _fragment_passages(tail: Tail, fragment: str) -> list[Passage]:
    fragment = collapse(fragment)
    if _take_source(tail, fragment):
        return [Passage(PassageKind.SOURCE, fragment)]
    if is_byline(fragment):
        return [Passage(PassageKind.BYLINE, fragment)]
    both = _BYLINE_AND_SOURCE.fullmatch(fragment)
    if both and is_byline(both["byline"]) and _take_source(tail, both["source"]):
        return [
            Passage(PassageKind.BYLINE, both["byline"] + both["comma"]),
            Passage(PassageKind.SOURCE, both["source"]),
        ]
    return []


def _take_source(tail: Tail, line: str) -> bool:
    """Record the source if ``line`` is a source line; only http(s) URLs are kept."""
    if len(line) > SOURCE_MAX:
        return False
    match = _SOURCE_WITH_URL.fullmatch(line)
    if match:
        url = match["url"]
        name = match["name"].strip(" -–") or urlsplit(url).hostname or ""
        if not _plausible_source_name(name, allow_lower=True):
            return False
        tail.source_name = name.removeprefix("www.")
        tail.source_url = url
        return True
    match = _SOURCE_NAMED.fullmatch(line)
    lower_ok = not line.lstrip("(").startswith("Theo")  # "Nguồn: vnexpress.net" is fine
    if match and _plausible_source_name(match["name"], allow_lower=lower_ok):
        tail.author, tail.source_name = split_author(match["name"].rstrip("."))
        return True
    return False


def split_author(name: str) -> tuple[str | None, str]:
    """``"Trần Kháng/ Reatimes.vn"`` as ``("Trần Kháng", "Reatimes.vn")``.

    A source line often names the writer before the outlet. The part before the
    last slash is taken as the author only when it reads as a person's name (two or
    more capitalized words, not an agency acronym like "VITIC/Reuters").
    """
    left, slash, right = name.rpartition("/")
    right = right.strip()
    if not slash or not right or len(right.split()) > 4:
        return None, name
    person = _COMPILED_NOTE.sub("", left.strip().removeprefix("Theo ").strip())
    words = [word for word in person.split() if word not in _BYLINE_JOINERS]
    if len(words) < 2 or any(word.isupper() and len(word) > 1 for word in words):
        return None, name
    if not is_byline(person):
        return None, name
    return person, right


def _plausible_source_name(name: str, *, allow_lower: bool) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or re.search(r"[.!?]\s", name):
        return False
    return allow_lower or name[0].isupper() or name[0].isdigit()


def is_byline(line: str) -> bool:
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


_CREDIT_LEAD = re.compile(
    r"(?P<open>\()?(?P<label>Nguồn ảnh|Ảnh minh h(?:ọa|oạ)|Ảnh)\s*(?P<colon>:)?\s*"
)
_CREDIT_MAX_WORDS = 5
# Words that begin a sentence after a photo credit rather than continue a name.
# fmt: off
_SENTENCE_OPENERS = frozenset(
    {
        "Ông", "Bà", "Chị", "Theo", "Trong", "Tại", "Sau", "Khi", "Các", "Những", "Người",
        "Hiện", "Đây", "Đó", "Năm", "Ngày", "Với", "Tuy", "Nhưng", "Cũng", "Còn", "Nhiều",
        "Một", "Việc", "Vụ", "Từ", "Để", "Nếu", "Vì", "Do", "Trước", "Hôm", "Sáng", "Chiều",
        "Tối", "Đêm", "Trưa", "Đến", "Mặc", "Bên", "Ngoài", "Dù", "Riêng", "Cùng", "Tháng",
        "Được", "Là", "Có", "Không", "Trên", "Dưới", "Thủ", "Tổng", "Bộ", "Sở", "Phó", "Chủ",
        "Giám", "Lãnh", "Phía", "Cảnh", "Báo", "Ngay", "Lúc", "Tôi", "Chúng", "Họ", "Hắn",
        "Nó", "Cô", "Chú", "Bác", "Ở", "Hãng", "Đội", "Tòa", "Ủy", "Nhà", "Tỉnh", "Quận",
    }
)
# fmt: on


def _credit_word(word: str) -> str:
    """``acronym``, ``name`` or ``other`` for one word after ``Ảnh:``."""
    core = word.strip(",;")
    pieces = [piece for piece in core.split("/") if piece]
    if not pieces:
        return "joiner" if core in ("/", "-", "–", "&") else "other"
    if all(piece.replace(".", "").replace("+", "").replace("&", "").isupper() or
           (piece.rstrip("+").isalpha() and piece[0].isupper()) for piece in pieces):  # fmt: skip
        if all(piece.replace(".", "").replace("+", "").isupper() for piece in pieces):
            return "acronym"
        return "name"
    return "other"


def split_credit(sentence: str) -> list[str]:
    """A sentence that starts with a photo credit glued to the next sentence, split in two.

    One-line bodies lose the break after a credit: "Ảnh: AFP/TTXVN Tuyên bố trên ..."
    becomes ``["Ảnh: AFP/TTXVN", "Tuyên bố trên ..."]``. The credit ends at a closing
    parenthesis, before a word that starts a sentence ("Ông", "Theo", a digit, a quote),
    or before the capitalized word that a lowercase word follows ("Gia Khánh Sở dĩ ...").
    Anything unclear is returned whole.
    """
    lead = _CREDIT_LEAD.match(sentence)
    if lead is None or (lead["colon"] is None and not lead["label"].startswith("Ảnh minh")):
        return [sentence]
    if lead["open"]:
        close = sentence.find(")", lead.end())
        if 0 < close < lead.end() + 61:
            credit, rest = sentence[: close + 1], sentence[close + 1 :].strip()
            return _credit_pair(credit, rest)
        return [sentence]
    if lead["colon"] is None:  # "Ảnh minh họa Trong khi ...": the label is the credit
        return _credit_pair(sentence[: lead.end()].strip(), sentence[lead.end() :])
    words = sentence[lead.end() :].split(" ")
    taken = 0
    for index, word in enumerate(words):
        if not word:
            return [sentence]
        kind = _credit_word(word)
        first = word[0]
        starts_sentence = (
            first.isdigit() or first in '"“‘«([' or (index > 0 and word in _SENTENCE_OPENERS)
        )
        if starts_sentence and taken:
            break
        if first.islower() and first.isalpha():
            # A capitalized word followed by a lowercase one starts the next sentence.
            if index >= 2 and _credit_word(words[index - 1]) == "name":
                taken = index - 1
                break
            return [sentence]
        if kind in ("other",) or index >= _CREDIT_MAX_WORDS:
            return [sentence]
        taken = index + 1
    else:
        return [sentence]  # the whole sentence is the credit (or nothing follows)
    if taken == 0:
        return [sentence]
    credit = sentence[: lead.end()] + " ".join(words[:taken])
    return _credit_pair(credit, " ".join(words[taken:]))


def _credit_pair(credit: str, rest: str) -> list[str]:
    rest = rest.strip()
    while rest[:1] in (".", ",", ";", ":") and rest:  # "Ảnh minh họa. Ngay khi ...": keep the dot
        credit, rest = credit + rest[0], rest[1:].strip()
    if rest[:1].islower():
        return [f"{credit} {rest}"]
    if not rest or not PHOTO_CREDIT.fullmatch(credit):
        return [credit + (" " + rest if rest else "")] if rest else [credit]
    return [credit, rest]


def caption_text(block: str) -> str | None:
    """The caption's display text if ``block`` is a photo caption, else ``None``."""
    if len(block) > CAPTION_MAX:
        return None
    if block.endswith("|") and block[-2:-1].isspace():
        return block[:-1].rstrip() or None
    if PHOTO_CREDIT.match(block) or _ENDS_WITH_CREDIT.search(block):
        return block
    return None
