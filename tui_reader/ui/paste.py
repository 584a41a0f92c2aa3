"""Bracketed paste that keeps every character: a paste is text, never keys.

Textual's terminal parser (8.x) reads an ESC inside a bracketed paste as the
start of an escape sequence: the characters after it never reach the paste's
text and are re-issued as *key presses* instead (``\\x07`` as ``ctrl+g``, a CR
as ``enter``), before the paste itself arrives, and the end marker can then cut
off a character that was pasted. Pasting a line copied from a terminal (colour
codes, an OSC 52 or title sequence, a DCS) into the note dialog or the search
bar lost part of it and could trigger commands: typing into a box must never
do that.

:class:`PasteParser` wraps Textual's parser: outside a paste every character
goes to it unchanged; once it has seen the start marker (``ESC [200~``) the
text up to the end marker (``ESC [201~``) is collected raw, whatever it holds,
and handed on as one :class:`textual.events.Paste`. The widgets that receive
it (:class:`tui_reader.ui.safe.SafeInput`) run it through the sanitizer, so
the escapes show as visible placeholders and nothing raw is stored or echoed.
:func:`install` makes Textual's terminal drivers use it.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from collections.abc import Generator

from textual import events
from textual._parser import ParseEOF, ParseTimeout, Peek1, Read1, TokenCallback
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

__all__ = ["PasteParser", "install"]

log = logging.getLogger(__name__)

_DRIVER_MODULES = (
    ("textual.drivers.win32",)
    if sys.platform == "win32"
    else ("textual.drivers.linux_driver", "textual.drivers.linux_inline_driver")
)
"""The modules whose input thread builds the parser on this platform."""


class PasteParser(XTermParser):
    """Textual's parser, except that a bracketed paste is collected raw, every character."""

    def parse(self, token_callback: TokenCallback[Message]) -> Generator[Read1 | Peek1, str, None]:
        def fresh() -> tuple[Generator[Read1 | Peek1, str, None], Read1 | Peek1]:
            parser = XTermParser.parse(self, token_callback)
            return parser, next(parser)

        inner, awaiting = fresh()
        recent = ""  # the last characters handed to the inner parser
        while True:
            try:
                character = yield awaiting
            except ParseTimeout:
                awaiting = inner.throw(ParseTimeout())
                continue
            except ParseEOF:
                with contextlib.suppress(StopIteration):
                    inner.throw(ParseEOF())
                return
            try:
                awaiting = inner.send(character)
            except StopIteration:
                return
            recent = (recent + character)[-len(BRACKETED_PASTE_START) :]
            if recent != BRACKETED_PASTE_START:
                continue
            # The inner parser has just entered its paste mode: take the paste over,
            # then start a fresh inner parser (its state is all in the generator).
            inner.close()
            text, ended = yield from self._read_paste()
            token_callback(events.Paste(text))
            if not ended:
                return
            inner, awaiting = fresh()
            recent = ""

    def _read_paste(self) -> Generator[Read1 | Peek1, str, tuple[str, bool]]:
        """Everything up to the end marker, raw; and whether the stream went on after it."""
        pasted: list[str] = []
        end = BRACKETED_PASTE_END
        while True:
            try:
                character = yield self.read1()
            except ParseTimeout:  # pragma: no cover - no timeout is asked for
                continue
            except ParseEOF:
                return "".join(pasted).replace("\x00", ""), False
            pasted.append(character)
            if character == end[-1] and "".join(pasted[-len(end) :]) == end:
                del pasted[-len(end) :]
                # NUL is dropped as Textual does (textual#1661); the rest is kept.
                return "".join(pasted).replace("\x00", ""), True


def install() -> None:
    """Make Textual's terminal drivers build a :class:`PasteParser` (idempotent)."""
    for name in _DRIVER_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            log.warning("no %s: pastes use Textual's own parser", name)
            continue
        if getattr(module, "XTermParser", None) is XTermParser:
            module.XTermParser = PasteParser  # type: ignore[attr-defined]
        elif getattr(module, "XTermParser", None) is not PasteParser:
            log.warning("%s has no XTermParser to replace: pastes use Textual's parser", name)
