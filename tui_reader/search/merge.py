"""The merge policy: which segments to merge, as a pure function of the segment views.

Like Lucene's tiered policy, in spirit: while indexing, merge once eight small
segments pile up (so a growing index keeps few segments and searching stays
fast); at the end of an update, merge every small segment, and rewrite
segments that are mostly deleted docs or entirely dead. Groups never exceed
:data:`~tui_reader.search.segment.MAX_SEGMENT_DOCS` live docs.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_reader.search.segment import MAX_SEGMENT_DOCS
from tui_reader.search.snapshot import SegmentView

__all__ = ["SMALL_SEGMENTS", "plan_merges"]

#: Small segments that trigger a merge while an update is still running.
SMALL_SEGMENTS = 8


def plan_merges(
    views: Sequence[SegmentView], *, final: bool, words: bool = False
) -> list[list[SegmentView]]:
    """Groups of ``views`` to merge, each into one segment, each in index order.

    A group's dead views (no live docs) are simply dropped; a group of dead
    views only becomes no segment at all. An empty list: nothing to do.
    ``words``: the index has pyvi words, so segments still waiting for theirs
    are left alone (adding the words rewrites them anyway, and a merge must
    never mix docs with and without words).
    """
    if words:
        views = [v for v in views if v.segment.has_words]
    small = [v for v in views if v.live < MAX_SEGMENT_DOCS // 2]
    dead = [v for v in views if v.live == 0]
    heavy = [v for v in views if v.live and v.segment.n_docs - v.live > v.segment.n_docs // 4]
    if not final and len(small) < SMALL_SEGMENTS and not dead:
        return []
    if final and len(small) < 2 and not dead and not heavy:
        return []
    candidates = [v for v in views if v in small or v in heavy or v in dead]
    groups: list[list[SegmentView]] = []
    current: list[SegmentView] = []
    total = 0
    for view in sorted(candidates, key=lambda v: v.live):
        if current and total + view.live > MAX_SEGMENT_DOCS:
            groups.append(current)
            current, total = [], 0
        current.append(view)
        total += view.live
    if current:
        groups.append(current)
    position = {id(v): i for i, v in enumerate(views)}
    return [
        sorted(group, key=lambda v: position[id(v)])
        for group in groups
        if len(group) > 1 or group[0] in heavy or group[0] in dead
    ]
