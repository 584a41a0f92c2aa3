"""What a search reads: segment views and the immutable snapshot of an index.

Kept apart from the builder so the engine, the updater and the merge policy
share these two small types without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tui_reader.search.query import PlanCache
from tui_reader.search.segment import Segment
from tui_reader.search.vocab import Lexicon, Vocabulary

__all__ = ["BoolArray", "IndexSnapshot", "SegmentView", "frozen"]

BoolArray = npt.NDArray[np.bool_]


def frozen(mask: BoolArray) -> BoolArray:
    """``mask``, made read-only (views are shared between threads)."""
    mask.setflags(write=False)
    return mask


@dataclass(frozen=True, slots=True, eq=False)
class SegmentView:
    """A segment and which of its docs are deleted, as of one snapshot."""

    segment: Segment
    deleted: BoolArray

    @property
    def live(self) -> int:
        return self.segment.n_docs - int(np.count_nonzero(self.deleted))

    @classmethod
    def whole(cls, segment: Segment) -> SegmentView:
        """A view of a new segment: nothing deleted."""
        return cls(segment, frozen(np.zeros(segment.n_docs, dtype=bool)))


class IndexSnapshot:
    """What is searchable at one moment: immutable, safe to use from any thread.

    ``corpus_size`` is the number of files of the corpus being indexed and
    ``indexed`` the number of articles searchable now; while an update runs
    the first can exceed the second. ``with_words`` is true when every segment
    has its pyvi words (an update indexes syllables first and adds the words
    after, see :mod:`tui_reader.search.update`); ``words_pending`` counts the
    articles still waiting for them.
    """

    def __init__(
        self,
        views: Sequence[SegmentView],
        vocab: Vocabulary,
        vocab_size: int,
        corpus_size: int,
        with_words: bool,
    ) -> None:
        self.views = tuple(views)
        self._holes = [bool(v.deleted.any()) for v in self.views]
        self.vocab = vocab
        self.vocab_size = vocab_size
        self.corpus_size = corpus_size
        self.words_pending = (
            sum(v.live for v in self.views if not v.segment.has_words) if with_words else 0
        )
        self.with_words = with_words and self.words_pending == 0
        self.indexed = sum(v.live for v in self.views)
        live_tokens = sum(int(v.segment.doc_len[~v.deleted].sum()) for v in self.views)
        self.avg_doc_len = live_tokens / self.indexed if self.indexed else 0.0
        self.plans = PlanCache()  # Query words planned on this snapshot (see plan_query).

    def lexicon(self) -> Lexicon:
        """Prefix and typo tables for this snapshot's vocabulary (built on first use)."""
        return self.vocab.lexicon(self.vocab_size)

    def warm(self) -> None:
        """Build the lazy lookup tables now (e.g. in a background thread after loading)."""
        self.lexicon()
        for view in self.views:
            view.segment.warm()

    def doc_frequency(self, gid: int) -> int:
        """Live articles holding term ``gid``: deleted ones never count, so a corpus
        scores the same whether its index was built in one go or updated."""
        total = 0
        for view, holes in zip(self.views, self._holes, strict=True):
            if holes:
                docs = view.segment.doc_list(gid)
                total += len(docs) - int(np.count_nonzero(view.deleted[docs]))
            else:
                total += view.segment.doc_frequency(gid)
        return total
