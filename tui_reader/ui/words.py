"""Counting words for people (the screens' name for :func:`tui_reader.words.plural`)."""

from __future__ import annotations

from tui_reader.words import plural

__all__ = ["plural"]
