"""The search index on a full cache dir: the reader is told, in words, with the path."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle


async def test_a_full_cache_dir_is_a_notification_not_no_matches(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, isolated_user_dirs: dict[str, Path]
) -> None:
    from tui_reader.search import files

    def full(fh: object, data: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files, "_write", full)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot)
        messages = [n.message for n in app._notifications]
        failed = [m for m in messages if "no space left on device" in m]
        assert failed, messages
        assert str(isolated_user_dirs["cache"]) in failed[0]
        assert "requested" not in failed[0]
        assert screen.index_label.startswith("indexing failed")
        assert app.is_running
