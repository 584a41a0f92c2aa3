"""Existing ``.txt`` articles keep their content keys: read marks and bookmarks hang on them.

The keys were recorded with the parser as it was before the format readers (commit
bf81dfe): the two seeds pinned here, and for the 35k baomoi corpus a digest of every
key plus every 50th key (``data/baomoi_keys.tsv``), so a change shows which files moved.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.loader import open_article
from tui_reader.articles.model import Article
from tui_reader.bookmarks import new_bookmark
from tui_reader.bookmarks.resolve import resolve

SEED_KEYS = {
    "000_3e0ed1ba5c5dd459.txt": "1d8d0d2dfb7ff9c2a961",
    "004_43a67dcebbb22425.txt": "7e1c4476dd65d8735777",
}
RECORDED = Path(__file__).parent / "data" / "baomoi_keys.tsv"


def test_seed_keys_are_unchanged(seeds_dir: Path, tmp_path: Path) -> None:
    for name, key in SEED_KEYS.items():
        assert open_article(seeds_dir / name).key == key
    listing = refresh_listing(tmp_path / "cache", [seeds_dir])
    assert {os.path.basename(m.path): m.key for m in listing.articles} == SEED_KEYS


def _recorded() -> tuple[str, dict[str, str]]:
    digest = ""
    sample: dict[str, str] = {}
    for line in RECORDED.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        name, key = line.split("\t")
        if name == "digest":
            digest = key
        else:
            sample[name] = key
    return digest, sample


@pytest.mark.slow
def test_every_baomoi_key_is_unchanged(tmp_path: Path) -> None:
    corpus = os.environ.get("TUI_READER_TEST_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        pytest.skip("set TUI_READER_TEST_CORPUS to the unpacked baomoi-35k folder")
    listing = refresh_listing(tmp_path / "cache", [Path(corpus)])
    keys = {os.path.basename(m.path): m.key for m in listing.articles}
    assert len(keys) == 35_440 and not listing.skipped
    digest, sample = _recorded()
    moved = {name: key for name, key in sample.items() if keys.get(name) != key}
    assert moved == {}
    lines = "".join(f"{name}\t{keys[name]}\n" for name in sorted(keys))
    assert hashlib.sha256(lines.encode()).hexdigest() == digest
    # The article a reader opens has the key the list shows.
    for name in list(sample)[::20]:
        assert open_article(Path(corpus) / name).key == sample[name]


OLD_COMMIT = "bf81dfe"  # the last commit before the format readers


def _old_parser() -> types.ModuleType:
    """The .txt parser as it was at ``OLD_COMMIT``, loaded from git history."""
    repo = Path(__file__).resolve().parents[2]
    try:
        source = subprocess.run(
            ["git", "-C", str(repo), "show", f"{OLD_COMMIT}:tui_reader/articles/parse.py"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"git history with commit {OLD_COMMIT} is not available")
    module = types.ModuleType("tui_reader_old_parse")
    sys.modules[module.__name__] = module  # dataclasses look their module up there
    exec(compile(source, "old_parse.py", "exec"), module.__dict__)
    return module


def _reanchor_all(old: Article, new: Article) -> tuple[int, list[str]]:
    """Bookmark every passage of ``old``; resolve each in ``new``. (count, problems)."""
    problems = []
    for index, passage in enumerate(old.passages):
        resolution = resolve(new_bookmark(old, index), new)
        if not resolution.ok or resolution.passage_index is None:
            problems.append(f"{old.path.name} #{index} orphaned: {passage.text[:80]}")
            continue
        found = set(new.passages[resolution.passage_index].text.split())
        quoted = set(passage.text.split())
        if len(found & quoted) < 0.8 * min(len(found), len(quoted)):
            problems.append(f"{old.path.name} #{index} moved to unrelated text")
    return len(old.passages), problems


def test_the_seeds_parse_as_before(seeds_dir: Path) -> None:
    old_parse = _old_parser()
    for name in SEED_KEYS:
        old, new = old_parse.load_article(seeds_dir / name), open_article(seeds_dir / name)
        assert new.passages == old.passages
        assert (new.key, new.source_name) == (old.key, old.source_name)


@pytest.mark.slow
def test_bookmarks_made_before_captions_were_recognised_still_resolve() -> None:
    """Every passage of every article whose passages changed (a quarter of the corpus),
    bookmarked with the old parser, resolves in the new parse to text it came from."""
    corpus = os.environ.get("TUI_READER_TEST_CORPUS")
    if not corpus or not Path(corpus).is_dir():
        pytest.skip("set TUI_READER_TEST_CORPUS to the unpacked baomoi-35k folder")
    old_parse = _old_parser()
    changed = marks = 0
    problems: list[str] = []
    for name in sorted(os.listdir(corpus))[::4]:
        path = Path(corpus) / name
        old, new = old_parse.load_article(path), open_article(path)
        assert new.key == old.key
        if new.passages == old.passages:
            continue
        changed += 1
        count, found = _reanchor_all(old, new)
        marks += count
        problems.extend(found)
    assert changed > 1000 and marks > 8000  # captions found in ~15% of the articles
    assert problems == []
