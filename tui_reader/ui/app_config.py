"""What the app is started with: the corpus and the user's folders.

Its own module so screens can be handed it (``MainScreen(config, state)``)
without importing the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Everything the app needs to know before it starts."""

    roots: tuple[Path, ...]
    data_dir: Path
    cache_dir: Path
    corpus_label: str
    config_dir: Path | None = None
