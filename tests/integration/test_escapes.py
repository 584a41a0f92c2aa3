"""Nothing from outside reaches the terminal as an escape sequence: the raw byte stream.

The real app runs in a real pseudo-terminal (120x36, TERM=xterm-256color) on a
corpus whose folder name, a skipped file's name, and an imported bookmark's
title, quote, note and path all carry the same hostile payload: an OSC 52
clipboard write, an OSC 2 title change, CSI 2J (clear screen), a DCS request,
an 8-bit CSI (U+009B) and a bidi override. Every surface is driven by keys (the
header, the skipped-files screen, the bookmarks screen, the note dialog, a
bracketed paste into it, a notification with a path) and the *bytes the app
wrote* are checked: none of the payload's sequences may appear, while its
visible placeholders must (so each surface really showed the text). A plain
session of the app writes none of these sequences itself (checked once too).

Waits are for what is on screen (with a deadline so a regression fails rather
than hangs); nothing here measures time.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import copy_seeds
from tui_reader.articles.sanitize import safe_text

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 120.0  # generous: a loaded 2-core machine is slow to start the app

PAYLOAD = (
    "\x1b]52;c;SGVsbG8=\x07"  # OSC 52: write "Hello" to the clipboard
    "\x1b]2;PWNED\x07"  # OSC 2: set the window title
    "\x1b[2J"  # CSI 2J: clear the screen
    "\x1bP1$qm\x1b\\"  # DCS: a terminal request
    "\u009b31m"  # C1 CSI, 8-bit
    "\u202eevil"  # bidi override
)
#: Byte sequences a terminal would act on; none may be in the app's output.
FORBIDDEN = {
    "OSC 52": b"\x1b]52",
    "OSC 2": b"\x1b]2;",
    "CSI 2J": b"\x1b[2J",
    "DCS": b"\x1bP",
    "C1 CSI": "\u009b".encode(),
    "bidi override": "\u202e".encode(),
}
SHOWN = safe_text("\x1b]52;c;SGVsbG8=\x07").encode()
"""How the OSC 52 part looks once made visible: ␛]52;c;SGVsbG8=␇."""


class PtyApp:
    """The installed entry point in a pseudo-terminal; collects every byte it writes."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui_reader", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=env["HOME"],
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def seen(self) -> bytes:
        with self._lock:
            return bytes(self.output)

    def wait_for(self, text: str | bytes, after: int = 0) -> int:
        """Wait until ``text`` is written (after byte ``after``); returns the output length."""
        wanted = text.encode() if isinstance(text, str) else text
        deadline = time.monotonic() + DEADLINE
        while wanted not in self.seen()[after:]:
            if self.process.poll() is not None:
                pytest.fail(f"the app exited ({self.process.returncode}) before showing {text!r}")
            if time.monotonic() > deadline:
                pytest.fail(f"gave up waiting for {text!r} on screen")
            time.sleep(0.05)
        return len(self.seen())

    def send(self, data: str | bytes) -> int:
        """Type ``data``; returns the output length before it (for ``wait_for(after=)``)."""
        mark = len(self.seen())
        os.write(self.master, data.encode() if isinstance(data, str) else data)
        return mark

    def close(self) -> bytes:
        if self.process.poll() is None:
            os.write(self.master, b"\x11")  # ctrl+q
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=5)
        os.close(self.master)
        return self.seen()


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUI_READER_")}
    for name in ("data", "cache", "config", "home"):
        (root / name).mkdir(exist_ok=True)
    env.update(
        TERM="xterm-256color",
        COLUMNS="120",
        LINES="36",
        HOME=str(root / "home"),
        TUI_READER_DATA_DIR=str(root / "data"),
        TUI_READER_CACHE_DIR=str(root / "cache"),
        TUI_READER_CONFIG_DIR=str(root / "config"),
        PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    )
    return env


def _forbidden_in(stream: bytes) -> dict[str, int]:
    return {name: stream.count(seq) for name, seq in FORBIDDEN.items() if seq in stream}


