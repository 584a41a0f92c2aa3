"""User settings: ``config.toml`` in the config dir (core: no Textual here).

The file lives under ``platformdirs.user_config_dir("tui-reader")`` unless
``--config-dir`` or ``TUI_READER_CONFIG_DIR`` says otherwise. Every key is
optional; a missing file means the defaults. Example::

    theme = "nord"
    sort = "date"            # path | date | date-oldest | title | source
    list_width = 42          # percent of the screen the article list takes
    reading_width = 84       # widest line of the article, in columns (0: no limit)
    corpus = ["~/news"]      # what `tui-reader` and `tui-reader search` open by default

    [feeds]
    fetch_on_start = true    # fetch every feed when the app opens the library
    interval = 30            # minutes between fetches while the app runs (0: never)

    [formats]
    fields = "title=headline,content=body"   # JSON keys of your dumps (or a table)

    [keymap]                 # binding id = keys (also read from keymap.toml)
    "main.toggle_read" = "r"

Other rooms keep their keys in their own table (``[formats]``, ``[feeds]``): to
add one, add a field to :class:`Settings` and a line to :data:`SPECS`.

Reading never fails: a broken file gives a clear message and the defaults,
and a wrong value gives a message and that key's default. Writing
(:func:`save_settings`) changes only the keys it is given, keeps the rest of
the file (comments included), is atomic (a temporary file renamed over the
old one), and refuses to touch a file it cannot parse, so nothing the user
wrote is lost.
"""

from __future__ import annotations

import logging
import os
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

CONFIG_FILE = "config.toml"
KEYMAP_FILE = "keymap.toml"

log = logging.getLogger(__name__)


class SortOrder(StrEnum):
    """How the article list is ordered."""

    PATH = "path"
    """File order (folder, then name): how the corpus is laid out."""
    DATE = "date"
    """Newest first; articles without a date last."""
    DATE_OLDEST = "date-oldest"
    """Oldest first; articles without a date last."""
    TITLE = "title"
    """By title, ignoring case and tone marks."""
    SOURCE = "source"
    """By source, newest first within each."""


MIN_LIST_WIDTH, MAX_LIST_WIDTH = 15, 85


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, typed, with its default."""

    theme: str | None = None
    """A Textual theme name; None: Textual's default."""
    sort: SortOrder = SortOrder.PATH
    list_width: int = 42
    """Percent of the screen width the list takes beside the article."""
    reading_width: int = 84
    """The article's widest line in columns; 0 for the whole pane."""
    corpus: tuple[str, ...] = ()
    """Default corpus paths (``~`` allowed); empty: the bundled samples."""
    feeds_fetch_on_start: bool = False
    """``[feeds] fetch_on_start``: fetch every feed when the app opens the library."""
    feeds_interval: int = 0
    """``[feeds] interval``: minutes between fetches while the app runs; 0: never."""
    formats_fields: Mapping[str, str] = field(default_factory=dict)
    """``[formats] fields``: article field -> JSON key (``--fields`` on the command line wins)."""
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> keys, from ``[keymap]`` here and in ``keymap.toml``."""

    def corpus_paths(self) -> tuple[Path, ...]:
        """The default corpus as absolute paths."""
        return tuple(Path(p).expanduser().absolute() for p in self.corpus)


def _string(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a non-empty string")
    return value.strip()


def _sort(value: object) -> SortOrder:
    try:
        return SortOrder(_string(value))
    except ValueError:
        choices = ", ".join(order.value for order in SortOrder)
        raise ValueError(f"expected one of {choices}") from None


def _int_between(low: int, high: int, *, zero: bool = False) -> Callable[[object], int]:
    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("expected a whole number")
        if (zero and value == 0) or low <= value <= high:
            return value
        extra = " (or 0)" if zero else ""
        raise ValueError(f"expected {low} to {high}{extra}")

    return parse


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _paths(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("expected a list of paths")
    return tuple(v.strip() for v in value)


def _fields(value: object) -> dict[str, str]:
    from tui_reader.articles.fields import FieldsError, parse_fields

    if not isinstance(value, str | dict):
        raise ValueError('expected "title=headline,content=body" or a table')
    try:
        return parse_fields(value)
    except FieldsError as err:
        raise ValueError(str(err)) from None


@dataclass(frozen=True, slots=True)
class Spec:
    """One key of the file: where it goes in :class:`Settings` and how to read it."""

    key: str
    """Dotted name in the file (``"theme"``, ``"feeds.interval"``)."""
    attribute: str
    parse: Callable[[object], Any]


SPECS: tuple[Spec, ...] = (
    Spec("theme", "theme", _string),
    Spec("sort", "sort", _sort),
    Spec("list_width", "list_width", _int_between(MIN_LIST_WIDTH, MAX_LIST_WIDTH)),
    Spec("reading_width", "reading_width", _int_between(30, 400, zero=True)),
    Spec("corpus", "corpus", _paths),
    Spec("feeds.fetch_on_start", "feeds_fetch_on_start", _bool),
    Spec("feeds.interval", "feeds_interval", _int_between(5, 1440, zero=True)),
    Spec("formats.fields", "formats_fields", _fields),
)
"""Every typed key; ``[keymap]`` is read separately (its keys are binding ids)."""

KNOWN_TABLES = frozenset({"keymap", "formats", "feeds"})
"""Tables other rooms own: their keys are not reported as unknown here."""


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """The settings and what was wrong with the files, for the user to see."""

    settings: Settings
    problems: tuple[str, ...] = ()
    path: Path | None = None


def config_path(config_dir: Path) -> Path:
    """Where ``config.toml`` is."""
    return config_dir / CONFIG_FILE


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any] | None:
    """The file's tables; None (and a problem) when it cannot be read or parsed."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as err:
        problems.append(f"Could not read {path}: {err.strerror}. Using the defaults.")
        return None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{path} is not UTF-8 text. Using the defaults.")
    except tomllib.TOMLDecodeError as err:
        problems.append(f"{path} has an error ({err}). Using the defaults.")
    return None


