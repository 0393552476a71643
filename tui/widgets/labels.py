"""Label colours as Rich styles that stay readable on any theme.

A label's colour is a background; the text on it is black or white, whichever contrasts more with
that colour (WCAG relative luminance). The colours come from the schema, not the theme, so the
same choice is right on dark and light themes alike.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color
from rich.style import Style

FALLBACK = "#abb2bf"
BLACK = "#000000"
WHITE = "#ffffff"


def _rgb(color: str) -> tuple[int, int, int]:
    try:
        triplet = Color.parse(color).get_truecolor()
    except Exception:  # a colour Rich does not know
        triplet = Color.parse(FALLBACK).get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def hex_color(color: str) -> str:
    """``color`` (any form Rich parses) as ``#rrggbb``; unknown colours become the fallback grey."""
    return "#{:02x}{:02x}{:02x}".format(*_rgb(color))


def luminance(color: str) -> float:
    """WCAG relative luminance of ``color``, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(background: str) -> str:
    """Black or white, whichever is more readable on ``background``."""
    lum = luminance(background)
    return BLACK if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else WHITE


def shade(color: str, amount: float) -> str:
    """``color`` mixed with black (``amount`` > 0) or white (``amount`` < 0), 0 to 1."""
    target = 0 if amount > 0 else 255
    amount = abs(amount)
    r, g, b = (round(v + (target - v) * amount) for v in _rgb(color))
    return f"#{r:02x}{g:02x}{b:02x}"


@lru_cache(maxsize=256)
def label_style(color: str, underline: bool = False, bold: bool = False) -> Style:
    """A label chip or highlighted text: ``color`` as background, black or white text on it."""
    background = hex_color(color)
    return Style(
        bgcolor=background,
        color=text_color_on(background),
        underline=underline or None,
        bold=bold or None,
    )


@lru_cache(maxsize=256)
def start_marker_style(color: str, underline: bool = False) -> Style:
    """The first character of a span that touches another: a darker shade, bold."""
    marked = shade(hex_color(color), 0.35)
    return Style(bgcolor=marked, color=text_color_on(marked), bold=True,
                 underline=underline or None)


def unknown_colours(schema) -> list[str]:
    """``"label PER: 'notacolour'"`` for every label and event type colour Rich cannot parse
    (the schema file accepts any name; only here is it known which names draw)."""
    bad = []
    for kind, items in (("label", schema.labels), ("event type", schema.events)):
        for item in items:
            try:
                Color.parse(item.color)
            except Exception:
                bad.append(f"{kind} {item.name}: {item.color!r}")
    return bad
