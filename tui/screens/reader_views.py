"""The reader's other views of an article, mixed into ``ReaderScreen``: the raw source
(``RawScreen``), the other annotators' spans (read-only), the guidelines pane (the schema's
descriptions and examples) and the side panels."""

from __future__ import annotations

from textual.containers import Horizontal

from storage.session import others_annotations

from ..widgets import visible_line
from .raw import RawScreen


class ReaderViews:
    def action_raw(self) -> None:
        article = self.article
        if article is None:
            return
        if not article.raw:
            self.notify("No raw source is stored for this article", severity="warning",
                        markup=False)
            return
        self.app.push_screen(RawScreen(article.display_title, article.raw))

    def action_other_annotator(self) -> None:
        """Cycle: my spans, then each other annotator's (read-only), then mine again."""
        if self.article is None:
            return
        article_id, me = self.article_id, self.app.annotator
        found = self.app.calls.read_now(lambda s: others_annotations(s, article_id, me))
        others = found or {}
        cycle: list[str | None] = [None, *others]
        i = cycle.index(self.showing) if self.showing in cycle else 0
        self.showing = owner = cycle[(i + 1) % len(cycle)]
        self.notify("No other annotator has spans on this article" if not others else
                    "Your spans" if owner is None else
                    f"{visible_line(owner)}'s spans (read-only)", markup=False)
        mine = self.session.current if self.session is not None else None
        spans, events = (others[owner] if owner is not None else
                         (list(mine.spans), list(mine.events)) if mine is not None else ([], []))
        self._show_spans(spans, events)

    async def action_guidelines(self) -> None:
        """Show / hide the guidelines pane (the schema's descriptions and examples) of the
        labels and event type under the cursor, or of all of them; made when first asked for."""
        from ..widgets.guidelines import GuidelinesPane

        pane = self._guidelines
        if pane is not None:
            pane.display = not pane.display
        else:
            self._guidelines = GuidelinesPane(self.app.schema, id="guidelines")
            await self.query_one("#reader-body", Horizontal).mount(self._guidelines,
                                                                   after=self.view)
        self._sync_guidelines()

    def _sync_guidelines(self) -> None:
        pane = self._guidelines
        if pane is None or not pane.display or not pane.is_mounted:
            return
        here: list[str] = []
        if self.article is not None and self.view.loaded:
            here = [s.label for s in self.view.spans_at_cursor()]
            here += [e.type for e in self.events_mode.at_cursor()]
        pane.show(here)

    def action_toggle_panel(self) -> None:
        shown = not self.panel.display
        self.panel.display = self.events_panel.display = shown
        if not shown and self.events_panel.list.has_focus:
            self.set_focus(self.view)
