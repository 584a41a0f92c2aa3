"""Existing ``.txt`` articles keep their content keys: read marks and bookmarks hang on them.

The keys were recorded with the parser as it was before the format readers (commit
bf81dfe): the two seeds pinned here, and for the 35k baomoi corpus a digest of every
key plus every 50th key (``data/baomoi_keys.tsv``), so a change shows which files moved.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tui_reader.articles.listing import refresh_listing
from tui_reader.articles.loader import open_article

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
