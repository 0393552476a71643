"""The TUI (Textual: app, screens, widgets, styles) and the ``newsmark`` command (click)."""
