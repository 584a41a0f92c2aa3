"""Checking imported bookmark rows before any of them touches the database.

Imports come from files people edit and move between machines, so every
field is checked and the error names the row and the field. Timestamps are
normalised to the stored format so "newest first" stays a text sort.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tui_reader.articles.sanitize import safe_text
from tui_reader.store.bookmarks import Bookmark, BookmarkStatus, clean_text
from tui_reader.store.errors import BookmarkImportError

#: Passage indexes and character offsets above this cannot be real (and SQLite's
#: integers stop at 2**63 - 1): an import with one is refused, naming row and field.
MAX_WHOLE = 2**31 - 1


class HugeNumber:
    """A JSON number too long to convert (``json`` refuses over 4,300 digits)."""

    def __init__(self, digits: str) -> None:
        self.length = len(digits.lstrip("-"))


def parse_int(digits: str) -> int | HugeNumber:
    """``json.loads(..., parse_int=parse_int)``: huge numbers reach the row checks."""
    if len(digits) > 30:
        return HugeNumber(digits)
    return int(digits)


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
        if isinstance(value, HugeNumber):
            digits = f"{value.length:,} digits"
            raise self.fail(field, f"is out of range ({digits}; at most {MAX_WHOLE:,})")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, "must be a whole number")
        if value < minimum:
            raise self.fail(field, f"must be at least {minimum}")
        if value > MAX_WHOLE:
            raise self.fail(field, f"is out of range (at most {MAX_WHOLE:,}, got {value:.3g})")
        return value

    def timestamp(self, field: str, default: str | None = None) -> str:
        text = self.text(field, default)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(field, f"is not an ISO-8601 date and time: {text!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            # 9999-12-31T23:59:59-05:00 is past the last representable moment in UTC.
            return moment.astimezone(UTC).isoformat(timespec="milliseconds")
        except (OverflowError, ValueError):
            raise self.fail(
                field, f"is out of range (years 0001 to 9999 in UTC): {text!r}"
            ) from None


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
        # Text shown to people is sanitized as it comes in, exactly as article text is
        # when parsed (one character for one), so an imported quote still matches its
        # passage and no escape sequence is ever stored. Paths stay as they are: they
        # name real files (and are sanitized wherever they are shown).
        title=safe_text(fields.text("title")),
        passage_index=fields.whole("passage_index", 0),
        quote=safe_text(fields.text("quote")),
        prefix=safe_text(fields.text("prefix", "")),
        suffix=safe_text(fields.text("suffix", "")),
        start=start,
        end=end,
        note=safe_text(fields.text("note", "")),
        created=created,
        updated=fields.timestamp("updated", created),
        status=BookmarkStatus(str(status)),
        source_url=None if url is None else safe_text(clean_text(url)),
        note_updated=None if data.get("note_updated") is None else fields.timestamp("note_updated"),
    )
