"""Two processes bookmarking in the same data dir at the same time lose nothing."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from tests.bookmarks import workers
from tests.bookmarks.helpers import PLAIN, ZNEWS
from tests.helpers import copy_seeds
from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.resolve import resolve
from tui_reader.store.state import StateStore

ROUNDS = 10


def test_two_processes_adding_bookmarks_lose_nothing(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    data = tmp_path / "data"  # not created yet: both race to create it
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results: multiprocessing.Queue[workers.Report] = ctx.Queue()
    jobs = [
        ctx.Process(
            target=workers.bookmark_every_passage,
            args=(str(data), str(corpus / name), ROUNDS, barrier, results),
        )
        for name in (PLAIN, ZNEWS)
    ]
    for job in jobs:
        job.start()
    reported: dict[str, list[str]] = {}
    for _ in jobs:
        name, uids, problem = results.get(timeout=120)
        assert problem is None, f"{name}: {problem}"
        reported[name] = uids
    for job in jobs:
        job.join(timeout=30)
        assert job.exitcode == 0

    articles = {name: load_article(corpus / name) for name in (PLAIN, ZNEWS)}
    with StateStore.open(data) as store:
        saved = {mark.uid: mark for mark in store.bookmarks()}
    for name, article in articles.items():
        assert len(reported[name]) == ROUNDS * len(article.passages)
    assert set(saved) == set(reported[PLAIN]) | set(reported[ZNEWS])
    for mark in saved.values():
        article = articles[mark.path.name]
        assert mark.note.startswith(mark.path.name)
        found = resolve(mark, article)
        assert found.ok and found.passage_index == mark.passage_index
