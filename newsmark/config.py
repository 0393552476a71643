"""Label schema files (TOML) and, later, the config file. Errors name the file and the key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .model import DEFAULT_LABELS, Label, Schema, SchemaError

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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(f"{path}: cannot read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"{path}: not valid TOML ({exc})") from None
    return schema_from_dict(data, str(path))


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
        unknown = set(item) - {"name", "key", "color"}
        if unknown:
            raise SchemaError(f"{at}: unknown field {sorted(unknown)[0]!r}")
        name = item.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise SchemaError(f"{at}.name: expected a label name like 'PER', got {name!r}")
        if name in seen_names:
            raise SchemaError(f"{at}.name: label {name!r} is defined twice")
        key = item.get("key", str(i) if i <= 9 else None)
        if not isinstance(key, str) or len(key) != 1 or not key.isdigit():
            raise SchemaError(f"{at}.key: expected one digit 1-9, got {key!r}")
        if key in seen_keys:
            raise SchemaError(f"{at}.key: key {key!r} is used twice")
        color = item.get("color", "#abb2bf")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise SchemaError(f"{at}.color: expected a colour like '#e06c75', got {color!r}")
        seen_names.add(name)
        seen_keys.add(key)
        labels.append(Label(name, key, color))
    return Schema(tuple(labels), name=str(data.get("name", "custom")))
