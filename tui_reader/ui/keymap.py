"""A user keymap: rebind any key by its binding id in ``<config dir>/keymap.toml``.

Example ``keymap.toml``::

    [keymap]
    "main.toggle_read" = "r"
    "list.down" = "down,ctrl+n"

A missing file is normal; a broken one is reported and ignored, never fatal.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

KEYMAP_FILE = "keymap.toml"


def load_keymap(config_dir: Path) -> tuple[dict[str, str], str | None]:
    """The keymap (binding id -> keys) and a problem to show the user, if any."""
    path = config_dir / KEYMAP_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as err:
        return {}, f"Could not read {path}: {err.strerror}"
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return {}, f"Ignoring {path}: {err}"
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        return {}, f"Ignoring {path}: [keymap] must be a table of binding id = keys"
    keymap = {str(k): v for k, v in table.items() if isinstance(v, str) and v.strip()}
    bad = sorted(str(k) for k, v in table.items() if not (isinstance(v, str) and v.strip()))
    problem = f"Ignoring keymap entries without keys: {', '.join(bad)}" if bad else None
    return keymap, problem
