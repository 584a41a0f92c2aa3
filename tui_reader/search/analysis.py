"""Turning one article into what the index stores: terms, passage starts, stored text.

These functions run in worker processes (they are module-level and take and
return plain picklable values), so the expensive parts - reading, parsing,
tokenizing and above all pyvi segmentation - use every core. Analysis and
segmentation are separate steps: the syllables are indexed first (the whole
corpus is searchable early) and pyvi words are added afterwards, from the
stored text, reusing the segmentation of any content key already segmented.

A worker sends a batch's distinct syllables once and each article's tokens as
a numpy array of indexes into them (:class:`AnalyzedBatch`): pickling ten
thousand short strings per batch, and looking each one up in the vocabulary
in the main process, was most of the main process's work.

Positions run across the whole article, title first, then each passage in
reading order, capped at :data:`MAX_TOKENS`: tokens past the cap are not
indexed (a 65,000-syllable article is a book, not news).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

from tui_reader.articles.corpus import FileEntry
from tui_reader.articles.model import Article
from tui_reader.text.tokens import tokenize_folded
from tui_reader.text.wordseg import segment_texts

__all__ = [
    "MAX_TOKENS",
    "AnalyzedBatch",
    "AnalyzedDoc",
    "EncodedDoc",
    "StoredDoc",
    "Unreadable",
    "analyze_article",
    "analyze_batch",
    "analyze_file",
    "encode_batch",
    "segment_batch",
    "segment_stored",
    "stored_texts",
]

#: Tokens indexed per article. Positions fit in 16 bits with room for query offsets.
MAX_TOKENS = 65_000


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """What the index stores of an article besides its terms.

    ``lengths[0]`` is the number of title tokens, ``lengths[k + 1]`` that of
    passage ``k`` (their sum is the article's token count). ``stored`` is the
    compressed title and passage texts, kept for snippets and for adding pyvi
    words later.
    """

    path: str
    size: int
    mtime_ns: int
    key: str
    title: str
    lengths: list[int]
    stored: bytes


@dataclass(frozen=True, slots=True)
class AnalyzedDoc(StoredDoc):
    """One article, analyzed: ``terms`` are its folded syllables in order."""

    terms: list[str]


@dataclass(frozen=True, slots=True)
class EncodedDoc(StoredDoc):
    """An analyzed article as a worker sends it: ``local`` indexes its batch's terms."""

    local: npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class AnalyzedBatch:
    """Analyzed files: ``terms`` are the distinct syllables of all ``docs``."""

    terms: list[str]
    docs: list[EncodedDoc | Unreadable]


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
        path=entry.path,
        size=entry.size,
        mtime_ns=entry.mtime_ns,
        key=article.key,
        title=article.title,
        lengths=lengths,
        stored=pack_texts(texts),
        terms=terms,
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


def encode_batch(results: list[AnalyzedDoc | Unreadable]) -> AnalyzedBatch:
    """The compact form of analyzed files (see the module doc)."""
    analyzed = [doc.terms for doc in results if isinstance(doc, AnalyzedDoc)]
    terms = list(dict.fromkeys(chain.from_iterable(analyzed)))
    lookup = {term: i for i, term in enumerate(terms)}.__getitem__
    docs: list[EncodedDoc | Unreadable] = []
    for doc in results:
        if isinstance(doc, Unreadable):
            docs.append(doc)
            continue
        local = np.fromiter(map(lookup, doc.terms), dtype=np.uint32, count=len(doc.terms))
        docs.append(
            EncodedDoc(
                path=doc.path,
                size=doc.size,
                mtime_ns=doc.mtime_ns,
                key=doc.key,
                title=doc.title,
                lengths=doc.lengths,
                stored=doc.stored,
                local=local,
            )
        )
    return AnalyzedBatch(terms, docs)


def analyze_batch(entries: list[FileEntry]) -> AnalyzedBatch:
    """Analyze files (in a worker); a parser bug costs its file, never the batch."""
    out: list[AnalyzedDoc | Unreadable] = []
    for entry in entries:
        try:
            out.append(analyze_file(entry))
        except Exception as err:  # A parser bug must not stop the whole index.
            out.append(
                Unreadable(
                    entry.path,
                    entry.size,
                    entry.mtime_ns,
                    f"could not be analyzed: {type(err).__name__}",
                )
            )
    return encode_batch(out)


def segment_batch(jobs: list[tuple[bytes, list[int]]]) -> list[bytes]:
    """Join flags for ``(stored texts, passage token counts)`` jobs (in a worker)."""
    out: list[bytes] = []
    for stored, lengths in jobs:
        try:
            out.append(segment_stored(stored, lengths))
        except Exception:  # Index its syllables; words are a refinement.
            out.append(bytes(sum(lengths)))
    return out


def segment_stored(stored: bytes, lengths: list[int]) -> bytes:
    """pyvi join flags for a doc's indexed tokens (one byte each), from its stored text."""
    texts = stored_texts(stored)
    out = bytearray()
    for flags, length in zip(segment_texts(texts), lengths, strict=False):
        out += flags[:length]
    return bytes(out)
