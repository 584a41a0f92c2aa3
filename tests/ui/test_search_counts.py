"""The status line's search counts: real plurals, and a short form before anything is cut."""

from __future__ import annotations

from tui_reader.ui.widgets.status_bar import Part, fit


def test_the_least_important_part_is_shortened_before_it_is_dropped() -> None:
    parts = [
        Part("1 article holds every word · 312 hold some · 12 ms", "bold", 80, "1 all · 312 some"),
        Part("sorted: newest first", "italic", 20),
    ]
    assert fit(parts, 200).plain == " · ".join(p.text for p in parts)
    # Too narrow for both: the lower priority goes first, the counts keep their full form.
    assert fit(parts, 60).plain == parts[0].text
    # Narrower still: the counts say it short instead of being cut.
    assert fit(parts, 30).plain == "1 all · 312 some"


def test_a_part_without_a_short_form_is_dropped_whole() -> None:
    parts = [Part("⚠ not saving: disk full", "bold", 100), Part("3 unread", "", 60)]
    assert fit(parts, 25).plain == "⚠ not saving: disk full"
