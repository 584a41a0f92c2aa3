"""``tui-reader bookmarks export|import|list``: passage bookmarks from the command line.

``export`` and ``list`` show each bookmark as it is in the files *now* (resolved
again, as the app would, without saving anything). ``export -o FILE`` picks the
format from FILE's extension like the app (``.json`` JSON, anything else
Markdown) and never replaces an existing file unless asked (``--force``, or
"y" at the prompt on a terminal).

Exit status: 0 done; 1 the result could not be written (export file, or the
state database refused the import: nothing was added); 2 bad usage or a bad
import file (not JSON, wrong shape, a bad row or a value out of range; nothing
was added); 130 interrupted (an import lands whole or not at all). Errors are
one line on stderr, never a traceback; file names and imported text are shown
through the sanitizer, one line each.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.sanitize import safe_line, safe_name, safe_text
from tui_reader.bookmarks.current import as_they_are_now
from tui_reader.bookmarks.export import export_json, export_markdown, newest_first, write_export
from tui_reader.bookmarks.finder import ArticleFinder, Locator
from tui_reader.bookmarks.importing import (
    BookmarkImportError,
    import_bookmarks,
    parse_export,
    read_export,
)
from tui_reader.paths import cache_dir, seeds_dir
from tui_reader.store.bookmarks import Bookmark
from tui_reader.store.errors import describe
from tui_reader.store.state import StateStore
from tui_reader.words import plural

PROG = "tui-reader bookmarks"
EXIT_OK, EXIT_NOT_SAVED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
_QUOTE_SHOWN = 160


class _CommandError(Exception):
    """A user-facing error: its message is printed, its code returned."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def parser() -> argparse.ArgumentParser:
    """The parser for ``tui-reader bookmarks``."""
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Export, import and list passage bookmarks.",
        epilog="Exit status: 0 done, 1 could not save or write, 2 bad usage or bad import file.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_help = "where bookmarks are kept (env TUI_READER_DATA_DIR)"

    corpus_help = (
        "article file or folder to look for moved or renamed articles in (repeatable; "
        "default: each bookmark's own file)"
    )
    cache_help = "where the listing cache is kept (env TUI_READER_CACHE_DIR)"
    export = commands.add_parser(
        "export",
        help="write all bookmarks as JSON or Markdown",
        description="Write every bookmark, as it is in the files now, as JSON (the import "
        "format) or Markdown.",
    )
    export.add_argument(
        "--format",
        choices=("json", "md"),
        default=None,
        help="json or md (default: from the extension of -o FILE, .json is JSON and anything "
        "else Markdown, as in the app; JSON on stdout)",
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)"
    )
    export.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (else you are asked)"
    )
    export.add_argument("--corpus", type=Path, action="append", metavar="PATH", help=corpus_help)
    export.add_argument("--data-dir", type=Path, help=data_help)
    export.add_argument("--cache-dir", type=Path, help=cache_help)

    imp = commands.add_parser(
        "import",
        help="merge a JSON export (importing twice adds nothing)",
        description="Merge bookmarks from a JSON export. Each new bookmark is looked up in "
        "the corpus; those whose article or passage is not there are kept as orphaned.",
    )
    imp.add_argument("file", type=Path, metavar="FILE", help="a JSON export, or - for stdin")
    imp.add_argument(
        "--corpus",
        type=Path,
        action="append",
        metavar="PATH",
        help="article file or folder to re-anchor against (repeatable; "
        "default: the bundled sample articles)",
    )
    imp.add_argument("--data-dir", type=Path, help=data_help)
    imp.add_argument("--cache-dir", type=Path, help=cache_help)

    listing = commands.add_parser(
        "list", help="show all bookmarks, newest first, as they are in the files now"
    )
    listing.add_argument("--corpus", type=Path, action="append", metavar="PATH", help=corpus_help)
    listing.add_argument("--data-dir", type=Path, help=data_help)
    listing.add_argument("--cache-dir", type=Path, help=cache_help)
    return top


