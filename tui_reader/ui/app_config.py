"""What the app is started with: the corpus and the user's folders.

Its own module so screens can be handed it (``MainScreen(config, state)``)
without importing the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui_reader.config import Settings


@dataclass(frozen=True, slots=True)
class AppConfig:
    """Everything the app needs to know before it starts."""

    roots: tuple[Path, ...]
    data_dir: Path
    cache_dir: Path
    corpus_label: str
    config_dir: Path | None = None
    """Where config.toml and keymap.toml are; None: settings are not saved."""
    settings: Settings = field(default_factory=Settings)
    """What config.toml said at start."""
    setting_problems: tuple[str, ...] = ()
    """What was wrong with the settings files, shown once the app is up."""
