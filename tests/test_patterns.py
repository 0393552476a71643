"""Patterns (issue 15, item 2): the spaCy EntityRuler / Prodigy JSONL file, its errors one line
each, matching on the stored tokens of real stored articles, labels outside the schema skipped
and counted, the Aho-Corasick path equal to spaCy's PhraseMatcher, the cache, the config."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import SEED_000, SEED_004

from newsmark.config import ConfigError, default_schema, load_config
from newsmark.ingest import article_from_file
from newsmark.suggest import patterns as pm
from newsmark.suggest.patterns import PatternError, PatternSuggester, load_patterns


@pytest.fixture
def articles(store):
    """The two seed articles, stored and read back (their stored tokens)."""
    ids = [store.add_article(article_from_file(p))[0].id for p in (SEED_000, SEED_004)]
    return [store.article(i) for i in ids]


def write(path: Path, lines: list) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False))
                            + "\n" for x in lines), encoding="utf-8")
    return path


def words_of(article) -> list[str]:
    return [article.text[t.start:t.end] for t in article.tokens]


def token_runs(article, seq: list[str], fold=lambda w: w) -> set[tuple[int, int]]:
    """(start, end) of every run of stored tokens whose words are ``seq`` (the expectation,
    found by walking the stored tokens, not by any matcher)."""
    words = [fold(w) for w in words_of(article)]
    seq = [fold(w) for w in seq]
    toks = article.tokens
    return {(toks[i].start, toks[i + len(seq) - 1].end)
            for i in range(len(words) - len(seq) + 1) if words[i:i + len(seq)] == seq}


def test_phrase_and_token_patterns_match_on_the_stored_tokens(articles, tmp_path):
    first, second = articles
    assert "Istanbul" in words_of(first) and "Russland" in words_of(second)
    path = write(tmp_path / "p.jsonl", [
        {"label": "LOC", "pattern": "Istanbul"},
        {"label": "LOC", "pattern": "Ukraine und Russland", "id": "both"},
        "",  # a blank line, skipped as srsly.read_jsonl skips it
        {"label": "LOC", "pattern": [{"LOWER": "russland"}]},
        {"label": "ORG", "pattern": [{"TEXT": {"REGEX": "^IT$"}}, {"ORTH": "BOLTWISE"}]},
    ])
    assert [p.get("id") for p in load_patterns(path)] == [None, "both", None, None]
    suggester = PatternSuggester(path, default_schema())
    assert suggester.name == "pattern" and suggester.count == 4 and suggester.skipped == {}
    for article in articles:
        got = suggester.suggest(article)
        starts = {t.start for t in article.tokens}
        ends = {t.end for t in article.tokens}
        assert all(s.start in starts and s.end in ends and s.source == "pattern" for s in got)
        want = ({(*x, "LOC") for x in token_runs(article, ["Istanbul"])}
                | {(*x, "LOC") for x in token_runs(article, ["Ukraine", "und", "Russland"])}
                | {(*x, "LOC") for x in token_runs(article, ["russland"], str.lower)}
                | {(*x, "ORG") for x in token_runs(article, ["IT", "BOLTWISE"])})
        assert {(s.start, s.end, s.label) for s in got} == want
        assert want  # each article has matches
    assert any(s.label == "ORG" for s in suggester.suggest(first))


def test_bad_lines_give_one_line_each_naming_file_line_and_reason(tmp_path):
    path = write(tmp_path / "bad.jsonl", [
        {"label": "PER", "pattern": "Olaf Scholz"},   # 1 fine
        "{not json",                                  # 2
        "# a comment",                                # 3
        {"pattern": "Siemens"},                       # 4 no label
        {"label": "ORG", "pattern": 42},              # 5 neither string nor list
        {"label": "PER", "pattern": [{"LOWER": "olaf"}, {"FOO": 1}]},  # 6 Matcher refuses
        "",                                           # 7 blank: fine
        {"label": "PER", "pattern": [{"LEMMA": "sein"}]},  # 8 needs a pipeline
        {"label": "", "pattern": "x"},                # 9 empty label
        "[1, 2]",                                     # 10 not an object
        {"label": "PER", "pattern": []},              # 11 no tokens
        {"label": "PER", "pattern": "x", "id": 3},    # 12 id not a string
    ])
    with pytest.raises(PatternError) as err:
        load_patterns(path)
    lines = str(err.value).splitlines()
    assert lines == err.value.lines
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{path}:{n}" for n in (2, 3, 4, 5, 6, 8, 9, 10, 11, 12)]
    reasons = dict(line.split(": ", 1) for line in lines)
    assert reasons[f"{path}:2"].startswith("not valid JSON")
    assert "comment" in reasons[f"{path}:3"]
    assert reasons[f"{path}:4"] == "no label"
    assert "expected a phrase (a string) or a token pattern" in reasons[f"{path}:5"]
    assert "FOO" in reasons[f"{path}:6"] and "token pattern" in reasons[f"{path}:6"]
    assert "LEMMA needs a trained pipeline" in reasons[f"{path}:8"]
    assert reasons[f"{path}:11"] == "token pattern: no tokens"
    with pytest.raises(PatternError):  # the suggester says the same
        PatternSuggester(path, default_schema())


def test_file_problems_are_one_line(tmp_path):
    missing = tmp_path / "missing.jsonl"
    with pytest.raises(PatternError, match=f"^{missing}: no such file"):
        load_patterns(missing)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b'{"label": "LOC", "pattern": "Berlin"}\n{"label": "LOC", "pattern": "M\xfcnchen"}\n')
    with pytest.raises(PatternError, match=f"^{latin}:2: not UTF-8 text"):
        load_patterns(latin)
    big = tmp_path / "big.jsonl"
    with open(big, "wb") as fh:  # sparse: nothing is written but the size
        fh.truncate(pm.MAX_PATTERNS_BYTES + 1)
    with pytest.raises(PatternError, match=f"^{big}: file is .* over the .*-byte limit$"):
        load_patterns(big)


def test_labels_not_in_the_schema_are_skipped_and_counted(articles, tmp_path):
    path = write(tmp_path / "p.jsonl", [
        {"label": "LOC", "pattern": "Istanbul"},
        {"label": "CITY", "pattern": "Istanbul"},
        {"label": "CITY", "pattern": [{"LOWER": "london"}]},
        {"label": "THING", "pattern": "Russland"},
    ])
    suggester = PatternSuggester(path, default_schema())
    assert suggester.skipped == {"CITY": 2, "THING": 1}
    assert suggester.count == 1
    got = suggester.suggest(articles[0])
    assert got and {s.label for s in got} == {"LOC"}


def test_the_automaton_finds_what_phrase_matcher_finds(articles, tmp_path):
    """Every n-gram (1 to 3 tokens) of both articles as a phrase pattern, some twice under
    another label, plus phrases that match nothing: the Aho-Corasick path and spaCy's
    PhraseMatcher give the same matches, case-sensitive and with LOWER."""
    phrases = []
    for article in articles:
        toks = article.tokens
        for i in range(0, len(toks) - 3, 3):
            for n in (1, 2, 3):
                text = article.text[toks[i].start:toks[i + n - 1].end]
                if text.strip():
                    phrases.append(("LOC" if i % 2 else "ORG", text))
    phrases += [("PER", p.upper()) for _, p in phrases[::7]] + [("PER", "Niemand Nirgends")]
    for attr in ("ORTH", "LOWER"):
        compiled = pm._Compiled(phrases, [], attr, {})
        spacy_path = pm._Matchers(compiled, "de", aho=False)
        aho_path = pm._Matchers(compiled, "de", aho=True)
        assert spacy_path.aho is None and aho_path.aho is not None
        for article in articles:
            words, spaces = words_of(article), [t.ws for t in article.tokens]
            found = aho_path.matches(words, spaces)
            assert found == spacy_path.matches(words, spaces)
            assert len(found) > len(phrases) // 4
    # a suggester past AHO_MIN phrases takes the automaton path
    path = write(tmp_path / "big.jsonl", [{"label": "LOC", "pattern": f"Ort{i}"}
                                          for i in range(pm.AHO_MIN)]
                 + [{"label": "LOC", "pattern": "Istanbul"}])
    suggester = PatternSuggester(path, default_schema())
    assert suggester._compiled.matchers("de").aho is not None
    assert {(s.start, s.end) for s in suggester.suggest(articles[0])} == token_runs(
        articles[0], ["Istanbul"])


def test_matchers_are_built_once_per_file(articles, tmp_path):
    path = write(tmp_path / "p.jsonl", [{"label": "LOC", "pattern": "Istanbul"}])
    one = PatternSuggester(path, default_schema())
    one.suggest(articles[0])
    two = PatternSuggester(path, default_schema())
    assert two._compiled is one._compiled  # the same file: built once
    assert two._compiled.matchers("de") is one._compiled.matchers("de")
    stat = os.stat(path)
    write(path, [{"label": "LOC", "pattern": "Russland"}])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    three = PatternSuggester(path, default_schema())
    assert three._compiled is not one._compiled  # changed: read again
    assert {articles[0].text[s.start:s.end] for s in three.suggest(articles[0])} == {"Russland"}


def test_config_names_the_patterns_file(tmp_path):
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules" / "p.jsonl", [{"label": "LOC", "pattern": "Istanbul"}])
    config = tmp_path / "config.toml"
    config.write_text('[suggest]\npatterns = "rules/p.jsonl"\n', encoding="utf-8")
    assert load_config(config).patterns == tmp_path / "rules" / "p.jsonl"
    config.write_text('[suggest]\npatterns = "nope.jsonl"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(config)
    assert str(err.value) == f"{config}: [suggest] patterns: {tmp_path / 'nope.jsonl'}: no such file"
    config.write_text('[suggest]\npattern = "p.jsonl"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[suggest\] pattern: unknown key"):
        load_config(config)
