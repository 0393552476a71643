"""The app's suggesters (issue 15): the ``[suggest]`` patterns file and model (or the schema's
patterns file), built at the first use, in whichever thread asks first (spaCy loads slowly: the
reader asks from a worker), and kept for the app's life; a retrained model replaces the model.
A file or model that cannot be used is said once (a notice) and left out; a model's labels
that the schema lacks are said once per model (they are never suggested)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .widgets.safe import visible_line

if TYPE_CHECKING:
    from .app import NewsmarkApp


def say(app: NewsmarkApp, message: str, severity: str = "information") -> None:
    """A notice (outside text made visible), from the UI thread or a worker thread."""
    text = visible_line(message)
    try:
        app.call_from_thread(app.notify, text, severity=severity, markup=False)
    except RuntimeError:  # the UI thread itself
        app.notify(text, severity=severity, markup=False)


class Suggesters:
    def __init__(self, app: NewsmarkApp) -> None:
        self.app = app
        self._built: list | None = None
        self._lock = threading.Lock()
        self._said: set[str] = set()  # the models whose unknown labels were said

    def configured(self) -> tuple[Path | None, str | None]:
        """(patterns file, model) as the config's ``[suggest]`` table (or the schema) names
        them."""
        app = self.app
        settings = app.settings
        patterns = getattr(settings, "patterns", None) or getattr(app.schema, "patterns", None)
        model = getattr(settings, "model", None)
        return (Path(patterns) if patterns else None), (str(model) if model else None)

    def all(self) -> list:
        """Every suggester, built at the first call (any thread)."""
        if self._built is not None:
            return self._built
        problems: list[str] = []
        with self._lock:
            if self._built is not None:
                return self._built
            patterns, model = self.configured()
            built: list = []
            if patterns is not None:
                from newsmark.suggest.patterns import PatternError, PatternSuggester

                try:
                    built.append(PatternSuggester(patterns, self.app.schema))
                except PatternError as exc:
                    problems.append(str(exc))
            if model is not None:
                from newsmark.errors import NewsmarkError
                from newsmark.suggest.model import ModelSuggester

                try:
                    built.append(ModelSuggester(model, self.app.schema))
                except NewsmarkError as exc:
                    problems.append(str(exc))
            self._built = built
        for problem in problems:
            say(self.app, f"Suggestions: {problem}", "error")
        return built

    def warm(self, lang: str | None) -> None:
        """Build every suggester, and their matchers for ``lang`` (the newest article's
        language), now: a worker thread of the app does it after the first paint."""
        for suggester in self.all():
            if lang and hasattr(suggester, "warm"):
                suggester.warm(lang)

    def use_model(self, path: str | Path) -> str:
        """Replace the model suggester by the pipeline at ``path`` (a retrained model); returns
        its name. Runs in a worker thread (spaCy loads)."""
        from newsmark.suggest.model import ModelSuggester

        model = ModelSuggester(path, self.app.schema)
        kept = [s for s in self.all() if not s.name.startswith("model")]
        with self._lock:
            self._built = [*kept, model]
        return model.name

    def say_unknown_labels(self) -> None:
        """A model's labels the schema lacks: said once per model."""
        app = self.app
        for s in self.all():
            odd = sorted(getattr(s, "unknown_labels", ()) or ())
            if odd and s.name not in self._said:
                self._said.add(s.name)
                say(app, f"{s.name}: labels not in the schema {app.schema.name}, not suggested: "
                    f"{', '.join(odd)}", "warning")
