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
    """Three bookmarks (one orphaned) in ``data``; returns how many."""
    plain, znews = load_article(corpus / PLAIN), load_article(corpus / ZNEWS)
    with StateStore.open(data) as store:
        store.add_bookmark(new_bookmark(plain, 2, "ghi chú *một*"))
        store.add_bookmark(new_bookmark(znews, 5))
        orphan = store.add_bookmark(new_bookmark(znews, 8, "mồ côi"))
        reanchor(store, orphan, None)
        return len(store.bookmarks())


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
    seed_store(tmp_path / "first", seeds_dir())
    file = tmp_path / "export.json"
    assert bookmarks_main(["export", "--data-dir", str(tmp_path / "first"), "-o", str(file)]) == 0
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
