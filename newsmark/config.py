"""Label schema files (TOML) and, later, the config file. Errors name the file and the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NewsmarkError
from .model import (
    CARDINALITIES,
    DEFAULT_ATTRIBUTES,
    DEFAULT_LABELS,
    Attribute,
    EventType,
    Label,
    Role,
    Schema,
    SchemaError,
)

_COLOR = re.compile(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[a-z_]+)$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-/]*$")


def default_schema() -> Schema:
    return Schema(DEFAULT_LABELS)


def load_schema(path: str | Path) -> Schema:
    """Read a schema TOML file::

        [[labels]]
        name = "PER"
        key = "1"
        color = "#e06c75"
    """
    path = Path(path)
    try:
        data = tomllib.loads(read_toml(path, SchemaError))
    except FileNotFoundError:
        raise SchemaError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"{path}: not valid TOML ({exc})") from None
    return schema_from_dict(data, str(path))


def read_toml(path: Path, error: type[Exception]) -> str:
    """The text of a TOML file, read only if it is a regular file (a symbolic link to one is
    fine): a FIFO, socket, device, link loop or dangling link is ``error("PATH: reason")``, never
    opened, so nothing hangs. A missing file is ``FileNotFoundError``; the size limit is ingest's."""
    import os

    from .ingest import IngestError, read_file

    try:
        return read_file(path).decode("utf-8")
    except IngestError as exc:
        if not os.path.lexists(path):
            raise FileNotFoundError(path) from None
        raise error(f"{path}: {exc}") from None


def schema_from_dict(data: dict, where: str = "schema") -> Schema:
    labels_data = data.get("labels")
    if not isinstance(labels_data, list) or not labels_data:
        raise SchemaError(f"{where}: 'labels' must be a non-empty array of tables ([[labels]])")
    labels: list[Label] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for i, item in enumerate(labels_data, 1):
        at = f"{where}: labels[{i}]"
        if not isinstance(item, dict):
            raise SchemaError(f"{at}: must be a table with name, key and color")
        _check_fields(item, {"name", "key", "color", "mention", *GUIDELINES}, at)
        name = _name(item, at, seen_names, "label", "PER")
        key = _key(item.get("key", str(i) if i <= 9 else None), at, seen_keys, digit=True)
        color = _color(item, at, "#e06c75")
        mention = item.get("mention", False)
        if not isinstance(mention, bool):
            raise SchemaError(f"{at}.mention: expected true or false, got {mention!r}")
        labels.append(Label(name, key, color, mention, *_guidelines(item, f"{at} ({name})")))
    names = {lab.name for lab in labels}
    events = _events(data.get("events", []), names, where)
    attributes = _attributes(data["attributes"], where) if "attributes" in data else DEFAULT_ATTRIBUTES
    return Schema(tuple(labels), name=str(data.get("name", "custom")), events=events,
                  attributes=attributes)


GUIDELINES = ("description", "examples")


def _guidelines(item: dict, at: str) -> tuple[str, tuple[str, ...]]:
    """A label's or event type's guidelines: ``description`` (Markdown text) and ``examples``
    (a list of Markdown strings)."""
    description = item.get("description", "")
    if not isinstance(description, str):
        raise SchemaError(f"{at}.description: expected Markdown text (a string), got "
                          f"{description!r}")
    examples = item.get("examples", [])
    if isinstance(examples, str) or not isinstance(examples, list) or not all(
            isinstance(x, str) for x in examples):
        raise SchemaError(f"{at}.examples: expected a list of strings (Markdown), got "
                          f"{examples!r}")
    return description.strip(), tuple(x.strip() for x in examples)


