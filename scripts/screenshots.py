"""Regenerate screenshots/ from the real app on the bundled seeds.

Runs the app headless with throwaway user dirs, drives it with the keyboard
like a person would, and saves each view with ``save_screenshot`` (SVG): at
120x36 in the default theme, plus narrow (70x22) and light-theme shots.

A PNG is written beside each SVG with ``rsvg-convert`` and a monospace font
that has every Vietnamese glyph (DejaVu Sans Mono by default). Textual's SVG
places each run of text at its first cell and trusts the font to advance one
cell per character; a font without the glyphs falls back to a proportional one
and the words drift ("thốngMỹ", "tại  Hà Nộiđể"). So for the PNG every
character is placed at its own cell (:func:`cell_positioned`), whatever font
draws it. A symbol DejaVu lacks (the header's "⭘") is drawn with a look-alike
it has (:data:`LOOKALIKES`) rather than left to a fallback font the machine may
not have (a box with the code point in it); any other character no installed font
has is named on stderr, so a PNG with tofu is never written silently.

    python scripts/screenshots.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.cells import cell_len

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "screenshots"
WIDE = (120, 36)
NARROW = (70, 22)
PNG_FONT = "DejaVu Sans Mono"
"""The font the PNGs are drawn with (fonts-dejavu-core); it covers Vietnamese."""
LOOKALIKES = {
    "⭘": "◯",  # U+2B58 heavy circle (Textual's header icon) -> U+25EF large circle
    "🔎": "⌕",  # U+1F50E magnifier (the palette's prompt) -> U+2315 telephone recorder
}
"""Symbols DejaVu Sans Mono lacks, and the character of that font drawn in their place."""


@dataclass(frozen=True)
class Shot:
    """One screenshot: the keys pressed from a fresh start, the terminal size, the theme."""

    keys: list[str] = field(default_factory=list)
    size: tuple[int, int] = WIDE
    theme: str = ""


BOOKMARK_TWO = [
    *("enter", "j", "b", "a", *"xem lại", "enter"),
    *("tab", "j", "enter", "j", "j", "j", "j", "b"),
]

SHOTS: dict[str, Shot] = {
    "list": Shot(),
    "reading": Shot(["j", "enter", "j", "j", "b", "j"]),
    "search": Shot(["slash", *"hoi nghi thuong dinh ha noi", "down"]),
    "search-open": Shot(["slash", *"ha noi", "down", "enter", "n"]),
    "bookmarks": Shot([*BOOKMARK_TWO, "B"]),
    "help": Shot(["question_mark"]),
    "narrow-list": Shot([], NARROW),
    "narrow-reading": Shot(["j", "enter", "j", "j", "b", "j"], NARROW),
    "light-reading": Shot(["j", "enter", "j", "j", "b", "j"], theme="textual-light"),
    "light-search": Shot(["slash", *"trieu tien", "down"], theme="textual-light"),
}


async def shoot(name: str, shot: Shot) -> Path:
    """Start a fresh app, press the shot's keys, save ``screenshots/<name>.svg``."""
    from textual.widgets import Input

    from tui_reader.paths import seeds_dir
    from tui_reader.ui.app import AppConfig, ReaderApp
    from tui_reader.ui.settle import settle

    with tempfile.TemporaryDirectory() as tmp:
        config = AppConfig(
            roots=(seeds_dir(),),
            data_dir=Path(tmp) / "data",
            cache_dir=Path(tmp) / "cache",
            corpus_label="sample articles",
        )
        app = ReaderApp(config)
        async with app.run_test(size=shot.size) as pilot:
            if shot.theme:
                app.theme = shot.theme
            await settle(pilot)
            for key in shot.keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause(0.3)
            await settle(pilot)
            for box in app.screen.query(Input):
                box.cursor_blink = False  # a steady cursor, not a blink phase
            app.clear_notifications()
            await pilot.pause()
            path = Path(app.save_screenshot(f"{name}.svg", str(OUT)))
    return path


TEXT = re.compile(
    r'<text class="(?P<cls>[^"]+)" x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" '
    r'textLength="(?P<length>[\d.]+)" clip-path="(?P<clip>[^"]+)">(?P<body>.*?)</text>'
)


