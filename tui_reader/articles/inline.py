"""Inline text with styles (emphasis, code, links) flattened to plain text plus marks.

Markdown and HTML readers produce runs of text, some emphasised or linked; the
reading pane wants one plain string (what search indexes and bookmarks quote) and
the styled stretches as offsets into it. Whitespace is collapsed while the offsets
are kept right, and the text is sanitized without moving a character.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui_reader.articles.layout import repair
from tui_reader.articles.model import Mark
from tui_reader.articles.sanitize import safe_text


@dataclass(slots=True)
class InlineText:
    """Builds one passage's text from runs; ``styles`` is the stack of open styles."""

    parts: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    _length: int = 0
    _space: bool = True  # the text so far ends with a space (or is empty)
    _open: list[tuple[str, str, int]] = field(default_factory=list)

    def add(self, text: str, *, keep_lines: bool = False) -> None:
        """Append ``text``, collapsing whitespace runs to one space (unless ``keep_lines``)."""
        if keep_lines:
            piece = text
            self._space = piece.endswith((" ", "\n"))
        else:
            words = text.split()
            if not words:
                if text and not self._space:
                    self.parts.append(" ")
                    self._length += 1
                    self._space = True
                return
            lead = " " if text[:1].isspace() and not self._space else ""
            trail = " " if text[-1:].isspace() else ""
            piece = lead + " ".join(words) + trail
            self._space = bool(trail)
        self.parts.append(piece)
        self._length += len(piece)

    def open(self, style: str, url: str = "") -> None:
        """Start a styled stretch (closed by :meth:`close`)."""
        self._open.append((style, url, self._length))

    def close(self, style: str) -> None:
        """End the innermost open stretch of ``style``."""
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == style:
                _style, url, start = self._open.pop(index)
                if self._length > start:
                    self.marks.append(Mark(start, self._length, style, url))
                return

    def result(self) -> tuple[str, tuple[Mark, ...]]:
        """The sanitized text (stripped) and its marks, clipped to it."""
        raw = "".join(self.parts)
        stripped = raw.lstrip()
        shift = len(raw) - len(stripped)
        text = safe_text(repair(stripped.rstrip()))
        if len(text) != len(stripped.rstrip()):  # NFC changed lengths: marks cannot be kept
            return text, ()
        marks = []
        for mark in self.marks:
            start, end = max(0, mark.start - shift), min(len(text), mark.end - shift)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                marks.append(Mark(start, end, mark.style, mark.url))
        return text, tuple(sorted(marks))
