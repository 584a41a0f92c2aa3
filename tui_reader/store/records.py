"""Checking imported bookmark rows before any of them touches the database.

Imports come from files people edit and move between machines, so every
field is checked and the error names the row and the field. Timestamps are
normalised to the stored format so "newest first" stays a text sort.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tui_reader.store.bookmarks import Bookmark, BookmarkStatus, clean_text
from tui_reader.store.errors import BookmarkImportError


class _Row:
    def __init__(self, data: Mapping[str, object], number: int) -> None:
        self.data = data
        self.number = number

    def fail(self, field: str, problem: str) -> BookmarkImportError:
        return BookmarkImportError(f"bookmark row {self.number}: {field!r} {problem}")

    def text(self, field: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.data.get(field, default)
        if not isinstance(value, str):
            raise self.fail(field, "is missing" if value is None else "must be text")
        if required and not value.strip():
            raise self.fail(field, "must not be empty")
        return clean_text(value)

    def whole(self, field: str, minimum: int) -> int:
        value = self.data.get(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, "must be a whole number")
        if value < minimum:
            raise self.fail(field, f"must be at least {minimum}")
        return value

    def timestamp(self, field: str, default: str | None = None) -> str:
        text = self.text(field, default)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(field, f"is not an ISO-8601 date and time: {text!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_record(row: object, number: int) -> Bookmark:
    """Validate one import row (1-based ``number``) into a :class:`Bookmark` with id 0.

    Unknown keys are ignored (a newer export may carry more); ``id`` is local
    to each database and ignored too.
    """
    if isinstance(row, Bookmark):
        data: Mapping[str, object] = row.to_record()
    elif isinstance(row, Mapping):
        data = row
    else:
        raise BookmarkImportError(f"bookmark row {number}: expected an object with named fields")
    fields = _Row(data, number)
    start = fields.whole("start", 0)
    end = fields.whole("end", start)
    created = fields.timestamp("created")
    status = data.get("status", BookmarkStatus.OK.value)
    allowed = tuple(s.value for s in BookmarkStatus)
    if status not in allowed:
        raise fields.fail("status", f"must be one of {', '.join(allowed)}")
    url = data.get("source_url")
    if url is not None and not isinstance(url, str):
        raise fields.fail("source_url", "must be text or null")
    return Bookmark(
        id=0,
        uid=fields.text("uid", required=True),
        article_key=fields.text("article_key", required=True),
        path=Path(fields.text("path")),
        title=fields.text("title"),
        passage_index=fields.whole("passage_index", 0),
        quote=fields.text("quote"),
        prefix=fields.text("prefix", ""),
        suffix=fields.text("suffix", ""),
        start=start,
        end=end,
        note=fields.text("note", ""),
        created=created,
        updated=fields.timestamp("updated", created),
        status=BookmarkStatus(str(status)),
        source_url=None if url is None else clean_text(url),
    )
