"""Body blocks into passages: captions, short paragraphs, long blocks regrouped.

Every format hands its paragraphs here, so a long JSON body or a one-line baomoi
body is cut into readable passages the same way, and a photo credit makes a caption
wherever it appears.
"""

from __future__ import annotations

from dataclasses import replace

from tui_reader.articles.layout import heading
from tui_reader.articles.model import Passage, PassageKind
from tui_reader.articles.sentences import collapse, split_sentences
from tui_reader.articles.tail import CAPTION_MAX, PHOTO_CREDIT, caption_text, split_credit

LONG_BLOCK = 700  # blocks longer than this are split into paragraphs by sentence
_PARA_MIN, _PARA_TARGET, _PARA_MAX = 300, 600, 900
_PARA_SENTENCES = 4
_GLUED_DESCRIPTION_MAX = 160  # a longer sentence before a glued credit is body text
# Captions are split out of a paragraph only if a bookmark made on the whole paragraph
# still finds the text left. A caption cut from the start or the end leaves one run of
# the paragraph, found inside it when it holds over half of it (resolve.MIN_COVERAGE is
# 0.5): "… G20. Ảnh: AFP/ TTXVN Tuyên bố …" in a 350-character paragraph keeps 63%. A
# caption cut from the middle leaves two runs, found only by their overall likeness
# (resolve.FUZZY_MIN 80 needs about two thirds of the text).
_KEPT_SHARE = 0.55
_KEPT_SHARE_CUT = 0.7


def body_passages(blocks: list[str]) -> list[Passage]:
    """The passages of a body's blocks: wiki-style headings, captions and paragraphs."""
    out: list[Passage] = []
    for block in blocks:
        found = heading(block) if block.startswith("=") else None
        if found is not None:
            out.append(Passage(PassageKind.HEADING, found[1], max(2, found[0])))
        else:
            out.extend(block_passages(block))
    return out


def block_passages(block: str) -> list[Passage]:
    """The passages of one body block: a caption, a paragraph, or several paragraphs."""
    caption = caption_text(block)
    if caption is not None:
        return [Passage(PassageKind.CAPTION, collapse(caption))]
    if len(block) <= LONG_BLOCK:
        return unglue_captions(Passage(PassageKind.PARAGRAPH, collapse(block)))
    return group_sentences(split_sentences(block))


def group_sentences(sentences: list[str]) -> list[Passage]:
    """Group sentences into paragraphs of a few sentences; photo credits make captions."""
    out: list[Passage] = []
    current: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal current, size
        if current:
            out.append(Passage(PassageKind.PARAGRAPH, collapse(" ".join(current))))
        current, size = [], 0

    for sentence in sentences:
        if PHOTO_CREDIT.fullmatch(sentence):
            described = current.pop() if current and len(current[-1]) <= CAPTION_MAX else None
            flush()
            caption = f"{described} {sentence}" if described else sentence
            out.append(Passage(PassageKind.CAPTION, collapse(caption)))
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
    return [piece for passage in out for piece in unglue_captions(passage)]


def unglue_captions(passage: Passage) -> list[Passage]:
    """A paragraph holding a photo caption glued to the next sentence, split around it.

    One-line bodies lose the break after a credit ("... G20. Ảnh: AFP/ TTXVN Tuyên bố
    trên ..."). The caption (the sentence before the credit, and the credit) becomes
    its own passage; the paragraph's other sentences stay where they were, and every
    other paragraph of the article is untouched, so bookmarks made before captions
    were recognised still find their passage (tests/articles/test_compat.py).
    """
    if passage.kind is not PassageKind.PARAGRAPH or "ảnh" not in passage.text.lower():
        return [passage]
    sentences = split_sentences(passage.text)
    pieces: list[tuple[str, bool]] = []
    for sentence in sentences:
        split = split_credit(sentence)
        pieces.extend((piece, len(split) > 1 and i == 0) for i, piece in enumerate(split))
    if len(pieces) == len(sentences):
        return [passage]
    kept: list[str] = []
    captions: list[Passage] = []
    for piece, is_credit in pieces:
        if not is_credit:
            kept.append(piece)
            continue
        described = kept.pop() if kept and len(kept[-1]) <= _GLUED_DESCRIPTION_MAX else None
        caption = f"{described} {piece}" if described else piece
        captions.append(Passage(PassageKind.CAPTION, collapse(caption)))
    rest = Passage(PassageKind.PARAGRAPH, collapse(" ".join(kept)))
    share = _KEPT_SHARE if rest.text in passage.text else _KEPT_SHARE_CUT
    if len(rest.text) < share * len(passage.text):
        # Mostly captions (a photo gallery): splitting it would leave no passage that a
        # bookmark made on the whole paragraph could be found in again. Keep it whole.
        return [passage]
    return [*captions, rest]  # the photo before the text it was found in


def mark_lead(passages: list[Passage]) -> None:
    """Make the first paragraph the lead (in place)."""
    for index, passage in enumerate(passages):
        if passage.kind is PassageKind.PARAGRAPH:
            passages[index] = replace(passage, kind=PassageKind.LEAD)
            return


def word_count(title: str, passages: list[Passage]) -> int:
    """Words in the title and passages (for the reading time)."""
    return len(title.split()) + sum(len(passage.text.split()) for passage in passages)
