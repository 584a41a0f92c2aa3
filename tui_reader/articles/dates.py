"""Published dates: read from the article where it has one, else the file's mtime.

Sources, best first: a JSON field or HTML ``<time>``/meta (an ISO 8601 or RFC 2822
string, or epoch seconds), a date in the dateline of the text ("ngày 6/2/2017",
"Sáng 6/2, ..."), else the file's modification time. Every date is timezone-aware
(a value with no zone is taken as local time) so dates of any source sort together.

A Vietnamese dateline usually has no year ("Chiều 6/2, ..."). Writers leave the
current year out and write the others, so the latest year the article names is
usually *before* its own: the year is that one when it is the file's year or the
year before, else the year after it; with no year in the text, the file's year;
and the day must not fall after the file's mtime (an article is saved after it is
written). On the 35k baomoi corpus (published in 2017, known from its dated titles;
every file's mtime is the corpus's packaging day, 2018-06-26) this dates 61% of the
year-less datelines with years in the text correctly (38% taking the latest year
named); with no year in the text only the mtime is left,
which is wrong for a re-packaged corpus like that one (tests/articles/test_dates.py).
A dateline more than 30 years before the file is a date the text talks about
("từ ngày 28 tháng 7 năm 1914"), not when it was published.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

_YEAR_SAMPLE = 20_000  # how much text is searched for years
_MAX_AGE_YEARS = 30  # a dateline this much older than the file is a date the text talks about


class Dated(NamedTuple):
    """A published date, where it came from, and whether the time of day is known."""

    when: datetime
    source: str
    has_time: bool = True

    @property
    def iso(self) -> str:
        """``2017-02-06`` for a day, else the full ISO 8601 form with its offset."""
        if not self.has_time:
            return self.when.date().isoformat()
        return self.when.isoformat(timespec="seconds")


def from_iso(iso: str) -> datetime:
    """The aware datetime of an ISO string written by :attr:`Dated.iso` (a day: local midnight)."""
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo is not None else moment.astimezone()


def from_mtime(mtime_ns: int) -> Dated:
    """The file's modification time, in local time."""
    return Dated(datetime.fromtimestamp(mtime_ns / 1e9).astimezone(), "file", True)


def _local_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day).astimezone()


_ISO_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(
    r"(?<![\d/.])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?:[,\s|-]+(\d{1,2})[:h](\d{2}))?"
)
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")


