"""The library's lines above the list, each a ``Static`` that draws one reactive value: the
header (count, annotator, sort, filter), the progress line (done, spans per label, event
warnings) and the feeds line (failing feeds with their reasons). The screen sets the values;
the lines repaint themselves. Outside text goes through ``visible_line`` into ``Text``."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from newsmark.model import Feed, Schema
from storage.warnings import WarningCounts

from .safe import visible_line


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    count: int = 0
    known: bool = False  # the count is final (else "n+": still counting)
    annotator: str = ""
    sort: str = "date"
    descending: bool = True
    query: str = ""
    queue: bool = False  # the list is the annotator's own assignments (by default)


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    labels: tuple[tuple[str, int], ...]  # spans per label
    warnings: WarningCounts | None = None  # the annotator's events and their warnings


def chip(color: str) -> Style:
    """Dark text on a label colour (a colour Rich does not know falls back to grey)."""
    try:
        return Style(color="#1e2127", bgcolor=color)
    except Exception:
        return Style(color="#1e2127", bgcolor="#abb2bf")


class LibraryHeader(Static):
    info: reactive[HeaderInfo] = reactive(HeaderInfo, layout=False)

    def watch_info(self, info: HeaderInfo) -> None:
        count = f"{info.count:,}" if info.known else f"{info.count:,}+"
        header = Text(end="")
        header.append("newsmark", "bold")
        header.append(f"  {count} article{'s' if info.count != 1 else ''}  ·  annotator ")
        header.append(visible_line(info.annotator), "bold")
        header.append("  ·  sort ")
        header.append(f"{info.sort} {'↓' if info.descending else '↑'}", "bold")
        if info.queue:
            header.append("  ·  ")
            header.append("your queue", "bold reverse")
        if info.query:
            header.append("  ·  filter ")
            header.append(visible_line(info.query), "bold italic")
        self.update(header)


class ProgressLine(Static):
    progress: reactive[Progress | None] = reactive(None, layout=False)

    def __init__(self, schema: Schema, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schema = schema

    def watch_progress(self, progress: Progress | None) -> None:
        line = Text(end="")
        if progress is None:
            line.append("progress …", "dim")
            self.update(line)
            return
        percent = f" ({100 * progress.done / progress.total:.0f}%)" if progress.total else ""
        line.append("done ")
        line.append(f"{progress.done:,}/{progress.total:,}", "bold")
        line.append(percent)
        line.append("  ·  spans ")
        if not progress.labels:
            line.append("none", "dim")
        for i, (label, count) in enumerate(progress.labels):
            if i:
                line.append(" ")
            line.append(f" {visible_line(label)} ", chip(self.schema.color(label)))
            line.append(f" {count:,}")
        warnings = progress.warnings
        if warnings is not None and warnings.events:
            line.append("  ·  events ")
            line.append(f"{warnings.events:,}", "bold")
            if warnings.warnings:
                line.append(f"  ⚠ {warnings.warnings:,} warning"
                            f"{'s' if warnings.warnings != 1 else ''} in {warnings.flagged:,}",
                            "bold")
        self.update(line)


class FeedsLine(Static):
    """The feeds, and every failing one with its reason (hidden when there are no feeds)."""

    feeds: reactive[tuple[Feed, ...]] = reactive((), layout=False, always_update=True)

    def watch_feeds(self, feeds: tuple[Feed, ...]) -> None:
        line = Text(end="")
        failing = [f for f in feeds if f.last_error]
        if feeds:
            line.append(f"feeds {len(feeds)}")
            if not failing:
                line.append("  ·  all fine", "dim")
            for f in failing:
                line.append("  ·  ")
                line.append(visible_line(f.name), "bold red")
                line.append(": " + visible_line(f.last_error or ""), "red")
        self.set_class(bool(feeds), "visible")
        self.update(line)
