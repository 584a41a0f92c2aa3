"""Command line entry point.

``tui-reader [PATH...]`` opens the app on the corpus at PATH (default: the
bundled sample articles); ``tui-reader index|search|bookmarks ...`` run headless.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from tui_reader import __version__, logs
from tui_reader.articles.sanitize import safe_line, safe_name
from tui_reader.paths import cache_dir, config_dir, data_dir

SUBCOMMANDS = ("index", "search", "bookmarks", "keys", "feeds")


def app_parser() -> argparse.ArgumentParser:
    """The parser for opening the app."""
    parser = argparse.ArgumentParser(
        prog="tui-reader",
        description="Read and search a folder of news articles in the terminal.",
        epilog=(
            "Headless commands: 'tui-reader index [PATH...]' builds the search index, "
            "'tui-reader search --corpus PATH QUERY' searches it, "
            "'tui-reader bookmarks export|import|list' moves bookmarks in and out, "
            "'tui-reader feeds add|list|fetch|remove|import|export|prune' manages "
            "subscriptions, "
            "'tui-reader keys' lists every key and its binding id (checks your keymap). "
            "Each has its own --help."
        ),
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="article files or folders (searched recursively); default: your library "
        "(articles fetched from feeds and the corpus folders in config.toml; the bundled "
        "sample articles while it is empty)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where read marks and bookmarks are kept (env TUI_READER_DATA_DIR)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help="where the listing cache and search index are kept (env TUI_READER_CACHE_DIR)",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        help="where config.toml and keymap.toml are read from (env TUI_READER_CONFIG_DIR; "
        f"default {config_dir()})",
    )
    parser.add_argument(
        "--fields",
        metavar="SPEC",
        help="JSON keys of your dumps, e.g. title=headline,content=body (also for index "
        "and search; default: [formats] fields in config.toml, else the usual names)",
    )
    parser.add_argument("--version", action="version", version=f"tui-reader {__version__}")
    return parser


def corpus_label(roots: Sequence[Path]) -> str:
    """A short name for the corpus for the header."""
    if len(roots) == 1:
        return str(roots[0])
    return f"{roots[0]} and {len(roots) - 1} more"


def run_app(argv: list[str]) -> int:
    """Parse the app's arguments, check the paths, and run the app."""
    args = app_parser().parse_args(argv)
    from tui_reader.config import load_settings

    settings_dir = config_dir(args.config_dir)
    loaded = load_settings(settings_dir)
    configured = list(loaded.settings.corpus_paths())
    from tui_reader.library import library_settings, user_library

    library = None if args.paths else user_library(data_dir(args.data_dir), configured)
    roots: list[Path] = args.paths or list(library.roots if library else ())
    missing = [p for p in roots if not p.expanduser().exists()]
    if library is not None:
        missing = list(library.missing)
    if missing:
        where = "" if args.paths else f" (corpus in {loaded.path})"
        for path in missing:
            shown = f"{safe_name(path)}{safe_name(where)}"
            print(f"tui-reader: no such file or folder: {shown}", file=sys.stderr)
        return 2
    from tui_reader.ui.app import AppConfig, ReaderApp

    config = AppConfig(
        roots=tuple(p.expanduser().absolute() for p in roots),
        data_dir=data_dir(args.data_dir),
        cache_dir=cache_dir(args.cache_dir),
        corpus_label=library.label if library else corpus_label(roots),
        config_dir=settings_dir,
        settings=library_settings(loaded.settings, library, loaded.path)
        if library
        else loaded.settings,
        setting_problems=loaded.problems,
    )
    app = ReaderApp(config)
    app.run()
    return app.return_code or 0


def _cache_flag(args: Sequence[str]) -> str | None:
    """The ``--cache-dir`` given to a subcommand, read before its own parser runs."""
    return _flag(args, "--cache-dir")


def _flag(args: Sequence[str], name: str) -> str | None:
    """The value of ``name`` in ``args``, read before any parser runs."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def _take_fields(args: list[str]) -> str | None:
    """Remove ``--fields SPEC`` from ``args`` (any command) and return SPEC."""
    for i, arg in enumerate(args):
        if arg == "--fields" and i + 1 < len(args):
            spec = args[i + 1]
            del args[i : i + 2]
            return spec
        if arg.startswith("--fields="):
            del args[i]
            return arg.split("=", 1)[1]
    return None


def _apply_fields(args: list[str]) -> str | None:
    """Use ``--fields`` (else ``[formats] fields`` from config.toml) for JSON articles in
    this process and its workers; returns an error message for a bad ``--fields``."""
    from tui_reader.articles.fields import FieldsError, parse_fields, set_fields

    spec = _take_fields(args)
    if spec is None:
        from tui_reader.config import load_settings

        set_fields(load_settings(config_dir(_flag(args, "--config-dir"))).settings.formats_fields)
        return None
    try:
        set_fields(parse_fields(spec))
    except FieldsError as err:
        return f"--fields: {err}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the app or to a headless subcommand; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    problem = _apply_fields(args)
    if problem is not None:
        print(f"tui-reader: {safe_line(problem)}", file=sys.stderr)
        return 2
    if args and args[0] in SUBCOMMANDS:  # the app sets up its log itself
        logs.setup(cache_dir(_cache_flag(args)))
    if args and args[0] == "bookmarks":
        from tui_reader.cli.bookmarks_commands import bookmarks_main

        return bookmarks_main(args[1:])
    if args and args[0] == "feeds":
        from tui_reader.cli.feeds_commands import feeds_main

        return feeds_main(args[1:])
    if args and args[0] == "keys":
        from tui_reader.cli.keys_command import keys_main

        return keys_main(args[1:])
    if args and args[0] in SUBCOMMANDS:
        from tui_reader.cli import search_commands

        command = search_commands.index_main if args[0] == "index" else search_commands.search_main
        return command(args[1:])
    return run_app(args)
