"""The README's key table and the in-app keys screen come from the same list."""

from __future__ import annotations

from pathlib import Path

from tui_reader.ui.keys import KEYS

README = Path(__file__).resolve().parents[2] / "README.md"


def _cell(text: str) -> str:
    """A key as the README writes it: each key name in backticks."""
    parts = []
    for group in text.split(", "):
        parts.append(" / ".join(f"`{k}`" for k in group.split(" / ")))
    return ", ".join(parts)


def test_every_key_is_in_the_readme_table() -> None:
    readme = README.read_text(encoding="utf-8")
    for key, what in KEYS:
        assert f"| {_cell(key)} | {what} |" in readme, key
