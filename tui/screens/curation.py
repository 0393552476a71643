"""The curation screen: one article's annotators' versions merged into ``gold``.

Opened from the library (``C`` on the highlighted article, or the palette). First a small
prompt chooses the annotators (by default everyone who finished the article); then the article
is held for this curator (``storage.holds``: another curator holding it makes everything here
read-only, with a notice naming them and since when), what the rule accepts is written to gold
(one undoable action), and each disagreement is shown side by side (``widgets.curation_view``)
and taken with one key. The rules live in ``storage.curating.CurationSession``; every call runs
on the store path in key order (``app.calls``). The hold is released when the screen closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from newsmark.curation import GOLD
from storage.curating import CurationSession, View, candidates

from ..widgets.curation_view import annotator_color, disagreement, summary
from ..widgets.key_footer import KeyFooter
from ..widgets.safe import visible_line

if TYPE_CHECKING:
    from ..app import NewsmarkApp


class AnnotatorPicker(ModalScreen[list[str] | None]):
    """Which annotators to curate from: ``1``–``9`` toggle one, ``enter`` goes on."""

    BINDINGS = [
        Binding("enter", "confirm", "Curate these", id="curation_pick.confirm"),
        Binding("escape", "cancel", "Cancel", id="curation_pick.cancel"),
    ]

    DEFAULT_CSS = """
    AnnotatorPicker { align: center middle; }
    AnnotatorPicker #pick-box { width: 64; height: auto; border: round $accent;
                                background: $surface; padding: 0 1; }
    """

    def __init__(self, names: list[str], chosen: list[str]) -> None:
        super().__init__(id="curation-pick")
        self.names = names[:9]
        self.chosen = {n for n in chosen if n in self.names}

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Static(Text("Curate from which annotators?", "bold"))
            yield Static(id="pick-list")
            yield Static(Text("1–9: toggle  ·  enter: curate  ·  escape: cancel", "dim"))

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        out = Text(end="")
        for i, name in enumerate(self.names):
            out.append("\n" if i else "")
            out.append(f"{i + 1} ", "bold")
            out.append("[x] " if name in self.chosen else "[ ] ")
            out.append(visible_line(name), f"bold {annotator_color(i)}")
        self.query_one("#pick-list", Static).update(out)

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            event.stop()
            i = int(event.character) - 1
            if i < len(self.names):
                self.chosen ^= {self.names[i]}
                self._show()

    def action_confirm(self) -> None:
        if not self.chosen:
            self.notify("Choose at least one annotator", severity="warning", markup=False)
            return
        self.dismiss([n for n in self.names if n in self.chosen])

    def action_cancel(self) -> None:
        self.dismiss(None)


class CurationScreen(Screen):
    """Curate ``article_id`` into gold."""

    DEFAULT_CSS = """
    CurationScreen #curation-title { height: auto; background: $panel; padding: 0 1; }
    CurationScreen #curation-body { height: 1fr; padding: 1 1; }
    """

    BINDINGS = [
        Binding("left", "take(0)", "Take left", id="curation.take_left"),
        Binding("right", "take(1)", "Take right", id="curation.take_right"),
        *[Binding(str(n), f"take({n - 1})", f"Take annotator {n}'s version", show=False,
                  id=f"curation.take_{n}") for n in range(1, 10)],
        Binding("b", "take('all')", "Both", id="curation.both"),
        Binding("n", "take('none')", "Neither", id="curation.neither"),
        Binding("e", "edit", "Edit by hand", id="curation.edit"),
        Binding("right_square_bracket", "move(1)", "Next", id="curation.next"),
        Binding("left_square_bracket", "move(-1)", "Previous", id="curation.prev"),
        Binding("d", "finish", "Gold done", id="curation.done"),
        Binding("u", "undo", "Undo", id="curation.undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="curation.redo"),
        Binding("m", "switch_rule", "Switch rule (unanimous / majority)", show=False,
                id="curation.rule"),
        Binding("escape", "close", "Back", id="curation.close"),
    ]

    app: NewsmarkApp

    def __init__(self, article_id: int) -> None:
        super().__init__(id="curation")
        self.article_id = article_id
        self.session: CurationSession | None = None
        self.view: View | None = None
        self.index = 0
        self.text = ""
        self.curator = ""
        self._editing = False
        self._loading = True

    @property
    def ready_for_keys(self) -> bool:
        return not self._loading

    def compose(self) -> ComposeResult:
        yield Static(id="curation-title")
        with VerticalScroll(id="curation-body", can_focus=False):
            yield Static(id="curation-main")
        yield KeyFooter()

    def on_mount(self) -> None:
        app = self.app
        self.curator = app.annotator
        found = app.calls.read_now(
            lambda s: (s.article(self.article_id).text, candidates(s, self.article_id)))
        if found is None:
            self.dismiss()
            return
        self.text, (names, finished) = found
        if not names:
            self.notify("No annotator has work on this article to curate", severity="warning",
                        markup=False)
            self.dismiss()
            return
        self._loading = False
        app.push_screen(AnnotatorPicker(names, finished or names), self._start)

    def _start(self, names: list[str] | None) -> None:
        if not names:
            self.dismiss()
            return
        settings = self.app.settings
        rule = settings.curation_rule if settings else "unanimous"
        minutes = settings.hold_minutes if settings else 30.0
        aid, curator, schema = self.article_id, self.curator, self.app.schema

        def opened(result: tuple[CurationSession, View]) -> None:
            self.session, view = result
            self.show(view)

        def open_(store) -> tuple[CurationSession, View]:
            session = CurationSession(store, aid, curator, schema, names, rule, minutes)
            return session, session.open()

        self.app.calls.write(open_, opened, lambda _exc: self.dismiss())

    # --- showing ----------------------------------------------------------------------------------

    def show(self, view: View) -> None:
        self.view = view
        if view.message:
            self.notify(visible_line(view.message), severity=view.severity, markup=False)
        count = len(view.plan.disagreements)
        self.index = max(0, min(self.index, count - 1))
        self.query_one("#curation-title", Static).update(summary(view, self.curator))
        main = self.query_one("#curation-main", Static)
        if count:
            main.update(disagreement(self.text, self.app.schema, view, self.index))
        else:
            main.update(Text("No disagreements: gold has everything the rule accepts "
                             "(e: edit by hand, escape: back).", "italic"))

    # --- keys -------------------------------------------------------------------------------------

    def _call(self, fn: Callable[[CurationSession], View]) -> None:
        session = self.session
        if session is None:
            return
        self.app.calls.write(lambda _store: fn(session), self.show,
                             lambda _exc: self.app.calls.write(lambda _s: session.view(),
                                                               self.show))

    def _writable(self) -> bool:
        if self.view is None:
            return False
        if self.view.read_only:
            who = self.view.hold.describe() if self.view.hold else "another curator"
            self.notify(f"Read-only: {visible_line(who)} is curating this article",
                        severity="warning", markup=False)
            return False
        return True

    def action_take(self, which: int | str) -> None:
        if not self._writable() or self.view is None:
            return
        if not self.view.plan.disagreements:
            self.notify("No disagreements here", markup=False)
            return
        index = self.index
        # a take moves on to the next disagreement (as the key is pressed: keys come in order)
        self.index = min(index + 1, len(self.view.plan.disagreements) - 1)
        self._call(lambda s: s.take(index, which))

    def action_move(self, step: int) -> None:
        if self.view is None or not self.view.plan.disagreements:
            return
        count = len(self.view.plan.disagreements)
        self.index = (self.index + step) % count
        self.show(View(self.view.plan, self.view.gold, self.view.hold))

    def action_finish(self) -> None:
        if self._writable():
            self._call(lambda s: s.finish())

    def action_undo(self) -> None:
        if self._writable():
            self._call(lambda s: s.undo())

    def action_redo(self) -> None:
        if self._writable():
            self._call(lambda s: s.redo())

    def action_switch_rule(self) -> None:
        if self.view is not None:
            self.index = 0
            self._call(lambda s: s.switch_rule())

    def action_edit(self) -> None:
        if not self._writable():
            return
        from .reader import ReaderScreen

        self._editing = True
        self.app.annotator = GOLD  # the reader annotates as gold; back here, the curator again
        self.app.push_screen(ReaderScreen(self.article_id))

    def on_screen_resume(self) -> None:
        if self._editing:
            self._editing = False
            self.app.annotator = self.curator
            self._call(lambda s: s.view())

    def action_close(self) -> None:
        self._release()
        self.dismiss()

    def on_unmount(self) -> None:
        self._release()

    def _release(self) -> None:
        session, self.session = self.session, None
        if session is not None and not session.read_only:
            self.app.calls.write(lambda _store: session.release())
