"""A spaCy pipeline trained on the team's own work, and its suggestions (issue 15, items 3, 5, 6).

``train`` builds a small CPU pipeline from finished annotations: ``ner`` learns the flat entity
labels (the schema's mentions and the shorter of overlapping entities are left out of it) and
``spancat`` (spans key ``sc``) learns every span, nested and overlapping ones included; both
listen to one shared ``tok2vec``. Examples are built on the stored tokens (``Doc(vocab, words,
spaces)``), never re-tokenised; a span whose ends are not token boundaries cannot be learnt:
it is counted (``TrainResult.unaligned``), not dropped silently. Every fifth example (the 5th,
10th, …) is held out for the dev scores; with fewer than ``MIN_DEV_SPLIT`` examples there is no
dev set (``TrainResult.note`` says so). Training stops after ``epochs`` or after
``max_seconds``, whichever comes first; the pipeline is written to a temporary directory beside
``out_dir`` and renamed into place (a failed or interrupted run leaves no half directory), with
``newsmark.json`` inside saying what it was trained on.

``ModelSuggester`` uses a pipeline directory or an installed package (``spacy.load``). Scores:
``ner`` has no confidences without a beam, so every suggestion's score is the spancat
classifier's probability of its label for its extent; the classifier scores any extent, so an
``ner`` entity gets one too. ``uncertainty`` is 1 − the mean score of the entities it suggests,
and 1.0 when it suggests none (nothing found is the least certain). Labels the active schema
lacks are never suggested; ``unknown_labels`` names them (the UI says so once).

spaCy is imported only when a pipeline is trained or loaded: ``model_name`` reads a pipeline's
name from its ``meta.json`` without it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import NewsmarkError
from ..model import Article, Schema
from . import MODEL, Suggestion

DEFAULT_EPOCHS = 20
DEFAULT_SECONDS = 300.0  # five minutes: a few hundred articles on a laptop's CPU
MIN_DEV_SPLIT = 10  # fewer examples than this: no dev set (all of them train)
DEV_EVERY = 5  # every fifth example is held out for the dev scores
NGRAMS = (1, 2, 3, 4)  # the extents spancat considers, in tokens
META_FILE = "newsmark.json"


class ModelError(NewsmarkError):
    """A pipeline that cannot be trained or loaded; the message names it and the reason."""


@dataclass(frozen=True, slots=True)
class TrainingDoc:
    """One example: an article (its clean text and stored tokens) with one layer's spans."""

    article: Article
    spans: tuple[tuple[int, int, str], ...]
    annotator: str  # whose finished layer ("gold": the adjudicated one)


@dataclass(slots=True)
class TrainResult:
    path: Path
    train_docs: int
    dev_docs: int
    epochs: int  # epochs run (the time limit may stop earlier)
    seconds: float
    stopped_by_time: bool
    labels: list[str]
    unaligned: int  # spans whose ends are not token boundaries: not learnt
    scores: dict = field(default_factory=dict)  # ents_p/r/f, ents_per_type, spans_sc_f, ...
    note: str = ""  # e.g. "too few examples for a dev set"


def model_name(spec: str | os.PathLike) -> str:
    """The suggester name (``model:NAME``) of the pipeline ``spec`` (a directory or an installed
    package), from its ``meta.json`` when it can be found without loading spaCy; else
    ``model:`` + the directory's or package's name."""
    path = Path(spec).expanduser()
    meta = path / "meta.json"
    if not meta.is_file():
        import importlib.util

        try:
            found = importlib.util.find_spec(str(spec)) if not path.exists() else None
        except (ImportError, ValueError):
            found = None
        if found is not None and found.submodule_search_locations:
            meta = Path(list(found.submodule_search_locations)[0]) / "meta.json"
    try:
        name = json.loads(meta.read_text(encoding="utf-8")).get("name")
    except (OSError, ValueError, AttributeError):
        name = None
    return f"{MODEL}:{name or path.name or spec}"


# --- training -----------------------------------------------------------------------------------

