"""``newsmark tui``: open the TUI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsmark.config import default_schema, load_schema
from newsmark.model import SchemaError

from .common import Fail, db_option, default_annotator, default_config_path, open_store
from .root import main


@main.command()
@db_option
@click.option("--annotator", default=None,
              help="Whose spans, status and undo history to work on. [default: the config "
              "file's annotator, else your login name]")
@click.option("--schema", "schema_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Label schema TOML file replacing the config file's or the default news schema.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Config file (TOML: annotator, schema, theme, keys, [fetch]). [default: "
              "$NEWSMARK_CONFIG, else config.toml in the user-config directory]")
def tui(db_path: Path, annotator: str | None, schema_path: Path | None,
        config_path: Path | None) -> None:
    """Open the TUI: the library of articles, and the reader to annotate them."""
    import os

    from newsmark.config import ConfigError, load_config

    explicit = config_path is not None or bool(os.environ.get("NEWSMARK_CONFIG"))
    try:
        config = load_config(config_path or default_config_path(), must_exist=explicit)
        schema = load_schema(schema_path) if schema_path else (config.schema or default_schema())
    except (ConfigError, SchemaError) as exc:
        raise Fail(str(exc)) from None
    from tui.app import NewsmarkApp, check_theme
    from tui.keymap import keymap_from_config
    from tui.widgets.labels import unknown_colours

    bad = unknown_colours(schema)
    if bad:
        where = schema_path or (config.path if config.schema else "schema")
        raise Fail(f"{where}: unknown colour, {bad[0]} (use \"#rrggbb\" or a "
                                   "colour name such as \"red\" or \"dark_orange\")")

    try:
        keymap = keymap_from_config(config)
        check_theme(config)  # every mistake in the config before the database is opened
    except ConfigError as exc:
        raise Fail(str(exc)) from None
    store = open_store(db_path)
    app = None
    try:
        app = NewsmarkApp(store=store, annotator=annotator or config.annotator or default_annotator(),
                          schema=schema, keymap=keymap, settings=config)
        if config.theme:
            app.theme = config.theme
        app.run()
    finally:
        if app is not None:
            app.calls.close()  # what the screens queued on their way out
        store.close()
    # Textual restores the terminal on the way out; an unexpected crash (a bug) has printed its
    # traceback and must not look like success
    if app is not None and app.return_code:
        sys.exit(app.return_code)

