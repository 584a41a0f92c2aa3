"""The command palette (ctrl+p): every action by name, plus bookmarks, articles and sources.

:class:`KeyCommands` is generated from the live bindings of the screen the
palette was opened on, so every key is also a command and a new binding needs
no palette code; ``check_action`` gates them as it gates the keys.
:class:`BookmarkCommands` jumps to a bookmark, :class:`ArticleCommands` opens an
article by title, and :class:`SourceProvider` picks the source filter. Every
title shown is sanitized outside text, and never parsed as markup (:func:`plain`,
:func:`highlighted`); the three searches match like the app's search (no tone
marks needed) and the slow ones run in threads.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from tui_reader.articles.model import ArticleMeta
from tui_reader.articles.sanitize import safe_text
from tui_reader.ui.bindings import KeyInfo, live_keys

if TYPE_CHECKING:
    from tui_reader.search.filter import FuzzyFilter
    from tui_reader.search.highlight import Spans
    from tui_reader.store.bookmarks import Bookmark
    from tui_reader.ui.screens.main import MainScreen
    from tui_reader.ui.state import AppState

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
            yield DiscoveryHit(plain(name), run, text=name, help=plain(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(
                    score, highlighted(self, query, name), run, text=name, help=plain(help_text)
                )


def _main_screen(provider: Provider) -> MainScreen | None:
    from tui_reader.ui.screens.main import MainScreen

    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


BOOKMARK_HITS = 20
"""Most bookmarks listed for one query."""
BOOKMARK_CANDIDATES = 200
"""Newest full-text matches scored for the palette (the bookmarks screen shows them all)."""


def _bookmark_matches(state: AppState, query: str) -> list[tuple[Bookmark, str, Spans]]:
    """The best bookmarks for ``query`` with their shown text; run in a thread.

    Matching is the bookmarks filter's (no tones needed, đ as d): candidates
    from SQLite's full-text index where there is one, so a million bookmarks
    cost what a few hundred do; else every bookmark.
    """
    from tui_reader.bookmarks.text_filter import match_expression
    from tui_reader.search.filter import FuzzyFilter

    if state.call(lambda s: s.has_bookmark_text_index()):
        expression = match_expression(query, None)
        if expression is None:
            return []
        rows, _count = state.call(
            lambda s: s.bookmarks_matching(expression, BOOKMARK_CANDIDATES, BOOKMARK_CANDIDATES)
        )
    else:
        rows = state.bookmarks()
    texts = [safe_text(f"{mark.title} — {mark.quote[:80]}") for mark in rows]
    found = FuzzyFilter(texts).filter(query, limit=BOOKMARK_HITS)
    return [(rows[m.index], texts[m.index], m.spans) for m in found]


class BookmarkCommands(Provider):
    """Jump to a bookmark: its article opens with the passage current."""

    async def search(self, query: str) -> Hits:
        main = _main_screen(self)
        if main is None or not query.strip():
            return
        found = await asyncio.to_thread(_bookmark_matches, main.state, query)
        for rank, (mark, text, spans) in enumerate(found):
            note = f": {safe_text(mark.note)}" if mark.note else ""
            yield Hit(
                0.9 - rank / (BOOKMARK_HITS * 2),
                highlighted(self, query, text, spans),
                partial(main.open_bookmark, mark),
                text=text,
                help=plain(f"Bookmark{note}"),
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
            spans = match.spans if title == meta.title else None
            source = f" · {safe_text(meta.source)}" if meta.source else ""
            yield Hit(
                1.0 - rank / (ARTICLE_HITS * 2),
                highlighted(self, query, title, spans),
                partial(main.go_to_article, meta),
                text=title,
                help=plain(f"Article{source}"),
            )


def plain(text: str) -> str:
    """``text`` as palette text that is never parsed as markup.

    Textual's palette runs ``Content.from_markup`` on a hit's prompt and help,
    and its matcher's ``highlight`` parses the candidate as markup too: a title
    or note holding ``[link=…]`` or ``[$accent]`` would be styled, or raise.
    ``from_markup`` returns a ``Content`` unchanged, so plain ``Content`` goes
    through as text. (Typed as ``str`` because that is what ``Hit.help``
    declares; textual is pinned below 9.)
    """
    return cast(str, Content(text))


def highlighted(provider: Provider, query: str, text: str, spans: Spans | None = None) -> Content:
    """``text`` (plain, never markup) with ``spans`` in the palette's match style.

    Without ``spans``, the palette's own fuzzy match of ``query`` picks the letters.
    """
    content = Content(text)
    if spans is None:
        score, offsets = provider.matcher(query).fuzzy_search.match(query, text)
        spans = [(o, o + 1) for o in offsets if not text[o].isspace()] if score else []
    style = provider.match_style
    if style is None:
        return content
    for start, end in spans:
        content = content.stylize(style, start, end)
    return content


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
                plain(label),
                self._hit(label, source, count),
                text=label,
                help=plural(count, "article"),
            )

    async def search(self, query: str) -> Hits:
        """Sources matched like the search: ``doi song`` finds «Đời sống Plus»."""
        from tui_reader.search.filter import FuzzyFilter
        from tui_reader.ui.words import plural

        choices = self._choices()
        found = FuzzyFilter([label for label, _source, _count in choices]).filter(query)
        for rank, match in enumerate(found):
            label, source, count = choices[match.index]
            yield Hit(
                1.0 - rank / (len(found) * 2),
                highlighted(self, query, label, match.spans),
                self._hit(label, source, count),
                text=label,
                help=plural(count, "article"),
            )
