"""The library's keys: its bindings (each with an id a keymap can remap) and the longer
descriptions the help screen and the palette show."""

from __future__ import annotations

from textual.binding import Binding

LIBRARY_BINDINGS = [
    Binding("slash", "filter", "Filter", id="library.filter"),
    Binding("escape", "escape", "Clear filter", show=False, id="library.escape"),
    Binding("o", "sort", "Sort", id="library.sort"),
    Binding("O", "reverse", "Reverse", show=False, id="library.reverse"),
    Binding("N", "next_todo", "Next to do", id="library.next_todo"),
    Binding("D", "bulk('done')", "Mark shown done", show=False, id="library.bulk_done"),
    Binding("S", "bulk('skipped')", "Mark shown skipped", show=False,
            id="library.bulk_skipped"),
    Binding("T", "bulk('todo')", "Mark shown to do", show=False, id="library.bulk_todo"),
    Binding("u", "undo", "Undo", id="library.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="library.redo"),
    Binding("r", "refresh", "Refresh", show=False, id="library.refresh"),
    Binding("i", "add_source", "Add URL/feed", id="library.add_source"),
    Binding("R", "refresh_feeds", "Refresh feeds", id="library.refresh_feeds"),
    Binding("C", "curate", "Curate", show=False, id="library.curate"),
    Binding("A", "agreement", "Agreement", show=False, id="library.agreement"),
]

LIBRARY_HELP = {
    "library.open": "Open the highlighted article",
    "library.filter": 'Filter: status: source: lang: label: after: before: "text"',
    "library.escape": "Close the filter prompt, or clear the filter",
    "library.reverse": "Reverse the sort order",
    "library.next_todo": "Open the next article still to do",
    "library.bulk_done": "Mark every listed article done (asks first)",
    "library.bulk_skipped": "Mark every listed article skipped (asks first)",
    "library.bulk_todo": "Mark every listed article to do (asks first)",
    "library.undo": "Undo the last action (any article, bulk changes too)",
    "library.redo": "Redo the last undone action",
    "library.refresh": "Reload the list and the progress",
    "library.add_source": "Add a page URL (fetched and cleaned) or a feed URL (subscribed)",
    "library.refresh_feeds": "Refresh every feed in the background; the list fills in",
    "library.curate": "Curate the highlighted article into gold (choose annotators, take versions)",
    "library.agreement": "Agreement between annotators: F1, kappa, alpha per pair and label",
}
