"""The newsmark TUI: a library of articles and a reader to annotate them.

Screens reach storage through ``self.calls`` (``tui.store.StoreCalls``): writes in key order
on the store thread, reads on the app's connection, every error one notice; widgets only show
things and post messages. Keys are delivered one at a time (``on_event``): a key that opens a
prompt, a modal or a mode has taken effect before the next key is routed, however fast they
come, so no key meant for a prompt reaches the screen underneath. Every binding has an id, so keys can be remapped
with ``App.set_keymap`` (``keymap=`` here, or the ``[keys]`` table of the config file), and every
binding with a description is a command in the command palette (ctrl+p).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, Keymap
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

from newsmark.config import Config, ConfigError, default_schema
from newsmark.model import Schema
from storage.repo import Store

from .screens.library import LibraryScreen
from .store import StoreCalls
from .suggesters import Suggesters
from .widgets.safe import visible_line

if TYPE_CHECKING:
    from newsmark.fetch import FetchConfig

# Bindings that are not commands: the palette itself.
_NOT_COMMANDS = {"command_palette", "app.command_palette"}
# A key whose end never reached the app (its widget went away meanwhile) stops holding the
# keys after it after this long; a screen not ready for keys holds them at most this long.
KEY_GATE_TIMEOUT_S = 1.0
SCREEN_READY_TIMEOUT_S = 3.0
# How many times the marker follows a key's path: the key itself, then what handling it posted
# (an Input's Submitted, a modal's dismiss callback), each one hop behind.
KEY_PASSES = 2


class KeyHandled(Message, bubble=True):
    """Posted to the widget a key went to, right behind the key: when it has bubbled up to the
    app (``passes`` times), everything that key did (bindings, actions, the messages they
    posted, focus changes) has been done."""

    def __init__(self, token: object, target: DOMNode, passes: int) -> None:
        super().__init__()
        self.token = token
        self.target = target
        self.passes = passes


WARM_SUGGESTERS_AFTER_S = 0.5  # after the first paint: its CPU is not shared with spaCy's load


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
        fetch_config: FetchConfig | None = None,
        settings: Config | None = None,
    ) -> None:
        super().__init__()
        # how the library's i and R fetch: ``fetch_config``, else the config file's [fetch]
        # table (``settings``), else the defaults (tui.sources.fetch_config_for; httpx is
        # imported only when something is fetched)
        self.fetch_config = fetch_config
        self.settings = settings
        self.store = store
        self.annotator = annotator
        self.schema = schema or default_schema()
        # the one path to the store: ordered writes on the store thread, reads, one error handler
        self.calls = StoreCalls(self, store)
        self.suggester_set = Suggesters(self)
        self.warned_labels: set[str] = set()  # labels not in the schema, said already
        # The read connection is shared by the UI thread and read workers: one at a time.
        self.store_lock = self.calls.lock
        self._key_in_flight: object | None = None
        self._key_routed_at = 0.0
        self._held_keys: deque[events.Key] = deque()
        self.selected_label: str | None = self.schema.labels[0].name if self.schema.labels else None
        self.keymap_given: Keymap = dict(keymap or {})  # the config's [keys], as given
        if keymap:
            self.set_keymap(keymap)
        if theme:
            self.theme = theme

    @property
    def notices(self) -> list[str]:
        """The messages of the notifications on screen now (for tests and tools)."""
        return [n.message for n in self._notifications]

    @property
    def suggesters(self) -> list:
        """The ``[suggest]`` patterns file and model as suggesters, built at the first call (in
        a worker: spaCy loads) and kept (``tui.suggesters``)."""
        return self.suggester_set.all()

    def warn_labels_not_in_schema(self, counts: dict[str, tuple[int, int]]) -> None:
        """Say once per run (a notice) which stored span labels the schema does not have, with
        their counts ({label: (spans, articles)}); such spans are still shown, in a neutral
        grey."""
        new = {label: n for label, n in counts.items() if label not in self.warned_labels}
        if not new:
            return
        self.warned_labels.update(new)

        def plural(n: int, noun: str) -> str:
            return f"{n} {noun}{'s' if n != 1 else ''}"

        parts = [f"{visible_line(label)} ({plural(spans, 'span')}"
                 + (f" in {plural(articles, 'article')})" if articles else ")")
                 for label, (spans, articles) in sorted(new.items())]
        self.notify("Labels not in the schema: " + ", ".join(parts)
                    + ". Their spans are shown in grey; `newsmark labels rename` or `merge` "
                    "changes them.", title="Schema", severity="warning", markup=False, timeout=12)

    def get_default_screen(self) -> Screen:
        return LibraryScreen()

    def on_mount(self) -> None:
        # stored spans whose label the schema does not have (taken out of it): said once
        async def labels_not_in_schema() -> None:
            schema = self.schema
            try:
                found = await self.calls.read(lambda store: store.labels_not_in_schema(schema))
            except Exception as exc:  # noqa: BLE001 - the one handler says what
                self.calls.report(exc, reading=True)
                return
            self.warn_labels_not_in_schema(found)

        self.run_worker(labels_not_in_schema(), group="store-read")
        # a configured patterns file or model is loaded in a thread once the first screen is
        # up (spaCy and a large gazetteer take about a second): the first article opened shows
        # its suggestions as fast as the next one
        if self.suggester_set.configured() != (None, None):
            def warm() -> None:
                lang = self.calls.read_now(lambda s: s.newest_language(), default=None)
                self.run_worker(partial(self.suggester_set.warm, lang), thread=True,
                                group="suggesters")

            self.set_timer(WARM_SUGGESTERS_AFTER_S, warm)

    async def on_unmount(self) -> None:
        # quitting: the writes already queued still land (they are never dropped)
        self.calls.close()

    # --- keys, one at a time --------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Route a key only after the one before it has had its whole effect.

        Textual hands each key to the focused widget's queue at once; a binding runs later, when
        the key has bubbled back up to the app. Keys typed quickly after ``/`` would otherwise
        all be queued on the widget that had the focus before the prompt opened, and run the
        screen's own bindings (``s``: skip). So a key is held while the one before it is on its
        way: ``KeyHandled`` follows each key up the same path and releases the next."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._key_in_flight is not None:
                self._held_keys.append(event)
                return
            await self._route_key(event)
            return
        await super().on_event(event)

    async def _route_key(self, event: events.Key) -> None:
        token = object()
        self._key_in_flight = token
        self._key_routed_at = self._clock()
        target = self.focused or self.screen
        await super().on_event(event)
        self._follow(token, target, KEY_PASSES)
        self.set_timer(KEY_GATE_TIMEOUT_S, partial(self._release_key, token))

    def _follow(self, token: object, target: DOMNode, passes: int) -> None:
        """Send the marker after the key (again), down the same path."""
        if not target.is_attached:  # gone meanwhile (a prompt closed, a screen popped)
            target = self.focused or self.screen
        if not target.post_message(KeyHandled(token, target, passes)):
            self.call_later(self._release_key, token)

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.token is not self._key_in_flight:
            return
        if message.passes > 1:
            self._follow(message.token, message.target, message.passes - 1)
        else:
            # behind whatever the key's action queued (a focus change, a screen's first focus)
            self.call_later(self._release_key, message.token)

    def _ready_for_keys(self) -> bool:
        """The screen on top is mounted and, if it says so, done loading (a reader whose
        article is still being read is not: the keys typed after enter are for that article)."""
        screen = self.screen
        return screen.is_mounted and bool(getattr(screen, "ready_for_keys", True))

    @staticmethod
    def _clock() -> float:
        import time

        return time.monotonic()

    async def _release_key(self, token: object) -> None:
        if token is not self._key_in_flight:
            return
        if (self._held_keys and not self._ready_for_keys()
                and self._clock() - self._key_routed_at < SCREEN_READY_TIMEOUT_S):
            self.set_timer(0.01, partial(self._release_key, token))
            return
        self._key_in_flight = None
        if self._held_keys:
            await self._route_key(self._held_keys.popleft())

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
        from .screens.help import HelpScreen  # (not needed before the first ?)

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


def check_theme(config: Config) -> None:
    """A ``theme`` Textual does not have is a ``ConfigError`` naming it (newsmark registers no
    themes of its own, so Textual's built-in ones are every theme the app has)."""
    from textual.theme import BUILTIN_THEMES

    if config.theme and config.theme not in BUILTIN_THEMES:
        where = f"{config.path}: " if config.path else ""
        known = ", ".join(sorted(BUILTIN_THEMES))
        raise ConfigError(f"{where}theme: no such theme {config.theme!r} (known: {known})")
