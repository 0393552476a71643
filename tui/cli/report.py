"""How the CLI reports ingest outcomes: a progress bar on a TTY, one line per item otherwise,
or a machine-readable summary (``--quiet``: ``key=value`` counts; ``--json``: a JSON object)."""

from __future__ import annotations

import json
import sys
from collections import Counter

from newsmark.sources import Outcome
from newsmark.text import escape_controls
from newsmark.urls import host_of

from .common import echo, echo_json, field

STATES = ("added", "version", "duplicate", "unchanged", "failed")


class Reporter:
    def __init__(self, mode: str = "lines", total: int | None = None, label: str = "ingest",
                 progress: bool = False):
        """``total``: how many outcomes to expect (the bar's end); ``progress``: a bar on a
        terminal even without one (a pulsing bar with a count, for feed refreshes)."""
        self.mode = mode  # lines | quiet | json
        self.counts: Counter[str] = Counter()
        self.items: list[dict] = []  # kept for --json only: memory stays flat in the inputs
        self.failed: set[str] = set()  # the inputs that failed
        self.warnings: list[str] = []
        self.interrupted = False
        self.progress = None
        if mode == "lines" and sys.stderr.isatty() and (total or progress):
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("failed {task.fields[failed]}  {task.fields[host]}", markup=False),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task(label, total=total or None, failed=0, host="")
            self.progress.start()

    def __call__(self, o: Outcome) -> None:
        if o.state == "warning":
            self.warnings.append(f"{o.source}: {o.reason}")
            if self.mode == "lines":
                self._echo(f"warning: {field(o.source)}: {field(o.reason)}", err=True)
            return
        self.counts[o.state] += 1
        if o.state == "failed":
            self.failed.add(o.source)
        if self.mode == "json":
            item = {"input": o.source, "state": o.state}
            if o.reason:
                item["reason"] = o.reason
            if o.article is not None:
                item["id"] = o.article.id
                item["title"] = o.article.display_title
            if o.feed:
                item["feed"] = o.feed
            self.items.append(item)
        if self.progress is not None:
            self.progress.update(self.task, advance=1, failed=self.counts["failed"], host=field(host_of(o.source)) if "://" in o.source else "")
        if self.mode == "lines":
            if o.state == "failed":
                self._echo(f"failed: {field(o.source)}: {field(o.reason)}", err=True)
            elif o.article is not None:
                via = " (feed content)" if o.article.origin == "feed" else ""
                extra = f" (same text as article {o.article.id})" if o.state == "duplicate" else ""
                self._echo(f"{o.state}: {field(o.source)} -> #{o.article.id} "
                           f"{field(o.article.display_title)}{via}{extra}")
            else:
                self._echo(f"{o.state}: {field(o.source)}" + (f" ({field(o.reason)})" if o.reason else ""))

    def _echo(self, line: str, err: bool = False) -> None:
        if self.progress is not None:
            self.progress.console.print(escape_controls(line), markup=False, highlight=False,
                                        soft_wrap=True)  # one line, however long
        else:
            echo(line, err=err)

    @property
    def stored(self) -> int:
        return self.counts["added"] + self.counts["version"]

    def finish(self, where: str) -> None:
        if self.progress is not None:
            self.progress.stop()
        if self.mode == "json":
            summary = {s: self.counts[s] for s in STATES}
            summary.update(interrupted=self.interrupted, warnings=self.warnings, items=self.items, db=where)
            echo_json(json.dumps(summary, ensure_ascii=False))
        elif self.mode == "quiet":
            echo(" ".join(f"{s}={self.counts[s]}" for s in STATES))
        else:
            parts = [f"{self.counts['added']} added"]
            if self.counts["version"]:
                parts.append(f"{self.counts['version']} new versions")
            parts += [f"{self.counts['duplicate']} duplicate"]
            if self.counts["unchanged"]:
                parts.append(f"{self.counts['unchanged']} unchanged")
            parts.append(f"{self.counts['failed']} failed")
            tail = " (interrupted)" if self.interrupted else ""
            echo(", ".join(parts) + f" ({field(where)}){tail}")
