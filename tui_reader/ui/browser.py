"""Opening a web link, and knowing whether it opened.

Textual's ``open_url`` cannot say whether anything happened, and on a machine
without a desktop Python's ``webbrowser`` may start a console browser (lynx,
w3m) on top of the app's terminal. So a graphical browser is tried only where
there is a desktop; otherwise the caller shows (and copies) the link instead.
"""

from __future__ import annotations

import logging
import os
import sys
import webbrowser

log = logging.getLogger(__name__)


def has_desktop() -> bool:
    """Whether a graphical browser could open here."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_link(url: str) -> bool:
    """Open ``url`` in a graphical browser; False when none opened."""
    if not has_desktop():
        return False
    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error as err:
        log.warning("could not open %s: %s", url, err)
        return False