def parse_date(value: object, source: str) -> Dated | None:
    """A date from a field value: ISO 8601, RFC 2822, ``dd/mm/yyyy [hh:mm]``, or epoch seconds.

    Returns None for anything else (the caller falls back), never raises.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _epoch(float(value), source)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 80:
        return None
    if _EPOCH.fullmatch(text):
        return _epoch(float(text), source)
    match = _ISO_LIKE.match(text)
    if match:
        iso = text.replace(" ", "T", 1) if len(text) > 10 and text[10] == " " else text
        iso = re.sub(r"(\.\d+)?Z$", r"\1+00:00", iso)
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            try:
                moment = datetime.fromisoformat(text[:10])
            except ValueError:
                return None
            return _checked(Dated(_local_day(moment.date()), source, False))
        if len(text) == 10:
            return _checked(Dated(_local_day(moment.date()), source, False))
        return _checked(Dated(_aware(moment), source, True))
    found = _DMY.search(text)
    if found:
        return _dmy(found, source)
    from email.utils import parsedate_to_datetime  # the email package: ~10 ms, rarely needed

    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _checked(Dated(_aware(moment), source, True))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()


def _epoch(seconds: float, source: str) -> Dated | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        moment = datetime.fromtimestamp(seconds, UTC).astimezone()
    except (OverflowError, OSError, ValueError):
        return None
    return _checked(Dated(moment, source, True))


def _dmy(match: re.Match[str], source: str) -> Dated | None:
    day, month, year = int(match[1]), int(match[2]), int(match[3])
    try:
        if match[4] is not None:
            moment = datetime(year, month, day, int(match[4]), int(match[5])).astimezone()
            return _checked(Dated(moment, source, True))
        return _checked(Dated(_local_day(date(year, month, day)), source, False))
    except ValueError:
        return None


def _checked(dated: Dated) -> Dated | None:
    """Drop dates no article has (before 1900, or more than a day in the future)."""
    if dated.when.year < 1900:
        return None
    if dated.when > datetime.now(UTC) + timedelta(days=1):
        return None
    return dated


# --- datelines in text ---------------------------------------------------------------

# A day and month: "6/2", "27-28/2", "6/2/2017", "6 tháng 2 năm 2017" ...
_DAY_MONTH = re.compile(
    r"(?<![\d/.])(?P<day>\d{1,2})(?:\s*[-–]\s*\d{1,2})?\s*"
    r"(?:/\s*(?P<month>\d{1,2})(?:\s*/\s*(?P<year>(?:19|20)\d{2}))?"
    r"|\s+tháng\s+(?P<month2>\d{1,2})(?:\s+năm\s+(?P<year2>(?:19|20)\d{2}))?)"
    r"(?![\d/])"
)
# ... right after a word that makes it a dateline: "ngày 6/2", "Sáng 6/2", "Chiều nay (6/2)".
_DATELINE_CONTEXT = re.compile(
    r"(?:[Nn]gày|[Ss]áng|[Tt]rưa|[Cc]hiều|[Tt]ối|[Đđ]êm|[Hh]ôm|[Rr]ạng sáng|[Đđ]ầu giờ)"
    r"(?:\s+(?:nay|qua|mai|hôm qua|hôm nay))?\s*(?:\(\s*)?(?:ngày\s*)?$"
)
# Years the text names: in a full date, a month ("tháng 6/2018") or "năm 2018".
_NAMED_YEAR = re.compile(
    r"(?:(?<![\d/])\d{1,2}\s*/\s*\d{1,2}\s*/\s*|[Tt]háng\s+\d{1,2}\s*[/.-]\s*|[Nn]ăm\s+)"
    r"((?:19|20)\d{2})(?!\d)"
)


def dateline(head: str) -> re.Match[str] | None:
    """The first day-and-month in ``head`` that a dateline word introduces."""
    for match in _DAY_MONTH.finditer(head):
        if _DATELINE_CONTEXT.search(head, max(0, match.start() - 30), match.start()):
            return match
    return None


def text_date(head: str, text: str, mtime_ns: int) -> Dated | None:
    """The date in an article's dateline, or None.

    ``head`` is the title, lead and start of the body (where a dateline is);
    ``text`` is the whole article, searched for years when the dateline has none;
    ``mtime_ns`` is the file's mtime, the latest the article can be from.
    """
    match = dateline(head)
    if match is None:
        return None
    day = int(match["day"])
    month = int(match["month"] or match["month2"])
    year_text = match["year"] or match["year2"]
    saved = datetime.fromtimestamp(mtime_ns / 1e9).date() if mtime_ns > 0 else date.today()
    found: date | None
    try:
        if year_text is not None:
            found = date(int(year_text), month, day)
        else:
            found = _infer_year(day, month, text, saved)
    except ValueError:
        return None
    if found is None or found.year < saved.year - _MAX_AGE_YEARS:
        return (
            None  # "từ ngày 28 tháng 7 năm 1914" in an encyclopedia page is history, not a dateline
        )
    return _checked(Dated(_local_day(found), "text", False))


def _infer_year(day: int, month: int, text: str, saved: date) -> date | None:
    """The year of a dateline written without one.

    Writers leave out the current year and write the others, so the years an
    article names are mostly *other* years: when the latest of them is well before
    the file's year, the article is from the year after it; when it is the file's
    year or the one before, it is that year. With no year in the text, the file's
    year. The day never falls after the file's mtime.
    """
    years = [int(y) for y in _NAMED_YEAR.findall(text, 0, _YEAR_SAMPLE)]
    known = [year for year in years if year <= saved.year]
    if not known:
        year = saved.year
    else:
        latest = max(known)
        year = latest if latest >= saved.year - 1 else latest + 1
    for candidate_year in (year, year - 1, year - 2):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:  # 29/2 in a year without it
            continue
        if candidate <= saved:
            return candidate
    return None
