"""From the end of a typed burst to ranked results on screen: the installed app, driven by tmux.

Run by hand (never a timed test; needs tmux and ``tui-reader`` installed)::

    python benchmarks/typing_bench.py                          # 40 queries, 35k corpus
    python benchmarks/typing_bench.py --queries 60 --seed 2
    python benchmarks/typing_bench.py --dirs /tmp/tb-dirs      # keep the user dirs (and the
                                                               # built index) for the next run
    python benchmarks/typing_bench.py --compare before=/path/to/old/checkout
        # the same queries typed, in turn, into an app running the code at that
        # path (its PYTHONPATH): a baseline measured in the same run

The app runs in a detached tmux session (120×36, on a tmux server of its own)
with fresh XDG dirs in a temp dir, so no real user dir is touched. It is started
once to build the index, quit, and started again: the measured app is warm, as a
reader's second session is. Background work is finished before any query is
timed, in the first app and in every warm one: the status line idle (no
indexing, no pyvi pass, no corpus re-check) and the index on disk complete (no
update holds its lock, every segment has its pyvi words), for several seconds
in a row. The status line alone is not enough: between the pyvi pass's batches
it can look idle while the index is still being rewritten.

Each query (folded, from the search_bench generator, a mix of every kind) is
typed into the search bar with ``tmux send-keys``, one key at a time with human
inter-key gaps (about 110 ms, jittered, longer at spaces), and now and then a
slip: a neighbouring key, a pause, backspace, the right key. The clock starts
when the last key has been sent. A tmux control-mode client reports every write
the app makes to its terminal, and the screen is captured (``tmux capture-pane
-p``) after each; a change is dated by the write that made it. (Polling
``capture-pane`` back to back, as this script did before, kept a core busy with
tmux clients and slowed the app it timed.) Reported per query:

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
thread), paint (until Textual has refreshed the screen) and to screen (from
there to the last write reaching tmux). Beside them, "engine CPU" is the CPU
time the search thread spent in the engine: what the search stage takes beyond it
is that thread waiting for the GIL (the UI thread drawing) or for a core.

Between queries the bar is emptied (ctrl+u) and the full list allowed to settle.
With ``--compare``, every variant runs warm in a session of its own (its user
dirs a copy of the first one's, index included) and each query is typed into
each of them in turn, with the same key gaps and slips, the order alternating:
the machine's load weighs on both alike, and the report gives their ratio.
"""

from __future__ import annotations

import argparse
import ast
import fcntl
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_queries import KINDS, BenchQuery, load_or_build

DEFAULT_CORPUS = Path("/tmp/corpus/baomoi-35k")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "tui-reader-bench"
SOCKET = "tui-reader-typing-bench"
"""A tmux server of its own: another user's ``tmux kill-server`` cannot end the run."""
RESULT_MARKS = ("matching article", "every word", "No matches")
STATUS_RE = re.compile(
    r"^ ?(\d[\d,]* (matching )?articles?\b|No match|No article|The search index)"
)
BUSY = ("indexing", "reading", "loading", "scanning", "checking", "adding words")
"""Background work the status line reports: the build (both phases), the corpus re-check."""


class OutputWatch:
    """When the app wrote to its terminal: a tmux control-mode client's ``%output`` lines.

    Polling ``capture-pane`` back to back spawns a tmux client every few ms and
    keeps a core busy (client and server) on a 2-core machine, stealing it from
    the app being timed. This client is one process that tmux tells of every
    write as it happens; the screen is captured only after output arrived.
    It is read-only (``-r``) and, having no size of its own, leaves the window at
    120×36.
    """

    def __init__(self, session: str) -> None:
        self._times: list[float] = []
        self._lock = threading.Lock()
        command = ["tmux", "-L", SOCKET, "-C", "attach-session", "-r", "-t", session]
        self._proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            if line.startswith(b"%output "):
                now = time.perf_counter()
                with self._lock:
                    self._times.append(now)

    def count(self) -> int:
        """Writes seen so far."""
        with self._lock:
            return len(self._times)

    def since(self, seen: int) -> list[float]:
        """The times (``time.perf_counter``) of the writes after the first ``seen``."""
        with self._lock:
            return self._times[seen:]

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()  # The control client detaches when its input ends.
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True
    ).stdout