_CONFIG = """
[nlp]
lang = "{lang}"
pipeline = ["tok2vec","ner","spancat"]
batch_size = 64

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [2000,1000,1000,1000]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = 1
maxout_pieces = 3

[components.ner]
factory = "ner"

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = {hidden}
maxout_pieces = 2
use_upper = true

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = {width}
upstream = "*"

[components.spancat]
factory = "spancat"
spans_key = "sc"
threshold = 0.5

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = {hidden}

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = {width}
upstream = "*"

[components.spancat.suggester]
@misc = "spacy.ngram_suggester.v1"
sizes = {ngrams}
"""


def _doc(vocab, article: Article):
    """A spaCy ``Doc`` on the article's stored tokens (no re-tokenising)."""
    from spacy.tokens import Doc

    text = article.text
    words = [text[t.start:t.end] for t in article.tokens]
    spaces = [t.ws for t in article.tokens]
    return Doc(vocab, words=words, spaces=spaces)


def _char_span(doc, bounds: tuple[dict, dict], start: int, end: int, label: str):
    """The ``Doc`` span for the clean-text extent [start, end) when both ends are token
    boundaries of the stored tokens (as ``doc.char_span(..., alignment_mode="strict")`` on the
    clean text would have it), else None. (The Doc's own text joins the words with single
    spaces, which may differ from the clean text's line breaks, so offsets are mapped through
    the stored tokens.)"""
    from spacy.tokens import Span as SpacySpan

    i, j = bounds[0].get(start), bounds[1].get(end)
    if i is None or j is None or j < i:
        return None
    return SpacySpan(doc, i, j + 1, label=label)


def _flat(spans: list) -> list:
    """Non-overlapping entities for ``ner``: the longest first, then the earliest."""
    chosen: list = []
    taken: set[int] = set()
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not taken.intersection(range(s.start, s.end)):
            chosen.append(s)
            taken.update(range(s.start, s.end))
    return sorted(chosen, key=lambda s: s.start)


def examples_for(nlp, docs: Sequence[TrainingDoc], schema: Schema | None) -> tuple[list, int]:
    """spaCy ``Example``s for ``docs`` and how many spans could not be aligned to tokens."""
    from spacy.training import Example

    out, unaligned = [], 0
    for item in docs:
        predicted = _doc(nlp.vocab, item.article)
        reference = _doc(nlp.vocab, item.article)
        spans = []
        bounds = ({t.start: k for k, t in enumerate(item.article.tokens)},
                  {t.end: k for k, t in enumerate(item.article.tokens)})
        for start, end, label in item.spans:
            span = _char_span(reference, bounds, start, end, label)
            if span is None:
                unaligned += 1
            else:
                spans.append(span)
        entities = [s for s in spans if schema is None or schema.is_entity(s.label_)]
        reference.ents = _flat(entities)
        reference.spans["sc"] = spans
        out.append(Example(predicted, reference))
    return out, unaligned


def _split(docs: Sequence[TrainingDoc]) -> tuple[list[TrainingDoc], list[TrainingDoc], str]:
    """Every DEV_EVERY-th example (in the order given: article id, then annotator) to dev."""
    if len(docs) < MIN_DEV_SPLIT:
        return list(docs), [], (f"{len(docs)} example(s): too few for a dev set (at least "
                                f"{MIN_DEV_SPLIT}); no dev scores")
    dev = [d for i, d in enumerate(docs, 1) if i % DEV_EVERY == 0]
    train_ = [d for i, d in enumerate(docs, 1) if i % DEV_EVERY != 0]
    return train_, dev, ""


