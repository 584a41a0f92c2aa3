"""Make untrusted article text safe to put on a terminal, without moving any character.

Article files are data: an ESC byte in a file must show up as a visible glyph, never
reach the terminal as the start of an escape sequence. Every replacement is exactly one
character for one character, so offsets computed on the sanitized text (search hits,
highlights, bookmarks) are offsets into the original text too.
"""

from __future__ import annotations

import re

#: Shown for C1 controls, bidi overrides/isolates and lone surrogates.
REPLACEMENT = "\ufffd"
#: Shown for DEL (U+007F): the Control Pictures block's "SYMBOL FOR DELETE".
DEL_PICTURE = "\u2421"

_BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x0A}
    table[0x09] = " "  # a tab's width depends on the terminal; a space does not.
    table[0x7F] = DEL_PICTURE
    table.update({code: REPLACEMENT for code in range(0x80, 0xA0)})
    table.update({code: REPLACEMENT for code in _BIDI_CONTROLS})
    # Lone surrogates cannot be encoded for output and would crash the writer.
    table.update({code: REPLACEMENT for code in range(0xD800, 0xE000)})
    return table


_TABLE = _build_table()
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe_text(text: str) -> str:
    """Replace every terminal control character by one visible placeholder.

    C0 controls other than newline become their Control Pictures glyph (ESC shows as
    ``␛``), a tab becomes a space, DEL becomes ``␡``, and C1 controls, bidi
    overrides/isolates and lone surrogates become U+FFFD. ``len`` is preserved and the
    function is idempotent. Text that needs no change is returned as is (a fast scan).
    """
    if _UNSAFE.search(text) is None:
        return text
    return text.translate(_TABLE)