class Variant:
    """One app under test: its code (a PYTHONPATH, or the installed one), session and dirs."""

    def __init__(self, label: str, pythonpath: str | None, root: Path) -> None:
        self.label = label
        self.session = f"typing-{label}"
        self.root = root
        homes = ("CONFIG", "DATA", "CACHE", "STATE")
        self.env = {f"XDG_{d}_HOME": str(root / d.lower()) for d in homes}
        self.env["TUI_READER_SEARCH_TIMING"] = "1"
        if pythonpath:
            self.env["PYTHONPATH"] = pythonpath
        self.log = root / "cache" / "tui-reader" / "tui-reader.log"
        self.offset = 0
        self.firsts: list[float] = []
        self.results: list[float] = []
        self.parts: dict[str, list[float]] = {}
        self.watch: OutputWatch | None = None

    def capture(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str, literal: bool = False) -> None:
        tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def alive(self) -> bool:
        probe = ["tmux", "-L", SOCKET, "has-session", "-t", self.session]
        return subprocess.run(probe, capture_output=True).returncode == 0

    def start(self, command: list[str], corpus: Path) -> None:
        if self.alive():
            tmux("kill-session", "-t", self.session)
        for key, value in self.env.items():
            if key.startswith("XDG_"):
                Path(value).mkdir(parents=True, exist_ok=True)
        cwd = self.root / "cwd"
        cwd.mkdir(parents=True, exist_ok=True)
        args = ["new-session", "-d", "-s", self.session, "-x", "120", "-y", "36", "-c", str(cwd)]
        for key, value in self.env.items():
            args += ["-e", f"{key}={value}"]
        tmux(*args, *command, str(corpus))
        self.watch = OutputWatch(self.session)

    def stop(self) -> None:
        if self.alive():
            self.keys("Escape")
        if self.watch is not None:
            self.watch.close()
            self.watch = None
            self.keys("C-q")
            time.sleep(1.0)
        if self.alive():
            tmux("kill-session", "-t", self.session)

    def skip_log(self) -> None:
        """Timelines logged so far are not this run's."""
        self.offset = self.log.stat().st_size if self.log.exists() else 0


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
    app: Variant, quiet: float, timeout: float, typed: str = ""
) -> tuple[float | None, float | None, str]:
    """Wait until the screen stays unchanged for ``quiet`` s; times of first and last change.

    The screen is captured only when the app has written to the terminal since
    the last capture (:class:`OutputWatch`). A change is dated by the writes
    that made it: its first (for the first change) or last (for the last one)
    write since the previous capture, so the polling's own pace adds nothing.
    """
    assert app.watch is not None
    started = time.perf_counter()
    seen = app.watch.count()
    last_screen = app.capture()
    last_sig = _signature(last_screen, typed)
    first = last = None
    last_change = started
    while True:
        before = time.perf_counter()
        writes = app.watch.since(seen)
        if writes:
            screen = app.capture()
            writes = app.watch.since(seen)  # Those during the capture may be in it too.
            seen += len(writes)
            sig = _signature(screen, typed)
            if sig != last_sig:
                last_sig = sig
                last_screen = screen
                last_change = writes[-1]
                last = writes[-1] - started
                if first is None:
                    first = writes[0] - started
        else:
            time.sleep(0.002)
        if before - last_change >= quiet or before - started > timeout:
            return first, last, last_screen


def ready(screen: str) -> bool:
    line = status_line(screen)
    return "article" in line and not any(word in line.lower() for word in BUSY)


def index_busy(cache: Path) -> str:
    """Why the app's search index is not finished ("" when it is), read from the disk.

    The status line is not enough: between the batches of the pyvi pass (phase 2,
    niced workers) it can look idle for many seconds while the index is still
    being rewritten, and a search timed then competes with that work. Finished
    means: an index exists, no update holds its lock (the app takes it for every
    update, the warm start's re-check of the corpus included) and every segment
    the manifest lists has its pyvi words.
    """
    dirs = sorted((cache / "tui-reader" / "index").glob("*/manifest.json"))
    if not dirs:
        return "no index yet"
    for manifest in dirs:
        folder = manifest.parent
        fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return "an index update is running"
        finally:
            os.close(fd)  # Closing drops the lock at once: the app's next update is not held.
        try:
            _, _, body = manifest.read_bytes().partition(b"\n")
            names = [s["name"] for s in json.loads(body)["segments"]]
            metas = [json.loads((folder / n / "meta.json").read_text()) for n in names]
        except (OSError, ValueError, KeyError) as err:
            return f"index being written ({err})"
        without = sum(1 for meta in metas if meta.get("words") is not True)
        if without:
            return f"{without} of {len(metas)} segments without pyvi words yet"
    return ""


