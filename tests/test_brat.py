"""The brat standoff export, read back by a small brat parser and compared with the database.

``events_corpus`` is the annotated database the export, import, split and stats tests share.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import SEED_000, SEED_004, check_golden

from newsmark.config import default_schema
from newsmark.events import attributes_with_defaults, validate
from newsmark.formats import brat
from newsmark.formats.brat import BratError, annotation_conf, file_base, fragments
from newsmark.ingest import article_from_file
from newsmark.model import Article
from newsmark.text import text_hash, tokenize
from storage.repo import Store

HAND = "🇩🇪 Gipfel in Rom\n\nNächste Woche treffen sich Olaf Scholz und Emmanuel Macron in Paris."


def find(text: str, needle: str, after: str | None = None) -> tuple[int, int]:
    i = text.index(needle, text.index(after) if after else 0)
    return i, i + len(needle)


def events_corpus(path: Path) -> Store:
    """Two seeds and a hand-written article (astral characters first, a span over a line break):
    alice's spans and events (repeated roles, a non-default attribute, a role filled with the
    wrong label), bob's spans on one seed, carol done without spans, gold on the hand-written one.
    """
    store = Store(path)
    a0, _ = store.add_article(article_from_file(SEED_000))
    a4, _ = store.add_article(article_from_file(SEED_004))
    hand, _ = store.add_article(Article(text=HAND, text_hash=text_hash(HAND),
                                        tokens=tokenize(HAND, "de"), title="Rom", language="de"))

    def spans(article, annotator, items):
        return {needle: store.add_span(article.id, annotator, *find(article.text, needle, *after),
                                       label).id
                for needle, label, *after in items}

    ids = spans(a0, "alice", [("Wolodymyr Selenskyj", "PER"), ("Istanbul", "LOC"), ("Tass", "ORG"),
                              ("Präsident Selenskyj", "PER"), ("internationale Gemeinschaft", "ORG")])
    store.add_event(a0.id, "alice", "DEMAND", *find(a0.text, "aufgerufen"),
                    [("Speaker", ids["Präsident Selenskyj"]),
                     ("Addressee", ids["internationale Gemeinschaft"])])
    ids = spans(a4, "alice", [("Russlands", "LOC", "Vertreter:innen"),
                              ("Ukraine", "LOC", "Vertreter:innen"), ("2. Juni", "DATE"),
                              ("Istanbul", "LOC", "(2. Juni)"), ("Rustem Umerow", "PER"),
                              ("Wladimir Medinski", "PER")])
    store.add_event(a4.id, "alice", "MEET", *find(a4.text, "zusammengetroffen", "(2. Juni)"),
                    [("Participant", ids["Russlands"]), ("Participant", ids["Ukraine"]),
                     ("Place", ids["Istanbul"]), ("Time", ids["2. Juni"])],
                    {"modality": "planned"})
    # a warning: Place is LOC only, and Time is missing nothing (optional); Speaker missing
    store.add_event(a4.id, "alice", "STATEMENT", *find(a4.text, "verlautete"),
                    [("Addressee", ids["Rustem Umerow"]), ("Content", ids["Wladimir Medinski"])])
    spans(a4, "bob", [("Istanbul", "LOC"), ("Kreml-Berater", "MISC")])
    store.set_status([a4.id], "carol", "done")
    ids = spans(hand, "gold", [("Rom\n\nNächste", "MISC"), ("Olaf Scholz", "PER"),
                               ("Emmanuel Macron", "PER"), ("Paris", "LOC")])
    store.add_event(hand.id, "gold", "MEET", *find(HAND, "treffen"),
                    [("Participant", ids["Olaf Scholz"]), ("Participant", ids["Emmanuel Macron"]),
                     ("Place", ids["Paris"]), ("Place", ids["Rom\n\nNächste"])])
    store.set_status([hand.id], "gold", "done")
    return store


# --- a small brat standoff parser -----------------------------------------------------------------


def parse_ann(data: str) -> dict:
    out = {"T": {}, "E": {}, "A": {}, "#": {}}
    for line in data.split("\n"):
        if not line:
            continue
        ident, rest = line.split("\t", 1)
        kind = ident[0]
        if kind == "T":
            head, surface = rest.split("\t", 1)
            label, where = head.split(" ", 1)
            frags = [tuple(int(x) for x in f.split(" ")) for f in where.split(";")]
            out["T"][ident] = (label, frags, surface)
        elif kind == "E":
            parts = rest.split(" ")
            etype, trigger = parts[0].split(":")
            args = [tuple(p.split(":")) for p in parts[1:]]
            out["E"][ident] = (etype, trigger, args)
        elif kind == "A":
            name, target, value = rest.split(" ")
            out["A"][ident] = (name, target, value)
        elif kind == "#":
            head, note = rest.split("\t", 1)
            out["#"][ident] = (head.split(" ")[1], note)
        else:
            raise AssertionError(f"unexpected line {line!r}")
    return out


def brat_rejects(txt: str, ann: str) -> list[str]:
    """The ``.ann`` lines brat would refuse, checked as brat's own reader does (server/src/
    annotation.py, ``TextAnnotations``): the ``.txt`` read whole, the ``.ann`` read line by line
    the way Python's codecs reader splits lines (``str.splitlines``, line ends kept), the id up
    to the first tab, the offsets up to the next one. For a ``T`` line: every ``START END``
    fragment inside the text, start <= end, no two fragments touching or overlapping
    (``end >= ostart and start < oend``), and the text after the tab beginning with the
    fragments' text joined by single spaces, exactly, followed by nothing or whitespace.
    Returns one reason per refused line."""
    rejected = []
    for line in ann.splitlines(keepends=True):
        ident, sep, tail = line.partition("\t")
        if not sep or not re.match(r"^([A-Za-z]+|#[A-Za-z]*)[0-9]+", ident):
            rejected.append(f"no id: {line!r}")
            continue
        if not ident.startswith("T"):
            continue
        data, tab, data_tail = tail.partition("\t")
        data_tail = tab + data_tail
        try:
            _type, rest = data.split(" ", 1)
            frags = []
            for part in rest.split(";"):
                start_str, end_str = part.split(" ", 2)
                end_str = end_str.rstrip()
                assert not any(c.isspace() for c in end_str)
                frags.append((int(start_str), int(end_str)))
        except (ValueError, AssertionError):
            rejected.append(f"offsets: {line!r}")
            continue
        seen: list[tuple[int, int]] = []
        problem = None
        for start, end in frags:
            if start > end or start < 0 or end > len(txt):
                problem = "offsets outside the text"
            if any(end >= o_start and start < o_end for o_start, o_end in seen):
                problem = "fragments overlap"
            seen.append((start, end))
        spanlen = sum(e - s for s, e in frags) + len(frags) - 1
        if problem is None and (not data_tail.startswith("\t") or spanlen > len(data_tail) - 1):
            problem = "text missing or shorter than the span"
        if problem is None:
            text, after = data_tail[1 : spanlen + 1], data_tail[spanlen + 1 :]
            reference = " ".join(txt[s:e] for s, e in frags)
            if text != reference:
                problem = f"text {text!r} does not match {reference!r}"
            elif after and not after[0].isspace():
                problem = "text not separated from the rest of the line"
        if problem:
            rejected.append(f"{ident}: {problem}")
    return rejected


def check_brat_dir(out: Path) -> int:
    """Every ``.ann`` in ``out`` is accepted by ``brat_rejects`` against its ``.txt``; returns
    how many ``T`` lines were checked."""
    checked = 0
    for ann in sorted(out.glob("*.ann")):
        txt = ann.with_suffix(".txt").read_bytes().decode("utf-8")
        data = ann.read_bytes().decode("utf-8")
        assert brat_rejects(txt, data) == [], ann.name
        checked += sum(1 for line in data.splitlines() if line.startswith("T"))
    return checked


def span_of(t: tuple) -> tuple[int, int, str]:
    label, frags, _ = t
    return frags[0][0], frags[-1][1], label


def test_brat_export_reads_back_as_the_database(cli, db_path, tmp_path):
    store = events_corpus(db_path)
    out = tmp_path / "brat"
    result = cli("export", "--status", "any", "--format", "brat", "-o", out)
    assert result.exit_code == 0, result.output
    schema = default_schema()
    records = list(store.records())
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{file_base(r.article.id, r.annotator)}.{ext}" for r in records
                            for ext in ("txt", "ann")] + ["annotation.conf"])
    assert "2-alice.ann" in names and "3-gold.txt" in names

    for r in records:
        base = out / file_base(r.article.id, r.annotator)
        text = r.article.text
        assert base.with_suffix(".txt").read_bytes() == text.encode("utf-8")
        ann = parse_ann(base.with_suffix(".ann").read_text("utf-8"))
        triggers = {e[1] for e in ann["E"].values()}
        # every fragment's text is the text at its offsets; fragments join with spaces
        for label, frags, surface in ann["T"].values():
            assert surface == " ".join(text[s:e] for s, e in frags)
            assert all("\n" not in text[s:e] for s, e in frags)
        entities = Counter(span_of(t) for tid, t in ann["T"].items() if tid not in triggers)
        assert entities == Counter((s.start, s.end, s.label) for s in r.spans)

        spans = {s.id: s for s in r.spans}
        expected = Counter()
        for e in r.events:
            args = tuple(sorted((a.role, spans[a.span_id].start, spans[a.span_id].end,
                                 spans[a.span_id].label) for a in e.arguments))
            attrs = tuple(sorted(attributes_with_defaults(e, schema).items()))
            expected[(e.type, e.start, e.end, args, attrs, "; ".join(validate(e, schema, spans, text)))] += 1
        got = Counter()
        for eid, (etype, trig, args) in ann["E"].items():
            label, frags, _ = ann["T"][trig]
            assert label == etype
            roles = tuple(sorted((re.sub(r"\d+$", "", role), *span_of(ann["T"][tid]))
                                 for role, tid in args))
            attrs = tuple(sorted((n, v) for n, target, v in ann["A"].values() if target == eid))
            notes = [note for target, note in ann["#"].values() if target == eid]
            got[(etype, frags[0][0], frags[-1][1], roles, attrs, notes[0] if notes else "")] += 1
        assert got == expected
    assert check_brat_dir(out) == 21


def test_brat_trims_whitespace_at_span_edges(cli, db_path, tmp_path):
    """Issue 13's line: a doccano span over "Berlin\\n" came out as ``T1\tLOC 11 18\tBerlin ``,
    which brat refuses. Now every T line of an export passes brat's check: the imported span,
    the nested corpus's spans ending in a line break, and one of whitespace alone (left out)."""
    from formats_corpus import nested_corpus

    line = {"text": "Gestern in Berlin\nMitte ist es schön.", "label": [[11, 18, "LOC"]]}
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    assert cli("import", path, "--format", "doccano", "--annotator", "dora").exit_code == 0
    out = tmp_path / "b"
    assert cli("export", "--format", "brat", "-o", out).exit_code == 0
    assert (out / "1-dora.ann").read_text("utf-8") == "T1\tLOC 11 17\tBerlin\n"
    assert check_brat_dir(out) == 1
    # the check itself refuses the old line, and a break written as a space
    assert brat_rejects(line["text"], "T1\tLOC 11 18\tBerlin \n") == [
        "T1: text 'Berlin ' does not match 'Berlin\\n'"]
    assert brat_rejects("abc", "T1\tX 0 2;1 3\tab bc\n") == ["T1: fragments overlap"]
    assert brat_rejects("abc", "T1\tX 0 2;2 3\tab c\n") == []  # (brat: only backwards)

    nested = tmp_path / "nested.db"
    nested_corpus(nested).close()
    result = cli("export", "--format", "brat", "-o", tmp_path / "n", db=nested)
    assert result.exit_code == 0, result.output
    assert "1 span of whitespace alone left out" in result.stderr
    assert check_brat_dir(tmp_path / "n") == 13
    assert "T1\tLOC 10 13\tRom" in (tmp_path / "n" / "2-nina.ann").read_text("utf-8")


