"""The keys of the screen, at its foot: one line drawn as one ``Text``.

Textual's ``Footer`` composes a widget per key (each with its own styles and a bound reactive)
and composes them all again whenever the screen's bindings are refreshed: every focus change,
every prompt opened or closed, argument mode on and off. Measured in the test suite, that cost
more CPU than the rest of a screen together (a reader opened: 0.46 CPU-s with it, 0.22 without).
``KeyFooter`` shows the same thing (each shown binding's key and description, the command
palette's key at the right, in the theme's footer colours) and repaints one line when what it
shows changes. A click on a key runs its action, as in Textual's footer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.screen import Screen

_PALETTE = ("command_palette", "app.command_palette")


class KeyFooter(Widget):
    """``key description`` for every binding of the screen that is shown (``show=True``)."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--disabled {
        text-style: dim;
    }
    """

    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--disabled"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple = ()
        # (from column, to column, (binding, the node it runs on))
        self._hits: list[tuple[int, int, tuple[Binding, DOMNode]]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        app = self.app
        keys, palette, seen = [], None, set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.action in _PALETTE:
                palette = (app.get_key_display(binding), "palette", enabled, (binding, node))
            elif binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((app.get_key_display(binding), binding.description, enabled,
                             (binding, node)))
        shown = tuple(keys) + ((palette,) if palette else ())
        if [s[:3] for s in shown] != [s[:3] for s in self._shown]:
            self._shown = shown
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        disabled = self.get_component_rich_style("key-footer--disabled")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        self._hits = []
        palette = self._shown[-1] if self._shown and self._shown[-1][1] == "palette" else None
        keys = self._shown[:-1] if palette else self._shown
        for key, description, enabled, target in keys:
            start = line.cell_len
            dim = disabled if not enabled else None
            line.append(f" {key} ", key_style + dim if dim else key_style)
            line.append(f"{description} ", description_style + dim if dim else description_style)
            self._hits.append((start, line.cell_len, target))
        if palette is not None:
            key, description, _enabled, target = palette
            tail = Text(end="")
            tail.append(f"{key} ", key_style)
            tail.append(f"{description} ", description_style)
            gap = self.size.width - line.cell_len - tail.cell_len
            if gap > 0:
                line.append(" " * gap)
                self._hits.append((line.cell_len, line.cell_len + tail.cell_len, target))
                line.append_text(tail)
        return line

    async def on_click(self, event: events.Click) -> None:
        for start, end, (binding, node) in self._hits:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(binding.action, node)
                return
