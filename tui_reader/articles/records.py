"""The JSON reader: JSON Lines (``.jsonl``, ``.ndjson``) and JSON (``.json``) files.

One article per record: a line of a JSON Lines file, an element of a JSON array, or
the one object of a ``.json`` file. A record's path is ``file#N`` (N = its line or
element number, from 1), so it keeps its place when other records are added after
it. Listing a file streams it and keeps only each record's byte offset, length and
summary: a million-record dump is listed without holding it in memory, and opening
a record reads just its bytes. Broken records are reported with their line number
and skipped; the rest of the file is read.

Fields are found by their usual names (:mod:`.fields`); the body goes through the
same block, tail and passage rules as plain text, so search, highlights and
bookmarks work on a record as on a ``.txt`` article.
"""

from __future__ import annotations

import json
import os
import re
import threading
import zlib
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from tui_reader.articles import dates, fields, layout
from tui_reader.articles.corpus import FileEntry
from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.kinds import Kind, kind_of
from tui_reader.articles.model import Article, Passage, PassageKind, Summary, content_key
from tui_reader.articles.passages import body_passages, mark_lead, word_count
from tui_reader.articles.sanitize import safe_text
from tui_reader.articles.sentences import collapse
from tui_reader.articles.tail import take_tail

#: A record bigger than this is skipped (a whole corpus on one line is not an article).
MAX_RECORD_BYTES = 64 * 1024 * 1024
#: A whole ``.json`` file up to this size is parsed at once; bigger arrays are streamed.
_WHOLE_JSON_BYTES = 8 * 1024 * 1024
_READ_CHUNK = 1 << 20
_FIELD_MAX = 2000  # a title, author or source longer than this is cut

_Row = tuple[str, str, str, str | None, int, int, str | None, str, int]
_Skip = tuple[str, int, int, str]
_Chunk = tuple[list[_Row], list[_Skip]]


def fields_signature() -> str:
    """The field mapping in force, as stored beside cached records."""
    return fields.signature()


def record_path(file_path: str, number: int) -> str:
    """The path of record ``number`` inside ``file_path`` (``dump.jsonl#17``)."""
    return f"{file_path}#{number}"


def version_of(data: bytes, signature: str) -> int:
    """A record's version (its ``mtime_ns`` in listings): a checksum of its bytes and mapping."""
    return zlib.crc32(data, zlib.crc32(signature.encode("utf-8")))


# --- finding records ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    number: int
    offset: int
    length: int
    data: bytes | None = None  # the record's bytes, when the scan already has them


def _lines(
    handle: IO[bytes], offset: int = 0, number: int = 0, end: int = -1
) -> Iterator[_Span | tuple[int, int, str]]:
    """Each non-blank line as a span, or ``(number, offset, reason)`` for one too long.

    ``handle`` is positioned at ``offset``, the start of line ``number + 1``; lines
    starting at or after ``end`` (when given) are left to another reader.
    """
    while end < 0 or offset < end:
        line = handle.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        start = offset
        offset += len(line)
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of the giant line
                line = handle.readline(_READ_CHUNK)
                offset += len(line)
            yield (number, start, f"record larger than {MAX_RECORD_BYTES // 2**20} MB")
            continue
        if line.strip():
            data = line.rstrip(b"\r\n")
            yield _Span(number, start, len(data), data)


_STRING_END = re.compile(rb'(?:[^"\\]++|\\.)*+"', re.DOTALL)
_STRUCTURE = re.compile(rb'["\[\]{},]')
_SPACE = b" \t\r\n"


