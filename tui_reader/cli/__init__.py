"""Command line entry point: ``tui-reader [PATH...]`` opens the app; subcommands run headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the app or to a headless subcommand; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    print("tui-reader: not yet wired", args)
    return 0