def _hostile_bookmark(data: Path) -> None:
    """A bookmark whose every text field carries the payload, written raw into SQLite
    (as an older version or another tool might have), so the screens' own sanitizing
    is what is tested, not the import's."""
    from tui_reader.store.state import StateStore

    StateStore.open(data).close()
    conn = sqlite3.connect(data / "state.sqlite3")
    with conn:
        conn.execute(
            "INSERT INTO bookmarks (uid, article_key, path, title, passage_index, quote, "
            "prefix, suffix, start, \"end\", note, created, updated, status) "
            "VALUES (?, ?, ?, ?, 0, ?, '', '', 0, 5, ?, ?, ?, 'ok')",
            (
                "hostile",
                "nokey",
                f"/nowhere/{PAYLOAD}.txt",
                f"Tiêu đề {PAYLOAD}",
                f"Trích dẫn {PAYLOAD}",
                f"Ghi chú {PAYLOAD}",
                "2026-01-01T00:00:00.000+00:00",
                "2026-01-01T00:00:00.000+00:00",
            ),
        )
    conn.close()


@pytest.fixture
def hostile_corpus() -> Iterator[Path]:
    # A short parent, so the whole folder name fits in the header at 120 columns.
    short = Path(tempfile.mkdtemp(prefix="esc", dir="/tmp" if Path("/tmp").is_dir() else None))
    root = copy_seeds(short / f"tin {PAYLOAD}")
    (root / f"hỏng {PAYLOAD}.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    yield root
    shutil.rmtree(short, ignore_errors=True)


def test_a_plain_session_writes_none_of_these_sequences(tmp_path: Path) -> None:
    app = PtyApp([], _env(tmp_path), (120, 36))
    try:
        app.wait_for("sample articles")
        app.wait_for("articles")
    finally:
        stream = app.close()
    assert _forbidden_in(stream) == {}


def test_every_surface_shows_outside_text_as_visible_placeholders(
    tmp_path: Path, hostile_corpus: Path
) -> None:
    env = _env(tmp_path)
    _hostile_bookmark(tmp_path / "data")
    app = PtyApp([str(hostile_corpus)], env, (120, 36))
    try:
        # The header's subtitle is the folder name.
        app.wait_for(SHOWN)
        app.wait_for("skipped (S)")
        # The skipped-files screen lists the binary file by its name.
        mark = app.send("S")
        app.wait_for("could not be read", after=mark)
        app.wait_for(SHOWN, after=mark)
        mark = app.send("\x1b")
        time.sleep(0.3)  # a lone ESC is told from a sequence by a pause
        # The bookmarks screen: title, quote and note of the hostile bookmark.
        mark = app.send("B")
        app.wait_for("Tiêu đề", after=mark)
        app.wait_for("Ghi chú", after=mark)
        # The note dialog shows the quote and the note.
        mark = app.send("\x0e")  # ctrl+n
        app.wait_for("Note on this passage", after=mark)
        app.wait_for(SHOWN, after=mark)
        # Bracketed pastes into the note: control characters, C1, bidi and line breaks
        # (kept, every line, as visible placeholders), then escape sequences: every
        # character arrives as text (none as a key press), the escapes made visible.
        mark = app.send(b"\x1b[200~" + "dòng một\nhai\u009b\u202e\x07 ba".encode() + b"\x1b[201~")
        app.wait_for("dòng một hai", after=mark)
        mark = app.send(b"\x1b[200~" + f" dán {PAYLOAD}\r\n".encode() + b"\x1b[201~")
        app.wait_for("\ufffdevil", after=mark)  # the paste's last characters, in the box
        mark = app.send("\r")
        app.wait_for("Note saved", after=mark)
        # Opening it: its article is not here; the notification names the path.
        mark = app.send("\r")
        app.wait_for("not in this corpus", after=mark)
        app.wait_for(SHOWN, after=mark)
    finally:
        stream = app.close()
    assert _forbidden_in(stream) == {}
    assert stream.count(SHOWN) >= 5  # header, skipped, row, dialog, notification
    # The pasted note was stored sanitized, all of it (not only its first line).
    conn = sqlite3.connect(tmp_path / "data" / "state.sqlite3")
    (note,) = conn.execute("SELECT note FROM bookmarks WHERE uid = 'hostile'").fetchone()
    conn.close()
    assert note.startswith(safe_text(f"Ghi chú {PAYLOAD}"))  # added to, not replaced
    assert "dòng một hai\ufffd\ufffd␇ ba" in note
    assert note.endswith(f"badán {safe_text(PAYLOAD)}")  # every pasted character, in order
    assert not any(ch in note for ch in "\x1b\x07\n\u009b\u202e")


def test_cli_text_output_is_safe_and_one_line_per_field(
    tmp_path: Path, hostile_corpus: Path
) -> None:
    env = _env(tmp_path)
    forged = "x\n  1. FORGED RESULT"
    shutil.copy(hostile_corpus / "000_3e0ed1ba5c5dd459.txt", hostile_corpus / f"{forged}.txt")
    row = {
        "uid": "u",
        "article_key": "k",
        "path": f"/corpus/{forged}{PAYLOAD}.txt",
        "title": f"Bài {PAYLOAD}",
        "passage_index": 0,
        "quote": f"trích {PAYLOAD}",
        "start": 0,
        "end": 5,
        "note": f"ghi {PAYLOAD}",
        "created": "2026-01-01T00:00:00+00:00",
    }
    file = tmp_path / f"import {PAYLOAD}.json"
    file.write_text(json.dumps([row]), "utf-8")
    run = [sys.executable, "-m", "tui_reader"]
    outputs = [
        subprocess.run([*run, "bookmarks", "import", str(file)], capture_output=True, env=env),
        subprocess.run([*run, "bookmarks", "list"], capture_output=True, env=env),
        subprocess.run(
            [*run, "search", "--corpus", str(hostile_corpus), "trieu tien"],
            capture_output=True,
            env=env,
        ),
        subprocess.run([*run, str(tmp_path / f"missing {PAYLOAD}")], capture_output=True, env=env),
    ]
    for done in outputs:
        stream = done.stdout + done.stderr
        assert _forbidden_in(stream) == {}, done.args
        assert b"Traceback" not in stream
        lines = stream.decode("utf-8").splitlines()
        assert not any(line.lstrip().startswith("1. FORGED") for line in lines), done.args
    assert SHOWN in outputs[1].stdout and "␤".encode() in outputs[2].stdout
    assert outputs[3].returncode == 2 and SHOWN in outputs[3].stderr


def test_a_paste_into_the_search_bar_is_all_query_shown_safe(
    tmp_path: Path, hostile_corpus: Path
) -> None:
    app = PtyApp([str(hostile_corpus)], _env(tmp_path), (120, 36))
    try:
        app.wait_for("skipped (S)")
        app.send("/")
        time.sleep(0.3)
        mark = app.send(b"\x1b[200~" + f"trieu {PAYLOAD}".encode() + b"\x1b[201~")
        app.wait_for("\ufffdevil", after=mark)
        app.send("\x1b")
        time.sleep(0.3)
    finally:
        stream = app.close()
    assert _forbidden_in(stream) == {}


def test_a_pasted_note_under_its_passage_and_in_the_question_before_removing_it(
    tmp_path: Path, hostile_corpus: Path
) -> None:
    """The note shows under its passage while reading and in "Remove … and its note?"."""
    app = PtyApp([str(hostile_corpus)], _env(tmp_path), (120, 36))
    try:
        app.wait_for("skipped (S)")
        mark = app.send("\r")  # open the first article
        app.wait_for("words", after=mark)
        mark = app.send("j")
        time.sleep(0.3)
        mark = app.send("a")
        app.wait_for("Note on this passage", after=mark)
        mark = app.send(b"\x1b[200~" + f"ghi {PAYLOAD} hết".encode() + b"\x1b[201~")
        app.wait_for("evil hết", after=mark)
        mark = app.send("\r")
        app.wait_for("bookmarked", after=mark)
        app.wait_for(SHOWN, after=mark)  # the note, under its passage
        mark = app.send("b")
        app.wait_for("its note?", after=mark)
        app.wait_for(SHOWN, after=mark)  # the note, quoted in the question
        app.send("\x1b")  # No: keep it
        time.sleep(0.5)
    finally:
        stream = app.close()
    assert _forbidden_in(stream) == {}
    conn = sqlite3.connect(tmp_path / "data" / "state.sqlite3")
    notes = [row[0] for row in conn.execute("SELECT note FROM bookmarks")]
    conn.close()
    assert notes == [safe_text(f"ghi {PAYLOAD} hết")]
