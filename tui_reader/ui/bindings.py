"""The app's key bindings as data: for the help screen, the palette and ``tui-reader keys``.

Everything here is read from the bindings themselves (``BINDINGS`` with the
user's keymap applied), never from a hand-written table, so what ``?`` and the
README say is what the keys do. Only bindings with an id are listed: those are
the app's own keys (and the ones a keymap can change).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import Keys, key_to_character
from textual.screen import Screen

KEY_NAMES: Mapping[str, str] = {
    "question_mark": "?",
    "slash": "/",
    "space": "Space",
    "enter": "Enter",
    "escape": "Escape",
    "tab": "Tab",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "delete": "Del",
    "backspace": "Backspace",
    "full_stop": ".",
    "comma": ",",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "minus": "-",
    "plus": "+",
    "equals_sign": "=",
}
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")


def key_label(key: str) -> str:
    """How a key is written for people: ``ctrl+p`` -> ``Ctrl+P``, ``question_mark`` -> ``?``."""
    *mods, name = key.split("+")
    label = KEY_NAMES.get(name)
    if label is None:
        char = key_to_character(name)
        label = char if char is not None and char.isprintable() else name.capitalize()
    if mods:
        return "+".join(
            [*(m.capitalize() for m in mods), label.upper() if len(label) == 1 else label]
        )
    return label


def is_valid_key(key: str) -> bool:
    """Whether Textual can ever deliver ``key`` (``notakey`` and ``ctrl+`` cannot)."""
    *mods, name = key.strip().split("+")
    if any(mod not in MODIFIERS for mod in mods) or not name:
        return False
    if len(name) == 1 or name in {k.value for k in Keys} or name in KEY_NAMES:
        return True
    if name.startswith("f") and name[1:].isdigit():
        return 1 <= int(name[1:]) <= 24
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return key_to_character(name) is not None
    return True


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One binding as people see it."""

    id: str
    keys: tuple[str, ...]
    description: str
    action: str
    section: str
    node: DOMNode | None = None
    help: str = ""
    """The longer description (the binding's tooltip), else the footer's."""

    @property
    def label(self) -> str:
        """The keys, written for people: ``j / ↓``."""
        return " / ".join(key_label(k) for k in self.keys)


def section_of(node_type: type[DOMNode]) -> str:
    """The heading a node's keys are listed under."""
    return str(getattr(node_type, "HELP_SECTION", node_type.__name__))


def _with_keymap(bindings: BindingsMap, keymap: Mapping[str, str]) -> BindingsMap:
    copy = bindings.copy()
    if keymap:
        copy.apply_keymap(dict(keymap))
    return copy


def declared_order(node_type: type[DOMNode]) -> dict[str, int]:
    """Binding ids in the order the class (then its bases) declares them."""
    order: dict[str, int] = {}
    for cls in node_type.__mro__:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id and binding.id not in order:
                order[binding.id] = len(order)
    return order


def collect(
    bindings: BindingsMap,
    section: str,
    keymap: Mapping[str, str],
    node: DOMNode | None = None,
    order: Mapping[str, int] | None = None,
) -> list[KeyInfo]:
    """The id'd bindings of one node (keymap applied), one entry per id, in declared order."""
    keys: dict[str, list[str]] = {}
    first: dict[str, Binding] = {}
    for key, found in _with_keymap(bindings, keymap).key_to_bindings.items():
        for binding in found:
            if binding.id is None:
                continue
            first.setdefault(binding.id, binding)
            if key not in keys.setdefault(binding.id, []):
                keys[binding.id].append(key)
    order = order or {}
    return [
        KeyInfo(
            bid,
            tuple(keys[bid]),
            first[bid].description,
            first[bid].action,
            section,
            node,
            first[bid].tooltip or first[bid].description,
        )
        for bid in sorted(first, key=lambda bid: order.get(bid, 0))
    ]


