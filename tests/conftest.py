"""Shared fixtures. Every test runs with data, config and cache dirs under tmp."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge results, never speed: Hypothesis's default 200 ms deadline per example
# (and its too-slow health check) fail at random on a loaded 2-core CI machine. Speed is
# measured by the benchmarks.
settings.register_profile(
    "tui-reader", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("tui-reader")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Path]]:
    """Point every user directory tui-reader could touch at a fresh temp dir."""
    root = tmp_path_factory.mktemp("userdirs")
    dirs = {name: root / name for name in ("data", "cache", "config", "home")}
    for path in dirs.values():
        path.mkdir()
    monkeypatch.setenv("TUI_READER_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("TUI_READER_CACHE_DIR", str(dirs["cache"]))
    monkeypatch.setenv("TUI_READER_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs["data"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(dirs["cache"]))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs["config"]))
    monkeypatch.setenv("HOME", str(dirs["home"]))
    yield dirs
    from tui_reader import logs

    logs.shutdown()  # never keep logging into a finished test's dir


@pytest.fixture
def seeds_dir() -> Path:
    """The repository's sample articles."""
    return SEEDS
