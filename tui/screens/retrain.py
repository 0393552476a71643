"""Retraining the model from the reader (``T``), in the background (issue 15, item 3).

The training examples are read and the pipeline trained (``storage.training.train_model``: the
finished work, gold first, as ``newsmark train`` does, with its default bounds) in a worker
thread on its own database connection, so the reader keeps reading and writing meanwhile; the
status line shows the progress. The new pipeline goes where ``newsmark train`` puts it by
default (``models/SCHEMA`` in the user-data directory); when it is written, it replaces the
app's model suggester and the open article's suggestions are computed again with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.db import default_model_dir

from ..suggesters import say

if TYPE_CHECKING:
    from .suggestions_mode import SuggestionsMode


def start_retraining(mode: SuggestionsMode) -> bool:
    """Start training in a worker thread; True when it started."""
    screen, app = mode.screen, mode.app
    schema = app.schema
    path = app.store.path

    def progress(epoch: int, epochs: int, batch: int, batches: int) -> None:
        done = ((epoch - 1) * batches + batch) / max(1, epochs * batches)
        app.call_from_thread(show, f"training the model: epoch {epoch}/{epochs}, {done:.0%}")

    def show(note: str) -> None:
        screen.training = note
        if screen.is_mounted:
            screen._show_status()

    def run() -> None:
        from newsmark.errors import NewsmarkError
        from storage.repo import Store
        from storage.training import train_model

        out = default_model_dir(schema.name)
        name = None
        try:
            store = Store(path, create=False)
            try:
                app.call_from_thread(show, "training the model: reading the finished work")
                found, result = train_model(store, out, schema, progress=progress)
            finally:
                store.close()
            name = app.suggester_set.use_model(out)
            f = result.scores.get("ents_f")
            say(app, f"Model retrained on {found.describe()}: {name}"
                + (f", dev F {f:.2f}" if f is not None and not result.note else "")
                + "; its suggestions are shown")
        except (NewsmarkError, OSError) as exc:
            say(app, f"Retraining: {exc}", "error")
        app.call_from_thread(mode.trained, name)

    screen.training = "training the model…"
    screen._show_status()
    screen.run_worker(run, thread=True, group="retrain", exclusive=True)
    return True
