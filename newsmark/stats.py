"""The text form of ``newsmark stats`` (the numbers come from ``storage``'s ``Store.stats``).

Annotator, label and event type names come from outside (imports, ``--add-labels``): each is
written on one line with its control characters, escape sequences and bidi overrides visible
(``\\x1b``, ``\\u202e``), so the table keeps its shape and the terminal runs nothing.
"""

from __future__ import annotations

from .model import STATUSES
from .text import escape_controls as one_line


def _table(header: list[str], rows: list[list], first_width: int) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    widths[0] = max(widths[0], first_width)
    out = ["  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                     for i, h in enumerate(header)).rstrip()]
    for r in rows:
        out.append("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
                             for i, c in enumerate(r)).rstrip())
    return out


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def format_stats(data: dict) -> str:
    lines = [f"articles: {data['articles']} (newest versions)", ""]
    ann = data["annotators"]
    if ann:
        header = ["annotator", *STATUSES, "flagged", "spans", "events"]
        rows = [[one_line(name), *(c[s] for s in STATUSES), c["flagged"], c["spans"], c["events"]]
                for name, c in ann.items()]
        lines += _table(header, rows, 9) + [""]
    if data.get("assignments"):  # progress on each annotator's own assignments
        rows = [[one_line(name), c["assigned"], *(c[s] for s in STATUSES)]
                for name, c in data["assignments"].items()]
        lines += ["assignments:", *(f"  {line}" for line in
                                    _table(["annotator", "assigned", *STATUSES], rows, 9)), ""]
    spans = data["spans"]
    lines.append(f"spans: {spans['total']} in {data['records']} annotated articles "
                 f"(article × annotator), {spans['mean_per_article']:.2f} per article")
    odd = set(spans["not_in_schema"])
    width = max((len(one_line(k)) for k in spans["by_label"]), default=0)
    lines += [f"  {one_line(k).ljust(width)}  {v:>6}" + ("  (not in the schema)" if k in odd else "")
              for k, v in spans["by_label"].items()]
    if spans["not_in_schema"]:
        lines.append("labels not in the schema: " + ", ".join(
            f"{one_line(k)} ({_n(spans['by_label'][k], 'span')} in "
            f"{_n(spans['not_in_schema_articles'].get(k, 0), 'article')})"
            for k in spans["not_in_schema"]))
    ev = data["events"]
    lines.append("")
    lines.append(f"events: {ev['total']} ({ev['flagged']} with warnings, {ev['warnings']} "
                 f"warnings; schema {one_line(str(data['schema']))})")
    odd = set(ev["not_in_schema"])
    if ev["by_type"]:
        rows = [[one_line(t), c["events"], c["flagged"], c["warnings"]]
                for t, c in ev["by_type"].items()]
        table = _table(["type", "events", "flagged", "warnings"], rows, 4)
        lines.append(f"  {table[0]}")
        for t, line in zip(ev["by_type"], table[1:]):
            lines.append(f"  {line}" + ("  (not in the schema)" if t in odd else ""))
    return "\n".join(lines) + "\n"

