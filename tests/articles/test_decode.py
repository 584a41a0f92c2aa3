"""Decoding article files: every supported encoding gives the same NFC text and key."""

from __future__ import annotations

import codecs
import os
import random
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from tui_reader.articles.decode import DecodedText, UnreadableFile, decode_bytes, read_text
from tui_reader.articles.model import content_key
from tui_reader.articles.parse import load_article

SEED_NAMES = ["000_3e0ed1ba5c5dd459.txt", "004_43a67dcebbb22425.txt"]
# The tone marks Windows-1258 stores as combining characters after the base letter.
CP1258_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode like a legacy Vietnamese Windows editor: base letter, then the tone mark.

    cp1258 has â ê ô ă ơ ư đ precomposed but no toned letters, so "ậ" is written as
    "â" followed by a combining dot below.
    """
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in CP1258_TONES))
            tones = "".join(c for c in parts if c in CP1258_TONES)
            out += (base + tones).encode("cp1258")
    return bytes(out)


def seed_text(seeds_dir: Path, name: str) -> str:
    return (seeds_dir / name).read_text(encoding="utf-8")


ENCODERS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "utf-8": (lambda text: text.encode("utf-8"), "utf-8"),
    "utf-8-sig": (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "utf-8-sig"),
    "utf-16-le": (lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "utf-16"),
    "utf-16-be": (lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "utf-16"),
    "utf-32": (lambda text: text.encode("utf-32"), "utf-32"),
    "cp1258": (to_cp1258, "cp1258"),
}


@pytest.mark.parametrize("name", SEED_NAMES)
@pytest.mark.parametrize("variant", sorted(ENCODERS))
def test_every_encoding_gives_the_same_text(seeds_dir: Path, name: str, variant: str) -> None:
    original = seed_text(seeds_dir, name)
    encode, expected_encoding = ENCODERS[variant]
    text, encoding = decode_bytes(encode(original))
    assert text == original
    assert encoding == expected_encoding


@pytest.mark.parametrize("name", SEED_NAMES)
def test_cp1258_needs_nfc(seeds_dir: Path, name: str) -> None:
    """The legacy bytes really hold combining tone marks; only NFC makes them equal."""
    original = seed_text(seeds_dir, name)
    raw = to_cp1258(original).decode("cp1258")
    assert raw != original
    assert unicodedata.normalize("NFC", raw) == original


@pytest.mark.parametrize("name", SEED_NAMES)
def test_key_and_passages_stable_when_reencoded_or_moved(
    seeds_dir: Path, tmp_path: Path, name: str
) -> None:
    original = load_article(seeds_dir / name)
    for variant, (encode, _) in sorted(ENCODERS.items()):
        moved = tmp_path / variant / "elsewhere" / f"renamed-{variant}.txt"
        moved.parent.mkdir(parents=True)
        moved.write_bytes(encode(seed_text(seeds_dir, name)))
        article = load_article(moved)
        assert article.key == original.key == content_key(seed_text(seeds_dir, name))
        assert article.passages == original.passages
        assert article.title == original.title


def test_crlf_line_ends_keep_the_key(seeds_dir: Path, tmp_path: Path) -> None:
    text = seed_text(seeds_dir, SEED_NAMES[1])
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    article = load_article(path)
    assert article.key == load_article(seeds_dir / SEED_NAMES[1]).key
    assert all("␍" not in passage.text for passage in article.passages)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n  ", "empty file"),
        (codecs.BOM_UTF8, "empty file"),
        (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file (NUL bytes)"),
        (b"\x00" * 64, "binary file (NUL bytes)"),
        (bytes(range(1, 32)) * 8 + b"abc", "binary file (control characters)"),
    ],
)
def test_unreadable_data_has_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        decode_bytes(data)
    assert caught.value.reason == reason
    assert str(caught.value) == reason


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_are_not_text(seed: int) -> None:
    rng = random.Random(seed)
    size = rng.choice([64, 500, 4096])
    # No NUL bytes, so the decision falls to the UTF-8 and legacy checks.
    data = bytes(rng.randrange(1, 256) for _ in range(size))
    with pytest.raises(UnreadableFile) as caught:
        decode_bytes(data)
    assert caught.value.reason in {
        "not valid text in any supported encoding",
        "binary file (control characters)",
    }


def test_utf8_with_a_few_broken_bytes_stays_utf8(seeds_dir: Path) -> None:
    text = seed_text(seeds_dir, SEED_NAMES[1])
    data = text.encode("utf-8")
    middle = len(data) // 2
    while data[middle] & 0xC0 == 0x80:  # break at a character start, not inside one
        middle += 1
    damaged = data[:middle] + b"\xff" + data[middle:]
    decoded, encoding = decode_bytes(damaged)
    assert encoding == "utf-8 (lossy)"
    assert decoded.replace("\ufffd", "", 1) == text


def test_a_stray_control_character_does_not_make_text_binary() -> None:
    text, encoding = decode_bytes("Tiêu đề\x1b[31m đỏ\n\nNội dung bài viết.".encode())
    assert encoding == "utf-8"
    assert "\x1b" in text  # decoding keeps it; parsing makes it visible


def test_output_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Triều Tiên cân nhắc")
    text, _ = decode_bytes(decomposed.encode("utf-8"))
    assert text == "Triều Tiên cân nhắc"


def test_read_text_returns_decoded_text(seeds_dir: Path) -> None:
    decoded = read_text(seeds_dir / SEED_NAMES[0])
    mtime_ns = (seeds_dir / SEED_NAMES[0]).stat().st_mtime_ns
    assert decoded == DecodedText(seed_text(seeds_dir, SEED_NAMES[0]), "utf-8", False, mtime_ns)


@pytest.mark.parametrize("variant", ["utf-8", "utf-16-le", "utf-16-be", "utf-32", "cp1258"])
@pytest.mark.parametrize("limit", [1001, 1002, 1003, 2047])
def test_big_files_are_cut_on_a_character_boundary(
    seeds_dir: Path, tmp_path: Path, variant: str, limit: int
) -> None:
    text = seed_text(seeds_dir, SEED_NAMES[1]).replace("\n", " ")  # no line end to cut at
    encode, encoding = ENCODERS[variant]
    path = tmp_path / "big.txt"
    path.write_bytes(encode(text))
    decoded = read_text(path, max_bytes=limit)
    assert decoded.truncated
    assert decoded.encoding == encoding
    assert "\ufffd" not in decoded.text
    assert len(decoded.text) > 100
    assert text.startswith(decoded.text) or text.startswith(decoded.text[:-1])


def test_big_file_prefers_a_line_end(seeds_dir: Path, tmp_path: Path) -> None:
    text = seed_text(seeds_dir, SEED_NAMES[1])
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    decoded = read_text(path, max_bytes=len(text.encode()) - 10)
    assert decoded.truncated
    assert decoded.text.endswith("\n")
    assert text.startswith(decoded.text)


def test_os_errors_become_reasons(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="file not found"):
        read_text(tmp_path / "missing.txt")
    with pytest.raises(UnreadableFile, match="is a directory"):
        read_text(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_skipped_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_text(fifo)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Tiêu đề\nNội dung.", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(UnreadableFile, match="permission denied"):
            read_text(path)
    finally:
        path.chmod(0o600)
