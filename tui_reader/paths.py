"""Where tui-reader keeps things: user data, cache and the bundled seeds.

Precedence for each directory: explicit argument (the CLI flag), then the
environment variable, then the platformdirs default. Directories are created
with owner-only permissions because they hold a reader's private history.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "tui-reader"
DATA_ENV = "TUI_READER_DATA_DIR"
CACHE_ENV = "TUI_READER_CACHE_DIR"


def _resolve(explicit: str | os.PathLike[str] | None, env: str, default: str) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(env)
    if from_env:
        return Path(from_env).expanduser()
    return Path(default)


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding the state database (read marks, bookmarks)."""
    return _resolve(explicit, DATA_ENV, platformdirs.user_data_dir(APP_NAME))


def cache_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding rebuildable caches (article metadata, search index)."""
    return _resolve(explicit, CACHE_ENV, platformdirs.user_cache_dir(APP_NAME))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only; tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass  # Not ours to change (e.g. a shared mount); reading still works.
    return path


def seeds_dir() -> Path:
    """The bundled sample articles.

    Installed wheels carry them as package data (``tui_reader/seeds``); an
    editable install or a source checkout finds them at the repository top.
    """
    packaged = Path(__file__).resolve().parent / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


CONFIG_ENV = "TUI_READER_CONFIG_DIR"


def config_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The directory holding user settings such as ``keymap.toml``."""
    return _resolve(explicit, CONFIG_ENV, platformdirs.user_config_dir(APP_NAME))
