"""Legible colours: a theme's colour for a piece of text, kept readable on its background.

Some built-in themes pair colours that are faint on each other (gruvbox's cursor
text on its cursor, a light theme's accent on its surface). Text drawn by hand
(the article list) resolves its colour here: the theme's colour when it reads
at :data:`MINIMUM` or better, else that colour moved towards the background's
contrast text just far enough. :func:`legible_variables` does the same to the
theme's own variables, so Textual's widgets (footer, cursors, inputs) follow.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

DIM_FACTOR = 0.5
"""How far dim text fades to its background, as Textual's DimFilter and most terminals draw it."""

MINIMUM = 3.0
"""The least contrast ratio (WCAG) any text in the app is drawn at."""


def luminance(color: Color) -> float:
    """Relative luminance (WCAG 2.x) of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = color.rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(first: Color, second: Color) -> float:
    """The WCAG contrast ratio of two opaque colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def on(color: Color, background: Color) -> Color:
    """``color`` as it shows on ``background``: automatic colours and alpha resolved."""
    if color.auto:
        return background + background.get_contrast_text(color.a)
    if color.a < 1:
        return background + color
    return color


def legible(color: Color, background: Color, minimum: float = MINIMUM) -> Color:
    """``color`` on ``background``, moved towards the contrast text if it reads too faintly.

    ANSI colours are left alone: the terminal, not the theme, decides what they look like.
    """
    if color.ansi is not None or background.ansi is not None:
        return color
    shown = on(color, background)
    if contrast_ratio(shown, background) >= minimum:
        return shown
    # Move towards the contrast text only as far as needed, so a colour keeps its hue.
    target = background + background.get_contrast_text(1.0)
    for step in range(1, 10):
        nearer = shown.blend(target, step / 10)
        if contrast_ratio(nearer, background) >= minimum:
            return nearer
    return target


MARGIN = 0.5
"""Head room for theme variables: the real background may be tinted (focus, hover)."""

BASES = ("background", "surface", "panel")
"""The backgrounds a translucent cursor may be drawn over."""

PAIRS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("footer-key-foreground", ("footer-background",)),
    ("footer-description-foreground", ("footer-background",)),
    *(
        (f"text-{name}", (base,))
        for name in ("primary", "secondary", "accent", "warning", "error", "success")
        for base in BASES
    ),
    *(
        (f"{name}-foreground", (base, f"{name}-background"))
        for name in ("block-cursor", "block-cursor-blurred", "input-selection", "input-cursor")
        for base in BASES
    ),
)
"""Theme variables for text, each with a stack of backgrounds (bottom first) it is drawn on."""


def _colour(value: str | None) -> Color | None:
    try:
        return None if value is None else Color.parse(value)
    except Exception:  # "auto 87%" and the like: Textual resolves those, always legibly
        return None


def legible_variables(variables: dict[str, str]) -> dict[str, str]:
    """The theme's CSS variables with each text colour of :data:`PAIRS` made legible.

    A colour that reads at :data:`MINIMUM` (plus :data:`MARGIN`) on its background is
    kept as the theme has it; a fainter one moves towards the contrast text until it does. Adds
    ``footer-disabled-foreground``: the footer's text, muted but legible.
    """
    fixed = dict(variables)
    for name, layers in PAIRS:
        colour = _colour(fixed.get(name))
        backgrounds = [_colour(fixed.get(layer)) for layer in layers]
        if colour is None or any(layer is None for layer in backgrounds):
            continue
        background = Color(0, 0, 0)
        for layer in backgrounds:
            assert layer is not None
            background += layer
        shown = legible(colour, background, MINIMUM + MARGIN)
        if shown != on(colour, background):
            fixed[name] = shown.hex
    text = _colour(fixed.get("footer-description-foreground"))
    footer = _colour(fixed.get("footer-background"))
    if text is not None and footer is not None:
        fixed["footer-disabled-foreground"] = muted(text, footer).hex
    else:  # an ANSI theme: the terminal's colours
        fixed["footer-disabled-foreground"] = fixed.get("footer-foreground", "ansi_default")
    return fixed


def muted(color: Color, background: Color, minimum: float = MINIMUM) -> Color:
    """``color`` faded towards ``background`` as far as it stays legible (at most to 60%)."""
    if color.ansi is not None or background.ansi is not None:
        return color
    for alpha in (0.6, 0.7, 0.8, 0.9):
        faded = background + color.with_alpha(alpha)
        if contrast_ratio(faded, background) >= minimum:
            return faded
    return legible(color, background, minimum)


def legible_strip(strip: Strip) -> Strip:
    """``strip`` with every text segment fainter than :data:`MINIMUM` made legible.

    For lists whose rows carry their own colours (a dim date, a highlighted
    match) over a cursor of the theme's colour: only faint segments change
    (see :func:`legible`); dim is resolved the way Textual draws it.
    """
    changed = False
    segments: list[Segment] = []
    for segment in strip:
        style = segment.style
        if (
            style is None
            or style.color is None
            or style.bgcolor is None
            or not segment.text.strip()
            or style.reverse
        ):
            segments.append(segment)
            continue
        background = Color.from_rich_color(style.bgcolor)
        colour = Color.from_rich_color(style.color)
        if style.dim:
            colour = background.blend(colour, DIM_FACTOR)
        if colour.ansi is not None or background.ansi is not None:
            segments.append(segment)
            continue
        if contrast_ratio(colour, background) >= MINIMUM:
            segments.append(segment)
            continue
        fixed = legible(colour, background)
        segments.append(Segment(segment.text, style + Style(color=fixed.rich_color, dim=False)))
        changed = True
    return Strip(segments, strip.cell_length) if changed else strip