def _array_elements(handle: IO[bytes]) -> Iterator[_Span]:
    """The top-level elements of a JSON array, streamed: their offsets and lengths.

    Raises ``ValueError`` when the file is not an array. Strings are skipped in one
    regex step each, so a 10 MB body costs what reading it costs.
    """
    buffer = handle.read(_READ_CHUNK)
    base = 0  # file offset of buffer[0]
    pos = len(buffer) - len(buffer.lstrip(_SPACE + b"\xef\xbb\xbf"))
    if buffer[pos : pos + 1] != b"[":
        raise ValueError("not a JSON array")
    pos += 1
    depth = 1
    number = 0
    start = -1  # file offset of the current element's first byte
    eof = False

    def more() -> bool:
        nonlocal buffer, base, pos, eof
        if eof:
            return False
        keep = pos if start < 0 else min(pos, start - base)
        chunk = handle.read(max(_READ_CHUNK, len(buffer) - keep))
        if not chunk:
            eof = True
            return False
        buffer = buffer[keep:] + chunk
        base += keep
        pos -= keep
        return True

    while True:
        if start < 0:
            while pos < len(buffer) and buffer[pos] in _SPACE:
                pos += 1
            if pos >= len(buffer):
                if more():
                    continue
                return
            if depth == 1 and buffer[pos] == ord("]"):
                return
            start = base + pos
        match = _STRUCTURE.search(buffer, pos)
        if match is None:
            pos = len(buffer)
            if not more():
                return
            continue
        char = match.group()
        pos = match.end()
        if char == b'"':
            end = _STRING_END.match(buffer, pos)
            while end is None or end.end() > len(buffer):
                if not more():
                    return
                end = _STRING_END.match(buffer, pos)
            pos = end.end()
        elif char in (b"[", b"{"):
            depth += 1
        elif char in (b"]", b"}"):
            depth -= 1
            if depth == 0:
                number += 1
                length = len(buffer[start - base : match.start()].rstrip(_SPACE))
                yield _Span(number, start, length)
                return
        elif char == b"," and depth == 1:
            number += 1
            length = len(buffer[start - base : match.start()].rstrip(_SPACE))
            yield _Span(number, start, length)
            start = -1


def _spans(file_path: str, handle: IO[bytes]) -> Iterator[_Span | tuple[int, int, str]]:
    """The records of an open JSON Lines or JSON array file."""
    if kind_of(file_path) is Kind.JSON_LINES or not _is_array(handle):
        handle.seek(0)
        yield from _lines(handle)
        return
    handle.seek(0)
    yield from _array_elements(handle)


def _is_array(handle: IO[bytes]) -> bool:
    head = handle.read(4096).lstrip(_SPACE + b"\xef\xbb\xbf")
    return head.startswith(b"[")


# --- listing -------------------------------------------------------------------------


def list_records(entry: FileEntry, batch_size: int = 500) -> Iterator[_Chunk]:
    """The listing rows of every record of a JSON or JSON Lines file, in batches.

    A ``.json`` file holding one object gives one row for the whole file. A file
    that cannot be opened gives one skip for the file; broken records give one skip
    each (``dump.jsonl#5``) and the rest are listed.
    """
    signature = fields.signature()
    mapping = fields.current_fields()
    try:
        handle = open(entry.path, "rb")  # noqa: SIM115 - closed below, across yields
    except OSError as err:
        yield [], [(entry.path, entry.size, entry.mtime_ns, _os_reason(err))]
        return
    with handle, open(entry.path, "rb") as reader:
        single = _single_object(entry, handle)
        if single is not None:
            yield single
            return
        rows: list[_Row] = []
        skips: list[_Skip] = []
        try:
            for span in _spans(entry.path, handle):
                data = None
                if isinstance(span, _Span):
                    data = span.data
                    if data is None:  # an array element: read it beside the scan
                        reader.seek(span.offset)
                        data = reader.read(span.length)
                _add(entry.path, entry.mtime_ns, span, data, mapping, signature, rows, skips)
                if len(rows) >= batch_size:
                    yield rows, skips
                    rows, skips = [], []
        except ValueError as err:  # a JSON array broken in its structure
            skips.append((entry.path, entry.size, entry.mtime_ns, f"not valid JSON: {err}"))
        except OSError as err:
            skips.append((entry.path, entry.size, entry.mtime_ns, _os_reason(err)))
        if not rows and not skips:
            skips.append((entry.path, entry.size, entry.mtime_ns, "no records in this file"))
        yield rows, skips


#: JSON Lines files bigger than this are listed in ranges by several processes.
RANGE_BYTES = 4 * 1024 * 1024


def line_ranges(path: str, size: int, target: int = 0) -> list[tuple[int, int, int]]:
    """``(start, end, lines before start)`` ranges of whole lines, about ``target`` bytes each.

    One quick pass counting newlines (no parsing), so workers can number their lines.
    """
    target = target or RANGE_BYTES
    ranges: list[tuple[int, int, int]] = []
    start = 0
    lines = 0
    with open(path, "rb") as handle:
        while start < size:
            handle.seek(start)
            chunk = handle.read(target)
            if not chunk:
                break
            cut = len(chunk)
            if len(chunk) == target:
                cut = chunk.rfind(b"\n") + 1
                while cut == 0:  # one line longer than the range: extend to its end
                    more = handle.read(target)
                    newline = more.find(b"\n")
                    chunk += more if newline < 0 else more[: newline + 1]
                    cut = len(chunk) if (newline >= 0 or not more) else 0
            ranges.append((start, start + cut, lines))
            lines += chunk.count(b"\n", 0, cut)
            start += cut
    return ranges


