"""The reader's document view: an article's clean text, wrapped to the width, with its spans
highlighted, a token cursor and a selection.

It is a Line API widget (a ``ScrollView``):

* The layout (which characters go on which display line) is computed once per text and width:
  hard lines are the text split on "\\n" (so paragraphs, separated by "\\n\\n", get a blank line
  between them), wrapped greedily at whitespace. Display lines are character ranges of the
  stored text, so offsets never need translating.
* Structure: an article's blocks (``newsmark.blocks``: headings, list items, quotes, kept as
  ranges beside its plain text) are drawn from those ranges: headings bold, a bullet before each
  list item, a bar before each line of a quote, the item's or quote's wrapped lines indented
  under it. The bullets and bars are drawn in a gutter before the line: they are never
  characters of the text, and offsets, clicks and columns skip them. A text whose blocks are not
  known (stored before ``newsmark migrate``, or imported) may still hold Markdown markers
  (``## heading``, ``- item``, ``1. item``, ``> quote``): those are found once per text and shown
  by styling only, the characters shown being the stored characters, one for one.
* Spans: where spans nest or overlap, the innermost (shortest) one is the background colour and
  the text is underlined to show that a longer span covers it too; the first character of a span
  that touches or sits inside another is a darker, bold shade of its colour. The text on a label
  colour is black or white by the colour's luminance (see ``labels.py``).
* Suggestions (``set_suggestions``: spans newsmark proposes, not annotations) are drawn apart
  from spans: no background, the text in their label's colour, dim and underlined (a dotted
  look on most terminals), under the spans (a span drawn over one wins); the status line names
  the label and source of the one under the cursor.
* Event triggers (``set_triggers``) are painted over the spans in their event type's colour,
  italic; the current event (``set_current_event``: the one being annotated or picked in the
  events panel) has its trigger and its arguments marked bold, underlined and overlined (a box
  on terminals that draw overlines).
* Each display line is rendered on demand (only visible lines are ever rendered) into a cached
  ``Strip``. A cursor move or a selection change evicts and repaints only the lines whose styling
  changed, so a keystroke costs the same on a 2,000- and a 50,000-character article.
* The text shown is ``visible(text)``: control characters become visible stand-ins one for one,
  and everything is built as ``rich.text.Text``, never markup.
* The mouse: a click puts the cursor on the token under it (shift+click extends the selection),
  a drag selects whole tokens.

The widget knows nothing about storage: it posts ``CursorMoved`` and the screen does the rest.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsmark.blocks import Block
from newsmark.model import Span, Token, inner_first
from newsmark.suggest import Suggestion
from newsmark.text import snap_to_tokens, word_tokens

from .labels import hex_color, label_style, shade, start_marker_style
from .safe import visible

_CHUNK = re.compile(r"\S+\s*|\s+")
_WORD = re.compile(r"\S+")
# Markdown-style block markers at the start of a hard line.
_HEADING = re.compile(r"#{1,6}(?= |$)")
_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022\u2013]|\d{1,3}[.)])(?= )")
_QUOTE = re.compile(r"(?:> ?)*>")


def wrap(display: str, width: int, indents: dict[int, int] | None = None
         ) -> list[tuple[int, int]]:
    """Display lines as (start, end) character ranges of ``display``, wrapped to ``width`` cells.

    Every hard line (between "\\n"s) starts a display line; an empty hard line is one empty
    display line. Lines break before a word that would not fit; a word wider than the whole
    line is split between characters. Whitespace after a word stays on its line. ``indents``:
    {hard line start: cells drawn before each of its display lines}, taken off its width.
    """
    full = max(1, width)
    lines: list[tuple[int, int]] = []
    pos = 0
    for hard in display.split("\n"):
        start, end = pos, pos + len(hard)
        pos = end + 1
        width = max(1, full - indents.get(start, 0)) if indents else full
        if not hard:
            lines.append((start, start))
            continue
        line_start, used = start, 0
        for match in _CHUNK.finditer(hard):
            chunk_start = start + match.start()
            chunk = match.group()
            word = chunk.rstrip()
            word_cells = cell_len(word)
            chunk_cells = cell_len(chunk) if len(word) != len(chunk) else word_cells
            if used and used + word_cells > width:
                lines.append((line_start, chunk_start))
                line_start, used = chunk_start, 0
            if word_cells > width:
                for k, ch in enumerate(word):
                    w = cell_len(ch)
                    if used and used + w > width:
                        lines.append((line_start, chunk_start + k))
                        line_start, used = chunk_start + k, 0
                    used += w
                used += chunk_cells - word_cells
            else:
                used += chunk_cells
        lines.append((line_start, end))
    return lines


def structure(text: str) -> dict[int, list[tuple[int, int, str]]]:
    """Markdown-style block structure: {hard line start: [(start, end, kind), ...]}.

    Kinds: ``heading`` (the whole line) and ``heading-marker`` (``## ``), ``item-marker``
    (``- ``, ``1. ``), ``quote`` (the whole line) and ``quote-marker`` (``> ``). Lines without
    structure are left out. Offsets are offsets into ``text``; nothing is added or removed.
    """
    blocks: dict[int, list[tuple[int, int, str]]] = {}
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line:
            continue
        first = line[0]
        if first == "#" and (m := _HEADING.match(line)):
            marker = m.end() + (1 if line[m.end() : m.end() + 1] == " " else 0)
            blocks[start] = [(start, end, "heading"), (start, start + marker, "heading-marker")]
        elif first == ">" and (m := _QUOTE.match(line)):
            marker = m.end() + (1 if line[m.end() : m.end() + 1] == " " else 0)
            blocks[start] = [(start, end, "quote"), (start, start + marker, "quote-marker")]
        elif (m := _ITEM.match(line)) is not None:
            lead = len(line) - len(line.lstrip(" \t"))
            blocks[start] = [(start + lead, start + m.end(), "item-marker")]
    return blocks


BULLET = "\u2022 "  # before a list item's first line
BAR = "\u2502 "  # before each line of a quote, once per level


def decorations(text: str, blocks: list[Block]
                ) -> tuple[dict[int, list[tuple[int, int, str]]], dict[int, tuple[str, str, str]]]:
    """What ``blocks`` draw: the styling of their characters ({hard line start: [(start, end,
    kind)]}, as ``structure`` gives it: ``heading``, ``quote``) and the gutter before their lines
    ({hard line start: (first display line's prefix, the others', component)})."""
    styles: dict[int, list[tuple[int, int, str]]] = {}
    gutter: dict[int, tuple[str, str, str]] = {}
    for block in blocks:
        start = block.start
        if not (0 <= start <= block.end <= len(text)):
            continue  # (not this text's: never drawn outside it)
        line_start = text.rfind("\n", 0, start) + 1
        for line in text[line_start : block.end].split("\n"):
            line_end = line_start + len(line)
            if block.kind == "heading":
                styles.setdefault(line_start, []).append((line_start, line_end, "heading"))
            elif block.kind == "quote":
                styles.setdefault(line_start, []).append((line_start, line_end, "quote"))
                bars = BAR * max(1, block.level)
                gutter[line_start] = (bars, bars, "quote-marker")
            elif block.kind == "item":
                indent = "  " * max(0, block.level - 1)
                gutter[line_start] = (indent + BULLET, indent + " " * len(BULLET), "item-marker")
            line_start = line_end + 1
    return styles, gutter


def whitespace_tokens(text: str) -> list[Token]:
    """Tokens split at whitespace only (for text spaCy never saw, like the raw source)."""
    tokens = []
    for m in _WORD.finditer(text):
        tokens.append(Token(m.start(), m.end(), m.end() < len(text) and text[m.end()].isspace()))
    return tokens


class DocumentView(ScrollView, can_focus=True):
    """The text of one article with a token cursor, a selection and highlighted spans."""

    COMPONENT_CLASSES = {
        "document--cursor",
        "document--selection",
        "document--heading",
        "document--heading-marker",
        "document--item-marker",
        "document--quote",
        "document--quote-marker",
        "document--argument",
        "document--trigger",
    }

    DEFAULT_CSS = """
    DocumentView {
        scrollbar-gutter: stable;
        overflow-x: hidden;
        padding: 0 1;
        height: 1fr;
        width: 1fr;
    }
    DocumentView > .document--cursor {
        text-style: reverse bold;
    }
    DocumentView > .document--selection {
        background: $primary;
        color: #ffffff;
        text-style: underline;
    }
    DocumentView > .document--heading {
        text-style: bold;
    }
    DocumentView > .document--heading-marker {
        color: $text-secondary;
        text-style: bold;
    }
    DocumentView > .document--item-marker {
        color: $text-accent;
        text-style: bold;
    }
    DocumentView > .document--quote {
        text-style: italic;
    }
    DocumentView > .document--quote-marker {
        color: $text-accent;
        text-style: bold;
    }
    DocumentView > .document--argument {
        text-style: bold underline overline;
    }
    DocumentView > .document--trigger {
        text-style: bold underline overline;
    }
    """

    # The screen does its own text selection; this widget selects tokens with the mouse itself.
    ALLOW_SELECT = False

    inherit_bindings = False
    BINDINGS = [
        Binding("left", "move(-1)", "Previous token", show=False, id="reader.cursor_left"),
        Binding("right", "move(1)", "Next token", show=False, id="reader.cursor_right"),
        Binding("up", "line(-1)", "Line up", show=False, id="reader.cursor_up"),
        Binding("down", "line(1)", "Line down", show=False, id="reader.cursor_down"),
        Binding("shift+left", "move(-1, True)", "Extend selection left", show=False,
                id="reader.select_left"),
        Binding("shift+right", "move(1, True)", "Extend selection right", show=False,
                id="reader.select_right"),
        Binding("shift+up", "line(-1, True)", "Extend selection up", show=False,
                id="reader.select_up"),
        Binding("shift+down", "line(1, True)", "Extend selection down", show=False,
                id="reader.select_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="reader.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="reader.page_down"),
        Binding("home", "edge(-1)", "First token", show=False, id="reader.first_token"),
        Binding("end", "edge(1)", "Last token", show=False, id="reader.last_token"),
        Binding("tab", "span(1)", "Next span", show=False, id="reader.next_span"),
        Binding("shift+tab", "span(-1)", "Previous span", show=False, id="reader.prev_span"),
    ]

    class CursorMoved(Message):
        """The cursor or the selection changed (or a document was loaded)."""

        def __init__(
            self,
            view: DocumentView,
            cursor: tuple[int, int] | None,
            selection: tuple[int, int] | None,
        ) -> None:
            super().__init__()
            self.view = view
            self.cursor = cursor
            self.selection = selection

        @property
        def control(self) -> DocumentView:
            return self.view

    def __init__(
        self,
        *,
        colors: dict[str, str] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._colors = dict(colors or {})
        self._text = ""
        self._display = ""
        self._tokens: list[Token] = []
        self._words: list[int] = []
        self._word_starts: list[int] = []
        self._word_ends: list[int] = []
        self._spans: list[Span] = []
        self._chosen: Span | None = None  # the span choose_span picked, until the cursor moves
        self._span_starts: list[int] = []
        self._suggestions: list[Suggestion] = []  # drawn apart from the spans (text order)
        self._line_suggestions: dict[int, list[Suggestion]] = {}
        self._triggers: list[tuple[int, int, str]] = []  # (start, end, colour) of event triggers
        self._line_triggers: dict[int, list[tuple[int, int, str]]] = {}
        self._current: tuple[tuple[int, int] | None, tuple[tuple[int, int], ...]] = (None, ())
        self._cursor = 0  # index into self._words
        self._anchor: int | None = None  # index into self._words, or no selection
        self._goal: int | None = None  # column kept by up/down moves
        self._width = 0
        self._lines: list[tuple[int, int]] = []
        self._line_starts: list[int] = []
        self._line_spans: dict[int, list[Span]] = {}
        self._blocks: dict[int, list[tuple[int, int, str]]] = {}
        self._gutter: dict[int, tuple[str, str, str]] = {}  # see decorations()
        self._prefixes: list[tuple[str, str]] = []  # per display line: (gutter text, component)
        self._cache: dict[int, Strip] = {}
        self._component_styles: dict[str, Style] = {}
        self._pending_scroll: int | None = None
        self._drag_origin: int | None = None  # word index where a mouse drag started
        self._dragged = False
        self.loaded = False

    # --- content --------------------------------------------------------------------------------

    def load(
        self,
        text: str,
        tokens: list[Token],
        spans: Iterable[Span] = (),
        *,
        cursor: int = 0,
        scroll: int | None = None,
        structured: bool = True,
        blocks: list[Block] | None = None,
    ) -> None:
        """Show ``text`` (tokenised as ``tokens``) with ``spans``; the cursor on the word at or
        after character ``cursor``, scrolled to line ``scroll`` (or wherever shows the cursor).
        ``blocks``: the text's structure, drawn from its ranges; None: not known, Markdown
        markers in the text are styled instead (``structured=False``: neither)."""
        self._text = text
        self._display = visible(text)
        self._tokens = tokens
        self._words = word_tokens(tokens, text)
        self._word_starts = [tokens[i].start for i in self._words]
        self._word_ends = [tokens[i].end for i in self._words]
        self._blocks, self._gutter = {}, {}
        if structured and blocks is not None:
            self._blocks, self._gutter = decorations(text, blocks)
        elif structured:
            self._blocks = structure(text)
        self._set_span_list(spans)
        self._suggestions, self._line_suggestions = [], {}
        self._triggers, self._line_triggers, self._current = [], {}, (None, ())
        self._cursor, self._anchor, self._goal = self._word_index(cursor), None, None
        self._chosen = None
        self._drag_origin = None
        self._width = 0
        self._pending_scroll = scroll
        self.loaded = True
        self.scroll_to(0, 0, animate=False)
        self._layout()
        self._post_moved()

    def _set_span_list(self, spans: Iterable[Span]) -> None:
        self._spans = sorted(spans, key=lambda s: (s.start, -s.end, s.id or 0))
        self._span_starts = [s.start for s in self._spans]
        chosen = self._chosen
        if chosen is not None:  # still chosen if it is still there (relabelled: the new one)
            key = (chosen.id, chosen.start, chosen.end)
            self._chosen = next((s for s in self._spans if (s.id, s.start, s.end) == key), None)

    def set_spans(self, spans: Iterable[Span]) -> None:
        """Replace the highlighted spans and repaint the lines whose spans changed."""
        before = {_span_key(s): s for s in self._spans}
        self._set_span_list(spans)
        self._index_spans()
        if self._lines:
            after = {_span_key(s): s for s in self._spans}
            changed = [s for k, s in before.items() if k not in after]
            changed += [s for k, s in after.items() if k not in before]
            dirty: set[int] = set()
            for span in changed:
                dirty.update(self._lines_of(span.start, span.end))
                dirty.add(self.line_of(span.end))  # a span starting where it ends: its marker
            for y in dirty:
                self._cache.pop(y, None)
                self.refresh_line(y)
        self._post_moved()

    def set_triggers(self, triggers: Iterable[tuple[int, int, str]]) -> None:
        """Replace the event triggers shown, as (start, end, colour), and repaint the lines whose
        triggers changed."""
        before = set(self._triggers)
        self._triggers = sorted(triggers)
        self._index_triggers()
        self._dirty(r[:2] for r in before.symmetric_difference(self._triggers))

    def set_suggestions(self, suggestions: Iterable[Suggestion]) -> None:
        """Replace the suggestions shown (see the module doc) and repaint the lines whose
        suggestions changed."""
        before = set(self._suggestions)
        self._suggestions = sorted(suggestions, key=lambda s: (s.start, s.end))
        self._index_suggestions()
        self._dirty((s.start, s.end) for s in before.symmetric_difference(self._suggestions))

    @property
    def suggestions(self) -> list[Suggestion]:
        return list(self._suggestions)

    def suggestion_at_cursor(self) -> Suggestion | None:
        """The suggestion over the token under the cursor, or None."""
        cursor = self.cursor_range
        if cursor is None or not self._lines:
            return None
        return next((s for s in self._line_suggestions.get(self.line_of(cursor[0]), ())
                     if s.overlaps(*cursor)), None)

    def _index_suggestions(self) -> None:
        index: dict[int, list[Suggestion]] = {}
        if self._lines:
            for s in self._suggestions:
                for y in self._lines_of(s.start, s.end):
                    index.setdefault(y, []).append(s)
        self._line_suggestions = index

    def set_current_event(
        self, trigger: tuple[int, int] | None, arguments: Iterable[tuple[int, int]] = ()
    ) -> None:
        """Mark one event's trigger and its arguments (None: no event is marked)."""
        current = (trigger, tuple(sorted(arguments)))
        if current == self._current:
            return
        before = self._current
        self._current = current
        self._dirty([r for r in (before[0], trigger) if r is not None] + [*before[1], *current[1]])

    @property
    def current_event(self) -> tuple[tuple[int, int] | None, tuple[tuple[int, int], ...]]:
        """(trigger, arguments) of the marked event."""
        return self._current

    @property
    def triggers(self) -> list[tuple[int, int, str]]:
        return list(self._triggers)

    def _index_triggers(self) -> None:
        index: dict[int, list[tuple[int, int, str]]] = {}
        if self._lines:
            for trigger in self._triggers:
                for y in self._lines_of(trigger[0], trigger[1]):
                    index.setdefault(y, []).append(trigger)
        self._line_triggers = index

    def _dirty(self, ranges: Iterable[tuple[int, int]]) -> None:
        """Repaint the display lines of these character ranges."""
        if not self._lines:
            return
        lines: set[int] = set()
        for start, end in ranges:
            lines.update(self._lines_of(start, end))
        if len(lines) > self.scrollable_content_region.height:  # e.g. every trigger, on load
            self._cache.clear()
            self.refresh()
            return
        for y in lines:
            self._cache.pop(y, None)
            self.refresh_line(y)

    def set_colors(self, colors: dict[str, str]) -> None:
        self._colors = dict(colors)
        self._cache.clear()
        self.refresh()

    @property
    def text(self) -> str:
        return self._text

    @property
    def spans(self) -> list[Span]:
        return list(self._spans)

    # --- layout ---------------------------------------------------------------------------------

    def _layout(self, force: bool = True) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or not self.loaded:
            return
        if not force and width == self._width:
            return
        self._width = width
        gutter = self._gutter
        self._lines = wrap(self._display, width,
                           {k: len(v[0]) for k, v in gutter.items()} if gutter else None)
        self._line_starts = [start for start, _ in self._lines]
        self._prefixes = []
        if gutter:
            display = self._display
            for start, _ in self._lines:
                hard = display.rfind("\n", 0, start) + 1
                first, rest, kind = gutter.get(hard, ("", "", ""))
                self._prefixes.append((first if start == hard else rest, kind))
        self._index_spans()
        self._index_suggestions()
        self._index_triggers()
        self._cache.clear()
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()
        self.call_after_refresh(self._restore_scroll)

    def _restore_scroll(self) -> None:
        if self._pending_scroll is not None:
            self.scroll_to(y=self._pending_scroll, animate=False, immediate=True)
            self._pending_scroll = None
        self._scroll_to_cursor()

    def _index_spans(self) -> None:
        index: dict[int, list[Span]] = {}
        if self._lines:
            for span in self._spans:
                for y in self._lines_of(span.start, span.end):
                    index.setdefault(y, []).append(span)
        self._line_spans = index

    def on_resize(self, event: events.Resize) -> None:
        self._layout(force=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._component_styles.clear()
        self._cache.clear()

    def line_of(self, offset: int) -> int:
        """The display line holding character ``offset``."""
        return max(0, bisect_right(self._line_starts, offset) - 1)

    def _lines_of(self, start: int, end: int) -> range:
        return range(self.line_of(start), self.line_of(max(start, end - 1)) + 1)

    def column_of(self, offset: int) -> int:
        """The screen column of character ``offset`` on its display line (cells, not chars)."""
        y = self.line_of(offset)
        line_start = self._lines[y][0]
        return self._indent(y) + cell_len(self._display[line_start:offset])

    def _indent(self, y: int) -> int:
        """Cells of gutter (bullet, quote bars) drawn before display line ``y``."""
        return len(self._prefixes[y][0]) if self._prefixes else 0

    _column = column_of

    def line_range(self, y: int) -> tuple[int, int]:
        """(start, end) character offsets of display line ``y``."""
        return self._lines[y]

    @property
    def tokens(self) -> list:
        """The article's tokens (``newsmark.model.Token``), as loaded."""
        return self._tokens

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def scroll_line(self) -> int:
        """The first display line shown."""
        return round(self.scroll_y)

    def display_lines(self) -> list[str]:
        """The text of every display line, as shown (for tests and debugging)."""
        return [self._display[s:e] for s, e in self._lines]

    # --- cursor and selection -------------------------------------------------------------------

    def _word_index(self, offset: int) -> int:
        """The word at or after character ``offset`` (the last word past the end)."""
        if not self._words:
            return 0
        wi = bisect_right(self._word_starts, offset) - 1
        if wi < 0 or self._word_ends[wi] <= offset:
            wi += 1
        return max(0, min(len(self._words) - 1, wi))

    def _word_range(self, wi: int) -> tuple[int, int]:
        return self._word_starts[wi], self._word_ends[wi]

    @property
    def cursor_range(self) -> tuple[int, int] | None:
        """Character range of the token under the cursor."""
        return self._word_range(self._cursor) if self._words else None

    @property
    def cursor_offset(self) -> int:
        """Character offset of the token under the cursor (0 for an empty text)."""
        return self._word_starts[self._cursor] if self._words else 0

    @property
    def selection(self) -> tuple[int, int] | None:
        """Character range of the selection (whole tokens), or None."""
        if self._anchor is None or not self._words:
            return None
        lo, hi = sorted((self._anchor, self._cursor))
        return self._word_starts[lo], self._word_ends[hi]

    @property
    def target(self) -> tuple[int, int] | None:
        """What an action applies to: the selection, else the token under the cursor."""
        return self.selection or self.cursor_range

    def _highlights(self) -> list[tuple[int, int]]:
        return [r for r in (self.cursor_range, self.selection) if r is not None]

    def _change(self, cursor: int, anchor: int | None, goal: int | None = None) -> None:
        before = self._highlights()
        self._chosen = None  # a span chosen by choose_span stays chosen until the cursor moves
        self._cursor, self._anchor, self._goal = cursor, anchor, goal
        after = self._highlights()
        if before != after and self._lines:
            dirty: set[int] = set()
            for start, end in before + after:
                dirty.update(self._lines_of(start, end))
            for y in dirty:
                self._cache.pop(y, None)
                self.refresh_line(y)
        self._scroll_to_cursor()
        self._post_moved()

    def _post_moved(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor_range, self.selection))

    def _scroll_to_cursor(self) -> None:
        if not self._words or not self._lines:
            return
        y = self.line_of(self._word_starts[self._cursor])
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if y < top:
            self.scroll_to(y=y, animate=False)
        elif height and y >= top + height:
            self.scroll_to(y=y - height + 1, animate=False)

    def move_to(self, wi: int, extend: bool = False, goal: int | None = None) -> None:
        """Put the cursor on word ``wi``; ``extend`` grows the selection instead of dropping it."""
        if not self._words:
            return
        wi = max(0, min(len(self._words) - 1, wi))
        anchor = (self._cursor if self._anchor is None else self._anchor) if extend else None
        self._change(wi, anchor, goal)

    def move_to_offset(self, offset: int) -> None:
        """Put the cursor on the word at or after character ``offset``; no selection."""
        if self._words:
            self._change(self._word_index(offset), None)

    def clear_selection(self) -> bool:
        """Drop the selection; False if there was none."""
        if self._anchor is None:
            return False
        self._change(self._cursor, None)
        return True

    def select_range(self, start: int, end: int) -> bool:
        """Select the word tokens that overlap [start, end); the cursor on the last one."""
        lo = bisect_right(self._word_ends, start)
        hi = bisect_left(self._word_starts, end) - 1
        if not self._words or lo > hi:
            return False
        self._change(hi, lo)
        return True

    def find(self, query: str) -> bool:
        """Select the next occurrence of ``query`` after the cursor (case-insensitive, wrapping),
        widened to whole tokens. False when there is none."""
        query = unicodedata.normalize("NFC", query)
        if not query.strip() or not self._words:
            return False
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        after = self._word_starts[self._cursor] + 1
        match = pattern.search(self._text, after) or pattern.search(self._text)
        if match is None:
            return False
        snapped = snap_to_tokens(self._tokens, match.start(), match.end())
        if snapped is None or not self.select_range(*snapped):
            return False
        self._bring_into_view(snapped[0])
        return True

    def _bring_into_view(self, offset: int) -> None:
        """A match found off the screen is shown a third of the way down (with the lines
        before it as context), not on the bottom row where moving there would leave it."""
        y, height, top = self.line_of(offset), self.scrollable_content_region.height, round(
            self.scroll_y)
        if height and not top <= y < top + height - 2:
            self.scroll_to(y=max(0, y - height // 3), animate=False)

    def _spans_over(self, start: int, end: int) -> list[Span]:
        """Spans overlapping [start, end) (which lies on one display line), innermost first."""
        hits = [s for s in self._line_spans.get(self.line_of(start), ()) if s.overlaps(start, end)]
        return sorted(hits, key=inner_first)

    def spans_at_cursor(self) -> list[Span]:
        """Spans overlapping the token under the cursor, innermost (shortest) first; a span
        chosen with ``choose_span`` (a click in the span panel, tab) comes first."""
        cursor = self.cursor_range
        here = [] if cursor is None else self._spans_over(*cursor)
        chosen = self._chosen
        if chosen is not None and chosen in here:
            here.remove(chosen)
            here.insert(0, chosen)
        return here

    def choose_span(self, span: Span) -> None:
        """Cursor to the start of ``span``, and ``span`` the one "under the cursor" (for
        relabelling, deleting, arguments) even where a shorter span starts there too."""
        if not self._words:
            return
        self._change(self._word_index(span.start), None)
        self._chosen = next((s for s in self._spans if s is span or _span_key(s) == _span_key(span)),
                            None)

    @property
    def chosen_id(self) -> int | None:
        """The id of the span ``choose_span`` picked, while the cursor has not moved."""
        return self._chosen.id if self._chosen is not None else None

    def span_at_cursor(self) -> Span | None:
        """The innermost span under the cursor, or None."""
        here = self.spans_at_cursor()
        return here[0] if here else None

    def span_starts(self) -> list[int]:
        """Where the spans start, in text order (one entry per span)."""
        return list(self._span_starts)

    def jump_to_span(self, direction: int) -> bool:
        """Cursor to the start of the next (``direction`` 1) or previous (-1) span, wrapping
        around; False when there are no spans."""
        if not self._spans or not self._words:
            return False
        spans = self._spans  # text order, outer before inner where they start together
        here = self._word_starts[self._cursor]
        current = self.span_at_cursor()
        if current is not None and current.start == here and current in spans:
            # on a span's start: the next span in order, even one starting at the same place
            i = (spans.index(current) + direction) % len(spans)
        elif direction > 0:
            i = bisect_right(self._span_starts, here) % len(spans)
        else:
            i = bisect_left(self._span_starts, here) - 1
        self.choose_span(spans[i])
        return True

    def _nearest_on_line(self, y: int, column: int) -> int | None:
        """The word on display line ``y`` nearest to ``column``, or None if it has none."""
        line_start, line_end = self._lines[y]
        column -= self._indent(y)
        lo = bisect_left(self._word_starts, line_start)
        hi = bisect_left(self._word_starts, line_end)
        best, best_distance = None, None
        for wi in range(lo, hi):
            start, end = self._word_range(wi)
            c0 = cell_len(self._display[line_start:start])
            c1 = c0 + cell_len(self._display[start : min(end, line_end)])
            distance = 0 if c0 <= column < c1 else (c0 - column if column < c0 else column - c1 + 1)
            if best_distance is None or distance < best_distance:
                best, best_distance = wi, distance
            if distance == 0 or c0 > column:
                break
        return best

    def _word_near_line(self, y: int, column: int, direction: int) -> int | None:
        """The nearest word to ``column`` on line ``y``, or on the first line with words beyond
        it in ``direction``, or failing that back towards it."""
        y = max(0, min(len(self._lines) - 1, y))
        for step in (direction, -direction):
            probe = y
            while 0 <= probe < len(self._lines):
                wi = self._nearest_on_line(probe, column)
                if wi is not None:
                    return wi
                probe += step
        return None

    def _move_lines(self, delta: int, extend: bool) -> None:
        if not self._words or not self._lines:
            return
        start = self._word_starts[self._cursor]
        y = self.line_of(start)
        goal = self._goal if self._goal is not None else self._column(start)
        target = max(0, min(len(self._lines) - 1, y + delta))
        if target == y:
            return
        wi = None
        probe = target
        step = 1 if delta > 0 else -1
        while 0 <= probe < len(self._lines) and wi is None:
            wi = self._nearest_on_line(probe, goal)
            probe += step
        if wi is None and abs(delta) > 1:  # paging past the last words: the last line with words
            wi = self._word_near_line(target, goal, -step)
        if wi is None or (wi == self._cursor and not extend):
            return
        self.move_to(wi, extend, goal)

    # --- actions --------------------------------------------------------------------------------

    def action_move(self, delta: int, extend: bool = False) -> None:
        self.move_to(self._cursor + delta, extend)

    def action_line(self, delta: int, extend: bool = False) -> None:
        self._move_lines(delta, extend)

    def action_page(self, direction: int) -> None:
        self._move_lines(direction * max(1, self.scrollable_content_region.height - 1), False)

    def action_edge(self, direction: int) -> None:
        self.move_to(0 if direction < 0 else len(self._words) - 1)

    def action_span(self, direction: int) -> None:
        self.jump_to_span(direction)

    # --- the mouse ------------------------------------------------------------------------------

    def _word_at_screen(self, screen_x: int, screen_y: int) -> int | None:
        """The word nearest to a screen position (clamped into the text area)."""
        if not self._lines or not self._words:
            return None
        region = self.scrollable_content_region
        x = screen_x - region.x
        y = screen_y - region.y
        if region.height:
            if y < 0 and self.scroll_y > 0:  # dragging above or below: scroll along
                self.scroll_to(y=self.scroll_y - 1, animate=False, immediate=True)
            elif y >= region.height and self.scroll_y < self.max_scroll_y:
                self.scroll_to(y=self.scroll_y + 1, animate=False, immediate=True)
            y = max(0, min(region.height - 1, y))
        line = min(len(self._lines) - 1, y + round(self.scroll_y))
        return self._word_near_line(line, max(0, x) + round(self.scroll_x), 1)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        wi = self._word_at_screen(event.screen_x, event.screen_y)
        if wi is None:
            return
        event.stop()
        self.focus()
        if event.shift:
            self._drag_origin = self._cursor if self._anchor is None else self._anchor
            self._dragged = True
            self._change(wi, self._drag_origin)
        else:
            self._drag_origin = wi
            self._dragged = False
            self._change(wi, None)
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_origin is None:
            return
        wi = self._word_at_screen(event.screen_x, event.screen_y)
        if wi is None:
            return
        if wi != self._drag_origin or self._dragged:
            self._dragged = True
            if (wi, self._drag_origin) != (self._cursor, self._anchor):
                self._change(wi, self._drag_origin)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_origin is None:
            return
        self.on_mouse_move(event)
        self._drag_origin = None
        self.release_mouse()

    # --- rendering ------------------------------------------------------------------------------

    def _component(self, name: str) -> Style:
        style = self._component_styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"document--{name}", partial=True)
            self._component_styles[name] = style
        return style

    def _color(self, label: str) -> str:
        return self._colors.get(label, "#abb2bf")

    def _covered(self, offset: int) -> bool:
        """Whether any span covers character ``offset``."""
        if offset < 0 or not self._lines:
            return False
        return any(s.start <= offset < s.end for s in self._line_spans.get(self.line_of(offset), ()))

    def render_document_line(self, y: int) -> Strip:
        """Display line ``y``, styled and uncropped (cached until its styling changes)."""
        strip = self._cache.get(y)
        if strip is not None:
            return strip
        start, end = self._lines[y]
        shown = self._display[start:end]
        prefix, kind = self._prefixes[y] if self._prefixes else ("", "")
        text = Text(prefix + shown, style=self.rich_style, no_wrap=True, end="")
        if prefix:
            text.stylize(self._component(kind), 0, len(prefix))
        base = start - len(prefix)  # (the gutter's characters are one cell each)
        # A highlight that runs on past a wrapped line stops at its last visible character.
        trimmed = start + len(shown.rstrip())

        def paint(style: Style, s: int, e: int) -> None:
            if e > end:
                e = max(trimmed, min(s + 1, end))
            s = max(s, start)
            e = min(e, end)
            if s < e:
                text.stylize(style, s - base, e - base)

        if self._blocks:
            hard = self._display.rfind("\n", 0, start) + 1
            for s, e, kind in self._blocks.get(hard, ()):
                paint(self._component(kind), s, e)
        suggested = self._line_suggestions.get(y)
        if suggested:
            dark = self.app.current_theme.dark
            for s in suggested:
                paint(suggestion_style(self._color(s.label), dark), s.start, s.end)
        spans = self._line_spans.get(y)
        if spans:
            self._paint_spans(spans, paint)
        for s, e, color in self._line_triggers.get(y, ()):
            paint(trigger_style(color), s, e)
        trigger, arguments = self._current
        for s, e in arguments:
            if s < end and start < e:
                paint(self._component("argument"), s, e)
        if trigger is not None and trigger[0] < end and start < trigger[1]:
            paint(self._component("trigger"), *trigger)
        selection = self.selection
        if selection is not None and selection[0] < end and start < selection[1]:
            paint(self._component("selection"), *selection)
        cursor = self.cursor_range
        if cursor is not None and cursor[0] < end and start < cursor[1]:
            paint(self._component("cursor"), *cursor)
        cells = len(prefix) + cell_len(shown)
        if text.spans:
            strip = Strip(text.render(self.app.console), cells)
        else:  # Rich renders a Text without spans with no style at all: the theme's colours
            strip = Strip([Segment(shown, self.rich_style)], cells)
        self._cache[y] = strip
        return strip

    def _paint_spans(self, spans: list[Span], paint) -> None:
        """Innermost span as background; underlined where a longer span covers it too; the first
        character of a span that touches or sits inside another as a darker bold marker."""
        cuts = sorted({s.start for s in spans} | {s.end for s in spans})
        for a, b in zip(cuts, cuts[1:]):
            covering = [s for s in spans if s.start <= a < s.end]
            if not covering:
                continue
            inner = min(covering, key=inner_first)
            nested = len(covering) > 1
            paint(label_style(self._color(inner.label), underline=nested), a, b)
            starting = [s for s in covering if s.start == a]
            if starting and self._covered(a - 1):
                # in the colour of the span that starts here (the innermost, if several do)
                first = min(starting, key=inner_first)
                paint(start_marker_style(self._color(first.label), underline=nested), a, a + 1)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        line = scroll_y + y
        if line >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        strip = self.render_document_line(line)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def style_at(self, offset: int) -> Style:
        """The rendered style of the character at ``offset`` (for tests)."""
        y = self.line_of(offset)
        position = self._lines[y][0] - self._indent(y)
        for segment in self.render_document_line(y):
            if position <= offset < position + len(segment.text):
                return segment.style or Style()
            position += len(segment.text)
        raise IndexError(offset)

    def rendered_lines(self) -> list[str]:
        """The rendered characters of every display line (for tests)."""
        return [
            "".join(segment.text for segment in self.render_document_line(y))
            for y in range(len(self._lines))
        ]


@lru_cache(maxsize=64)
def suggestion_style(color: str, dark: bool = True) -> Style:
    """A suggestion in the text: its label's colour as the text's colour (no background, which
    is what a span has), dim and underlined; on a light theme a darker shade of it, not dim (a
    dim light colour would fade into the background)."""
    if dark:
        return Style(color=hex_color(color), dim=True, underline=True)
    return Style(color=shade(hex_color(color), 0.45), underline=True)


@lru_cache(maxsize=64)
def trigger_style(color: str) -> Style:
    """An event trigger in the text: its type's colour as background, italic (spans are not)."""
    return label_style(color) + Style(italic=True)


def _span_key(span: Span) -> tuple[int, int, str, int | None]:
    return (span.start, span.end, span.label, span.id)
