"""Article files: ``<data_dir>/feeds/<feed>/<date>-<slug>.json``, written atomically.

Each file is one JSON object in the agreed article format (``title``, ``text``
with paragraphs separated by blank lines, ``url``, ``date`` in ISO 8601,
``author``, ``source`` = the feed's name, ``id``), plus a few extra keys readers
ignore. A file is written to a hidden temporary name in the same folder, flushed
to disk and renamed over the target, so a reader (or a kill at any moment) sees
the old file or the new one, never half of one. Hidden names are never listed
as articles, and leftovers of a killed fetch are removed by the next one.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FEEDS_FOLDER = "feeds"
SLUG_MAX = 60
_TMP_PREFIX = ".tmp-"
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Terminal escape sequences (raw, or as the sanitizer shows them: ␛ for ESC, ␇ for BEL)
# are noise in a file name: "\x1b[31mĐỎ" names the file "do", not "31mdo".
_ESCAPES = re.compile(
    "(?:\x1b|\u241b)(?:\\[[0-?]*[ -/]*[@-~]|\\][^\x07\u2407\x1b\u241b]*(?:\x07|\u2407)?)"
)


def feeds_root(data_dir: Path) -> Path:
    """The folder holding every feed's article files."""
    return data_dir / FEEDS_FOLDER


def slugify(text: str, *, fallback: str = "bai-viet", limit: int = SLUG_MAX) -> str:
    """A file-name-safe ASCII slug: tones dropped, đ as d ("Hà Nội" -> "ha-noi")."""
    text = _ESCAPES.sub(" ", text)
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    slug = _NON_WORD.sub("-", ascii_only.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or fallback


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """What is written for one article."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    url: str | None
    date: datetime | None
    author: str | None
    source: str
    feed_url: str
    fetched: str
    summary_only: str | None = None
    """Why only the feed's summary is here (the page could not be fetched), or None."""

    def to_json(self) -> dict[str, object]:
        """The agreed JSON article object."""
        return {
            "title": self.title,
            "text": "\n\n".join(self.paragraphs),
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "author": self.author,
            "source": self.source,
            "id": self.id,
            "feed": self.feed_url,
            "fetched": self.fetched,
            "summary_only": self.summary_only,
        }

    @property
    def text(self) -> str:
        """The body as stored (what the content key is computed from)."""
        return "\n\n".join(self.paragraphs)


def article_path(folder: Path, record: ArticleRecord, *, taken: set[str] | None = None) -> Path:
    """A new file name for ``record`` in ``folder``: date, slug, and a number if needed.

    A file already holding the same article id (written before a kill, never
    recorded) is reused rather than duplicated.
    """
    day = record.date.date().isoformat() if record.date else record.fetched[:10]
    base = f"{day}-{slugify(record.title)}"
    for n in range(1, 10_000):
        name = f"{base}.json" if n == 1 else f"{base}-{n}.json"
        path = folder / name
        if taken is not None and str(path) in taken:
            continue
        if not path.exists() or stored_id(path) == record.id:
            return path
    raise OSError(f"no free file name for {base!r} in {folder}")  # pragma: no cover


def stored_id(path: Path) -> str | None:
    """The ``id`` of an article file, or None if it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def write_article(path: Path, record: ArticleRecord) -> None:
    """Write ``record`` to ``path`` atomically (temp file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps(record.to_json(), ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
    tmp = path.with_name(f"{_TMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_leftovers(root: Path) -> int:
    """Delete temporary files a killed fetch left behind; how many were removed."""
    removed = 0
    if not root.is_dir():
        return 0
    for tmp in root.glob(f"*/{_TMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed += 1
    return removed
