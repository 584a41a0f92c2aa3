"""Benchmark: a huge, messy folder read end to end, the way the app reads it.

Builds (in a temp dir) 100,000 small article files spread over nested folders,
plus the hostile cases (empty, binary, undecodable, UTF-16, Windows-1258, a
20 MB one-line file, a symlink loop, a name that is not UTF-8), then times:

* the corpus scan and a cold listing (what the list needs), then a warm one;
* a cold search index build (pyvi on every core), then an unchanged refresh;
* a few searches;

and prints counts (read, skipped with reasons), times and the peak RSS.

    python benchmarks/messy_corpus.py [--files 100000] [--no-index]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from tui_reader.articles.corpus import scan_corpus
from tui_reader.articles.listing import refresh_listing

SENTENCE = (
    "hà nội thành phố mở rộng không gian đi bộ quanh hồ hoàn kiếm vào cuối tuần người dân "
    "du khách đổ về trung tâm giá vàng hôm nay tăng mạnh thị trường chứng khoán đội tuyển "
    "bóng đá việt nam chuẩn bị cho trận đấu quan trọng thời tiết miền bắc rét đậm"
)
WORDS = tuple(SENTENCE.split())


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the combining marks cp1258 has


def to_cp1258(text: str) -> bytes:
    """Encode like a legacy Windows editor: precomposed base letter, then the tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in TONE_MARKS)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


def build(root: Path, count: int) -> None:
    """Write ``count`` small articles in nested folders, plus the hostile files."""
    for i in range(count):
        folder = root / f"{i // 10000:02d}" / f"{i // 100 % 100:02d}"
        if i % 100 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        words = [WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(40)]
        title = " ".join(words[:8]).capitalize() + f" số {i}"
        body = " ".join(words).capitalize() + "."
        (folder / f"a{i:06d}.txt").write_text(f"{title}\n\n{body}", encoding="utf-8")
    bad = root / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x7fELF\x00\x01" * 500)
    (bad / "garbage.txt").write_bytes(bytes(range(128, 256)) * 50)
    (bad / "utf16.txt").write_bytes("Tin UTF-16\n\nNội dung bài.".encode("utf-16"))
    (bad / "legacy.txt").write_bytes(to_cp1258("Tin cũ Windows-1258\n\nGiá vàng hôm nay."))
    sentence = "Hà Nội mở rộng không gian đi bộ quanh hồ Hoàn Kiếm vào cuối tuần. "
    (bad / "huge.txt").write_text("Bài rất dài\n" + sentence * 300_000, encoding="utf-8")
    (bad / "loop").symlink_to(root, target_is_directory=True)
    with open(os.fsencode(bad) + b"/bad-\xff.txt", "wb") as handle:
        handle.write("Tên không phải UTF-8\n\nNội dung.".encode())


def timed(label: str, rows: list[str], func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run ``func`` and record how long it took."""
    started = time.perf_counter()
    result = func(*args, **kwargs)
    rows.append(f"{label:<34} {time.perf_counter() - started:8.2f} s")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--no-index", action="store_true", help="skip the search index")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tui-messy-"))
    root, cache = work / "corpus", work / "cache"
    root.mkdir()
    rows: list[str] = []
    try:
        timed(f"write {args.files:,} files + hostile", rows, build, root, args.files)
        scan = timed("scan (list and stat)", rows, scan_corpus, [root])
        listing = timed("listing, cold (read every file)", rows, refresh_listing, cache, [root])
        timed("listing, warm (nothing changed)", rows, refresh_listing, cache, [root])
        reasons = Counter(s.reason for s in listing.skipped)
        rows.append(f"articles listed: {len(listing.articles):,} of {len(scan.files):,} files")
        rows.extend(f"  skipped ({n}): {reason}" for reason, n in sorted(reasons.items()))
        if not args.no_index:
            from tui_reader.search.engine import search
            from tui_reader.search.index import IndexBuilder

            builder = IndexBuilder(cache / "index")
            stats = timed("index, cold (pyvi on every core)", rows, builder.update, scan.files)
            rows.append(f"  indexed {stats.indexed:,}, skipped {len(stats.skipped):,}")
            again = timed("index, refresh (nothing changed)", rows, builder.update, scan.files)
            rows.append(
                f"  unchanged {again.unchanged:,}, re-analyzed {again.added + again.changed}"
            )
            timed("load lookup tables (as the app does)", rows, builder.snapshot().warm)
            for query in ("ho hoan kiem", "gia vang hom nay", "doi tuyen bong da viet nam"):
                found = search(builder.snapshot(), query)
                rows.append(
                    f"  search {query!r}: {found.total:,} matches in {found.elapsed_ms:.1f} ms"
                )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(f"peak RSS: {peak:.0f} MB (largest worker process {children:.0f} MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
