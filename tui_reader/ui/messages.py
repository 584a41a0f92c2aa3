"""Messages screens send up to the app (so screens never import the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class SaveSettings(Message):
    """A setting changed in the UI (sort, list width…): the app saves it to config.toml."""

    changes: dict[str, Any] = field(default_factory=dict)