def list_range(path: str, mtime_ns: int, start: int, end: int, before: int) -> _Chunk:
    """The rows and skips of the lines of a JSON Lines file in ``[start, end)`` (a worker's
    share); ``before`` is the number of lines before ``start``."""
    signature = fields.signature()
    mapping = fields.current_fields()
    rows: list[_Row] = []
    skips: list[_Skip] = []
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            for span in _lines(handle, start, before, end):
                _add(path, mtime_ns, span, span.data if isinstance(span, _Span) else None,
                     mapping, signature, rows, skips)  # fmt: skip
    except OSError as err:
        skips.append((path, -1, -1, _os_reason(err)))
    return rows, skips


def _add(
    path: str,
    mtime_ns: int,
    span: _Span | tuple[int, int, str],
    data: bytes | None,
    mapping: dict[str, str],
    signature: str,
    rows: list[_Row],
    skips: list[_Skip],
) -> None:
    """Summarize one record into ``rows``, or say in ``skips`` why it is not an article."""
    if isinstance(span, tuple):
        skips.append((record_path(path, span[0]), -1, -1, span[2]))
        return
    assert data is not None
    where = record_path(path, span.number)
    try:
        found = _summary(_decode(data, span.number), mapping, mtime_ns)
    except UnreadableFile as err:
        skips.append((where, -1, -1, err.reason))
        return
    version = version_of(data, signature)
    rows.append((where, found.key, found.title, found.source, span.length, version,
                 found.date, found.date_from, span.offset))  # fmt: skip


def _single_object(entry: FileEntry, handle: IO[bytes]) -> _Chunk | None:
    """The one row of a ``.json`` file that is a single object; None for arrays and lines."""
    if kind_of(entry.path) is not Kind.JSON or entry.size > _WHOLE_JSON_BYTES:
        return None
    data = handle.read()
    handle.seek(0)
    stripped = data.lstrip(_SPACE + b"\xef\xbb\xbf")
    if not stripped:
        return [], [(entry.path, entry.size, entry.mtime_ns, "empty file")]
    if stripped.startswith(b"["):
        return None
    try:
        record = _decode(data, 0)
    except UnreadableFile as err:
        if "Extra data" in err.reason:  # objects one per line: JSON Lines named .json
            return None
        return [], [(entry.path, entry.size, entry.mtime_ns, err.reason)]
    try:
        found = _summary(record, fields.current_fields(), entry.mtime_ns)
    except UnreadableFile as err:
        return [], [(entry.path, entry.size, entry.mtime_ns, err.reason)]
    row = (entry.path, found.key, found.title, found.source, entry.size, entry.mtime_ns,
           found.date, found.date_from, -1)  # fmt: skip
    return [row], []


def _decode(data: bytes, number: int) -> dict[str, Any]:
    where = f"line {number}: " if number else ""
    try:
        value = json.loads(data)
    except UnicodeDecodeError as err:
        raise UnreadableFile(f"{where}not UTF-8 text") from err
    except RecursionError as err:
        raise UnreadableFile(f"{where}JSON nested too deeply") from err
    except json.JSONDecodeError as err:
        raise UnreadableFile(f"{where}not valid JSON ({err.msg}, column {err.colno})") from err
    if not isinstance(value, dict):
        raise UnreadableFile(f"{where}a JSON {_type_name(value)}, not an object")
    return value


def _type_name(value: object) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null"
    )


def _os_reason(err: OSError) -> str:
    return f"cannot read file: {err.strerror or err}"


# --- fields into an article ----------------------------------------------------------


@dataclass(slots=True)
class _Fields:
    title: str
    text: str
    lead: str
    url: str | None
    date: dates.Dated | None
    author: str | None
    source: str | None