def _lookup(data: Mapping[str, Any], dotted: str) -> tuple[bool, object]:
    node: object = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _keymap_table(data: Mapping[str, Any], path: Path, problems: list[str]) -> dict[str, str]:
    table = data.get("keymap", {})
    if not isinstance(table, Mapping):
        problems.append(f"Ignoring [keymap] in {path}: it must be a table of binding id = keys.")
        return {}
    keymap = {str(k): v.strip() for k, v in table.items() if isinstance(v, str) and v.strip()}
    bad = sorted(str(k) for k, v in table.items() if not (isinstance(v, str) and v.strip()))
    if bad:
        problems.append(f"Ignoring keymap entries without keys in {path}: {', '.join(bad)}")
    return keymap


def load_settings(config_dir: Path) -> LoadedSettings:
    """Read ``config.toml`` (and ``keymap.toml``); never raises."""
    path = config_path(config_dir)
    problems: list[str] = []
    data = _read_toml(path, problems)
    values: dict[str, Any] = {}
    keymap: dict[str, str] = {}
    keymap_data = _read_toml(config_dir / KEYMAP_FILE, problems)
    if keymap_data:
        keymap.update(_keymap_table(keymap_data, config_dir / KEYMAP_FILE, problems))
    if data:
        for spec in SPECS:
            present, raw = _lookup(data, spec.key)
            if not present:
                continue
            try:
                values[spec.attribute] = spec.parse(raw)
            except ValueError as err:
                problems.append(f"Ignoring {spec.key} = {raw!r} in {path}: {err}.")
        keymap.update(_keymap_table(data, path, problems))
        known = {spec.key.split(".")[0] for spec in SPECS} | KNOWN_TABLES
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            problems.append(f"Unknown settings in {path}: {', '.join(unknown)}")
    settings = Settings(**values, keymap=keymap)
    for problem in problems:
        log.warning("%s", problem)
    return LoadedSettings(settings, tuple(problems), path)


def _to_toml(value: object) -> object:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


def save_settings(config_dir: Path, settings: Settings, *keys: str) -> str | None:
    """Write the given keys of ``settings`` into ``config.toml``; a problem, or None.

    Only those keys change; everything else in the file (other keys, other
    rooms' tables, comments) stays as it is. A file that does not parse is
    never overwritten. ``None`` as a value removes the key (back to default).
    """
    import tomlkit  # Style-preserving: a user's comments survive the app saving a theme.
    from tomlkit.exceptions import TOMLKitError

    path = config_path(config_dir)
    by_attribute = {spec.attribute: spec for spec in SPECS}
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        document = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, TOMLKitError) as err:
        return f"Settings not saved: fix {path} first ({err})."
    for attribute in keys:
        spec = by_attribute[attribute]
        *tables, name = spec.key.split(".")
        node: Any = document
        for table in tables:
            node = node.setdefault(table, tomlkit.table())
        value = getattr(settings, attribute)
        if value is None:
            node.pop(name, None)
        else:
            node[name] = _to_toml(value)
    try:
        write_atomically(path, tomlkit.dumps(document))
    except OSError as err:
        log.warning("could not save settings to %s: %s", path, err)
        return f"Settings not saved: could not write {path} ({err.strerror or err})."
    return None


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a crash leaves the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def with_changes(settings: Settings, **changes: Any) -> Settings:
    """A copy of ``settings`` with some values changed."""
    names = {f.name for f in fields(Settings)}
    unknown = set(changes) - names
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    return replace(settings, **changes)
