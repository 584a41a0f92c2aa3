"""The one choke point for text from outside the program on its way to a terminal.

Article text, file and folder names, imported bookmark fields, notes, pasted
text, exception messages, config values and feed data are data: an ESC byte in
any of them must show up as a visible glyph, never reach the terminal as the
start of an escape sequence. Everything shown to a person goes through one of
these functions, in every widget, notification, the header, log lines and the
CLI's text output:

- :func:`safe_text`: multi-line text (articles, notes shown in full).
- :func:`safe_line`: one line: a newline in a file name or a field shows as ``␤``
  instead of starting a new line (a crafted name cannot forge a line of output).
- :func:`safe_name`: a path (``str``, ``bytes`` or ``PathLike``) as one safe line.
- :func:`outside`: any value (an exception, a config value) as safe text.

Every replacement is exactly one character for one character, so offsets computed
on the sanitized text (search hits, highlights, bookmarks) are offsets into the
original text too. Rich markup is a separate matter: safe text is still put in
widgets as ``Text``/``Content`` or with ``markup=False``, never parsed as markup.
"""

from __future__ import annotations

import os
import re

#: Shown for C1 controls, bidi overrides/isolates and lone surrogates.
REPLACEMENT = "\ufffd"
#: Shown for DEL (U+007F): the Control Pictures block's "SYMBOL FOR DELETE".
DEL_PICTURE = "\u2421"
#: Shown for a line break inside one line of output: the "SYMBOL FOR NEWLINE".
NEWLINE_PICTURE = "\u2424"

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
_LINE_TABLE = {**_TABLE, 0x0A: NEWLINE_PICTURE, 0x2028: NEWLINE_PICTURE, 0x2029: NEWLINE_PICTURE}
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


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


def safe_line(text: str) -> str:
    """:func:`safe_text` for one line of output: line breaks become ``␤`` too.

    Newlines (and U+2028/U+2029, which some terminals and viewers break on) in a
    file name or an imported field must not split a line of ``search`` or
    ``bookmarks list`` output, nor a one-line widget. ``len`` is preserved.
    """
    if _UNSAFE_LINE.search(text) is None:
        return text
    return text.translate(_LINE_TABLE)


def safe_name(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A file or folder name as one safe line (undecodable bytes show as U+FFFD)."""
    try:
        name = os.fsdecode(path)
    except (TypeError, ValueError):
        name = repr(path)
    return safe_line(name)


def outside(value: object, *, one_line: bool = False) -> str:
    """Any value from outside (an exception, a config value) as safe text.

    ``str()`` of a foreign object may itself fail; then its type name is shown.
    """
    if isinstance(value, os.PathLike):
        return safe_name(value)
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # A broken __str__ must not hide the error being reported.
        text = f"<{type(value).__name__}>"
    return safe_line(text) if one_line else safe_text(text)
