"""``tui-reader bookmarks export|import|list`` on real files and a real state database."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bookmarks.helpers import PLAIN, ZNEWS
from tests.helpers import copy_seeds
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.bookmarks.reanchor import reanchor
from tui_reader.cli.bookmarks_commands import bookmarks_main
from tui_reader.paths import seeds_dir
from tui_reader.store.state import StateStore

Capture = pytest.CaptureFixture[str]


def seed_store(data: Path, corpus: Path) -> int:
    """Three bookmarks in ``data``, one of them on a passage since deleted from its file
    (so it is orphaned in the files as they are now); returns how many."""
    assert corpus.resolve() != seeds_dir().resolve(), "edits its corpus: give it a copy"
    plain, znews = load_article(corpus / PLAIN), load_article(corpus / ZNEWS)
    with StateStore.open(data) as store:
        store.add_bookmark(new_bookmark(plain, 2, "ghi chú *một*"))
        store.add_bookmark(new_bookmark(znews, 5))
        orphan = store.add_bookmark(new_bookmark(znews, 8, "mồ côi"))
        reanchor(store, orphan, None)
        count = len(store.bookmarks())
    blocks = (corpus / ZNEWS).read_text("utf-8").split("\n\n")
    gone = znews.passages[8].text
    assert gone in blocks
    (corpus / ZNEWS).write_text("\n\n".join(b for b in blocks if b != gone), "utf-8")
    return count


def count_rows(data: Path) -> int:
    if not (data / "state.sqlite3").exists():
        return 0
    conn = sqlite3.connect(data / "state.sqlite3")
    try:
        return int(conn.execute("SELECT count(*) FROM bookmarks").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return copy_seeds(tmp_path / "corpus")


def test_export_json_to_stdout_and_round_trip_through_import(
    tmp_path: Path, corpus: Path, capsys: Capture
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    total = seed_store(first, corpus)
    assert bookmarks_main(["export", "--data-dir", str(first)]) == 0
    exported = capsys.readouterr().out
    rows = json.loads(exported)
    assert len(rows) == total
    assert all(row["path"].startswith(str(corpus)) for row in rows)
    file = tmp_path / "export.json"
    assert bookmarks_main(["export", "--data-dir", str(first), "-o", str(file)]) == 0
    assert file.read_text("utf-8") == exported
    # A corpus with the articles but not the orphan's passage keeps it orphaned.
    blocks = (corpus / ZNEWS).read_text("utf-8").split("\n\n")
    orphan_quote = next(r["quote"] for r in rows if r["status"] == "orphaned")
    (corpus / ZNEWS).write_text("\n\n".join(b for b in blocks if b != orphan_quote), "utf-8")
    args = ["import", str(file), "--data-dir", str(second), "--corpus", str(corpus)]
    assert bookmarks_main(args) == 0
    out = capsys.readouterr().out
    assert f"{total} added, 0 already present, 1 orphaned" in out
    assert bookmarks_main(["export", "--data-dir", str(second)]) == 0
    assert capsys.readouterr().out == exported


def test_importing_twice_adds_nothing(tmp_path: Path, corpus: Path, capsys: Capture) -> None:
    total = seed_store(tmp_path / "first", corpus)
    file = tmp_path / "export.json"
    assert bookmarks_main(["export", "--data-dir", str(tmp_path / "first"), "-o", str(file)]) == 0
    args = ["import", str(file), "--data-dir", str(tmp_path / "second"), "--corpus", str(corpus)]
    assert bookmarks_main(args) == 0
    assert bookmarks_main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert f"0 added, {total} already present, 0 orphaned" in out[-1]
    assert count_rows(tmp_path / "second") == total


def test_import_without_the_articles_keeps_orphans(
    tmp_path: Path, corpus: Path, capsys: Capture
) -> None:
    total = seed_store(tmp_path / "first", corpus)
    file = tmp_path / "export.json"
    assert bookmarks_main(["export", "--data-dir", str(tmp_path / "first"), "-o", str(file)]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    args = ["import", str(file), "--data-dir", str(tmp_path / "second"), "--corpus", str(empty)]
    assert bookmarks_main(args) == 0
    assert f"{total} added, 0 already present, {total} orphaned" in capsys.readouterr().out
    with StateStore.open(tmp_path / "second") as store:
        assert {m.status.value for m in store.bookmarks()} == {"orphaned"}


def test_default_corpus_is_the_bundled_seeds(tmp_path: Path, capsys: Capture) -> None:
    # Bookmarks made on a copy of the seeds, the orphan's passage deleted in the copy...
    seed_store(tmp_path / "first", copy_seeds(tmp_path / "copy"))
    file = tmp_path / "export.json"
    assert bookmarks_main(["export", "--data-dir", str(tmp_path / "first"), "-o", str(file)]) == 0
    assert '"status": "orphaned"' in file.read_text("utf-8")
    # ...imported without --corpus: they are looked for in the bundled seeds.
    assert bookmarks_main(["import", str(file), "--data-dir", str(tmp_path / "second")]) == 0
    assert "3 added, 0 already present, 0 orphaned" in capsys.readouterr().out
    with StateStore.open(tmp_path / "second") as store:
        # Even the orphan: its passage is in the bundled seeds, so it is anchored again.
        assert {m.status.value for m in store.bookmarks()} == {"ok"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "is not valid JSON"),
        ('{"bookmarks": []}', "expected a JSON list"),
        ("[1, 2]", "row 1: expected an object"),
    ],
)
def test_bad_files_exit_2_with_a_message(
    tmp_path: Path, capsys: Capture, content: str, message: str
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(content, "utf-8")
    assert bookmarks_main(["import", str(file), "--data-dir", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert message in err and "nothing was imported" in err and "Traceback" not in err
    assert count_rows(tmp_path / "d") == 0


def test_one_bad_row_in_the_middle_adds_nothing(
    tmp_path: Path, corpus: Path, capsys: Capture
) -> None:
    seed_store(tmp_path / "first", corpus)
    assert bookmarks_main(["export", "--data-dir", str(tmp_path / "first")]) == 0
    rows = json.loads(capsys.readouterr().out)
    del rows[1]["quote"]
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    data = tmp_path / "second"
    args = ["import", str(file), "--data-dir", str(data), "--corpus", str(corpus)]
    assert bookmarks_main(args) == 2
    assert "row 2: 'quote' is missing; nothing was imported" in capsys.readouterr().err
    assert count_rows(data) == 0


def test_usage_errors(tmp_path: Path, capsys: Capture) -> None:
    assert bookmarks_main([]) == 2
    assert bookmarks_main(["export", "--format", "pdf"]) == 2
    assert bookmarks_main(["import", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    file = tmp_path / "empty.json"
    file.write_text("[]", "utf-8")
    assert bookmarks_main(["import", str(file), "--corpus", str(tmp_path / "nope")]) == 2
    assert "no such corpus" in capsys.readouterr().err
    assert bookmarks_main(["--help"]) == 0
    assert "export" in capsys.readouterr().out


def test_export_to_an_unwritable_place_exits_1(tmp_path: Path, capsys: Capture) -> None:
    target = tmp_path / "no-such-dir" / "out.md"
    assert bookmarks_main(["export", "--format", "md", "-o", str(target)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert not target.parent.exists()


def test_markdown_export_and_list(tmp_path: Path, corpus: Path, capsys: Capture) -> None:
    data = tmp_path / "data"
    seed_store(data, corpus)
    out = tmp_path / "b.md"
    assert (
        bookmarks_main(["export", "--format", "md", "--data-dir", str(data), "-o", str(out)]) == 0
    )
    text = out.read_text("utf-8")
    titles = {load_article(corpus / n).title for n in (PLAIN, ZNEWS)}
    assert sum(line.startswith("## ") for line in text.splitlines()) == len(titles)
    assert "ghi chú \\*một\\*" in text and text.count("\n> ") == 3
    assert bookmarks_main(["list", "--data-dir", str(data)]) == 0
    listed = capsys.readouterr().out
    statuses = re.findall(r"^\S+ \S+  (\S+) ", listed, re.MULTILINE)
    assert sorted(statuses) == ["ok", "ok", "orphaned"]
    assert "note: mồ côi" in listed
    assert bookmarks_main(["list", "--data-dir", str(tmp_path / "fresh")]) == 0
    assert "No bookmarks yet." in capsys.readouterr().out


def test_list_makes_hostile_text_visible(tmp_path: Path, capsys: Capture) -> None:
    row = {
        "uid": "hostile",
        "article_key": "k",
        "title": "Tiêu đề\x1b[2J",
        "path": "/x\x1b]0;pwned\x07.txt",
        "passage_index": 0,
        "quote": "Đoạn \x1b[31mđỏ\u202e",
        "start": 0,
        "end": 5,
        "note": "ghi chú\x9b2J",
        "created": "2025-01-01T00:00:00Z",
    }
    file = tmp_path / "hostile.json"
    file.write_text(json.dumps([row]), "utf-8")
    data = tmp_path / "data"
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 0
    assert bookmarks_main(["list", "--data-dir", str(data)]) == 0
    listed = capsys.readouterr().out
    assert "Đoạn ␛[31mđỏ" in listed
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", listed)


def _run(*args: str, env_data: Path) -> subprocess.Popen[str]:
    code = (
        "import sys; from tui_reader.cli.bookmarks_commands import bookmarks_main; "
        "sys.exit(bookmarks_main(sys.argv[1:]))"
    )
    env = {**os.environ, "TUI_READER_DATA_DIR": str(env_data)}
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_real_process_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    proc = _run("import", str(bad), env_data=tmp_path / "data")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "not UTF-8" in err and "Traceback" not in err and out == ""


def big_export(tmp_path: Path, corpus: Path, count: int) -> Path:
    article = load_article(corpus / ZNEWS)
    base = new_bookmark(article, 3)
    rows = [
        {
            "uid": f"uid-{n}",
            "article_key": base.article_key,
            "title": base.title,
            "path": str(base.path),
            "passage_index": n % len(article.passages),
            "quote": article.passages[n % len(article.passages)].text,
            "start": 0,
            "end": len(article.passages[n % len(article.passages)].text),
            "created": f"2025-01-01T00:00:{n % 60:02d}Z",
        }
        for n in range(count)
    ]
    file = tmp_path / "big.json"
    file.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return file


def test_an_import_killed_at_any_moment_adds_all_or_nothing(tmp_path: Path, corpus: Path) -> None:
    count = 5000
    file = big_export(tmp_path, corpus, count)
    started = time.monotonic()
    finished = _run("import", str(file), "--corpus", str(corpus), env_data=tmp_path / "whole")
    out, err = finished.communicate(timeout=120)
    took = time.monotonic() - started
    assert finished.returncode == 0, err
    assert f"{count} added" in out and count_rows(tmp_path / "whole") == count
    # Kill runs at moments spread over the late part of a run, where the write happens.
    for attempt, share in enumerate((0.5, 0.65, 0.75, 0.85, 0.9, 0.95, 1.0)):
        data = tmp_path / f"data{attempt}"
        proc = _run("import", str(file), "--corpus", str(corpus), env_data=data)
        time.sleep(took * share)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        rows = count_rows(data)
        assert rows in (0, count), f"killed after {took * share:.2f}s: {rows} of {count} rows"


# --- issue #8: stray keys and hostile input on the command line ------------------------


def test_export_format_follows_the_extension_and_help_says_so(
    tmp_path: Path, corpus: Path, capsys: Capture
) -> None:
    data = tmp_path / "data"
    seed_store(data, corpus)
    notes, dump = tmp_path / "notes.md", tmp_path / "dump.JSON"
    assert bookmarks_main(["export", "--data-dir", str(data), "-o", str(notes)]) == 0
    assert notes.read_text("utf-8").startswith("# Bookmarks")
    assert bookmarks_main(["export", "--data-dir", str(data), "-o", str(dump)]) == 0
    assert isinstance(json.loads(dump.read_text("utf-8")), list)
    other = tmp_path / "other.md"
    args = ["export", "--data-dir", str(data), "--format", "json", "-o", str(other)]
    assert bookmarks_main(args) == 0
    assert isinstance(json.loads(other.read_text("utf-8")), list)  # --format wins
    capsys.readouterr()
    assert bookmarks_main(["export", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "default: from the extension of -o FILE" in help_text
    assert "JSON on stdout" in help_text


def test_export_never_replaces_a_file_without_being_asked(
    tmp_path: Path, corpus: Path, capsys: Capture
) -> None:
    data = tmp_path / "data"
    seed_store(data, corpus)
    target = tmp_path / "notes.md"
    target.write_text("my own line\n", "utf-8")
    assert bookmarks_main(["export", "--data-dir", str(data), "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "exists; nothing was written (use --force to replace it)" in err
    assert target.read_text("utf-8") == "my own line\n"
    args = ["export", "--data-dir", str(data), "-o", str(target), "--force"]
    assert bookmarks_main(args) == 0
    assert target.read_text("utf-8").startswith("# Bookmarks")


def test_export_resolves_against_the_files_as_they_are_now(
    tmp_path: Path, corpus: Path, capsys: Capture
) -> None:
    """No app has re-checked the corpus: the export still reports the files' state."""
    plain = load_article(corpus / PLAIN)
    data = tmp_path / "data"
    with StateStore.open(data) as store:
        store.add_bookmark(new_bookmark(plain, 2))
        store.add_bookmark(new_bookmark(plain, 4))
    # The passage of the first is deleted; a paragraph is inserted above the second.
    text = (corpus / PLAIN).read_text("utf-8")
    assert plain.passages[2].text in text
    text = text.replace(plain.passages[2].text, "Một đoạn mới, hoàn toàn khác hẳn.")
    (corpus / PLAIN).write_text(text, "utf-8")
    assert bookmarks_main(["export", "--data-dir", str(data)]) == 0
    rows = {row["quote"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[plain.passages[2].text]["status"] == "orphaned"
    assert rows[plain.passages[4].text]["status"] == "ok"
    # Moved to another folder: found with --corpus, like the app finds it.
    moved = tmp_path / "moved"
    moved.mkdir()
    (corpus / PLAIN).rename(moved / "renamed.txt")
    assert bookmarks_main(["export", "--data-dir", str(data)]) == 0
    statuses = {row["status"] for row in json.loads(capsys.readouterr().out)}
    assert statuses == {"orphaned"}
    args = ["export", "--data-dir", str(data), "--corpus", str(moved)]
    assert bookmarks_main(args) == 0
    rows = {row["quote"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[plain.passages[4].text]["status"] == "ok"
    assert rows[plain.passages[4].text]["path"] == str(moved / "renamed.txt")
    with StateStore.open(data) as store:  # nothing was saved by exporting
        assert {m.status.value for m in store.bookmarks()} == {"ok"}


def _row(uid: str = "u1", **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "uid": uid,
        "article_key": "k",
        "path": "/nowhere/a.txt",
        "title": "Bài",
        "passage_index": 0,
        "quote": "trích",
        "start": 0,
        "end": 5,
        "note": "",
        "status": "ok",
        "created": "2026-01-01T00:00:00.000+00:00",
        "updated": "2026-01-01T00:00:00.000+00:00",
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("field", "raw", "says"),
    [
        ("start", str(10**30), "out of range"),
        ("end", "9" * 5000, "out of range (5,000 digits"),
        ("passage_index", "-1", "must be at least 0"),
        ("passage_index", "2147483648", "out of range"),
        ("created", '"9999-12-31T23:59:59-05:00"', "out of range"),
        ("created", '"0001-01-01T00:00:00+05:00"', "out of range"),
        ("updated", '"2026-13-01T00:00:00"', "not an ISO-8601"),
    ],
)
def test_import_range_checks_name_the_row_and_field_and_import_nothing(
    tmp_path: Path, capsys: Capture, field: str, raw: str, says: str
) -> None:
    good = json.dumps(_row("ok-row"), ensure_ascii=False)
    bad = json.dumps(_row("bad-row", **{field: "@@"}), ensure_ascii=False).replace('"@@"', raw)
    file = tmp_path / "import.json"
    file.write_text(f"[{good}, {bad}]", "utf-8")
    data = tmp_path / "data"
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"row 2: {field!r}" in err and says in err and "nothing was imported" in err
    assert "Traceback" not in err and len(err) < 400
    assert count_rows(data) == 0


def test_a_real_process_refuses_out_of_range_values_with_exit_2(tmp_path: Path) -> None:
    bad = json.dumps([_row(start=1)]).replace('"start": 1', f'"start": {10**30}')
    file = tmp_path / "huge.json"
    file.write_text(bad, "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tui_reader", "bookmarks", "import", str(file)],
        capture_output=True,
        text=True,
        env={**os.environ, "TUI_READER_DATA_DIR": str(tmp_path / "d")},
    )
    assert done.returncode == 2, done.stderr
    assert "row 1: 'start' is out of range" in done.stderr and "Traceback" not in done.stderr


def test_repeated_uid_in_one_file_keeps_the_newest_and_says_so(
    tmp_path: Path, capsys: Capture
) -> None:
    old = _row(note="cũ", updated="2026-01-02T00:00:00.000+00:00")
    new = _row(note="mới", updated="2026-03-01T00:00:00.000+00:00")
    file = tmp_path / "dup.json"
    file.write_text(json.dumps([new, old, new], ensure_ascii=False), "utf-8")
    data = tmp_path / "data"
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out and "2 repeated rows in the file (the newest of each used)" in out
    with StateStore.open(data) as store:
        assert [m.note for m in store.bookmarks()] == ["mới"]
    # Same time, different content: the file contradicts itself; nothing is guessed.
    clash = _row("u2", note="một"), _row("u2", note="hai")
    file.write_text(json.dumps(list(clash), ensure_ascii=False), "utf-8")
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "rows 1 and 2" in err and "'u2'" in err and "nothing was imported" in err
    assert count_rows(data) == 1


def test_reimport_brings_in_a_note_edited_elsewhere(tmp_path: Path, capsys: Capture) -> None:
    data = tmp_path / "data"
    file = tmp_path / "first.json"
    file.write_text(json.dumps([_row(note="đầu")], ensure_ascii=False), "utf-8")
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 0
    edited = _row(note="sửa trên máy khác", updated="2026-05-01T00:00:00.000+00:00")
    file.write_text(json.dumps([edited], ensure_ascii=False), "utf-8")
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 0
    assert "1 note updated to the newer version in the file" in capsys.readouterr().out
    with StateStore.open(data) as store:
        (mark,) = store.bookmarks()
        assert mark.note == "sửa trên máy khác"
        store.update_note(mark.id, "sửa ở đây sau cùng")  # now newer here than the file
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 0
    assert "1 note kept as edited here (newer than the file)" in capsys.readouterr().out
    with StateStore.open(data) as store:
        assert [m.note for m in store.bookmarks()] == ["sửa ở đây sau cùng"]


def test_an_import_on_a_full_disk_says_so_and_saves_nothing_later(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_reader.store import db

    data = tmp_path / "data"
    with StateStore.open(data) as store:
        store.set_read("a")  # a database that exists and works
    full = {"on": True}

    def capped(path: Path) -> sqlite3.Connection:
        conn = db.connect(path)
        if full["on"]:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages:d}")
        return conn

    real_open = StateStore.open

    def open_full(data_dir: object = None, **_: object) -> StateStore:
        return real_open(data_dir, connector=capped)  # type: ignore[arg-type]

    monkeypatch.setattr(StateStore, "open", staticmethod(open_full))
    rows = [_row(f"u{n}", quote="trích " * 200) for n in range(300)]
    file = tmp_path / "big.json"
    file.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "no space left on device" in err and str(data / "state.sqlite3") in err
    assert "nothing was imported" in err
    assert "when that becomes possible" not in err and "will be saved" not in err
    full["on"] = False  # room again: still nothing, the import was not kept for later
    assert count_rows(data) == 0


def test_list_keeps_one_line_per_field_whatever_the_names(
    tmp_path: Path, capsys: Capture
) -> None:
    forged = "a.txt\n2026-01-01 00:00  ok        FORGED BOOKMARK"
    row = _row(path=f"/corpus/{forged}", title="Tiêu đề\nthứ hai \x1b]2;pwn\x07")
    file = tmp_path / "names.json"
    file.write_text(json.dumps([row], ensure_ascii=False), "utf-8")
    data = tmp_path / "data"
    assert bookmarks_main(["import", str(file), "--data-dir", str(data)]) == 0
    capsys.readouterr()
    assert bookmarks_main(["list", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert not any(line.startswith("2026-01-01 00:00  ok        FORGED") for line in lines)
    assert "␤" in out and "\x1b" not in out and len(out.strip().splitlines()) == 3
