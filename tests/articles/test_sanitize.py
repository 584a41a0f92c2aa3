"""Terminal safety: control sequences in article text must show, never act."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_reader.articles.sanitize import safe_text

# Anything a terminal could act on: C0 except newline, DEL, C1, bidi overrides/isolates,
# and lone surrogates (which cannot even be encoded for output).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mđỏ\x1b[0m", "␛[31mđỏ␛[0m"),  # CSI colour
        ("\x1b]0;tiêu đề\x07", "␛]0;tiêu đề␇"),  # OSC window title, BEL-terminated
        ("\x1b]8;;http://x\x1b\\nhấn\x1b]8;;\x1b\\", "␛]8;;http://x␛\\nhấn␛]8;;␛\\"),  # OSC 8
        ("\x1bP+q544e\x1b\\", "␛P+q544e␛\\"),  # DCS request
        ("\x9b31m", "\ufffd31m"),  # 8-bit CSI (C1)
        ("\x90q\x9c", "\ufffdq\ufffd"),  # 8-bit DCS ... ST
        ("a\x00b\x7fc", "a␀b␡c"),
        ("cột\tcột", "cột cột"),
        ("abc\u202edef\u2066g\u2069", "abc\ufffddef\ufffdg\ufffd"),
        ("x\ud800y", "x\ufffdy"),
        ("dòng 1\ndòng 2\r\n", "dòng 1\ndòng 2␍\n"),
    ],
)
def test_controls_become_visible_placeholders(raw: str, shown: str) -> None:
    assert safe_text(raw) == shown
    assert len(safe_text(raw)) == len(raw)


def test_plain_vietnamese_text_is_unchanged() -> None:
    text = "Tổng thống Mỹ Donald Trump và lãnh đạo Triều Tiên Kim Jong Un — “hội nghị” 27-28/2.\n"
    assert safe_text(text) == text


@given(st.text(alphabet=st.characters(categories=["Cc", "Cs", "Cf", "Ll", "Lu", "Mn", "Zs"])))
def test_length_preserved_idempotent_and_safe(text: str) -> None:
    shown = safe_text(text)
    assert len(shown) == len(text)
    assert safe_text(shown) == shown
    assert UNSAFE.search(shown) is None
    # Characters that were safe stay where they were, so offsets stay valid.
    assert all(a == b for a, b in zip(text, shown, strict=True) if not UNSAFE.match(a))


# --- the choke point for outside text: one-line output, names, foreign values -------------

from tui_reader.articles.sanitize import outside, safe_line, safe_name  # noqa: E402

HOSTILE = "\x1b]52;c;aGk=\x07\x1b]2;pwn\x07\x1b[2J\x1bP+q\x1b\\\x9b31m\u202eabc"


def test_safe_line_keeps_one_line() -> None:
    forged = "real.txt\n  1. forged result\u2028x"
    shown = safe_line(forged)
    assert "\n" not in shown and "\u2028" not in shown
    assert shown == "real.txt␤  1. forged result␤x"
    assert len(shown) == len(forged)
    assert safe_line(shown) == shown


def test_safe_line_neutralises_every_escape() -> None:
    shown = safe_line(HOSTILE)
    assert UNSAFE.search(shown) is None and "\x1b" not in shown
    assert shown.startswith("␛]52;c;aGk=␇")


def test_safe_name_takes_bytes_and_undecodable_names() -> None:
    assert safe_name(b"tin\xffmoi\n.txt") == "tin\ufffdmoi␤.txt"
    from pathlib import Path

    assert safe_name(Path("/tmp/a\x1b]2;x\x07")) == "/tmp/a␛]2;x␇"


def test_outside_survives_a_broken_str() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert outside(Broken()) == "<Broken>"
    assert outside(OSError(f"bad {HOSTILE}"), one_line=True).count("␛") == 5
