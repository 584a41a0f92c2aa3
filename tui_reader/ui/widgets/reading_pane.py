"""The reading pane: one article, laid out for reading.

Every block of text is built as ``Content`` (or Rich ``Text``) from the article's strings, never
from markup, so "[bold]" in an article shows as typed. Passages are separate
widgets so the pane can point at one (search hits, the passage cursor and
bookmarks all refer to passage indexes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

# Not from articles.parse: the empty pane of the first frame needs no parser.
from tui_reader.articles.layout import MAX_PARSE_CHARS
from tui_reader.articles.model import Article, Mark, Passage, PassageKind
from tui_reader.articles.sentences import split_sentences

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Highlights:
    """Match spans to highlight, in original-text offsets."""

    title: Sequence[Span] = ()
    passages: Mapping[int, Sequence[Span]] = field(default_factory=dict)

    def phrases_only(self, title: str, passages: Sequence[str]) -> Highlights:
        """Keep only multi-word matches when the article has any.

        Adjacent matched words form one span, so for "ha noi" the span "Hà Nội"
        is the match the reader wants; lone "nói" or "nội" elsewhere would
        drown it. Articles with no multi-word match keep every single word.
        """

        def multi(text: str, spans: Sequence[Span]) -> list[Span]:
            return [(a, b) for a, b in spans if len(text[a:b].split()) > 1]

        title_spans = multi(title, self.title)
        passage_spans = {
            i: kept for i, spans in self.passages.items() if (kept := multi(passages[i], spans))
        }
        if not title_spans and not passage_spans:
            return self
        return Highlights(title_spans, passage_spans)

    def ordered(self) -> list[tuple[int | None, Span]]:
        """Every match in reading order: (passage index or None for the title, span)."""
        found: list[tuple[int | None, Span]] = [(None, span) for span in sorted(self.title)]
        for index in sorted(self.passages):
            found.extend((index, span) for span in sorted(self.passages[index]))
        return found


def full_title(article: Article) -> str:
    """The title to show above the article: a title cut short for the list is shown whole.

    An article without a title line gets its first sentence, shortened with "…" for
    the list; the reading pane has room for all of it. Highlight spans stay valid:
    the shortened title is a prefix of the whole one.
    """
    title = article.title
    if not (article.title_derived and title.endswith("…") and article.passages):
        return title
    head = title[:-1]
    first = " ".join(article.passages[0].text.split())
    if not first.startswith(head):
        return title
    sentences = split_sentences(first)
    whole = sentences[0] if sentences else first
    if len(whole) < len(head):
        return title
    return whole.rstrip(".") if whole.endswith(".") and not whole.endswith("..") else whole


#: How a passage's marks look: emphasis as in the source, links underlined. No link
#: is ever sent to the terminal as a hyperlink escape; ``o`` opens it.
MARK_STYLES = {"em": "italic", "strong": "bold", "code": "bold", "link": "underline"}


def styled(
    text: str,
    spans: Sequence[Span],
    match_style: str,
    current: Span | None,
    marks: Sequence[Mark] = (),
) -> Content:
    """``text`` as plain content with its marks and the match spans styled.

    Never parsed as markup; match styles (theme variables) go on top of emphasis and links.
    """
    content = Content(text)
    for mark in marks:
        if style := MARK_STYLES.get(mark.style, ""):
            content = content.stylize(style, mark.start, mark.end)
    for start, end in spans:
        style = "reverse bold" if (start, end) == current else match_style
        content = content.stylize(style, start, end)
    return content


def repeats_lead(article: Article) -> bool:
    """Whether the title is the lead's first sentence shortened (a text with no title line)."""
    if not article.title_derived or not article.passages:
        return False
    return article.passages[0].text.startswith(article.title.rstrip("…").rstrip())


