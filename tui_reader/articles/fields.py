"""Which JSON keys hold an article's title, text, URL, date, author, source and id.

Dumps name their fields differently (``headline``, ``content``, ``body``,
``published_at``...). The usual names are tried in order; ``--fields
title=headline,content=body`` (or ``fields`` in ``config.toml``) puts the user's
names first. A name may be a dotted path into nested objects (``content=data.body``).

The mapping is process-wide and travels to worker processes in the
``TUI_READER_FIELDS`` environment variable, which spawned children inherit: the
search index reads records in worker processes it starts itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ENV = "TUI_READER_FIELDS"

#: The fields an article has, each with the keys tried for it, best first.
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name", "subject", "heading"),
    "content": (
        "content",
        "text",
        "body",
        "article",
        "article_body",
        "articleBody",
        "full_text",
        "fulltext",
        "maintext",
        "description",
    ),
    "lead": ("description", "summary", "sapo", "lead", "abstract", "excerpt", "subtitle"),
    "url": ("url", "link", "canonical_url", "canonical", "href", "source_url", "permalink"),
    "date": (
        "date",
        "published",
        "published_at",
        "publishedAt",
        "publish_date",
        "date_published",
        "datePublished",
        "pubDate",
        "pub_date",
        "time",
        "datetime",
        "created_at",
        "created",
        "timestamp",
        "updated",
        "modified",
    ),
    "author": ("author", "authors", "byline", "creator", "writer", "by"),
    "source": ("source", "site", "site_name", "sitename", "publisher", "domain", "outlet", "feed"),
    "id": ("id", "_id", "guid", "uuid", "doc_id", "article_id"),
}
#: ``text`` is what the agreed JSON format calls ``content``; both names work in ``--fields``.
ALIASES = {"text": "content", "body": "content", "link": "url", "published": "date"}


class FieldsError(ValueError):
    """A ``--fields`` value that cannot be understood; the message is for the user."""


def parse_fields(spec: str | Mapping[str, str]) -> dict[str, str]:
    """``"title=headline,content=body"`` (or a mapping) as ``{"title": "headline", ...}``.

    Raises :class:`FieldsError` naming the bad part.
    """
    pairs: list[tuple[str, str]]
    if isinstance(spec, Mapping):
        pairs = [(str(k), str(v)) for k, v in spec.items()]
    else:
        pairs = []
        for part in spec.split(","):
            if not part.strip():
                continue
            field, sep, name = part.partition("=")
            if not sep:
                raise FieldsError(f"{part.strip()!r} is not FIELD=NAME (e.g. title=headline)")
            pairs.append((field, name))
    out: dict[str, str] = {}
    for field, name in pairs:
        field, name = field.strip(), name.strip()
        canonical = ALIASES.get(field, field)
        if canonical not in DEFAULT_NAMES:
            known = ", ".join(sorted({*DEFAULT_NAMES, *ALIASES}))
            raise FieldsError(f"unknown field {field!r}: use one of {known}")
        if not name:
            raise FieldsError(f"no JSON key given for {field!r}")
        out[canonical] = name
    return out


def format_fields(mapping: Mapping[str, str]) -> str:
    """The ``--fields`` form of a mapping, in a stable order."""
    return ",".join(f"{field}={name}" for field, name in sorted(mapping.items()))


def set_fields(mapping: Mapping[str, str] | None) -> None:
    """Use ``mapping`` in this process and in the worker processes it starts from now on."""
    if mapping:
        os.environ[ENV] = format_fields(mapping)
    else:
        os.environ.pop(ENV, None)


def current_fields() -> dict[str, str]:
    """The mapping in force (from the environment); a bad value counts as none."""
    try:
        return parse_fields(os.environ.get(ENV, ""))
    except FieldsError:
        return {}


def signature() -> str:
    """A short stable string of the mapping in force: cached listings and index entries of
    records are only valid for the mapping they were read with."""
    return format_fields(current_fields())


def names_for(field: str, mapping: Mapping[str, str]) -> tuple[str, ...]:
    """The keys to try for ``field``: the user's name first, then the usual ones."""
    chosen = mapping.get(field)
    defaults = DEFAULT_NAMES[field]
    if field == "lead" and "content" in mapping:
        # A body field chosen by the user is not also the lead.
        defaults = tuple(name for name in defaults if name != mapping["content"])
    return (chosen, *defaults) if chosen else defaults


def lookup(record: Mapping[str, object], names: tuple[str, ...]) -> tuple[str, object] | None:
    """The first ``(name, value)`` of ``names`` present in ``record`` with a usable value.

    A dotted name walks nested objects; empty strings, empty lists and nulls are skipped.
    """
    for name in names:
        value: object = record.get(name)
        if value is None and "." in name:
            value = record
            for part in name.split("."):
                value = value.get(part) if isinstance(value, Mapping) else None
        if value is None or value == "" or value == [] or value == {}:
            continue
        return name, value
    return None
