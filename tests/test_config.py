"""config.toml: typed settings, clear messages for mistakes, atomic comment-keeping writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.config import (
    CONFIG_FILE,
    Settings,
    SortOrder,
    load_settings,
    save_settings,
)


def write(folder: Path, text: str, name: str = CONFIG_FILE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults_and_no_problem(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "nowhere")
    assert loaded.settings == Settings()
    assert loaded.problems == ()


def test_every_key_is_read_typed(tmp_path: Path) -> None:
    write(
        tmp_path,
        'theme = "nord"\nsort = "date"\nlist_width = 30\nreading_width = 0\n'
        'corpus = ["~/news", "/srv/more"]\n[keymap]\n"main.toggle_read" = "r"\n',
    )
    settings = load_settings(tmp_path).settings
    assert settings.theme == "nord"
    assert settings.sort is SortOrder.DATE
    assert settings.list_width == 30
    assert settings.reading_width == 0
    assert settings.corpus == ("~/news", "/srv/more")
    assert settings.corpus_paths()[0] == Path.home() / "news"
    assert settings.keymap == {"main.toggle_read": "r"}


def test_broken_file_gives_a_clear_message_and_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "nord"\nsort = \n')
    loaded = load_settings(tmp_path)
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1
    assert str(path) in loaded.problems[0]
    assert "line 2" in loaded.problems[0]
    assert "Using the defaults" in loaded.problems[0]


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / CONFIG_FILE).write_bytes(b'theme = "\xff"\n')
    loaded = load_settings(tmp_path)
    assert loaded.settings == Settings()
    assert "not UTF-8" in loaded.problems[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('sort = "newest"', "expected one of path, date"),
        ("list_width = 3", "expected 15 to 85"),
        ('list_width = "wide"', "expected a whole number"),
        ("list_width = true", "expected a whole number"),
        ("reading_width = 5", "expected 30 to 400 (or 0)"),
        ("corpus = 7", "expected a list of paths"),
        ('theme = ""', "expected a non-empty string"),
    ],
)
def test_a_wrong_value_is_reported_and_only_that_key_defaults(
    tmp_path: Path, line: str, expected: str
) -> None:
    key = line.split(" =")[0]
    others = {"theme": 'theme = "nord"', "reading_width": "reading_width = 100"}
    others.pop(key, None)
    write(tmp_path, "\n".join([*others.values(), line]) + "\n")
    loaded = load_settings(tmp_path)
    assert any(expected in problem for problem in loaded.problems), loaded.problems
    assert getattr(loaded.settings, key) == getattr(Settings(), key)
    if key != "theme":
        assert loaded.settings.theme == "nord"
    if key != "reading_width":
        assert loaded.settings.reading_width == 100


def test_unknown_keys_are_named_but_other_rooms_tables_are_not(tmp_path: Path) -> None:
    write(
        tmp_path, 'colour = "red"\n[feeds]\ninterval = 30\n[formats]\nfields = "title=headline"\n'
    )
    loaded = load_settings(tmp_path)
    assert loaded.problems == (f"Unknown settings in {tmp_path / CONFIG_FILE}: colour",)


def test_keymap_toml_still_works_and_config_toml_wins(tmp_path: Path) -> None:
    write(tmp_path, '[keymap]\n"main.toggle_read" = "r"\n"main.search" = "s"\n', "keymap.toml")
    write(tmp_path, '[keymap]\n"main.search" = "ctrl+f"\n"main.note" = ""\n')
    loaded = load_settings(tmp_path)
    assert loaded.settings.keymap == {"main.toggle_read": "r", "main.search": "ctrl+f"}
    assert any("main.note" in problem for problem in loaded.problems)


def test_saving_changes_only_the_given_keys_and_keeps_comments(tmp_path: Path) -> None:
    write(
        tmp_path,
        '# my settings\ntheme = "nord"  # dark at night\nlist_width = 30\n\n'
        "[feeds]\ninterval = 30\n",
    )
    settings = Settings(theme="textual-light", list_width=50, sort=SortOrder.TITLE)
    assert save_settings(tmp_path, settings, "theme", "sort") is None
    text = (tmp_path / CONFIG_FILE).read_text(encoding="utf-8")
    assert "# my settings" in text
    assert 'theme = "textual-light"' in text
    assert "list_width = 30" in text  # not asked to save it
    assert "interval = 30" in text
    reloaded = load_settings(tmp_path)
    assert reloaded.problems == ()
    assert reloaded.settings.sort is SortOrder.TITLE
    assert reloaded.settings.theme == "textual-light"
    assert list(tmp_path.iterdir()) == [tmp_path / CONFIG_FILE]  # no temp file left


def test_saving_creates_the_folder_and_file(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "dir"
    assert save_settings(folder, Settings(corpus=("~/news",)), "corpus") is None
    assert load_settings(folder).settings.corpus == ("~/news",)


def test_saving_never_overwrites_a_broken_file(tmp_path: Path) -> None:
    path = write(tmp_path, "theme = [unclosed\n")
    problem = save_settings(tmp_path, Settings(theme="nord"), "theme")
    assert problem is not None
    assert str(path) in problem
    assert path.read_text(encoding="utf-8") == "theme = [unclosed\n"


def test_a_failed_write_is_reported_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, 'theme = "nord"\n')

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tui_reader.config.os.replace", refuse)
    problem = save_settings(tmp_path, Settings(theme="dracula"), "theme")
    assert problem is not None and "No space left" in problem
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert list(tmp_path.iterdir()) == [path]


def test_formats_fields_are_read_and_checked(tmp_path: Path) -> None:
    write(tmp_path, '[formats]\nfields = "title=headline,text=body"\n')
    assert load_settings(tmp_path).settings.formats_fields == {
        "title": "headline",
        "content": "body",
    }
    write(tmp_path, '[formats]\nfields = "titel=headline"\n')
    loaded = load_settings(tmp_path)
    assert loaded.settings.formats_fields == {}
    assert "unknown field 'titel'" in loaded.problems[0]
