"""Child-process code for the concurrency test (importable under ``spawn``)."""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

from tui_reader.articles.parse import load_article
from tui_reader.bookmarks.anchor import new_bookmark
from tui_reader.store.state import StateStore

Report = tuple[str, list[str], str | None]


def bookmark_every_passage(
    data_dir: str, article_path: str, rounds: int, barrier: Barrier, results: Queue[Report]
) -> None:
    """Bookmark each passage of one article ``rounds`` times, as a reader would, one by one."""
    name = Path(article_path).name
    uids: list[str] = []
    try:
        article = load_article(Path(article_path))
        barrier.wait()
        with StateStore.open(data_dir) as store:
            for n in range(rounds):
                for index in range(len(article.passages)):
                    mark = store.add_bookmark(new_bookmark(article, index, f"{name} {n}"))
                    uids.append(mark.uid)
            problem = store.save_problem or (
                f"{store.pending_writes} pending" if store.pending_writes else None
            )
        results.put((name, uids, problem))
    except BaseException as exc:  # reported to the test, which fails on it
        results.put((name, uids, f"raised {exc!r}"))
