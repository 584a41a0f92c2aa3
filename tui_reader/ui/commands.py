"""The command palette (ctrl+p): every action by name, plus bookmarks, articles and sources.

:class:`KeyCommands` is generated from the live bindings of the screen the
palette was opened on, so every key is also a command and a new binding needs
no palette code; ``check_action`` gates them as it gates the keys.
:class:`BookmarkCommands` jumps to a bookmark, :class:`ArticleCommands` opens an
article by title, and :class:`SourceProvider` picks the source filter. Every
title shown is sanitized outside text.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from tui_reader.articles.model import ArticleMeta
from tui_reader.articles.sanitize import safe_text
from tui_reader.ui.bindings import KeyInfo, live_keys

if TYPE_CHECKING:
    from tui_reader.search.filter import FuzzyFilter
    from tui_reader.ui.screens.main import MainScreen

ARTICLE_HITS = 30
"""Most articles listed for one query (35,000 titles fuzzy-matched lazily)."""

Command = tuple[str, Callable[[], object], str]


def _action_name(info: KeyInfo) -> str:
    """``app.quit`` -> ``quit``, ``scroll('down')`` -> ``scroll``."""
    return info.action.rsplit(".", 1)[-1].split("(", 1)[0]


def _enabled(info: KeyInfo) -> bool:
    node = info.node
    if node is None:
        return False
    name = _action_name(info)
    try:
        return node.check_action(name, ()) is True
    except Exception:  # A check that fails means "not now", never a broken palette.
        return False


async def _run(info: KeyInfo) -> None:
    assert info.node is not None
    await info.node.app.run_action(info.action, info.node)


def _named_actions(provider: Provider) -> set[tuple[int, str]]:
    """(node, method) of every named (system) command that is a plain bound action."""
    found: set[tuple[int, str]] = set()
    for command in provider.app.get_system_commands(provider.screen):
        owner = getattr(command.callback, "__self__", None)
        name = getattr(command.callback, "__name__", "")
        if owner is not None and name.startswith("action_"):
            found.add((id(owner), name.removeprefix("action_")))
    return found


def _in_reach(info: KeyInfo, screen: Screen[object]) -> bool:
    """The screen's and the app's keys always; a widget's only while it (or a child) has focus.

    The palette acts where the reader is: "Earlier search" belongs in the search
    bar, not over the reading pane.
    """
    node = info.node
    if not isinstance(node, Widget) or isinstance(node, Screen):
        return True
    focused = screen.focused
    return focused is not None and (focused is node or node in focused.ancestors)


class KeyCommands(Provider):
    """One command per key binding of the current screen (and the app's).

    A key whose action is also a named command (``get_system_commands``, such as
    "Fetch feeds now" for R) is left to that command: one entry per action.
    """

    def _commands(self) -> Iterator[Command]:
        seen: set[str] = set()
        named = _named_actions(self)
        for info in live_keys(self.screen):
            name = info.description
            if info.id in seen or name in seen or not _enabled(info):
                continue
            if not _in_reach(info, self.screen) or (id(info.node), _action_name(info)) in named:
                continue
            seen.update({info.id, name})
            yield name, partial(_run, info), f"{info.help} ({info.label})"

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)


def _main_screen(provider: Provider) -> MainScreen | None:
    from tui_reader.ui.screens.main import MainScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


class BookmarkCommands(Provider):
    """Jump to a bookmark: its article opens with the passage current."""

    async def search(self, query: str) -> Hits:
        main = _main_screen(self)
        if main is None or not query.strip():
            return
        matcher = self.matcher(query)
        for mark in main.state.bookmarks():
            text = safe_text(f"{mark.title} — {mark.quote[:80]}")
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(main.open_bookmark, mark),
                    text=text,
                    help="Bookmark" + (f": {safe_text(mark.note)}" if mark.note else ""),
                )


class ArticleCommands(Provider):
    """Open an article by its title (the list moves to it).

    35,000 titles take a while to tokenize and a moment to match, so both run
    in a thread: the palette stays responsive and the other commands show at
    once; a newer keystroke cancels the wait for a stale query's titles.
    """

    async def startup(self) -> None:
        main = _main_screen(self)
        if main is not None and main.listing.articles:
            # Tokenize the titles while the reader types the first letters.
            self._warm = asyncio.ensure_future(
                asyncio.to_thread(_title_filter, main.listing.articles)
            )

    async def search(self, query: str) -> Hits:
        main = _main_screen(self)
        if main is None or len(query.strip()) < 2:
            return
        metas = main.listing.articles
        titles = await asyncio.to_thread(_title_filter, metas)
        found = await asyncio.to_thread(titles.filter, query, ARTICLE_HITS)
        for rank, match in enumerate(found):
            if match.index >= len(metas):
                continue  # The listing changed meanwhile.
            meta = metas[match.index]
            title = safe_text(meta.title)
            yield Hit(
                1.0 - rank / (ARTICLE_HITS * 2),
                matcher_highlight(self, query, title),
                partial(main.go_to_article, meta),
                text=title,
                help=f"Article{' · ' + safe_text(meta.source) if meta.source else ''}",
            )


def matcher_highlight(provider: Provider, query: str, text: str) -> Content:
    """The palette's own highlight of ``query`` in ``text`` (plain text, never markup)."""
    return provider.matcher(query).highlight(text)


_TITLES: tuple[int, int, FuzzyFilter] | None = None


_TITLES_LOCK = threading.Lock()


def _title_filter(metas: Sequence[ArticleMeta]) -> FuzzyFilter:
    """One title matcher per listing: tokenizing 35,000 titles once, not per keystroke.

    Called from worker threads; the lock makes a second caller wait for the
    first one's work instead of doing it again.
    """
    global _TITLES
    from tui_reader.search.filter import FuzzyFilter

    with _TITLES_LOCK:
        if _TITLES is None or _TITLES[:2] != (id(metas), len(metas)):
            _TITLES = (id(metas), len(metas), FuzzyFilter([meta.title for meta in metas]))
        return _TITLES[2]


class SourceProvider(Provider):
    """Pick the source the list shows (or every source)."""

    def _choices(self) -> list[tuple[str, str, int]]:
        from tui_reader.ui import ordering

        main = _main_screen(self)
        if main is None:
            return []
        total = len(main.listing.articles)
        choices = [("All sources", "", total)]
        choices += [
            (safe_text(name), name, count)
            for name, count in ordering.sources(main.listing.articles)
        ]
        return choices

    def _hit(self, label: str, source: str, count: int) -> Callable[[], None]:
        main = _main_screen(self)
        assert main is not None
        return partial(main.action_filter_source, source)

    async def discover(self) -> Hits:
        from tui_reader.ui.words import plural

        for label, source, count in self._choices():
            yield DiscoveryHit(
                label, self._hit(label, source, count), help=plural(count, "article")
            )

    async def search(self, query: str) -> Hits:
        from tui_reader.ui.words import plural

        matcher = self.matcher(query)
        for label, source, count in self._choices():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    self._hit(label, source, count),
                    help=plural(count, "article"),
                )
