"""Counting words for people: "1 article", "2 articles", never "1 article(s)".

Core (no Textual): the command line, the core's messages and the screens all
count with the same function.
"""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 article``, ``2 articles``, ``1,234 articles``; ``many`` for irregular words."""
    word = one if count == 1 else (many or f"{one}s")
    return f"{count:,} {word}"
