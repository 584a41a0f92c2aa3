"""The bookmarks screen (``B``): every bookmark, newest first, filterable as you type.

Rows are built from Rich ``Text`` (never markup): titles, quotes and notes are
untrusted text. Filtering uses the search's own folding and matching
(:class:`tui_reader.search.filter.FuzzyFilter`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_reader.articles.sanitize import safe_line
from tui_reader.search.highlight import Spans
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus
from tui_reader.ui.safe import SafeInput
from tui_reader.ui.state import AppState

if TYPE_CHECKING:
    from tui_reader.search.filter import FuzzyFilter

QUOTE_CHARS = 220
MATCH_STYLE = "bold underline yellow"


def _styled(text: str, spans: Spans, style: str = "") -> Text:
    # Imported titles, quotes and notes are outside text; length is kept, so spans hold.
    rich_text = Text(safe_line(text), style=style)
    for start, end in spans:
        rich_text.stylize(MATCH_STYLE, start, end)
    return rich_text


def bookmark_row(mark: Bookmark, spans: Sequence[Spans] = ([], [], [])) -> Text:
    """Three lines for one bookmark: title and date, the quote, the note."""
    row = Text()
    row.append("★ " if mark.status is BookmarkStatus.OK else "⚠ ", "bold")
    row.append_text(_styled(mark.title or "(untitled)", list(spans[0]), "bold"))
    row.append(f"  {mark.created[:16].replace('T', ' ')}", "dim")
    if mark.status is BookmarkStatus.ORPHANED:
        row.append("  orphaned: passage not found in the article", "italic yellow")
    quote = mark.quote if len(mark.quote) <= QUOTE_CHARS else mark.quote[: QUOTE_CHARS - 1] + "…"
    quote_spans = [(a, min(b, len(quote))) for a, b in spans[1] if a < len(quote)]
    row.append("\n  “")
    row.append_text(_styled(quote, quote_spans, "italic"))
    row.append("”")
    if mark.note:
        row.append("\n  ✎ ")
        row.append_text(_styled(mark.note, list(spans[2])))
    return row


def field_spans(mark: Bookmark, spans: Spans) -> tuple[Spans, Spans, Spans]:
    """Split spans over "title\nquote\nnote" back into per-field offsets."""
    starts = (0, len(mark.title) + 1, len(mark.title) + len(mark.quote) + 2)
    ends = (len(mark.title), starts[1] + len(mark.quote), starts[2] + len(mark.note))
    fields: tuple[Spans, Spans, Spans] = ([], [], [])
    for a, b in spans:
        for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if a >= start and b <= end:
                fields[number].append((a - start, b - start))
    return fields


class BookmarksScreen(Screen[None]):
    """List, filter, open, delete (with undo) and export bookmarks."""

    HELP_SECTION = "Bookmarks screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="bookmarks.back"),
        Binding("enter", "open", "Open", id="bookmarks.open"),
        Binding("d", "delete", "Delete", id="bookmarks.delete"),
        Binding("u", "undo", "Undo delete", id="bookmarks.undo"),
        Binding("e", "export", "Export", id="bookmarks.export"),
        Binding("slash", "focus_filter", "Filter", show=False, id="bookmarks.filter"),
    ]

    def __init__(self, state: AppState, open_bookmark: Callable[[Bookmark], None]) -> None:
        super().__init__()
        self.state = state
        self.open_bookmark = open_bookmark
        self.marks: list[Bookmark] = []
        self.shown: list[Bookmark] = []
        self.deleted: list[Bookmark] = []
        self.matcher: FuzzyFilter | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SafeInput(
            placeholder="Filter bookmarks: title, passage or note", id="bookmark-filter"
        )
        yield OptionList(id="bookmark-list")
        yield Static("", id="bookmark-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Bookmarks"
        self.reload()
        self.query_one(OptionList).focus()

    @property
    def option_list(self) -> OptionList:
        """The list of bookmark rows."""
        return self.query_one("#bookmark-list", OptionList)

    def reload(self) -> None:
        """Read the bookmarks again and re-apply the filter."""
        from tui_reader.search.filter import FuzzyFilter

        self.marks = self.state.bookmarks()
        # Title, quote and note are filtered as one text, tokenized once per reload.
        self.matcher = FuzzyFilter([f"{m.title}\n{m.quote}\n{m.note}" for m in self.marks])
        self._show(self.query_one("#bookmark-filter", Input).value)

    def _show(self, query: str) -> None:
        matches = self.matcher.filter(query) if self.matcher is not None else []
        self.shown = [self.marks[match.index] for match in matches]
        highlighted = self.option_list.highlighted
        self.option_list.clear_options()
        options: list[Option | None] = []
        for match in matches:
            if options:
                options.append(None)  # a separator line between bookmarks
            mark = self.marks[match.index]
            options.append(Option(bookmark_row(mark, field_spans(mark, match.spans))))
        self.option_list.add_options(options)
        if self.shown:
            self.option_list.highlighted = min(highlighted or 0, len(self.shown) - 1)
        total = len(self.marks)
        status = f"{total:,} bookmark(s)"
        if query.strip():
            status = f"{len(self.shown):,} of {status} match “{query.strip()}”"
        if not total:
            status = "No bookmarks yet: press b on a passage while reading to add one."
        orphaned = sum(1 for m in self.marks if m.status is BookmarkStatus.ORPHANED)
        if orphaned:
            status += f" · {orphaned} orphaned (kept with their quote)"
        self.query_one("#bookmark-status", Static).update(status)

    @on(Input.Changed, "#bookmark-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#bookmark-filter")
    def _filter_submitted(self) -> None:
        self.option_list.focus()
        self.action_open()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def _current(self) -> Bookmark | None:
        index = self.option_list.highlighted
        if index is None or not 0 <= index < len(self.shown):
            return None
        return self.shown[index]

    def action_focus_filter(self) -> None:
        self.query_one("#bookmark-filter", Input).focus()

    def action_back(self) -> None:
        filter_input = self.query_one("#bookmark-filter", Input)
        if filter_input.has_focus and filter_input.value:
            filter_input.value = ""
            return
        self.dismiss()

    def action_open(self) -> None:
        mark = self._current()
        if mark is not None:
            self.dismiss()
            self.open_bookmark(mark)

    def action_delete(self) -> None:
        mark = self._current()
        if mark is None:
            return
        removed = self.state.delete_bookmark(mark)
        if removed is not None:
            self.deleted.append(removed)
            self.notify("Bookmark deleted. Press u to undo.", markup=False)
        self.reload()

    def action_undo(self) -> None:
        if not self.deleted:
            self.notify("Nothing to undo.", markup=False)
            return
        self.state.restore_bookmark(self.deleted.pop())
        self.notify("Bookmark restored.", markup=False)
        self.reload()

    def action_export(self) -> None:
        def done(path: str | None) -> None:
            if path:
                self._export_to(path)

        self.app.push_screen(ExportScreen(), done)

    def _export_to(self, target: str) -> None:
        from pathlib import Path

        from tui_reader.bookmarks import export_json, export_markdown, write_export

        path = Path(target).expanduser()
        text = (
            export_json(self.marks)
            if path.suffix.lower() == ".json"
            else export_markdown(self.marks)
        )
        try:
            write_export(text, path)
        except OSError as err:
            self.notify(f"Could not write {path}: {err.strerror}", severity="error", markup=False)
            return
        self.notify(f"Exported {len(self.marks)} bookmark(s) to {path}", markup=False)


class ExportScreen(ModalScreen[str | None]):
    """Ask where to export; the extension picks the format (.json, else Markdown)."""

    HELP_SECTION = "Export dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static("Export bookmarks", classes="dialog-title", markup=False)
            yield SafeInput(value="~/tui-reader-bookmarks.md", id="export-path")
            yield Static(
                "A .json file gets JSON (for import); anything else Markdown. "
                "Enter to export · Escape to cancel",
                classes="dialog-hint",
                markup=False,
            )

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
