"""The article list: a virtual list that renders only the rows on screen.

Widget-per-row lists take seconds to build for 35,000 articles; this one keeps
a plain sequence of :class:`ArticleMeta` and draws rows on demand in
``render_line``, so a corpus of any size paints at once. In search mode each
row takes two lines: the title and a snippet with the matches highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_reader.articles.model import ArticleMeta
from tui_reader.articles.sanitize import safe_line, safe_text
from tui_reader.ui.contrast import legible
from tui_reader.ui.ordering import meta_date, short_date

PARTS = ("unread", "marker", "read", "source", "snippet", "match", "badge", "date")
"""The parts of a row, each styled by its ``article-list--<part>`` component class."""

DATE_MIN_WIDTH = 56
"""Narrower lists leave the date out of each row (the title needs the room)."""


@dataclass(frozen=True, slots=True)
class RowSnippet:
    """The second line of a search result row: text and the spans to highlight."""

    text: str
    spans: tuple[tuple[int, int], ...] = ()
    title_spans: tuple[tuple[int, int], ...] = ()
    """Matches in the row's title (offsets into ``ArticleMeta.title``)."""

    def starting_near_match(self, lead: int = 12) -> RowSnippet:
        """The snippet cut to begin a few characters before its first match.

        A list row is narrow: a snippet centred for a wide screen would hide
        its match past the right edge.
        """
        if not self.spans:
            return self
        first = min(start for start, _ in self.spans)
        if first <= lead + 1:
            return self
        cut = self.text.rfind(" ", 0, first - lead)
        cut = first - lead if cut < 0 else cut + 1
        shift = cut - 1  # one character for the ellipsis
        spans = tuple((a - shift, b - shift) for a, b in self.spans if a >= cut)
        return RowSnippet("…" + self.text[cut:], spans, self.title_spans)


def clip(text: str, cells: int) -> str:
    """A prefix of ``text`` that still fills more than ``cells`` cells when ``text``
    does (so cutting it to ``cells`` shows the same, ellipsis included), else ``text``.

    Rich cuts a line by splitting the whole string into graphemes; a snippet or a
    title is often several times a list row, and that split was the largest part
    of drawing a row. Offsets into the prefix are offsets into ``text``.
    """
    end = cells + 1
    while end < len(text):
        if cell_len(text[:end]) > cells:
            return text[:end]
        end *= 2  # Zero-width characters (combining marks) take no cell: take more.
    return text


@dataclass(frozen=True, slots=True)
class _Paint:
    """What every line of one repaint shares, looked up once per repaint rather than
    per line (``rich_style`` walks the DOM; a screenful is 30-odd lines)."""

    base: Style
    cursor: Style
    width: int
    top: int


