"""The newsmark TUI: a library of articles and a reader to annotate them.

Screens call storage (reads in workers, each write as one committed transaction on the spot);
widgets only show things and post messages. Every binding has an id, so keys can be remapped
with ``App.set_keymap`` (``keymap=`` here, or the ``[keys]`` table of the config file), and every
binding with a description is a command in the command palette (ctrl+p).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding, Keymap
from textual.dom import DOMNode
from textual.screen import Screen

from newsmark.config import Config, ConfigError, default_schema
from newsmark.model import Schema
from storage.repo import Store

# The config's [keys] table is checked in tui.keymap (ids, key names, clashes); importable here too.
from .keymap import binding_classes, binding_ids, check_keymap, keymap_from_config  # noqa: F401
from .screens import HelpScreen, LibraryScreen


# Bindings that are not commands: the palette itself.
_NOT_COMMANDS = {"command_palette", "app.command_palette"}


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
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.schema = schema or default_schema()
        # The store's connection is shared by the UI thread and worker threads: one at a time.
        self.store_lock = threading.RLock()
        self.selected_label: str | None = self.schema.labels[0].name if self.schema.labels else None
        # The ids of the library's current list (filtered, sorted), set by the library whenever
        # the list changes; the reader's next/previous article follow it.
        self.article_ids: list[int] = []
        if keymap:
            self.set_keymap(keymap)
        if theme:
            self.theme = theme

    def get_default_screen(self) -> Screen:
        return LibraryScreen()

    # --- help -----------------------------------------------------------------------------------

    def help_rows(self, screen: Screen) -> list[tuple[str, str, str]]:
        """(key, description, binding id) for every binding live on ``screen`` (after the keymap)."""
        return [(key, description, binding.id or "")
                for key, description, binding, _ in self.live_bindings(screen)]

    def live_bindings(self, screen: Screen) -> list[tuple[str, str, Binding, DOMNode]]:
        """(key shown, description, binding, the node it runs on) for every enabled binding of
        ``screen``, its focused widget and the app, as remapped by the keymap."""
        describe = getattr(screen, "help_description", None)
        rows = []
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.system or not active.enabled:
                continue
            description = (describe(binding) if describe else None) or binding.description
            rows.append(
                (self.get_key_display(binding), description or binding.action, binding,
                 active.node)
            )
        return rows

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.help_rows(self.screen)))

    # --- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """One command per binding of ``screen`` (its focused widget, the screen, the app) that
        has a description, so every screen's keys are commands without listing them twice; then
        Textual's own (theme, screenshot, …) unless a binding has the same title; then any extra
        ``screen.commands()``."""
        ours: list[SystemCommand] = []
        grouped: dict[tuple[int, str], list[tuple[str, Binding]]] = {}
        rows = [row for row in self.live_bindings(screen)
                if row[2].description and row[2].action not in _NOT_COMMANDS]
        for key, _, binding, node in rows:
            grouped.setdefault((id(node), binding.action), []).append((key, binding))
        for key, description, binding, node in rows:
            group = grouped.pop((id(node), binding.action), None)
            if group is None:
                continue
            keys = " / ".join(k for k, _ in group)
            binding_id = next((b.id for _, b in group if b.id), binding.action)
            ours.append(
                SystemCommand(description, f"key {keys}  ·  {binding_id}",
                              partial(self._run_binding, binding.action, node))
            )
        titles = {command.title for command in ours}
        for command in super().get_system_commands(screen):
            if command.title not in titles:
                titles.add(command.title)
                yield command
        yield from ours
        commands = getattr(screen, "commands", None)
        if callable(commands):
            for command in commands():
                if command.title not in titles:
                    yield command

    async def _run_binding(self, action: str, node: DOMNode) -> None:
        await self.run_action(action, node)


# --- configuration --------------------------------------------------------------------------------


def check_theme(app: App, config: Config) -> None:
    """A ``theme`` the app does not have is a ``ConfigError`` naming it."""
    if config.theme and config.theme not in app.available_themes:
        where = f"{config.path}: " if config.path else ""
        known = ", ".join(sorted(app.available_themes))
        raise ConfigError(f"{where}theme: no such theme {config.theme!r} (known: {known})")
