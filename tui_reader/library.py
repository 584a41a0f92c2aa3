"""The user's library: what ``tui-reader`` opens and ``tui-reader search`` searches by default.

The library is the articles fetched from feeds (``<data_dir>/feeds/``) plus the
folders listed as ``corpus`` in ``config.toml``. The bundled sample articles
stand in only while the library holds no article at all, so a new user sees
something to read; as soon as a feed has been subscribed, its folder is part
of the library (even before the first fetch), so articles fetched in the app
appear in the list that is open.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tui_reader.articles.kinds import kind_of
from tui_reader.config import Settings, SortOrder
from tui_reader.feeds.storage import feeds_root
from tui_reader.feeds.store import DB_NAME
from tui_reader.paths import seeds_dir


@dataclass(frozen=True, slots=True)
class Library:
    """The roots to open, what to call them, and whether the samples stand in."""

    roots: tuple[Path, ...]
    label: str
    samples: bool
    """True when the library is empty and the bundled samples are shown instead."""
    feeds: Path | None
    """The feeds folder when it is part of the roots."""
    missing: tuple[Path, ...] = ()
    """Configured folders that do not exist (reported, not opened)."""


def _has_articles(root: Path) -> bool:
    """True when ``root`` holds at least one article file (stops at the first)."""
    if root.is_file():
        return True
    for _folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(kind_of(f) is not None and not f.startswith(".") for f in files):
            return True
    return False


def user_library(data_dir: Path, configured: Sequence[Path] = ()) -> Library:
    """The library for this data dir and the configured folders."""
    folders = [p.expanduser().absolute() for p in configured]
    existing = tuple(p for p in folders if p.exists())
    missing = tuple(p for p in folders if not p.exists())
    feeds = feeds_root(data_dir).absolute()
    subscribed = (data_dir / DB_NAME).exists() or feeds.is_dir()
    roots: list[Path] = list(existing)
    if subscribed:
        feeds.mkdir(parents=True, exist_ok=True, mode=0o700)
        roots.append(feeds)
    empty = not any(_has_articles(root) for root in roots)
    if empty:
        roots.insert(0, seeds_dir())
    label = "sample articles" if empty and not subscribed else "library"
    if empty and subscribed:
        label = "library (empty: sample articles shown)"
    return Library(
        roots=tuple(roots),
        label=label,
        samples=empty,
        feeds=feeds if subscribed else None,
        missing=missing,
    )


def library_settings(settings: Settings, library: Library, config_file: Path | None) -> Settings:
    """News reads newest first: a library with feeds sorts by date unless the user chose.

    Only when ``config.toml`` has no ``sort`` key; an explicit choice (even "path") stands.
    """
    if library.feeds is None or settings.sort is not SortOrder.PATH:
        return settings
    if config_file is None:
        return replace(settings, sort=SortOrder.DATE)
    try:
        chosen = "sort" in tomllib.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        chosen = config_file.exists()  # unreadable: do not second-guess it
    return settings if chosen else replace(settings, sort=SortOrder.DATE)
