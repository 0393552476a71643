"""The CoNLL-2003 BIO export: parsed back to character spans, and read by spaCy's CoNLL reader."""

from __future__ import annotations

from conftest import check_golden
from formats_corpus import (
    NESTED_SPANS,
    annotated_corpus,
    db_spans,
    decode_iob2,
    nested_corpus,
    plain,
    survivors,
)
from spacy.training.converters import conll_ner_to_docs

from newsmark.formats import conll
from newsmark.model import Span

DOCSTART = "-DOCSTART- -X- -X- O"


def parse(text: str) -> list[list[list[tuple[str, str]]]]:
    """Documents -> blocks (sentences/paragraphs) -> (token, tag); every line is checked."""
    assert text.endswith("\n\n") and "\n\n\n" not in text
    docs: list = []
    for line in text.split("\n"):
        if line == DOCSTART:
            docs.append([[]])
            continue
        assert docs, "content before the first -DOCSTART-"
        if line == "":
            if docs[-1][-1]:
                docs[-1].append([])
            continue
        fields = line.split(" ")
        assert len(fields) == 4 and fields[1:3] == ["-X-", "_"], repr(line)
        assert all(f and not any(c.isspace() for c in f) for f in fields), repr(line)
        docs[-1][-1].append((fields[0], fields[3]))
    return [[b for b in d if b] for d in docs]


def to_char_spans(article_text: str, blocks) -> list[tuple[int, int, str]]:
    """Align the tokens with the text, in order, and decode the tags to character spans."""
    tokens = [t for b in blocks for t in b]
    pos, offsets = 0, []
    for word, _tag in tokens:
        start = article_text.index(word, pos)
        assert article_text[pos:start].strip() == "", (word, article_text[pos:start])
        offsets.append((start, start + len(word)))
        pos = start + len(word)
    assert article_text[pos:].strip() == ""
    spans = []
    for block in blocks:  # an entity never runs across a block
        decode_iob2([tag for _w, tag in block])
    for s, e, label in decode_iob2([tag for _w, tag in tokens]):
        spans.append((offsets[s][0], offsets[e - 1][1], label))
    return spans


def test_conll_round_trips_to_the_db_spans(cli, db_path, tmp_path):
    store = annotated_corpus(db_path)
    out = tmp_path / "out.conll"
    result = cli("export", "--format", "conll", "-o", out)
    assert result.exit_code == 0, result.output
    assert "4 records exported (conll)" in result.stderr
    text = out.read_text("utf-8")
    docs = parse(text)
    records = list(store.iter_records())
    assert len(docs) == len(records) == 4
    for blocks, r in zip(docs, records):
        assert to_char_spans(r.article.text, blocks) == db_spans(r.spans)
        # one block per paragraph: the seeds' paragraphs are their non-empty lines
        assert len(blocks) == len([p for p in r.article.text.split("\n") if p.strip()])
    assert docs[3] and all(tag == "O" for b in docs[3] for _w, tag in b)  # carol: done, no spans
    store.close()
    check_golden("export-conll.txt", text)
    assert cli("export", "--format", "conll", "-o", "-").stdout == text


def test_spacy_reads_the_conll_export(cli, db_path):
    """spaCy's own CoNLL-2003 reader finds the same entities (one Doc per -DOCSTART- block)."""
    store = annotated_corpus(db_path)
    text = cli("export", "--format", "conll").stdout
    chunks = [c for c in text.split(DOCSTART + "\n") if c.strip()]
    for chunk, r in zip(chunks, store.iter_records(), strict=True):
        (doc,) = conll_ner_to_docs(chunk, n_sents=0, no_print=True)
        # spaCy's reader puts a space between all words: compare without spaces
        assert [(e.text.replace(" ", ""), e.label_) for e in doc.ents] == [
            (r.article.text[s:e].replace(" ", ""), label) for s, e, label in db_spans(r.spans)
        ]
        assert sum(1 for t in doc if t.is_sent_start) == len(
            [p for p in r.article.text.split("\n") if p.strip()]
        )
    store.close()


def test_nested_spans_resolve_outermost_first(cli, db_path, tmp_path):
    store = nested_corpus(db_path)
    result = cli("export", "--format", "conll", "-o", tmp_path / "n.conll")
    assert result.exit_code == 0, result.output
    assert "7 of 14 spans dropped" in result.stderr
    docs = parse((tmp_path / "n.conll").read_text("utf-8"))
    records = list(store.iter_records())
    for blocks, r in zip(docs, records, strict=True):
        assert to_char_spans(r.article.text, blocks) == survivors(r.article.text)
    assert [len(b) for b in docs[1]] == [3, 2]  # "Gipfel in Rom" | "Nächste Woche"
    assert len(NESTED_SPANS) == len(records)
    store.close()


