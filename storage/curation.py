"""Curation writes into the annotator ``gold``: taking items (``newsmark.curation``) as one
undoable action.

Each item is written through the ordinary span and event APIs (``storage.annotations``,
``storage.events``), which log their own actions; a take then folds the actions it logged into
one ``ops`` action (``ActionLog.as_one``), so one ``u`` undoes the whole take. Runs inside the
caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from newsmark.curation import GOLD, EventItem, Item, SpanItem, event_item

from .actions import ActionLog
from .annotations import Annotations
from .events import Events


class Curation:
    """Gold's items on an article, and takes into them."""

    def __init__(self, conn: sqlite3.Connection, annotations: Annotations, events: Events,
                 actions: ActionLog) -> None:
        self.conn = conn
        self.annotations = annotations
        self.events = events
        self.actions = actions

    def finished_by(self, article_id: int) -> list[str]:
        """The annotators (gold aside) who marked the article done, by name."""
        return [r[0] for r in self.conn.execute(
            "select annotator from status where article_id = ? and status = 'done' "
            "and annotator != ? order by annotator", [article_id, GOLD])]

    def take(self, article_id: int, add: Iterable[Item], remove: Iterable[Item], label: str,
             defaults: dict[str, str] | None = None, annotator: str = GOLD) -> int:
        """Make ``annotator``'s (gold's) article have every item of ``add`` and none of
        ``remove`` (items in both are kept), as one undoable action named ``label``. Returns
        how many rows changed (0: gold had that already, nothing is logged)."""
        add = list(add)
        keep = {i.key for i in add}
        remove = [i for i in remove if i.key not in keep]

        def body() -> None:
            # events first: removing a span takes the arguments pointing at it along
            for item in remove:
                if isinstance(item, EventItem):
                    for event_id in self._gold_events(article_id, annotator, defaults, item):
                        self.events.delete_event(event_id, annotator)
            for item in remove:
                if isinstance(item, SpanItem):
                    for span in self.annotations.spans(article_id, annotator):
                        if (span.start, span.end, span.label) == (item.start, item.end,
                                                                  item.label):
                            self.annotations.delete_span(span.id, annotator)
            for item in add:
                if isinstance(item, SpanItem):
                    self.annotations.add_span(article_id, annotator, item.start, item.end,
                                              item.label)
            for item in add:
                if isinstance(item, EventItem) and not self._gold_events(
                        article_id, annotator, defaults, item):
                    self._add_event(article_id, annotator, item)

        return self.actions.as_one(annotator, article_id, label, body)

    def _gold_events(self, article_id: int, annotator: str, defaults, item: EventItem
                     ) -> list[int]:
        spans = {s.id: s for s in self.annotations.spans(article_id, annotator)}
        return [e.id for e in self.events.events(article_id, annotator)
                if event_item(e, spans, defaults).key == item.key]

    def _add_event(self, article_id: int, annotator: str, item: EventItem) -> None:
        spans = self.annotations.spans(article_id, annotator)
        arguments = []
        for arg in item.arguments:
            here = [s for s in spans if (s.start, s.end) == (arg.start, arg.end)]
            here.sort(key=lambda s: s.label != arg.label)  # the same label first
            span = here[0] if here else self.annotations.add_span(
                article_id, annotator, arg.start, arg.end, arg.label)
            if not here:
                spans.append(span)
            arguments.append((arg.role, span.id))
        self.events.add_event(article_id, annotator, item.type, item.start, item.end, arguments,
                              dict(item.attributes))
