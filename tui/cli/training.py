"""``newsmark train`` and ``newsmark score``: a spaCy pipeline trained on the team's finished
work (``storage.training``, ``newsmark.suggest.model``), and its uncertainty per article for
the library's ``uncertain`` sort."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from storage.db import default_model_dir

from .common import Fail, db_option, default_config_path, echo, field, open_store
from .root import main

_QUERY_HELP = ("Only the articles this library filter matches (e.g. 'lang:de source:zeit'). "
               "[default: every article]")


def _config():
    from newsmark.config import ConfigError, load_config

    explicit = bool(os.environ.get("NEWSMARK_CONFIG"))
    try:
        return load_config(default_config_path(), must_exist=explicit)
    except ConfigError as exc:
        raise Fail(str(exc)) from None


def _schema(schema_path: Path | None, config):
    from newsmark.config import default_schema, load_schema
    from newsmark.model import SchemaError

    try:
        return load_schema(schema_path) if schema_path else (config.schema or default_schema())
    except SchemaError as exc:
        raise Fail(str(exc)) from None


def _query(text: str | None):
    from newsmark.query import QueryError, parse_query

    try:
        return parse_query(text) if text else None
    except QueryError as exc:
        raise Fail(f"--query {text!r}: {exc}") from None


class _Bar:
    """A progress bar on standard error (click's; on a terminal only), made at the first
    report, when its length is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command()
@db_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory to write the pipeline to (replaced whole when the training "
                   "ends). [default: models/SCHEMA-NAME in the user-data directory]")
@click.option("--epochs", type=click.IntRange(1, 1000), default=None,
              help="Passes over the training examples. [default: 20]")
@click.option("--max-minutes", type=click.FloatRange(0.01, 1440), default=None,
              help="Stop after this long even if epochs are left. [default: 5]")
@click.option("--annotator", default=None,
              help="Train only on this annotator's finished annotations. [default: gold where "
                   "it is finished, else every annotator's finished ones]")
@click.option("--query", "query_text", default=None, metavar="FILTER", help=_QUERY_HELP)
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed (the shuffling and the initial weights).")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file (its mention labels are not entities). [default: "
                   "the config file's schema, else the news schema]")
def train(db_path: Path, out_dir: Path | None, epochs: int | None, max_minutes: float | None,
          annotator: str | None, query_text: str | None, seed: int,
          schema_path: Path | None) -> None:
    """Train a spaCy pipeline (ner, and spancat for nested spans) on the finished work, on
    the CPU, then score the articles no one has finished with it.

    Per article it learns from the adjudicated gold annotations where gold is marked done,
    else from every annotator's finished (done) annotations, one example each; every fifth
    example is held out for the dev scores it prints. The pipeline goes to a temporary
    directory beside --out, renamed into place at the end. The uncertainty of each article no
    one has finished is stored for the library's "uncertain" sort (see `newsmark score`).
    """
    from newsmark.suggest.model import DEFAULT_EPOCHS, DEFAULT_SECONDS, ModelError
    from storage.training import train_model

    config = _config()
    schema = _schema(schema_path, config)
    query = _query(query_text)
    out = out_dir or default_model_dir(schema.name)
    store = open_store(db_path)
    found = store.training.training_set(query, annotator)
    if not found.docs:
        raise Fail(f"{db_path}: nothing to train on: no finished annotations"
                   + (f" by {annotator}" if annotator else "")
                   + " (an article counts once it is marked done)")
    echo(f"training on {found.describe()}"
         + (f" ({', '.join(field(a) for a in found.annotators)})" if found.annotators else ""))
    bar = _Bar("training")
    try:
        _, result = train_model(
            store, out, schema, query=query, annotator=annotator,
            epochs=epochs or DEFAULT_EPOCHS,
            max_seconds=max_minutes * 60 if max_minutes else DEFAULT_SECONDS, seed=seed,
            found=found,
            progress=lambda e, es, b, bs: bar((e - 1) * bs + b, es * bs))
    except ModelError as exc:
        raise Fail(f"{out}: {exc}") from None
    except OSError as exc:
        raise Fail(f"{out}: cannot write the pipeline ({exc.strerror or exc})") from None
    finally:
        bar.close()
    echo(f"trained {result.epochs} epoch{'s' * (result.epochs != 1)} in {result.seconds:.1f} s"
         + (" (stopped by --max-minutes)" if result.stopped_by_time else "")
         + f" on {result.train_docs} example{'s' * (result.train_docs != 1)}, "
           f"{result.dev_docs} held out")
    if result.unaligned:
        echo(f"  {result.unaligned} span{'s' * (result.unaligned != 1)} not on token "
             "boundaries: not learnt")
    _print_scores(result)
    echo(f"saved: {field(out)}")
    _score(store, str(out), schema, query)


def _print_scores(result) -> None:
    if result.note:
        echo(f"dev scores: none ({result.note})")
        return
    s = result.scores
    echo(f"dev scores: entities P {s.get('ents_p', 0):.2f} R {s.get('ents_r', 0):.2f} "
         f"F {s.get('ents_f', 0):.2f}; spans (spancat) F {s.get('spans_sc_f', 0):.2f}")
    for label, v in sorted((s.get("ents_per_type") or {}).items()):
        echo(f"  {field(label)}: P {v['p']:.2f} R {v['r']:.2f} F {v['f']:.2f}")


def _score(store, model: str, schema, query) -> None:
    from newsmark.suggest.model import ModelError, ModelSuggester
    from storage.training import score_model

    try:
        suggester = ModelSuggester(model, schema)
    except ModelError as exc:
        raise Fail(str(exc)) from None
    if suggester.unknown_labels:
        echo(f"{field(suggester.name)}: labels not in the schema {field(schema.name)}, not "
             f"suggested: {', '.join(field(x) for x in sorted(suggester.unknown_labels))}")
    bar = _Bar("scoring")
    try:
        n = score_model(store, suggester, query, progress=bar)
    finally:
        bar.close()
    echo(f"uncertainty of {field(suggester.name)} stored for {n} unfinished "
         f"article{'s' * (n != 1)} (the library's 'uncertain' sort)")


@main.command()
@db_option
@click.option("--model", "model", default=None, metavar="PATH",
              help="The spaCy pipeline: a directory or an installed package name. [default: "
                   "the config file's [suggest] model, else models/SCHEMA-NAME in the "
                   "user-data directory]")
@click.option("--query", "query_text", default=None, metavar="FILTER", help=_QUERY_HELP)
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file: only its labels count. [default: the config "
                   "file's schema, else the news schema]")
def score(db_path: Path, model: str | None, query_text: str | None,
          schema_path: Path | None) -> None:
    """Store a model's uncertainty for every article no one has finished, without training.

    The uncertainty is 1 minus the mean confidence of the entities the model finds (1 when
    it finds none); the library's "uncertain" sort and N then take the least certain first.
    A model's earlier scores are replaced.
    """
    config = _config()
    schema = _schema(schema_path, config)
    query = _query(query_text)
    spec = model or getattr(config, "model", None)
    if spec is None:
        default = default_model_dir(schema.name)
        if not default.exists():
            raise Fail(f"no model to score with: {default} does not exist (newsmark train makes "
                       "it; --model or [suggest] model names another)")
        spec = str(default)
    store = open_store(db_path)
    _score(store, spec, schema, query)
