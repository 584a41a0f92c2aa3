"""Turning one article into what the index stores: terms, passage starts, stored text.

These functions run in worker processes (they are module-level and take and
return plain picklable values), so the expensive parts - reading, parsing,
tokenizing and above all pyvi segmentation - use every core. Analysis and
segmentation are separate steps because segmentation is cached by content
key: only the main process knows which keys it has already segmented.

Positions run across the whole article, title first, then each passage in
reading order, capped at :data:`MAX_TOKENS`: tokens past the cap are not
indexed (a 65,000-syllable article is a book, not news).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

from tui_reader.articles.corpus import FileEntry
from tui_reader.articles.model import Article
from tui_reader.text.tokens import tokenize_folded
from tui_reader.text.wordseg import segment_texts

__all__ = [
    "MAX_TOKENS",
    "AnalyzedDoc",
    "Unreadable",
    "analyze_article",
    "analyze_file",
    "segment_stored",
    "stored_texts",
]

#: Tokens indexed per article. Positions fit in 16 bits with room for query offsets.
MAX_TOKENS = 65_000


@dataclass(frozen=True, slots=True)
class AnalyzedDoc:
    """One article, analyzed: everything the index needs except word segmentation.

    ``lengths[0]`` is the number of title tokens, ``lengths[k + 1]`` that of
    passage ``k``; ``terms`` is all of them in order. ``stored`` is the
    compressed title and passage texts, kept for snippets.
    """

    path: str
    size: int
    mtime_ns: int
    key: str
    title: str
    terms: list[str]
    lengths: list[int]
    stored: bytes


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file that could not be read as an article, with the reason shown to the user."""

    path: str
    size: int
    mtime_ns: int
    reason: str


def pack_texts(texts: list[str]) -> bytes:
    """Compress ``[title, passage 0, passage 1, ...]`` for the stored-text file."""
    return zlib.compress(json.dumps(texts, ensure_ascii=False).encode("utf-8", "surrogatepass"), 1)


def stored_texts(blob: bytes) -> list[str]:
    """The ``[title, passage 0, ...]`` list packed by :func:`pack_texts`."""
    texts = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ValueError("stored text is not a list of strings")
    return texts


def analyze_article(article: Article, entry: FileEntry) -> AnalyzedDoc:
    """Tokenize an already parsed article (title first, then passages)."""
    texts = [article.title, *(p.text for p in article.passages)]
    terms: list[str] = []
    lengths: list[int] = []
    room = MAX_TOKENS
    for text in texts:
        tokens = tokenize_folded(text)[:room] if room else []
        room -= len(tokens)
        terms.extend(tokens)
        lengths.append(len(tokens))
    return AnalyzedDoc(
        entry.path,
        entry.size,
        entry.mtime_ns,
        article.key,
        article.title,
        terms,
        lengths,
        pack_texts(texts),
    )


def analyze_file(entry: FileEntry) -> AnalyzedDoc | Unreadable:
    """Read, parse and tokenize one file; unreadable files are reported, never raised."""
    from tui_reader.articles.loader import UnreadableFile, open_article

    try:
        article = open_article(entry)
    except UnreadableFile as err:
        return Unreadable(entry.path, entry.size, entry.mtime_ns, err.reason)
    except OSError as err:
        return Unreadable(entry.path, entry.size, entry.mtime_ns, err.strerror or str(err))
    return analyze_article(article, entry)


def segment_stored(stored: bytes, lengths: list[int]) -> bytes:
    """pyvi join flags for a doc's indexed tokens (one byte each), from its stored text."""
    texts = stored_texts(stored)
    out = bytearray()
    for flags, length in zip(segment_texts(texts), lengths, strict=False):
        out += flags[:length]
    return bytes(out)
