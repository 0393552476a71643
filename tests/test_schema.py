"""Label schema files: the default, a replacement, and clear errors for bad ones."""

from __future__ import annotations

import pytest

from newsmark.config import default_schema, load_schema
from newsmark.model import SchemaError


def test_default_news_schema():
    schema = default_schema()
    assert schema.names == ["PER", "ORG", "LOC", "MISC", "DATE", "MENTION"]
    assert [lab.key for lab in schema.labels] == ["1", "2", "3", "4", "5", "6"]
    assert all(lab.color.startswith("#") for lab in schema.labels)
    assert schema.by_key("3").name == "LOC"
    # MENTION: nominal mentions that fill event roles, never named entities
    assert schema.entity_names == ["PER", "ORG", "LOC", "MISC", "DATE"]
    assert schema.mention_names == {"MENTION"}
    assert not schema.is_entity("MENTION") and schema.is_entity("PER")
    assert schema.is_entity("STADT")  # a label outside the schema is an entity


def test_mention_labels_in_a_schema_file_and_the_filler_label(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[[labels]]\nname = "PER"\nkey = "1"\n'
        '[[labels]]\nname = "NOM"\nkey = "2"\nmention = true\n'
        '[[events]]\nname = "HIT"\nkey = "h"\n'
        '[[events.roles]]\nname = "Agent"\nlabels = ["PER", "NOM"]\n'
        '[[events.roles]]\nname = "Victim"\nkey = "v"\nlabels = ["PER"]\n'
        '[[events.roles]]\nname = "Thing"\nlabels = "any"\n',
        "utf-8",
    )
    schema = load_schema(path)
    assert schema.entity_names == ["PER"] and schema.mention_names == {"NOM"}
    agent, victim, thing = schema.event_type("HIT").roles
    # a filler made by a role's key is a mention where the role accepts one
    assert schema.filler_label(agent) == "NOM"
    assert schema.filler_label(victim, "NOM") == "PER"  # only entities accepted
    assert schema.filler_label(thing, "PER") == "NOM"  # any label: a mention
    news = default_schema()
    assert news.filler_label(news.event_type("MEET").role("Time")) == "DATE"
    assert news.filler_label(news.event_type("MEET").role("Participant")) == "MENTION"
    assert news.filler_label(news.event_type("MEET").role("Topic"), "LOC") == "MENTION"
    # without mention labels, as before: the role's first label, else the label used last
    plain = load_schema(tmp_path / "s.toml").__class__(labels=schema.labels[:1],
                                                       events=schema.events)
    assert plain.filler_label(agent) == "PER" and plain.filler_label(thing, "PER") == "PER"
    bad = tmp_path / "bad.toml"
    bad.write_text('[[labels]]\nname = "NOM"\nkey = "1"\nmention = "yes"\n', "utf-8")
    with pytest.raises(SchemaError, match=r"labels\[1\]\.mention: expected true or false"):
        load_schema(bad)


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


def test_guidelines_in_a_schema_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[[labels]]\nname = "PER"\nkey = "1"\n'
        'description = """\nA **person**, by name.\n"""\n'
        'examples = ["*Wolodymyr Selenskyj* trifft", "die Kanzlerin *Merkel*"]\n'
        '[[labels]]\nname = "LOC"\nkey = "2"\n'
        '[[events]]\nname = "MEET"\nkey = "m"\ndescription = "People *meet*."\n',
        "utf-8",
    )
    schema = load_schema(path)
    per, loc = schema.labels
    assert per.description == "A **person**, by name."
    assert per.examples == ("*Wolodymyr Selenskyj* trifft", "die Kanzlerin *Merkel*")
    assert (loc.description, loc.examples) == ("", ())  # both optional
    meet = schema.event_type("MEET")
    assert (meet.description, meet.examples) == ("People *meet*.", ())


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
        ('[[labels]]\nname = "PER"\ndescription = 7\n',
         "labels[1] (PER).description: expected Markdown text (a string), got 7"),
        ('[[labels]]\nname = "PER"\nexamples = "one"\n',
         "labels[1] (PER).examples: expected a list of strings (Markdown), got 'one'"),
        ('[[labels]]\nname = "PER"\n[[events]]\nname = "MEET"\nkey = "m"\nexamples = ["a", 2]\n',
         "events[1] (MEET).examples: expected a list of strings"),
        ('[[labels]]\nname = "PER"\n[[events]]\nname = "MEET"\nkey = "m"\ndescription = ["a"]\n',
         "events[1] (MEET).description: expected Markdown text"),
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
