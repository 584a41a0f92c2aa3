"""Fixtures shared by the bookmark tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_seeds


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may edit, move or delete."""
    return copy_seeds(tmp_path / "corpus")
