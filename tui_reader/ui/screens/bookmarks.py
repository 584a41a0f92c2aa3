"""The bookmarks screen (``B``): every bookmark, newest first, filterable as you type.

Typing goes to the filter: it has the focus when the screen opens, and a letter
typed in the list goes there too (type-to-filter), so no letter on this screen is
a command that could destroy something. In the list ``j``/``k`` (and the arrows)
move as everywhere else; the commands are keys that never type: ``Delete``
deletes (``ctrl+z`` undoes, on any screen), ``ctrl+n`` edits the note,
``ctrl+s`` exports (asking before it replaces a file), ``Enter`` opens.

The database is read off the UI thread, a page at a time: the screen opens at
once with a million bookmarks, and more rows load as the cursor nears the end.
A filter runs in a worker: SQLite's full-text index (schema v3) finds and ranks
the candidates among all bookmarks, and the best of them are scored and
highlighted like the search's results (:mod:`tui_reader.bookmarks.text_filter`).
Without FTS5 it matches every row in batches, showing the best found so far.

Rows are built from Rich ``Text`` (never markup) through the sanitizer: titles,
quotes and notes may come from an imported file.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from tui_reader.articles.sanitize import safe_line, safe_name
from tui_reader.bookmarks.text_filter import TermIndex
from tui_reader.search.highlight import Spans
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus
from tui_reader.store.state import StateStore
from tui_reader.ui.safe import SafeInput
from tui_reader.ui.state import AppState, BookmarkChange, StateEvent
from tui_reader.ui.widgets.key_footer import KeyFooter
from tui_reader.ui.widgets.legible_list import LegibleOptionList
from tui_reader.ui.words import plural
from tui_reader.ui.workers import WorkerFailures

QUOTE_CHARS = 220
MATCH_STYLE = "bold underline $text-warning"
PAGE = 50
"""Rows read (or, filtered, put in the list) at a time. Building a row list costs the UI
thread time per row (about 3 ms a row on a loaded machine), and 50 fill several screens;
more are added as the cursor nears the end."""
FILTER_BATCH = 5000
"""Rows the filter reads and matches at a time."""
SHOWN_MATCHES = 500
"""At most this many filter matches are listed (the best ones)."""
CANDIDATES = 100
"""The newest full-text matches scored and listed, best first. Scoring is Python on a
worker thread, but it holds the GIL the UI thread needs: 300 rows made the screen miss
frames for over a second on a loaded machine, so fewer are scored per keystroke."""
COUNT_UP_TO = 10_000
"""Matches are counted up to this many ("10,000+ matches")."""
FILTER_PAUSE = 0.12
"""Seconds the filter waits for the next keystroke before it reads anything: a word
typed fast costs one query, not one per letter (each key cancels the one before)."""


def _styled(text: str, spans: Spans, style: str = "") -> Content:
    # Imported titles, quotes and notes are outside text; length is kept, so spans hold.
    content = Content(safe_line(text))
    if style:
        content = content.stylize(style)
    for start, end in spans:
        content = content.stylize(MATCH_STYLE, start, end)
    return content


def bookmark_row(mark: Bookmark, spans: Sequence[Spans] = ([], [], [])) -> Content:
    """Three lines for one bookmark: title and date, the quote, the note.

    Colours are theme variables; the list keeps them legible on its cursor.
    """
    parts: list[Content | tuple[str, str] | str] = [
        ("★ " if mark.status is BookmarkStatus.OK else "⚠ ", "bold"),
        _styled(mark.title or "(untitled)", list(spans[0]), "bold"),
        (f"  {safe_line(mark.created[:16].replace('T', ' '))}", "$foreground-muted"),
    ]
    if mark.status is BookmarkStatus.ORPHANED:
        parts.append(("  orphaned: passage not found in the article", "italic $text-warning"))
    quote = mark.quote if len(mark.quote) <= QUOTE_CHARS else mark.quote[: QUOTE_CHARS - 1] + "…"
    quote_spans = [(a, min(b, len(quote))) for a, b in spans[1] if a < len(quote)]
    parts += ["\n  “", _styled(quote, quote_spans, "italic"), "”"]
    if mark.note:
        parts += ["\n  ✎ ", _styled(mark.note, list(spans[2]))]
    return Content.assemble(*parts)


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


def filter_text(mark: Bookmark) -> str:
    """What the filter matches: title, quote and note (see :func:`field_spans`)."""
    return f"{mark.title}\n{mark.quote}\n{mark.note}"


def _cancelled(worker: Worker[None]) -> bool:
    """Asked afresh each time (another thread sets it; a plain attribute read looks constant)."""
    return worker.is_cancelled


def _page(after: tuple[str, int] | None, size: int) -> Callable[[StateStore], list[Bookmark]]:
    return lambda store: store.bookmarks_page(after, size)


class BookmarkList(LegibleOptionList):
    """The rows; ``j``/``k`` move, other printable keys go to the filter."""

    HELP_SECTION = "Bookmarks list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="bookmarks.down", tooltip="Next"),
        Binding("k", "cursor_up", "Up", show=False, id="bookmarks.up", tooltip="Previous"),
        Binding("g", "first", "Top", show=False, id="bookmarks.top", tooltip="First bookmark"),
        Binding("G", "last", "Bottom", show=False, id="bookmarks.bottom", tooltip="Last one"),
    ]

    def on_key(self, event: events.Key) -> None:
        """Type-to-filter: a character with no binding here goes into the filter box."""
        if not event.is_printable or not event.character:
            return
        if event.key in self.screen.active_bindings:
            return  # j, k, g, G, ? and the like keep their meaning
        screen = self.screen
        if isinstance(screen, BookmarksScreen):
            event.stop()
            event.prevent_default()
            screen.type_into_filter(event.character)

    def on_paste(self, event: events.Paste) -> None:
        """A paste while the list has focus goes to the filter too, not into the void."""
        screen = self.screen
        if event.text and isinstance(screen, BookmarksScreen):
            event.stop()
            screen.type_into_filter(event.text)


class BookmarksScreen(WorkerFailures, Screen[None]):
    """List, filter, open, edit, delete (undoable) and export bookmarks."""

    HELP_SECTION = "Bookmarks screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "back",
            "Back",
            id="bookmarks.back",
            tooltip="Clear the filter, or back to the articles",
        ),
        Binding(
            "enter", "open", "Open", id="bookmarks.open", tooltip="Open the article at the passage"
        ),
        Binding(
            "delete",
            "delete",
            "Delete",
            id="bookmarks.delete",
            tooltip="Delete the bookmark and its note (ctrl+z undoes)",
        ),
        Binding(
            "ctrl+n",
            "note",
            "Note",
            id="bookmarks.note",
            tooltip="Write or edit the bookmark's note",
        ),
        Binding(
            "ctrl+s",
            "export",
            "Export",
            id="bookmarks.export",
            tooltip="Export every bookmark to Markdown or JSON (asks before replacing a file)",
        ),
        # Kept so a keymap.toml that names it still works: the same undo as ctrl+z anywhere.
        Binding(
            "ctrl+z",
            "app.undo",
            "Undo",
            show=False,
            id="bookmarks.undo",
            tooltip="Undo the last change (a delete, a note), like ctrl+z on every screen",
        ),
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            show=False,
            id="bookmarks.filter",
            tooltip="Type to filter: title, passage or note, no tone marks needed",
        ),
    ]

    def __init__(self, state: AppState, open_bookmark: Callable[[Bookmark], None]) -> None:
        super().__init__()
        self.state = state
        self.open_bookmark = open_bookmark
        self.shown: list[Bookmark] = []
        """The rows on screen, in order."""
        self.total = 0
        self.orphaned = 0
        self.filter_query = ""
        self.complete = False
        """True when every row for the current view is loaded (no more pages)."""
        self.loading = False
        self.totals_known = False
        self._checked = 0
        self._matches = 0
        self._has_index: bool | None = None
        self._terms: TermIndex | None = None
        """The full-text index's vocabulary (for typos), read in the background."""
        self._terms_stale = False
        self._terms_loading = False
        self._capped = False
        self._more: list[tuple[float, int, Bookmark, Spans]] = []
        """Filter matches ranked but not in the list yet (added as the cursor nears them)."""
        self._listed = 0
        """How many filter matches are ranked for the list (shown and still to add)."""

    def compose(self) -> ComposeResult:
        yield Header()
        # Not selected on focus: type-to-filter moves the focus here with the first letter,
        # and a selection would let the second letter replace it.
        yield SafeInput(
            placeholder="Type to filter bookmarks: title, passage or note",
            id="bookmark-filter",
            select_on_focus=False,
        )
        yield BookmarkList(id="bookmark-list")
        yield Static("Loading bookmarks…", id="bookmark-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Bookmarks"
        self.filter_input.focus()
        self.state.listeners.append(self._state_changed)
        self.reload()

    def on_unmount(self) -> None:
        if self._state_changed in self.state.listeners:
            self.state.listeners.remove(self._state_changed)

    @property
    def option_list(self) -> BookmarkList:
        """The list of bookmark rows."""
        return self.query_one("#bookmark-list", BookmarkList)

    @property
    def filter_input(self) -> SafeInput:
        """The filter box."""
        return self.query_one("#bookmark-filter", SafeInput)

    # --- loading (workers; the database is read on its own thread) -------------------

    def reload(self) -> None:
        """Read the bookmarks again from the top for the current filter."""
        self.filter_query = self.filter_input.value.strip()
        self.shown = []
        self._more = []
        self._listed = 0
        self.complete = False
        self.option_list.clear_options()
        self._checked = self._matches = 0
        if self.filter_query:
            self._filter(self.filter_query)
        else:
            self._load_page(None)
        if not self.totals_known:
            self._count_totals()

    @work(thread=True, exclusive=True, group="bookmarks", exit_on_error=False)
    def _load_page(self, after: tuple[str, int] | None) -> None:
        """One newest-first page of the unfiltered list."""
        rows = self.state.call(_page(after, PAGE))
        self.app.call_from_thread(self._add_page, after, rows, None)

    @work(thread=True, group="bookmark-totals", exit_on_error=False)
    def _count_totals(self) -> None:
        """Count all (and orphaned) bookmarks; at a million rows, after the first page."""
        # Background lane: the first page (and anything the reader asks) goes first.
        totals = self.state.call(lambda s: s.bookmark_totals(), background=True)
        self.app.call_from_thread(self._set_totals, totals)

    def _add_page(
        self,
        after: tuple[str, int] | None,
        rows: list[Bookmark],
        totals: tuple[int, int] | None,
    ) -> None:
        if self.filter_query:
            return  # a filter started meanwhile
        if after is None:
            self.shown = []
            self.option_list.clear_options()
        if totals is not None:
            self.total, self.orphaned = totals
        self._append(rows, [None] * len(rows))
        self.complete = len(rows) < PAGE
        self.loading = False
        self._update_status()

    def _set_totals(self, totals: tuple[int, int]) -> None:
        self.total, self.orphaned = totals
        self.totals_known = True
        self._update_status()

    @work(thread=True, exclusive=True, group="bookmarks", exit_on_error=False)
    def _filter(self, query: str) -> None:
        """Filter by ``query``: from the full-text index, or by matching every row."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        time.sleep(FILTER_PAUSE)  # on the worker's thread, never the UI's
        if worker.is_cancelled:
            return  # a later keystroke started its own filter
        if self._has_index is None:
            self._has_index = self.state.call(lambda s: s.has_bookmark_text_index())
        if not self._has_index:
            self._filter_scan(query, worker)
            return
        if (self._terms is None or self._terms_stale) and not self._terms_loading:
            self._terms_loading = True
            self.app.call_from_thread(self._load_terms)
        self._filter_indexed(query, self._terms, worker)

    @work(thread=True, group="bookmark-terms", exit_on_error=False)
    def _load_terms(self) -> None:
        """Read the index's vocabulary (seconds at 1M), in the background, once."""
        import sqlite3

        from tui_reader.store.bookmarks import text_terms_in_file

        self._terms_stale = False
        try:
            try:  # beside the database thread, so opening articles does not wait for it
                words = text_terms_in_file(self.state.call(lambda s: s.path))
            except (sqlite3.Error, OSError):  # changes kept in memory only, say
                words = self.state.call(lambda s: s.bookmark_terms(), background=True)
            self._terms = TermIndex(words)
        finally:
            self._terms_loading = False
        self.app.call_from_thread(self._terms_ready)

    def _terms_ready(self) -> None:
        """The vocabulary is in: filter again, now forgiving typos."""
        if self.filter_query and self.is_mounted:
            self._filter(self.filter_query)

    def _filter_indexed(
        self, query: str, terms: TermIndex | None, worker: Worker[None]
    ) -> None:
        """The newest matches from SQLite's full-text index, scored and highlighted here."""
        from tui_reader.bookmarks.text_filter import match_expression
        from tui_reader.search.filter import FuzzyFilter

        expression = match_expression(query, terms)
        rows: list[Bookmark] = []
        count = 0
        if expression is not None:
            rows, count = self.state.call(
                lambda s: s.bookmarks_matching(expression, CANDIDATES, COUNT_UP_TO)
            )
        if _cancelled(worker):
            return
        matches = FuzzyFilter([filter_text(m) for m in rows]).filter(query)
        if _cancelled(worker):  # a key pressed while scoring: its own filter shows instead
            return
        # Best score first, then newest among equals.
        ranked = [(m.score, -m.index, rows[m.index], m.spans) for m in matches]
        if len(rows) < CANDIDATES:
            count = len(ranked)  # all of them were scored: the exact number
        self._capped = count >= COUNT_UP_TO
        self.app.call_from_thread(self._show_matches, query, ranked, count, count, True)

    def _filter_scan(self, query: str, worker: Worker[None]) -> None:
        """Without FTS5: match every bookmark in batches, best matches shown as found."""
        from tui_reader.search.filter import FuzzyFilter

        best: list[tuple[float, int, Bookmark, Spans]] = []
        order = itertools.count()
        after: tuple[str, int] | None = None
        checked = matched = 0
        while True:
            rows = self.state.call(_page(after, FILTER_BATCH))
            if worker.is_cancelled:
                return
            for match in FuzzyFilter([filter_text(m) for m in rows]).filter(query):
                matched += 1
                # Best score first, then newest (the page order) among equals.
                item = (match.score, -next(order), rows[match.index], match.spans)
                if len(best) < SHOWN_MATCHES:
                    heapq.heappush(best, item)
                else:
                    heapq.heappushpop(best, item)
            checked += len(rows)
            done = len(rows) < FILTER_BATCH
            ranked = sorted(best, reverse=True)
            self.app.call_from_thread(self._show_matches, query, ranked, checked, matched, done)
            if done:
                return
            after = (rows[-1].created, rows[-1].id)

    def _show_matches(
        self,
        query: str,
        ranked: list[tuple[float, int, Bookmark, Spans]],
        checked: int,
        matched: int,
        done: bool,
    ) -> None:
        if query != self.filter_query:
            return
        keep = self._highlighted_uid()
        self.shown = []
        self.option_list.clear_options()
        first, self._more = ranked[:PAGE], ranked[PAGE:]
        self._listed = len(ranked)
        self._append([item[2] for item in first], [item[3] for item in first])
        self._restore_highlight(keep)
        self._checked, self._matches = checked, matched
        self.complete = done
        self._update_status()

    def _append(self, rows: Sequence[Bookmark], spans: Sequence[Spans | None]) -> None:
        options: list[Option | None] = []
        for mark, found in zip(rows, spans, strict=True):
            if self.shown or options:
                options.append(None)  # a separator line between bookmarks
            fields = field_spans(mark, found) if found else ([], [], [])
            options.append(Option(bookmark_row(mark, fields), id=mark.uid))
            self.shown.append(mark)
        if options:
            first = self.option_list.highlighted is None
            self.option_list.add_options(options)
            if first and self.shown:
                self.option_list.highlighted = 0

    def _highlighted_uid(self) -> str | None:
        current = self._current()
        return current.uid if current else None

    def _restore_highlight(self, uid: str | None) -> None:
        for index, mark in enumerate(self.shown):
            if mark.uid == uid:
                self.option_list.highlighted = index
                return

    def _update_status(self) -> None:
        if self.totals_known:
            status = plural(self.total, "bookmark")
        else:
            shown = plural(len(self.shown), "bookmark")
            status = f"{shown}{'' if self.complete else '+'}, counting…"
        if self.filter_query:
            scanned = "" if self.complete else f" (filtering… {self._checked:,} checked)"
            listed = "the best of the newest" if self._has_index else "the best"
            more = (
                f"; {listed} {self._listed:,} are listed"
                if self._matches > self._listed
                else ""
            )
            matches = plural(self._matches, "match", "matches")
            if self._capped and self._has_index:
                matches = f"{self._matches:,}+ matches"
            status = f"{matches} for “{safe_line(self.filter_query)}”{more}{scanned}"
        elif not self.shown and self.complete and self.totals_known and not self.total:
            status = "No bookmarks yet: press b on a passage while reading to add one."
        if self.orphaned and not self.filter_query:
            status += f" · {self.orphaned:,} orphaned (kept with their quote)"
        self.query_one("#bookmark-status", Static).update(status)

    @on(OptionList.OptionHighlighted, "#bookmark-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Load the next page when the cursor nears the end of what is loaded."""
        if not self.shown or event.option_index < len(self.shown) - 20:
            return
        if self.filter_query:  # the matches are in memory: list the next ones
            batch, self._more = self._more[:PAGE], self._more[PAGE:]
            self._append([item[2] for item in batch], [item[3] for item in batch])
            return
        if not (self.complete or self.loading):
            self.loading = True
            last = self.shown[-1]
            self._load_page((last.created, last.id))

    # --- keeping up with changes made anywhere (undo on another screen, say) ------------

    def _state_changed(self, event: StateEvent) -> None:
        if not isinstance(event, BookmarkChange):
            return
        self._terms_stale = True  # read again at the next filter (typed words need no list)
        if event.kind == "removed":
            self._drop(event.mark.uid)
        else:
            self.reload_totals_and_rows()

    def reload_totals_and_rows(self) -> None:
        """A bookmark came back (undo) or changed: read the view again, keeping the cursor."""
        keep = self._highlighted_uid()
        self.totals_known = False
        self.reload()
        self.call_after_refresh(lambda: self._restore_highlight(keep))

    def _drop(self, uid: str) -> None:
        index = next((i for i, m in enumerate(self.shown) if m.uid == uid), None)
        if index is None:
            return
        self._more = [item for item in self._more if item[2].uid != uid]
        mark = self.shown.pop(index)
        # Separators are not options: the row's option index is its index in `shown`.
        self.option_list.remove_option(uid)
        self.total = max(0, self.total - 1)
        if mark.status is BookmarkStatus.ORPHANED:
            self.orphaned = max(0, self.orphaned - 1)
        if self.filter_query:
            self._matches = max(0, self._matches - 1)
            self._listed = max(0, self._listed - 1)
        if self.shown:
            self.option_list.highlighted = min(index, len(self.shown) - 1)
        self._update_status()

    # --- keys ---------------------------------------------------------------------------

    def type_into_filter(self, character: str) -> None:
        """Type-to-filter from the list: focus the box and add the character."""
        box = self.filter_input
        box.focus()
        box.cursor_position = len(box.value)  # typed after what is there
        box.insert_text_at_cursor(character)

    @on(Input.Changed, "#bookmark-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != self.filter_query:
            self.reload()

    @on(Input.Submitted, "#bookmark-filter")
    def _filter_submitted(self) -> None:
        self.action_open()

    def on_key(self, event: events.Key) -> None:
        """Down (or Tab) from the filter moves into the list, as from the search bar."""
        if self.focused is self.filter_input and event.key == "down":
            event.stop()
            event.prevent_default()
            self.option_list.focus()

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the filter box Delete deletes a character: do not offer it as a command."""
        in_box = self.is_mounted and self.focused is self.filter_input
        return not (action == "delete" and in_box)

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
        self.filter_input.focus()

    def action_back(self) -> None:
        if self.filter_input.value:
            self.filter_input.value = ""
            self.filter_input.focus()
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
        self.state.remove_bookmark(mark)  # the listener drops the row here and on main
        self.notify("Bookmark deleted. Press ctrl+z to undo.", markup=False)

    def action_note(self) -> None:
        mark = self._current()
        if mark is None:
            return
        from tui_reader.ui.screens.note import NoteScreen

        def save(note: str | None) -> None:
            if note is None or note == mark.note:
                return  # cancelled or unchanged: nothing to do
            self.state.set_note(mark, note)
            self.notify("Note cleared. Press ctrl+z to undo." if not note else "Note saved.")

        self.app.push_screen(NoteScreen(mark.note, mark.quote), save)

    def action_export(self) -> None:
        def chosen(path: str | None) -> None:
            if not path:
                self.notify("Export cancelled: nothing was written.", markup=False)
                return
            target = Path(path).expanduser()
            if not target.exists():
                self._export(target)
                return
            from tui_reader.ui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self._export(target)
                else:
                    self.notify(f"Kept {safe_name(target)} as it was.", markup=False)

            self.app.push_screen(
                ConfirmScreen(
                    f"{safe_name(target)} exists. Replace it?",
                    "Everything in that file now would be lost.",
                    yes="Replace",
                ),
                answered,
            )

        self.app.push_screen(ExportScreen(), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, path: Path) -> None:
        from tui_reader.bookmarks import export_json, export_markdown, write_export
        from tui_reader.store.errors import describe

        marks = self.state.call(lambda s: s.bookmarks())
        as_json = path.suffix.lower() == ".json"
        text = export_json(marks) if as_json else export_markdown(marks)
        try:
            write_export(text, path)
        except OSError as err:
            self.app.call_from_thread(
                self.notify,
                f"Could not write {safe_name(path)}: {describe(err)}",
                severity="error",
                markup=False,
            )
            return
        kind = "JSON" if as_json else "Markdown"
        self.app.call_from_thread(
            self.notify, f"Exported {plural(len(marks), 'bookmark')} as {kind} to {safe_name(path)}"
        )

    def worker_failed(self, group: str, what: str) -> None:
        self.loading = False
        self.complete = True
        self.query_one("#bookmark-status", Static).update(f"{what} failed: see the notification")


class ExportScreen(ModalScreen[str | None]):
    """Ask where to export; the extension picks the format (.json, else Markdown)."""

    HELP_SECTION = "Export"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel", tooltip="Cancel: write nothing"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static("Export bookmarks", classes="dialog-title", markup=False)
            yield SafeInput(value="~/tui-reader-bookmarks.md", id="export-path")
            yield Static(
                "A .json file gets JSON (for import); anything else Markdown. "
                "Enter to export (you are asked before a file is replaced) · Escape to cancel",
                classes="dialog-hint",
                markup=False,
            )

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
