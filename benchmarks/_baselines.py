"""Baseline search engines for benchmarks/search_bench.py: SQLite FTS5 and Tantivy.

Both index the same articles as tui-reader (title and body, parsed by
``load_article``) with the text folded by tui-reader's own :func:`fold`, so
``ha noi`` meets ``Hà Nội`` and ``đ`` is ``d`` in all three engines. Reading and
parsing happen in one worker process per core, as tui-reader's build does, so
build times compare engines, not parallelism.

- FTS5: ``unicode61`` over folded text; a phrase query (last word as prefix),
  then an AND query when the phrase finds fewer than the limit; ranked by bm25.
- Tantivy (tantivy-py, the ``bench`` extra): default tokenizer over folded text.
  A query is a BooleanQuery of SHOULD clauses: per word and per field an exact
  term (BM25) and a FuzzyTermQuery (distance 1 for words of 5+ letters, prefix
  for the last word), title boosted over body; plus phrase boosts: the whole
  query with slop 2, and every adjacent pair with slop 1, in both fields. That is
  the strong, fair way to ask Tantivy for what people type.
"""

from __future__ import annotations

import itertools
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from tui_reader.articles.corpus import scan_corpus
from tui_reader.articles.decode import UnreadableFile
from tui_reader.articles.parse import load_article
from tui_reader.text.fold import fold

WORD_RE = re.compile(r"[^\W_]+")  # Alphanumeric runs: what both baselines' tokenizers split on.
TITLE_BOOST = 1.0  # Titles are short: BM25 already favours them.
FUZZY_BOOST = 0.5  # A fuzzy match scores a constant; below an exact BM25 match of the word.
PHRASE_BOOST = 30.0
PAIR_BOOST = 3.0


def _folded(path: str) -> tuple[str, str, str] | None:
    try:
        article = load_article(Path(path))
    except (UnreadableFile, OSError):
        return None
    body = "\n".join(p.text for p in article.passages)
    return Path(path).name, fold(article.title), fold(body)


def folded_articles(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """``(file name, folded title, folded body)`` of every readable article, read in parallel."""
    paths = [entry.path for entry in scan_corpus([corpus]).files]
    with Pool(os.cpu_count() or 1) as pool:
        for row in pool.imap(_folded, paths, chunksize=128):
            if row is not None:
                yield row


def query_words(query: str) -> list[str]:
    return WORD_RE.findall(fold(query))


# FTS5 ------------------------------------------------------------------------


class Fts5:
    """SQLite FTS5 over folded text: phrase, then AND; bm25."""

    name = "FTS5"

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.con: sqlite3.Connection | None = None

    def build(self, corpus: Path) -> float:
        """Build from scratch; returns seconds (reading and parsing included)."""
        started = time.perf_counter()
        for p in (self.db_path, self.db_path.with_suffix(".tmp")):
            p.unlink(missing_ok=True)
        tmp = self.db_path.with_suffix(".tmp")
        con = sqlite3.connect(tmp)
        con.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(name UNINDEXED, title, body, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        rows: list[tuple[str, str, str]] = []
        for row in folded_articles(corpus):
            rows.append(row)
            if len(rows) >= 5000:
                con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
                rows = []
        con.executemany("INSERT INTO docs VALUES (?, ?, ?)", rows)
        con.commit()
        con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        con.commit()
        con.close()
        os.replace(tmp, self.db_path)
        return time.perf_counter() - started

    def open(self) -> bool:
        if not self.db_path.exists():
            return False
        self.con = sqlite3.connect(self.db_path)
        return True

    def search(self, query: str, limit: int) -> list[str]:
        """Phrase query (last word as prefix), then AND of the words if fewer than ``limit``."""
        assert self.con is not None
        words = query_words(query)
        if not words:
            return []
        quoted = [f'"{w}"' for w in words]
        phrase = '"' + " ".join(words) + '" *'
        conj = " AND ".join([*quoted[:-1], quoted[-1] + " *"])
        sql = "SELECT name FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?"
        found: list[str] = []
        for match in (phrase, conj):
            try:
                rows = self.con.execute(sql, (match, limit)).fetchall()
            except sqlite3.OperationalError:
                continue
            for (name,) in rows:
                if name not in found:
                    found.append(name)
            if len(found) >= limit:
                break
        return found[:limit]


# Tantivy -----------------------------------------------------------------------


def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


class Tantivy:
    """Tantivy over folded text: fuzzy terms OR'd with phrase boosts."""

    name = "Tantivy"

    def __init__(self, folder: Path) -> None:
        import tantivy

        self.folder = folder
        self.tv: Any = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("name", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field("title", tokenizer_name="default")
        builder.add_text_field("body", tokenizer_name="default")
        self.schema = builder.build()
        self.searcher: Any = None

    def build(self, corpus: Path) -> float:
        """Build from scratch; returns seconds (reading and parsing included)."""
        import shutil

        started = time.perf_counter()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        index = self.tv.Index(self.schema, path=str(self.folder))
        writer = index.writer(heap_size=256_000_000)
        for name, title, body in folded_articles(corpus):
            writer.add_document(self.tv.Document(name=name, title=title, body=body))
        writer.commit()
        writer.wait_merging_threads()
        (self.folder / ".complete").touch()
        return time.perf_counter() - started

    def open(self) -> bool:
        if not (self.folder / ".complete").exists():
            return False
        index = self.tv.Index.open(str(self.folder))
        index.reload()
        self.searcher = index.searcher()
        return True

    def _query(self, words: list[str]) -> Any:
        q, occur, schema = self.tv.Query, self.tv.Occur.Should, self.schema
        clauses: list[tuple[Any, Any]] = []
        for i, word in enumerate(words):
            last = i == len(words) - 1
            for field, boost in (("title", TITLE_BOOST), ("body", 1.0)):
                clauses.append((occur, q.boost_query(q.term_query(schema, field, word), boost)))
                if len(word) >= 5 or last:
                    fuzzy = q.fuzzy_term_query(
                        schema, field, word, distance=1 if len(word) >= 5 else 0, prefix=last
                    )
                    clauses.append((occur, q.boost_query(fuzzy, boost * FUZZY_BOOST)))
        if len(words) >= 2:
            for field, boost in (("title", TITLE_BOOST), ("body", 1.0)):
                phrase = q.phrase_query(schema, field, words, slop=2)
                clauses.append((occur, q.boost_query(phrase, boost * PHRASE_BOOST)))
                # The last word may be half typed: the phrase with it as a prefix.
                typing = q.phrase_prefix_query(schema, field, words)
                clauses.append((occur, q.boost_query(typing, boost * PHRASE_BOOST)))
                if len(words) >= 3:
                    for a, b in itertools.pairwise(words):
                        pair = q.phrase_query(schema, field, [a, b], slop=1)
                        clauses.append((occur, q.boost_query(pair, boost * PAIR_BOOST)))
        return q.boolean_query(clauses)

    def search(self, query: str, limit: int) -> list[str]:
        words = query_words(query)
        if not words:
            return []
        result = self.searcher.search(self._query(words), limit)
        return [self.searcher.doc(addr)["name"][0] for _score, addr in result.hits]
