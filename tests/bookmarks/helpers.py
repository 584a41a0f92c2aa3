"""Real article files to bookmark and edit: copies of the seeds in a tmp dir."""

from __future__ import annotations

from pathlib import Path

from tui_reader.articles.model import Article
from tui_reader.articles.parse import load_article

#: One paragraph per line, no title line (the derived-title layout).
PLAIN = "000_3e0ed1ba5c5dd459.txt"
#: Title, blank-line separated paragraphs, a caption, a byline and a source line.
ZNEWS = "004_43a67dcebbb22425.txt"
NEW_PARAGRAPH = "Đoạn văn mới được thêm vào bài để kiểm tra việc neo lại dấu trang sau khi sửa."


def replace_once(path: Path, old: str, new: str) -> Article:
    """Replace the single occurrence of ``old`` in the file and return the re-parsed article."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_article(path)


def znews_blocks(path: Path) -> list[str]:
    """The blank-line separated blocks of the ZNEWS layout (block 0 is the title)."""
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n\n")


def write_znews_blocks(path: Path, blocks: list[str]) -> Article:
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return load_article(path)


def index_of(article: Article, text: str) -> int:
    """The index of the only passage whose text is ``text``."""
    found = [i for i, passage in enumerate(article.passages) if passage.text == text]
    assert len(found) == 1, f"{len(found)} passages are {text[:40]!r}"
    return found[0]
