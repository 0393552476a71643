"""Showing web text literally.

Article text, titles and sources come from the web: they are data, never markup and never
terminal control sequences. Everything the TUI shows from them goes through ``visible`` (or
``visible_line``) and then into ``rich.text.Text`` objects, never into markup strings.

The mapping is one character for one character, so offsets into the stored text are offsets
into the displayed text too.
"""

from __future__ import annotations

from rich.text import Text

_TABLE: dict[int, int] = {c: 0x2400 + c for c in range(0x20) if c != 0x0A}  # C0 -> ␀…␟
_TABLE[0x7F] = 0x2421  # DEL -> ␡
_TABLE.update({c: 0xFFFD for c in range(0x80, 0xA0)})  # C1 -> �
# Characters that reorder or break what the terminal shows around them (bidi embeddings,
# overrides and isolates; the Unicode line and paragraph separators; not the marks LRM/RLM,
# which right-to-left text uses).
_TABLE.update({c: 0xFFFD for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_TABLE.update({0x2028: 0xFFFD, 0x2029: 0xFFFD})

_LINE_TABLE = dict(_TABLE)
_LINE_TABLE[0x0A] = 0x2424  # ␤, for one-line places (titles, table cells)


def visible(text: str) -> str:
    """``text`` with control characters (but not LF) as visible stand-ins, same length."""
    return text.translate(_TABLE)


def visible_line(text: str) -> str:
    """``visible``, and LF as ␤: for titles, sources and table cells."""
    return text.translate(_LINE_TABLE)


def literal(text: str | None, style: str = "", overflow: str = "fold") -> Text:
    """A one-line ``Text`` showing ``text`` exactly as it is (no markup, no control codes)."""
    return Text(visible_line(text or ""), style=style, no_wrap=True, end="", overflow=overflow)


SURFACE_CHARS = 60  # a span's or trigger's text where one line shows it


def surface(text: str, start: int, end: int) -> str:
    """``text[start:end]`` on one line, shortened to SURFACE_CHARS with an ellipsis."""
    shown = visible_line(text[start : min(end, start + SURFACE_CHARS)])
    return shown[:-1] + "…" if end - start > SURFACE_CHARS else shown
