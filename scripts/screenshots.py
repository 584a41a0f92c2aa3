"""Regenerate screenshots/ from the real app on the bundled seeds.

Runs the app headless at 120x36 with throwaway user dirs, drives it with the
keyboard like a person would, and saves each view with ``save_screenshot``
(SVG). When ``rsvg-convert`` is installed a PNG is written beside each SVG.

    python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "screenshots"
SIZE = (120, 36)

Step = Callable[..., Awaitable[None]]


async def shoot(name: str, keys: list[str]) -> Path:
    """Start a fresh app, press ``keys``, save ``screenshots/<name>.svg``."""
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
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.pause(0.3)
            await settle(pilot)
            app.clear_notifications()
            await pilot.pause()
            path = Path(app.save_screenshot(f"{name}.svg", str(OUT)))
    return path


SHOTS: dict[str, list[str]] = {
    "list": [],
    "reading": ["j", "enter", "j", "j", "b", "j"],
    "search": ["slash", *"hoi nghi thuong dinh ha noi", "down"],
    "search-open": ["slash", *"ha noi", "down", "enter", "n"],
    "bookmarks": [
        "enter",
        "j",
        "b",
        "a",
        *"xem lại",
        "enter",
        "tab",
        "j",
        "enter",
        "j",
        "j",
        "j",
        "j",
        "b",
        "B",
    ],
    "help": ["question_mark"],
}


def main() -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    OUT.mkdir(exist_ok=True)
    converter = shutil.which("rsvg-convert")
    for name, keys in SHOTS.items():
        svg = asyncio.run(shoot(name, keys))
        print(f"wrote {svg.relative_to(REPO)}")
        if converter:
            png = svg.with_suffix(".png")
            subprocess.run([converter, "-o", str(png), str(svg)], check=True)
            print(f"wrote {png.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
