"""``tui-reader keys``: every binding id with its keys, as the app has them.

The user's keymap (config.toml / keymap.toml) is applied, and its mistakes are
reported, so this is the place to check a keymap before starting the app.
``--markdown`` prints the README's key tables.
"""

from __future__ import annotations

import argparse
import sys

from tui_reader.paths import config_dir


def keys_parser() -> argparse.ArgumentParser:
    """The parser for ``tui-reader keys``."""
    parser = argparse.ArgumentParser(
        prog="tui-reader keys",
        description="List every key binding id with its keys (your keymap applied).",
    )
    parser.add_argument("--config-dir", help="where config.toml and keymap.toml are")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument(
        "--defaults", action="store_true", help="ignore the keymap: the keys as shipped"
    )
    return parser


def markdown_tables(screens: tuple[str, ...] = ("main", "bookmarks")) -> str:
    """The README's key tables: one per screen, a row per binding (defaults)."""
    from tui_reader.ui.bindings import catalogue, class_keys, grouped

    lines: list[str] = []
    shown: set[str] = set()
    classes = catalogue()
    for screen in screens:
        for section, infos in grouped(class_keys(classes[screen])).items():
            fresh = [info for info in infos if info.id not in shown]
            if not fresh:
                continue
            lines.extend([f"**{section}**", "", "| Key | Does | Id |", "| --- | --- | --- |"])
            for info in fresh:
                shown.add(info.id)
                keys = " / ".join(f"`{key_cell(k)}`" for k in info.keys)
                lines.append(f"| {keys} | {info.help} | `{info.id}` |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def key_cell(key: str) -> str:
    """A key for a Markdown table cell (``|`` would end the cell)."""
    from tui_reader.ui.bindings import key_label

    return key_label(key).replace("|", "\\|")


def keys_main(argv: list[str]) -> int:
    """Print the bindings; exit 1 when the keymap has mistakes (they are printed too)."""
    args = keys_parser().parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown_tables())
        return 0
    from tui_reader.articles.sanitize import safe_text
    from tui_reader.config import load_settings
    from tui_reader.ui.bindings import all_keys
    from tui_reader.ui.keymap import keymap_problems, valid_keymap

    loaded = load_settings(config_dir(args.config_dir))
    keymap = {} if args.defaults else loaded.settings.keymap
    problems = [*loaded.problems, *keymap_problems(keymap)]
    infos = all_keys(valid_keymap(keymap))
    width = max(len(info.id) for info in infos) + 2
    lines: list[str] = []
    section = None
    for info in infos:
        if info.section != section:
            section = info.section
            lines.append(f"\n{section}" if lines else section)
        lines.append(f"  {info.id:<{width}}{info.label:<18}{info.help}")
    try:
        print("\n".join(lines))
    except BrokenPipeError:  # `tui-reader keys | head`
        sys.stderr.close()
        return 0
    for problem in problems:
        print(f"tui-reader: {safe_text(problem)}", file=sys.stderr)
    return 1 if problems else 0
