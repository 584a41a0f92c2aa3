"""``tui-reader index`` and ``tui-reader search`` end to end, through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import copy_seeds
from tui_reader.cli import main

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return copy_seeds(tmp_path / "corpus")


def test_index_reports_counts_then_nothing_to_do(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    assert main(["index", str(corpus), "--cache-dir", str(cache), "--workers", "0"]) == 0
    out = capsys.readouterr().out
    assert "2 articles indexed from 2 files" in out
    assert "new 2 · changed 0 · removed 0 · unchanged 0" in out
    assert "2 articles segmented" in out
    (corpus / "bad.txt").write_bytes(b"\x00binary\x00" * 20)
    assert main(["index", str(corpus), "--cache-dir", str(cache), "--workers", "0"]) == 0
    out = capsys.readouterr().out
    assert "unchanged 2" in out and "0 articles segmented" in out
    assert "skipped 1 file:" in out


def test_index_defaults_to_the_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--workers", "0", "--quiet"]) == 0  # Cache dir from the env (tmp).
    assert "2 articles indexed" in capsys.readouterr().out


def test_search_prints_a_ranked_list(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "search",
            "--corpus",
            str(corpus),
            "--cache-dir",
            str(tmp_path / "c"),
            "--workers",
            "0",
            "hoi",
            "nghi",
            "thuong",
            "dinh",
            "ha",
            "noi",
        ]
    )
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "“hoi nghi thuong dinh ha noi”: 2 listed · 1 article holds every word · 2 hold some ("
    )
    assert lines[1].startswith("  1. Mỹ, Triều Tiên cân nhắc")
    assert "004_43a67dcebbb22425.txt" in lines[2] and "passage" in lines[2]


def test_search_json_lines_in_order_from_a_queries_file(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("trieu tien\n\nkim jong un\nxyzzyq\n", encoding="utf-8")
    code = main(
        [
            "search",
            "--corpus",
            str(corpus),
            "--cache-dir",
            str(tmp_path / "c"),
            "--workers",
            "0",
            "--queries",
            str(queries),
            "--json",
            "--limit",
            "1",
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["query"] for r in rows] == ["trieu tien", "", "kim jong un", "xyzzyq"]
    first = rows[0]
    assert set(first) == {"query", "elapsed_ms", "every", "some", "results"}
    assert 1 <= first["every"] <= first["some"]  # The status line's two counts.
    assert first["elapsed_ms"] >= 0 and len(first["results"]) == 1
    assert set(first["results"][0]) == {"path", "title", "score", "passage", "snippet"}
    top = first["results"][0]
    assert "Triều Tiên" in top["snippet"] or "Triều Tiên" in top["title"]
    assert rows[1]["results"] == [] and rows[3]["results"] == []


def test_json_keeps_vietnamese_readable(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "search",
            "--corpus",
            str(corpus),
            "--cache-dir",
            str(tmp_path / "c"),
            "--workers",
            "0",
            "--json",
            "trieu",
        ]
    )
    assert "Triều" in capsys.readouterr().out


def test_missing_corpus_or_queries_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--corpus", str(tmp_path / "nope"), "x"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["index", str(tmp_path / "nope")]) == 2
    assert main(["search", "--queries", str(tmp_path / "none.txt")]) == 2
    assert "cannot read the queries file" in capsys.readouterr().err
    assert main(["search"]) == 2
    assert main(["search", "--limit", "0", "x"]) == 2


def test_unwritable_cache_is_a_clear_error(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["index", str(corpus), "--cache-dir", str(blocker), "--workers", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tui-reader: cannot use the index folder") and "Traceback" not in err


def test_index_and_search_default_to_the_configured_corpus(
    tmp_path: Path, isolated_user_dirs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(
        "Giá xăng giảm mạnh\n\nGiá xăng giảm lần thứ ba trong tháng.\n", encoding="utf-8"
    )
    (isolated_user_dirs["config"] / "config.toml").write_text(
        f'corpus = ["{news}"]\n', encoding="utf-8"
    )
    assert main(["index", "--workers", "0", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 article indexed from 1 file " in out, out
    assert main(["search", "--workers", "0", "gia xang"]) == 0
    out = capsys.readouterr().out
    assert "Giá xăng giảm mạnh" in out and "Triều Tiên" not in out, out


def test_a_small_corpus_is_indexed_without_worker_processes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without ``--workers`` a corpus under SMALL_CORPUS articles starts no pool (a spawn
    pool importing pyvi in every worker costs more than the work); a given value is kept."""
    from tui_reader.search import index, update

    def no_pool(workers: int) -> object:
        raise AssertionError(f"a pool of {workers} started for a small corpus")

    monkeypatch.setattr(update, "_pool", no_pool)
    cache = str(tmp_path / "cache")
    assert main(["search", "--corpus", str(corpus), "--cache-dir", cache, "trieu tien"]) == 0
    assert "Triều Tiên" in capsys.readouterr().out
    assert main(["index", str(corpus), "--cache-dir", str(tmp_path / "other")]) == 0
    assert "2 articles indexed" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="a pool of 1 started"):  # --workers is obeyed
        main(["index", str(corpus), "--cache-dir", str(tmp_path / "third"), "--workers", "1"])
    assert index.default_workers(index.SMALL_CORPUS - 1) == 0
    assert index.default_workers(index.SMALL_CORPUS) is None  # one per core
