"""Published dates: fields, HTML, datelines with and without a year, and the mtime."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.articles import dates
from tui_reader.articles.loader import open_article

# 2018-06-26, the day the baomoi corpus was packaged (every file has this mtime).
PACKAGED = int(datetime(2018, 6, 26, 4, 18, tzinfo=UTC).timestamp() * 1e9)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2017-02-06T18:30:00+07:00", "2017-02-06T18:30:00+07:00"),
        ("2017-02-06T11:30:00Z", "2017-02-06T11:30:00+00:00"),
        ("2017-02-06T11:30:00.250Z", "2017-02-06T11:30:00+00:00"),
        ("2017-02-06", "2017-02-06"),
        ("Mon, 06 Feb 2017 08:15:00 +0700", "2017-02-06T08:15:00+07:00"),
        ("06/02/2017", "2017-02-06"),
        ("Thứ hai, 6/2/2017, 09:30 (GMT+7)", None),  # day and time, local
        (1486371600, None),  # epoch seconds
        ("1486371600000", None),  # epoch milliseconds
    ],
)
def test_parse_date(value: object, iso: str | None) -> None:
    found = dates.parse_date(value, "json")
    assert found is not None and found.source == "json"
    assert found.when.tzinfo is not None
    if iso is not None:
        assert found.iso == iso
    assert found.when.date().isoformat() == "2017-02-06"


@pytest.mark.parametrize(
    "value", ["", "không phải ngày", "32/13/2017", None, True, [], "3000-01-01"]
)
def test_not_dates(value: object) -> None:
    assert dates.parse_date(value, "json") is None


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ("Kết quả xổ số điện toán Vietlott ngày 6/2/2017", "2017-02-06"),
        ("Chiều 6/2, Bộ Y tế tổ chức họp báo.", "2018-02-06"),
        ("Sáng nay (6/2), mưa lớn ở Hà Nội.", "2018-02-06"),
        ("Hội nghị diễn ra ngày 27-28/2.", "2018-02-27"),
        ("Lễ ký kết diễn ra ngày 6 tháng 2 năm 2017.", "2017-02-06"),
        ("Đêm 30/12, pháo hoa.", "2017-12-30"),  # not after the file: the year before
    ],
)
def test_datelines(head: str, day: str) -> None:
    found = dates.text_date(head, head, PACKAGED)
    assert found is not None and found.iso == day and found.source == "text"
    assert not found.has_time


def test_the_year_comes_from_the_years_the_text_names() -> None:
    # Only past years named: the article is from the year after the latest.
    past = "Chiều 6/2, công ty báo cáo. Năm 2015 doanh thu giảm, năm 2016 tăng mạnh."
    assert dates.text_date(past, past, PACKAGED).iso == "2017-02-06"  # type: ignore[union-attr]
    # The file's year or the year before named: that year.
    current = "Sáng 6/2, hội nghị mở màn. Kế hoạch năm 2017 được thông qua."
    assert dates.text_date(current, current, PACKAGED).iso == "2017-02-06"  # type: ignore[union-attr]


def test_the_seed_without_a_year_is_dated_2019(seeds_dir: Path) -> None:
    # "ngày 6/2" and "tháng 6/2018" (the first summit, in the past): February 2019.
    article = open_article(seeds_dir / "000_3e0ed1ba5c5dd459.txt")
    assert article.date is not None and article.date.date().isoformat() == "2019-02-06"
    assert article.date_from == "text" and not article.date_has_time


def test_history_is_not_a_dateline_and_the_mtime_is_the_fallback(tmp_path: Path) -> None:
    page = tmp_path / "Chiến tranh.txt"
    page.write_text("Chiến tranh\nCuộc chiến kéo dài từ ngày 28 tháng 7 năm 1914.\n")
    os.utime(page, ns=(PACKAGED, PACKAGED))
    article = open_article(page)
    assert article.date_from == "file"
    assert article.date == datetime.fromtimestamp(PACKAGED / 1e9).astimezone()


def test_iso_round_trip_sorts_together() -> None:
    day = dates.Dated(dates.from_iso("2017-02-06"), "text", False)
    moment = dates.parse_date("2017-02-06T18:30:00+07:00", "json")
    assert moment is not None and day.when < moment.when  # comparable: both aware
    assert dates.from_iso(day.iso) == day.when


@pytest.mark.slow
def test_year_inference_on_the_baomoi_corpus() -> None:
    """The corpus was published in 2017 (its dated titles say so); its files' mtime is 2018.

    Of the year-less datelines whose article names some year, most must get 2017.
    """
    corpus = os.environ.get("TUI_READER_TEST_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        pytest.skip("set TUI_READER_TEST_CORPUS to the unpacked baomoi-35k folder")
    right = total = 0
    for name in sorted(os.listdir(corpus))[::3]:
        path = Path(corpus) / name
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        head = "\n".join(lines[:2]) + "\n" + (lines[2][:1200] if len(lines) > 2 else "")
        match = dates.dateline(head)
        if match is None or match["year"] or not dates._NAMED_YEAR.search(text, 0, 20000):
            continue
        found = dates.text_date(head, text, path.stat().st_mtime_ns)
        total += 1
        right += found is not None and found.when.year == 2017
    assert total > 1000
    assert right / total > 0.55  # measured 0.61 on the whole corpus
