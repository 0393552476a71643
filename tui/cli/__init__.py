"""The ``newsmark`` command: thin click glue over ``newsmark`` (domain) and ``storage``.

One module per group of commands; each registers its commands on ``main`` when imported, and
``main`` imports a command's module only when that command is run (``root.COMMANDS``).
"""

from .root import main

__all__ = ["main"]
