"""The first frame does not pay for modules only later work needs (benchmarks/first_paint.py)."""

from __future__ import annotations

import json
import subprocess
import sys

DEFERRED = (
    "tui_reader.articles.parse",  # the article parser: needed when an article opens
    "tui_reader.articles.plaintext",
    "email.utils",  # RFC 2822 dates, only for a date no other format reads
)


def test_importing_the_app_leaves_the_parser_and_email_for_later() -> None:
    code = "import json, sys, tui_reader.ui.app; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    loaded = set(json.loads(out))
    assert "tui_reader.ui.screens.main" in loaded  # the check itself sees the app's modules
    assert loaded.isdisjoint(DEFERRED), sorted(loaded.intersection(DEFERRED))