class PassageView(Static):
    """One passage; its kind is a CSS class so each kind can be styled distinctly.

    ``-current`` marks the passage cursor and ``-bookmarked`` a bookmarked
    passage (a margin mark in the stylesheet). Headings also get their level
    (``-h2`` ... ``-h6``), styled in the app's stylesheet with theme variables.
    """


    @dataclass
    class Clicked(Message):
        """The passage was clicked: it becomes the current passage."""

        view: PassageView

    def __init__(self, passage: Passage, index: int, content: Content) -> None:
        classes = f"passage -{passage.kind.value}"
        if passage.kind is PassageKind.HEADING:
            classes += f" -h{min(6, max(2, passage.level))}"
        super().__init__(content, classes=classes, markup=False)
        self.passage = passage
        self.index = index

    def on_click(self) -> None:
        self.post_message(self.Clicked(self))


class ReadingPane(VerticalScroll, can_focus=True):
    """Shows the open article; scrolls with the keyboard and the mouse."""

    HELP_SECTION = "Article"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "next_passage", "Next passage", show=False, id="reader.down"),
        Binding("up,k", "previous_passage", "Previous passage", show=False, id="reader.up"),
        Binding(
            "pagedown,space",
            "page_down",
            "Page down",
            show=False,
            id="reader.page_down",
            tooltip="Page down; at the end of the article, the next unread one",
        ),
        Binding("pageup", "page_up", "Page up", show=False, id="reader.page_up"),
        Binding("home,g", "first_passage", "Top", show=False, id="reader.top"),
        Binding("end,G", "last_passage", "Bottom", show=False, id="reader.bottom"),
    ]

    @dataclass
    class EndReached(Message):
        """Page down was pressed with the end of the article already on screen."""

        pane: ReadingPane

    @dataclass
    class CursorMoved(Message):
        """The passage cursor moved (e.g. so the app can show the passage's bookmark)."""

        pane: ReadingPane
        index: int

    MATCH_STYLE = "bold underline $text-warning"

    def __init__(self, *, id: str | None = None, reading_width: int = 84) -> None:
        super().__init__(id=id)
        self.reading_width = reading_width
        """The widest line in columns (0: the whole pane)."""
        self.date = ""
        """The open article's date, as shown under its title."""
        self.article: Article | None = None
        self.highlights = Highlights()
        self._matches: list[tuple[int | None, Span]] = []
        self._match_index = -1
        self.cursor = 0
        self.bookmarked: set[int] = set()

    def compose_placeholder(self, message: str) -> None:
        """Show a message instead of an article."""
        self.article = None
        self.remove_children()
        self.mount(Static(Text(message), classes="placeholder", markup=False))

    async def show(
        self,
        article: Article,
        *,
        highlights: Highlights | None = None,
        date: str = "",
        scroll_y: float | None = None,
        focus_passage: int | None = None,
        bookmarked: set[int] | None = None,
        cursor: int | None = None,
    ) -> None:
        """Lay out ``article``; restore ``scroll_y`` or bring ``focus_passage`` into view.

        ``bookmarked`` holds the passage indexes that carry a bookmark mark.
        ``cursor`` (with or without ``scroll_y``) restores where the reader was: the
        passage cursor goes back on that passage, which is scrolled into view when
        ``scroll_y`` does not show it (the text or the terminal changed meanwhile).
        """
        self.article = article
        self.date = date
        self.highlights = highlights or Highlights()
        self._matches = self.highlights.ordered()
        # Opened at a search hit: its first match there is the current one, so n moves on.
        self._match_index = next(
            (
                i
                for i, (passage, _span) in enumerate(self._matches)
                if focus_passage is not None and passage is not None and passage >= focus_passage
            ),
            -1,
        )
        self.bookmarked = set(bookmarked or ())
        self.cursor = focus_passage if focus_passage is not None else 0
        if focus_passage is None and cursor is not None and 0 <= cursor < len(article.passages):
            self.cursor = cursor
        restore_cursor = focus_passage is None and self.cursor != 0
        await self.remove_children()
        widgets = self._build(article)
        for widget in widgets:
            widget.styles.max_width = self.reading_width or "100%"
        await self.mount_all(widgets)
        self._mark_passages()
        self.scroll_to(y=0, animate=False, immediate=True)
        if focus_passage is not None:
            self.call_after_refresh(self._reveal_passage, focus_passage)
        elif scroll_y or restore_cursor:
            self.call_after_refresh(self._restore_scroll, scroll_y or 0.0, restore_cursor)

    def _restore_scroll(self, y: float, keep_cursor: bool = False) -> None:
        self.scroll_to(y=y, animate=False, immediate=True)
        if keep_cursor:
            self.call_after_refresh(self._cursor_into_view)
        else:
            self.call_after_refresh(self._cursor_to_view)

    def _cursor_into_view(self) -> None:
        """After restoring a position: show the cursor's passage if the offset did not."""
        view = self.passage_view(self.cursor)
        if view is None:
            return
        top = self.scroll_y
        bottom = top + self.scrollable_content_region.height
        region = view.virtual_region
        if region.y < top or region.y >= bottom:
            self._reveal_passage(self.cursor)

    # --- passage cursor ------------------------------------------------------------

    @property
    def current_passage(self) -> Passage | None:
        """The passage under the cursor."""
        if self.article is None or not 0 <= self.cursor < len(self.article.passages):
            return None
        return self.article.passages[self.cursor]

    def set_bookmarked(self, indexes: set[int]) -> None:
        """Update which passages show the bookmark mark."""
        self.bookmarked = set(indexes)
        self._mark_passages()

    def move_cursor(self, index: int, *, reveal: bool = True) -> None:
        """Make passage ``index`` current and, by default, scroll it into view."""
        if self.article is None or not self.article.passages:
            return
        self.cursor = max(0, min(index, len(self.article.passages) - 1))
        self._mark_passages()
        if reveal:
            view = self.passage_view(self.cursor)
            if view is not None:
                self.scroll_to_widget(view, animate=False, immediate=True)
        self.post_message(self.CursorMoved(self, self.cursor))

    def _mark_passages(self) -> None:
        for view in self.query(PassageView):
            view.set_class(view.index == self.cursor, "-current")
            view.set_class(view.index in self.bookmarked, "-bookmarked")

    def _cursor_to_view(self) -> None:
        """After a page scroll, put the cursor on the first passage in view."""
        top = self.scroll_y
        bottom = top + self.scrollable_content_region.height
        for view in self.query(PassageView):
            start = view.virtual_region.y
            if start >= top and start < bottom:
                if view.index != self.cursor:
                    self.move_cursor(view.index, reveal=False)
                return

    def _overflows(self, downward: bool) -> bool:
        """Whether the current passage runs past the visible area in that direction."""
        view = self.passage_view(self.cursor)
        if view is None:
            return False
        region = view.virtual_region
        top = self.scroll_y
        bottom = top + self.scrollable_content_region.height
        return region.bottom > bottom if downward else region.y < top

    def action_next_passage(self) -> None:
        # A passage taller than the screen is read by scrolling through it first.
        if self._overflows(downward=True):
            self.scroll_relative(y=max(1, self.scrollable_content_region.height - 2), animate=False)
        else:
            self.move_cursor(self.cursor + 1)

    def action_previous_passage(self) -> None:
        if self._overflows(downward=False):
            self.scroll_relative(
                y=-max(1, self.scrollable_content_region.height - 2), animate=False
            )
        else:
            self.move_cursor(self.cursor - 1)

    def action_first_passage(self) -> None:
        self.move_cursor(0)
        self.scroll_home(animate=False)

    def action_last_passage(self) -> None:
        if self.article is not None:
            self.move_cursor(len(self.article.passages) - 1)
        self.scroll_end(animate=False)

    def action_page_down(self) -> None:
        if self.article is not None and self.scroll_y >= self.max_scroll_y:
            self.post_message(self.EndReached(self))
            return
        self.scroll_page_down(animate=False)
        self.call_after_refresh(self._cursor_to_view)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)
        self.call_after_refresh(self._cursor_to_view)

    def on_passage_view_clicked(self, message: PassageView.Clicked) -> None:
        self.move_cursor(message.view.index, reveal=False)

    def _build(self, article: Article) -> list[Static]:
        current = self._matches[self._match_index] if self._match_index >= 0 else None
        current_span = current[1] if current else None
        widgets: list[Static] = [
            Static(
                styled(
                    full_title(article),
                    self.highlights.title,
                    self.MATCH_STYLE,
                    current_span if current and current[0] is None else None,
                ),
                classes="article-title",
                markup=False,
            ),
            Static(Text(self._meta_line(article, self.date)), classes="article-meta", markup=False),
        ]
        # A title made from the lead's first sentence is not shown again above the lead.
        widgets[0].display = not repeats_lead(article)
        for index, passage in enumerate(article.passages):
            spans = self.highlights.passages.get(index, ())
            active = current_span if current and current[0] == index else None
            text = styled(passage.text, spans, self.MATCH_STYLE, active, passage.marks)
            widgets.append(PassageView(passage, index, text))
        return widgets

    @property
    def current_url(self) -> str | None:
        """The link ``o`` opens: the current passage's first link, else the article's URL."""
        passage = self.current_passage
        if passage is not None and passage.links:
            return passage.links[0]
        return self.article.source_url if self.article is not None else None

    @staticmethod
    def _meta_line(article: Article, date: str = "") -> str:
        parts = [part for part in (date, article.byline, article.source_name) if part]
        parts.append(f"{article.word_count:,} words")
        parts.append(f"{article.reading_minutes} min read")
        if article.truncated:
            parts.append(f"very long: only the first {MAX_PARSE_CHARS:,} characters are shown")
        from tui_reader.search.analysis import MAX_TOKENS  # numpy, pyvi: not before first paint

        if article.word_count > MAX_TOKENS:
            parts.append(f"search covers its first {MAX_TOKENS:,} words")
        return " · ".join(parts)

    def passage_view(self, index: int) -> PassageView | None:
        """The widget showing passage ``index``, if mounted."""
        for view in self.query(PassageView):
            if view.index == index:
                return view
        return None

    def _reveal_passage(self, index: int) -> None:
        view = self.passage_view(index)
        if view is not None:
            self.scroll_to_widget(view, animate=False, top=True, immediate=True)

    # --- matches ---------------------------------------------------------------

    @property
    def match_count(self) -> int:
        """How many highlighted matches the open article has."""
        return len(self._matches)

    @property
    def match_position(self) -> int:
        """Index of the current match, -1 before the first jump."""
        return self._match_index

    def jump_match(self, step: int) -> bool:
        """Move to the next (+1) or previous (-1) match, wrapping; False when there are none."""
        if not self._matches or self.article is None:
            return False
        self._match_index = (self._match_index + step) % len(self._matches)
        passage, _span = self._matches[self._match_index]
        self._restyle()
        if passage is None:
            self.scroll_to(y=0, animate=False)
        else:
            self.move_cursor(passage, reveal=False)
            self._reveal_passage(passage)
        return True

    def _restyle(self) -> None:
        """Re-render the title and passages so the current match stands out."""
        if self.article is None:
            return
        current = self._matches[self._match_index] if self._match_index >= 0 else None
        for view in self.query(PassageView):
            spans = self.highlights.passages.get(view.index, ())
            active = current[1] if current and current[0] == view.index else None
            view.update(
                styled(view.passage.text, spans, self.MATCH_STYLE, active, view.passage.marks)
            )
        title = self.query(".article-title").first(Static)
        active_title = current[1] if current and current[0] is None else None
        title.update(
            styled(full_title(self.article), self.highlights.title, self.MATCH_STYLE, active_title)
        )
