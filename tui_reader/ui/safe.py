"""The UI side of the choke point for outside text (:mod:`tui_reader.articles.sanitize`).

Widgets never get outside text as markup and never unsanitized:

- :func:`plain` builds a Rich ``Text`` from outside text (safe, never markup);
  :func:`plain_line` does the same for one-line places (a path in a row).
- :class:`SafeInput` is an ``Input`` whose value is always safe: typed, pasted
  (all lines, joined, not only the first) or set by code.
- The app sanitizes every notification and the header title/subtitle in one
  place (``ReaderApp.notify`` / ``ReaderApp.format_title``).
"""

from __future__ import annotations

from rich.style import StyleType
from rich.text import Text
from textual import events
from textual.widgets import Input

from tui_reader.articles.sanitize import outside, safe_line, safe_text

__all__ = ["SafeInput", "outside", "plain", "plain_line", "safe_line", "safe_text"]


def plain(text: str, style: StyleType = "") -> Text:
    """Outside text as a Rich ``Text``: controls made visible, never parsed as markup."""
    return Text(safe_text(text), style=style)


def plain_line(text: str, style: StyleType = "") -> Text:
    """Like :func:`plain`, for one line: a newline in ``text`` shows as ``␤``."""
    return Text(safe_line(text), style=style)


def one_line(pasted: str) -> str:
    """Pasted text for a one-line box: its lines joined by spaces, nothing dropped."""
    return " ".join(line.strip() for line in pasted.splitlines() if line.strip())


class SafeInput(Input):
    """An ``Input`` that can hold only safe text (a note, a filter, a path).

    A paste of several lines keeps them all (joined by spaces): Textual's own
    ``Input`` keeps only the first, which silently drops what the user pasted.
    """

    def validate_value(self, value: str) -> str:
        """Every way in (keys, paste, ``value = ...``) ends up here."""
        return safe_line(value)

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # Replaces Input's own handler (first line only).
        event.stop()
        text = one_line(event.text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)
