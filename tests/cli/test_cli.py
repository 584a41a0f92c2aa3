"""The command line: argument checks, exit statuses and the packaged seeds."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tui_reader.cli import main
from tui_reader.paths import seeds_dir

REPO = Path(__file__).resolve().parents[2]


def test_missing_path_is_refused_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "nope"), str(REPO / "seeds")]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err
    assert str(tmp_path / "nope") in err
    assert "Traceback" not in err


def test_version_and_help_run_as_a_module() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui_reader", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("tui-reader ")
    helped = subprocess.run(
        [sys.executable, "-m", "tui_reader", "--help"], capture_output=True, text=True
    )
    assert helped.returncode == 0
    assert "--data-dir" in helped.stdout
    assert "TUI_READER_DATA_DIR" in helped.stdout


def test_seeds_are_found_from_a_checkout() -> None:
    found = sorted(p.name for p in seeds_dir().glob("*.txt"))
    assert found == ["000_3e0ed1ba5c5dd459.txt", "004_43a67dcebbb22425.txt"]


def test_wheel_ships_the_seeds_byte_for_byte(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("tui_reader-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        for seed in (REPO / "seeds").glob("*.txt"):
            assert archive.read(f"tui_reader/seeds/{seed.name}") == seed.read_bytes()
        assert "tui_reader/ui/reader.tcss" in archive.namelist()


def test_configured_corpus_is_the_default_and_a_missing_one_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_user_dirs: dict[str, Path]
) -> None:
    config = isolated_user_dirs["config"] / "config.toml"
    config.write_text(f'corpus = ["{tmp_path / "gone"}"]\n', encoding="utf-8")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / "gone") in err
    assert str(config) in err


def test_help_names_the_config_dir(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "config.toml" in out
    assert "TUI_READER_CONFIG_DIR" in out
