"""What a logged action was, in a few words: for the undo and redo notices of the library and
the reader."""

from __future__ import annotations

from storage.repo import Action


def describe(action: Action, here: bool = False) -> str:
    """One line about a logged action (for undo and redo notices); ``here``: without the
    article's id (the reader, on that article)."""
    p = action.payload
    where = "" if here or action.article_id is None else f" (article {action.article_id})"
    if action.kind == "set_status":
        n = len(p.get("old", {}))
        return f"status {p.get('new', '?')} on {n:,} article{'s' if n != 1 else ''}"
    if action.kind in ("add_span", "delete_span"):
        span = p.get("span", {})
        verb = "added" if action.kind == "add_span" else "deleted"
        return f"{span.get('label', 'span')} span {verb}{where}"
    if action.kind == "relabel_span":
        return f"span relabelled {p.get('old')} → {p.get('new')}{where}"
    if action.kind == "ops":
        return f"{p.get('label', 'change')}{where}"
    if action.kind == "flag":
        return f"flag{where}"
    return f"{action.kind.replace('_', ' ')}{where}"
