"""A damaged index file never costs a traceback or a wrong result: it is found and repaired.

Bytes are overwritten inside every file of a committed index (random bytes and
runs of 0xff, never a truncation: the size stays right, only a checksum can
tell), then the index is loaded and updated as the app and the CLI do, and
every query must give exactly what a clean index gives.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from tests.search.conftest import files_of, small_corpus, write_article
from tui_reader.cli import main
from tui_reader.search import files as index_files
from tui_reader.search.engine import search
from tui_reader.search.files import IndexWriteError
from tui_reader.search.index import IndexBuilder, index_dir_for

QUERIES = [
    "hoi nghi thuong dinh ha noi",
    "trieu tien",
    "kim jong un",
    "da nang",
    "nghi su keo dai",
    "bao so 5",
    "thuong",
    "ha giang noi bai",
]


def _corpus(folder: Path) -> Path:
    small_corpus(folder)
    write_article(folder, "gone.txt", "Bão số 5 đổ bộ", "Cơn bão mạnh gây mưa lớn ở Đà Nẵng.")
    return folder


def _search_args(corpus: Path, cache: Path, *rest: str) -> list[str]:
    """``tui-reader search`` on ``corpus`` with its index in ``cache``, in-process."""
    return ["search", "--corpus", str(corpus), "--cache-dir", str(cache), "--workers", "0", *rest]


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus and its committed index: a segment with a deletion mask."""
    root = tmp_path_factory.mktemp("damage")
    corpus = _corpus(root / "corpus")
    index = root / "index"
    builder = IndexBuilder(index, workers=0)
    builder.update(files_of(corpus))
    (corpus / "gone.txt").unlink()  # Masked out of the first segment.
    builder.update(files_of(corpus))
    return corpus, index


def _results(builder: IndexBuilder) -> list[list[tuple[str, int | None, float]]]:
    snapshot = builder.snapshot()
    return [
        [(h.path, h.passage, round(h.score, 6)) for h in search(snapshot, q, limit=10).hits]
        for q in QUERIES
    ]


def _index_files(index: Path) -> list[Path]:
    return sorted(p for p in index.rglob("*") if p.is_file() and p.name != "lock")


def _damage(path: Path, kind: str, seed: int) -> None:
    """Overwrite up to 16 bytes inside ``path`` (its size is unchanged)."""
    data = bytearray(path.read_bytes())
    rng = random.Random(seed)
    if not data:
        path.write_bytes(b"\xff" * 8)  # An empty file that is no longer empty.
        return
    length = min(16, len(data))
    at = rng.randrange(0, len(data) - length + 1)
    new = bytes([0xFF] * length) if kind == "ff" else rng.randbytes(length)
    if new == bytes(data[at : at + length]):
        new = bytes(b ^ 0x55 for b in new)
    data[at : at + length] = new
    path.write_bytes(bytes(data))


def test_the_fixture_has_every_kind_of_file(clean: tuple[Path, Path]) -> None:
    _, index = clean
    names = {p.name for p in _index_files(index)}
    assert {"manifest.json", "vocab.txt", "post.npy", "stored.bin", "meta.json"} <= names
    assert any(".d" in n and n.endswith(".npy") for n in names)  # a deletion mask
    assert len([p for p in index.iterdir() if p.is_dir()]) == 1


@pytest.mark.parametrize("kind", ["random", "ff"])
def test_damage_in_any_file_is_repaired_with_the_same_results(
    clean: tuple[Path, Path], tmp_path: Path, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, index = clean
    expected = _results(IndexBuilder(index, workers=0))
    assert all(expected[:2])  # The queries find something.
    for number, original in enumerate(_index_files(index)):
        name = original.relative_to(index)
        copy = tmp_path / f"index{number}"
        shutil.copytree(index, copy)
        _damage(copy / name, kind, seed=number)
        caplog.clear()
        builder = IndexBuilder(copy, workers=0)
        message = builder.load_error
        assert message and "damaged" in message, f"damage to {name} went unnoticed"
        stats = builder.update(files_of(corpus))
        assert stats.rebuilt == message
        assert _results(builder) == expected, f"damage to {name} changed the results"
        assert any("damaged" in r.getMessage() for r in caplog.records)
        again = IndexBuilder(copy, workers=0)  # Reported once: repaired on disk.
        assert again.load_error is None
        assert again.update(files_of(corpus)).rebuilt is None
        assert _results(again) == expected


@pytest.mark.parametrize("target", ["manifest.json", "vocab.txt", "post.npy", "stored.bin"])
def test_cli_search_on_a_damaged_index_is_clean(
    clean: tuple[Path, Path],
    tmp_path: Path,
    target: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corpus, index = clean
    cache = tmp_path / "cache"
    args = _search_args(corpus, cache, "--json", "--queries", str(tmp_path / "q.txt"))
    (tmp_path / "q.txt").write_text("\n".join(QUERIES), encoding="utf-8")
    folder = index_dir_for([corpus], cache)
    folder.parent.mkdir(parents=True)
    shutil.copytree(index, folder)
    assert main(args) == 0
    expected = capsys.readouterr().out
    victim = next(p for p in _index_files(folder) if p.name == target)
    _damage(victim, "random", seed=7)
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "note: the search index" in captured.err and "damaged" in captured.err
    assert _without_times(captured.out) == _without_times(expected)
    assert main(args) == 0
    assert "damaged" not in capsys.readouterr().err  # Said once.


def _without_times(out: str) -> list[dict[str, object]]:
    return [{**json.loads(line), "elapsed_ms": 0} for line in out.splitlines()]


def _full_disk_after(monkeypatch: pytest.MonkeyPatch, allowed: int) -> None:
    """Every index write after ``allowed`` bytes fails as a full disk does."""
    budget = [allowed]
    real = index_files._write

    def write(fh: object, data: bytes | memoryview) -> None:
        if budget[0] < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        budget[0] -= len(data)
        real(fh, data)  # type: ignore[arg-type]

    monkeypatch.setattr(index_files, "_write", write)


def test_a_full_disk_says_so_with_the_path(
    clean: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, _ = clean
    _full_disk_after(monkeypatch, 1000)
    builder = IndexBuilder(tmp_path / "index", workers=0)
    with pytest.raises(IndexWriteError) as caught:
        builder.update(files_of(corpus))
    message = str(caught.value)
    assert message.startswith("no space left on device: ")
    assert str(tmp_path / "index") in message
    assert caught.value.errno == errno.ENOSPC
    monkeypatch.undo()
    # Nothing half-written is trusted: the next update finishes the job.
    again = IndexBuilder(tmp_path / "index", workers=0)
    assert again.update(files_of(corpus)).indexed == len(files_of(corpus))


def test_cli_on_a_full_disk_says_no_space_left(
    clean: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corpus, _ = clean
    _full_disk_after(monkeypatch, 3000)
    cache = tmp_path / "cache"
    code = main(_search_args(corpus, cache, "ha", "noi"))
    err = capsys.readouterr().err
    assert code == 1
    assert "no space left on device" in err and str(index_dir_for([corpus], cache)) in err
    assert "requested" not in err and "Traceback" not in err
    assert "will be saved" not in err
