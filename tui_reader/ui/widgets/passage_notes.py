"""Bookmark notes shown while reading: each under the passage it belongs to.

A note is what the reader wrote about a passage; seeing it only on the
bookmarks screen meant forgetting it. The notes are separate widgets placed
after their passage in the reading pane (never part of the passage's text, so
search highlights, the passage cursor and copying are unaffected), and are put
back whenever the article is laid out again or a note changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Static

from tui_reader.articles.sanitize import safe_text
from tui_reader.ui.widgets.reading_pane import ReadingPane

NOTE_MARK = "✎ "


class PassageNote(Static):
    """One bookmark's note, under its passage (plain text: a note is never markup)."""

    def __init__(self, index: int, note: str) -> None:
        super().__init__(_content(note), classes="passage-note", markup=False)
        self.index = index
        self.note = note


def _content(note: str) -> Text:
    return Text(NOTE_MARK + safe_text(note).strip())


def show_notes(pane: ReadingPane, notes: Mapping[int, str]) -> None:
    """Make the pane show exactly ``notes`` (passage index -> note), each under its passage."""
    notes = {index: note for index, note in notes.items() if note.strip()}
    shown = {widget.index: widget for widget in pane.query(PassageNote)}
    for index, widget in shown.items():
        if index not in notes:
            widget.remove()
        elif widget.note != notes[index]:
            widget.note = notes[index]
            widget.update(_content(notes[index]))
    for index, note in notes.items():
        view = pane.passage_view(index)
        if view is None:
            continue
        view.set_class(True, "-noted")
        if index not in shown:
            widget = PassageNote(index, note)
            widget.styles.max_width = pane.reading_width or "100%"
            pane.mount(widget, after=view)
    for index in shown.keys() - notes.keys():
        view = pane.passage_view(index)
        if view is not None:
            view.set_class(False, "-noted")
