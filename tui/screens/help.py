"""The key list: every binding live on the screen it was opened from, with its id."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """A modal table of (key, what it does, binding id)."""

    # ``?`` toggles the list and ``q`` still quits: they share the app's binding ids, so a keymap
    # that moves those keys moves them here too (app bindings are not active under a modal).
    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("question_mark", "close", "Close", show=False, id="app.help"),
        Binding("q", "app.quit", "Quit", show=False, id="app.quit"),
        Binding("g", "guidelines", "Guidelines", show=False, id="help.guidelines"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]], title: str = "Keys") -> None:
        super().__init__(id="help")
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        from textual.widgets import (
            DataTable,  # (not imported before the key list is opened)
        )

        with Vertical(id="help-box"):
            yield Static(Text(self.title_text, style="bold"), id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="help-guidelines")
            yield Static(id="help-hint")

    def on_mount(self) -> None:
        from textual.widgets import DataTable

        table = self.query_one(DataTable)
        table.add_column("Key", key="key")
        table.add_column("Action", key="action")
        table.add_column("Binding id", key="id")
        for key, description, binding_id in self.rows:
            table.add_row(Text(key, style="bold"), Text(description), Text(binding_id, style="dim"))
        table.focus()
        # The live keys (a keymap may have moved them).
        keys: dict[str, list[str]] = {}
        for active in self.active_bindings.values():
            if active.binding.id:
                keys.setdefault(active.binding.id, []).append(
                    self.app.get_key_display(active.binding)
                )
        close = " or ".join(keys.get("help.close", []) + keys.get("app.help", []))
        quit_ = " or ".join(keys.get("app.quit", []))
        hint = f"{close}: close  ·  {quit_}: quit  ·  ctrl+p: every command"
        self.query_one("#help-hint", Static).update(Text(hint, style="dim"))
        guide = " or ".join(keys.get("help.guidelines", []))
        self.query_one("#help-guidelines", Static).update(Text(
            f"{guide}: the guidelines (the schema's description and examples of each label and "
            "event type), in a pane beside the text; in the reader too", style="bold"))

    def action_guidelines(self) -> None:
        """Close the key list and open the guidelines pane of the reader it was opened from;
        elsewhere (the library) say where they are."""
        stack = self.app.screen_stack
        below = stack[stack.index(self) - 1] if self in stack and stack.index(self) else None
        opener = getattr(below, "action_guidelines", None)
        self.dismiss(None)
        if opener is not None:
            self.app.call_later(opener)
        else:
            self.app.notify("The guidelines open in the reader: open an article, then g",
                            markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
