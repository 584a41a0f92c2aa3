"""JSON and Markdown exports of real bookmarks, and the atomic file write."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bookmarks.helpers import PLAIN, ZNEWS
from tests.helpers import copy_seeds
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.export import (
    EXPORT_FIELDS,
    escape_markdown,
    export_json,
    export_markdown,
    write_export,
)
from tui_reader.bookmarks.reanchor import reanchor
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus
from tui_reader.store.state import StateStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def marks(tmp_path: Path, store: StateStore) -> list[Bookmark]:
    corpus = copy_seeds(tmp_path / "corpus")
    plain, znews = load_article(corpus / PLAIN), load_article(corpus / ZNEWS)
    store.add_bookmark(new_bookmark(plain, 2, "ghi chú đầu"))
    store.add_bookmark(new_bookmark(znews, 4, "*nhấn mạnh* và [liên kết](http://x.example)"))
    store.add_bookmark(new_bookmark(znews, 1, start=5, end=50))
    orphan = store.add_bookmark(new_bookmark(plain, 7))
    reanchor(store, orphan, None)
    return store.bookmarks()


def test_json_has_every_field_but_the_local_id(marks: list[Bookmark]) -> None:
    rows = json.loads(export_json(marks))
    assert isinstance(rows, list) and len(rows) == len(marks)
    assert all(list(row) == list(EXPORT_FIELDS) and "id" not in row for row in rows)
    by_uid = {mark.uid: mark for mark in marks}
    for row in rows:
        expected = by_uid[row["uid"]].to_record()
        assert {k: expected[k] for k in EXPORT_FIELDS} == row
    assert [r["created"] for r in rows] == sorted((r["created"] for r in rows), reverse=True)
    assert {r["status"] for r in rows} == {"ok", "orphaned"}


def test_json_is_the_same_whatever_order_the_bookmarks_come_in(marks: list[Bookmark]) -> None:
    assert export_json(marks) == export_json(list(reversed(marks)))


def test_json_escapes_characters_unsafe_on_a_terminal(marks: list[Bookmark]) -> None:
    hostile = dataclasses.replace(marks[0], note="a\x1b[31mred\x9b2J\u202eevil\u2028line")
    text = export_json([hostile])
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u202e]", text)
    assert json.loads(text)[0]["note"] == hostile.note


def test_markdown_groups_by_article_with_quotes_as_blockquotes(marks: list[Bookmark]) -> None:
    text = export_markdown(marks)
    sections = {}
    for chunk in text.split("\n## ")[1:]:
        heading, _, body = chunk.partition("\n")
        sections[heading] = body.split("\n")
    assert len(sections) == len({mark.article_key for mark in marks}) == 2
    for mark in marks:
        lines = sections[escape_markdown(mark.title)]
        assert f"> {escape_markdown(mark.quote)}" in lines
        if mark.note:
            assert escape_markdown(mark.note) in lines
    for heading, lines in sections.items():  # quotes in reading order within an article
        mine = sorted(
            (m for m in marks if escape_markdown(m.title) == heading),
            key=lambda m: (m.passage_index, m.start),
        )
        spots = [lines.index(f"> {escape_markdown(m.quote)}") for m in mine]
        assert spots == sorted(spots)
    url = next(m.source_url for m in marks if m.source_url)
    assert f"Source: <{url}>" in text
    assert "\\*nhấn mạnh\\* và \\[liên kết\\](http://x.example)" in text
    assert text.count("*Orphaned") == sum(m.status is BookmarkStatus.ORPHANED for m in marks)


def test_markdown_escapes_hostile_quotes() -> None:
    cases = {
        "# not a heading": "\\# not a heading",
        "> not a quote": "\\> not a quote",
        "- not a list": "\\- not a list",
        "12. not a list": "12\\. not a list",
        "<script>alert(1)</script>": "\\<script\\>alert(1)\\</script\\>",
        "![img](http://evil.example/x.png)": "!\\[img\\](http://evil.example/x.png)",
        "a `code` & *b* _c_ ~d~ |e|": "a \\`code\\` \\& \\*b\\* \\_c\\_ \\~d\\~ \\|e\\|",
        "back\\slash": "back\\\\slash",
        "esc\x1b[2J": "esc␛\\[2J",
        "    indented": "indented",
    }
    for raw, escaped in cases.items():
        assert escape_markdown(raw) == escaped


def test_empty_export_is_still_valid(tmp_path: Path) -> None:
    assert json.loads(export_json([])) == []
    assert export_markdown([]).startswith("# Bookmarks")


def test_write_export_replaces_atomically_and_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_export("đầu tiên\n", target)
    assert target.read_text("utf-8") == "đầu tiên\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # new exports are private
    target.chmod(0o644)
    write_export("thứ hai\n", target)
    assert target.read_text("utf-8") == "thứ hai\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(os.listdir(tmp_path)) == ["out.json"]


def test_write_export_failure_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_export("x", tmp_path / "missing-dir" / "out.json")
    (tmp_path / "dir").mkdir()
    with pytest.raises(OSError):
        write_export("x", tmp_path / "dir")  # a directory cannot be replaced by a file
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["dir"]
