"""The library's actions that write or open another screen, mixed into ``LibraryScreen``:
status for every article shown (with a confirmation, one undoable action), undo and redo, the
sources prompt (``i``; ``library_sources`` fetches), curation (``C``) and agreement (``A``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Input

from ..widgets import visible_line
from .history import describe

if TYPE_CHECKING:
    from storage.actions import Action
    from storage.repo import Store


class LibraryActions:
    # --- bulk status, undo, redo ----------------------------------------------------------------

    def action_bulk(self, status: str) -> None:
        article_list = self.article_list
        if not article_list.total:
            self.notify("No articles shown", severity="warning", markup=False)
            return
        n = article_list.total
        what = ("the filter shows" if self.query_text else
                "your queue holds" if self.queue else "the library holds")
        question = Text(end="")
        question.append(f"Mark all {n:,} article{'s' if n != 1 else ''} {what} as ")
        question.append(status.replace("_", " "), "bold")
        question.append("?")
        if self.query_text:
            question.append("\nfilter ")
            question.append(visible_line(self.query_text), "italic")
        question.append("\n(u undoes it as one action)", "dim")

        def answered(yes: bool | None) -> None:
            if yes:
                self._bulk(status)

        from .confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question, title="Change status"), answered)

    def _bulk(self, status: str) -> None:
        ann, q = self.app.annotator, self.list_query

        def write(s: Store) -> int:
            return s.set_status(s.library_ids(ann, q), ann, status)

        def done(changed: int) -> None:
            self.notify(f"{changed:,} article{'s' if changed != 1 else ''} marked "
                        f"{status.replace('_', ' ')}", markup=False)
            self.reload(keep_cursor=True, progress=True)

        self.app.calls.write(write, done)

    def action_undo(self) -> None:
        self._history("undo")

    def action_redo(self) -> None:
        self._history("redo")

    def _history(self, which: str) -> None:
        ann = self.app.annotator
        step = (lambda s: s.undo(ann)) if which == "undo" else (lambda s: s.redo(ann))

        def done(action: Action | None) -> None:
            if action is None:
                self.notify(f"Nothing to {which}", markup=False)
                return
            self.notify(f"{'Undone' if which == 'undo' else 'Redone'}: {visible_line(describe(action))}",
                        markup=False)
            self.reload(keep_cursor=True, progress=True)

        self.app.calls.write(step, done)

    # --- sources: URLs and feeds, fetched in the background (library_sources) ----------------

    def action_add_source(self) -> None:
        field = self.query_one("#source", Input)
        field.value = ""
        field.add_class("visible")
        self.set_focus(field)

    def action_refresh_feeds(self) -> None:
        self.sources.refresh_feeds()

    def action_curate(self) -> None:
        """Curate the highlighted article into gold (``tui.screens.curation``)."""
        from .curation import CurationScreen

        article_id = self.current_article_id()
        if article_id is not None:
            self.app.push_screen(CurationScreen(article_id))

    # --- agreement (tui/screens/agreement.py) --------------------------------------------------

    def action_agreement(self) -> None:
        from .agreement import AgreementScreen  # (not imported before it is opened)

        # over the articles the filter shows (not the queue: both annotators' articles count)
        query = self.filter_query if self.query_text else None
        self.app.push_screen(AgreementScreen(query, self.query_text))
