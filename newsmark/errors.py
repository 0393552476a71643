"""The base of every error newsmark raises on purpose.

Each error's ``str()`` is one line a person can act on, naming the input and the reason; the
CLI prints it as ``Error: …`` and the TUI as one notice. Catching ``NewsmarkError`` catches all
of them (and nothing that is a bug); subclasses keep the built-in base they had (``ValueError``,
``OSError``) so older callers still catch them.
"""

from __future__ import annotations


class NewsmarkError(Exception):
    """An error newsmark means: bad input, a refused operation, a database that cannot be used."""
