"""Checking a user's keymap (``[keymap]`` in config.toml or keymap.toml) before it is used.

Textual applies a keymap silently: an unknown binding id or a key name it can
never receive does nothing, and a key taken from another binding makes that
binding vanish (bind ``q`` to another action and Quit is gone). Every such
mistake is reported here, in words, so the app can show it at start.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from textual.dom import DOMNode

from tui_reader.ui.bindings import KeyInfo, all_keys, catalogue, class_keys, is_valid_key, key_label


def _normalized(keymap: Mapping[str, str]) -> dict[str, str]:
    from textual.keys import _normalize_key_list

    return {bid: _normalize_key_list(keys) for bid, keys in keymap.items()}


def _winners(
    chain: Sequence[type[DOMNode]], keymap: Mapping[str, str]
) -> tuple[dict[str, KeyInfo], list[KeyInfo]]:
    """Which binding each key runs along one focus chain (innermost first), and all bindings."""
    winners: dict[str, KeyInfo] = {}
    every: list[KeyInfo] = []
    for node_type in chain:
        infos = class_keys([node_type], keymap)
        every.extend(infos)
        for info in infos:
            for key in info.keys:
                winners.setdefault(key, info)
    return winners, every


def _chains() -> list[tuple[str, list[type[DOMNode]]]]:
    """Each focus chain, innermost first: a widget with keys, its screen, the app."""
    chains: list[tuple[str, list[type[DOMNode]]]] = []
    for screen_name, classes in catalogue().items():
        screen, *widgets, app = classes
        chains.extend((screen_name, [widget, screen, app]) for widget in widgets)
        chains.append((screen_name, [screen, app]))
    return chains


def keymap_problems(keymap: Mapping[str, str]) -> list[str]:
    """Everything wrong with ``keymap``, one sentence each (empty when all is well)."""
    if not keymap:
        return []
    known = {info.id: info for info in all_keys()}
    problems: list[str] = []
    usable: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            close = difflib.get_close_matches(binding_id, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(
                f"Keymap: no binding has the id {binding_id!r}{hint}; "
                "run `tui-reader keys` to list them."
            )
            continue
        bad = [key.strip() for key in keys.split(",") if not is_valid_key(key)]
        if bad:
            names = ", ".join(repr(key) for key in bad)
            problems.append(f"Keymap: {names} for {binding_id} is not a key name; ignored.")
            good = ",".join(k.strip() for k in keys.split(",") if is_valid_key(k))
            if not good:
                continue
            keys = good
        usable[binding_id] = keys
    problems.extend(_clashes(_normalized(usable)))
    return problems


def valid_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The part of ``keymap`` that can be applied: known ids, valid key names only."""
    known = {info.id for info in all_keys()}
    result: dict[str, str] = {}
    for binding_id, keys in keymap.items():
        good = [k.strip() for k in keys.split(",") if is_valid_key(k)]
        if binding_id in known and good:
            result[binding_id] = ",".join(good)
    return result


def _clashes(keymap: Mapping[str, str]) -> list[str]:
    """Bindings that lose a key (or vanish) because the keymap gave the key to another."""
    problems: list[str] = []
    reported: set[tuple[str, str]] = set()
    for screen_name, chain in _chains():
        before, before_all = _winners(chain, {})
        after, after_all = _winners(chain, keymap)
        after_by_id = {info.id: info for info in after_all}
        for old in before_all:
            if old.id in keymap:
                continue  # Rebound on purpose.
            for key in old.keys:
                taker = after.get(key)
                if before[key].id != old.id or taker is None or taker.id == old.id:
                    continue
                if taker.id not in keymap or (old.id, key) in reported:
                    continue
                reported.add((old.id, key))
                now = after_by_id.get(old.id)
                left = [key_label(k) for k in (now.keys if now else ()) if after[k].id == old.id]
                rest = f"; it keeps {', '.join(left)}" if left else "; it has no key left"
                if old.action.endswith("quit"):
                    rest += " (ctrl+q always quits)"
                problems.append(
                    f"Keymap: {key_label(key)} now runs {taker.description or taker.id} "
                    f"({taker.id}) on the {screen_name} screen, so "
                    f"{old.description or old.id} ({old.id}) loses it{rest}."
                )
    return problems
