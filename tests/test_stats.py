"""``newsmark stats``: the text tables and the JSON object, with event warnings per schema."""

from __future__ import annotations

import json

from test_brat import events_corpus

SCHEMA = """
name = "meetings"

[[labels]]
name = "PER"
[[labels]]
name = "LOC"
[[labels]]
name = "MISC"

[[events]]
name = "MEET"
key = "m"
roles = [
  {name = "Participant", labels = ["PER", "LOC"], cardinality = "+"},
  {name = "Place", key = "l", labels = ["LOC", "MISC"], cardinality = "*"},
  {name = "Time", cardinality = "?"},
]
"""


def test_stats_text(cli, db_path):
    store = events_corpus(db_path)
    store.flag(2, "alice", "check the roles")
    store.close()
    result = cli("stats")
    assert result.exit_code == 0, result.output
    assert result.output == """\
articles: 3 (newest versions)

annotator  todo  in_progress  done  skipped  flagged  spans  events
alice         1            2     0        0        1     11       3
bob           2            1     0        0        0      2       0
carol         2            0     1        0        0      0       0
gold          2            0     1        0        0      4       1

spans: 17 in 5 annotated articles (article × annotator), 3.40 per article
  DATE       1
  LOC        6
  MISC       2
  ORG        2
  PER        6

events: 4 (2 with warnings, 3 warnings; schema news)
  type       events  flagged  warnings
  DEMAND          1        0         0
  MEET            2        1         2
  STATEMENT       1        1         1
"""


def test_stats_json_and_schema(cli, db_path, tmp_path):
    events_corpus(db_path).close()
    data = json.loads(cli("stats", "--json").output)
    assert data["articles"] == 3 and data["records"] == 5
    assert data["annotators"]["carol"] == {"todo": 2, "in_progress": 0, "done": 1, "skipped": 0,
                                           "flagged": 0, "spans": 0, "events": 0}
    assert data["spans"] == {"total": 17, "mean_per_article": 3.4, "not_in_schema": [], "not_in_schema_articles": {},
                             "by_label": {"DATE": 1, "LOC": 6, "MISC": 2, "ORG": 2, "PER": 6}}
    assert data["events"]["by_type"]["MEET"] == {"events": 2, "flagged": 1, "warnings": 2}
    assert (data["events"]["total"], data["events"]["flagged"], data["events"]["warnings"]) == (4, 2, 3)

    # another schema: gold's two places are fine now, the other types are unknown
    schema = tmp_path / "meetings.toml"
    schema.write_text(SCHEMA, "utf-8")
    data = json.loads(cli("stats", "--json", "--schema", schema).output)
    assert data["schema"] == "meetings"
    assert data["events"]["by_type"] == {
        "DEMAND": {"events": 1, "flagged": 1, "warnings": 1},
        "MEET": {"events": 2, "flagged": 0, "warnings": 0},
        "STATEMENT": {"events": 1, "flagged": 1, "warnings": 1},
    }
    assert data["events"]["not_in_schema"] == ["DEMAND", "STATEMENT"]
    assert data["spans"]["not_in_schema"] == ["DATE", "ORG"]
    text = cli("stats", "--schema", schema).output
    assert "  ORG        2  (not in the schema)" in text
    assert "  DEMAND          1        1         1  (not in the schema)" in text


def test_stats_empty_database(cli, store):
    result = cli("stats")
    assert result.exit_code == 0
    assert result.output.startswith("articles: 0 (newest versions)\n\nspans: 0 in 0 annotated")
    data = json.loads(cli("stats", "--json").output)
    assert data["records"] == 0 and data["spans"]["mean_per_article"] == 0.0
