"""The README documents every command and every option the CLI really has."""

from __future__ import annotations

import re

import click
from conftest import ROOT

from tui.cli import main

README = (ROOT / "README.md").read_text("utf-8")


def test_readme_opens_with_make_run_and_make_test():
    head = "\n".join(README.splitlines()[:15])
    assert "make run" in head and "make test" in head


def all_commands() -> dict[str, click.Command]:
    """'ingest', 'feed add', … for every leaf command."""
    ctx = click.Context(main)
    out = {}
    for name in main.list_commands(ctx):  # (loads each command's module)
        command = main.get_command(ctx, name)
        if isinstance(command, click.Group):
            out.update({f"{name} {sub}": c for sub, c in command.commands.items()})
        else:
            out[name] = command
    return out


def test_every_command_and_option_is_documented():
    missing = []
    for name, command in all_commands().items():
        section = re.search(rf"^### `newsmark {name}(?![\w-]).*?(?=^### |^## |\Z)", README, re.S | re.M)
        if section is None:
            missing.append(f"command {name}")
            continue
        for param in command.params:
            if isinstance(param, click.Option):
                opts = [o for o in param.opts if o.startswith("--")]
                if param.name == "db_path":
                    continue  # documented once for every command
                if not any(o in section.group(0) for o in opts):
                    missing.append(f"{name} {opts[0]}")
    assert not missing, f"undocumented in README: {missing}"
    assert "--db PATH" in README


def test_readme_documents_no_command_that_does_not_exist():
    documented = set(re.findall(r"^### `newsmark ((?:(?:feed|labels) )?\w[\w-]*)", README, re.M))
    assert documented == set(all_commands())


def test_the_readme_schema_example_loads(tmp_path):
    """The schema example under --schema is a working schema file, events and all."""
    from newsmark.config import load_schema

    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"naming the\n  file and the key.*?```toml\n(.*?)  ```", text, re.S).group(1)
    path = tmp_path / "schema.toml"
    path.write_text("\n".join(line[2:] for line in block.splitlines()), "utf-8")
    schema = load_schema(path)
    assert [label.name for label in schema.labels] == ["PER", "LOC", "MENTION"]
    assert schema.entity_names == ["PER", "LOC"] and schema.mention_names == {"MENTION"}
    meet = schema.event_type("MEET")
    assert [(r.name, r.key, r.labels, r.cardinality) for r in meet.roles] == [
        ("Participant", "p", ("PER", "LOC", "MENTION"), "+"), ("Place", "l", ("LOC",), "?")]
    assert schema.attribute("modality").default == "asserted"


def test_every_lazily_loaded_command_is_registered_where_root_says():
    """root.COMMANDS names the module of every command; each module registers exactly its own."""
    import importlib

    from tui.cli.root import COMMANDS

    for name, module in COMMANDS.items():
        importlib.import_module(f"tui.cli.{module}")
        assert name in main.commands, name
    assert set(main.commands) == set(COMMANDS)
