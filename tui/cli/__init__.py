"""The ``newsmark`` command: thin click glue over ``newsmark`` (domain) and ``storage``.

One module per group of commands; each registers its commands on ``main`` when imported.
"""

from . import exporting, feeds, ingesting, reading, tui  # noqa: F401  (register the commands)
from .root import main

__all__ = ["main"]
