"""From the end of a typed burst to ranked results on screen: the installed app, driven by tmux.

Run by hand (never a timed test; needs tmux and ``tui-reader`` installed)::

    python benchmarks/typing_bench.py                          # 40 queries, 35k corpus
    python benchmarks/typing_bench.py --queries 60 --seed 2
    python benchmarks/typing_bench.py --dirs /tmp/tb-dirs      # keep the user dirs (and the
                                                               # built index) for the next run

The app runs in a detached tmux session (120×36) with fresh XDG dirs in a temp
dir, so no real user dir is touched. It is started once to build the index (the
run waits until the status line no longer says "indexing"), quit, and started
again: the measured app is warm, as a reader's second session is.

Each query (folded, from the search_bench generator, a mix of every kind) is
typed into the search bar with ``tmux send-keys``, one character at a time with
human inter-key delays (about 110 ms, jittered). The clock starts when the last
key has been sent. ``tmux capture-pane -p`` is polled back to back (a few ms per
poll); reported per query:

- first: the first change of the screen after the burst (the bar's echo of the keys aside);
- results: the last change before the screen stays still for ``--settle`` ms,
  with the status line showing a search summary ("N matching articles · …" or
  "No matches …"): the ranked results, snippets included, fully drawn.

Between queries the bar is emptied (ctrl+u) and the full list allowed to settle.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_queries import KINDS, load_or_build

DEFAULT_CORPUS = Path("/tmp/corpus/baomoi-35k")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "tui-reader-bench"
SESSION = "tui-reader-typing-bench"
RESULT_MARKS = ("matching article", "No matches")


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True
    ).stdout


def capture() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


STATUS_RE = re.compile(r"^ ?(\d[\d,]* (matching )?articles?\b|No matches|The search index)")


def status_line(screen: str) -> str:
    """The status line: the last line that starts like one (counts, or a search summary)."""
    for line in reversed(screen.splitlines()):
        if STATUS_RE.match(line):
            return line
    return ""


def wait_for(predicate: object, timeout: float, what: str) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture()
        if predicate(screen):  # type: ignore[operator]
            return screen
        time.sleep(0.2)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}; screen:\n{screen}")


def _signature(screen: str, typed: str) -> str:
    """The screen without the search bar's line (its echo of the typed keys is not a result)."""
    lines = screen.splitlines()
    for i, line in enumerate(lines):
        if typed and typed in line:
            del lines[i]
            break
    return "\n".join(lines)


def settle(
    quiet: float, timeout: float, typed: str = ""
) -> tuple[float | None, float | None, str]:
    """Poll until the screen stays unchanged for ``quiet`` s; times of first and last change."""
    started = time.perf_counter()
    last_screen = capture()
    last_sig = _signature(last_screen, typed)
    first = last = None
    last_change = time.perf_counter()
    while True:
        before = time.perf_counter()
        screen = capture()
        sig = _signature(screen, typed)
        if sig != last_sig:
            last_sig = sig
            last_screen = screen
            last_change = before
            last = before - started
            if first is None:
                first = last
        if before - last_change >= quiet or before - started > timeout:
            return first, last, last_screen


def start_app(app: list[str], corpus: Path, env: dict[str, str], cwd: Path) -> None:
    if _has_session():
        tmux("kill-session", "-t", SESSION)
    args = ["new-session", "-d", "-s", SESSION, "-x", "120", "-y", "36", "-c", str(cwd)]
    for key, value in env.items():
        args += ["-e", f"{key}={value}"]
    tmux(*args, *app, str(corpus))


def _has_session() -> bool:
    return subprocess.run(
        ["tmux", "has-session", "-t", SESSION], capture_output=True
    ).returncode == 0


def ready(screen: str) -> bool:
    line = status_line(screen)
    busy = ("indexing", "reading", "loading", "scanning", "checking")
    return "article" in line and not any(word in line.lower() for word in busy)


