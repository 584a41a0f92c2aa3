"""One undo stack for the whole app: bookmarks, notes and read marks.

Every change the reader makes to what they own (adding or removing a bookmark,
writing or clearing a note, marking read or unread, "mark all read") pushes
one :class:`Change` whose ``revert`` puts things back. One key (``ctrl+z``,
binding id ``app.undo``) pops it on every screen. Several changes made by one
command go into one step with :meth:`UndoStack.group`::

    with state.undo_stack.group("Marked 120 articles read"):
        for key in keys:
            state.set_read(key, True)

Reverts run on the UI thread and must not block: they go through
:class:`tui_reader.ui.state.AppState`, which queues the database work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Change", "UndoStack"]


@dataclass(frozen=True, slots=True)
class Change:
    """What was done (shown as "Undone: …") and how to put it back."""

    what: str
    revert: Callable[[], None]


class UndoStack:
    """Last in, first out; bounded so a long session does not grow without end."""

    LIMIT = 1000

    def __init__(self) -> None:
        self._changes: list[Change] = []
        self._group: list[Change] | None = None
        self._suspended = 0

    def __len__(self) -> int:
        return len(self._changes)

    def push(self, what: str, revert: Callable[[], None]) -> None:
        """Record one change (inside :meth:`group`, one part of the group's change)."""
        if self._suspended:
            return
        change = Change(what, revert)
        if self._group is not None:
            self._group.append(change)
            return
        self._changes.append(change)
        del self._changes[: -self.LIMIT]

    @contextlib.contextmanager
    def group(self, what: str) -> Iterator[None]:
        """Collect the changes made inside into one undo step named ``what``."""
        if self._group is not None:  # nested: the outer group takes them
            yield
            return
        parts: list[Change] = []
        self._group = parts
        try:
            yield
        finally:
            self._group = None
        if parts:

            def revert() -> None:
                for part in reversed(parts):
                    part.revert()

            self.push(what, revert)

    @contextlib.contextmanager
    def suspended(self) -> Iterator[None]:
        """Changes made inside are not recorded (used while reverting)."""
        self._suspended += 1
        try:
            yield
        finally:
            self._suspended -= 1

    def undo(self) -> Change | None:
        """Revert the last change; returns it, or None when there is nothing to undo."""
        if not self._changes:
            return None
        change = self._changes.pop()
        with self.suspended():
            change.revert()
        return change
