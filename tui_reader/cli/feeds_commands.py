"""``tui-reader feeds ...``: subscriptions from the command line.

``add URL [--name NAME]`` checks that URL is a feed (or finds the feed a web page
declares) and subscribes; ``list`` shows each feed with its last fetch, article
count and last error; ``remove NAME|URL`` asks whether to keep the fetched
articles; ``fetch [NAME...] [--json]`` fetches with a progress bar and one line
per feed; ``import FILE.opml`` / ``export`` move the list to and from other
readers (newsboat, nom); ``prune --older-than 90d`` deletes old articles, never
bookmarked ones.

Exit status: 0 done (for ``fetch``: every feed fetched); 1 some feeds failed,
or the address is not a feed; 2 bad usage (unknown feed name, bad file); 130
interrupted. Every name, title, address and error from outside goes through
the sanitizer: nothing a feed holds reaches the terminal as a control code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tui_reader.articles.sanitize import outside, safe_line, safe_name
from tui_reader.feeds import http
from tui_reader.feeds.fetcher import FeedReport, FetchBusy, Fetcher
from tui_reader.feeds.opml import OpmlError, export_opml, read_opml
from tui_reader.feeds.store import Feed, FeedStore
from tui_reader.feeds.subscriptions import (
    SubscribeError,
    add_unchecked,
    parse_age,
    prune,
    subscribe,
    unsubscribe,
)
from tui_reader.paths import data_dir
from tui_reader.words import plural

__all__ = ["feeds_main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-reader feeds",
        description="Subscribe to news feeds; fetched articles (full text) join your library.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where feeds and their articles are kept (env TUI_READER_DATA_DIR)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="subscribe to a feed (or the feed a web page links to)")
    add.add_argument("url", metavar="URL")
    add.add_argument("--name", help="what to call it (default: the feed's title)")

    show = sub.add_parser("list", help="the feeds, with last fetch, articles and last error")
    show.add_argument("--json", action="store_true", help="one JSON object per feed")

    remove = sub.add_parser("remove", help="unsubscribe (asks whether to keep the articles)")
    remove.add_argument("feed", metavar="NAME|URL")
    keep = remove.add_mutually_exclusive_group()
    keep.add_argument(
        "--keep-articles",
        action="store_true",
        default=None,
        help="keep the fetched articles in the library",
    )
    keep.add_argument(
        "--delete-articles",
        action="store_true",
        help="delete the fetched articles (bookmarked ones are always kept)",
    )

    fetch = sub.add_parser("fetch", help="fetch new articles (all feeds, or those named)")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="feed names or addresses")
    fetch.add_argument("--json", action="store_true", help="one JSON object per feed")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")

    imp = sub.add_parser("import", help="subscribe to every feed of an OPML file")
    imp.add_argument("file", type=Path, metavar="FILE.opml")

    exp = sub.add_parser("export", help="the feeds as OPML (newsboat -i, nom import)")
    exp.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE")

    pr = sub.add_parser("prune", help="delete old fetched articles (never bookmarked ones)")
    pr.add_argument(
        "--older-than",
        required=True,
        metavar="AGE",
        help="e.g. 90d, 12w, 6m, 1y (by published date, else fetch date)",
    )
    pr.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    return parser


class _CommandError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def feeds_main(argv: Sequence[str]) -> int:
    """Run one ``feeds`` command; return the exit status."""
    args = _parser().parse_args(list(argv))
    directory = data_dir(args.data_dir)
    try:
        with FeedStore(directory) as store:
            for notice in store.notices:
                print(f"tui-reader: {safe_line(notice)}", file=sys.stderr)
            command = {
                "add": _add,
                "list": _list,
                "remove": _remove,
                "fetch": _fetch,
                "import": _import,
                "export": _export,
                "prune": _prune,
            }[args.command]
            return command(store, args)
    except _CommandError as err:
        print(f"tui-reader feeds: {outside(err, one_line=True)}", file=sys.stderr)
        return err.code
    except KeyboardInterrupt:
        print("tui-reader feeds: interrupted; what was saved so far is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:
        print(f"tui-reader feeds: {outside(err, one_line=True)}", file=sys.stderr)
        return EXIT_FAILED


def _find(store: FeedStore, name: str) -> Feed:
    feed = store.feed(name)
    if feed is None:
        known = ", ".join(safe_line(f.name) for f in store.feeds()) or "none yet"
        raise _CommandError(f"no feed named {safe_line(name)!r} (feeds: {known})", EXIT_USAGE)
    return feed


def _add(store: FeedStore, args: argparse.Namespace) -> int:
    with http.make_client() as client:
        try:
            feed, parsed = subscribe(store, client, args.url, args.name)
        except SubscribeError as err:
            print(f"tui-reader feeds: {safe_line(str(err))}", file=sys.stderr)
            for link in err.candidates:
                print(f"  {safe_line(link)}", file=sys.stderr)
            return EXIT_FAILED
    print(
        f"Subscribed to {safe_line(feed.name)} ({safe_line(feed.url)}): "
        f"{plural(len(parsed.entries), 'entry', 'entries')} now. "
        "Fetch them with: tui-reader feeds fetch"
    )
    return EXIT_OK


def _list(store: FeedStore, args: argparse.Namespace) -> int:
    feeds = store.feeds()
    counts = store.article_counts()
    if args.json:
        for feed in feeds:
            print(
                json.dumps(
                    {
                        "name": feed.name,
                        "url": feed.url,
                        "last_fetch": feed.last_fetch,
                        "last_success": feed.last_success,
                        "articles": counts.get(feed.id, 0),
                        "last_error": feed.last_error,
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    if not feeds:
        print("No feeds yet. Add one with: tui-reader feeds add URL")
        return EXIT_OK
    width = min(32, max(len(safe_line(f.name)) for f in feeds))
    for feed in feeds:
        fetched = (feed.last_fetch or "never").replace("T", " ").rstrip("Z")
        count = counts.get(feed.id, 0)
        line = (
            f"{safe_line(feed.name)[:width]:<{width}}  {count:>5} article"
            f"{'' if count == 1 else 's'}  last fetch {fetched}"
        )
        if feed.last_error:
            line += f"  ERROR: {safe_line(feed.last_error)}"
        print(line)
        print(f"{'':<{width}}  {safe_line(feed.url)}")
    return EXIT_OK


def _bookmarked(directory: Path) -> tuple[set[str], set[str]]:
    """Keys and paths of every bookmarked article (these are never deleted)."""
    from tui_reader.store.state import StateStore

    with StateStore.open(directory) as state:
        marks = state.bookmarks()
    return (
        {m.article_key for m in marks},
        {os.path.normpath(os.path.abspath(m.path)) for m in marks},
    )


def _ask(question: str, *, default: bool) -> bool:
    """A yes/no question on the terminal; EOF or ctrl+c cancels (raises)."""
    hint = "[Y/n]" if default else "[y/N]"
    while True:
        try:
            answer = input(f"{question} {hint} ").strip().lower()
        except EOFError:
            raise _CommandError("cancelled; nothing changed", EXIT_USAGE) from None
        if not answer:
            return default
        if answer in {"y", "yes", "c", "có"}:
            return True
        if answer in {"n", "no", "k", "không"}:
            return False


def _remove(store: FeedStore, args: argparse.Namespace) -> int:
    feed = _find(store, args.feed)
    count = len(store.articles(feed))
    if args.delete_articles:
        keep = False
    elif args.keep_articles or count == 0:
        keep = True
    elif sys.stdin.isatty():
        try:
            keep = _ask(
                f"Keep the {count} fetched article{'s' if count != 1 else ''} of "
                f"{safe_line(feed.name)} in your library?",
                default=True,
            )
        except KeyboardInterrupt:
            raise _CommandError("cancelled; nothing changed", EXIT_USAGE) from None
    else:
        raise _CommandError(
            f"{safe_line(feed.name)} has {plural(count, 'fetched article')}: say "
            "--keep-articles or --delete-articles (nothing changed)",
            EXIT_USAGE,
        )
    keys, paths = _bookmarked(store.data_dir) if not keep else (set(), set())
    removal = unsubscribe(
        store, feed, keep_articles=keep, bookmarked_keys=keys, bookmarked_paths=paths
    )
    message = f"Removed {safe_line(feed.name)}."
    if removal.deleted:
        message += f" Deleted {removal.deleted} article{'s' if removal.deleted != 1 else ''}."
    if removal.kept:
        message += f" Kept {removal.kept} article{'s' if removal.kept != 1 else ''}"
        why = []
        if removal.kept_bookmarked:
            why.append(f"{len(removal.kept_bookmarked)} bookmarked")
        message += f" ({', '.join(why)})." if why else "."
    print(message)
    return EXIT_OK


class _Bar:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, stream: TextIO, total: int, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled and total > 0
        self._lock = threading.Lock()
        self.draw(0, "")

    def draw(self, done: int, name: str) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / self.total)
        label = safe_line(name)[:40]
        with self._lock:
            self.stream.write(
                f"\r\x1b[2K[{'#' * filled}{'-' * (width - filled)}] "
                f"{done}/{self.total} feeds {label}"
            )
            self.stream.flush()

    def clear(self) -> None:
        if self.enabled:
            with self._lock:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()


def _fetch(store: FeedStore, args: argparse.Namespace) -> int:
    feeds = [_find(store, name) for name in args.names] if args.names else store.feeds()
    if not feeds:
        print("No feeds yet. Add one with: tui-reader feeds add URL", file=sys.stderr)
        return EXIT_OK
    bar = _Bar(sys.stderr, len(feeds), not args.quiet and not args.json and sys.stderr.isatty())

    def progress(report: FeedReport, done: int, total: int) -> None:
        bar.draw(done, report.name)

    try:
        reports = Fetcher(store).fetch(feeds, progress=progress)
    except FetchBusy as err:
        bar.clear()
        raise _CommandError(f"{err}; try again when it finishes", EXIT_FAILED) from None
    finally:
        bar.clear()
    for report in reports:
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            mark = "ok  " if report.ok else "FAIL"
            print(f"{mark} {safe_line(report.name)}: {safe_line(report.summary())}")
    failed = sum(1 for r in reports if not r.ok)
    if not args.json:
        new = sum(r.new for r in reports)
        updated = sum(r.updated for r in reports)
        tail = f", {failed} failed" if failed else ""
        print(
            f"{len(reports)} feed{'s' if len(reports) != 1 else ''}: {new} new, "
            f"{updated} updated{tail}",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def _import(store: FeedStore, args: argparse.Namespace) -> int:
    try:
        outlines = read_opml(args.file)
    except OpmlError as err:
        raise _CommandError(f"{safe_name(args.file)}: {err}", EXIT_USAGE) from None
    added = [f for o in outlines if (f := add_unchecked(store, o.url, o.name, o.site))]
    for feed in added:
        print(f"added {safe_line(feed.name)} ({safe_line(feed.url)})")
    skipped = len(outlines) - len(added)
    note = f", {skipped} already subscribed" if skipped else ""
    print(
        f"Imported {len(added)} feed{'s' if len(added) != 1 else ''}{note}. "
        "Fetch them with: tui-reader feeds fetch",
        file=sys.stderr,
    )
    return EXIT_OK


def _export(store: FeedStore, args: argparse.Namespace) -> int:
    document = export_opml(store.feeds())
    if args.output is None:
        sys.stdout.write(document)
        return EXIT_OK
    tmp = args.output.with_name(f".{args.output.name}.tmp{os.getpid()}")
    tmp.write_text(document, encoding="utf-8")
    os.replace(tmp, args.output)
    exported = plural(len(store.feeds()), "feed")
    print(f"Exported {exported} to {safe_name(args.output)}", file=sys.stderr)
    return EXIT_OK


def _prune(store: FeedStore, args: argparse.Namespace) -> int:
    try:
        age = parse_age(args.older_than)
    except ValueError as err:
        raise _CommandError(str(err), EXIT_USAGE) from None
    keys, paths = _bookmarked(store.data_dir)
    report = prune(store, age, bookmarked_keys=keys, bookmarked_paths=paths, dry_run=args.dry_run)
    verb = "Would delete" if args.dry_run else "Deleted"
    count = len(report.deleted)
    print(
        f"{verb} {count} article{'s' if count != 1 else ''} older than {args.older_than}; "
        f"kept {len(report.kept_bookmarked)} bookmarked."
    )
    return EXIT_OK
