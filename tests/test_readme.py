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


def test_every_command_and_option_is_documented():
    missing = []
    for name, command in main.commands.items():
        section = re.search(rf"^### `newsmark {name}\b.*?(?=^### |^## |\Z)", README, re.S | re.M)
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
    documented = set(re.findall(r"^### `newsmark (\w[\w-]*)", README, re.M))
    assert documented == set(main.commands)
