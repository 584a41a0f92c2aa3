"""Benchmark: time to first paint of the article list, cold and warm, and peak RSS.

Each run starts a real process in a pseudo-terminal (120x36) and times from
``fork`` until the terminal output shows the first article's title: the moment a
person would see the list. The same is measured for an empty Textual app
(until its one label appears), the baseline the targets are relative to.

* cold: a fresh, empty cache dir (no listing cache, no index);
* warm: the cache dir a completed earlier session leaves (listing and index).

Peak RSS is the app process's high-water mark (``VmHWM``) over a session: it
starts, paints, keeps running for ``--linger`` seconds (corpus check, index
load or background indexing included) and is then asked to quit. Indexing
worker processes are separate and not counted here.

Usage::

    python benchmarks/first_paint.py [--corpus DIR] [--runs 5] [--warm-only]
        [--warm-cache DIR] [--compare main=/path/to/main/checkout]

With no ``--corpus`` the 35k corpus is unpacked from ../shared/corpora into
``.bench/`` (ignored by git) on first use.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARBALL = REPO.parent / "shared" / "corpora" / "baomoi-35k.tar.xz"
EMPTY_APP = """
from textual.app import App
from textual.widgets import Label
class Empty(App):
    def compose(self):
        yield Label("EMPTY-APP-READY")
