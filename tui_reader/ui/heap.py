"""Keep Python's full garbage collections short while the reader types.

The app holds hundreds of thousands of long-lived objects (the listing, the
index's lookup tables, Textual's widgets). Each full (generation 2) collection
walks all of them: 55-125 ms on the 35k corpus, every 10-20 s of typing, landing
on a keystroke's search or paint (benchmarks/typing_bench.py saw 84 and 108 ms
paints). Once the corpus is loaded and indexed, :func:`freeze_heap` moves what
exists to the collector's permanent generation, so later collections walk only
what was made since. Frozen objects are still freed by reference counting when
the app drops them; only a reference cycle made before the freeze outlives it.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_heap() -> int:
    """Move every object tracked now out of the collector's walks; returns how many are frozen."""
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("heap frozen: %d objects left out of full collections", frozen)
    return frozen
