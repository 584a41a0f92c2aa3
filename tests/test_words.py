"""Counting words for people: never "1 articles" or "1 bookmark(s)"."""

from __future__ import annotations

from tui_reader.ui.words import plural as ui_plural
from tui_reader.words import plural


def test_one_many_and_irregular() -> None:
    assert plural(1, "article") == "1 article"
    assert plural(0, "file") == "0 files"
    assert plural(1234, "bookmark") == "1,234 bookmarks"
    assert plural(1, "match", "matches") == "1 match"
    assert plural(2, "match", "matches") == "2 matches"
    assert ui_plural is plural


def test_the_import_summary_counts_in_words() -> None:
    from tui_reader.bookmarks.importing import ImportReport

    one = ImportReport(1, 0, 0, 0, notes_updated=1, kept_newer=1, duplicates=1)
    assert "(s)" not in one.summary()
    assert "1 note updated" in one.summary() and "1 repeated row in" in one.summary()
