"""The app's view of the state store: in-memory mirrors the list can read per row.

The list draws thousands of rows a second; it asks ``key in read_keys_cache``,
never the database. Writes go to the store (which queues them if the disk
refuses) and update the mirrors at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tui_reader.articles.model import Article, ArticleMeta
from tui_reader.store.bookmarks import Bookmark, NewBookmark
from tui_reader.store.state import StateStore


class AppState:
    """Read marks, positions and bookmark counts for the UI, backed by SQLite."""

    def __init__(self, data_dir: Path) -> None:
        self.store = StateStore.open(data_dir)
        self.read_keys_cache: set[str] = self.store.read_keys()
        self.bookmark_counts_cache: dict[str, int] = self.store.bookmark_counts()

    @property
    def notices(self) -> list[str]:
        """Messages for the user from opening the store (e.g. a database moved aside)."""
        return list(self.store.notices)

    @property
    def save_problem(self) -> str | None:
        """Why state cannot be saved right now, if it cannot."""
        return self.store.save_problem

    def set_read(self, key: str, read: bool) -> None:
        """Mark an article read or unread."""
        if read:
            self.read_keys_cache.add(key)
        else:
            self.read_keys_cache.discard(key)
        self.store.set_read(key, read)

    def scroll_offset(self, key: str) -> float | None:
        """Where the reader left this article."""
        return self.store.scroll_offset(key)

    def set_scroll_offset(self, key: str, y: float) -> None:
        """Remember where the reader is in this article."""
        self.store.set_scroll_offset(key, y)

    def bookmarks(self, article_key: str | None = None) -> list[Bookmark]:
        """All bookmarks, or one article's, newest first."""
        return self.store.bookmarks(article_key)

    def article_bookmarks(self, article: Article) -> tuple[dict[int, Bookmark], list[Bookmark]]:
        """Re-anchor ``article``'s bookmarks: (placed by passage index, orphaned).

        A bookmark made before the file was edited is found again (exact quote,
        then fuzzy) and its new position saved; one that cannot be placed is
        kept as orphaned, never dropped.
        """
        from tui_reader.bookmarks import bookmarks_for, reanchor

        placed: dict[int, Bookmark] = {}
        orphaned: list[Bookmark] = []
        for mark in bookmarks_for(article, self.store.bookmarks()):
            resolution = reanchor(self.store, mark, article)
            index = resolution.passage_index
            if resolution.ok and index is not None and index not in placed:
                placed[index] = self.store.bookmark(mark.id) or mark
            else:
                orphaned.append(mark)
        self.set_bookmark_counts(self.store.bookmark_counts())
        return placed, orphaned

    def reconcile_bookmarks(self, metas: Sequence[ArticleMeta]) -> dict[str, int]:
        """Re-anchor bookmarks whose article key is not in the corpus (edited or moved files).

        Runs in a worker after the corpus check; returns fresh bookmark counts
        for the UI thread to install. Unplaceable bookmarks become orphaned.
        """
        keys = {meta.key for meta in metas}
        stray = [mark for mark in self.store.bookmarks() if mark.article_key not in keys]
        if stray:
            from tui_reader.bookmarks import ArticleFinder, Locator, reanchor

            locator = Locator(ArticleFinder(metas))
            for mark in stray:
                found = locator.locate(mark)
                reanchor(self.store, mark, found.article if found.resolution.ok else None)
        return self.store.bookmark_counts()

    def set_bookmark_counts(self, counts: dict[str, int]) -> None:
        """Install counts computed off the UI thread."""
        self.bookmark_counts_cache.clear()
        self.bookmark_counts_cache.update(counts)

    def add_bookmark(self, new: NewBookmark) -> Bookmark:
        """Save a bookmark and count it for the list."""
        mark = self.store.add_bookmark(new)
        self._count(mark.article_key, +1)
        return mark

    def delete_bookmark(self, mark: Bookmark) -> Bookmark | None:
        """Delete a bookmark; the returned row can be restored (undo)."""
        removed = self.store.delete_bookmark(mark.id)
        if removed is not None:
            self._count(removed.article_key, -1)
        return removed

    def restore_bookmark(self, mark: Bookmark) -> None:
        """Undo a delete."""
        self.store.restore_bookmark(mark)
        self._count(mark.article_key, +1)

    def update_note(self, mark: Bookmark, note: str) -> None:
        """Replace a bookmark's note."""
        self.store.update_note(mark.id, note)

    def _count(self, key: str, step: int) -> None:
        count = self.bookmark_counts_cache.get(key, 0) + step
        if count > 0:
            self.bookmark_counts_cache[key] = count
        else:
            self.bookmark_counts_cache.pop(key, None)

    def retry_pending(self) -> bool:
        """Try again to save writes the disk refused; True when nothing is left unsaved."""
        return self.store.retry_pending()

    @property
    def pending_writes(self) -> int:
        """How many changes are still waiting to be saved."""
        return self.store.pending_writes

    def close(self) -> None:
        """Flush and close the database."""
        self.store.close()