def test_brat_repeated_roles_fragments_and_golden(cli, db_path, tmp_path):
    events_corpus(db_path).close()
    out = tmp_path / "b"
    assert cli("export", "--status", "any", "--format", "brat", "-o", out).exit_code == 0
    gold = (out / "3-gold.ann").read_text("utf-8")
    # the flag emoji is two code points (two regional indicators), as brat counts them
    assert "T1\tMISC 13 16;18 25\tRom Nächste" in gold.splitlines()
    # arguments in text order, a repeated role numbered
    assert "E1\tMEET:T5 Place:T1 Participant:T2 Participant2:T3 Place2:T4" in gold.splitlines()
    assert "A1\tmodality E1 asserted" in gold.splitlines()  # the schema default, filled in
    assert ("#1\tAnnotatorNotes E1\tPlace: MISC 'Rom\\n\\nNächste' is not LOC or MENTION; "
            "Place: 2 fillers, at most one allowed") in gold.splitlines()
    check_golden("brat-2-alice.ann", (out / "2-alice.ann").read_text("utf-8"))
    check_golden("brat-annotation.conf", (out / "annotation.conf").read_text("utf-8"))


def test_annotation_conf_from_schema():
    conf = annotation_conf(default_schema(), extra_labels=["PER", "EXTRA"],
                           extra_events={"MEET": {"X"}, "NEW": {"Who"}})
    lines = conf.splitlines()
    assert lines[lines.index("[entities]") + 2 : lines.index("[entities]") + 7] == \
        ["PER", "ORG", "LOC", "MISC", "DATE"]
    assert "MENTION" in lines  # a mention label (issue 13, item 8) is a brat entity type too
    assert "EXTRA" in lines and lines.count("PER") == 1
    assert ("MEET\tParticipant+:PER|ORG|LOC|MENTION, Place?:LOC|MENTION, Time?:DATE, "
            "Topic?:<ENTITY>") in lines
    assert "NEW\tWho*:<ENTITY>" in lines
    assert "modality\tArg:<EVENT>, Value:asserted|planned|possible|negated" in lines
    assert "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>" in lines


def test_fragments():
    text = "a Rom \n\n Nächste b\n"
    assert fragments(text, 2, 16) == [(2, 5), (9, 16)]
    assert fragments(text, 2, 5) == [(2, 5)]
    assert fragments(text, 16, 19) == [(17, 18)]  # " b\n": trimmed
    assert fragments(text, 1, 10) == [(2, 5), (9, 10)]  # begins with a space: trimmed
    assert fragments(text, 5, 9) == []  # whitespace alone


def test_brat_needs_a_directory(tmp_path):
    with pytest.raises(BratError, match="give -o/--output DIR"):
        brat.export([], "-", default_schema())
    (tmp_path / "file").write_text("x")
    with pytest.raises(BratError, match="not a directory"):
        brat.export([], str(tmp_path / "file"), default_schema())
    assert brat.export([], str(tmp_path / "empty"), default_schema()) == \
        {"records": 0, "spans": 0, "events": 0}
    assert (tmp_path / "empty" / "annotation.conf").exists()


def test_brat_annotator_names_are_file_safe():
    assert file_base(12, "alice") == "12-alice"
    assert file_base(12, "a/b c") == "12-a%2Fb%20c"
