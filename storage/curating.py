"""One curator's curation of one article into ``gold``, without Textual.

``CurationSession`` owns what the curation screen's keys do: hold the article (or find it held:
then everything is read-only), plan (``newsmark.curation``) over the chosen annotators' layers,
pre-accept what the rule accepts (one undoable action), take a disagreement's version (left,
right, the Nth annotator's, all of them, none: one undoable action each), undo and redo gold's
actions on the article, switch the rule, release the hold. Each method returns the ``View`` to
show: the plan, gold's items now, and a message. The TUI runs them on its store thread in key
order; the tests drive them directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsmark.curation import (
    GOLD,
    RULES,
    Disagreement,
    Item,
    Plan,
    layer_items,
    plan,
)
from newsmark.model import Article, Schema

from .holds import Hold
from .repo import Store


@dataclass(frozen=True, slots=True)
class View:
    """What the curation screen shows."""

    plan: Plan
    gold: tuple[Item, ...]
    hold: Hold | None  # the hold: ``granted`` (ours) or another curator's (read-only)
    message: str = ""
    severity: str = "information"
    changed: bool = False

    @property
    def read_only(self) -> bool:
        return self.hold is None or not self.hold.granted

    def gold_has(self, item: Item) -> bool:
        return any(g.key == item.key for g in self.gold)


def candidates(store: Store, article_id: int) -> tuple[list[str], list[str]]:
    """(every annotator with spans on the article or who finished it, those who finished it):
    gold aside."""
    finished = store.finished_by(article_id)
    working = set(store.annotators(article_id)) | set(finished)
    working.discard(GOLD)
    return sorted(working), finished


class CurationSession:
    """``curator`` curating ``article_id`` of ``store`` from ``annotators``' work."""

    def __init__(self, store: Store, article_id: int, curator: str, schema: Schema,
                 annotators: list[str], rule: str = "unanimous", hold_minutes: float = 30.0
                 ) -> None:
        self.store = store
        self.article_id = article_id
        self.curator = curator
        self.schema = schema
        self.annotators = list(annotators)
        self.rule = rule
        self.stale_after = hold_minutes * 60
        self.defaults = {a.name: a.default for a in schema.attributes}
        self.hold: Hold | None = None
        self.plan: Plan | None = None

    def article(self) -> Article:
        return self.store.article(self.article_id)

    # --- opening, the rule ---------------------------------------------------------------------

    def open(self) -> View:
        """Hold the article, plan, and write what the rule accepts into gold (when held)."""
        self.hold = self.store.hold(self.article_id, self.curator, self.stale_after)
        if not self.hold.granted:
            self.plan = self._plan()
            return self._view(f"Read-only: {self.hold.describe()} is curating this article",
                              "warning")
        taken = f" (taken over from {self.hold.took_over}: stale)" if self.hold.took_over else ""
        view = self._accept("accept agreed")
        return self._view(view.message + taken, changed=view.changed)

    def switch_rule(self) -> View:
        self.rule = RULES[(RULES.index(self.rule) + 1) % len(RULES)]
        if self.read_only:
            self.plan = self._plan()
            return self._view(f"Rule: {self.rule}")
        view = self._accept(f"accept {self.rule}")
        return self._view(f"Rule: {self.rule}. {view.message}", changed=view.changed)

    def _accept(self, label: str) -> View:
        self.plan = self._plan()
        n = self.store.curate(self.article_id, self.curator, self.plan.accepted, (), label,
                              self.defaults)
        accepted = len(self.plan.accepted)
        told = (f"{accepted} item{'s' if accepted != 1 else ''} agreed "
                f"({'newly written to gold' if n else 'in gold already'}), "
                f"{len(self.plan.disagreements)} disagreement"
                f"{'s' if len(self.plan.disagreements) != 1 else ''}")
        return self._view(told, changed=bool(n))

    def _plan(self) -> Plan:
        layers = {who: layer_items(self.store.spans(self.article_id, who),
                                   self.store.events(self.article_id, who), self.schema)
                  for who in self.annotators}
        return plan(layers, self.rule)

    @property
    def read_only(self) -> bool:
        return self.hold is None or not self.hold.granted

    # --- taking ----------------------------------------------------------------------------------

    def take(self, index: int, which: str | int) -> View:
        """Gold gets disagreement ``index``'s version ``which``: an annotator's position (0 is
        the left column), ``"all"`` (every version: both, with two) or ``"none"``."""
        if self.read_only:
            return self._refused()
        assert self.plan is not None
        if not 0 <= index < len(self.plan.disagreements):
            return self._view("No disagreement here", "warning")
        d: Disagreement = self.plan.disagreements[index]
        if which == "all":
            items, what = d.both(*self.plan.annotators), "both" if len(d.versions) == 2 else "all"
        elif which == "none":
            items, what = (), "neither"
        else:
            if not 0 <= int(which) < len(d.versions):
                return self._view(f"No annotator {int(which) + 1} here", "warning")
            version = d.versions[int(which)]
            items, what = version.items, version.annotator
        n = self.store.curate(self.article_id, self.curator, items, d.items,
                              f"take {what} at {d.start}–{d.end}", self.defaults)
        return self._view(f"Gold: {what}" if n else f"Gold has {what}'s version already",
                          changed=bool(n))

    def undo(self) -> View:
        return self._step(redo=False)

    def redo(self) -> View:
        return self._step(redo=True)

    def _step(self, redo: bool) -> View:
        if self.read_only:
            return self._refused()
        action = self.store.curate_step(self.article_id, self.curator, redo=redo)
        which = "redo" if redo else "undo"
        if action is None:
            return self._view(f"Nothing to {which} in gold here")
        label = action.payload.get("label", action.kind.replace("_", " "))
        return self._view(f"{'Redone' if redo else 'Undone'}: {label}", changed=True)

    def finish(self) -> View:
        """Gold is done on this article: the default export (finished work) takes it."""
        if self.read_only:
            return self._refused()
        self.store.set_status([self.article_id], GOLD, "done")
        return self._view("Gold done: the export takes it (export --merge gold)")

    def release(self) -> bool:
        if self.hold is not None and self.hold.granted:
            self.hold = None
            return self.store.release(self.article_id, self.curator)
        return False

    def view(self) -> View:
        """What is stored now (after a failed call, or coming back from editing by hand)."""
        return self._view()

    # --- helpers ---------------------------------------------------------------------------------

    def _refused(self) -> View:
        who = self.hold.describe() if self.hold else "another curator"
        return self._view(f"Read-only: {who} is curating this article", "warning")

    def _view(self, message: str = "", severity: str = "information",
              changed: bool = False) -> View:
        assert self.plan is not None
        gold = layer_items(self.store.spans(self.article_id, GOLD),
                           self.store.events(self.article_id, GOLD), self.schema)
        return View(self.plan, tuple(gold), self.hold, message, severity, changed)
