"""newsmark: the domain. Pure Python: no storage, no TUI, no SQL."""

__version__ = "0.1.0"
