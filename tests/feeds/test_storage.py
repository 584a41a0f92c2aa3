"""Article files: names, the agreed JSON format, atomic writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_reader.feeds.storage import (
    ArticleRecord,
    article_path,
    remove_leftovers,
    slugify,
    write_article,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hà Nội mưa lớn, nhiều tuyến phố ngập sâu", "ha-noi-mua-lon-nhieu-tuyen-pho-ngap-sau"),
        ("Đường Đồng Khởi: đóng cửa 2 ngày", "duong-dong-khoi-dong-cua-2-ngay"),
        ("\x1b[31mĐỎ\x1b[0m tin nóng \x1b]0;pwned\x07", "do-tin-nong"),
        ("???", "bai-viet"),
        ("a " * 80, ("a-" * 30)[:59]),
    ],
)
def test_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


def _record(**changes: object) -> ArticleRecord:
    values: dict[str, object] = {
        "id": "https://vnexpress.net/a.html",
        "title": "Giá vàng tăng",
        "paragraphs": ("Đoạn một.", "Đoạn hai."),
        "url": "https://vnexpress.net/a.html",
        "date": datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        "author": "Minh Sơn",
        "source": "VnExpress",
        "feed_url": "https://vnexpress.net/rss/kinh-doanh.rss",
        "fetched": "2026-11-30T09:00:00Z",
    }
    values.update(changes)
    return ArticleRecord(**values)  # type: ignore[arg-type]


def test_the_json_article_format(tmp_path: Path) -> None:
    record = _record()
    path = article_path(tmp_path, record)
    assert path.name == "2026-11-30-gia-vang-tang.json"
    write_article(path, record)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {k: data[k] for k in ("title", "text", "url", "date", "author", "source", "id")} == {
        "title": "Giá vàng tăng",
        "text": "Đoạn một.\n\nĐoạn hai.",
        "url": "https://vnexpress.net/a.html",
        "date": "2026-11-30T08:00:00+00:00",
        "author": "Minh Sơn",
        "source": "VnExpress",
        "id": "https://vnexpress.net/a.html",
    }
    # Same name, another article: a number is added; the same article reuses its file.
    other = _record(id="https://vnexpress.net/b.html")
    assert article_path(tmp_path, other).name == "2026-11-30-gia-vang-tang-2.json"
    assert article_path(tmp_path, record) == path


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record()
    path = tmp_path / "feed" / "a.json"
    write_article(path, record)
    before = path.read_bytes()

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tui_reader.feeds.storage.os.replace", fail)
    with pytest.raises(OSError, match="No space"):
        write_article(path, _record(paragraphs=("Khác.",)))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.json"]


def test_leftovers_of_a_killed_fetch_are_removed(tmp_path: Path) -> None:
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / ".tmp-123-a.json").write_text("{", encoding="utf-8")
    (tmp_path / "feed" / "a.json").write_text("{}", encoding="utf-8")
    assert remove_leftovers(tmp_path) == 1
    assert [p.name for p in (tmp_path / "feed").iterdir()] == ["a.json"]
