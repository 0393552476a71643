"""The store: one newsmark database, newsmark models in, newsmark models out.

``Store`` is composed of parts, one per concern, all on the store's one sqlite3 connection:
articles (``storage.articles``), annotations: spans, status, flag (``storage.annotations``),
events (``storage.events``), the action log undo and redo are built on (``storage.actions``),
feeds, the library, exports, imports, stats and event warnings. The parts share their helpers
through ``storage.rows`` and never import ``Store``.

``Store``'s methods are the API, and each write method is one user action: one committed
transaction (``storage.db.transaction``), in which the action is written to the action log too,
so undo and redo survive restarts and never see half an action. A write method called inside
another one's transaction is part of that one.

The parts run their SQL on the sqlite3 connection (``conn``); ``db``, the same connection as a
``sqlite_utils.Database``, is built when first asked for (tools, tests): sqlite-utils, and the
numpy and pandas it imports when they are installed, stay out of the TUI's start and of every
read and write of annotating.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsmark.curation import GOLD
from newsmark.model import Article, ArticleRow, Event, Feed, Schema, Span
from newsmark.query import Query

from .actions import Action, ActionLog
from .annotations import Annotations
from .articles import Articles
from .assignments import Assignments, has_assignments
from .db import ATTEMPTS, database, default_db_path, open_connection, transaction
from .errors import StorageError
from .events import Events
from .feeds import Feeds
from .library import Library
from .rows import EXPORT_BATCH
from .warnings import BATCH as WARNINGS_BATCH
from .warnings import WarningCounts, Warnings

if TYPE_CHECKING:
    from sqlite_utils import Database

    from newsmark.agreement import ArticleWork
    from newsmark.assign import Plan
    from newsmark.curation import Item
    from newsmark.formats import Record
    from newsmark.formats.importers import ImportRecord

    from .agreement import Agreement
    from .curation import Curation
    from .export import Exports, Selection
    from .holds import Hold, Holds
    from .imports import ImportReport, Imports
    from .labels import LabelChange, Labels, UndoneChange
    from .stats import Stats
    from .suggestions import Propagation, UndonePropagation
    from .training import Training

__all__ = ["Action", "StorageError", "Store"]


class Store:
    """One newsmark database."""

    def __init__(self, path: str | Path | None = None, create: bool = True,
                 attempts: int = ATTEMPTS):
        """Open the database at ``path``; ``create=False`` refuses to create a missing one
        (``NoDatabase``). ``attempts``: how many times a write transaction is tried whole when
        another connection keeps the database busy past the busy timeout."""
        self.path = Path(path) if path else default_db_path()
        self.attempts = attempts
        self.conn = conn = open_connection(self.path, create=create)
        self._articles = Articles(conn)
        self._actions = ActionLog(conn)
        self._annotations = Annotations(conn, self._articles, self._actions)
        self._events = Events(conn, self._articles, self._actions)
        self._feeds = Feeds(conn)
        self._library = Library(conn)
        self._warnings = Warnings(conn)
        self._assignments = Assignments(conn)

    # The parts a TUI's start does not need are made (and their modules imported: the export
    # formats, the importers) when first used.

    @functools.cached_property
    def _exports(self) -> Exports:
        from .export import Exports

        return Exports(self.conn, self._articles, self._annotations, self._events)

    @functools.cached_property
    def _imports(self) -> Imports:
        from .imports import Imports

        return Imports(self.conn, self._articles, self._events)

    @functools.cached_property
    def _agreement(self) -> Agreement:
        from .agreement import Agreement

        return Agreement(self.conn)

    @functools.cached_property
    def _stats(self) -> Stats:
        from .stats import Stats

        return Stats(self.conn)

    @functools.cached_property
    def _labels(self) -> Labels:
        from .labels import Labels

        return Labels(self.conn, self._actions)

    @functools.cached_property
    def db(self) -> Database:
        """The store's connection as a ``sqlite_utils.Database`` (imports sqlite-utils)."""
        return database(self.conn)

    def close(self) -> None:
        self.conn.close()

    # --- articles -------------------------------------------------------------------------------

    def add_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, bool]:
        """Store ``article`` unless its clean text is already stored. Returns (article, added)."""
        stored, state = self.save_article(article, feed_id)
        return stored, state != "duplicate"

    @transaction
    def save_article(self, article: Article, feed_id: int | None = None) -> tuple[Article, str]:
        """Store ``article``; returns (stored, state) with state one of:

        - ``duplicate``: the same clean text is stored already (nothing written);
        - ``version``: the same address had other text: a new version, the old one untouched;
        - ``added``: new.
        """
        return self._articles.save_article(article, feed_id)

    def latest_version(self, url: str) -> Article | None:
        return self._articles.latest_version(url)

    def has_url(self, url: str) -> bool:
        return self._articles.has_url(url)

    def older_annotated_versions(self, article_id: int) -> list[int]:
        """Ids of earlier versions of this article that carry spans, newest first."""
        return self._articles.older_annotated_versions(article_id)

    def check_offsets(self, article_id: int, start: int, end: int, what: str = "span") -> str:
        """Check that [start, end) sits on the article's tokens; returns the text's hash."""
        return self._articles.check_offsets(article_id, start, end, what)

    def find_by_hash(self, text_hash: str) -> Article | None:
        return self._articles.find_by_hash(text_hash)

    def article(self, article_id: int) -> Article:
        return self._articles.article(article_id)

    def count_articles(self) -> int:
        return self._articles.count_articles()

    def list_articles(self, annotator: str) -> list[ArticleRow]:
        return self._articles.list_articles(annotator)

    # --- spans ----------------------------------------------------------------------------------

    def spans(self, article_id: int, annotator: str) -> list[Span]:
        return self._annotations.spans(article_id, annotator)

    def annotators(self, article_id: int | None = None) -> list[str]:
        return self._annotations.annotators(article_id)

    @transaction
    def add_span(
        self,
        article_id: int,
        annotator: str,
        start: int,
        end: int,
        label: str,
        origin: str = "manual",
    ) -> Span:
        """Add a span as one undoable action. Adding an identical span returns the existing one."""
        return self._annotations.add_span(article_id, annotator, start, end, label, origin)

    @transaction
    def delete_span(self, span_id: int, annotator: str) -> Span:
        """Delete a span, and the event arguments that point at it, as one undoable action.

        Callers ask for confirmation first when ``arguments_using(span_id)`` is not empty.
        """
        return self._annotations.delete_span(span_id, annotator)

    @transaction
    def relabel_span(self, span_id: int, annotator: str, label: str) -> Span:
        return self._annotations.relabel_span(span_id, annotator, label)

    # --- status ---------------------------------------------------------------------------------

    def status(self, article_id: int, annotator: str) -> str:
        return self._annotations.status(article_id, annotator)

    @transaction
    def set_status(self, article_ids: Iterable[int], annotator: str, status: str) -> int:
        """Set the status of many articles as one undoable action. Returns how many changed."""
        return self._annotations.set_status(article_ids, annotator, status)

    @transaction
    def flag(self, article_id: int, annotator: str, note: str | None) -> None:
        """Flag the article with a note (``None`` clears the flag), as one undoable action."""
        self._annotations.flag(article_id, annotator, note)

    def flagged(self, article_id: int, annotator: str) -> str | None:
        """The flag's note ('' for a flag without a note), or None when not flagged."""
        return self._annotations.flagged(article_id, annotator)

    # --- accepted and rejected suggestions (storage.suggestions) --------------------------------

    @transaction
    def accept_suggestions(self, article_id: int, annotator: str,
                           items: Iterable[tuple[int, int, str, str]], what: str) -> list[Span]:
        """Spans for ``(start, end, label, origin)`` items, as one undoable action."""
        from .suggestions import accept_spans

        return accept_spans(self.conn, self._articles, self._actions, article_id, annotator,
                            items, what)

    @transaction
    def reject_suggestion(self, article_id: int, annotator: str, start: int, end: int,
                          label: str, source: str) -> bool:
        from .suggestions import reject_suggestion

        return reject_suggestion(self.conn, self._actions, article_id, annotator, start, end,
                                 label, source)

    def rejected_suggestions(self, article_id: int, annotator: str) -> list[tuple[int, int, str]]:
        from .suggestions import rejected_suggestions

        return rejected_suggestions(self.conn, article_id, annotator)

    # --- propagation across articles (storage.suggestions, ``newsmark propagate``) -------------

    def plan_propagation(self, ids: Iterable[int], annotator: str, text: str, label: str,
                         ignore_case: bool = False) -> Propagation:
        """What ``propagate`` would add (a dry run: nothing is written)."""
        from .suggestions import plan_propagation

        return plan_propagation(self.conn, self._articles, ids, annotator, text, label,
                                ignore_case)

    @transaction
    def propagate(self, ids: Iterable[int], annotator: str, text: str, label: str,
                  ignore_case: bool = False) -> Propagation:
        """Label ``text`` as ``label`` wherever it occurs in the articles, as one action."""
        from .suggestions import propagate_spans

        return propagate_spans(self.conn, self._articles, self._actions, ids, annotator, text,
                               label, ignore_case)

    @transaction
    def undo_propagation(self) -> UndonePropagation | None:
        """Take back the last propagation (None when there is none)."""
        from .suggestions import undo_propagation

        return undo_propagation(self.conn, self._actions)

    # --- undo and redo --------------------------------------------------------------------------

    @transaction
    def undo(self, annotator: str, article_id: int | None = None) -> Action | None:
        """Undo the annotator's last action (in ``article_id`` when given). None if nothing."""
        return self._actions.undo(annotator, article_id)

    @transaction
    def redo(self, annotator: str, article_id: int | None = None) -> Action | None:
        """Redo the annotator's most recently undone action. None if nothing."""
        return self._actions.redo(annotator, article_id)

    # --- label renames and merges (storage.labels) ------------------------------------------------

    def plan_label_change(self, schema: Schema, old: str, new: str, merge: bool,
                          annotator: str | None = None, kind: str | None = None) -> LabelChange:
        """What ``change_label`` would change (a dry run: nothing is written)."""
        return self._labels.plan(schema, old, new, merge, annotator, kind)[0]

    @transaction
    def change_label(self, schema: Schema, old: str, new: str, merge: bool,
                     annotator: str | None = None, kind: str | None = None) -> LabelChange:
        """Rename (or merge) a span label or event type everywhere, as one undoable action."""
        return self._labels.change(schema, old, new, merge, annotator, kind)

    @transaction
    def undo_label_change(self) -> UndoneChange | None:
        """Take back the last label rename or merge (None when there is none)."""
        return self._labels.undo_change()

    def labels_not_in_schema(self, schema: Schema) -> dict[str, tuple[int, int]]:
        """{label: (spans, articles)} of the stored span labels ``schema`` does not have."""
        return self._labels.not_in_schema(schema)

    # --- events ---------------------------------------------------------------------------------

    def events(self, article_id: int, annotator: str) -> list[Event]:
        return self._events.events(article_id, annotator)

    def event(self, event_id: int) -> Event:
        return self._events.event(event_id)

    def arguments_using(self, span_id: int) -> list[tuple[int, str]]:
        """(event id, role) of every argument that points at the span."""
        return self._events.arguments_using(span_id)

    @transaction
    def add_event(
        self,
        article_id: int,
        annotator: str,
        type: str,
        start: int,
        end: int,
        arguments: list[tuple[str, int]] | None = None,
        attributes: dict[str, str] | None = None,
    ) -> Event:
        return self._events.add_event(article_id, annotator, type, start, end, arguments,
                                      attributes)

    @transaction
    def add_argument(self, event_id: int, annotator: str, role: str, span_id: int) -> None:
        self._events.add_argument(event_id, annotator, role, span_id)

    @transaction
    def remove_argument(self, argument_id: int, annotator: str) -> None:
        self._events.remove_argument(argument_id, annotator)

    @transaction
    def set_event_type(self, event_id: int, annotator: str, type: str) -> None:
        self._events.set_event_type(event_id, annotator, type)

    @transaction
    def set_attribute(self, event_id: int, annotator: str, name: str, value: str) -> None:
        self._events.set_attribute(event_id, annotator, name, value)

    @transaction
    def delete_event(self, event_id: int, annotator: str) -> None:
        self._events.delete_event(event_id, annotator)

    # --- feeds ----------------------------------------------------------------------------------

    @transaction
    def add_feed(self, url: str, name: str, tags: list[str] | None = None) -> Feed:
        return self._feeds.add_feed(url, name, tags)

    def feed(self, key: int | str) -> Feed:
        return self._feeds.feed(key)

    def feeds(self, tag: str | None = None) -> list[Feed]:
        return self._feeds.feeds(tag)

    @transaction
    def remove_feed(self, name: str) -> Feed:
        """Unsubscribe. Articles from the feed stay, unlinked: nothing stored is lost."""
        return self._feeds.remove_feed(name)

    @transaction
    def feed_checked(
        self,
        feed_id: int,
        *,
        ok: bool,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        not_modified: bool = False,
    ) -> None:
        """Record a refresh. A 304 writes only the check time; a failure only time and error."""
        self._feeds.feed_checked(feed_id, ok=ok, error=error, etag=etag,
                                 last_modified=last_modified, not_modified=not_modified)

    # --- the library ----------------------------------------------------------------------------

    def library(
        self,
        annotator: str,
        query: Query | None = None,
        sort: str = "date",
        descending: bool | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ArticleRow]:
        return self._library.library(annotator, query, sort, descending, offset, limit)

    def library_count(self, annotator: str, query: Query | None = None) -> int:
        return self._library.library_count(annotator, query)

    def library_ids(self, annotator: str, query: Query | None = None, sort: str = "date",
                    descending: bool | None = None) -> list[int]:
        return self._library.library_ids(annotator, query, sort, descending)

    def newest_language(self) -> str | None:
        return self._library.newest_language()

    def progress(self, annotator: str) -> tuple[int, int, dict[str, int]]:
        """(done, total, spans per label) for this annotator over the newest versions."""
        return self._library.progress(annotator)

    def next_todo(self, annotator: str, after: int | None = None,
                  sort: str = "date") -> int | None:
        """The next article still to do (todo or in progress), in date order after ``after``
        (``sort="uncertain"``: the least certain first)."""
        return self._library.next_todo(annotator, after, sort)

    # --- training data and uncertainty (storage.training, ``newsmark train`` / ``score``) ------

    @functools.cached_property
    def training(self) -> Training:
        """The examples a model is trained on, the articles it scores, the scores."""
        from .training import Training

        return Training(self.conn, self._articles, self._annotations)

    @transaction
    def set_uncertainty(self, model: str, scores: Iterable[tuple[int, float]]) -> int:
        """Replace ``model``'s uncertainty scores (article id, score): one transaction."""
        return self.training.set_uncertainty(model, scores)

    @property
    def uncertainty_model(self) -> str | None:
        """Whose scores the library's ``uncertain`` sort uses (None: the model scored last)."""
        return self._library.model

    @uncertainty_model.setter
    def uncertainty_model(self, model: str | None) -> None:
        self._library.model = model

    @transaction
    def save_position(self, article_id: int, annotator: str, cursor: int, scroll: int) -> None:
        self._library.save_position(article_id, annotator, cursor, scroll)

    def position(self, article_id: int, annotator: str) -> tuple[int, int] | None:
        return self._library.position(article_id, annotator)

    # --- assignments (newsmark assign) ----------------------------------------------------------

    def plan_assignments(self, article_ids: Iterable[int], annotators: str | Iterable[str],
                         overlap: int) -> Plan:
        """What ``assign`` would write (``newsmark.assign.plan`` over the stored ones)."""
        return self._assignments.plan(article_ids, annotators, overlap)

    @transaction
    def assign(self, article_ids: Iterable[int], annotators: str | Iterable[str],
               overlap: int) -> tuple[Plan, str]:
        """Assign the articles that have none, in one transaction; (plan, batch)."""
        planned = self._assignments.plan(article_ids, annotators, overlap)
        return planned, self._assignments.save(planned)

    def assigned_ids(self, annotator: str) -> list[int]:
        return self._assignments.assigned_ids(annotator)

    def assignment_progress(self) -> dict[str, dict[str, int]]:
        """Per annotator: assigned, and how many of those are todo, in progress, done, skipped."""
        return self._assignments.progress()

    def has_assignments(self, annotator: str | None = None) -> bool:
        return has_assignments(self.conn, annotator)

    # --- export ---------------------------------------------------------------------------------

    def id_ranges(self, batch: int = EXPORT_BATCH) -> Iterator[tuple[int, int]]:
        """(first, last) article ids of consecutive batches of ``batch`` articles."""
        return self._exports.id_ranges(batch)

    def records(self, selection: Selection | None = None, lo: int | None = None,
                hi: int | None = None) -> Iterator[Record]:
        """The selected records in article order (then annotator), streamed batch by batch;
        ``lo``/``hi``: only articles with ids in that range (inclusive)."""
        return self._exports.records(selection, lo, hi)

    def iter_records(
        self, annotators: list[str] | None = None, done_only: bool = False
    ) -> Iterator[Record]:
        """Every annotator's work on every article that has spans, events or is done, in article
        order, one at a time (exports stream: nothing is materialised)."""
        return self._exports.iter_records(annotators, done_only)

    def iter_annotated(
        self, annotators: list[str] | None = None, done_only: bool = False
    ) -> Iterator[tuple[Article, str, str, list[Span]]]:
        """(article, annotator, status, spans) for every annotator's work on every article that
        has spans or is done, in article order."""
        return self._exports.iter_annotated(annotators, done_only)

    # --- import ---------------------------------------------------------------------------------

    def import_records(
        self,
        items: Callable[[], Iterable[tuple[int, ImportRecord | str]]]
        | Iterable[tuple[int, ImportRecord | str]],
        schema: Schema,
        annotator: str | None = None,
        fallback_annotator: str = "annotator",
        add_labels: bool = False,
        skip_invalid: bool = False,
    ) -> ImportReport:
        """Store ``items`` (from ``importers.read``) for ``annotator``, else each record's own
        annotator, else ``fallback_annotator``, in one write transaction.

        ``items`` is best a callable that reads them: when the database stays busy past the
        busy timeout, the whole import is tried again, reading the items again."""
        from .imports import Rejected

        try:
            return self._import(items, schema, annotator, fallback_annotator, add_labels,
                                skip_invalid)
        except Rejected as rejected:  # the transaction was rolled back: nothing written
            return rejected.report

    @transaction
    def _import(self, items, schema: Schema, annotator: str | None, fallback_annotator: str,
                add_labels: bool, skip_invalid: bool) -> ImportReport:
        return self._imports.run(items, schema, annotator, fallback_annotator, add_labels,
                                 skip_invalid)

    # --- counts ---------------------------------------------------------------------------------

    def stats(self, schema: Schema) -> dict:
        return self._stats.stats(schema)

    def agreement_annotators(self) -> dict[str, int]:
        """Every annotator with any work -> how many articles they finished."""
        return self._agreement.annotators()

    def agreement_works(self, annotators: list[str], query: Query | None = None
                        ) -> Iterator[ArticleWork]:
        """The finished work of ``annotators`` on each article two or more of them finished
        (matching ``query`` for each), batch by batch (``storage.agreement``)."""
        return self._agreement.works(annotators, query)

    def event_warnings(self, annotator: str, schema: Schema) -> WarningCounts:
        """How many of ``annotator``'s events there are, how many have validation warnings
        against ``schema``, and how many warnings in all."""
        return self._warnings.event_warnings(annotator, schema)

    def event_warnings_batch(self, annotator: str, schema: Schema, after: int = 0,
                             limit: int = WARNINGS_BATCH) -> tuple[WarningCounts, int | None]:
        """``event_warnings`` over the next ``limit`` events with ids above ``after``; and the
        ``after`` to ask with next, or None when there are no more."""
        return self._warnings.event_warnings_batch(annotator, schema, after, limit)

    # --- curation into gold (storage.curation), curation holds (storage.holds) ------------------

    @functools.cached_property
    def _curation(self) -> Curation:
        from .curation import Curation

        return Curation(self.conn, self._annotations, self._events, self._actions)

    @functools.cached_property
    def _holds(self) -> Holds:
        from .holds import Holds

        return Holds(self.conn)

    def finished_by(self, article_id: int) -> list[str]:
        """The annotators (gold aside) who marked the article done."""
        return self._curation.finished_by(article_id)

    def holder(self, article_id: int) -> Hold | None:
        return self._holds.holder(article_id)

    @transaction
    def hold(self, article_id: int, curator: str, stale_after: float) -> Hold:
        """Hold the article for ``curator`` (see ``storage.holds``); ``granted`` says if it is."""
        return self._holds.hold(article_id, curator, stale_after)

    @transaction
    def release(self, article_id: int, curator: str) -> bool:
        return self._holds.release(article_id, curator)

    @transaction
    def curate(self, article_id: int, curator: str, add: Iterable[Item], remove: Iterable[Item],
               label: str, defaults: dict[str, str] | None = None) -> int:
        """Gold gets ``add`` and loses ``remove`` as one undoable action of ``gold``; refused
        (``HeldError``) while another curator holds the article."""
        self._holds.check(article_id, curator)
        return self._curation.take(article_id, add, remove, label, defaults)

    @transaction
    def curate_step(self, article_id: int, curator: str, redo: bool = False) -> Action | None:
        """Undo (or redo) gold's last action on the article, as ``curator`` (hold checked)."""
        self._holds.check(article_id, curator)
        step = self._actions.redo if redo else self._actions.undo
        return step(GOLD, article_id)
