"""Keymap mistakes are reported in words, and what is right in the keymap still applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import MakeApp
from tests.ui.helpers import main_screen, settle
from tui_reader.cli import main
from tui_reader.ui.bindings import is_valid_key, key_label
from tui_reader.ui.keymap import keymap_problems, valid_keymap


@pytest.mark.parametrize("key", ["q", "Q", "ctrl+q", "question_mark", "f5", "shift+tab", "space"])
def test_valid_keys(key: str) -> None:
    assert is_valid_key(key)


@pytest.mark.parametrize("key", ["notakey", "ctrl+", "hyperctrl+x", "f99", "", "ctrl+notakey"])
def test_invalid_keys(key: str) -> None:
    assert not is_valid_key(key)


def test_key_labels() -> None:
    assert key_label("ctrl+p") == "Ctrl+P"
    assert key_label("question_mark") == "?"
    assert key_label("pagedown") == "PgDn"
    assert key_label("G") == "G"


def test_unknown_id_is_named_with_a_suggestion() -> None:
    (problem,) = keymap_problems({"main.toggle_reed": "r"})
    assert "'main.toggle_reed'" in problem
    assert "main.toggle_read" in problem
    assert "tui-reader keys" in problem


def test_invalid_key_name_is_named_and_the_valid_ones_kept() -> None:
    (problem,) = keymap_problems({"main.search": "notakey,ctrl+f"})
    assert "'notakey'" in problem and "main.search" in problem
    assert valid_keymap({"main.search": "notakey,ctrl+f", "nope": "x"}) == {"main.search": "ctrl+f"}


def test_taking_q_from_quit_is_reported() -> None:
    (problem,) = keymap_problems({"main.toggle_read": "q"})
    assert "Quit (main.quit)" in problem
    assert "no key left" in problem
    assert "ctrl+q" in problem


def test_taking_a_key_another_binding_keeps_is_fine_when_that_one_moves_too() -> None:
    assert keymap_problems({"main.toggle_read": "q", "main.quit": "Q"}) == []


def test_a_good_keymap_has_no_problems() -> None:
    assert keymap_problems({"main.toggle_read": "r", "list.down": "down,j,ctrl+n"}) == []


async def test_the_app_warns_at_start_and_applies_the_rest(
    make_app: MakeApp, isolated_user_dirs: dict[str, Path]
) -> None:
    (isolated_user_dirs["config"] / "config.toml").write_text(
        '[keymap]\n"main.toggle_read" = "q"\n"main.nope" = "x"\n"main.search" = "notakey"\n',
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        messages = " | ".join(n.message for n in app._notifications)
        assert "main.nope" in messages
        assert "'notakey'" in messages
        assert "Quit (main.quit)" in messages
        await pilot.press("q")  # now toggles read; the app stays up
        assert app.is_running
        assert main_screen(pilot).article_list.rows[0].key in app.store.read_keys_cache
        await pilot.press("slash")  # main.search kept its default: the bad key was ignored
        assert main_screen(pilot).search_bar.has_focus


def test_keys_command_lists_ids_and_reports_mistakes(
    isolated_user_dirs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys"]) == 0
    out = capsys.readouterr().out
    assert "main.toggle_read" in out and "app.palette" in out and "bookmarks.delete" in out
    (isolated_user_dirs["config"] / "keymap.toml").write_text(
        '[keymap]\n"main.toggle_read" = "r"\n"bad.id" = "x"\n', encoding="utf-8"
    )
    assert main(["keys"]) == 1
    captured = capsys.readouterr()
    row = next(line for line in captured.out.splitlines() if "main.toggle_read" in line)
    assert row.split()[1] == "r"
    assert "bad.id" in captured.err
