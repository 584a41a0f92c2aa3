"""Re-anchoring against real edited copies of the seed files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from tests.bookmarks.helpers import (
    NEW_PARAGRAPH,
    PLAIN,
    ZNEWS,
    index_of,
    replace_once,
    write_znews_blocks,
    znews_blocks,
)
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.resolve import FUZZY_MIN, Method, resolve
from tui_reader.store.bookmarks import BookmarkStatus


@pytest.mark.parametrize("name", [PLAIN, ZNEWS])
def test_every_passage_resolves_exactly_in_the_unchanged_article(corpus: Path, name: str) -> None:
    article = load_article(corpus / name)
    for index, passage in enumerate(article.passages):
        found = resolve(new_bookmark(article, index), article)
        assert (found.status, found.passage_index, found.method) == (
            BookmarkStatus.OK,
            index,
            Method.EXACT,
        )
        assert (found.start, found.end, found.score) == (0, len(passage.text), 1.0)


def test_paragraph_inserted_above_shifts_the_index(corpus: Path) -> None:
    path = corpus / PLAIN
    before = load_article(path)
    mark = new_bookmark(before, 6)
    after = replace_once(
        path, before.passages[3].text, NEW_PARAGRAPH + "\n" + before.passages[3].text
    )
    assert len(after.passages) == len(before.passages) + 1
    found = resolve(mark, after)
    assert found.ok and found.method is Method.EXACT
    assert found.passage_index == index_of(after, mark.quote) != mark.passage_index


def test_a_word_edited_in_the_passage_still_resolves_by_fuzzy_match(corpus: Path) -> None:
    path = corpus / ZNEWS
    before = load_article(path)
    mark = new_bookmark(before, 8, note="quan trọng")
    old = before.passages[8].text
    edited = old.replace("chậm chạp", "rất chậm")
    assert edited != old
    after = replace_once(path, old, edited)
    found = resolve(mark, after)
    assert found.ok and found.method is Method.FUZZY
    assert found.passage_index == index_of(after, edited)
    assert (found.start, found.end) == (0, len(edited))
    assert FUZZY_MIN / 100 <= found.score < 1.0


def test_a_deleted_passage_is_orphaned_and_found_again_when_it_returns(corpus: Path) -> None:
    path = corpus / ZNEWS
    original = path.read_text(encoding="utf-8")
    before = load_article(path)
    blocks = znews_blocks(path)
    target = 6  # block 6 is passage 5
    mark = new_bookmark(before, target - 1)
    assert blocks[target] == mark.quote
    without = write_znews_blocks(path, blocks[:target] + blocks[target + 1 :])
    gone = resolve(mark, without)
    assert gone.status is BookmarkStatus.ORPHANED
    assert (gone.passage_index, gone.start, gone.end, gone.score) == (None, None, None, 0.0)
    path.write_text(original, encoding="utf-8")
    back = resolve(mark, load_article(path))
    assert back.ok and back.passage_index == mark.passage_index


def test_no_article_means_orphaned(corpus: Path) -> None:
    mark = new_bookmark(load_article(corpus / PLAIN), 2)
    assert resolve(mark, None).status is BookmarkStatus.ORPHANED


def test_identical_passages_are_told_apart_by_context(corpus: Path) -> None:
    path = corpus / ZNEWS
    blocks = znews_blocks(path)
    repeated = blocks[6]
    # The same paragraph twice, one right after the other and once more further down.
    blocks[7:7] = [repeated]
    blocks[11:11] = [repeated]
    article = write_znews_blocks(path, blocks)
    copies = [i for i, p in enumerate(article.passages) if p.text == repeated]
    assert len(copies) == 3
    marks = [new_bookmark(article, i) for i in copies]
    # Insert above all copies: each stored index now points one passage too early,
    # which for the second copy is the first copy, an exact match in the wrong place.
    blocks[2:2] = [NEW_PARAGRAPH]
    shifted = write_znews_blocks(path, blocks)
    new_copies = [i for i, p in enumerate(shifted.passages) if p.text == repeated]
    for mark, expected in zip(marks, new_copies, strict=True):
        found = resolve(mark, shifted)
        assert found.ok and found.passage_index == expected


def test_selection_follows_text_inserted_before_it_in_the_same_passage(corpus: Path) -> None:
    path = corpus / PLAIN
    before = load_article(path)
    text = before.passages[7].text
    mark = new_bookmark(before, 7, start=40, end=120)
    after = replace_once(path, text, "Theo nguồn tin riêng, " + text)
    found = resolve(mark, after)
    new_text = after.passages[7].text
    assert found.ok and found.passage_index == 7 and found.start is not None
    assert new_text[found.start : found.end] == mark.quote
    assert found.start == 40 + len("Theo nguồn tin riêng, ")


def test_paragraphs_joined_into_one_passage_keep_the_quote_inside_it(corpus: Path) -> None:
    path = corpus / ZNEWS
    before = load_article(path)
    blocks = znews_blocks(path)
    first, second = before.passages[3].text, before.passages[4].text
    assert (blocks[4], blocks[5]) == (first, second)
    mark = new_bookmark(before, 4)
    merged = write_znews_blocks(path, [*blocks[:4], f"{first} {second}", *blocks[6:]])
    found = resolve(mark, merged)
    assert found.ok and found.passage_index is not None and found.start is not None
    assert merged.passages[found.passage_index].text[found.start : found.end] == second


def test_a_split_passage_resolves_to_the_part_holding_most_of_the_quote(corpus: Path) -> None:
    path = corpus / ZNEWS
    before = load_article(path)
    quote = before.passages[7].text  # three sentences; the last goes to its own paragraph
    head, tail = quote.rsplit(". ", 1)
    mark = new_bookmark(before, 7)
    split = replace_once(path, quote, f"{head}.\n\n{tail}")
    found = resolve(mark, split)
    assert found.ok and found.method is Method.FUZZY and found.passage_index is not None
    assert split.passages[found.passage_index].text == f"{head}."
    assert fuzz.ratio(f"{head}.", quote) < FUZZY_MIN  # a plain ratio alone would lose it


def test_edited_lead_stays_on_the_lead_not_its_copy_in_the_body(corpus: Path) -> None:
    path = corpus / ZNEWS
    blocks = znews_blocks(path)
    lead = blocks[1]
    blocks[2] = f"{lead} {blocks[2]}"  # baomoi style: the body repeats the lead
    article = write_znews_blocks(path, blocks)
    assert article.passages[0].text == lead and lead in article.passages[1].text
    mark = new_bookmark(article, 0)
    blocks[1] = lead.replace("cân nhắc", "xem xét", 1)
    assert blocks[1] != lead
    edited = write_znews_blocks(path, blocks)
    found = resolve(mark, edited)
    assert found.ok and found.method is Method.FUZZY
    assert found.passage_index == 0 and (found.start, found.end) == (0, len(blocks[1]))
