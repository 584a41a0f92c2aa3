"""An OptionList whose rows stay legible in every theme (see :mod:`tui_reader.ui.contrast`)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList

from tui_reader.ui.contrast import legible_strip


class LegibleOptionList(OptionList):
    """Rows carry their own colours (a muted date, a highlighted match, a warning).

    On the cursor every part takes the cursor's colour (a part's own colour can
    vanish on the cursor's background, even in an ANSI theme); elsewhere a part
    fainter than 3:1 on its background is redrawn in that background's contrast text.
    """

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.highlighted is not None:
            cursor = self.get_visual_style(
                "option-list--option", "option-list--option-highlighted"
            ).rich_style
            if cursor.bgcolor is not None and cursor.color is not None:
                colour = Style(color=cursor.color)
                strip = Strip(
                    [
                        Segment(text, style + colour, control)
                        if style is not None and style.bgcolor == cursor.bgcolor
                        else Segment(text, style, control)
                        for text, style, control in strip
                    ],
                    strip.cell_length,
                )
        return legible_strip(strip)