def _as_text(value: object) -> str:
    """A field value as text: strings as they are, lists joined, objects by their name/text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = [_as_text(item) for item in value]
        return "\n\n".join(part for part in parts if part.strip())
    if isinstance(value, Mapping):
        found = fields.lookup(value, ("name", "text", "value", "content", "title", "url", "href"))
        return _as_text(found[1]) if found else ""
    return ""


def _short(value: object) -> str:
    """A one-line field (title, author, source): sanitized, whitespace collapsed, capped."""
    text = _as_text(value)
    if isinstance(value, list):
        text = ", ".join(_as_text(item) for item in value if _as_text(item).strip())
    return safe_text(collapse(layout.repair(text))[:_FIELD_MAX])


def _extract(record: Mapping[str, Any], mapping: Mapping[str, str]) -> _Fields:
    def get(field: str) -> tuple[str, object] | None:
        return fields.lookup(record, fields.names_for(field, mapping))

    title_found = get("title")
    text_found = get("content")
    lead_found = get("lead")
    if lead_found is not None and text_found is not None and lead_found[0] == text_found[0]:
        lead_found = None
    text = layout.repair(_as_text(text_found[1])) if text_found else ""
    if _looks_like_html(text):
        from tui_reader.articles.html import fragment_text

        text = fragment_text(text)
    lead = layout.repair(_as_text(lead_found[1])) if lead_found else ""
    if lead and (_looks_like_html(lead)):
        from tui_reader.articles.html import fragment_text

        lead = fragment_text(lead)
    if lead and collapse(lead)[:200] in collapse(text[: len(lead) + 400]):
        lead = ""  # the body starts with the summary already
    url_found = get("url")
    url = _as_text(url_found[1]).strip() if url_found else ""
    date_found = get("date")
    dated = dates.parse_date(date_found[1], "json") if date_found else None
    author_found = get("author")
    source_found = get("source")
    return _Fields(
        title=_short(title_found[1]) if title_found else "",
        text=text,
        lead=lead,
        url=url if url.lower().startswith(("http://", "https://")) else None,
        date=dated,
        author=_short(author_found[1]) or None if author_found else None,
        source=_short(source_found[1]) or None if source_found else None,
    )


_HTML_HINT = re.compile(r"<(?:p|br|div|span|a|h[1-6]|ul|ol|li|figure|img|strong|em)\b[^>]*>", re.I)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:5000])) and "</" in text[:20000]


def _key(found: _Fields) -> str:
    return content_key("\n\n".join(part for part in (found.title, found.lead, found.text) if part))


_KEYS_SHOWN = 8


def _no_text_reason(record: Mapping[str, Any]) -> str:
    """Why a record is not an article, with its keys: a dump whose fields have unusual
    names is skipped record by record, and the reason says how to map them."""
    if not record:
        return "record has no title and no text (an empty object)"
    keys = [safe_text(collapse(str(key)))[:30] for key in list(record)[:_KEYS_SHOWN]]
    more = ", …" if len(record) > _KEYS_SHOWN else ""
    return (
        f"record has no title and no text (its keys: {', '.join(keys)}{more}; "
        "name them with --fields title=KEY,content=KEY)"
    )


def _summary(record: Mapping[str, Any], mapping: Mapping[str, str], mtime_ns: int) -> Summary:
    found = _extract(record, mapping)
    if not (found.title or found.text.strip() or found.lead.strip()):
        raise UnreadableFile(_no_text_reason(record))
    title = found.title
    if not title:
        title = _derived_title(found)
    dated = _dated(found, title, mtime_ns)
    source = found.source
    if source is None:  # the tail's source line, found as record_article finds it
        source = take_tail(layout.blocks(layout.prepare(found.text)[0])).source_name
    return Summary(_key(found), title, source or _host(found.url), dated.iso, dated.source)


def _derived_title(found: _Fields) -> str:
    text = found.lead or found.text
    blocks = layout.blocks(safe_text(text[:4000]))
    return layout.derive_title(blocks[0]) if blocks else ""


def _dated(found: _Fields, title: str, mtime_ns: int) -> dates.Dated:
    """The record's date field, else its dateline, else the file's mtime."""
    if found.date is not None:
        return found.date
    head = "\n".join(part for part in (title, found.lead, found.text[:1200]) if part)
    return dates.text_date(head, found.text, mtime_ns) or dates.from_mtime(mtime_ns)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def record_article(
    record: Mapping[str, Any], path: Path, mtime_ns: int, *, truncated: bool = False
) -> Article:
    """Build the article of one JSON record (``mtime_ns`` is its file's, for the date)."""
    mapping = fields.current_fields()
    found = _extract(record, mapping)
    prepared, cut = layout.prepare(found.text)
    body = layout.blocks(prepared)
    tail = take_tail(body)
    passages: list[Passage] = []
    if found.lead.strip():
        passages.append(Passage(PassageKind.LEAD, safe_text(collapse(found.lead))))
    passages.extend(body_passages(body))
    passages.extend(tail.passages)
    mark_lead(passages)
    title = found.title or _derived_title(found) or path.name
    dated = _dated(found, title, mtime_ns)
    return Article(
        key=_key(found),
        path=path,
        title=title,
        passages=tuple(passages),
        title_derived=not found.title,
        source_name=found.source or tail.source_name or _host(found.url),
        source_url=found.url or tail.source_url,
        truncated=truncated or cut,
        word_count=word_count(title, passages),
        date=dated.when,
        date_from=dated.source,
        date_has_time=dated.has_time,
        author=found.author or tail.author,
    )


# --- opening records ------------------------------------------------------------------

_OFFSETS_LOCK = threading.Lock()
_OFFSETS: dict[tuple[str, int, int], tuple[array[int], array[int]]] = {}
_OFFSETS_KEPT = 4  # files whose record offsets are remembered per process


def _record_spans(file_path: str, info: os.stat_result) -> tuple[array[int], array[int]]:
    """Offsets and lengths of every record of a file, by number (found once per version)."""
    ident = (file_path, info.st_size, info.st_mtime_ns)
    with _OFFSETS_LOCK:
        cached = _OFFSETS.get(ident)
    if cached is not None:
        return cached
    offsets = array("q")
    lengths = array("q")
    with open(file_path, "rb") as handle:
        for span in _spans(file_path, handle):
            number, offset, length = (
                (span[0], span[1], -1) if isinstance(span, tuple) else (
                    span.number, span.offset, span.length)
            )  # fmt: skip
            while len(offsets) < number:
                offsets.append(-1)
                lengths.append(-1)
            offsets[number - 1] = offset
            lengths[number - 1] = length
    with _OFFSETS_LOCK:
        if len(_OFFSETS) >= _OFFSETS_KEPT:
            _OFFSETS.pop(next(iter(_OFFSETS)))
        _OFFSETS[ident] = (offsets, lengths)
    return offsets, lengths


def load_record(
    file_path: str, number: int, *, offset: int = -1, size: int = -1, version: int = -1
) -> Article:
    """Open record ``number`` of a JSON Lines / JSON array file; raises ``UnreadableFile``.

    With the ``offset``, ``size`` and ``version`` of its listing entry the record is
    read directly; if the file changed since (the bytes there are not that version)
    or they are not given, the record is found by its number.
    """
    path = Path(record_path(file_path, number))
    try:
        with open(file_path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = b""
            if offset >= 0 and size >= 0:
                handle.seek(offset)
                data = handle.read(size)
                if version_of(data, fields.signature()) != version:
                    data = b""
            if not data:
                offsets, lengths = _record_spans(file_path, info)
                if number > len(offsets) or offsets[number - 1] < 0:
                    raise UnreadableFile(f"the file has no record {number} (it changed?)")
                if lengths[number - 1] < 0:
                    raise UnreadableFile(f"record larger than {MAX_RECORD_BYTES // 2**20} MB")
                handle.seek(offsets[number - 1])
                data = handle.read(lengths[number - 1])
    except FileNotFoundError as err:
        raise UnreadableFile("file not found") from err
    except PermissionError as err:
        raise UnreadableFile("permission denied") from err
    except OSError as err:
        raise UnreadableFile(_os_reason(err)) from err
    record = _decode(data, number)
    return record_article(record, path, info.st_mtime_ns)


def load_single(file_path: str) -> Article:
    """Open a ``.json`` file that holds one article object; raises ``UnreadableFile``."""
    try:
        with open(file_path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_size > MAX_RECORD_BYTES:
                raise UnreadableFile(f"record larger than {MAX_RECORD_BYTES // 2**20} MB")
            data = handle.read()
    except FileNotFoundError as err:
        raise UnreadableFile("file not found") from err
    except PermissionError as err:
        raise UnreadableFile("permission denied") from err
    except IsADirectoryError as err:
        raise UnreadableFile("is a directory") from err
    except OSError as err:
        raise UnreadableFile(_os_reason(err)) from err
    if not data.strip():
        raise UnreadableFile("empty file")
    if data.lstrip(_SPACE + b"\xef\xbb\xbf").startswith(b"["):
        return load_record(file_path, 1)
    try:
        record = _decode(data, 0)
    except UnreadableFile as err:
        if "Extra data" in err.reason:
            return load_record(file_path, 1)
        raise
    return record_article(record, Path(file_path), info.st_mtime_ns)
