"""Label schema files: the default, a replacement, and clear errors for bad ones."""

from __future__ import annotations

import pytest

from newsmark.config import default_schema, load_schema
from newsmark.model import SchemaError


def test_default_news_schema():
    schema = default_schema()
    assert schema.names == ["PER", "ORG", "LOC", "MISC", "DATE"]
    assert [lab.key for lab in schema.labels] == ["1", "2", "3", "4", "5"]
    assert all(lab.color.startswith("#") for lab in schema.labels)
    assert schema.by_key("3").name == "LOC"


def test_load_replacement(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[[labels]]\nname = "DRUG"\nkey = "1"\ncolor = "#ff0000"\n'
        '[[labels]]\nname = "DOSE"\nkey = "2"\ncolor = "#00ff00"\n',
        "utf-8",
    )
    schema = load_schema(path)
    assert schema.names == ["DRUG", "DOSE"]
    assert schema.color("DOSE") == "#00ff00"


@pytest.mark.parametrize(
    "content, message",
    [
        ("labels = [", "not valid TOML"),
        ("name = 'x'", "'labels' must be a non-empty array"),
        ('[[labels]]\nname = "PER"\nkey = "1"\n[[labels]]\nname = "PER"\nkey = "2"\n', "defined twice"),
        ('[[labels]]\nname = "PER"\nkey = "x"\n', "labels[1].key: expected one digit"),
        ('[[labels]]\nname = "PER"\nkey = "1"\ncolor = 7\n', "labels[1].color"),
        ('[[labels]]\nname = "PER"\nkey = "1"\nshade = "red"\n', "unknown field 'shade'"),
        ('[[labels]]\nname = "A"\nkey = "1"\n[[labels]]\nname = "B"\nkey = "1"\n', "used twice"),
    ],
)
def test_bad_schema_files(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(SchemaError) as err:
        load_schema(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_bad_schema_is_one_line_not_a_traceback(cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("labels = [", "utf-8")
    from click.testing import CliRunner

    from tui.cli import main

    result = CliRunner().invoke(main, ["tui", "--schema", str(path), "--db", str(tmp_path / "d.db")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: not valid TOML")
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["tui", "--schema", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_cli_unknown_colour_is_one_line(tmp_path):
    """The schema file takes any colour name; one that cannot be drawn stops the TUI with the
    file, the label and the colour named, instead of a silent grey."""
    from click.testing import CliRunner

    from tui.cli import main

    path = tmp_path / "colours.toml"
    path.write_text('[[labels]]\nname = "PER"\nkey = "1"\ncolor = "dark_orange"\n'
                    '[[labels]]\nname = "ORG"\nkey = "2"\ncolor = "notacolour"\n', "utf-8")
    result = CliRunner().invoke(main, ["tui", "--schema", str(path), "--db", str(tmp_path / "d.db")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {path}: unknown colour, label ORG: 'notacolour' (use \"#rrggbb\" or a colour name "
        "such as \"red\" or \"dark_orange\")"]


def test_default_event_colours_are_not_label_colours():
    """A trigger must not look like an entity span (STATEMENT was MISC's purple)."""
    from newsmark.model import DEFAULT_EVENTS, DEFAULT_LABELS

    labels = {lab.color.lower() for lab in DEFAULT_LABELS}
    events = [e.color.lower() for e in DEFAULT_EVENTS]
    assert not labels & set(events) and len(set(events)) == len(events)
