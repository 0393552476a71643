"""The reader's guidelines pane: the schema's description and examples of the labels (and event
types) under the cursor, or of every label and event type, rendered as Markdown.

The guidelines are the user's own schema file, so they are Markdown. The names the pane is
asked about come from the database (a span's label that the schema no longer has): they are
never put into the Markdown, only into the header, as ``Text`` through ``visible_line``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from newsmark.model import EventType, Label, Schema

from .safe import visible_line
from .side_panel import SidePanel


def guidelines_markdown(schema: Schema, names: Iterable[str] = ()) -> str:
    """The Markdown of the labels and event types named (those the schema has), or of every
    label and event type when ``names`` is empty."""
    wanted = list(dict.fromkeys(names))
    items: list[tuple[str, Label | EventType]] = []
    if wanted:
        for name in wanted:
            label, etype = schema.label(name), schema.event_type(name)
            items += [("label", x) for x in (label,) if x] + [("event type", x) for x in (etype,) if x]
    else:
        items = [("label", lab) for lab in schema.labels] + [
            ("event type", e) for e in schema.events]
    parts = []
    for kind, item in items:
        parts.append(f"## {item.name}\n\n*{kind}, key `{item.key}`*")
        parts.append(item.description or "*No description in the schema.*")
        if item.examples:
            parts.append("**Examples**\n\n" + "\n".join(
                "- " + example.replace("\n", "\n  ") for example in item.examples))
    return "\n\n".join(parts) + "\n"


class GuidelinesPane(SidePanel):
    """A header (what is shown) over the guidelines, scrollable. Not focusable: the text keeps
    the keyboard; the mouse wheel scrolls it."""

    DEFAULT_CSS = """
    GuidelinesPane { width: 48; }
    GuidelinesPane > VerticalScroll { height: 1fr; scrollbar-size-vertical: 1; }
    GuidelinesPane Markdown { margin: 0 1; }
    """

    def __init__(self, schema: Schema, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.schema = schema
        self.shown: tuple[str, ...] | None = None  # the names shown (() for all)
        self.markdown = ""

    def compose(self) -> ComposeResult:
        yield Static(classes="side-panel--header", id="guidelines-header")
        with VerticalScroll(can_focus=False):
            yield Markdown(id="guidelines-text")

    def show(self, names: Iterable[str]) -> None:
        """The guidelines of ``names`` (the labels and event type under the cursor), or of
        everything when there are none; names the schema lacks are said in the header."""
        names = tuple(dict.fromkeys(names))
        if names == self.shown:
            return
        self.shown = names
        known = [n for n in names if self.schema.label(n) or self.schema.event_type(n)]
        unknown = [n for n in names if n not in known]
        header = Text("Guidelines", end="")
        header.append(": " + (", ".join(visible_line(n) for n in known) if known else "all"))
        if unknown:
            header.append("  not in the schema: " + ", ".join(visible_line(n) for n in unknown),
                          "italic")
        self.query_one("#guidelines-header", Static).update(header)
        self.markdown = guidelines_markdown(self.schema, known if names and known else ())
        self.query_one("#guidelines-text", Markdown).update(self.markdown)
        self.query_one(VerticalScroll).scroll_home(animate=False)
