"""The log: nothing written until set up, one rotating file in the cache dir, safe lines."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from tui_reader import logs


def test_importing_configures_nothing(tmp_path: Path) -> None:
    code = (
        "import logging, tui_reader.logs, tui_reader.ui.app, tui_reader.cli;"
        "print(len(logging.getLogger('tui_reader').handlers))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "0"
    assert list(tmp_path.iterdir()) == []


def test_setup_logs_module_loggers_to_the_cache_dir(tmp_path: Path) -> None:
    path = logs.setup(tmp_path / "cache")
    assert path == tmp_path / "cache" / logs.LOG_NAME
    assert logs.setup(tmp_path / "cache") == path  # idempotent: one handler
    assert len(logging.getLogger("tui_reader").handlers) == 1
    try:
        raise ValueError("hỏng \x1b]2;title\x07")
    except ValueError:
        logging.getLogger("tui_reader.some.module").exception("worker failed")
    text = path.read_text(encoding="utf-8")
    assert "tui_reader.some.module" in text and "worker failed" in text
    assert "Traceback" in text and "ValueError: hỏng ␛]2;title␇" in text
    assert "\x1b" not in text
    assert path.stat().st_mode & 0o077 == 0


def test_setup_moves_to_another_dir_and_rotates(tmp_path: Path) -> None:
    logs.setup(tmp_path / "a")
    second = logs.setup(tmp_path / "b")
    assert second is not None and logs.current_log() == second.absolute()
    assert len(logging.getLogger("tui_reader").handlers) == 1
    line = "x" * 1000
    for _ in range(logs.MAX_BYTES // 1000 + 10):
        logging.getLogger("tui_reader.t").warning(line)
    assert (tmp_path / "b" / f"{logs.LOG_NAME}.1").exists()


def test_an_unwritable_cache_dir_means_no_log_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    assert logs.setup(blocker / "cache") is None
    logging.getLogger("tui_reader.t").error("still fine")


def test_the_cli_logs_into_its_cache_dir(tmp_path: Path) -> None:
    from tui_reader.cli import main

    cache = tmp_path / "cli-cache"
    assert main(["bookmarks", "list"]) == 0
    assert main(["search", "--cache-dir", str(cache), "--limit", "1", "ha noi"]) == 0
    assert logs.current_log() == (cache / logs.LOG_NAME).absolute()
