"""The simulated annotator of bench/suggest.py: the fewest keys that reach an article's gold
annotation in the real reader, under the cost model documented in bench/suggest.py.

``Layout`` lays the text out as the reader's ``DocumentView`` does (``tui.widgets.document.wrap``
at the view's width; the cursor visits word tokens, ``newsmark.text.word_tokens``) and answers
where each key takes the cursor, with the reader's own rules (``_move_lines``,
``_nearest_on_line``, ``jump_to_span``, ``find``, ``_scroll_to_cursor``, ``_bring_into_view``)
re-implemented over plain lists. ``annotate`` runs one strategy on one article and counts keys.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rich.cells import cell_len

from newsmark.model import Schema, Token
from newsmark.suggest import Suggestion, propagate, propagations, shown
from newsmark.text import snap_to_tokens, word_tokens
from tui.widgets.document import wrap
from tui.widgets.safe import visible

FIND_REPEATS = 3  # at most this many `n` presses are tried after a find


@lru_cache(maxsize=4096)
def _pattern(query: str) -> re.Pattern:
    return re.compile(re.escape(query), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored span, as ``shown`` and ``propagate`` read it."""

    start: int
    end: int
    label: str

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class Layout:
    """An article's text as the reader lays it out at ``width`` x ``height`` cells."""

    def __init__(self, text: str, tokens: list[Token], width: int, height: int) -> None:
        self.text, self.tokens, self.height = text, tokens, height
        display = visible(text)
        self.lines = wrap(display, width)
        self.line_starts = [s for s, _ in self.lines]
        words = word_tokens(tokens, text)
        self.ws = [tokens[i].start for i in words]
        self.we = [tokens[i].end for i in words]
        self.n = len(words)
        self.wline = [self.line_of(s) for s in self.ws]
        self.c0 = [cell_len(display[self.lines[y][0]:s]) for s, y in zip(self.ws, self.wline)]
        self.c1 = [c + cell_len(display[s:min(e, self.lines[y][1])])
                   for c, s, e, y in zip(self.c0, self.ws, self.we, self.wline)]
        self.on_line: list[tuple[int, int]] = []
        for start, end in self.lines:
            self.on_line.append((bisect_left(self.ws, start), bisect_left(self.ws, end)))
        self.max_top = max(0, len(self.lines) - height)
        self._moves: dict = {}

    def line_of(self, offset: int) -> int:
        return max(0, bisect_right(self.line_starts, offset) - 1)

    def words_in(self, start: int, end: int) -> range:
        """Word indices overlapping [start, end) (``select_range``'s rule)."""
        return range(bisect_right(self.we, start), bisect_left(self.ws, end))

    # --- vertical moves (DocumentView._move_lines) --------------------------------------------

    def _nearest(self, y: int, column: int) -> int | None:
        lo, hi = self.on_line[y]
        best, best_distance = None, None
        for wi in range(lo, hi):
            c0, c1 = self.c0[wi], self.c1[wi]
            d = 0 if c0 <= column < c1 else (c0 - column if column < c0 else column - c1 + 1)
            if best_distance is None or d < best_distance:
                best, best_distance = wi, d
            if d == 0 or c0 > column:
                break
        return best

    def _near_line(self, y: int, column: int, direction: int) -> int | None:
        y = max(0, min(len(self.lines) - 1, y))
        for step in (direction, -direction):
            probe = y
            while 0 <= probe < len(self.lines):
                wi = self._nearest(probe, column)
                if wi is not None:
                    return wi
                probe += step
        return None

    def vertical(self, w: int, goal: int | None, delta: int) -> tuple[int, int] | None:
        """(word, goal) after moving ``delta`` display lines from word ``w``; None: no move."""
        key = (w, goal, delta)
        if key in self._moves:
            return self._moves[key]
        y = self.wline[w]
        goal = goal if goal is not None else self.c0[w]
        target = max(0, min(len(self.lines) - 1, y + delta))
        out = None
        if target != y:
            wi, probe, step = None, target, 1 if delta > 0 else -1
            while 0 <= probe < len(self.lines) and wi is None:
                wi = self._nearest(probe, goal)
                probe += step
            if wi is None and abs(delta) > 1:
                wi = self._near_line(target, goal, -step)
            if wi is not None and wi != w:
                out = (wi, goal)
        self._moves[key] = out
        return out

    # --- scrolling --------------------------------------------------------------------------------

    def scrolled(self, top: int, w: int) -> int:
        """The first line shown once the cursor is on word ``w`` (``_scroll_to_cursor``)."""
        y = self.wline[w]
        if y < top:
            return y
        if y >= top + self.height:
            return min(self.max_top, y - self.height + 1)
        return top

    def find(self, cursor: int, query: str) -> tuple[int, int] | None:
        """(first, last) word selected by finding ``query`` after word ``cursor``."""
        pattern = _pattern(query)
        m = pattern.search(self.text, self.ws[cursor] + 1) or pattern.search(self.text)
        if m is None:
            return None
        snapped = snap_to_tokens(self.tokens, m.start(), m.end())
        if snapped is None:
            return None
        r = self.words_in(*snapped)
        return (r.start, r.stop - 1) if len(r) else None

    def found_top(self, top: int, first: int, last: int) -> int:
        top = self.scrolled(top, last)
        y = self.wline[first]
        if not top <= y < top + self.height - 2:
            top = min(self.max_top, max(0, y - self.height // 3))
        return top


@dataclass(slots=True)
class State:
    cursor: int = 0
    goal: int | None = None
    top: int = 0
    query: str = ""  # the find prompt's last query (`n` repeats it)
    spans: dict = field(default_factory=dict)  # (start, end) -> label
    rejected: frozenset = frozenset()
    keys: int = 0
    counts: Counter = field(default_factory=Counter)  # keys by what they did

    def copy(self) -> State:
        return replace(self, spans=dict(self.spans), counts=Counter(self.counts))

    def press(self, what: str, n: int = 1) -> None:
        self.keys += n
        self.counts[what] += n


@dataclass(frozen=True, slots=True)
class Move:
    """Where a key sequence leaves the cursor, and its cost."""

    cost: int
    cursor: int
    goal: int | None
    top: int
    query: str
    anchor: int | None = None  # a selection's other end (a find selects)


class Annotator:
    """One article, one configuration: the keys from the open article to its gold annotation."""

    def __init__(self, layout: Layout, gold: list[tuple[int, int, str]], schema: Schema,
                 suggestions: list[Suggestion], propagating: bool, keys: dict[str, str]) -> None:
        self.lay, self.schema = layout, schema
        self.gold = sorted(gold)
        self.gold_set = set(self.gold)
        self.gold_extent = {(s, e): label for s, e, label in self.gold}
        self.raw = suggestions
        self.propagating = propagating
        self.labels = {lab.name for lab in schema.labels}
        self.keys = keys  # label -> its key (only the count matters)
        self.vocab = Counter(layout.text[t.start:t.end] for t in layout.tokens)

    # --- what is on screen ----------------------------------------------------------------------

    def visible(self, st: State) -> list[Suggestion]:
        """What the reader shows (``SuggestionsMode.refresh``): the suggesters' suggestions and,
        with propagation, the other occurrences of every stored span, through ``shown``."""
        spans = [Stored(s, e, label) for (s, e), label in st.spans.items()]
        extra: list[Suggestion] = []
        if self.propagating:
            labels = {label.name for label in self.schema.labels}
            extra = propagations(self.lay.text, self.lay.tokens, spans, labels)
        if not self.raw and not extra:
            return []
        return shown([*self.raw, *extra], spans, self.schema, st.rejected)

    # --- moving ---------------------------------------------------------------------------------

    def reach(self, st: State, targets: range, bound: int) -> Move | None:
        """The cheapest way (below ``bound`` keys) to put the cursor on a word of ``targets``:
        a breadth-first search over ←/→, ↑/↓, PgUp/PgDn, Home/End, tab/⇧tab (spans), and finds
        (`/` + a prefix of a target word + ⏎, or `n` repeating the last query)."""
        lay = self.lay
        best: Move | None = None
        if st.cursor in targets:
            return Move(0, st.cursor, st.goal, st.top, st.query)
        # find: the shortest prefix of a target word whose first match lands on it
        for t in targets:
            word = lay.text[lay.ws[t]:lay.we[t]]
            for k in range(1, len(word) + 1):
                cost = 2 + k
                if best is not None and cost >= best.cost or cost >= bound:
                    break
                hit = lay.find(st.cursor, word[:k])
                if hit is not None and hit[1] == t:
                    best = Move(cost, t, None, lay.found_top(st.top, *hit), word[:k], hit[0])
                    break
        if st.query:
            cursor, top = st.cursor, st.top
            for r in range(1, FIND_REPEATS + 1):
                if best is not None and r >= best.cost or r >= bound:
                    break
                hit = lay.find(cursor, st.query)
                if hit is None:
                    break
                cursor, top = hit[1], lay.found_top(top, *hit)
                if cursor in targets:
                    best = Move(r, cursor, None, top, st.query, hit[0])
                    break
        limit = min(bound, best.cost if best else bound)
        found = self._bfs(st, targets, limit)
        if found is not None and (best is None or found.cost < best.cost):
            best = found
        return best

    def _bfs(self, st: State, targets: range, limit: int) -> Move | None:
        lay = self.lay
        starts = sorted(lay.words_in(s, s + 1).start for s, _ in st.spans)
        start = (st.cursor, st.goal)
        parent: dict = {start: None}
        frontier = [start]
        depth = 0
        while frontier and depth + 1 < limit:
            depth += 1
            nxt = []
            for w, goal in frontier:
                for state in self._steps(w, goal, starts):
                    if state in parent:
                        continue
                    parent[state] = (w, goal)
                    if state[0] in targets:
                        path = [state]
                        while parent[path[-1]] is not None:
                            path.append(parent[path[-1]])
                        top = st.top
                        for word, _ in reversed(path[:-1]):
                            top = lay.scrolled(top, word)
                        return Move(depth, state[0], state[1], top, st.query)
                    nxt.append(state)
            frontier = nxt
        return None

    def _steps(self, w: int, goal: int | None, starts: list[int]):
        lay = self.lay
        if w > 0:
            yield (w - 1, None)
        if w < lay.n - 1:
            yield (w + 1, None)
        for delta in (1, -1, lay.height - 1, 1 - lay.height):
            moved = lay.vertical(w, goal, delta)
            if moved is not None:
                yield moved
        if w != 0:
            yield (0, None)
        if w != lay.n - 1:
            yield (lay.n - 1, None)
        if starts:  # tab / shift+tab: the next / previous span's first word, wrapping
            i = bisect_right(starts, w)
            yield (starts[i % len(starts)], None)
            i = bisect_left(starts, w) - 1
            yield (starts[i], None)

    def select(self, st: State, first: int, last: int, bound: int) -> Move | None:
        """The cheapest way to have exactly words first..last selected (or, for one word, the
        cursor on it): reach one end and extend with ⇧→/⇧←, or a find whose match covers them
        (then ⇧→ for what it does not), or `n`."""
        lay = self.lay
        extra = last - first
        best: Move | None = None
        for end, other in ((first, last), (last, first)):
            m = self.reach(st, range(end, end + 1), bound if best is None else best.cost)
            if m is not None and m.anchor is not None and m.anchor != end:
                m = None  # a find left a longer selection: ⇧ would extend it from its anchor
            if m is not None and (best is None or m.cost + extra < best.cost):
                top = lay.scrolled(m.top, other)
                best = Move(m.cost + extra, other, None, top, m.query, end if extra else None)
            if extra == 0:
                break
        text = lay.text
        # a find that selects first..k, k <= last: `/` + a prefix from the first word's start
        limit = min(len(text), lay.we[last]) - lay.ws[first]
        for k in range(1, limit + 1):
            cost = 2 + k
            if best is not None and cost >= best.cost or cost >= bound:
                break
            query = text[lay.ws[first]:lay.ws[first] + k]
            hit = lay.find(st.cursor, query)
            if hit is not None and hit[0] == first and hit[1] <= last:
                total = cost + last - hit[1]
                if best is None or total < best.cost:
                    top = lay.scrolled(lay.found_top(st.top, *hit), last)
                    best = Move(total, last, None, top, query, first)
        if st.query:
            cursor, top = st.cursor, st.top
            for r in range(1, FIND_REPEATS + 1):
                if best is not None and r >= best.cost:
                    break
                hit = lay.find(cursor, st.query)
                if hit is None:
                    break
                cursor, top = hit[1], lay.found_top(top, *hit)
                if hit[0] == first and hit[1] <= last:
                    total = r + last - hit[1]
                    if best is None or total < best.cost:
                        best = Move(total, last, None, lay.scrolled(top, last), st.query, first)
                    break
        return best

    def go(self, st: State, m: Move, what: str = "move") -> None:
        st.press(what, m.cost)
        st.cursor, st.goal, st.top, st.query = m.cursor, m.goal, m.top, m.query

    # --- the work -------------------------------------------------------------------------------

    def todo(self, st: State) -> list[tuple[int, int, str, str]]:
        """(start, end, label, kind) in text order: ``label`` a gold entity not stored yet,
        ``fix`` a stored span that is not gold."""
        items = [(s, e, label, "label") for s, e, label in self.gold
                 if st.spans.get((s, e)) != label]
        items += [(s, e, label, "fix") for (s, e), label in st.spans.items()
                  if (s, e, label) not in self.gold_set]
        return sorted(items, key=lambda i: (i[0], i[3] != "fix"))

    def fix(self, st: State, start: int, end: int, label: str) -> None:
        """A wrong stored span: relabel it (a label key on it) when its extent is gold, else
        delete it (x)."""
        words = self.lay.words_in(start, end)
        m = self.reach(st, words, 10 ** 6)
        self.go(st, m)
        right = self.gold_extent.get((start, end))
        if right is not None:
            if m.anchor is not None:
                st.press("escape")  # a find's selection would become a new span: drop it
            st.press("label")
            st.spans[(start, end)] = right
        else:
            st.press("delete")
            del st.spans[(start, end)]

    def label(self, st: State, start: int, end: int, label: str) -> None:
        """Make gold entity (start, end, label) a stored span, the cheapest way."""
        for (s, e), lab in list(st.spans.items()):  # wrong spans in the way go first
            if s < end and start < e and (s, e) != (start, end):
                self.fix(st, s, e, lab)
        if (start, end) in st.spans:  # its extent stored with another label: relabel
            self.fix(st, start, end, st.spans[(start, end)])
            return
        words = self.lay.words_in(start, end)
        manual = self.select(st, words.start, words.stop - 1, 10 ** 6)
        best, accept, wrong_label = manual.cost + 1, None, False
        for s in self.visible(st):
            if (s.start, s.end) == (start, end):  # a suggestion with its extent: a, then relabel
                m = self.reach(st, words, best)
                if m is not None and m.cost + 1 + (s.label != label) < best:
                    best, accept, wrong_label = m.cost + 1 + (s.label != label), m, s.label != label
                break
        if accept is None:
            self.go(st, manual)
            st.press("label")
        else:
            self.go(st, accept)
            st.press("accept")
            if wrong_label:
                st.press("label")  # accepted with the wrong label: a label key relabels it
        st.spans[(start, end)] = label
        if self.propagating:
            self.maybe_propagate(st, start, end, label)

    def maybe_propagate(self, st: State, start: int, end: int, label: str) -> None:
        """P on the span just made when more of its other occurrences are gold than not."""
        spans = [Stored(s, e, lab) for (s, e), lab in st.spans.items()]
        found = propagate(self.lay.text, self.lay.tokens, Stored(start, end, label), spans)
        right = sum((s.start, s.end, s.label) in self.gold_set for s in found)
        if found and right > len(found) - right:
            st.press("propagate")
            for s in found:
                st.spans[(s.start, s.end)] = s.label

    def accept_all(self, st: State) -> int:
        shown_now = self.visible(st)
        if shown_now:
            st.press("accept all")
            for s in shown_now:
                st.spans[(s.start, s.end)] = s.label
        return len(shown_now)

    def run(self, strategy: str) -> State:
        """``one by one``: each suggestion accepted (a) or ignored, each entity labelled;
        ``A first``: A accepts every visible suggestion on opening, then the same;
        ``A when ahead``: A whenever more visible suggestions are right than wrong."""
        st = State()
        if strategy == "A first":
            self.accept_all(st)
        for _ in range(10 * (len(self.gold) + 10)):
            if strategy == "A when ahead":
                now = self.visible(st)
                right = sum((s.start, s.end, s.label) in self.gold_set for s in now)
                if now and right > len(now) - right + 1:
                    self.accept_all(st)
            items = self.todo(st)
            if not items:
                return st
            s, e, label, kind = items[0]
            if kind == "fix":
                self.fix(st, s, e, label)
            else:
                self.label(st, s, e, label)
        raise RuntimeError("the simulated annotator did not finish")  # a bug, not a result


def annotate(layout: Layout, gold, schema, suggestions, propagating: bool, strategies,
             keys=None) -> tuple[str, State]:
    """The cheapest of ``strategies`` on one article: (strategy, its final state)."""
    annotator = Annotator(layout, gold, schema, suggestions, propagating, keys or {})
    results = [(name, annotator.run(name)) for name in strategies]
    return min(results, key=lambda r: r[1].keys)
