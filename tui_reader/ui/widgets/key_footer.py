"""The footer, fitted to its width by priority instead of cut at the edge.

Textual's footer lays its keys out in a row and whatever passes the right edge
is cut (at 70 columns: ``B Bookmar``, and ``?`` gone). Here the keys a user
needs to find every other key (``?`` help, quit or back, and the palette key
docked at the right) always stay; the others are hidden whole until the row
fits: first the keys that do nothing at the moment (drawn dimmed), then the
last shown.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ESSENTIAL_IDS = frozenset({"app.help", "app.palette"})
"""Binding ids that stay at any width (with any id ending in one of ``ESSENTIAL_SUFFIXES``)."""

ESSENTIAL_SUFFIXES = (".quit", ".back", ".close", ".cancel")
"""The way out of a screen stays too: q on the main screen, Escape on the others."""


def is_essential(binding_id: str | None) -> bool:
    """Whether a key with this binding id is never hidden to make room."""
    if binding_id is None:
        return False
    return binding_id in ESSENTIAL_IDS or binding_id.endswith(ESSENTIAL_SUFFIXES)


class KeyFooter(Footer):
    """A footer that hides its least important keys whole when the row is too narrow."""

    async def recompose(self) -> None:
        await super().recompose()
        self._fit()

    def on_resize(self, _event: events.Resize) -> None:
        # After the refresh: a resize can also switch the compact style (narrow layout),
        # which changes every key's width.
        self.call_after_refresh(self._fit)

    def _watch_compact(self, _compact: bool) -> None:
        self.call_after_refresh(self._fit)

    def _key_width(self, key: FooterKey) -> int:
        """The cells ``key`` takes in the row when shown (its label, padding, border, margin)."""
        return key.render().cell_len + key.styles.gutter.width + key.styles.margin.width

    def _fit(self) -> None:
        """Show every key that fits, dropping the lowest priority first (dimmed, then last)."""
        if not self.is_attached or not self.size.width:
            return
        room = self.size.width
        keys: list[FooterKey] = []
        for child in self.children:
            if isinstance(child, FooterKey) and child.has_class("-command-palette"):
                room -= self._key_width(child)
            elif isinstance(child, FooterKey):
                keys.append(child)
            else:  # a group of keys or its label: kept as Textual draws it
                room -= child.outer_size.width
        active = self.screen.active_bindings
        essential = [
            key for key in keys if key.key in active and is_essential(active[key.key][1].id)
        ]
        # Dropped from the end: keys that do nothing here now (dimmed), then the last shown.
        others = [key for key in keys if key not in essential]
        others.sort(key=lambda key: key.has_class("-disabled"))  # stable: order kept
        used = sum(self._key_width(key) for key in keys)
        hidden: set[FooterKey] = set()
        while used > room and others:
            dropped = others.pop()
            hidden.add(dropped)
            used -= self._key_width(dropped)
        for key in keys:
            key.display = key not in hidden
