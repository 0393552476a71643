"""The reader: one article's text, its spans, a token cursor, and the annotation keys.

Every annotation key is one committed storage call made here, on the screen, before the view
changes: when the view shows a span, the span is on disk.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from newsmark.model import Article, Span
from storage.repo import StorageError

from ..widgets import DocumentView, visible_line

if TYPE_CHECKING:
    from textual.app import SystemCommand

    from ..app import NewsmarkApp


class ReaderScreen(Screen):
    """Read and annotate one article."""

    BINDINGS = [
        Binding("slash", "find", "Find", id="reader.find"),
        Binding("n", "find_next", "Find next", show=False, id="reader.find_next"),
        *[
            Binding(str(n), f"label('{n}')", f"Label {n}", show=False, id=f"reader.label_{n}")
            for n in range(1, 10)
        ],
        Binding("enter", "label_selected", "Apply selected label", show=False,
                id="reader.label_selected"),
        Binding("x", "delete_span", "Delete span", id="reader.delete_span"),
        Binding("u", "undo", "Undo", id="reader.undo"),
        Binding("ctrl+r", "redo", "Redo", id="reader.redo"),
        Binding("escape", "escape", "Clear/Back", id="reader.escape"),
    ]

    app: NewsmarkApp

    def __init__(self, article_id: int) -> None:
        super().__init__(id="reader")
        self.article_id = article_id
        self.article: Article | None = None
        self.last_query = ""

    # --- composition and loading ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title")
        yield Static(id="reader-status")
        yield DocumentView(id="document", colors={lab.name: lab.color for lab in self.app.schema.labels})
        yield Input(id="find", placeholder="Find (enter: select the next match, escape: cancel)")
        yield Footer()

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def find_input(self) -> Input:
        return self.query_one("#find", Input)

    def on_mount(self) -> None:
        self.view.focus()
        self._show_status()
        self.run_worker(self._load(), exclusive=True, group="reader")

    async def _load(self) -> None:
        app = self.app

        def query() -> tuple[Article, list[Span]]:
            with app.store_lock:
                article = app.store.article(self.article_id)
                return article, app.store.spans(self.article_id, app.annotator)

        try:
            article, spans = await asyncio.to_thread(query)
        except StorageError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.app.pop_screen()
            return
        self.article = article
        self.view.load(article.text, article.tokens, spans)
        self._show_status()

    # --- the status line ------------------------------------------------------------------------

    def _show_status(self) -> None:
        app = self.app
        schema = app.schema
        article = self.article
        title = Text(end="")
        if article is None:
            title.append("Loading…", "dim")
        else:
            title.append(visible_line(article.display_title), "bold")
            if article.source:
                title.append("  ·  ")
                title.append(visible_line(article.source), "italic")
        line = Text(end="")
        line.append("annotator ")
        line.append(visible_line(app.annotator), "bold")
        line.append("  ·  label ")
        selected = app.selected_label
        if selected:
            line.append(f" {selected} ", _text_on(schema.color(selected)))
        else:
            line.append("none", "dim")
        if article is not None and self.view.loaded:
            here = self.view.spans_at_cursor()
            if here:
                line.append("  ·  at cursor ")
                for i, span in enumerate(here):
                    if i:
                        line.append(" ")
                    line.append(f" {span.label} ", _text_on(schema.color(span.label)))
            selection = self.view.selection
            if selection is not None:
                line.append("  ·  selected ")
                line.append(f"{selection[1] - selection[0]} chars", "bold")
        line.append("  ·  ")
        for i, lab in enumerate(schema.labels):
            if i:
                line.append(" ")
            line.append(f"{lab.key}", "bold")
            line.append(f" {lab.name} ", _text_on(lab.color))
        # One line each, fixed (see newsmark.tcss): no layout pass on every keystroke.
        self.query_one("#reader-title", Static).update(title, layout=False)
        self.query_one("#reader-status", Static).update(line, layout=False)

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self, event: DocumentView.CursorMoved) -> None:
        self._show_status()

    # --- find -----------------------------------------------------------------------------------

    def action_find(self) -> None:
        if self.article is None:
            return
        field = self.find_input
        field.add_class("visible")
        field.value = self.last_query
        field.focus()

    def _close_find(self) -> None:
        self.find_input.remove_class("visible")
        self.view.focus()

    @on(Input.Submitted, "#find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_find()
        self.last_query = event.value
        self._find(event.value)

    def action_find_next(self) -> None:
        if self.last_query:
            self._find(self.last_query)

    def _find(self, query: str) -> None:
        if query.strip() and not self.view.find(query):
            self.notify(f"Not found: {visible_line(query)}", severity="warning", markup=False)

    # --- annotation -----------------------------------------------------------------------------

    def _reload_spans(self) -> None:
        with self.app.store_lock:
            spans = self.app.store.spans(self.article_id, self.app.annotator)
        self.view.set_spans(spans)

    def action_label(self, key: str) -> None:
        label = self.app.schema.by_key(key)
        if label is None:
            self.notify(f"No label on key {key}", severity="warning", markup=False)
            return
        self.apply_label(label.name)

    def action_label_selected(self) -> None:
        if self.app.selected_label:
            self.apply_label(self.app.selected_label)

    def apply_label(self, name: str) -> None:
        """Label the selection (or the token under the cursor) as ``name``: one transaction.

        A span over exactly the same characters with another label is relabelled instead.
        """
        target = self.view.target if self.article is not None else None
        if target is None:
            return
        start, end = target
        app = self.app
        try:
            with app.store_lock:
                same = [
                    s for s in app.store.spans(self.article_id, app.annotator)
                    if (s.start, s.end) == (start, end)
                ]
                if same and all(s.label != name for s in same):
                    app.store.relabel_span(same[0].id, app.annotator, name)
                else:
                    app.store.add_span(self.article_id, app.annotator, start, end, name)
        except StorageError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        app.selected_label = name
        self.view.clear_selection()
        self._reload_spans()

    def action_delete_span(self) -> None:
        if self.article is None:
            return
        here = self.view.spans_at_cursor()
        if not here:
            self.notify("No span under the cursor", severity="warning", markup=False)
            return
        try:
            with self.app.store_lock:
                self.app.store.delete_span(here[0].id, self.app.annotator)
        except StorageError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._reload_spans()

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        if self.article is None:
            return
        app = self.app
        try:
            with app.store_lock:
                step = getattr(app.store, which)(app.annotator, self.article_id)
        except StorageError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if step is None:
            self.notify(f"Nothing to {which}", markup=False)
            return
        self._reload_spans()

    def action_escape(self) -> None:
        if self.find_input.has_class("visible"):
            self._close_find()
        elif not self.view.clear_selection():
            self.app.pop_screen()

    # --- help and the command palette -----------------------------------------------------------

    def help_description(self, binding: Binding) -> str | None:
        """A description of ``binding`` that knows the schema (for the help screen)."""
        if binding.action.startswith("label('"):
            key = binding.action[len("label('") : -2]
            label = self.app.schema.by_key(key)
            return f"Apply label {label.name}" if label else "Apply label (none on this key)"
        if binding.action == "label_selected":
            return f"Apply the selected label ({self.app.selected_label or 'none'})"
        return None

    def commands(self) -> list[SystemCommand]:
        from textual.app import SystemCommand

        commands = [
            SystemCommand("Find", "Find text in the article and select it", self.action_find),
            SystemCommand("Find next", "Select the next match of the last search",
                          self.action_find_next),
            SystemCommand("Delete span", "Delete the span under the cursor", self.action_delete_span),
            SystemCommand("Undo", "Undo the last action on this article", self.action_undo),
            SystemCommand("Redo", "Redo the last undone action on this article", self.action_redo),
            SystemCommand("Back to library", "Close the article", self.app.pop_screen),
        ]
        for lab in self.app.schema.labels:
            commands.append(
                SystemCommand(f"Label {lab.name}",
                              f"Apply {lab.name} to the selection (key {lab.key})",
                              partial(self.apply_label, lab.name))
            )
        return commands


def _text_on(color: str) -> Style:
    """Dark text on a schema colour (a colour Rich does not know falls back to grey)."""
    try:
        return Style(color="#1e2127", bgcolor=color)
    except Exception:
        return Style(color="#1e2127", bgcolor="#abb2bf")