def test_whitespace_tokens_never_break_lines():
    text = "Herr\u00a0Müller\tsprach  in\u2028Bonn\x85heute.\n\n \n\u3000Frau Klein\x1c antwortete."
    article = plain(text, "whitespace")
    assert any(text[t.start : t.end].isspace() for t in article.tokens)
    spans = [Span(*span, label) for *span, label in [
        (text.index("Müller"), text.index("Müller") + 6, "PER"),
        (text.index("Bonn"), text.index("Bonn") + 4, "LOC"),
        (text.index("Frau"), text.index("Klein") + 5, "PER"),
    ]]
    lines, dropped = conll.lines(article, spans)
    assert dropped == []
    body = "\n".join([DOCSTART, "", *lines, "", ""])
    (blocks,) = parse(body)
    assert to_char_spans(text, blocks) == db_spans(spans)
    assert [w for b in blocks for w, _t in b] == [
        "Herr", "Müller", "sprach", "in", "Bonn", "heute", ".", "Frau", "Klein", "antwortete", "."
    ]
    # line breaks (\u2028, \x85, \n\n, and \x1c as str.splitlines has it) start new blocks,
    # other whitespace does not
    assert [[w for w, _t in b] for b in blocks] == [
        ["Herr", "Müller", "sprach", "in"], ["Bonn"], ["heute", "."], ["Frau", "Klein"],
        ["antwortete", "."],
    ]


def test_a_span_across_a_line_break_stays_in_one_block():
    text = "Die Vereinten\nNationen tagen.\nMorgen nicht."
    article = plain(text, "across")
    s = text.index("Vereinten")
    lines, _ = conll.lines(article, [Span(s, s + len("Vereinten\nNationen"), "ORG")])
    (blocks,) = parse("\n".join([DOCSTART, "", *lines, "", ""]))
    assert [[t for _w, t in b] for b in blocks] == [["O", "B-ORG", "I-ORG", "O", "O"], ["O", "O", "O"]]


def test_bioes_and_sentences_from_the_cli(cli, store, tmp_path):
    text = ("Olaf Scholz traf am Montag in Paris den Präsidenten. Die Vereinten Nationen "
            "tagten.\n\nDie Hacker griffen Siemens an.")
    a, _ = store.add_article(plain(text, "scheme"))
    for needle, label in [("Olaf Scholz", "PER"), ("Montag", "DATE"), ("Paris", "LOC"),
                          ("Vereinten Nationen", "ORG"), ("Die Hacker", "MENTION"),
                          ("Siemens", "ORG")]:
        store.add_span(a.id, "ann", text.index(needle), text.index(needle) + len(needle), label)
    store.set_status([a.id], "ann", "done")
    iob2 = cli("export", "--format", "conll", "--status", "any", "-o", "-").stdout
    bioes = cli("export", "--format", "conll", "--status", "any", "--scheme", "bioes",
                "--sentences", "-o", "-").stdout
    (paragraphs,) = parse(iob2)
    assert [[w for w, _t in b] for b in paragraphs][1] == ["Die", "Hacker", "griffen", "Siemens",
                                                           "an", "."]
    assert len(paragraphs) == 2  # paragraphs: a blank line only at "\n\n"
    # BIOES, one block per sentence (spaCy's sentencizer), the mention never a tag
    blocks = [[line.split(" ") for line in block.split("\n")]
              for block in bioes.split(DOCSTART + "\n\n")[1].strip("\n").split("\n\n")]
    assert [[(f[0], f[3]) for f in block] for block in blocks] == [
        [("Olaf", "B-PER"), ("Scholz", "E-PER"), ("traf", "O"), ("am", "O"), ("Montag", "S-DATE"),
         ("in", "O"), ("Paris", "S-LOC"), ("den", "O"), ("Präsidenten", "O"), (".", "O")],
        [("Die", "O"), ("Vereinten", "B-ORG"), ("Nationen", "E-ORG"), ("tagten", "O"), (".", "O")],
        [("Die", "O"), ("Hacker", "O"), ("griffen", "O"), ("Siemens", "S-ORG"), ("an", "O"),
         (".", "O")],
    ]
    # the same tags as IOB2, through spaCy's converters
    from spacy.training import iob_to_biluo

    iob_tags = [t for b in paragraphs for _w, t in b]
    bioes_tags = [f[3] for block in blocks for f in block]
    biluo = [t.replace("E-", "L-").replace("S-", "U-") for t in bioes_tags]
    assert iob_to_biluo(iob_tags) == biluo


def test_a_sentence_break_never_cuts_a_span():
    text = "Er sprach mit Dr. Müller. Danach ging er."
    article = plain(text, "abbrev")
    s = text.index("Müller.")
    # a span over the sentence's full stop and past it: the sentences stay one block
    lines, _ = conll.lines(article, [Span(s, text.index("Danach") + 6, "MISC")], sentences=True)
    (blocks,) = parse("\n".join([DOCSTART, "", *lines, "", ""]))
    assert len(blocks) == 1 and [t for _w, t in blocks[0]].count("B-MISC") == 1