def bookmarks_main(argv: list[str]) -> int:
    """Run ``tui-reader bookmarks ARGV...`` (ARGV without the word "bookmarks")."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    try:
        if args.command == "export":
            return _export(args)
        if args.command == "import":
            return _import(args.file, args.corpus or [seeds_dir()], args.data_dir, args.cache_dir)
        return _list(args)
    except _CommandError as failure:
        _say(f"{PROG}: {failure}", sys.stderr)
        return failure.code
    except BrokenPipeError:  # e.g. `| head`: the reader left; stop quietly
        _silence_stdout()
        return EXIT_NOT_SAVED
    except KeyboardInterrupt:  # an import is one transaction: it landed whole or not at all
        _say(f"{PROG}: interrupted", sys.stderr)
        return EXIT_INTERRUPTED


def _open_store(data: Path | None) -> StateStore:
    store = StateStore.open(data)
    for notice in store.notices:
        _say(f"{PROG}: {notice}", sys.stderr)
    return store


def _current_marks(
    data: Path | None, corpus: Sequence[Path] | None, cache: Path | None
) -> list[Bookmark]:
    """Every bookmark resolved against the files as they are now (nothing is saved)."""
    locator = None
    if corpus:
        roots = [path.expanduser().absolute() for path in corpus]
        missing = [safe_name(path) for path in roots if not path.exists()]
        if missing:
            raise _CommandError(
                f"no such corpus file or folder: {', '.join(missing)}", EXIT_BAD_INPUT
            )
        locator = Locator(ArticleFinder(refresh_listing(cache_dir(cache), roots).articles))
    with _open_store(data) as store:
        marks = store.bookmarks()
    return as_they_are_now(marks, locator)


def _format_for(fmt: str | None, output: Path | None) -> str:
    """``--format``, else the extension of ``-o`` like the app (.json JSON, else Markdown)."""
    if fmt is not None:
        return fmt
    if output is None or str(output) == "-":
        return "json"
    return "json" if output.suffix.lower() == ".json" else "md"


def _may_replace(output: Path, force: bool) -> bool:
    """Whether an existing ``output`` may be replaced: --force, or "y" on a terminal."""
    if force or not output.exists():
        return True
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    sys.stderr.write(f"{PROG}: {safe_name(output)} exists. Replace it? [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in {"y", "yes"}


def _export(args: argparse.Namespace) -> int:
    output: Path | None = args.output
    fmt = _format_for(args.format, output)
    to_stdout = output is None or str(output) == "-"
    if not to_stdout and output is not None and not _may_replace(output, args.force):
        raise _CommandError(
            f"{safe_name(output)} exists; nothing was written (use --force to replace it)",
            EXIT_NOT_SAVED,
        )
    marks = _current_marks(args.data_dir, args.corpus, args.cache_dir)
    text = export_json(marks) if fmt == "json" else export_markdown(marks)
    if to_stdout or output is None:
        _write_stdout(text)
        return EXIT_OK
    try:
        write_export(text, output)
    except OSError as exc:
        raise _CommandError(
            f"cannot write {safe_name(output)}: {describe(exc)}", EXIT_NOT_SAVED
        ) from None
    kind = "JSON" if fmt == "json" else "Markdown"
    _say(f"Exported {plural(len(marks), 'bookmark')} as {kind} to {safe_name(output)}", sys.stderr)
    return EXIT_OK


def _import(file: Path, corpus: Sequence[Path], data: Path | None, cache: Path | None) -> int:
    try:
        if str(file) == "-":
            rows = parse_export(sys.stdin.buffer.read(), "stdin")
        else:
            rows = read_export(file)
    except BookmarkImportError as exc:
        raise _CommandError(f"{exc}; nothing was imported", EXIT_BAD_INPUT) from None
    roots = [path.expanduser().absolute() for path in corpus]
    missing = [safe_name(path) for path in roots if not path.exists()]
    if missing:
        raise _CommandError(f"no such corpus file or folder: {', '.join(missing)}", EXIT_BAD_INPUT)
    with _open_store(data) as store:
        known = store.bookmarks_by_uid(row.uid for row in rows)
        locator = None
        if any(row.uid not in known for row in rows):  # all present: skip reading the corpus
            locator = Locator(ArticleFinder(refresh_listing(cache_dir(cache), roots).articles))
        try:
            report = import_bookmarks(store, rows, locator)
        except BookmarkImportError as exc:
            raise _CommandError(f"{exc}; nothing was imported", EXIT_BAD_INPUT) from None
        if not store.retry_pending():
            # This process is about to exit: nothing may be saved later behind the
            # user's back, so the unsaved import is dropped and said to be.
            reason = store.save_reason or "the database refused the write"
            where = safe_name(store.path)
            store.discard_unsaved()
            raise _CommandError(
                f"could not save the import to {where}: {reason}; nothing was imported "
                "(run it again when that is fixed; importing twice adds nothing)",
                EXIT_NOT_SAVED,
            )
    _say(f"Imported {safe_name(file)}: {report.summary()}.", sys.stdout)
    if report.orphaned:
        _say(
            "Orphaned bookmarks keep their quote and are shown as orphaned; they are "
            "anchored again when their article turns up.",
            sys.stdout,
        )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    marks = newest_first(_current_marks(args.data_dir, args.corpus, args.cache_dir))
    if not marks:
        _say("No bookmarks yet.", sys.stdout)
    for mark in marks:
        _say(_describe(mark), sys.stdout)
    return EXIT_OK


def _describe(mark: Bookmark) -> str:
    """A bookmark as a few plain lines (made terminal-safe by :func:`_say`)."""
    quote = " ".join(mark.quote.split())
    if len(quote) > _QUOTE_SHOWN:
        quote = quote[: _QUOTE_SHOWN - 1].rstrip() + "…"
    when = mark.created[:16].replace("T", " ")
    # Each field is made one safe line: a newline in a file name or an imported title
    # must not start a line of its own (it could forge a bookmark in the output).
    lines = [
        f"{safe_line(when)}  {mark.status.value:<8}  {safe_line(mark.title)}",
        f"    {safe_name(mark.path)} (passage {mark.passage_index + 1})",
        f"    “{safe_line(quote)}”",
    ]
    if mark.note.strip():
        lines.append("    note: " + safe_line(" ".join(mark.note.split())))
    return "\n".join(lines)


def _write_stdout(text: str) -> None:
    """Write an export as UTF-8 whatever the terminal's encoding (it is a file format)."""
    stream = sys.stdout
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (tests, embedding): nothing will be flushed to a pipe


def _say(line: str, stream: TextIO) -> None:
    """Print one message, terminal-safe, replacing what the stream's encoding cannot show."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(safe_text(line).encode(encoding, "replace").decode(encoding) + "\n")
    stream.flush()
