"""The curation screen's pictures: a disagreement side by side (the text around it, then one
column per annotator with its version, colour-coded) and the heading line. Web text (the
article, labels, names) is data: everything here is ``rich.text.Text``, never markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from newsmark.curation import Disagreement, EventItem, Item, SpanItem
from newsmark.model import Schema

from .labels import label_style
from .safe import surface, visible, visible_line

if TYPE_CHECKING:
    from storage.curating import View

# one colour per annotator column (the Nth chosen annotator), on dark and light themes alike
ANNOTATOR_COLORS = ("#e5c07b", "#61afef", "#c678dd", "#98c379", "#e06c75", "#56b6c2",
                    "#d19a66", "#9aa5ce", "#b5bd68")
CONTEXT_CHARS = 120  # text shown before and after a disagreement


def annotator_color(index: int) -> str:
    return ANNOTATOR_COLORS[index % len(ANNOTATOR_COLORS)]


def context(text: str, d: Disagreement) -> Text:
    """The text around the disagreement, the disagreement itself bold and underlined."""
    lo = max(0, d.start - CONTEXT_CHARS)
    hi = min(len(text), d.end + CONTEXT_CHARS)
    out = Text()
    out.append("…" if lo else "")
    out.append(visible(text[lo:d.start]), "dim")
    out.append(visible(text[d.start:d.end]), "bold underline")
    out.append(visible(text[d.end:hi]), "dim")
    out.append("…" if hi < len(text) else "")
    return out


def item_text(text: str, schema: Schema, item: Item, in_gold: bool) -> Text:
    """One item of a version: its label (or event type) chip, its text and extent, an event's
    arguments and attributes; ``✓ gold`` when gold has it now."""
    out = Text(end="")
    if isinstance(item, SpanItem):
        out.append(f" {visible_line(item.label)} ", label_style(schema.color(item.label)))
    else:
        kind = schema.event_type(item.type)
        out.append(f" {visible_line(item.type)} ", label_style(kind.color if kind else "#abb2bf"))
    out.append(" ")
    out.append(surface(text, item.start, item.end), "bold")
    out.append(f"  {item.start}–{item.end}", "dim")
    if in_gold:
        out.append("  ✓ gold", "bold green")
    if isinstance(item, EventItem):
        for arg in item.arguments:
            out.append("\n    ")
            out.append(visible_line(arg.role), "italic")
            out.append(": ")
            out.append(surface(text, arg.start, arg.end))
            out.append(f"  {arg.start}–{arg.end}", "dim")
        for name, value in item.attributes:
            out.append(f"\n    {visible_line(name)}: {visible_line(value)}", "italic")
    return out


def disagreement(text: str, schema: Schema, view: View, index: int) -> RenderableType:
    """Disagreement ``index`` of the view's plan: the text around it, then the versions."""
    d = view.plan.disagreements[index]
    gold_now = d.matching(view.gold)
    table = Table(expand=True, show_lines=False, box=None, padding=(0, 2, 0, 0))
    for i, version in enumerate(d.versions):
        header = Text(f"{i + 1} ", "bold")
        header.append(visible_line(version.annotator), f"bold {annotator_color(i)}")
        if version.annotator in gold_now:
            header.append("  = gold", "bold green")
        table.add_column(header, ratio=1)
    cells = []
    for version in d.versions:
        if not version.items:
            cells.append(Text("(nothing)", "dim italic"))
            continue
        cell = Text(end="")
        for j, item in enumerate(version.items):
            if j:
                cell.append("\n")
            cell.append_text(item_text(text, schema, item, view.gold_has(item)))
        cells.append(cell)
    table.add_row(*cells)
    title = Text(f"Disagreement {index + 1} of {len(view.plan.disagreements)}", "bold")
    title.append(f"  ·  {'events' if d.kind == 'event' else 'spans'}  ·  {d.start}–{d.end}  ·  ")
    if gold_now:
        title.append("gold has " + ", ".join(visible_line(w) for w in gold_now) + "'s version",
                     "green")
    elif any(view.gold_has(i) for i in d.items):
        title.append("gold has a version of its own here", "yellow")
    else:
        title.append("gold has nothing here", "yellow")
    if d.accepted:
        title.append(f"  ·  {len(d.accepted)} pre-accepted by the majority", "dim")
    return Group(title, Text(""), context(text, d), Text(""), table)


def summary(view: View, curator: str) -> Text:
    """The heading: curator, rule, annotators, what is accepted, the hold."""
    p = view.plan
    out = Text(end="")
    out.append("Curation", "bold")
    out.append(" by ")
    out.append(visible_line(curator), "bold")
    out.append(f"  ·  rule {p.rule}  ·  ")
    for i, who in enumerate(p.annotators):
        out.append(f"{i + 1} ", "dim")
        out.append(visible_line(who), f"bold {annotator_color(i)}")
        out.append("  ")
    out.append(f"·  {len(p.accepted)} agreed, {len(p.disagreements)} disagreement"
               f"{'s' if len(p.disagreements) != 1 else ''}")
    if view.read_only and view.hold is not None:
        out.append("\n")
        out.append(f" READ-ONLY: held by {visible_line(view.hold.describe())} ", "bold reverse")
    return out