class ArticleList(ScrollView, can_focus=True):
    """A scrollable, keyboard and mouse driven list of articles."""

    HELP_SECTION = "Article list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="list.open", tooltip="Open the selected article"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "Top", show=False, id="list.top"),
        Binding("end,G", "last", "Bottom", show=False, id="list.bottom"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--marker",
        "article-list--read",
        "article-list--source",
        "article-list--snippet",
        "article-list--match",
        "article-list--badge",
        "article-list--date",
    }

    # Parts use colours, not "auto" ($text, $text-muted): a component class resolves auto
    # against no background (white 87% in a light theme); _part_styles blends and checks them.
    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        overflow-x: hidden;
        & > .article-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .article-list--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
        }
        & > .article-list--unread { color: $foreground; text-style: bold; }
        & > .article-list--marker { color: $text-accent; }
        & > .article-list--read { color: $foreground-muted; }
        & > .article-list--source { color: $foreground-muted; }
        & > .article-list--snippet { color: $foreground-muted; }
        & > .article-list--match { color: $text-warning; text-style: bold underline; }
        & > .article-list--badge { color: $text-warning; }
        & > .article-list--date { color: $foreground-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Index of the highlighted row."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another article."""

        article_list: ArticleList
        index: int
        meta: ArticleMeta | None

    @dataclass
    class Opened(Message):
        """The user asked to read the article under the cursor."""

        article_list: ArticleList
        index: int
        meta: ArticleMeta

    def __init__(
        self,
        *,
        read_keys: set[str],
        bookmark_counts: Mapping[str, int],
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: Sequence[ArticleMeta] = ()
        self._snippets: Sequence[RowSnippet] | None = None
        self._placing = False
        self._paint: _Paint | None = None
        self.picked: str | None = None
        """The key of the article the reader moved the cursor to (None: the cursor is
        where the list put it). A new set of rows keeps it selected when it is listed."""
        self._part_cache: dict[tuple[bool, bool, str], dict[str, Style]] = {}
        self._parts: dict[str, Style] = {}
        """The part styles of the row being drawn (:meth:`_part_styles`)."""
        self.read_keys = read_keys
        self.bookmark_counts = bookmark_counts

    # --- data -----------------------------------------------------------------

    @property
    def rows(self) -> Sequence[ArticleMeta]:
        """The articles currently listed, in display order."""
        return self._rows

    @property
    def row_height(self) -> int:
        """Lines per row: two when showing search snippets."""
        return 1 if self._snippets is None else 2

    @property
    def current(self) -> ArticleMeta | None:
        """The article under the cursor, if any."""
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(
        self,
        rows: Sequence[ArticleMeta],
        snippets: Sequence[RowSnippet] | None = None,
        *,
        keep_key: str | None = None,
    ) -> None:
        """Replace the rows; keep the cursor on ``keep_key`` when it is still listed.

        A kept row stays where it was on screen (the list scrolls under it), so a
        refresh of the results neither moves the selection nor the reader's eye.
        """
        old_index, old_top = self.cursor, int(self.scroll_offset.y)
        old_height = self.row_height
        self._rows = rows
        self._snippets = snippets
        self.virtual_size = Size(self.size.width, len(rows) * self.row_height)
        index = -1
        if keep_key is not None:
            index = next((i for i, m in enumerate(rows) if m.key == keep_key), -1)
        if self.picked is not None and (index < 0 or rows[index].key != self.picked):
            self.picked = None
        if index < 0:
            index = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        else:
            on_screen = old_index * old_height - old_top
            top = max(0, index * self.row_height - on_screen)
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
        self._placing = True
        try:
            self.cursor = index
        finally:
            self._placing = False
        self.refresh()

    def append_rows(self, rows: Sequence[ArticleMeta]) -> None:
        """Add rows at the end (a cold start streams the listing in)."""
        if self._snippets is not None:
            return
        current = list(self._rows)
        current.extend(rows)
        self._rows = current
        self.virtual_size = Size(self.size.width, len(current))
        self.refresh()

    def refresh_marks(self) -> None:
        """Redraw after read marks or bookmark counts changed."""
        self.refresh()

    # --- cursor ---------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, value: int) -> None:
        if not self._placing and self.current is not None:
            self.picked = self.current.key
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, value, self.current))

    def _scroll_cursor_into_view(self) -> None:
        height = self.row_height
        region = Region(0, self.cursor * height, self.size.width, height)
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height - 1)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self._page()

    def action_page_up(self) -> None:
        self.cursor -= self._page()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_open(self) -> None:
        meta = self.current
        if meta is not None:
            self.post_message(self.Opened(self, self.cursor, meta))

    async def _on_click(self, event: events.Click) -> None:
        row = (event.y + int(self.scroll_offset.y)) // self.row_height
        if 0 <= row < len(self._rows):
            self.cursor = row
            self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._rows) * self.row_height)

    # --- rendering ------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint = self._new_paint()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _new_paint(self) -> _Paint:
        base = self.rich_style
        cursor = base + self.get_component_rich_style("article-list--cursor")
        top = int(self.scroll_offset.y)
        return _Paint(base, cursor, self.scrollable_content_region.width, top)

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._new_paint()
        width = paint.width
        index, sub = divmod(paint.top + y, self.row_height)
        if index >= len(self._rows):
            return Strip.blank(width, paint.base)
        selected = index == self.cursor
        style = paint.cursor if selected else paint.base
        self._parts = self._part_styles(selected)
        if sub == 0:
            snippets = self._snippets
            spans = snippets[index].title_spans if snippets and index < len(snippets) else ()
            text = self._title_line(self._rows[index], width, spans)
        else:
            text = self._snippet_line(index, width)
        # The row's style under every part and the line padded to the width in the
        # Text itself: one Strip per line (a crop and a restyle made two more, each
        # with its caches, on every line of every repaint).
        text.style = style
        text.truncate(width, overflow="ellipsis", pad=True)
        return Strip(text.render(self.app.console), width)

    def _part_styles(self, selected: bool) -> dict[str, Style]:
        """Each part's style on a row, its colour legible on that row's background.

        The selected row is all in the cursor's colour: a part's own colour (the
        unread accent, a muted date) can vanish on the cursor's background.
        """
        key = (selected, self.has_focus, self.app.theme)
        cached = self._part_cache.get(key)
        if cached is not None:
            return cached
        background = self.background_colors[1]
        cursor: Color | None = None
        if selected:
            styles = self.get_component_styles("article-list--cursor")
            background += styles.background
            cursor = legible(styles.color, background)
        parts: dict[str, Style] = {}
        for part in PARTS:
            styles = self.get_component_styles(f"article-list--{part}")
            colour = cursor or legible(styles.color, background)
            parts[part] = Style(color=colour.rich_color) + styles.text_style
        self._part_cache[key] = parts
        return parts

    def notify_style_update(self) -> None:
        self._part_cache.clear()
        super().notify_style_update()

    def _style(self, component: str) -> Style:
        """A part's style (no background) on the row being drawn, to layer over the row's."""
        return self._parts[component]

    def _title_line(
        self, meta: ArticleMeta, width: int, spans: Sequence[tuple[int, int]] = ()
    ) -> Text:
        unread = meta.key not in self.read_keys
        marker_style = self._style("marker")
        title_style = self._style("unread") if unread else self._style("read")
        right = Text()
        count = self.bookmark_counts.get(meta.key, 0)
        if count:
            right.append(f" ★{count}", self._style("badge"))
        if meta.source and width >= 40:
            source = meta.source if len(meta.source) <= 16 else meta.source[:15] + "…"
            right.append(f" {safe_text(source)}", self._style("source"))
        if width >= DATE_MIN_WIDTH:
            date = short_date(meta_date(meta))
            if date:
                right.append(f" {date}", self._style("date"))
        right.append(" ")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("● " if unread else "  ", marker_style)
        room = max(4, width - 2 - right.cell_len)
        title = Text(
            clip(safe_line(meta.title), room), style=title_style, no_wrap=True, overflow="ellipsis"
        )
        match_style = self._style("match")
        for start, end in spans:
            title.stylize(match_style, start, end)
        title.truncate(room, overflow="ellipsis", pad=True)
        text.append_text(title)
        text.append_text(right)
        text.truncate(width, overflow="ellipsis")
        return text

    def _snippet_line(self, index: int, width: int) -> Text:
        assert self._snippets is not None
        snippet = self._snippets[index] if index < len(self._snippets) else RowSnippet("")
        text = Text("  ", no_wrap=True, overflow="ellipsis")
        body = Text(clip(safe_line(snippet.text), width - 2), style=self._style("snippet"))
        match_style = self._style("match")
        for start, end in snippet.spans:
            body.stylize(match_style, start, end)
        text.append_text(body)
        text.truncate(width, overflow="ellipsis")
        return text
