"""From the end of a typed burst to ranked results on screen: the installed app, driven by tmux.

Run by hand (never a timed test; needs tmux and ``tui-reader`` installed)::

    python benchmarks/typing_bench.py                          # 40 queries, 35k corpus
    python benchmarks/typing_bench.py --queries 60 --seed 2
    python benchmarks/typing_bench.py --dirs /tmp/tb-dirs      # keep the user dirs (and the
                                                               # built index) for the next run

The app runs in a detached tmux session (120×36, on a tmux server of its own)
with fresh XDG dirs in a temp dir, so no real user dir is touched. It is started
once to build the index (the run waits until the status line has stayed idle
for 10 s), quit, and started again: the measured app is warm, as a reader's
second session is.

Each query (folded, from the search_bench generator, a mix of every kind) is
typed into the search bar with ``tmux send-keys``, one key at a time with human
inter-key gaps (about 110 ms, jittered, longer at spaces), and now and then a
slip: a neighbouring key, a pause, backspace, the right key. The clock starts
when the last key has been sent. ``tmux capture-pane -p`` is polled back to back
(a few ms per poll); reported per query:

- first: the first change of the screen after the burst (the bar's echo of the keys aside);
- results: the last change before the screen stays still for ``--settle`` ms,
  with the status line showing a search summary ("N articles hold every word",
  "N matching articles", "No matches …"): the ranked results, snippets included,
  fully drawn.

The app is run with ``TUI_READER_SEARCH_TIMING=1`` and logs the timeline of
each search (``time.monotonic()``, the same clock as this script's), so the
results time is split into: input (tmux to the app seeing the last key),
debounce, queued (behind a search still running for an earlier prefix),
search (the engine), snippets (the rows on screen), hand-over (to the UI
thread), paint (until Textual has refreshed the screen) and to screen (the
terminal, tmux and this script's polling).

Between queries the bar is emptied (ctrl+u) and the full list allowed to settle.
"""

from __future__ import annotations

import argparse
import ast
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
SOCKET = SESSION
"""A tmux server of its own: another user's ``tmux kill-server`` cannot end the run."""
RESULT_MARKS = ("matching article", "every word", "No matches")


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True
    ).stdout


def capture() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


STATUS_RE = re.compile(
    r"^ ?(\d[\d,]* (matching )?articles?\b|No match|No article|The search index)"
)


def status_line(screen: str) -> str:
    """The status line: the last line that starts like one (counts, or a search summary)."""
    for line in reversed(screen.splitlines()):
        if STATUS_RE.match(line):
            return line
    return ""


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
        ["tmux", "-L", SOCKET, "has-session", "-t", SESSION], capture_output=True
    ).returncode == 0


def ready(screen: str) -> bool:
    line = status_line(screen)
    busy = ("indexing", "reading", "loading", "scanning", "checking")
    return "article" in line and not any(word in line.lower() for word in busy)


def wait_idle(timeout: float, quiet: float, what: str) -> None:
    """Wait until the status line has looked :func:`ready` for ``quiet`` s in a row.

    One look is not enough: between the listing and the start of indexing the
    line is briefly idle.
    """
    deadline = time.monotonic() + timeout
    since: float | None = None
    screen = ""
    while time.monotonic() < deadline:
        screen = capture()
        now = time.monotonic()
        if not ready(screen):
            since = None
        elif since is None:
            since = now
        elif now - since >= quiet:
            return
        time.sleep(0.2)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}; screen:\n{screen}")


NEIGHBOURS = {
    a: b
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    for a, b in zip(row, row[1:] + row[-2], strict=True)
}


def type_query(text: str, rng: random.Random, mean_ms: float, slip: float) -> None:
    """Type ``text`` as a person does: jittered gaps, longer ones at spaces, slips fixed.

    A slip (probability ``slip`` per letter) is a neighbouring key, noticed after
    a moment and erased with backspace before the right letter follows. The
    function returns right after the last key is sent: the end of the burst.
    """

    def gap(scale: float = 1.0) -> None:
        time.sleep(max(35.0, rng.gauss(mean_ms * scale, mean_ms * 0.35)) / 1000)

    for number, ch in enumerate(text):
        if number and ch in NEIGHBOURS and rng.random() < slip:
            tmux("send-keys", "-t", SESSION, "-l", NEIGHBOURS[ch])
            gap(2.5)  # Seeing the slip takes a moment.
            tmux("send-keys", "-t", SESSION, "BSpace")
            gap()
        tmux("send-keys", "-t", SESSION, "-l", ch)
        if number < len(text) - 1:
            gap(1.4 if ch == " " else 1.0)