def live_nodes(screen: Screen[object]) -> list[DOMNode]:
    """The nodes whose keys can act on ``screen``: the screen, its widgets, the app."""
    nodes: list[DOMNode] = [screen]
    for widget in screen.walk_children(with_self=False):
        if any(binding.id for _key, binding in widget._bindings):
            nodes.append(widget)
    nodes.append(screen.app)
    return nodes


def live_keys(screen: Screen[object]) -> list[KeyInfo]:
    """Every id'd binding usable on ``screen`` now, with the app's keymap applied."""
    keymap = screen.app._keymap
    found: list[KeyInfo] = []
    seen: set[tuple[str, str]] = set()
    for node in live_nodes(screen):
        order = declared_order(type(node))
        for info in collect(node._bindings, section_of(type(node)), keymap, node, order):
            if (info.section, info.id) not in seen:
                seen.add((info.section, info.id))
                found.append(info)
    return found


def class_keys(
    classes: Iterable[type[DOMNode]], keymap: Mapping[str, str] | None = None
) -> list[KeyInfo]:
    """The id'd bindings declared by ``classes`` (inherited ones merged), keymap applied."""
    found: list[KeyInfo] = []
    for node_type in classes:
        merged = node_type._merge_bindings()
        order = declared_order(node_type)
        found.extend(collect(merged, section_of(node_type), keymap or {}, None, order))
    return found


def key_hint(node: DOMNode, binding_id: str, template: str = "{}") -> str:
    """`` (F)``: the keys ``binding_id`` has on ``node`` now (keymap applied), for a hint.

    Empty when the keymap left it no key, so a hint never names a key that does
    something else.
    """
    for info in collect(node._bindings, "", node.app._keymap):
        if info.id == binding_id and info.keys:
            return f" ({template.format(info.label)})"
    return ""


def grouped(keys: Sequence[KeyInfo]) -> dict[str, list[KeyInfo]]:
    """Keys by section, sections in first-seen order."""
    sections: dict[str, list[KeyInfo]] = {}
    for info in keys:
        sections.setdefault(info.section, []).append(info)
    return sections


def catalogue() -> dict[str, list[type[DOMNode]]]:
    """Every screen of the app and the classes whose keys act on it: screen, widgets, app."""
    from tui_reader.ui.app import ReaderApp
    from tui_reader.ui.screens.bookmarks import BookmarkList, BookmarksScreen, ExportScreen
    from tui_reader.ui.screens.confirm import ConfirmScreen
    from tui_reader.ui.screens.feeds import FeedsScreen
    from tui_reader.ui.screens.help import HelpScreen
    from tui_reader.ui.screens.main import MainScreen
    from tui_reader.ui.screens.note import NoteScreen
    from tui_reader.ui.screens.settings import SettingsList, SettingsScreen
    from tui_reader.ui.screens.skipped import SkippedScreen
    from tui_reader.ui.widgets.article_list import ArticleList
    from tui_reader.ui.widgets.reading_pane import ReadingPane
    from tui_reader.ui.widgets.search_bar import SearchBar

    app: type[App[None]] = ReaderApp
    return {
        "main": [MainScreen, ArticleList, ReadingPane, SearchBar, app],
        "bookmarks": [BookmarksScreen, BookmarkList, app],
        "export": [ExportScreen, app],
        "note": [NoteScreen, app],
        "confirm": [ConfirmScreen, app],
        "skipped": [SkippedScreen, app],
        "feeds": [FeedsScreen, app],
        "help": [HelpScreen, app],
        "settings": [SettingsScreen, SettingsList, app],
    }


def all_keys(keymap: Mapping[str, str] | None = None) -> list[KeyInfo]:
    """Every id'd binding of the app, once each (for ``tui-reader keys`` and keymap checks)."""
    seen: set[str] = set()
    found: list[KeyInfo] = []
    for classes in catalogue().values():
        for info in class_keys(classes, keymap):
            if info.id not in seen:
                seen.add(info.id)
                found.append(info)
    return found