def _table_list(value, at: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SchemaError(f"{at}: must be an array of tables")
    return value


def _check_fields(item: dict, allowed: set[str], at: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise SchemaError(f"{at}: unknown field {sorted(unknown)[0]!r}")


def _name(item: dict, at: str, seen: set[str], noun: str, example: str, scope: str = "") -> str:
    """``item["name"]``, checked: a name like ``example``, not seen before (then remembered)."""
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SchemaError(f"{at}.name: expected a name like {example!r}, got {name!r}")
    if name in seen:
        raise SchemaError(f"{at}.name: {noun} {name!r} is defined twice{scope}")
    seen.add(name)
    return name


def _key(value, at: str, seen: set[str], digit: bool, scope: str = "") -> str:
    """A one-character key (a digit for labels, a letter otherwise), not used before."""
    ok = isinstance(value, str) and len(value) == 1 and (value.isdigit() if digit else value.isalpha())
    if not ok:
        raise SchemaError(f"{at}.key: expected one {'digit 1-9' if digit else 'letter'}, got {value!r}")
    if value in seen:
        raise SchemaError(f"{at}.key: key {value!r} is used twice{scope}")
    seen.add(value)
    return value


def _color(item: dict, at: str, example: str) -> str:
    color = item.get("color", "#abb2bf")
    if not isinstance(color, str) or not _COLOR.match(color):
        raise SchemaError(f"{at}.color: expected a colour like {example!r}, got {color!r}")
    return color


# keys argument mode keeps for itself (a role's key would shadow them there)
ROLE_KEYS_TAKEN = {"u": "undo", "m": "the modality", "x": "deleting a span"}


def _events(data, label_names: set[str], where: str) -> tuple[EventType, ...]:
    events: list[EventType] = []
    seen_names: set[str] = set()
    seen_keys: set[str] = set()
    for i, item in enumerate(_table_list(data, f"{where}: events"), 1):
        at = f"{where}: events[{i}]"
        _check_fields(item, {"name", "key", "color", "roles", *GUIDELINES}, at)
        name = _name(item, at, seen_names, "event type", "MEET")
        key = _key(item.get("key"), at, seen_keys, digit=False)
        color = _color(item, at, "#56b6c2")
        roles: list[Role] = []
        role_names: set[str] = set()
        role_keys: set[str] = set()
        for j, r in enumerate(_table_list(item.get("roles", []), f"{at}.roles"), 1):
            rat = f"{at} ({name}).roles[{j}]"
            _check_fields(r, {"name", "key", "labels", "cardinality"}, rat)
            rname = _name(r, rat, role_names, "role", "Participant", f" in {name}")
            rkey = _key(r.get("key", rname[0].lower()), rat, role_keys, digit=False, scope=f" in {name}")
            if rkey in ROLE_KEYS_TAKEN:  # a role key wins in argument mode: these must stay reachable
                raise SchemaError(f"{rat}.key: {rkey!r} is kept for {ROLE_KEYS_TAKEN[rkey]} in argument "
                                  "mode; give the role another key")
            labels = r.get("labels", [])
            if labels == "any":
                labels = []
            if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                raise SchemaError(f"{rat}.labels: expected a list of entity labels, or \"any\"")
            unknown = [x for x in labels if x not in label_names]
            if unknown:
                raise SchemaError(f"{rat}.labels: unknown label {unknown[0]!r}")
            card = str(r.get("cardinality", "*"))
            if card not in CARDINALITIES:
                raise SchemaError(f"{rat}.cardinality: expected one of ? 1 * +, got {card!r}")
            roles.append(Role(rname, rkey, tuple(labels), card))
        events.append(EventType(name, key, color, tuple(roles),
                                *_guidelines(item, f"{at} ({name})")))
    return tuple(events)


def _attributes(data, where: str) -> tuple[Attribute, ...]:
    out: list[Attribute] = []
    seen: set[str] = set()
    for i, item in enumerate(_table_list(data, f"{where}: attributes"), 1):
        at = f"{where}: attributes[{i}]"
        _check_fields(item, {"name", "values", "default"}, at)
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name) or name in seen:
            raise SchemaError(f"{at}.name: expected a new attribute name, got {name!r}")
        values = item.get("values")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise SchemaError(f"{at}.values: expected a non-empty list of strings")
        default = item.get("default", values[0])
        if default not in values:
            raise SchemaError(f"{at}.default: {default!r} is not one of its values")
        seen.add(name)
        out.append(Attribute(name, tuple(values), default))
    return tuple(out)


# --- the config file ----------------------------------------------------------------------------


class ConfigError(NewsmarkError, ValueError):
    """A config file that cannot be used; the message names the file and the key."""


@dataclass(slots=True)
class Config:
    annotator: str | None = None
    schema: Schema | None = None
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> comma-separated keys
    theme: str | None = None
    path: Path | None = None
    allow_private: bool = False  # [fetch] allow_private: the TUI fetches from non-public addresses
    timeout: float | None = None  # [fetch] timeout: the TUI's deadline per URL (None: 60 s)
    database: Path | None = None  # the database every command uses without --db/$NEWSMARK_DB
    hold_minutes: float = 30.0  # [curation] hold_minutes: a curation hold older than this is stale
    curation_rule: str = "unanimous"  # [curation] rule: what is pre-accepted (or "majority")
    patterns: Path | None = None  # [suggest] patterns: a spaCy EntityRuler / Prodigy JSONL file
    model: str | None = None  # [suggest] model: a spaCy pipeline's directory or package name


_CONFIG_KEYS = {"annotator", "database", "schema", "keys", "theme", "fetch", "labels", "events",
                "attributes", "curation", "suggest"}
_FETCH_KEYS = ("allow_private", "timeout")
MAX_TIMEOUT = 3600.0  # seconds, as --timeout allows


def load_config(path: str | Path, must_exist: bool = False) -> Config:
    """Read the TOML config::

        annotator = "alice"
        database = "/srv/news/team.db"  # without --db or $NEWSMARK_DB; relative to this file
        theme = "textual-light"
        schema = "news.toml"        # a schema file, relative to the config file; or inline [[labels]]
        [keys]                      # binding id = key(s), comma-separated; ``?`` in the app
        "reader.undo" = "z"         # shows each screen's keys with their ids
        library.filter = "f"        # unquoted dotted ids are nested tables: flattened the same
        [suggest]                   # suggestions in the reader (newsmark.suggest)
        patterns = "patterns.jsonl" # spaCy EntityRuler / Prodigy patterns, relative to this file
        model = "model"             # a trained pipeline's directory, or a package name
        [fetch]                     # the TUI's fetches (i, R); the CLI has options instead
        allow_private = true        # also loopback, private, link-local, … addresses
        timeout = 30                # the deadline in seconds for one URL, retries included

    ``[keys]`` is only read here (ids flattened, values strings); the TUI checks the ids, the
    key names and clashes (``tui.keymap``).
    """
    path = Path(path)
    if not path.exists() and not path.is_symlink():  # a loop or a dangling link: one line below
        if must_exist:
            raise ConfigError(f"{path}: no such file")
        return Config(path=path)
    try:
        data = tomllib.loads(read_toml(path, ConfigError))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - _CONFIG_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (known: annotator, database, schema, keys, theme, fetch, curation, suggest)")
    cfg = Config(path=path)
    for key in ("annotator", "theme"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise ConfigError(f"{path}: {key}: expected a non-empty string, got {data[key]!r}")
            setattr(cfg, key, data[key].strip())
    if "database" in data:
        if not isinstance(data["database"], str) or not data["database"].strip():
            raise ConfigError(f"{path}: database: expected the path of a database file, got "
                              f"{data['database']!r}")
        cfg.database = (path.parent / Path(data["database"].strip()).expanduser())
    if "schema" in data:
        if not isinstance(data["schema"], str):
            raise ConfigError(f"{path}: schema: expected the path of a schema file")
        try:
            cfg.schema = load_schema((path.parent / data["schema"]).expanduser())
        except SchemaError as exc:
            raise ConfigError(f"{path}: schema: {exc}") from None
    elif "labels" in data:
        try:
            cfg.schema = schema_from_dict(data, str(path))
        except SchemaError as exc:
            raise ConfigError(str(exc)) from None
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(f"{path}: keys: expected a table of binding id = \"key\"")
    for binding_id, value in _flatten_keys(keys):
        at = f"{path}: [keys] \"{binding_id}\""
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{at}: expected a key like \"ctrl+r\", got {value!r}")
        if binding_id in cfg.keys:
            raise ConfigError(f"{at} is set twice (quoted and as a dotted key or table?)")
        cfg.keys[binding_id] = value.strip()
    _fetch_settings(data.get("fetch", {}), cfg, path)
    _curation_settings(data.get("curation", {}), cfg, path)
    _suggest_settings(data.get("suggest", {}), cfg, path)
    return cfg


def _suggest_settings(table, cfg: Config, path: Path) -> None:
    """``[suggest]``: ``patterns`` (a file, relative to the config file; it must exist) and
    ``model`` (a directory, relative to the config file when it is one there, else an
    installed spaCy package's name)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: suggest: expected a table ([suggest]) of patterns and model")
    for key, value in table.items():
        at = f"{path}: [suggest] {key}"
        if key not in ("patterns", "model"):
            raise ConfigError(f"{at}: unknown key (known: patterns, model)")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{at}: expected a {'file' if key == 'patterns' else 'model'} "
                              f"name, got {value!r}")
        if key == "patterns":
            cfg.patterns = path.parent / Path(value.strip()).expanduser()
            if not cfg.patterns.is_file():
                why = "not a regular file" if cfg.patterns.exists() else "no such file"
                raise ConfigError(f"{at}: {cfg.patterns}: {why}")
        else:
            local = path.parent / Path(value.strip()).expanduser()
            cfg.model = str(local) if local.is_dir() else value.strip()


def _curation_settings(table, cfg: Config, path: Path) -> None:
    """``[curation]``: ``rule`` (unanimous or majority) and ``hold_minutes`` (1 to 1440)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: curation: expected a table ([curation]) of rule and hold_minutes")
    for key, value in table.items():
        at = f"{path}: [curation] {key}"
        if key == "rule":
            if value not in ("unanimous", "majority"):
                raise ConfigError(f"{at}: expected \"unanimous\" or \"majority\", got {value!r}")
            cfg.curation_rule = value
        elif key == "hold_minutes":
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not 1 <= value <= 1440:
                raise ConfigError(f"{at}: expected minutes from 1 to 1440, got {value!r}")
            cfg.hold_minutes = float(value)
        else:
            raise ConfigError(f"{at}: unknown key (known: rule, hold_minutes)")


def _fetch_settings(table, cfg: Config, path: Path) -> None:
    """``[fetch]``: ``allow_private`` (true or false) and ``timeout`` (seconds, 0.1 to 3600)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: fetch: expected a table ([fetch]) of allow_private and timeout")
    for key, value in table.items():
        at = f"{path}: [fetch] {key}"
        if key not in _FETCH_KEYS:
            raise ConfigError(f"{at}: unknown key (known: {', '.join(_FETCH_KEYS)})")
        if key == "allow_private":
            if not isinstance(value, bool):
                raise ConfigError(f"{at}: expected true or false, got {value!r}")
            cfg.allow_private = value
        else:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not 0.1 <= value <= MAX_TIMEOUT:  # also NaN and inf
                raise ConfigError(f"{at}: expected seconds from 0.1 to {MAX_TIMEOUT:g}, got {value!r}")
            cfg.timeout = float(value)


def _flatten_keys(table: dict, prefix: str = ""):
    """(dotted id, value) for every value of the ``[keys]`` table, in file order: an unquoted
    ``library.filter = "f"`` (which TOML reads as ``{"library": {"filter": "f"}}``) or a
    ``[keys.library]`` table gives the same ``"library.filter"`` as the quoted id."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flatten_keys(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value