def wait_idle(app: Variant, timeout: float, quiet: float, what: str) -> None:
    """Wait until the status line has looked :func:`ready`, and the index on disk
    finished (:func:`index_busy`), for ``quiet`` s in a row.

    One look is not enough: between the listing and the start of indexing the
    line is briefly idle.
    """
    deadline = time.monotonic() + timeout
    since: float | None = None
    screen = busy = ""
    while time.monotonic() < deadline:
        screen = app.capture()
        busy = index_busy(app.root / "cache")
        now = time.monotonic()
        if busy or not ready(screen):
            since = None
        elif since is None:
            since = now
        elif now - since >= quiet:
            return
        time.sleep(0.5)
    raise SystemExit(
        f"timed out after {timeout:.0f} s waiting for {what} ({busy or 'status busy'}); "
        f"screen:\n{screen}"
    )


NEIGHBOURS = {
    a: b
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    for a, b in zip(row, row[1:] + row[-2], strict=True)
}


def type_query(app: Variant, text: str, rng: random.Random, mean_ms: float, slip: float) -> None:
    """Type ``text`` as a person does: jittered gaps, longer ones at spaces, slips fixed.

    A slip (probability ``slip`` per letter) is a neighbouring key, noticed after
    a moment and erased with backspace before the right letter follows. The
    function returns right after the last key is sent: the end of the burst.
    """

    def gap(scale: float = 1.0) -> None:
        time.sleep(max(35.0, rng.gauss(mean_ms * scale, mean_ms * 0.35)) / 1000)

    for number, ch in enumerate(text):
        if number and ch in NEIGHBOURS and rng.random() < slip:
            app.keys(NEIGHBOURS[ch], literal=True)
            gap(2.5)  # Seeing the slip takes a moment.
            app.keys("BSpace")
            gap()
        app.keys(ch, literal=True)
        if number < len(text) - 1:
            gap(1.4 if ch == " " else 1.0)


STAGES = ("fired", "started", "searched", "warmed", "shown", "painted")
SHARES = ("debounce", "queued", "search", "snippets", "hand-over", "paint")
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
    out, before = {}, 0.0
    for name, stage in zip(SHARES, STAGES, strict=True):
        if stage in stages:
            out[name] = stages[stage] - before
            before = stages[stage]
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(
    app: Variant, number: int, q: BenchQuery, rng: random.Random, args: argparse.Namespace
) -> None:
    """Type one query into ``app``; record what the screen and the app's log show."""
    type_query(app, q.text, rng, args.key_ms, args.slip)
    sent = time.monotonic()
    first, last, screen = settle(app, args.settle / 1000, 10, q.text)
    line = status_line(screen).strip()
    timings, app.offset = read_timings(app.log, app.offset)
    final = [(typed, st) for text, typed, st in timings if text == q.text]
    app.keys("C-u")
    settle(app, 0.5, 10)
    label = f"{number:>3} {app.label:<8} {q.kind:<11}"
    if last is None or first is None or not any(m in line for m in RESULT_MARKS):
        print(f"{label} {q.text!r}: no results seen ({line!r})", flush=True)
        return
    if "so far" in line or "indexing" in line:
        raise SystemExit(f"the index was not complete: {line!r}")
    app.firsts.append(first * 1000)
    app.results.append(last * 1000)
    shares = ""
    if final:
        typed, stages = final[0]
        split = {"input": (typed - sent) * 1000, **breakdown(stages)}
        if "painted" in stages:
            split["to screen"] = last * 1000 - split["input"] - stages["painted"]
        if "cpu" in stages:  # Not a stage: the search stage's own CPU (the rest is waiting).
            split["engine CPU"] = stages["cpu"]
        for name, value in split.items():
            app.parts.setdefault(name, []).append(value)
        shares = " ".join(f"{name} {value:.0f}" for name, value in split.items())
    print(
        f"{label} first {first * 1000:4.0f} ms, results {last * 1000:4.0f} ms ({shares})"
        f"  {q.text!r}  [{line[:40]}]",
        flush=True,
    )


