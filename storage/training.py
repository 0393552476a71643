"""What a model is trained on, and the uncertainty of each model per article (issue 15).

Training data, per article (newest versions, the library's): the adjudicated ``gold`` layer
when gold is finished on it (status done); otherwise the finished layer (status done) of every
other annotator who finished it, one example per annotator and article (two annotators who
finished the same article give two examples: their disagreements stay as they are, no majority
is made up). A layer in progress, skipped or todo is never used; neither is gold unfinished.
``annotator`` restricts the examples to that one annotator's finished layers.

``uncertainty``: one row per model and article (``model:NAME``, 1 − the mean confidence of the
model's entities), rewritten whole for a model each time it scores; read by index for the
library's ``uncertain`` sort (``storage.library``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsmark.curation import GOLD
from newsmark.model import Schema
from newsmark.query import Query
from newsmark.suggest.model import (
    DEFAULT_EPOCHS,
    DEFAULT_SECONDS,
    ModelError,
    TrainingDoc,
    TrainResult,
    train,
)

from .annotations import Annotations
from .articles import Articles
from .library import query_where
from .rows import now


@dataclass(slots=True)
class TrainingSet:
    docs: list[TrainingDoc]
    gold: int  # articles whose gold layer is used
    finished: int  # finished layers of other annotators used
    annotators: list[str]  # whose finished layers (gold not counted)

    def describe(self) -> str:
        """``40 gold articles and 120 finished annotations by 3 annotators``."""
        parts = []
        if self.gold:
            parts.append(f"{self.gold} gold article{'s' * (self.gold != 1)}")
        if self.finished:
            n = len(self.annotators)
            parts.append(f"{self.finished} finished annotation{'s' * (self.finished != 1)} by "
                         f"{n} annotator{'s' * (n != 1)}")
        return " and ".join(parts) or "nothing"


class Training:
    """Training examples and uncertainty scores, on one connection."""

    def __init__(self, conn: sqlite3.Connection, articles: Articles,
                 annotations: Annotations) -> None:
        self.conn = conn
        self._articles = articles
        self._annotations = annotations

    def layers(self, query: Query | None = None, annotator: str | None = None,
               viewer: str = GOLD) -> list[tuple[int, str]]:
        """(article id, annotator) of every layer to train on, by article id then annotator
        (see the module docstring); ``query`` filters the articles as the library does for
        ``viewer``."""
        where, args = query_where(self.conn, viewer, query or Query(), whole=True)
        rows = self.conn.execute(
            f"select st.article_id, st.annotator from status st join library l "
            f"on l.id = st.article_id where st.status = 'done' and {where} "
            f"order by st.article_id, st.annotator", args).fetchall()
        by_article: dict[int, list[str]] = {}
        for article_id, who in rows:
            by_article.setdefault(article_id, []).append(who)
        out: list[tuple[int, str]] = []
        for article_id, names in by_article.items():
            if annotator is not None:
                if annotator in names:
                    out.append((article_id, annotator))
            elif GOLD in names:
                out.append((article_id, GOLD))
            else:
                out.extend((article_id, who) for who in names)
        return out

    def training_set(self, query: Query | None = None, annotator: str | None = None,
                     viewer: str = GOLD) -> TrainingSet:
        docs: list[TrainingDoc] = []
        cache: tuple[int, object] | None = None
        for article_id, who in self.layers(query, annotator, viewer):
            if cache is None or cache[0] != article_id:
                cache = (article_id, self._articles.article(article_id))
            article = cache[1]
            spans = tuple((s.start, s.end, s.label)
                          for s in self._annotations.spans(article_id, who))
            docs.append(TrainingDoc(article, spans, who))  # type: ignore[arg-type]
        others = sorted({d.annotator for d in docs if d.annotator != GOLD})
        gold = sum(d.annotator == GOLD for d in docs)
        return TrainingSet(docs, gold, len(docs) - gold, others)

    # --- uncertainty ----------------------------------------------------------------------------

    def unfinished_ids(self, query: Query | None = None, viewer: str = GOLD) -> list[int]:
        """The newest versions no one has finished (no status done, gold's included): what a
        model's uncertainty is computed for."""
        where, args = query_where(self.conn, viewer, query or Query(), whole=True)
        sql = (f"select l.id from library l where {where} and not exists (select 1 from "
               f"status x where x.article_id = l.id and x.status = 'done') order by l.id")
        return [r[0] for r in self.conn.execute(sql, args).fetchall()]

    def articles(self, ids: Iterable[int]) -> Iterator:
        for article_id in ids:
            yield self._articles.article(article_id)

    def set_uncertainty(self, model: str, scores: Iterable[tuple[int, float]]) -> int:
        """Replace ``model``'s scores with ``scores`` (article id, uncertainty), in the caller's
        transaction (``Store.set_uncertainty``)."""
        stamp = now()
        rows = [(model, article_id, float(score), stamp) for article_id, score in scores]
        self.conn.execute("delete from uncertainty where model = ?", [model])
        self.conn.executemany("insert into uncertainty (model, article_id, score, computed) "
                              "values (?, ?, ?, ?)", rows)
        return len(rows)

    def has_scores(self, model: str | None = None) -> bool:
        """Has ``model`` (None: any model) scored an article?"""
        if model is None:
            return self.conn.execute("select 1 from uncertainty limit 1").fetchone() is not None
        return self.conn.execute("select 1 from uncertainty where model = ? limit 1",
                                 [model]).fetchone() is not None

    def uncertainty(self, model: str, article_id: int) -> float | None:
        row = self.conn.execute("select score from uncertainty where model = ? and "
                                "article_id = ?", [model, article_id]).fetchone()
        return None if row is None else row[0]

    def scored_models(self) -> list[tuple[str, int, str]]:
        """(model, articles scored, when) for every model with scores, the latest first."""
        return [tuple(r) for r in self.conn.execute(
            "select model, count(*), max(computed) from uncertainty group by model "
            "order by max(computed) desc, model").fetchall()]


# --- the steps of ``newsmark train`` / ``score`` (and the TUI's retraining) ----------------------


def train_model(store, out: str | Path, schema: Schema, *, query: Query | None = None,
                annotator: str | None = None, epochs: int = DEFAULT_EPOCHS,
                max_seconds: float = DEFAULT_SECONDS, progress=None, seed: int = 0,
                found: TrainingSet | None = None) -> tuple[TrainingSet, TrainResult]:
    """Train a pipeline into ``out`` on ``store``'s finished work (``Training.training_set``,
    or ``found`` when it was read already); ``ModelError("nothing to train on")`` when there
    is none."""
    found = found or store.training.training_set(query, annotator)
    if not found.docs:
        raise ModelError("nothing to train on: no finished annotations"
                         + (f" by {annotator}" if annotator else "")
                         + " (an article counts once it is marked done)")
    meta = {"trained_on": found.describe(), "gold_articles": found.gold,
            "finished_annotations": found.finished, "annotators": found.annotators,
            "source": "gold" if not found.finished else ("finished" if not found.gold
                                                         else "gold+finished")}
    result = train(found.docs, out, epochs=epochs, max_seconds=max_seconds, progress=progress,
                   seed=seed, schema=schema, meta=meta)
    return found, result


def score_model(store, suggester, query: Query | None = None, progress=None) -> int:
    """Compute ``suggester``'s uncertainty on every article no one has finished and store the
    scores (``suggester.name``'s, replaced whole); how many were scored."""
    ids = store.training.unfinished_ids(query)
    scores = []
    many = getattr(suggester, "suggest_many", None)
    found = (many(store.training.articles(ids)) if many is not None else
             ((a, suggester.suggest(a)) for a in store.training.articles(ids)))
    for k, (article, suggestions) in enumerate(found, 1):
        scores.append((article.id, suggester.uncertainty(article, suggestions)))
        if progress is not None:
            progress(k, len(ids))
    return store.set_uncertainty(suggester.name, scores)
