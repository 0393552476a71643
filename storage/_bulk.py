"""Bulk rows for benchmarks and tests: a synthetic annotated library written fast, and a bare
reader. Private (not newsmark's API) and not used by newsmark itself.

``generate`` writes articles, spans, events, arguments and attributes with ``insert_all`` in one
transaction (explicit ids, no per-row queries); ``iter_bare`` reads the same rows an export
reads, merged by article id with one streaming cursor per table, and nothing else: the floor an
export's speed is compared with.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

from .db import connect, write

_LABELS = ("PER", "ORG", "LOC", "DATE", "MISC")
# (event type, [(role, label of the span that fills it)])
_EVENTS = (("MEET", [("Participant", "PER"), ("Place", "LOC")]),
           ("STATEMENT", [("Speaker", "PER"), ("Addressee", "ORG")]))


def _words(rng: random.Random, n: int) -> list[str]:
    syllables = ("ber", "lin", "ham", "burg", "mi", "nis", "ter", "ge", "spräch", "ver", "trag",
                 "kanz", "ler", "ta", "ge", "zeit", "ung", "rat", "stadt", "wahl")
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))).capitalize()
            if rng.random() < 0.2 else "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3)))
            for _ in range(n)]


def generate(path: str | Path, articles: int, spans_per: int = 20, events_per: int = 2,
             words: int = 150, annotator: str = "bench", seed: int = 0, batch: int = 2000) -> None:
    """A database at ``path`` with ``articles`` articles of ``words`` words, each with
    ``spans_per`` one- or two-word spans and ``events_per`` events of two arguments."""
    rng = random.Random(seed)
    db = connect(path)
    stamp = "2025-06-01T00:00:00.000+00:00"
    span_id = event_id = arg_id = 0
    with write(db.conn, path):  # BEGIN IMMEDIATE: the busy timeout applies
        for first in range(1, articles + 1, batch):
            art_rows, span_rows, event_rows, arg_rows, attr_rows, status_rows = [], [], [], [], [], []
            for aid in range(first, min(first + batch, articles + 1)):
                ws = _words(rng, words)
                ws[0] = f"{aid}"  # every text differs
                offsets, pos = [], 0
                for w in ws:
                    offsets.append((pos, pos + len(w)))
                    pos += len(w) + 1
                text = " ".join(ws)
                tokens = json.dumps([[s, e, int(i < len(ws) - 1)] for i, (s, e) in enumerate(offsets)],
                                    separators=(",", ":"))
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                art_rows.append({"id": aid, "url": f"https://bench.example/{aid}", "source": "bench",
                                 "title": f"Article {aid}", "language": "de", "raw": text.encode(),
                                 "text": text, "text_hash": digest, "tokens": tokens,
                                 "origin": "file", "version": 1, "ingested": stamp,
                                 "sort_date": stamp})
                # spans on every other word pair, the trigger words in between
                slots = rng.sample(range(1, words // 2 - 1), spans_per + events_per)
                by_label: dict[str, list[int]] = {}
                for k, slot in enumerate(slots[:spans_per]):
                    i = slot * 2
                    j = i + (1 if rng.random() < 0.3 else 0)
                    label = _LABELS[k % len(_LABELS)]
                    span_id += 1
                    span_rows.append({"id": span_id, "article_id": aid, "annotator": annotator,
                                      "start": offsets[i][0], "end": offsets[j][1], "label": label,
                                      "text_hash": digest, "origin": "manual", "created": stamp,
                                      "updated": stamp})
                    by_label.setdefault(label, []).append(span_id)
                for k, slot in enumerate(slots[spans_per:]):
                    etype, roles = _EVENTS[k % len(_EVENTS)]
                    i = slot * 2 + 1
                    event_id += 1
                    event_rows.append({"id": event_id, "article_id": aid, "annotator": annotator,
                                       "type": etype, "start": offsets[i][0], "end": offsets[i][1],
                                       "text_hash": digest, "created": stamp, "updated": stamp})
                    for role, label in roles:
                        arg_id += 1
                        arg_rows.append({"id": arg_id, "event_id": event_id, "role": role,
                                         "span_id": rng.choice(by_label[label])})
                    if k % 2:
                        attr_rows.append({"event_id": event_id, "name": "modality", "value": "planned"})
                if aid % 3 == 0:
                    status_rows.append({"article_id": aid, "annotator": annotator, "status": "done",
                                        "updated": stamp, "flagged": 0})
            db["articles"].insert_all(art_rows, batch_size=500)
            db["spans"].insert_all(span_rows, batch_size=5000)
            db["events"].insert_all(event_rows, batch_size=5000)
            db["event_arguments"].insert_all(arg_rows, batch_size=5000)
            db["event_attributes"].insert_all(attr_rows, batch_size=5000)
            db["status"].insert_all(status_rows, batch_size=5000)
    db.close()


def iter_bare(path: str | Path) -> Iterator[dict]:
    """Every article with spans or events, as plain dicts of its rows (article, spans, events
    with arguments and attributes), in article order: one ordered cursor per table, merged."""
    db = connect(path)
    conn = db.conn
    spans = conn.execute("select article_id, annotator, start, end, label from spans "
                         "order by article_id, annotator, start, end desc, id")
    events = conn.execute(
        "select e.article_id, e.id, e.annotator, e.type, e.start, e.end, a.role, s.start, s.end, "
        "s.label from events e left join event_arguments a on a.event_id = e.id "
        "left join spans s on s.id = a.span_id order by e.article_id, e.id, a.id")
    attrs = conn.execute("select e.article_id, t.event_id, t.name, t.value from event_attributes t "
                         "join events e on e.id = t.event_id order by e.article_id, t.event_id")
    nxt = {"s": spans.fetchone(), "e": events.fetchone(), "a": attrs.fetchone()}
    cursors = {"s": spans, "e": events, "a": attrs}

    def take(key: str, aid: int) -> list[tuple]:
        out = []
        while nxt[key] is not None and nxt[key][0] == aid:
            out.append(nxt[key])
            nxt[key] = cursors[key].fetchone()
        return out

    try:
        for aid, url, title, source, language, text, tokens in conn.execute(
                "select id, url, title, source, language, text, tokens from articles order by id"):
            s, e, a = take("s", aid), take("e", aid), take("a", aid)
            if not (s or e):
                continue
            yield {"id": aid, "url": url, "title": title, "source": source, "language": language,
                   "text": text, "tokens": tokens, "spans": s, "events": e, "attributes": a}
    finally:
        db.close()