def report(app: Variant, total: int) -> None:
    results, firsts = app.results, app.firsts
    print(f"[{app.label}] {len(results)} of {total} queries measured")
    if not results:
        return
    print(
        f"  end of burst → first screen change: p50 {statistics.median(firsts):.0f} ms, "
        f"p95 {percentile(firsts, 0.95):.0f} ms"
    )
    print(
        f"  end of burst → ranked results on screen: p50 {statistics.median(results):.0f} ms, "
        f"p95 {percentile(results, 0.95):.0f} ms (target ≤ 100 ms p95)"
    )
    print("  the results time by stage (ms; stages from the app's timing log):")
    for name, values in app.parts.items():
        print(
            f"    {name:<10} p50 {statistics.median(values):6.1f}  "
            f"p95 {percentile(values, 0.95):6.1f}  ({len(values)} queries)"
        )


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
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=PYTHONPATH",
        help="also measure the app running this code, in the same run (repeatable)",
    )
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
    pool = load_or_build(args.corpus, 200, args.seed, args.cache)
    per_kind = -(-args.queries // len(KINDS))
    chosen = [q for kind in KINDS for q in [q for q in pool if q.kind == kind][:per_kind]]
    random.Random(args.seed).shuffle(chosen)
    chosen = chosen[: args.queries]

    temp = None
    if args.dirs is None:
        temp = tempfile.TemporaryDirectory(prefix="tui-reader-typing-")
        root = Path(temp.name)
    else:
        root = args.dirs
    # The code under test: PYTHONPATH's (a worktree) when set, else the installed app's.
    apps = [Variant("this", os.environ.get("PYTHONPATH"), root / "this")]
    for spec in args.compare:
        label, _, path = spec.partition("=")
        apps.append(Variant(label, path, root / label))
    command = [args.app]
    try:
        first = apps[0]
        started = time.perf_counter()
        first.start(command, args.corpus)
        wait_idle(first, 1800, 10, "the index to be built")
        built = time.perf_counter() - started
        first.stop()
        for other in apps[1:]:  # The same index and listing cache: every variant starts warm.
            shutil.rmtree(other.root / "cache", ignore_errors=True)
            shutil.copytree(first.root / "cache", other.root / "cache")
        for app in apps:
            app.start(command, args.corpus)
        for app in apps:
            wait_idle(app, 300, 3, f"the warm app ({app.label})")  # And its corpus re-check.
            print(
                f"[{app.label}] warm and idle: the index is complete (every segment has its "
                "pyvi words) and no update is running",
                flush=True,
            )
            app.keys("/")
            settle(app, 0.5, 5)
            app.skip_log()
        load_start = os.getloadavg()[0]
        for number, q in enumerate(chosen, start=1):
            for app in apps if number % 2 else apps[::-1]:
                # The same gaps and slips for every variant.
                measure(app, number, q, random.Random(args.seed * 100_003 + number), args)
        for app in apps:
            app.stop()
    finally:
        for app in apps:
            if app.alive():
                tmux("kill-session", "-t", app.session)
        if temp is not None:
            temp.cleanup()
    load_end = os.getloadavg()[0]
    print()
    print(
        f"{args.corpus}: first start (index build) {built:.0f} s; {len(chosen)} queries, keys "
        f"every ~{args.key_ms:.0f} ms; load average {load_start:.1f} → {load_end:.1f} on "
        f"{os.cpu_count()} cores"
    )
    for app in apps:
        report(app, len(chosen))
    base = apps[0]
    for other in apps[1:]:
        if base.results and other.results:
            p50 = statistics.median(base.results) / statistics.median(other.results)
            p95 = percentile(base.results, 0.95) / percentile(other.results, 0.95)
            print(f"[{base.label}] / [{other.label}]: p50 {p50:.2f}×, p95 {p95:.2f}×")
    return 0 if base.results else 1


if __name__ == "__main__":
    sys.exit(main())
