"""The newsmark TUI: a library of articles and a reader to annotate them.

Screens call storage (reads in workers, each write as one committed transaction on the spot);
widgets only show things and post messages. Every binding has an id, so keys can be remapped
with ``App.set_keymap`` (``keymap=`` here).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from textual.app import App
from textual.binding import Binding, Keymap
from textual.screen import Screen
from textual.app import SystemCommand

from newsmark.config import default_schema
from newsmark.model import Schema
from storage.repo import Store

from .screens import HelpScreen, LibraryScreen


class NewsmarkApp(App):
    """``NewsmarkApp(store=..., annotator=..., schema=...).run()``."""

    CSS_PATH = "newsmark.tcss"
    TITLE = "newsmark"

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Keys", id="app.help"),
    ]

    def __init__(
        self,
        store: Store,
        annotator: str,
        schema: Schema | None = None,
        keymap: Keymap | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.schema = schema or default_schema()
        # The store's connection is shared by the UI thread and worker threads: one at a time.
        self.store_lock = threading.RLock()
        self.selected_label: str | None = self.schema.labels[0].name if self.schema.labels else None
        if keymap:
            self.set_keymap(keymap)

    def get_default_screen(self) -> Screen:
        return LibraryScreen()

    # --- help -----------------------------------------------------------------------------------

    def help_rows(self, screen: Screen) -> list[tuple[str, str, str]]:
        """(key, description, binding id) for every binding live on ``screen``."""
        describe = getattr(screen, "help_description", None)
        rows = []
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.system:
                continue
            description = (describe(binding) if describe else None) or binding.description
            rows.append(
                (
                    self.get_key_display(binding),
                    description or binding.action,
                    binding.id or "",
                )
            )
        return rows

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_rows(self.screen)))

    # --- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Key bindings", "List every key of this screen", self.action_help)
        commands = getattr(screen, "commands", None)
        if callable(commands):
            yield from commands()
