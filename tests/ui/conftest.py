"""Fixtures for driving the real app headless against real files and a real SQLite store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import copy_seeds
from tui_reader.config import load_settings
from tui_reader.ui.app import AppConfig, ReaderApp

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

MakeApp = Callable[..., ReaderApp]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the seeds, so a test may add, edit or move files."""
    return copy_seeds(tmp_path / "corpus")


@pytest.fixture
def make_app(isolated_user_dirs: dict[str, Path]) -> MakeApp:
    """Build an app on a corpus with the isolated data, cache and config dirs."""

    def build(*roots: Path, label: str = "sample articles") -> ReaderApp:
        loaded = load_settings(isolated_user_dirs["config"])
        config = AppConfig(
            roots=tuple(roots) or (SEEDS,),
            data_dir=isolated_user_dirs["data"],
            cache_dir=isolated_user_dirs["cache"],
            corpus_label=label,
            config_dir=isolated_user_dirs["config"],
            settings=loaded.settings,
            setting_problems=loaded.problems,
        )
        return ReaderApp(config)

    return build
