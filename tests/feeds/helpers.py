"""Helpers for feed tests."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.feeds.server import FeedServer, Route
from tui_reader.feeds.storage import feeds_root, slugify
from tui_reader.feeds.store import Feed, FeedStore

HAS_EXTRACTOR = importlib.util.find_spec("tui_reader.articles.html") is not None
needs_extractor = pytest.mark.skipif(
    not HAS_EXTRACTOR, reason="article page extraction (tui_reader.articles.html) not landed yet"
)


def subscribe(store: FeedStore, server: FeedServer, path: str, route: Route, name: str) -> Feed:
    """Serve ``route`` at ``path`` and subscribe to it under ``name``."""
    server.routes[path] = route
    return store.add_feed(name, server.url(path), slugify(name))


def article_files(data_dir: Path) -> list[Path]:
    """Every stored article file (hidden temporary files excluded)."""
    return sorted(p for p in feeds_root(data_dir).glob("*/*.json") if not p.name.startswith("."))


def read_json(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
