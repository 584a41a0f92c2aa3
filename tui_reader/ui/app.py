"""The Textual application: wiring config, state and the main screen together."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing import resource_tracker
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen

from tui_reader import logs
from tui_reader.articles.sanitize import outside, safe_line, safe_name, safe_text
from tui_reader.config import SortOrder, save_settings
from tui_reader.ui.app_config import AppConfig
from tui_reader.ui.commands import ArticleCommands, BookmarkCommands, KeyCommands
from tui_reader.ui.contrast import legible_variables
from tui_reader.ui.messages import SaveSettings
from tui_reader.ui.ordering import SORT_LABELS
from tui_reader.ui.paste import install as keep_pastes_whole
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.state import AppState
from tui_reader.ui.words import plural

__all__ = ["AppConfig", "ReaderApp", "write_crash_log"]

log = logging.getLogger(__name__)

QUIT_WAIT = 2.0
"""Seconds quitting waits for queued changes to be saved before it asks."""
CLOSE_WAIT = 5.0
"""Seconds the closing app waits for the database to take what is still queued."""


def write_crash_log(folder: Path, details: str) -> Path | None:
    """Write ``details`` to a new log file in ``folder``; None if that fails too."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{time.strftime('%Y%m%dT%H%M%S')}.log"
        path.write_text(details, encoding="utf-8")
    except OSError:
        return None
    return path