STAGES = ("fired", "started", "searched", "warmed", "shown", "painted")
TIMING_RE = re.compile(r"search timing typed=([\d.]+) (.*) query=(.*)$")


def read_timings(log: Path, offset: int) -> tuple[list[tuple[str, float, dict[str, float]]], int]:
    """The app's search timelines logged after ``offset``: (query, typed, stage → ms)."""
    if not log.exists():
        return [], offset
    with log.open("rb") as f:
        f.seek(offset)
        data = f.read()
    found = []
    for line in data.decode("utf-8", "replace").splitlines():
        m = TIMING_RE.search(line)
        if m is None:
            continue
        stages = {}
        for part in m.group(2).split():
            name, _, value = part.partition("=")
            if value != "-":
                stages[name] = float(value)
        found.append((ast.literal_eval(m.group(3)), float(m.group(1)), stages))
    return found, offset + len(data)


def breakdown(stages: dict[str, float]) -> dict[str, float]:
    """Each stage's own share (ms): debounce, waiting for a running search, the
    engine, snippets of the rows on screen, the hand-over to the UI thread, painting."""
    names = ("debounce", "queued", "search", "snippets", "hand-over", "paint")
    out, before = {}, 0.0
    for name, stage in zip(names, STAGES, strict=True):
        if stage in stages:
            out[name] = stages[stage] - before
            before = stages[stage]
    return out


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
    parser.add_argument("--slip", type=float, default=0.04, help="slips (fixed) per letter")
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
    env["TUI_READER_SEARCH_TIMING"] = "1"
    log = root / "cache" / "tui-reader" / "tui-reader.log"
    if os.environ.get("PYTHONPATH"):  # A worktree's code rather than the installed one.
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    for folder in env.values():
        Path(folder).mkdir(parents=True, exist_ok=True)
    cwd = root / "cwd"
    cwd.mkdir(exist_ok=True)
    app = [args.app]
    try:
        started = time.perf_counter()
        start_app(app, args.corpus, env, cwd)
        wait_idle(1800, 10, "the index to be built")
        built = time.perf_counter() - started
        tmux("send-keys", "-t", SESSION, "C-q")
        time.sleep(1.0)
        start_app(app, args.corpus, env, cwd)
        wait_idle(300, 3, "the warm app")  # With its background re-check of the corpus.
        tmux("send-keys", "-t", SESSION, "/")
        settle(0.5, 5)
        firsts: list[float] = []
        results: list[float] = []
        parts: dict[str, list[float]] = {}
        offset = log.stat().st_size if log.exists() else 0
        load_start = os.getloadavg()[0]
        for number, q in enumerate(chosen, start=1):
            type_query(q.text, rng, args.key_ms, args.slip)
            sent = time.monotonic()
            first, last, screen = settle(args.settle / 1000, 10, q.text)
            line = status_line(screen)
            timings, offset = read_timings(log, offset)
            final = [(typed, st) for text, typed, st in timings if text == q.text]
            if last is None or first is None or not any(m in line for m in RESULT_MARKS):
                print(f"{number:>3} {q.kind:<11} {q.text!r}: no results seen ({line.strip()!r})")
                continue
            if "so far" in line or "indexing" in line:
                raise SystemExit(f"the index was not complete: {line.strip()!r}")
            firsts.append(first * 1000)
            results.append(last * 1000)
            shares = ""
            if final:
                typed, stages = final[0]
                split = {"input": (typed - sent) * 1000, **breakdown(stages)}
                if "painted" in stages:
                    split["to screen"] = last * 1000 - split["input"] - stages["painted"]
                for name, value in split.items():
                    parts.setdefault(name, []).append(value)
                shares = " ".join(f"{name} {value:.0f}" for name, value in split.items())
            print(
                f"{number:>3} {q.kind:<11} first {first * 1000:4.0f} ms, results "
                f"{last * 1000:4.0f} ms ({shares})  {q.text!r}  [{line.strip()[:40]}]",
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
        print("breakdown of the results time, per stage (ms; from the app's timing log):")
        for name, values in parts.items():
            print(
                f"  {name:<10} p50 {statistics.median(values):6.1f}  "
                f"p95 {percentile(values, 0.95):6.1f}  ({len(values)} queries)"
            )
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
