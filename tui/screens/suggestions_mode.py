"""The reader's suggestions (issue 15), as a small controller the reader owns, and its keys.

When an article opens, ``SuggestionsMode`` asks the app's suggesters (``app.suggesters``: the
``[suggest]`` patterns file and model, built once per app, in a worker: spaCy loads slowly) for
their suggestions, in a thread, while the reader already works; after every change of the
stored spans it adds the propagation suggestions (the other occurrences of each span's words)
and keeps what ``newsmark.suggest.shown`` shows (schema labels only, a stored span wins, the
rejected ones hidden), again in a thread, and hands them to the document to draw (dim and
underlined, in the label's colour: never like a span). The keys (``SuggestionKeys``, mixed into
the reader): ``P`` propagates the span under the cursor, ``a`` accepts the suggestion under the
cursor, ``A`` every visible one, ``x`` on a suggestion rejects it, ``T`` retrains the model in
the background. Every change is a session call (``storage.session``): one undoable action, the
span's origin recorded. Nothing here is ever exported: only accepted suggestions are spans.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from newsmark.model import Article, Span
from newsmark.suggest import PROPAGATED, Suggestion, propagations, shown

from ..suggesters import say

if TYPE_CHECKING:
    from storage.session import State

    from ..app import NewsmarkApp
    from .reader import ReaderScreen

# --- the controller ------------------------------------------------------------------------------


class SuggestionsMode:
    """The suggestions of the reader ``screen``'s article."""

    def __init__(self, screen: ReaderScreen) -> None:
        self.screen = screen
        self.article: Article | None = None
        self.raw: list[Suggestion] = []  # the suggesters' (patterns, model) for the article
        self.visible: list[Suggestion] = []
        self._spans: list[Span] = []
        self._rejected: tuple = ()
        self._generation = 0  # results of an older article or state are dropped
        self._training = False

    @property
    def app(self) -> NewsmarkApp:
        return self.screen.app

    def opened(self, article: Article, spans: list[Span], rejected: tuple) -> None:
        """A new article is shown: its suggesters' suggestions are computed in a thread."""
        self.article, self.raw, self._spans, self._rejected = article, [], spans, rejected
        self._show([])
        self._generation += 1
        generation, app = self._generation, self.app

        def compute() -> None:
            raw: list[Suggestion] = []
            for suggester in app.suggesters:
                try:
                    raw.extend(suggester.suggest(article))
                except Exception as exc:  # noqa: BLE001 - a suggester's failure: said, not fatal
                    say(app, f"Suggestions from {suggester.name}: {exc}", "error")
            app.suggester_set.say_unknown_labels()
            app.call_from_thread(self._raw_ready, generation, raw, bool(app.suggesters))

        self.screen.run_worker(compute, thread=True, group="suggest-raw", exclusive=True)

    def _raw_ready(self, generation: int, raw: list[Suggestion], announce: bool) -> None:
        """(``announce``: a patterns file or model is configured: the notice counts what is
        suggested; without, the propagation suggestions are drawn without a word.)"""
        if generation == self._generation:
            self.raw = raw
            self.refresh(announce=announce)

    def stored(self, state: State) -> None:
        """The session's stored state landed: the suggestions beside it again."""
        spans = list(state.spans)
        if (spans, state.rejected) == (self._spans, self._rejected):
            return  # (a status, a flag, an event: the suggestions stay as they are)
        self._spans, self._rejected = spans, state.rejected
        self.refresh()

    def refresh(self, announce: bool = False) -> None:
        article = self.article
        if article is None:
            return
        self._generation += 1
        generation, spans, rejected = self._generation, self._spans, self._rejected
        raw, schema = self.raw, self.app.schema

        def compute() -> None:
            labels = {lab.name for lab in schema.labels}
            found = shown([*raw, *propagations(article.text, article.tokens, spans, labels)], spans, schema, rejected)
            self.app.call_from_thread(self._ready, generation, found, announce)

        self.screen.run_worker(compute, thread=True, group="suggest-shown", exclusive=True)

    def _ready(self, generation: int, found: list[Suggestion], announce: bool) -> None:
        if generation != self._generation:
            return
        self._show(found)
        if announce and found:
            counts = Counter(s.label for s in found)
            self.screen.notify(
                f"{len(found)} suggestion{'s' if len(found) != 1 else ''}: "
                + ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
                + " (a accepts, A all, x rejects)", markup=False)

    def _show(self, found: list[Suggestion]) -> None:
        self.visible = found
        screen = self.screen
        if screen.is_mounted:
            screen.view.set_suggestions(found if screen.showing is None else [])
            screen._show_status()

    def at_cursor(self) -> Suggestion | None:
        view = self.screen.view
        return view.suggestion_at_cursor() if view.loaded and self.screen.showing is None else None

    # --- the keys -----------------------------------------------------------------------------

    def propagate(self) -> None:
        screen = self.screen
        if not screen.read_only():
            at = screen.cursor()
            screen.call(lambda s: s.propagate(at))

    def accept(self) -> None:
        screen = self.screen
        if screen.read_only():
            return
        suggestion = self.at_cursor()
        if suggestion is None:
            screen.notify("No suggestion under the cursor", severity="warning", markup=False)
            return
        screen.call(lambda s: s.accept(suggestion))

    def accept_all(self) -> None:
        screen = self.screen
        if screen.read_only():
            return
        every = list(self.visible)
        if not every:
            screen.notify("No suggestions to accept", markup=False)
            return
        screen.call(lambda s: s.accept_all(every))

    def reject(self, suggestion: Suggestion) -> None:
        if not self.screen.read_only():
            self.screen.call(lambda s: s.reject(suggestion))

    # --- retraining in the background ---------------------------------------------------------

    def retrain(self) -> None:
        """Train the model on the team's finished work in a thread (progress in the status
        line); the reader keeps working, and the new model's suggestions are used when done."""
        from .retrain import start_retraining

        if self._training:
            self.screen.notify("The model is being trained already", markup=False)
            return
        self._training = start_retraining(self)

    def trained(self, name: str | None) -> None:
        """Retraining ended (``name``: the new model's, None: it failed); show its suggestions."""
        self._training = False
        self.screen.training = ""
        if name is not None and self.article is not None:
            self.opened(self.article, self._spans, self._rejected)


class SuggestionKeys:
    """The reader's suggestion keys (mixed into ``ReaderScreen``; bindings in ``reader_keys``)."""

    suggestions_mode: SuggestionsMode

    def action_propagate(self) -> None:
        self.suggestions_mode.propagate()

    def action_accept_suggestion(self) -> None:
        self.suggestions_mode.accept()

    def action_accept_all(self) -> None:
        self.suggestions_mode.accept_all()

    def action_retrain(self) -> None:
        self.suggestions_mode.retrain()


__all__ = ["PROPAGATED", "SuggestionKeys", "SuggestionsMode"]
