"""scripts/screenshots.py's PNG step: one character per cell, no glyph left as tofu."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshots.py"
LINE = (
    '<text class="r2" x="12.2" y="20" textLength="12.2" clip-path="url(#l0)">⭘</text>'
    '<text class="r3" x="24.4" y="20" textLength="73.2" clip-path="url(#l0)">'
    "Hà&#160;Nội</text>"
)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_symbol_the_font_lacks_is_drawn_as_its_look_alike() -> None:
    shots = _script()
    out = shots.cell_positioned(LINE, has=lambda char: char != "⭘")
    assert "⭘" not in out
    assert '<tspan x="12.20">◯</tspan>' in out
    # Every character of "Hà Nội" at its own cell (12.2 px), the space skipped, NFC kept.
    xs = ["24.40", "36.60", "61.00", "73.20", "85.40"]
    assert [f'<tspan x="{x}">' in out for x in xs] == [True] * 5
    assert "Nội" not in out and ">ộ<" in out


def test_a_symbol_the_font_has_is_kept() -> None:
    shots = _script()
    out = shots.cell_positioned(LINE, has=lambda char: True)
    assert '<tspan x="12.20">⭘</tspan>' in out


@pytest.mark.skipif(not shutil.which("fc-list"), reason="needs fontconfig")
def test_every_look_alike_is_in_the_png_font() -> None:
    shots = _script()
    if not shots.font_available(shots.PNG_FONT):
        pytest.skip(f"{shots.PNG_FONT} is not installed")
    for original, stand_in in shots.LOOKALIKES.items():
        assert shots.font_has(stand_in), (original, stand_in)
    assert shots.font_has("ộ") and shots.font_has("Đ")