class ReaderApp(App[None]):
    """tui-reader: read and search a folder of news articles."""

    CSS_PATH = "reader.tcss"
    TITLE = "tui-reader"
    HELP_SECTION = "Anywhere"
    COMMANDS = App.COMMANDS | {KeyCommands, BookmarkCommands, ArticleCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            show=False,
            priority=True,
            id="app.quit",
            tooltip="Quit, from any screen",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            id="app.palette",
            tooltip="Command palette: every action, by name",
        ),
        # F1 as well: while typing in a box ``?`` is a character, and the footer then offers F1.
        Binding(
            "question_mark,f1",
            "help",
            "Keys",
            id="app.help",
            tooltip="Show the keys of this screen",
        ),
        # Undo is a control key so that it works on every screen, also while typing in a
        # box (no box uses ctrl+z), and so that no letter that types is ever destructive.
        Binding(
            "ctrl+z",
            "undo",
            "Undo",
            show=False,
            id="app.undo",
            tooltip="Undo the last change to bookmarks, notes or read marks (any screen)",
        ),
    ]

    save_problem: var[str] = var("")
    """Why changes cannot be saved right now (empty when they can); screens watch it."""

    def __init__(self, config: AppConfig) -> None:
        # Worker processes (cold listing, pyvi segmentation) need multiprocessing's
        # resource tracker; it cannot start once Textual has replaced sys.stderr.
        resource_tracker.ensure_running()
        keep_pastes_whole()  # a paste holding escapes arrives as text, never as keys
        super().__init__()
        self.config = config
        self.log_file = logs.setup(config.cache_dir)
        """The rotating log in the cache dir (None if it cannot be written)."""
        self.store = AppState(config.data_dir)
        self.store.on_error = self._state_job_failed
        self._quit_warned = False
        self.crash_log: Path | None = None
        self.settings = config.settings
        """The settings in force; changes made in the app are saved to config.toml."""
        self.main_screen = MainScreen(config, self.store)
        """The list and reader, the bottom of the screen stack."""

    def on_mount(self) -> None:
        for problem in self.config.setting_problems:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        self._apply_settings()
        self.push_screen(self.main_screen)
        self.store.when_loaded(self._state_opened)
        self.set_interval(2, self._check_saves)
        self.set_interval(20, self._retry_saves)

    def _apply_settings(self) -> None:
        """Install the keymap and theme from the settings, then save theme changes."""
        settings = self.settings
        if settings.keymap:
            from tui_reader.ui.keymap import keymap_problems, valid_keymap

            self.set_keymap(valid_keymap(settings.keymap))
            for problem in keymap_problems(settings.keymap):
                self.notify(problem, severity="warning", timeout=15, markup=False)
        if settings.theme:
            if settings.theme in self.available_themes:
                self.theme = settings.theme
            else:
                self.notify(
                    f"Unknown theme {settings.theme!r} in config.toml; using {self.theme}. "
                    "Pick one with ctrl+p → Theme.",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
        self.watch(self, "theme", self._theme_changed, init=False)

    def _theme_changed(self, theme: str) -> None:
        if theme != self.settings.theme:
            self.update_settings(theme=theme)

    def update_settings(self, **changes: object) -> None:
        """Change settings now and save them to config.toml; a failure is shown, not raised."""
        self.settings = replace(self.settings, **changes)  # type: ignore[arg-type]
        if self.config.config_dir is None:
            return
        problem = save_settings(self.config.config_dir, self.settings, *changes)
        if problem:
            self.notify(problem, severity="warning", timeout=10, markup=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification passes the sanitizer: messages carry paths and error text."""
        super().notify(
            safe_text(message),
            title=safe_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with text colours too faint on their background made legible.

        Some built-in themes draw footer keys or cursor text below 3:1 (textual-light,
        solarized, gruvbox); see :mod:`tui_reader.ui.contrast`.
        """
        return legible_variables(super().get_css_variables())

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header, sanitized: the subtitle is a folder name from outside.

        The subtitle is muted with a theme colour, not Textual's dim (1.9:1 in some themes).
        """
        if not sub_title:
            return Content(safe_line(title))
        return Content.assemble(
            Content(safe_line(title)),
            (" — ", "$text-muted"),
            Content(safe_line(sub_title)).stylize("$text-muted"),
        )

    class StateOpened(Message):
        """The state store is open (posted from the database thread)."""

    @dataclass
    class StateJobFailed(Message):
        """A state database job raised (posted from the database thread)."""

        error: BaseException

    class SavesChecked(Message):
        """A retry of unsaved changes finished (posted from the database thread)."""

    # The database thread only ever *posts* to the app (post_message is thread-safe and
    # never waits): if it waited for the UI while a test or worker on the UI side
    # waited for it, both would hang.

    def _state_opened(self) -> None:
        self.post_message(self.StateOpened())

    @on(StateOpened)
    def _install_state(self) -> None:
        self.store.install_loaded()
        for notice in self.store.notices:
            self.notify(notice, severity="warning", timeout=15, markup=False)
        self.main_screen.state_loaded()
        self._check_saves()

    def _state_job_failed(self, error: BaseException) -> None:
        self.post_message(self.StateJobFailed(error))

    @on(StateJobFailed)
    def _show_state_failure(self, event: StateJobFailed) -> None:
        """A state change could not be made: say so, never silently (the log has it)."""
        where = logs.current_log()
        details = f" Details in {safe_name(where)}." if where else ""
        error = f"{type(event.error).__name__}: {outside(event.error, one_line=True)}"
        self.notify(
            f"A change to your reading state failed ({error}).{details}",
            severity="error",
            timeout=15,
            markup=False,
        )

    def _check_saves(self) -> None:
        """Publish, or clear, why state cannot be saved right now."""
        self.save_problem = safe_line(self.store.save_problem or "")  # it carries a path

    def _retry_saves(self) -> None:
        if self.store.save_problem:
            retry = self.store.request_retry()
            retry.add_done_callback(lambda _f: self.post_message(self.SavesChecked()))

    @on(SavesChecked)
    def _saves_checked(self) -> None:
        self._check_saves()

    def action_undo(self) -> None:
        """Undo the last change to bookmarks, notes or read marks, from any screen."""
        what = self.store.undo()
        if what is None:
            self.notify("Nothing to undo.", markup=False)
        else:
            self.notify(f"Undone: {what}.", markup=False)

    def action_help(self) -> None:
        from tui_reader.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Named commands beside the ones generated from the keys (:mod:`tui_reader.ui.commands`).

        Textual's own "Keys" and "Quit" are left out: the key commands have both.
        A key whose action is one of these commands is not listed again under its
        key's name (:class:`~tui_reader.ui.commands.KeyCommands`). Textual's
        "Screenshot" is replaced by ours, which never fails silently.
        """
        for command in super().get_system_commands(screen):
            if command.title not in {"Keys", "Quit", "Screenshot"}:
                yield command
        yield SystemCommand(
            "Screenshot",
            "Save an SVG of the screen (in Downloads, else the cache folder)",
            # After the palette has closed, so the picture is of the screen, not the palette.
            lambda: self.set_timer(0.1, self.action_screenshot),
        )
        yield SystemCommand(
            "Settings", "Show the settings and where config.toml is", self.action_settings
        )
        main = self.main_screen
        if screen is not main:
            return
        from tui_reader.ui.bindings import key_hint

        cycle = key_hint(main, "main.sort", "{} cycles")
        for order in SortOrder:
            yield SystemCommand(
                f"Sort by {SORT_LABELS[order]}",
                f"Order the list: {SORT_LABELS[order]}{cycle}",
                partial(main.action_sort, order.value),
            )
        yield SystemCommand(
            "Filter by source",
            "Show the articles of one source" + key_hint(main, "main.source"),
            main.action_pick_source,
        )
        if main.source_filter:
            yield SystemCommand(
                "All sources", "Show every source again", partial(main.action_filter_source, "")
            )
        yield SystemCommand(
            "Fetch feeds now",
            "Fetch every feed; new articles come in unread" + key_hint(main, "main.fetch_feeds"),
            self.main_screen.action_fetch_feeds,
        )
        yield SystemCommand(
            "Feeds",
            "Your feeds with unread counts; choose one to read it"
            + key_hint(main, "main.feed_list"),
            self.main_screen.action_feed_list,
        )
        yield SystemCommand(
            "Export bookmarks",
            "Write every bookmark to Markdown or JSON",
            main.action_export_bookmarks,
        )
        yield SystemCommand(
            "Reindex", "Look for new and changed files and index them now", main.action_reindex
        )

    def action_settings(self) -> None:
        """Show the settings screen."""
        from tui_reader.ui.screens.settings import SettingsScreen

        def edited(changed: bool | None) -> None:
            if changed:
                self.reload_settings()

        self.push_screen(SettingsScreen(self.settings, self.config.config_dir), edited)

    def reload_settings(self) -> None:
        """Read config.toml again (after editing it) and apply what changed."""
        if self.config.config_dir is None:
            return
        from tui_reader.config import load_settings
        from tui_reader.ui.keymap import keymap_problems, valid_keymap

        loaded = load_settings(self.config.config_dir)
        for problem in [*loaded.problems, *keymap_problems(loaded.settings.keymap)]:
            self.notify(problem, severity="warning", timeout=10, markup=False)
        self.settings = loaded.settings
        self.set_keymap(valid_keymap(loaded.settings.keymap))
        if loaded.settings.theme in self.available_themes:
            self.theme = loaded.settings.theme
        self.main_screen.apply_settings(loaded.settings)
        self.notify("Settings reloaded.", markup=False)

    def on_save_settings(self, message: SaveSettings) -> None:
        """A screen changed a setting: keep it for next time, and show it now."""
        self.update_settings(**message.changes)
        if message.changes.keys() & {"sort", "list_width", "reading_width"}:
            self.main_screen.apply_settings(self.settings)

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Textual's screenshot route, through ours: saved locally, and said where."""
        self.action_screenshot(filename, path)
        return None

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen and say where; never fail silently (no ~/Downloads?)."""
        import platformdirs

        folder = Path(path) if path else Path(platformdirs.user_downloads_dir())
        if not folder.is_dir():
            folder = self.config.cache_dir / "screenshots"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as err:
            self.notify(
                f"Could not save the screenshot in {folder}: {err.strerror or err}",
                severity="error",
                markup=False,
            )
            return
        self.notify(f"Screenshot saved: {saved}", markup=False)

    async def action_quit(self) -> None:
        """Save the reading position, then quit; warn once if changes cannot be saved.

        The saving happens on the database thread; the UI waits for it without
        blocking, and only for a moment (another process may hold the database).
        """
        self.main_screen.save_state()
        if self._quit_warned:
            self.exit()
            return
        try:
            saved = await asyncio.wait_for(
                asyncio.wrap_future(self.store.request_retry()), QUIT_WAIT
            )
        except Exception:  # a timeout (busy), or the job failed (already reported)
            saved = False
        if saved:
            self.exit()
            return
        self._quit_warned = True
        problem = self.store.save_problem or "the database is busy"
        self.notify(
            f"{plural(self.store.pending_writes, 'change')} not saved yet ({problem}). "
            "Press q again to quit anyway.",
            severity="error",
            timeout=10,
            markup=False,
        )

    def _fatal_error(self) -> None:
        """On an unexpected error: keep the traceback in a log file, show a short message.

        Read marks and bookmarks are already committed when they are made, so
        nothing is lost; the person sees where the details are, not a traceback.
        (Overrides Textual's private hook; textual is pinned below 9.)
        """
        details = traceback.format_exc()
        log.critical("internal error, closing the app\n%s", details)
        self.crash_log = write_crash_log(self.config.cache_dir, details)
        where = f" Details: {safe_name(self.crash_log)}" if self.crash_log else ""
        self._exit_renderables.append(
            Text(
                "tui-reader hit an internal error and closed. "
                f"Your read marks and bookmarks are saved.{where}"
            )
        )
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        self.main_screen.stopping.set()
        # Queued changes are saved before the process ends; a database held by another
        # process gets a few seconds (the quit warning already said what is unsaved).
        self.store.close(timeout=CLOSE_WAIT)