def type_query(text: str, rng: random.Random, mean_ms: float) -> None:
    for ch in text:
        tmux("send-keys", "-t", SESSION, "-l", ch)
        delay = max(35.0, rng.gauss(mean_ms * (1.4 if ch == " " else 1.0), mean_ms * 0.35))
        time.sleep(delay / 1000)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--key-ms", type=float, default=110.0, help="mean inter-key delay")
    parser.add_argument("--settle", type=float, default=800.0, help="quiet ms that end a wait")
    parser.add_argument("--dirs", type=Path, help="user dirs to keep (default: a temp dir)")
    beside = Path(sys.executable).parent / "tui-reader"  # The venv's, when run with its python.
    installed = str(beside) if beside.exists() else shutil.which("tui-reader") or "tui-reader"
    parser.add_argument("--app", default=installed)
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    pool = load_or_build(args.corpus, 200, args.seed, args.cache)
    per_kind = -(-args.queries // len(KINDS))
    chosen = [q for kind in KINDS for q in [q for q in pool if q.kind == kind][:per_kind]]
    rng.shuffle(chosen)
    chosen = chosen[: args.queries]

    temp = None
    if args.dirs is None:
        temp = tempfile.TemporaryDirectory(prefix="tui-reader-typing-")
        root = Path(temp.name)
    else:
        root = args.dirs
    env = {f"XDG_{d}_HOME": str(root / d.lower()) for d in ("CONFIG", "DATA", "CACHE", "STATE")}
    for folder in env.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    cwd = root / "cwd"
    cwd.mkdir(exist_ok=True)
    app = [args.app]
    try:
        started = time.perf_counter()
        start_app(app, args.corpus, env, cwd)
        wait_for(ready, 900, "the index to be built")
        built = time.perf_counter() - started
        tmux("send-keys", "-t", SESSION, "C-q")
        time.sleep(1.0)
        start_app(app, args.corpus, env, cwd)
        wait_for(ready, 120, "the warm app")
        time.sleep(2.0)  # The background re-check of the corpus.
        tmux("send-keys", "-t", SESSION, "/")
        settle(0.5, 5)
        firsts: list[float] = []
        results: list[float] = []
        load_start = os.getloadavg()[0]
        for number, q in enumerate(chosen, start=1):
            type_query(q.text, rng, args.key_ms)
            first, last, screen = settle(args.settle / 1000, 10, q.text)
            line = status_line(screen)
            if last is None or first is None or not any(m in line for m in RESULT_MARKS):
                print(f"{number:>3} {q.kind:<11} {q.text!r}: no results seen ({line.strip()!r})")
            else:
                firsts.append(first * 1000)
                results.append(last * 1000)
                print(
                    f"{number:>3} {q.kind:<11} first {first * 1000:6.0f} ms, results "
                    f"{last * 1000:6.0f} ms  {q.text!r}  [{line.strip()[:60]}]",
                    flush=True,
                )
            tmux("send-keys", "-t", SESSION, "C-u")
            settle(0.5, 10)
        tmux("send-keys", "-t", SESSION, "Escape")
        tmux("send-keys", "-t", SESSION, "C-q")
    finally:
        if _has_session():
            tmux("kill-session", "-t", SESSION)
        if temp is not None:
            temp.cleanup()
    load_end = os.getloadavg()[0]
    print()
    print(
        f"{args.corpus}: first start (index build) {built:.0f} s; {len(results)} of "
        f"{len(chosen)} queries measured, keys every ~{args.key_ms:.0f} ms; "
        f"load average {load_start:.1f} → {load_end:.1f} on {os.cpu_count()} cores"
    )
    if results:
        print(
            f"end of burst → first screen change: p50 {statistics.median(firsts):.0f} ms, "
            f"p95 {percentile(firsts, 0.95):.0f} ms"
        )
        print(
            f"end of burst → ranked results on screen: p50 {statistics.median(results):.0f} ms, "
            f"p95 {percentile(results, 0.95):.0f} ms (target ≤ 100 ms p95)"
        )
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
