"""Helpers shared by tests of every room."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui_reader.paths import seeds_dir


def copy_seeds(target: Path) -> Path:
    """A fresh copy of the bundled seeds in ``target`` (created); returns ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(seeds_dir().glob("*.txt")):
        shutil.copy2(path, target / path.name)
    return target