def train(examples: Sequence[TrainingDoc], out_dir: str | os.PathLike, *, epochs: int = DEFAULT_EPOCHS,
          max_seconds: float = DEFAULT_SECONDS,
          progress: Callable[[int, int, int, int], object] | None = None, seed: int = 0,
          schema: Schema | None = None, lang: str | None = None, width: int = 64,
          depth: int = 2, name: str | None = None, meta: dict | None = None) -> TrainResult:
    """Train ``ner`` + ``spancat`` on ``examples`` and write the pipeline to ``out_dir``.

    ``progress(epoch, epochs, batch, batches)`` is called after every batch. ``schema``: which
    labels are mentions (kept out of ``ner``) and the labels recorded in ``newsmark.json``;
    ``width``/``depth``: the shared tok2vec's size (small by default); ``meta``: more to record
    in ``newsmark.json`` (counts, where the examples came from)."""
    if not examples:
        raise ModelError("nothing to train on")
    if epochs < 1:
        raise ModelError(f"epochs: expected at least 1, got {epochs}")
    import spacy
    from spacy.util import (
        fix_random_seed,
        load_config_from_str,
        load_model_from_config,
        minibatch,
    )

    out = Path(out_dir).expanduser()
    lang = lang or examples[0].article.language or "de"
    fix_random_seed(seed)
    config = load_config_from_str(_CONFIG.format(
        lang=lang, width=width, depth=depth, hidden=max(32, width),
        ngrams=json.dumps(list(NGRAMS))))
    try:
        nlp = load_model_from_config(config, auto_fill=True, validate=True)
    except (ImportError, ValueError, KeyError) as exc:  # no such language, ...
        raise ModelError(f"cannot build a {lang!r} pipeline ({exc})") from None
    nlp.meta["name"] = name or out.name or "newsmark"
    nlp.meta["version"] = "0.0.1"
    train_docs, dev_docs, note = _split(examples)
    train_ex, unaligned = examples_for(nlp, train_docs, schema)
    dev_ex, dev_unaligned = examples_for(nlp, dev_docs, schema)
    unaligned += dev_unaligned
    labels = sorted({lab for d in examples for _, _, lab in d.spans})
    started = time.perf_counter()
    optimizer = nlp.initialize(lambda: train_ex)
    batch_size = 4
    batches = max(1, -(-len(train_ex) // batch_size))
    rng = random.Random(seed)
    run, by_time = 0, False
    for epoch in range(1, epochs + 1):
        order = list(train_ex)
        rng.shuffle(order)
        for b, batch in enumerate(minibatch(order, size=batch_size), 1):
            nlp.update(batch, sgd=optimizer, drop=0.1, losses={})
            if progress is not None:
                progress(epoch, epochs, b, batches)
            if time.perf_counter() - started > max_seconds:
                by_time = True
                break
        run = epoch
        if by_time:
            break
    scores = _scores(nlp.evaluate(dev_ex)) if dev_ex else {}
    seconds = time.perf_counter() - started
    result = TrainResult(out, len(train_ex), len(dev_ex), run, seconds, by_time, labels,
                         unaligned, scores, note)
    record = {
        "trained": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "spacy": spacy.__version__, "lang": lang, "seed": seed, "epochs": run,
        "stopped_by_time": by_time, "seconds": round(seconds, 2),
        "train_docs": len(train_ex), "dev_docs": len(dev_ex), "unaligned_spans": unaligned,
        "labels": labels, "schema": {"name": schema.name, "labels": schema.names} if schema else None,
        "scores": scores, **(meta or {}),
    }
    _write_atomically(out, lambda tmp: (nlp.to_disk(tmp), (tmp / META_FILE).write_text(
        json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")))
    return result


def _scores(raw: dict) -> dict:
    keep = ("ents_p", "ents_r", "ents_f", "ents_per_type", "spans_sc_p", "spans_sc_r",
            "spans_sc_f", "spans_sc_per_type")
    return {k: raw[k] for k in keep if k in raw and raw[k] is not None}


def _write_atomically(out: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp)`` into a new directory beside ``out``, then rename it to ``out`` (an older
    ``out`` is moved aside first and removed after); on any error nothing is left but what was
    there before."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old: Path | None = None
    try:
        write(tmp)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.rename(out, old / out.name)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.rename(old / out.name, out)  # put the older pipeline back
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- suggesting ---------------------------------------------------------------------------------


class ModelSuggester:
    """Suggestions from a spaCy pipeline: a directory or an installed package name. Only labels
    of ``schema`` (when given) are suggested; ``unknown_labels``: the model's others."""

    def __init__(self, path: str | os.PathLike, schema: Schema | None = None) -> None:
        import spacy

        spec = str(path)
        try:
            self.nlp = spacy.load(Path(spec).expanduser() if Path(spec).expanduser().exists()
                                  else spec)
        except (OSError, ValueError, KeyError, ImportError) as exc:
            raise ModelError(f"{spec}: cannot load the spaCy pipeline ({_first_line(exc)})") from None
        meta_name = self.nlp.meta.get("name") or Path(spec).name
        self.name = f"{MODEL}:{meta_name}"
        self.path = spec
        self.labels: set[str] = set()
        for pipe in ("ner", "spancat"):
            if pipe in self.nlp.pipe_names:
                self.labels.update(self.nlp.get_pipe(pipe).labels)
        self.schema = schema
        names = set(schema.names) if schema else self.labels
        self.unknown_labels: set[str] = self.labels - names
        self._wanted = self.labels & names

    def _predict(self, article: Article) -> list[Suggestion]:
        doc = self.nlp(_doc(self.nlp.vocab, article))  # (spaCy ≥ 3.2 runs on a Doc given)
        return self._found(article, doc)

    def suggest_many(self, articles: Iterable[Article], batch_size: int = 64
                     ) -> Iterator[tuple[Article, list[Suggestion]]]:
        """``suggest`` for many articles, the pipeline run in batches (``nlp.pipe``: the
        scoring of a whole library)."""
        def docs() -> Iterator[tuple]:
            for article in articles:
                yield _doc(self.nlp.vocab, article), article

        for doc, article in self.nlp.pipe(docs(), as_tuples=True, batch_size=batch_size):
            yield article, (self._found(article, doc) if article.tokens else [])

    def _found(self, article: Article, doc) -> list[Suggestion]:
        tokens = article.tokens
        found: dict[tuple[int, int, str], float | None] = {}
        spancat = self.nlp.get_pipe("spancat") if "spancat" in self.nlp.pipe_names else None
        key = spancat.key if spancat is not None else "sc"
        group = doc.spans.get(key) if key in doc.spans else None
        if group is not None:
            scores = group.attrs.get("scores")
            for k, span in enumerate(group):
                score = float(scores[k]) if scores is not None and k < len(scores) else None
                found[(span.start, span.end, span.label_)] = score
        ents = [(e.start, e.end, e.label_) for e in doc.ents]
        missing = [e for e in ents if e not in found]
        extra = _classify(spancat, doc, missing) if spancat is not None else {}
        for e in ents:
            found.setdefault(e, extra.get(e))
        out = []
        for (i, j, label), score in found.items():
            if label in self._wanted and j > i:
                out.append(Suggestion(tokens[i].start, tokens[j - 1].end, label, self.name,
                                      score))
        return sorted(out, key=lambda s: (s.start, s.end, s.label))

    def suggest(self, article: Article) -> list[Suggestion]:
        """The model's spans on ``article`` with the schema's labels, each with a score (the
        spancat classifier's probability for the label; None for a pipeline without spancat)."""
        if not article.tokens:
            return []
        return self._predict(article)

    def uncertainty(self, article: Article, suggestions: list[Suggestion] | None = None) -> float:
        """1 − the mean score of the suggested entities; 1.0 when none is suggested (or none
        has a score)."""
        found = self.suggest(article) if suggestions is None else suggestions
        scores = [s.score for s in found if s.score is not None]
        return 1.0 - sum(scores) / len(scores) if scores else 1.0


def _classify(spancat, doc, extents: list[tuple[int, int, str]]) -> dict:
    """The spancat classifier's probability of each extent's label (extents of ``ner`` that
    spancat did not suggest itself), with the doc's tok2vec output already set."""
    labels = list(spancat.labels)
    wanted = [e for e in extents if e[2] in labels]
    if not wanted:
        return {}
    from thinc.types import Ragged

    ops = spancat.model.ops
    indices = Ragged(ops.asarray2i([[i, j] for i, j, _ in wanted]),
                     ops.asarray1i([len(wanted)]))
    scores = spancat.model.predict(([doc], indices))
    scores = ops.to_numpy(scores)
    return {e: float(scores[k, labels.index(e[2])]) for k, e in enumerate(wanted)}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
