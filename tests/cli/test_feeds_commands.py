"""``tui-reader feeds ...`` end to end against a local server, and the library default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feeds.fixtures import STORIES, atom_full, rss_summaries, site_page_with_feed_link
from tests.feeds.helpers import article_files
from tests.feeds.server import FeedServer, Route
from tui_reader.cli import main
from tui_reader.library import user_library
from tui_reader.paths import seeds_dir

ATOM = "application/atom+xml"


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A local HTTP server on 127.0.0.1 serving fixture feeds."""
    srv = FeedServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def data(isolated_user_dirs: dict[str, Path]) -> Path:
    return isolated_user_dirs["data"]


def _serve(server: FeedServer) -> None:
    server.routes["/thoi-su.atom"] = Route(
        atom_full(server.base, "ts", STORIES[:4], title="Thời sự"), content_type=ATOM
    )
    server.routes["/kinh-te.atom"] = Route(
        atom_full(server.base, "kt", STORIES[3:], title="Kinh tế"), content_type=ATOM
    )
    server.routes["/"] = Route(
        site_page_with_feed_link(server.base, "/kinh-te.atom"),
        content_type="text/html; charset=utf-8",
    )
    server.routes["/broken"] = Route(b"boom", status=503)


def test_add_list_fetch_export_import_remove(
    server: FeedServer, data: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _serve(server)
    assert main(["feeds", "add", server.url("/thoi-su.atom")]) == 0
    assert "Subscribed to Thời sự" in capsys.readouterr().out
    assert main(["feeds", "add", server.url("/"), "--name", "Kinh tế"]) == 0  # discovered
    assert main(["feeds", "add", server.url("/thoi-su.atom")]) == 1
    assert "already subscribed" in capsys.readouterr().err

    assert main(["feeds", "fetch", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    # One story is in both feeds: fetched at once, whichever saw it first saved it.
    assert {r["name"] for r in lines} == {"Thời sự", "Kinh tế"} and all(r["ok"] for r in lines)
    assert sum(r["new"] for r in lines) == 6 and sum(r["unchanged"] for r in lines) == 1
    assert main(["feeds", "fetch", "Thời sự"]) == 0
    out = capsys.readouterr().out
    assert "ok   Thời sự: unchanged (not modified)" in out

    assert main(["feeds", "list", "--json"]) == 0
    listed = {r["name"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert listed["Thời sự"]["articles"] == 4 and listed["Kinh tế"]["articles"] == 3
    assert listed["Thời sự"]["last_error"] is None and listed["Thời sự"]["last_fetch"]

    opml = tmp_path / "feeds.opml"
    assert main(["feeds", "export", "-o", str(opml)]) == 0
    assert main(["feeds", "--data-dir", str(tmp_path / "other"), "import", str(opml)]) == 0
    capsys.readouterr()
    assert main(["feeds", "--data-dir", str(tmp_path / "other"), "list", "--json"]) == 0
    imported = {r["url"] for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert imported == {server.url("/thoi-su.atom"), server.url("/kinh-te.atom")}

    # Not on a terminal and no choice given: refused, nothing changed.
    assert main(["feeds", "remove", "Kinh tế"]) == 2
    assert "--keep-articles or --delete-articles" in capsys.readouterr().err
    assert main(["feeds", "remove", server.url("/kinh-te.atom"), "--delete-articles"]) == 0
    assert "Deleted 2 articles. Kept 1 article." in capsys.readouterr().out  # shared: stays
    assert len(article_files(data)) == 4
    assert main(["feeds", "remove", "nope"]) == 2


def test_fetch_exits_1_when_a_feed_fails_and_reports_it(
    server: FeedServer, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(server)
    main(["feeds", "add", server.url("/thoi-su.atom")])
    from tui_reader.feeds.store import FeedStore

    with FeedStore(data) as store:
        store.add_feed("Hỏng", server.url("/broken"), "hong")
    capsys.readouterr()
    assert main(["feeds", "fetch"]) == 1
    captured = capsys.readouterr()
    assert "FAIL Hỏng: failed: HTTP 503 Service Unavailable" in captured.out
    assert "ok   Thời sự: 4 new, 0 unchanged" in captured.out
    assert "1 failed" in captured.err
    assert main(["feeds", "list"]) == 0
    assert "ERROR: HTTP 503" in capsys.readouterr().out


def test_output_never_carries_escape_sequences(
    server: FeedServer, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = "Tin\x1b[2J\x1b]0;owned\x07 nóng"
    server.routes["/evil.rss"] = Route(rss_summaries(server.base, "e", STORIES[:1], title=evil))
    assert main(["feeds", "add", server.url("/evil.rss")]) == 0
    main(["feeds", "fetch"])
    main(["feeds", "list"])
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.out
    assert "Tin␛[2J␛]0;owned␇ nóng" in captured.out


def test_prune_and_bad_ages(
    server: FeedServer, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve(server)
    main(["feeds", "add", server.url("/thoi-su.atom")])
    main(["feeds", "fetch"])
    capsys.readouterr()
    assert main(["feeds", "prune", "--older-than", "soon"]) == 2
    assert main(["feeds", "prune", "--older-than", "1d", "--dry-run"]) == 0
    assert "Would delete 4 articles" in capsys.readouterr().out
    assert len(article_files(data)) == 4
    assert main(["feeds", "prune", "--older-than", "1d"]) == 0
    assert len(article_files(data)) == 0


def test_the_library_is_feeds_and_configured_folders_else_the_samples(
    server: FeedServer, data: Path, tmp_path: Path
) -> None:
    empty = user_library(data)
    assert empty.roots == (seeds_dir(),) and empty.samples and empty.label == "sample articles"
    _serve(server)
    main(["feeds", "add", server.url("/thoi-su.atom")])
    subscribed = user_library(data)
    assert subscribed.samples and subscribed.feeds is not None
    assert subscribed.roots == (seeds_dir(), subscribed.feeds)
    main(["feeds", "fetch"])
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("Tiêu đề\n\nNội dung bài viết.", encoding="utf-8")
    full = user_library(data, [folder, tmp_path / "missing"])
    assert not full.samples and full.label == "library"
    assert full.roots == (folder, subscribed.feeds)
    assert full.missing == (tmp_path / "missing",)


def test_a_library_with_feeds_reads_newest_first_unless_the_user_chose(
    server: FeedServer, data: Path, tmp_path: Path
) -> None:
    from tui_reader.config import Settings, SortOrder
    from tui_reader.library import library_settings

    config = tmp_path / "config.toml"
    assert library_settings(Settings(), user_library(data), config).sort is SortOrder.PATH
    _serve(server)
    main(["feeds", "add", server.url("/thoi-su.atom")])
    library = user_library(data)
    assert library_settings(Settings(), library, config).sort is SortOrder.DATE
    config.write_text('sort = "path"\n', encoding="utf-8")
    assert library_settings(Settings(), library, config).sort is SortOrder.PATH
    titled = Settings(sort=SortOrder.TITLE)
    assert library_settings(titled, library, tmp_path / "none.toml").sort is SortOrder.TITLE
