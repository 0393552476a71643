"""The agreement screen: ``newsmark agreement``'s table (every pair, spans per label, events per
type) and a small chart per pair of each label's exact F1, overlap F1 and κ.

The figures are computed in a worker through ``app.calls.read`` (the one path to the store);
what cannot be compared (fewer than two annotators, nothing finished by two) is said in the
screen, as the CLI says it in its ``Error:`` line.

The chart is bars of rich ``Text`` blocks, not textual-plotext: every figure lies in [0, 1] (κ
below 0 is drawn empty, its number beside it), and a horizontal bar per label with its number
at the end reads exactly at a glance in 120 columns, where a plotext bar chart would spend a
dependency, axes and a legend on three series over a handful of labels and still need the
numbers to be read precisely.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from newsmark.agreement import (
    EVENT_HEADER,
    SPAN_HEADER,
    TOTAL,
    AgreementError,
    agreement,
    check_result,
    choose_annotators,
    event_rows,
    pair_title,
    span_rows,
)
from newsmark.query import Query

from ..widgets import visible_line
from ..widgets.key_footer import KeyFooter

BAR = 16  # cells per bar
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: float | None, width: int = BAR) -> str:
    """``value`` in [0, 1] as ``width`` cells of block characters (eighths of a cell)."""
    if value is None or value <= 0:
        return " " * width
    eighths = round(min(value, 1.0) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def compute(store, query: Query | None = None, query_text: str = "") -> list[dict]:
    """The figures for every annotator who finished articles (but ``gold``), as the CLI's
    default, over the articles ``query`` (the library's filter) matches; an
    ``AgreementError`` for what cannot be compared."""
    names = choose_annotators(store.agreement_annotators(), None)
    pairs = agreement(store.agreement_works(names, query), names)
    check_result(pairs, None, query_text or None)
    return pairs


class AgreementScreen(Screen[None]):
    """The agreement table and chart."""

    DEFAULT_CSS = """
    AgreementScreen #agreement-title { height: auto; padding: 0 1; text-style: bold; }
    AgreementScreen DataTable { height: auto; max-height: 16; margin: 0 1 1 1; }
    AgreementScreen #agreement-chart { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", id="agreement.close"),
        Binding("r", "refresh", "Recompute", id="agreement.refresh"),
    ]

    def __init__(self, query: Query | None = None, query_text: str = "") -> None:
        """``query``: the library's filter (its articles only), ``query_text`` as typed."""
        super().__init__(id="agreement")
        self.pairs: list[dict] | None = None
        self.filter_query, self.query_text = query, query_text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Agreement: computing…"), id="agreement-title")
            yield DataTable(id="agreement-spans", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="agreement-events", cursor_type="row", zebra_stripes=True)
            yield Static(id="agreement-chart")
        yield KeyFooter()

    def on_mount(self) -> None:
        spans = self.query_one("#agreement-spans", DataTable)
        spans.add_columns("pair", *SPAN_HEADER)
        events = self.query_one("#agreement-events", DataTable)
        events.add_columns("pair", *EVENT_HEADER)
        events.display = False
        spans.focus()
        self.load()

    @work(exclusive=True, group="agreement")
    async def load(self) -> None:
        try:
            pairs = await self.app.calls.read(
                lambda store: compute(store, self.filter_query, self.query_text))
        except AgreementError as exc:
            self.show_message(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - the one error handler says what it was
            self.app.calls.report(exc, reading=True)
            self.show_message("the figures could not be read")
            return
        self.show(pairs)

    def show_message(self, message: str) -> None:
        self.query_one("#agreement-title", Static).update(
            Text(f"Agreement: {visible_line(message)}"))

    def show(self, pairs: list[dict]) -> None:
        self.pairs = pairs
        compared = [p for p in pairs if p["articles"]]
        title = Text("Agreement", style="bold")
        title.append(f"  {len(compared)} pair{'s' if len(compared) != 1 else ''} with articles "
                     "both finished; A is the reference (README: Agreement)", style="dim")
        if self.query_text:  # the library's filter: outside text, shown as data
            title.append("  filter ", style="dim")
            title.append(visible_line(self.query_text), style="italic")
        self.query_one("#agreement-title", Static).update(title)
        spans = self.query_one("#agreement-spans", DataTable)
        events = self.query_one("#agreement-events", DataTable)
        spans.clear()
        events.clear()
        for pair in compared:
            name = Text(visible_line(f"{pair['a']}–{pair['b']}"))
            for row in span_rows(pair):
                spans.add_row(name, *self._cells(row))
            for row in event_rows(pair):
                events.add_row(name, *self._cells(row))
        events.display = events.row_count > 0
        self.query_one("#agreement-chart", Static).update(self.chart(compared))

    def _cells(self, row: list[str]) -> list[Text]:
        label = Text(visible_line(row[0]), style="bold" if row[0] == TOTAL else
                     f"bold {self.app.schema.color(row[0])}")
        return [label, *(Text(c, justify="right") for c in row[1:])]

    def chart(self, pairs: list[dict]) -> Text:
        """Per pair and label: exact F1, overlap F1 and κ as bars."""
        out = Text()
        for pair in pairs:
            out.append(visible_line(pair_title(pair)) + "\n", style="bold")
            width = max(len(visible_line(r["label"])) for r in pair["spans"])
            for r in pair["spans"]:
                color = "white" if r["label"] == TOTAL else self.app.schema.color(r["label"])
                out.append(f"  {visible_line(r['label']).ljust(width)} ", style=f"bold {color}")
                for name, value in (("exact F1", r["exact"]["f1"]),
                                    ("overlap F1", r["overlap"]["f1"]), ("κ", r["kappa"])):
                    out.append(f" {name} ", style="dim")
                    out.append(bar(value), style=f"{color} on grey15")
                    out.append(" –    " if value is None else f" {value:5.3f}")
                out.append("\n")
        return out

    def action_close(self) -> None:
        self.dismiss(None)

    def action_refresh(self) -> None:
        self.query_one("#agreement-title", Static).update(Text("Agreement: computing…"))
        self.load()
