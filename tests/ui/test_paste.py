"""A bracketed paste arrives whole, as text: never cut, never turned into key presses.

These feed the terminal bytes a real terminal sends to the parser the app's
drivers use (:class:`tui_reader.ui.paste.PasteParser`) and check the events that
come out; the raw pty stream is checked in ``tests/integration/test_escapes.py``.
"""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

from tui_reader.ui.paste import PasteParser, install

START, END = "\x1b[200~", "\x1b[201~"
HOSTILE = (
    "ghi chú \x1b]52;c;SGVsbG8=\x07 một \x1b]2;PWNED\x07 hai \x1b[2J ba "
    "\x1bP1$qm\x1b\\ bốn \u009b31m năm \u202eevil sáu\r\nbảy\x1b[31mđỏ\x1b[0m"
)


def feed(parser: XTermParser, *chunks: str) -> list[Message]:
    events_out: list[Message] = []
    for chunk in chunks:
        events_out.extend(parser.feed(chunk))
    events_out.extend(parser.feed(""))  # end of input: flush what is pending
    return events_out


def pastes(found: list[Message]) -> list[str]:
    return [e.text for e in found if isinstance(e, events.Paste)]


def keys(found: list[Message]) -> list[str]:
    return [e.key for e in found if isinstance(e, events.Key)]


def test_textuals_own_parser_loses_part_of_such_a_paste() -> None:
    """The fault being fixed (if Textual fixes it, this test says so)."""
    found = feed(XTermParser(), START + HOSTILE + END)
    assert pastes(found) != [HOSTILE]
    assert keys(found)  # some of the pasted text came as key presses


@pytest.mark.parametrize("chunk", [None, 1, 3, 7, 64])
def test_every_pasted_character_arrives_as_one_paste_and_no_key(chunk: int | None) -> None:
    data = "a" + START + HOSTILE + END + "b"
    parts = [data] if chunk is None else [data[i : i + chunk] for i in range(0, len(data), chunk)]
    found = feed(PasteParser(), *parts)
    assert pastes(found) == [HOSTILE]
    assert keys(found) == ["a", "b"]  # only what was typed around the paste


def test_keys_and_sequences_outside_a_paste_are_unchanged() -> None:
    typed = "x\x1b[A\x1b[B\r\x1bOP\x07"
    assert [(type(e), getattr(e, "key", None)) for e in feed(PasteParser(), typed)] == [
        (type(e), getattr(e, "key", None)) for e in feed(XTermParser(), typed)
    ]


def test_two_pastes_and_an_empty_one() -> None:
    found = feed(PasteParser(), START + "một" + END + "q" + START + END + START + "hai\x1b" + END)
    assert pastes(found) == ["một", "", "hai\x1b"]
    assert keys(found) == ["q"]


def test_a_paste_cut_off_by_the_end_of_input_keeps_what_came() -> None:
    assert pastes(feed(PasteParser(), START + "dở dang\x1b[3")) == ["dở dang\x1b[3"]


def test_install_makes_the_drivers_build_the_paste_parser() -> None:
    from textual.drivers import linux_driver

    install()
    install()  # idempotent
    assert linux_driver.XTermParser is PasteParser