def clusters(text: str) -> Iterator[tuple[str, int]]:
    """Each character with the combining marks after it, and how many cells it takes."""
    current = ""
    for char in text:
        if current and (unicodedata.combining(char) or cell_len(char) == 0):
            current += char
            continue
        if current:
            yield current, cell_len(current)
        current = char
    if current:
        yield current, cell_len(current)


def font_has(char: str, font: str | None = PNG_FONT) -> bool:
    """Whether fontconfig has ``font`` (None: any installed font) with a glyph for ``char``."""
    return _font_has(ord(char), font)


@functools.cache
def _font_has(code: int, font: str | None) -> bool:
    if not shutil.which("fc-list"):
        return True  # cannot tell: leave the character to the renderer
    pattern = f":charset={code:x}" + (f":family={font}" if font else "")
    found = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def drawable(cluster: str, has: Callable[[str], bool] = font_has) -> str:
    """``cluster`` as the PNG font can draw it: itself, or the look-alike of a missing symbol."""
    base = cluster[0]
    if ord(base) < 0x2000 or has(base):
        return cluster
    return LOOKALIKES.get(base, cluster)


def _positioned(match: re.Match[str], has: Callable[[str], bool] = font_has) -> str:
    body = html.unescape(match["body"])
    cells = cell_len(body)
    if not cells:
        return match[0]
    width = float(match["length"]) / cells
    x = float(match["x"])
    spans = []
    for cluster, size in clusters(body):
        if cluster.strip():
            glyph = html.escape(unicodedata.normalize("NFC", drawable(cluster, has)))
            spans.append(f'<tspan x="{x:.2f}">{glyph}</tspan>')
        x += size * width
    return (
        f'<text class="{match["cls"]}" y="{match["y"]}" clip-path="{match["clip"]}">'
        f"{''.join(spans)}</text>"
    )


def cell_positioned(svg: str, font: str = PNG_FONT, has: Callable[[str], bool] = font_has) -> str:
    """The SVG with every character at its own cell and ``font`` first in the font list.

    ``has`` tells whether the font draws a character (fontconfig by default): a
    missing symbol with a look-alike in :data:`LOOKALIKES` is drawn as that.
    """
    svg = re.sub(r"font-family: [^;]*monospace;", f"font-family: {font}, monospace;", svg)
    return TEXT.sub(lambda match: _positioned(match, has), svg)


def undrawable(svg: str) -> set[str]:
    """The characters of ``svg``'s text that no installed font has (they would be tofu)."""
    missing = set()
    for match in TEXT.finditer(svg):
        for cluster, _size in clusters(html.unescape(match["body"])):
            char = drawable(cluster)[0]
            if ord(char) >= 0x2000 and not font_has(char) and not font_has(char, None):
                missing.add(char)
    return missing


def to_png(svg: Path, converter: str) -> Path:
    """Draw ``svg`` to a PNG beside it, one character per cell."""
    png = svg.with_suffix(".png")
    text = svg.read_text(encoding="utf-8")
    for char in sorted(undrawable(text)):
        print(f"{png.name}: no installed font draws U+{ord(char):04X} {char!r}", file=sys.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".svg", encoding="utf-8", delete=False) as tmp:
        tmp.write(cell_positioned(text))
    try:
        subprocess.run([converter, "-o", str(png), tmp.name], check=True)
    finally:
        os.unlink(tmp.name)
    return png


def font_available(font: str) -> bool:
    """Whether fontconfig has ``font`` itself (not a substitute)."""
    if not shutil.which("fc-list"):
        return False
    found = subprocess.run(["fc-list", f":family={font}"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(SHOTS), help="just these shots")
    args = parser.parse_args(argv)
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    OUT.mkdir(exist_ok=True)
    converter = shutil.which("rsvg-convert")
    if converter is None:
        print("rsvg-convert not found (apt install librsvg2-bin): SVGs only", file=sys.stderr)
    elif not font_available(PNG_FONT):
        print(f"{PNG_FONT} not found (apt install fonts-dejavu-core): SVGs only", file=sys.stderr)
        converter = None
    for name in args.only or SHOTS:
        svg = asyncio.run(shoot(name, SHOTS[name]))
        print(f"wrote {svg.relative_to(REPO)}")
        if converter:
            print(f"wrote {to_png(svg, converter).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
