"""AppState and the undo stack without a screen: order, undo steps, events, the thread."""

from __future__ import annotations

import threading
from pathlib import Path

from tui_reader.articles.loader import open_article
from tui_reader.articles.model import ArticleMeta
from tui_reader.bookmarks import new_bookmark
from tui_reader.paths import seeds_dir
from tui_reader.store.state import StateStore
from tui_reader.ui.state import AppState, BookmarkChange, ReadChange, StateEvent
from tui_reader.ui.undo import UndoStack


def test_undo_stack_groups_and_reverts_in_reverse() -> None:
    done: list[str] = []
    stack = UndoStack()
    stack.push("a", lambda: done.append("undo a"))
    with stack.group("both"):
        stack.push("b", lambda: done.append("undo b"))
        stack.push("c", lambda: done.append("undo c"))
    assert len(stack) == 2
    change = stack.undo()
    assert change is not None and change.what == "both"
    assert done == ["undo c", "undo b"]
    assert stack.undo() is not None and done[-1] == "undo a"
    assert stack.undo() is None


def _state(tmp_path: Path) -> tuple[AppState, list[StateEvent]]:
    state = AppState(tmp_path / "data")
    state.wait_idle()
    state.install_loaded()
    events: list[StateEvent] = []
    state.listeners.append(events.append)
    return state, events


def test_mark_many_is_one_undo_step_and_one_event(tmp_path: Path) -> None:
    state, events = _state(tmp_path)
    metas = [ArticleMeta(f"/c/{n}.txt", f"k{n}", f"Bài {n}", None, 1, 1) for n in range(500)]
    state.set_read(metas[0].key, True)
    events.clear()
    assert state.set_read_many(metas, True, "marked 499 articles read") == 499
    assert events == [ReadChange(frozenset(m.key for m in metas[1:]))]
    assert state.undo() == "marked 499 articles read"
    assert state.read_keys_cache == {"k0"}
    assert len(events) == 2 and events[-1] == events[0]
    state.close()
    with StateStore.open(tmp_path / "data") as store:
        assert store.read_keys() == {"k0"}


def test_bookmark_remove_and_undo_keep_the_uid_and_note(tmp_path: Path) -> None:
    state, events = _state(tmp_path)
    article = open_article(sorted(seeds_dir().glob("*.txt"))[0])
    mark = state.add_bookmark(new_bookmark(article, 1))
    mark = state.set_note(mark, "ghi chú")
    state.remove_bookmark(mark)
    assert state.bookmarks() == []
    assert state.undo() == "bookmark and its note removed"
    (back,) = state.bookmarks()
    assert (back.uid, back.note) == (mark.uid, "ghi chú")
    assert [type(e) for e in events] == [BookmarkChange] * 4
    assert state.undo() == "note added" and state.bookmarks()[0].note == ""
    assert state.undo() == "bookmark added" and state.bookmarks() == []
    state.close()


def test_the_database_is_only_touched_on_its_own_thread(tmp_path: Path) -> None:
    state, _ = _state(tmp_path)
    seen = state.call(lambda _s: threading.current_thread().name)
    assert seen == "state-db" != threading.current_thread().name
    state.close()
