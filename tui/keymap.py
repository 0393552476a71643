"""The ``[keys]`` table of the config file, checked against the TUI's bindings.

``newsmark.config`` reads the table (``binding id -> "key,key"``); here each id must name a
binding, each key must be one Textual can bind, and a remap must not make one key do two things
where both bindings are active together. Every problem is a one-line ``ConfigError``.

Which bindings are active together: Textual looks a key up along the focused widget, its
ancestors, the screen and the app (only the app's *priority* bindings under a modal screen), and
the first binding found wins. ``SCOPES`` lists those chains for every place the TUI has focus
(the filter and find prompts are left out: they take the printable keys while one types). A
key bound twice in one chain *by default* is deliberate (the events panel's ``x``, ``m``,
``enter`` and ``escape`` stand in for the reader's while the panel has the focus), so only new
pairs count. The schema's role keys in argument mode and event type keys in the type picker are
not bindings: they win over the bindings on purpose (see ``ReaderScreen.on_key``), so they never
clash with a remap.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Iterator
from itertools import combinations

from textual.app import App
from textual.binding import Binding, Keymap
from textual.containers import ScrollableContainer
from textual.dom import DOMNode
from textual.keys import (
    KEY_DISPLAY_ALIASES,
    REPLACED_KEYS,
    Keys,
    _character_to_key,
    key_to_character,
)

from newsmark.config import Config, ConfigError

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")  # the order Textual reports them in

# The places the TUI has the focus: (what the user sees, the classes whose bindings are active
# there, innermost first); "App" is the app, "App(priority)" only its priority bindings (under a
# modal screen). Classes are named here and imported in ``scopes()``.
SCOPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the library", ("ArticleList", "LibraryScreen", "App")),
    ("the reader", ("DocumentView", "ReaderScreen", "App")),
    ("the events panel", ("EventList", "ReaderScreen", "App")),
    ("the key list", ("DataTable", "HelpScreen", "App(priority)")),
    ("the confirm dialog", ("ConfirmScreen", "App(priority)")),
    ("the event type picker", ("EventTypeScreen", "App(priority)")),
    ("the raw source", ("DocumentView", "RawScreen", "App")),
    ("the curation screen", ("CurationScreen", "App")),
    ("the curation annotator picker", ("AnnotatorPicker", "App(priority)")),
    ("the agreement screen", ("DataTable", "AgreementScreen", "App")),
)

# Textual's scrolling actions inherited by scrollable widgets skip (let the key go on down the
# chain) when there is nothing to scroll, so they do not take a key from a screen binding.
_SKIPPING = {binding.action for binding in Binding.make_bindings(ScrollableContainer.BINDINGS)}


# --- the binding ids -------------------------------------------------------------------------------


def binding_classes() -> list[type[DOMNode]]:
    """The app and every screen and widget class of the TUI (the ones with ``BINDINGS``): every
    module of ``tui.screens`` and ``tui.widgets`` is imported to find them."""
    for package in ("tui.screens", "tui.widgets"):
        path = importlib.import_module(package).__path__
        for module in pkgutil.iter_modules(path):
            importlib.import_module(f"{package}.{module.name}")
    importlib.import_module("tui.app")
    found: list[type[DOMNode]] = []
    stack: list[type] = [DOMNode]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] == "tui" and cls not in found:
            found.append(cls)
    return found


def binding_ids() -> list[str]:
    """Every binding id a keymap can name, sorted."""
    ids: set[str] = set()
    for cls in binding_classes():
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if binding.id:
                ids.add(binding.id)
    return sorted(ids)


def closest_ids(binding_id: str, known: list[str]) -> list[str]:
    """The known ids most like ``binding_id`` (``undo``: ``library.undo``, ``reader.undo``)."""
    close = difflib.get_close_matches(binding_id, known, n=3, cutoff=0.6)
    if close:
        return close
    last = binding_id.rsplit(".", 1)[-1]
    names = difflib.get_close_matches(last, {k.rsplit(".", 1)[-1] for k in known}, n=3, cutoff=0.7)
    return [k for k in known if k.rsplit(".", 1)[-1] in names][:4]


# --- key syntax ------------------------------------------------------------------------------------


def _key_names() -> set[str]:
    """The names of keys that are not characters: ``enter``, ``pageup``, ``f5``, …"""
    names = {key.value.rsplit("+", 1)[-1] for key in Keys}
    try:  # the kitty keyboard protocol's extra keys (``menu``, ``f30``, …), when Textual has them
        from textual._keyboard_protocol import FUNCTIONAL_KEYS

        names.update(FUNCTIONAL_KEYS.values())
    except ImportError:  # pragma: no cover - a Textual without it
        pass
    # never reported by a terminal (enter is), or not names at all
    return {n for n in names if len(n) > 1 and n.replace("_", "").isalnum() and n != "return"}


_KEY_NAMES = _key_names()
_FULL_KEYS = {key.value for key in Keys
              if "<" not in key.value and "-" not in key.value and key.value != "return"}
_SHORTHANDS = {alias: name for name, alias in KEY_DISPLAY_ALIASES.items() if alias.isalpha()} | {
    "return": "enter", "ret": "enter", "del": "delete", "ins": "insert", "bs": "backspace",
    "pgup": "pageup", "pgdown": "pagedown", "page_up": "pageup", "page_down": "pagedown",
    "spacebar": "space", "esc": "escape", "plus_sign": "plus",
}


def _char_name(name: str) -> str | None:
    """The character a key name stands for (``comma``: ``,``; ``slash``: ``/``), if Textual
    reports that character by that name. Only Latin-1 characters (``section_sign`` is a key on
    some keyboards; ``banana`` is a character too, but not a key): any character can be written
    as itself."""
    char = key_to_character(REPLACED_KEYS.get(name, name)) if len(name) > 1 else None
    if char and len(char) == 1 and ord(char) < 256 and _character_to_key(char) == name:
        return char
    return None


def key_problem(key: str) -> str | None:
    """Why Textual cannot bind ``key`` (one key, no commas), or ``None`` when it can."""
    if key in _FULL_KEYS:
        return None
    *mods, base = key.split("+")
    for mod in mods:
        if mod not in MODIFIERS:
            return (f'"{mod}" in "{key}" is not a modifier '
                    f'({", ".join(MODIFIERS)}, joined with "+")')
    if not base:
        return (f'"{key}" has nothing after its last "+" (write "plus" for the + key, "comma" '
                f'for the , key)')
    if len(base) == 1 and not base.isprintable():
        return f'{key!r} holds a control character (write a key name like "tab")'
    if len(set(mods)) < len(mods):
        return f'"{key}" repeats a modifier'
    if len(base) > 1 and base not in _KEY_NAMES and _char_name(base) is None:
        close = _SHORTHANDS.get(base.lower()) or next(iter(
            difflib.get_close_matches(base.lower(), sorted(_KEY_NAMES), n=1, cutoff=0.75)), None)
        hint = f'; did you mean "{"+".join([*mods, close])}"?' if close else ""
        return (f'"{base}" is not a key name (one character, or a name like "enter", "escape", '
                f'"pageup", "f5", "comma"){hint}')
    if not mods:
        return None
    canonical = sorted(mods, key=MODIFIERS.index)
    char = base if len(base) == 1 else _char_name(base)
    if mods == ["shift"] and char and not char.isspace():
        if char.isalpha():
            return f'Textual reports "{key}" as "{char.upper()}": write that'
        return f'a terminal sends "{key}" as the character it types: write that character'
    if len(base) == 1 and base.isalpha() and base != base.lower():
        # a letter with ctrl/alt/… comes lower-case, with shift
        lower = "+".join([*sorted({*mods, "shift"}, key=MODIFIERS.index), base.lower()])
        return f'Textual reports "{key}" as "{lower}": write that'
    if len(base) == 1 and not base.isalnum():
        named = "+".join([*canonical, _character_to_key(base)])
        return f'Textual reports "{key}" as "{named}": write that'
    if mods != canonical:
        return (f'Textual reports "{key}" as "{"+".join([*canonical, base])}" (modifiers in the '
                f'order {", ".join(MODIFIERS)}): write that')
    return None


def split_keys(value: str) -> list[str]:
    """``"s, ctrl+o"`` -> ``["s", "ctrl+o"]``: the keys as written, stripped."""
    return [key.strip() for key in value.split(",")]


def normalize_key(key: str) -> str:
    """The key as Textual stores it in a binding: ``?`` -> ``question_mark``."""
    return _character_to_key(key) if len(key) == 1 else key


def show_key(key: str) -> str:
    """A normalized key as one would write it: ``question_mark`` -> ``?``."""
    char = _char_name(key) if "+" not in key else None
    return char if char and char.isprintable() and not char.isspace() else key


# --- clashes ---------------------------------------------------------------------------------------


def scopes() -> list[tuple[str, list[tuple[type[DOMNode], bool]]]]:
    """``SCOPES`` with the classes: (scope, [(class, only its priority bindings)])."""
    from textual.widgets import DataTable

    from .app import NewsmarkApp
    from .screens.agreement import AgreementScreen
    from .screens.confirm import ConfirmScreen
    from .screens.curation import AnnotatorPicker, CurationScreen
    from .screens.event_type import EventTypeScreen
    from .screens.help import HelpScreen
    from .screens.library import LibraryScreen
    from .screens.raw import RawScreen
    from .screens.reader import ReaderScreen
    from .widgets.article_list import ArticleList
    from .widgets.document import DocumentView
    from .widgets.events_panel import EventList

    classes = {cls.__name__: cls for cls in (
        NewsmarkApp, DataTable, ConfirmScreen, EventTypeScreen, HelpScreen, LibraryScreen,
        ReaderScreen, RawScreen, ArticleList, DocumentView, EventList, CurationScreen,
        AnnotatorPicker, AgreementScreen)}
    classes["App"] = NewsmarkApp
    return [(scope, [(classes[name.removesuffix("(priority)")], name.endswith("(priority)"))
                     for name in names])
            for scope, names in SCOPES]


def _class_bindings(cls: type[DOMNode], priority_only: bool) -> Iterator[Binding]:
    """The bindings ``cls`` has at run time: its own and those it inherits (Textual's too)."""
    merged = cls._merge_bindings()
    bindings = [b for _, b in merged]
    if issubclass(cls, App) and cls.ENABLE_COMMAND_PALETTE and not any(
            b.action in ("command_palette", "app.command_palette") for b in bindings):
        bindings.append(Binding(cls.COMMAND_PALETTE_BINDING, "command_palette", priority=True))
    for binding in bindings:
        if priority_only and not binding.priority:
            continue
        if binding.id is None and binding.action in _SKIPPING:
            continue
        yield binding


def _who(binding: Binding) -> str:
    """How a clash names a binding: its id, else (one of Textual's own) its action."""
    return binding.id or f"Textual's {binding.action}"


def _scope_keys(classes: list[tuple[type[DOMNode], bool]], keymap: dict[str, list[str]]
                ) -> dict[str, set[str]]:
    """key -> who binds it, across one scope, with ``keymap`` (id -> normalized keys) applied."""
    keys: dict[str, set[str]] = {}
    for cls, priority_only in classes:
        for binding in _class_bindings(cls, priority_only):
            moved = keymap.get(binding.id) if binding.id else None
            for key in moved if moved is not None else [binding.key]:
                keys.setdefault(key, set()).add(_who(binding))
    return keys


def find_clash(keymap: dict[str, list[str]]) -> tuple[str, str, str, str] | None:
    """The first (id, key, the other binding, scope) where a remapped binding shares a key with
    another binding active at the same time that did not share it by default; else ``None``."""
    tables = [(scope, _scope_keys(classes, {}), _scope_keys(classes, keymap))
              for scope, classes in scopes()]
    for binding_id, new_keys in keymap.items():
        for scope, default, remapped in tables:
            for key in new_keys:
                who = remapped.get(key, set())
                if binding_id not in who:
                    continue  # the binding does not live in this scope
                for other in sorted(who - {binding_id}):
                    if not {binding_id, other} <= default.get(key, set()):
                        return binding_id, key, other, scope
    return None


def default_pairs() -> list[tuple[str, str, str, str]]:
    """(scope, key, a, b) for every key two bindings share in one scope by default: deliberate
    (a widget's key standing in for the screen's while it has the focus), so never a clash."""
    pairs = []
    for scope, classes in scopes():
        for key, who in _scope_keys(classes, {}).items():
            pairs.extend((scope, key, a, b) for a, b in combinations(sorted(who), 2))
    return pairs


# --- the config's [keys] table ---------------------------------------------------------------------


def check_keymap(keys: dict[str, str], where: str = "") -> Keymap:
    """``keys`` (binding id -> keys, from the config) as a keymap, or a one-line ``ConfigError``
    (prefixed with ``where``, the config file): an unknown id with the closest ones, a key
    Textual cannot bind, or a key that would then do two things in one place."""
    known = binding_ids()
    normalized: dict[str, list[str]] = {}
    for binding_id, value in keys.items():
        at = f'{where}[keys] "{binding_id}"'
        if binding_id not in known:
            close = closest_ids(binding_id, known)
            quoted = " or ".join(f'"{c}"' for c in close)
            guess = f"; did you mean {quoted}?" if close else ""
            raise ConfigError(f"{at}: no such binding id{guess} (press ? in the app to see "
                              f"the keys of a screen with their ids)")
        keys_ = split_keys(value)
        for key in keys_:
            if not key:
                raise ConfigError(f'{at} = "{value}": an empty key (commas separate keys; '
                                  f'write "comma" for the , key)')
            problem = key_problem(key)
            if problem:
                raise ConfigError(f'{at} = "{value}": {problem}')
        normalized[binding_id] = [normalize_key(key) for key in keys_]
    clash = find_clash(normalized)
    if clash:
        binding_id, key, other, scope = clash
        raise ConfigError(f'{where}[keys] "{binding_id}" = "{keys[binding_id]}" clashes with '
                          f"{other} ({show_key(key)}) in {scope}")
    return dict(keys)


def keymap_from_config(config: Config) -> Keymap:
    """The ``[keys]`` table as a keymap, checked (``check_keymap``); problems are
    ``ConfigError``s naming the config file."""
    if not config.keys:
        return {}
    return check_keymap(config.keys, f"{config.path}: " if config.path else "")
