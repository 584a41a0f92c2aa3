"""Turn the bytes of an article file into NFC text, or say clearly why that is impossible.

Vietnamese news files come as UTF-8 (with or without BOM), UTF-16 from Windows editors,
and legacy Windows-1258, which writes tone marks as separate combining characters.
Everything is NFC-normalized so the same article gives the same text (and the same
content key) whatever encoding it was saved in.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import NamedTuple

#: Files bigger than this are read only in part (see :func:`read_text`).
MAX_BYTES = 32 * 1024 * 1024

# Legacy code pages tried when the bytes are not UTF-8. Windows-1258 is *the* legacy
# Vietnamese Windows code page; Python has no codec for VISCII or TCVN3.
_LEGACY_CODE_PAGES = ["cp1258"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes.
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Controls that do not occur in real text (tab, newlines and form feed do).
_BAD_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_MAX_CONTROL_RATIO = 0.10  # binary without NULs is mostly controls; ANSI-coloured text is not
_MIN_CONTROLS = 8  # escape sequences in a short hostile note are text, shown visibly later
# Share of characters a legacy-decoded text must have from the scripts of real prose.
_MIN_PROSE_RATIO = 0.9
_PROSE_SAMPLE = 200_000
_PROSE_PUNCTUATION = frozenset(".,;:!?'\"()[]-–—…“”‘’/%&+*=#@$€«»")


class UnreadableFile(Exception):  # noqa: N818 - the name other rooms already use
    """A file that cannot be shown as an article; ``reason`` is meant for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DecodedText(NamedTuple):
    """What :func:`read_text` returns.

    ``truncated`` is true when the file was bigger than the byte limit and only its
    beginning (cut at a character boundary) was decoded. ``mtime_ns`` is the file's
    modification time (0 for text that did not come from a file).
    """

    text: str
    encoding: str
    truncated: bool = False
    mtime_ns: int = 0


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` to NFC text; return ``(text, encoding name)``.

    Order: byte-order mark, NUL bytes (binary), strict UTF-8, UTF-8 with a few damaged
    bytes ("utf-8 (lossy)", damaged bytes become U+FFFD), then Windows-1258 detected by
    charset-normalizer and checked for plausibility. Raises :class:`UnreadableFile`.
    """
    text, encoding = _decode(data)
    if not text.strip():
        raise UnreadableFile("empty file")
    _check_controls(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, encoding


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> DecodedText:
    """Read and decode the file at ``path``; raises :class:`UnreadableFile`.

    Only the first ``max_bytes`` are read from bigger files, cut so no character is
    split, and the result is marked ``truncated``.
    """
    try:
        # Non-blocking open, then a type check: a FIFO or a terminal device in the corpus
        # must be skipped, not hang the reader (the flag is a no-op for regular files).
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            info = os.fstat(descriptor)
            mode = info.st_mode
            if stat.S_ISDIR(mode):
                raise UnreadableFile("is a directory")
            if not stat.S_ISREG(mode):
                raise UnreadableFile("not a regular file")
            data = handle.read(max_bytes + 1)
    except PermissionError as error:
        raise UnreadableFile("permission denied") from error
    except IsADirectoryError as error:
        raise UnreadableFile("is a directory") from error
    except FileNotFoundError as error:
        raise UnreadableFile("file not found") from error
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from error
    truncated = len(data) > max_bytes
    if truncated:
        data = data[: _safe_cut(data, max_bytes)]
    text, encoding = decode_bytes(data)
    return DecodedText(text, encoding, truncated, info.st_mtime_ns)


def _decode(data: bytes) -> tuple[str, str]:
    if not data:
        raise UnreadableFile("empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-32" and len(data) % 4:
                continue  # really UTF-16 LE text whose first character is U+0000
            return data.decode(name, errors="replace"), name
    if b"\x00" in data:  # no text file without a BOM holds NUL bytes
        raise UnreadableFile("binary file (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lossy = _mostly_utf8(data)
    if lossy is not None:
        return lossy, "utf-8 (lossy)"
    legacy = _legacy(data)
    if legacy is not None:
        return legacy
    raise UnreadableFile("not valid text in any supported encoding")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a bad copy, a cut), rather than a legacy file.

    Real Windows-1258 text practically never forms valid multi-byte UTF-8 sequences, so
    many valid ones and few invalid bytes is decisive.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED_BYTES.findall(text))
    valid = len(_NON_ASCII.findall(text)) - invalid
    if valid < 8 or invalid * 20 > valid:
        return None
    return _ESCAPED_BYTES.sub("\ufffd", text)


def _legacy(data: bytes) -> tuple[str, str] | None:
    # Imported here: only legacy files need it, and it costs start-up time.
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY_CODE_PAGES).best()
    if best is None:
        return None
    text = str(best)
    sample = text[:_PROSE_SAMPLE]
    prose = sum(
        1
        for char in sample
        if char.isalnum()
        or char.isspace()
        or char in _PROSE_PUNCTUATION
        or unicodedata.combining(char)
    )
    if prose < _MIN_PROSE_RATIO * len(sample):
        return None
    return text, str(best.encoding)


def _check_controls(text: str) -> None:
    controls = len(_BAD_CONTROLS.findall(text))
    if controls > max(_MIN_CONTROLS, _MAX_CONTROL_RATIO * len(text)):
        reason = "binary file (NUL bytes)" if "\x00" in text else "binary file (control characters)"
        raise UnreadableFile(reason)


def _safe_cut(data: bytes, limit: int) -> int:
    """A length <= ``limit`` that splits no character (and prefers a line end)."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return limit - limit % 4
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        cut = limit - limit % 2
        big_endian = data.startswith(codecs.BOM_UTF16_BE)
        high = data[cut - 2] if big_endian else data[cut - 1]
        if cut >= 4 and 0xD8 <= high <= 0xDB:  # do not keep half a surrogate pair
            cut -= 2
        return cut
    newline = data.rfind(b"\n", max(0, limit - 65536), limit)
    if newline > 0:
        return newline + 1
    cut = limit
    # Step back over UTF-8 continuation bytes; harmless for single-byte code pages.
    while cut > max(0, limit - 3) and data[cut] & 0xC0 == 0x80:
        cut -= 1
    return cut