Empty().run()
"""


def ensure_corpus(explicit: str | None) -> Path:
    """The corpus folder, unpacking the tarball into .bench/ when needed."""
    if explicit:
        return Path(explicit)
    target = REPO / ".bench" / "baomoi-35k"
    if not target.is_dir():
        target.parent.mkdir(exist_ok=True)
        print(f"unpacking {TARBALL} ...", file=sys.stderr)
        subprocess.run(["tar", "xJf", str(TARBALL), "-C", str(target.parent)], check=True)
    return target


def first_title(corpus: Path) -> str:
    """The title the list shows first (files are listed in sorted order)."""
    first = min(p for p in corpus.rglob("*.txt"))
    line = first.read_text(encoding="utf-8").splitlines()[0].strip()
    return unicodedata.normalize("NFC", line)[:12]


def run_once(
    argv: list[str], marker: str, env: dict[str, str], linger: float, timeout: float = 60.0
) -> tuple[float, float]:
    """Seconds until ``marker`` shows on the terminal, and the session's peak RSS in MB."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    needle = marker.encode("utf-8")
    seen = b""
    painted = -1.0
    deadline = start + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen = (seen + chunk)[-200_000:]
            if painted < 0 and needle in seen:
                painted = time.perf_counter() - start
                deadline = time.perf_counter() + linger
    peak_mb = _peak_rss_mb(pid)
    os.write(fd, b"q")
    quit_deadline = time.perf_counter() + 5
    while True:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(fd, 65536)
        waited, _status = os.waitpid(pid, os.WNOHANG)
        if waited:
            break
        if time.perf_counter() > quit_deadline:
            os.kill(pid, signal.SIGKILL)
            quit_deadline = float("inf")
    os.close(fd)
    if painted < 0:
        raise RuntimeError(f"marker {marker!r} never appeared for {argv}")
    return painted, peak_mb


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size so far, in MB (Linux ``VmHWM``)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _package_dir(env: dict[str, str], cwd: Path) -> Path:
    """The folder of the tui_reader that ``env`` imports (this checkout or a compared one)."""
    out = subprocess.run(
        [sys.executable, "-c", "import tui_reader; print(tui_reader.__path__[0])"],
        env=env,
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def summarize(name: str, times: list[float], rss: list[float]) -> tuple[str, float]:
    """A printable row and the median time."""
    med = statistics.median(times)
    return (
        f"{name:<28} median {med * 1000:7.0f} ms   min {min(times) * 1000:7.0f} ms   "
        f"max {max(times) * 1000:7.0f} ms   peak RSS {max(rss):6.0f} MB",
        med,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", help="corpus folder (default: the 35k corpus)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--linger", type=float, default=3.0, help="seconds to run after paint")
    parser.add_argument(
        "--warm-cache", help="cache dir to keep between runs (saves rebuilding the index)"
    )
    parser.add_argument("--warm-only", action="store_true", help="skip the cold runs")
    parser.add_argument(
        "--compare",
        metavar="LABEL=PYTHONPATH",
        help="also time a warm start of the tui_reader found on PYTHONPATH (e.g. a checkout "
        "of main), interleaved with this one's runs in the same session",
    )
    args = parser.parse_args()
    corpus = ensure_corpus(args.corpus)
    marker = first_title(corpus)
    count = sum(1 for _ in corpus.rglob("*.txt"))
    exe = str(Path(sys.executable).with_name("tui-reader"))
    if not Path(exe).exists():
        exe = shutil.which("tui-reader") or sys.exit("tui-reader is not installed")
    work = Path(tempfile.mkdtemp(prefix="tui-bench-"))
    # Fresh user dirs: the person's own config.toml (theme, sort, keymap, corpus) must not
    # change what is timed, and their read marks are never touched.
    env = dict(
        os.environ,
        TERM="xterm-256color",
        TUI_READER_DATA_DIR=str(work / "data"),
        TUI_READER_CONFIG_DIR=str(work / "config"),
    )
    env.pop("TEXTUAL", None)
    # A person's installed app and Textual both start from compiled bytecode (pip writes it
    # at install; nobody sets PYTHONDONTWRITEBYTECODE). Inheriting that variable left Textual
    # on its install-time .pyc but recompiled our editable checkout's ~24k lines on every
    # timed run, so our side paid a cost the person never does. One private cache for every
    # variant, filled by untimed imports before any timing; the checkouts are not written to.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    empty_script = work / "empty_app.py"
    empty_script.write_text(EMPTY_APP, encoding="utf-8")
    rows: list[str] = [f"corpus: {corpus} ({count:,} articles), {args.runs} runs each, 120x36 pty"]

    label, _, other = (args.compare or "").partition("=")
    warm_up = "import textual.app, textual.widgets, tui_reader.cli, tui_reader.ui.app"
    for path in [None, other] if args.compare else [None]:
        run_env = dict(env, PYTHONPATH=path) if path else env
        # From the scratch dir: ``-c`` puts the working dir first on sys.path.
        subprocess.run([sys.executable, "-c", warm_up], env=run_env, cwd=work, check=True)
        package = _package_dir(run_env, work)
        print(f"bytecode cache warmed for {package}", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "-j0", str(package)],
            env=run_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    empty_t, empty_r = [], []
    for _ in range(args.runs):
        t, r = run_once([sys.executable, str(empty_script)], "EMPTY-APP-READY", env, 0.5)
        empty_t.append(t)
        empty_r.append(r)
    row, empty_med = summarize("empty Textual app", empty_t, empty_r)
    rows.append(row)

    cold_t: list[float] = []
    cold_r: list[float] = []
    for i in range(0 if args.warm_only else args.runs):
        cache = work / f"cold-cache-{i}"
        run_env = dict(env, TUI_READER_CACHE_DIR=str(cache))
        t, r = run_once([exe, str(corpus)], marker, run_env, args.linger)
        cold_t.append(t)
        cold_r.append(r)
    cold_med = float("nan")
    if cold_t:
        row, cold_med = summarize("tui-reader cold (no cache)", cold_t, cold_r)
        rows.append(row)

    # A warm cache is what an earlier session leaves once its background work is done:
    # the listing and the complete search index.
    warm_cache = Path(args.warm_cache) if args.warm_cache else work / "warm-cache"
    print(
        f"preparing the warm cache in {warm_cache} (listing and search index) ...", file=sys.stderr
    )
    subprocess.run(
        [exe, "index", str(corpus), "--cache-dir", str(warm_cache)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    from tui_reader.articles.listing import refresh_listing

    refresh_listing(warm_cache, [corpus.absolute()])
    warm_env = dict(env, TUI_READER_CACHE_DIR=str(warm_cache))
    other_env = dict(warm_env, PYTHONPATH=other)
    warm_t, warm_r, other_t, other_r, base_t = [], [], [], [], []
    for _ in range(args.runs):
        # Interleaved, so a change in the machine's load falls on every variant alike.
        if args.compare:
            t, r = run_once([exe, str(corpus)], marker, other_env, args.linger)
            other_t.append(t)
            other_r.append(r)
            t, _r = run_once([sys.executable, str(empty_script)], "EMPTY-APP-READY", env, 0.5)
            base_t.append(t)
        t, r = run_once([exe, str(corpus)], marker, warm_env, args.linger)
        warm_t.append(t)
        warm_r.append(r)
    row, warm_med = summarize("tui-reader warm (cached)", warm_t, warm_r)
    rows.append(row)
    if args.compare:
        row, other_med = summarize(f"{label} warm (cached)", other_t, other_r)
        rows.append(row)
        base_med = statistics.median(empty_t + base_t)
        rows.append(
            f"empty app over all {len(empty_t + base_t)} runs: median {base_med * 1000:.0f} ms; "
            f"warm / empty = {warm_med / base_med:.2f}x, {label} warm / empty = "
            f"{other_med / base_med:.2f}x"
        )

    rows.append(
        f"warm / empty = {warm_med / empty_med:.2f}x (target <= 2x); "
        f"cold / empty = {cold_med / empty_med:.2f}x (target <= 4x); "
        f"peak RSS = {max(cold_r + warm_r):.0f} MB (target <= 300 MB)"
    )
    print("\n".join(rows))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
