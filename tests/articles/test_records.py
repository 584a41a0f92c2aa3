"""JSON Lines and JSON files: one article per record, listed by offset, opened lazily."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest

from tui_reader.articles import fields, records
from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.listing import cached_listing, refresh_listing
from tui_reader.articles.loader import open_article, split_record_path
from tui_reader.articles.model import PassageKind

DATA = Path(__file__).parent / "data" / "formats"


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(DATA / "dump.jsonl", folder / "dump.jsonl")
    return folder / "dump.jsonl"


def names(paths: list[str]) -> list[str]:
    return [os.path.basename(p) for p in paths]


def test_each_record_is_an_article_and_broken_lines_are_reported(
    dump: Path, tmp_path: Path
) -> None:
    listing = refresh_listing(tmp_path / "cache", [dump.parent])
    assert names([m.path for m in listing.articles]) == [
        "dump.jsonl#1",
        "dump.jsonl#2",
        "dump.jsonl#4",
        "dump.jsonl#7",
        "dump.jsonl#8",
        "dump.jsonl#10",
    ]
    skipped = {s.path.name: s.reason for s in listing.skipped}
    assert skipped == {
        "dump.jsonl#5": "line 5: not valid JSON (Expecting ',' delimiter, column 58)",
        "dump.jsonl#6": "line 6: a JSON array, not an object",
        "dump.jsonl#9": "record has no title and no text (its keys: id, url, tags; "
        "name them with --fields title=KEY,content=KEY)",
    }
    by_name = {os.path.basename(m.path): m for m in listing.articles}
    # Alternative field names: headline / body / link / published / authors / site.
    gold = by_name["dump.jsonl#2"]
    assert (gold.title, gold.source) == ("Giá vàng hôm nay tăng mạnh", "Kinh tế")
    assert gold.date == "2017-02-06T08:15:00+07:00" and gold.date_from == "json"
    # No title: the first sentence; no date field: the dateline; source from the tail.
    untitled = by_name["dump.jsonl#4"]
    assert untitled.title == "Chiều 6/2, Bộ Y tế tổ chức họp báo về tình hình dịch cúm"
    assert untitled.date is not None and untitled.date.endswith("-02-06")
    assert untitled.date_from == "text"


def test_records_open_from_the_listing_and_from_the_path_alone(dump: Path, tmp_path: Path) -> None:
    listing = refresh_listing(tmp_path / "cache", [dump.parent])
    for meta in listing.articles:
        article = open_article(meta)
        assert article.key == meta.key
        assert article.title == meta.title
        assert str(article.path) == meta.path
        by_path = open_article(meta.path)  # no offset: found by its number
        assert by_path == article
    gold = open_article(listing.articles[1])
    assert gold.author == "Lan Anh, Quốc Huy"
    assert gold.source_url == "https://example.vn/gia-vang"
    assert [p.kind for p in gold.passages] == [PassageKind.LEAD, PassageKind.PARAGRAPH]


def test_odd_fields_html_bodies_and_controls(dump: Path, tmp_path: Path) -> None:
    listing = refresh_listing(tmp_path / "cache", [dump.parent])
    by_name = {os.path.basename(m.path): m for m in listing.articles}
    html = open_article(by_name["dump.jsonl#7"])
    assert [p.text for p in html.passages] == ["Đoạn một với liên kết.", "Đoạn hai."]
    assert html.author == "Hoàng Hà"  # {"name": ..., "email": ...}
    assert html.date is not None and html.date_from == "json"  # epoch seconds
    described = open_article(by_name["dump.jsonl#8"])
    assert described.source_name == "Tuổi Trẻ"  # {"name": ..., "url": ...}
    assert described.passages[0].text.startswith("Bài viết chỉ có phần mô tả")
    hostile = open_article(by_name["dump.jsonl#10"])
    text = hostile.title + "".join(p.text for p in hostile.passages)
    assert "\x1b" not in text and "\x07" not in text
    assert "␛[31m" in hostile.title  # visible, never an escape
    assert "[bold]" in hostile.passages[0].text  # markup stays text
    assert hostile.date_from == "file"  # "không phải ngày" is no date


def test_a_record_with_a_10_mb_body(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    body = " ".join(f"Câu số {i} của bài rất dài." for i in range(400_000))
    assert len(body.encode()) > 10_000_000
    lines = [
        json.dumps({"title": "Bài ngắn", "text": "Một đoạn."}, ensure_ascii=False),
        json.dumps({"title": "Bài rất dài", "text": body}, ensure_ascii=False),
        json.dumps({"title": "Bài sau", "text": "Đoạn cuối."}, ensure_ascii=False),
    ]
    (folder / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    listing = refresh_listing(tmp_path / "cache", [folder])
    assert [m.title for m in listing.articles] == ["Bài ngắn", "Bài rất dài", "Bài sau"]
    big = open_article(listing.articles[1])
    assert big.truncated  # parsed in part, as a giant .txt is
    assert big.passages[0].text.startswith("Câu số 0 của bài rất dài.")
    assert open_article(listing.articles[2]).title == "Bài sau"


def test_json_arrays_and_single_objects(tmp_path: Path) -> None:
    folder = tmp_path / "json"
    folder.mkdir()
    items = [
        {"title": "Một [", "text": 'Có dấu "ngoặc" {và} ngoặc vuông ] trong chuỗi.'},
        {"title": "Hai", "text": 'Thoát \\" và \\\\ cuối.'},
        3,
        {"title": "Bốn", "text": "Cuối mảng."},
    ]
    (folder / "array.json").write_text(json.dumps(items, ensure_ascii=False, indent=2))
    (folder / "one.json").write_text(json.dumps({"title": "Một bài", "text": "Nội dung."}))
    listing = refresh_listing(tmp_path / "cache", [folder])
    assert names([m.path for m in listing.articles]) == [
        "array.json#1",
        "array.json#2",
        "array.json#4",
        "one.json",
    ]
    assert [s.reason for s in listing.skipped] == ["line 3: a JSON number, not an object"]
    assert [open_article(m).title for m in listing.articles] == ["Một [", "Hai", "Bốn", "Một bài"]
    assert open_article(listing.articles[1]).passages[0].text == 'Thoát \\" và \\\\ cuối.'


def test_an_unchanged_file_is_not_read_again_and_appending_keeps_versions(
    dump: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = refresh_listing(cache, [dump.parent])
    calls: list[str] = []
    original = records.list_records

    def counting(entry, batch_size=500):  # type: ignore[no-untyped-def]
        calls.append(entry.path)
        return original(entry, batch_size)

    monkeypatch.setattr(records, "list_records", counting)
    again = refresh_listing(cache, [dump.parent])
    assert calls == [] and again.articles == first.articles
    assert cached_listing(cache, [dump.parent]).articles == first.articles  # type: ignore[union-attr]
    with dump.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"title": "Bài mới", "text": "Vừa thêm."}) + "\n")
    grown = refresh_listing(cache, [dump.parent])
    assert calls == [str(dump)]
    assert grown.articles[:-1] == first.articles  # same offsets, sizes and versions
    assert grown.articles[-1].title == "Bài mới"


def test_a_changed_file_still_opens_the_right_record(dump: Path, tmp_path: Path) -> None:
    listing = refresh_listing(tmp_path / "cache", [dump.parent])
    meta = listing.articles[1]
    text = dump.read_text(encoding="utf-8")
    dump.write_text("\n" + text, encoding="utf-8")  # every offset moves by one byte
    moved = open_article(meta._replace(path=f"{dump}#3"))  # line 2 is now line 3
    assert moved.key == meta.key


def test_fields_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    record = {"subject": "Tên sản phẩm", "tieu_de": "Tiêu đề thật", "copy": "Nội dung thật."}
    (folder / "odd.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n")
    default = refresh_listing(tmp_path / "cache", [folder]).articles[0]
    assert default.title == "Tên sản phẩm"
    monkeypatch.setenv(fields.ENV, "")
    fields.set_fields(fields.parse_fields("title=tieu_de,text=copy"))
    overridden = refresh_listing(tmp_path / "cache", [folder]).articles[0]  # mapping changed
    assert overridden.title == "Tiêu đề thật"
    assert overridden.mtime_ns != default.mtime_ns  # the index sees a new version
    article = open_article(overridden)
    assert article.passages[0].text == "Nội dung thật."
    with pytest.raises(fields.FieldsError, match="unknown field 'titel'"):
        fields.parse_fields("titel=headline")
    with pytest.raises(fields.FieldsError, match="not FIELD=NAME"):
        fields.parse_fields("title")


def test_record_paths() -> None:
    assert split_record_path("/a/dump.jsonl#17") == ("/a/dump.jsonl", 17)
    assert split_record_path("/a/dump.ndjson#1") == ("/a/dump.ndjson", 1)
    assert split_record_path("/a/notes#1.txt") == ("/a/notes#1.txt", None)
    assert split_record_path("/a/x.txt#3") == ("/a/x.txt#3", None)
    assert split_record_path("/a/dump.jsonl#0") == ("/a/dump.jsonl#0", None)


def test_missing_record_and_file_are_unreadable(dump: Path) -> None:
    with pytest.raises(UnreadableFile, match="no record 99"):
        open_article(f"{dump}#99")
    with pytest.raises(UnreadableFile, match="file not found"):
        open_article(f"{dump.parent}/gone.jsonl#1")


def test_the_cli_indexes_and_finds_each_record(
    dump: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_reader.cli import main

    code = main(["search", "--corpus", str(dump.parent), "--json", "gia vang tang manh"])
    assert code == 0
    hits = json.loads(capsys.readouterr().out.splitlines()[-1])["results"]
    assert hits[0]["path"].endswith("dump.jsonl#2")
    assert hits[0]["title"] == "Giá vàng hôm nay tăng mạnh"


def test_fields_from_the_command_line_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_reader.cli import main

    monkeypatch.setenv(fields.ENV, "")
    folder = tmp_path / "odd"
    folder.mkdir()
    record = {"tieu_de": "Tiêu đề riêng", "noi_dung": "Giá cà phê xuất khẩu tăng kỷ lục."}
    (folder / "odd.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n")
    args = ["search", "--corpus", str(folder), "--json", "ca phe xuat khau"]
    # A worker process on purpose (a corpus this small is otherwise indexed in process):
    # the record and the --fields mapping must both reach a spawned indexing worker.
    assert main([*args, "--workers", "1", "--fields", "title=tieu_de,content=noi_dung"]) == 0
    hits = json.loads(capsys.readouterr().out.splitlines()[-1])["results"]
    assert [h["title"] for h in hits] == ["Tiêu đề riêng"]
    # The same mapping from config.toml; a bad --fields is refused with a message.
    config = Path(os.environ["TUI_READER_CONFIG_DIR"]) / "config.toml"
    config.write_text('[formats]\nfields = { title = "tieu_de", text = "noi_dung" }\n')
    fields.set_fields(None)
    assert main(args) == 0
    hits = json.loads(capsys.readouterr().out.splitlines()[-1])["results"]
    assert [h["title"] for h in hits] == ["Tiêu đề riêng"]
    assert main([*args, "--fields", "headline"]) == 2
    assert "--fields: 'headline' is not FIELD=NAME" in capsys.readouterr().err


def test_a_big_dump_is_listed_in_ranges_the_same_as_in_one_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    lines = []
    for i in range(3000):
        if i % 500 == 7:
            lines.append("{broken")
        elif i % 700 == 3:
            lines.append("")
        else:
            body = f"Bản tin số {i}. " + "Nội dung dài. " * (i % 40)
            lines.append(json.dumps({"title": f"Bài {i}", "text": body}, ensure_ascii=False))
    (folder / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = refresh_listing(tmp_path / "c1", [folder])
    monkeypatch.setattr(records, "RANGE_BYTES", 4096)  # many ranges, several workers
    ranged = refresh_listing(tmp_path / "c2", [folder])
    assert ranged.articles == whole.articles
    assert [s.path for s in ranged.skipped] == [s.path for s in whole.skipped]
    assert len(whole.articles) == 3000 - 6 - 5
    spans = records.line_ranges(
        str(folder / "big.jsonl"), (folder / "big.jsonl").stat().st_size, 4096
    )
    assert spans[0][0] == 0 and all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert len(spans) > 20  # the listing above used these ranges


def test_records_with_unknown_keys_say_how_to_map_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dump whose fields have unusual names is read once ``--fields`` names them; until
    then each record's reason lists its keys."""
    monkeypatch.setenv(fields.ENV, "")
    dump = tmp_path / "corpus" / "vn.jsonl"
    dump.parent.mkdir()
    lines = [
        {
            "tieu_de": f"Bão số {i} đổ bộ",
            "noi_dung": f"Bão số {i} gây mưa.",
            "ngay": f"2024-09-1{i}",
        }
        for i in range(3)
    ]
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    listing = refresh_listing(tmp_path / "cache", [dump.parent])
    assert listing.articles == []
    assert {s.reason for s in listing.skipped} == {
        "record has no title and no text (its keys: tieu_de, noi_dung, ngay; "
        "name them with --fields title=KEY,content=KEY)"
    }
    fields.set_fields({"title": "tieu_de", "content": "noi_dung", "date": "ngay"})
    listing = refresh_listing(tmp_path / "cache", [dump.parent])
    assert [m.title for m in listing.articles] == [f"Bão số {i} đổ bộ" for i in range(3)]
    assert listing.skipped == [] and listing.articles[0].date_from == "json"
