"""The keys of the app, in one table: the help screen shows it and a test holds the README to it."""

from __future__ import annotations

KEYS: tuple[tuple[str, str], ...] = (
    ("j / k, ↓ / ↑", "Move in the list, or from passage to passage in the article"),
    ("Enter", "Open the selected article"),
    ("Tab / Shift+Tab", "Switch between the list and the article"),
    ("Space, PgDn / PgUp", "Page down / up"),
    ("g / G", "Top / bottom"),
    ("m", "Toggle read / unread"),
    ("u", "Show unread articles only (again: show all)"),
    ("f", "Show bookmarked articles only (again: show all)"),
    ("/", "Search (type without tone marks: ha noi)"),
    ("n / N", "Next / previous match in the article"),
    ("Escape", "Leave the search, back to the full list"),
    ("b", "Bookmark the current passage (again: remove it)"),
    ("a", "Add or edit the note on the current passage's bookmark"),
    ("y", "Copy the current passage to the clipboard"),
    ("B", "All bookmarks: filter, open, delete, export"),
    ("o", "Open the article's source link in the browser"),
    ("S", "List files that could not be read"),
    ("?", "Show these keys"),
    ("q", "Quit"),
)
