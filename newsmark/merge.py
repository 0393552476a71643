"""What ``newsmark merge`` did (or, in a dry run, would do): the report and its lines.

The merging itself is SQL and lives in ``storage.merge``; this is the model it fills in.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def derived_annotator(annotator: str, stem: str, attempt: int = 1) -> str:
    """The name a conflicting layer of ``annotator`` from the database ``stem`` is kept under:
    ``alice@laptop``, then ``alice@laptop~2``, ``alice@laptop~3``, … when that name holds a
    different layer of the same article already."""
    return f"{annotator}@{stem}" + (f"~{attempt}" if attempt > 1 else "")


@dataclass(slots=True)
class AnnotatorCounts:
    """What one annotator (as stored here: a conflict's derived name is its own) gets."""

    spans: int = 0
    events: int = 0
    statuses: int = 0
    actions: int = 0
    positions: int = 0
    updated_layers: int = 0  # layers replaced by theirs: their history holds all of ours
    skipped_actions: int = 0  # kinds a merge cannot map onto this database's rows

    def total(self) -> int:
        return (self.spans + self.events + self.statuses + self.actions + self.positions
                + self.updated_layers)


@dataclass(frozen=True, slots=True)
class Conflict:
    article_id: int  # here
    title: str
    annotator: str
    kept_as: str  # the annotator name their layer is stored under here


@dataclass(slots=True)
class MergeReport:
    other: str
    dry_run: bool = False
    articles_new: int = 0
    articles_matched: int = 0
    annotators: dict[str, AnnotatorCounts] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)  # applied to a temporary copy of other

    def counts(self, annotator: str) -> AnnotatorCounts:
        return self.annotators.setdefault(annotator, AnnotatorCounts())

    @property
    def changed(self) -> bool:
        return bool(self.articles_new or self.conflicts
                    or any(c.total() for c in self.annotators.values()))

    def lines(self) -> list[str]:
        """The summary, one fact a line; outside text (names, titles) as it is: the caller
        escapes it."""
        to = "to add" if self.dry_run else "added"
        out = []
        if self.migrated:
            out.append(f"{self.other}: read through a temporary copy migrated with "
                       f"{', '.join(self.migrated)} (the file itself is unchanged)")
        out.append(f"articles: {self.articles_new} new, {self.articles_matched} matched")
        for name in sorted(self.annotators):
            c = self.annotators[name]
            if not c.total() and not c.skipped_actions:
                continue
            line = (f"{name}: {c.spans} {_plural(c.spans, 'span')}, {c.events} "
                    f"{_plural(c.events, 'event')}, {c.statuses} {_plural(c.statuses, 'status')}, "
                    f"{c.actions} {_plural(c.actions, 'action')}, {c.positions} "
                    f"{_plural(c.positions, 'position')} {to}")
            if c.updated_layers:
                line += (f"; {c.updated_layers} {_plural(c.updated_layers, 'article')} "
                         f"{'to take' if self.dry_run else 'took'} their newer version")
            if c.skipped_actions:
                line += (f"; {c.skipped_actions} {_plural(c.skipped_actions, 'action')} of a "
                         "kind a merge cannot map skipped")
            out.append(line)
        for c in self.conflicts:
            out.append(f"conflict: article {c.article_id} ({c.title}), annotator {c.annotator}: "
                       f"both changed it; ours kept, theirs "
                       f"{'to be stored' if self.dry_run else 'stored'} as {c.kept_as}")
        if not self.changed:
            out.append("nothing to merge: everything in it is here already")
        elif self.dry_run:
            out.append("dry run: nothing was written")
        return out


def _plural(n: int, word: str) -> str:
    if n == 1:
        return word
    return word + ("es" if word.endswith("s") else "s")
