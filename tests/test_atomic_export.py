"""Exports are complete or untouched: a full disk (``/dev/full``), a file size limit
(``RLIMIT_FSIZE``, as ``ulimit -f`` sets it) or an unwritable name ends the real ``newsmark``
command with one ``Error:`` line and exit status 1, the earlier file byte for byte as it was and
no temporary file left; SIGTERM and SIGHUP part-way (a kill, a dropped SSH connection) leave the
same; devices, file descriptors and standard output are written in place, never replaced.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import SEED_000
from formats_corpus import finish
from test_brat import events_corpus
from test_hostile import set_up

from newsmark.split import split_of_text
from storage.repo import Store

NEWSMARK = Path(sys.executable).parent / "newsmark"
STREAMS = ["prodigy", "doccano", "hf", "conll", "spacy"]
LIMIT = 4096  # bytes: below every format's export of the corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The annotated database, with a connection held open for the module: its ``-shm`` file
    stays at its full size, so a child under a small RLIMIT_FSIZE can still read it (SQLite
    would otherwise grow it to 32 KB, past the limit)."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    finish(events_corpus(path)).close()  # every record finished: export's default exports all
    held = sqlite3.connect(path)
    held.execute("select count(*) from articles").fetchall()
    yield path
    held.close()


@pytest.fixture(scope="module")
def expected(corpus) -> dict[str, bytes]:
    """What ``export -o -`` writes, per format: the bytes every other way of naming standard
    output must write too. Exported once, in this process: the runs compared with it are the
    real ones (test_dev_null_and_stdout_still_work runs ``-o -`` itself)."""
    return {fmt: set_up(*output_args(fmt, "-"), db=corpus).stdout_bytes
            for fmt in ("prodigy", "conll", "spacy")}


def newsmark(*args, limit: int | None = None, umask: int | None = None, cwd: Path | None = None,
             stdout=subprocess.PIPE, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real console script in a child process, under RLIMIT_FSIZE ``limit`` (the child's
    SIGXFSZ is set back to the default before exec, as a shell leaves it: newsmark must ignore
    it itself)."""

    def setup() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        [str(NEWSMARK), *map(str, args)], preexec_fn=setup, cwd=cwd, stdout=stdout,
        stderr=subprocess.PIPE, text=True, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})


def parallel(calls: list) -> list[subprocess.CompletedProcess]:
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda c: c(), calls))


def one_error(result: subprocess.CompletedProcess, line: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [line], result.stderr


def listing(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (hidden temporaries included) and its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(directory.rglob("*"))}


def output_args(fmt: str, out) -> list[str]:
    return ["export", "--format", fmt, "-o", out]


# --- full disk, devices, standard output ------------------------------------------------------


def test_dev_full_is_one_line_for_every_stream_format(corpus, tmp_path):
    runs = [(fmt, extra) for fmt in STREAMS for extra in ([["--jobs", "1"], []] if fmt == "prodigy" else [[]])]
    results = parallel([lambda fmt=fmt, extra=extra: newsmark(
        *output_args(fmt, "/dev/full"), *extra, "--db", corpus, cwd=tmp_path)
        for fmt, extra in runs])
    for (fmt, _), result in zip(runs, results):
        one_error(result, "Error: /dev/full: cannot write (No space left on device)")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert list(tmp_path.iterdir()) == []  # hf's labels.json is not written either


def test_standard_output_on_a_full_disk(corpus):
    # spacy: test_cli_streams.py's test_a_full_standard_output_is_one_line[export --format
    # spacy] is that same run (-o - is the default), asserting the same line and status
    with open("/dev/full", "w") as full:
        results = parallel([lambda fmt=fmt: newsmark(*output_args(fmt, "-"), "--db", corpus,
                                                     stdout=full)
                            for fmt in ("prodigy", "conll")])
    for result in results:
        one_error(result, "Error: standard output: cannot write (No space left on device)")


def test_dev_null_and_stdout_still_work(corpus, tmp_path):
    null = parallel([lambda fmt=fmt: newsmark(*output_args(fmt, "/dev/null"), "--db", corpus,
                                              cwd=tmp_path) for fmt in STREAMS])
    for fmt, result in zip(STREAMS, null):
        assert result.returncode == 0, (fmt, result.stderr)
        assert "records exported" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not os.path.exists("/dev/labels.json")  # hf: next to a device means here
    assert (tmp_path / "labels.json").exists()

    out = tmp_path / "out.jsonl"
    to_file, to_stdout = parallel([lambda: newsmark("export", "-o", out, "--db", corpus),
                                   lambda: newsmark("export", "-o", "-", "--db", corpus)])
    assert to_file.returncode == to_stdout.returncode == 0
    assert to_stdout.stdout == out.read_text("utf-8") != ""


def shell(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """``sh -c script`` with ``$NEWSMARK`` the console script: the shell opens the redirections."""
    return subprocess.run(["sh", "-c", script], cwd=cwd, capture_output=True, timeout=120,
                          env={**os.environ, "NEWSMARK": str(NEWSMARK), **env})


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link"])
def test_a_file_descriptor_as_output_is_written_through_not_replaced(corpus, tmp_path, name,
                                                                     expected):
    """``-o /dev/stdout`` (and its kin, and a link to it) writes the descriptor the shell
    opened: into a pipe (it resolves to ``pipe:[N]``, which is no path), appended with ``>>``,
    at the offset of ``>``; never renamed over the file it leads to."""
    (tmp_path / "link").symlink_to("/dev/stdout")
    for fmt in ("prodigy", "conll", "spacy"):  # a pipe
        result = subprocess.run([str(NEWSMARK), *output_args(fmt, name), "--db", str(corpus)],
                                capture_output=True, cwd=tmp_path, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout == expected[fmt] != b""

    log = tmp_path / "app.log"
    log.write_bytes(b"first line\n")
    inode = log.stat().st_ino
    result = shell(f'"$NEWSMARK" export --format conll -o {name} --db "$DB" >> app.log && '
                   f'"$NEWSMARK" export --format conll -o {name} --db "$DB" >> app.log',
                   tmp_path, DB=str(corpus))
    assert result.returncode == 0, result.stderr
    assert log.read_bytes() == b"first line\n" + 2 * expected["conll"]  # appended, twice
    assert log.stat().st_ino == inode  # the same file, not one renamed over it

    result = shell(f'echo earlier > out.jsonl; "$NEWSMARK" export -o {name} --db "$DB" > out.jsonl',
                   tmp_path, DB=str(corpus))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == expected["prodigy"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.log", "link", "out.jsonl"]


def test_hf_next_to_a_file_descriptor_writes_labels_here(corpus, tmp_path):
    result = shell('"$NEWSMARK" export --format hf -o /dev/stdout --db "$DB" > out.parquet',
                   tmp_path, DB=str(corpus))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.json", "out.parquet"]
    assert (tmp_path / "out.parquet").read_bytes().startswith(b"PAR1")


def test_the_longest_legal_names_get_a_temporary_file(corpus, tmp_path):
    """The temporary name is the target's cut to 200 bytes (not characters) plus 14: a
    246-byte name of two-byte characters still fits NAME_MAX (255 bytes)."""
    names = ["\u00e4" * 120 + ".jsonl", "\u20ac" * 83 + ".jsonl", "a" * 249 + ".jsonl"]
    assert [len(n.encode()) for n in names] == [246, 255, 255]
    for name in names:
        (tmp_path / name).write_bytes(b"old\n")
        result = newsmark("export", "-o", tmp_path / name, "--db", corpus)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).read_bytes().startswith(b'{"text":')
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


# --- a file size limit part-way: the earlier file stays -----------------------------------------


def test_write_past_the_file_size_limit_keeps_the_earlier_file(corpus, tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    dirs = {fmt: tmp_path / fmt for fmt in STREAMS}
    outs = {fmt: dirs[fmt] / f"out.{fmt}" for fmt in STREAMS}
    for fmt in STREAMS:  # the earlier exports (and hf's labels.json): set up in this process
        set_up(*output_args(fmt, outs[fmt]), "--annotator", "bob", db=corpus)
    before = {fmt: listing(dirs[fmt]) for fmt in STREAMS}
    assert all(os.path.getsize(outs[fmt]) > 0 for fmt in STREAMS)

    results = parallel([lambda fmt=fmt: newsmark(*output_args(fmt, outs[fmt]), "--db", corpus,
                                                 limit=LIMIT, env={"TMPDIR": str(tmpdir)})
                        for fmt in STREAMS])
    for fmt, result in zip(STREAMS, results):
        if fmt == "hf":  # its chunks, in $TMPDIR until every tag name is known, pass the
            # limit first: they are named
            assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
            assert result.stderr.startswith(f"Error: {tmpdir}/newsmark-hf-")
            assert result.stderr.endswith(": cannot write (File too large)\n")
        else:
            one_error(result, f"Error: {outs[fmt]}: cannot write (File too large)")
        assert listing(dirs[fmt]) == before[fmt], fmt  # byte-identical, no temporary beside it
    assert list(tmpdir.iterdir()) == []  # hf's temporary chunks are gone too


# --- SIGTERM and SIGHUP part-way: the earlier file stays -------------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """2,000 generated articles with spans and events: an export runs for a second or more."""
    from storage._bulk import generate

    path = tmp_path_factory.mktemp("big") / "big.db"
    generate(path, 2000)
    return path


def wait_for(condition, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.poll() is None, f"the export ended before {what}: {proc.stderr.read()!r}"
        assert time.monotonic() < deadline, f"no {what} after {timeout} s"
        time.sleep(0.01)


@pytest.mark.parametrize("signum,fmt", [
    (signal.SIGTERM, "conll"), (signal.SIGHUP, "conll"), (signal.SIGTERM, "spacy"),
    (signal.SIGHUP, "spacy"), (signal.SIGTERM, "prodigy"), (signal.SIGHUP, "hf"),
], ids=lambda v: v.name if isinstance(v, signal.Signals) else v)
def test_sigterm_and_sighup_part_way_leave_no_temporary_file(request, tmp_path, signum, fmt):
    """The signal arrives while the temporary file is being written (for spacy, the first
    shard of a directory of shards; for hf, its chunks in $TMPDIR): the command unwinds,
    removes them, and exits 128 + signal; the earlier output is byte for byte as it was."""
    big_corpus = request.getfixturevalue("big_corpus")
    out_dir, tmpdir = tmp_path / "out", tmp_path / "tmp"
    out_dir.mkdir()
    tmpdir.mkdir()
    out = out_dir / f"o.{fmt}"
    if fmt == "spacy":  # 2,000 articles of 150 words: two shards, in a directory
        out.mkdir()
        (out / "0000.spacy").write_bytes(b"the earlier export\n")
    else:
        out.write_bytes(b"the earlier export\n")
    (out_dir / "labels.json").write_bytes(b'{"names": ["O"]}\n')  # hf's: as it was too
    before = listing(out_dir)
    proc = subprocess.Popen([str(NEWSMARK), *output_args(fmt, out), "--status", "any",
                             "--db", str(big_corpus)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env={**os.environ, "TMPDIR": str(tmpdir)})
    try:
        def writing() -> bool:  # the temporary file has data in it: the export is under way
            return any(p.name.endswith(".tmp") and p.stat().st_size > 0 for p in out_dir.iterdir())

        if fmt == "spacy":  # the first shard written, waiting for the others
            def writing() -> bool:
                return any(p.name.endswith(".tmp") and p.stat().st_size > 0
                           for p in out.iterdir())
        if fmt == "hf":  # the output is written at the end: its chunks grow meanwhile
            def writing() -> bool:
                parts = [p for d in tmpdir.glob("newsmark-hf-*") for p in d.iterdir()]
                return any(p.stat().st_size > 0 for p in parts) and any(
                    p.name.endswith(".tmp") for p in out_dir.iterdir())

        wait_for(writing, proc, "data written")
        proc.send_signal(signum)
        status = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    assert status == 128 + signum, stderr
    assert "Traceback" not in stderr, stderr
    assert listing(out_dir) == before  # no .o.*.tmp, the earlier export untouched
    if fmt == "spacy":
        assert [p.name for p in out.iterdir()] == ["0000.spacy"]
        assert (out / "0000.spacy").read_bytes() == b"the earlier export\n"
    assert list(tmpdir.iterdir()) == []  # no newsmark-hf-* left


def test_only_the_tui_keeps_its_own_signal_handling(cli):
    """The commands turn SIGTERM and SIGHUP into an exit that unwinds (143, 129); the TUI's
    signals are Textual's business. (The group's callback runs before a command's --help.)"""
    signals = (signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.getsignal(s) for s in signals}
    try:
        for s in signals:
            signal.signal(s, signal.SIG_DFL)
        assert cli("tui", "--help").exit_code == 0
        assert [signal.getsignal(s) for s in signals] == [signal.SIG_DFL, signal.SIG_DFL]
        assert cli("list", "--help").exit_code == 0
        handlers = {s: signal.getsignal(s) for s in signals}
        for s, handler in handlers.items():
            assert callable(handler)
            with pytest.raises(SystemExit) as info:
                handler(s, None)
            assert info.value.code == 128 + s
            assert [signal.getsignal(s) for s in signals] == [signal.SIG_IGN] * 2  # once is enough
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


# --- brat: a directory replaced file by file, a user's files left alone -------------------------


def test_brat_failure_part_way_leaves_every_file_as_it_was(corpus, tmp_path):
    out = tmp_path / "brat"
    out.mkdir()
    old = {"visual.conf": b"[labels]\nPER | Person\n",  # the user's: never touched
           "1-alice.txt": b"an earlier text", "1-alice.ann": b"T1\tPER 0 2\tan\n",
           "2-bob.ann": b"an earlier .ann", "annotation.conf": b"[entities]\nPER\n"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    (out / "1-alice.ann").chmod(0o600)
    (out / "2-alice.ann").mkdir()  # the second record cannot be written: EISDIR part-way
    result = newsmark("export", "--format", "brat", "-o", out, "--db", corpus)
    one_error(result, f"Error: {out}/2-alice.ann: cannot write (Is a directory)")
    assert listing(out) == {**old, "2-alice.ann": b"<dir>"}  # 1-alice's pair was not renamed in

    (out / "2-alice.ann").rmdir()
    result = newsmark("export", "--format", "brat", "-o", out, "--db", corpus)
    assert result.returncode == 0, result.stderr
    after = listing(out)
    assert after["visual.conf"] == old["visual.conf"]
    store = Store(corpus)
    assert after["1-alice.txt"] == store.article(1).text.encode("utf-8")
    store.close()
    assert after["1-alice.ann"].startswith(b"T1\tLOC ") and after["2-bob.ann"] != old["2-bob.ann"]
    assert after["annotation.conf"].startswith(b"# generated by newsmark")
    assert not [name for name in after if name.startswith(".")]
    assert stat.S_IMODE((out / "1-alice.ann").stat().st_mode) == 0o600  # kept on replace


def test_brat_past_the_file_size_limit(corpus, tmp_path):
    out = tmp_path / "brat"
    out.mkdir()
    (out / "visual.conf").write_bytes(b"mine")
    (out / "3-gold.ann").write_bytes(b"earlier")
    result = newsmark("export", "--format", "brat", "-o", out, "--db", corpus, limit=2048)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"Error: {out}/1-alice.txt: cannot write (File too large)"]
    assert listing(out) == {"visual.conf": b"mine", "3-gold.ann": b"earlier"}


# --- --split: all three parts or none -------------------------------------------------------------


def test_split_failing_on_the_second_part_writes_no_part(corpus, tmp_path):
    (tmp_path / "data-train.jsonl").write_bytes(b"an earlier train part\n")
    (tmp_path / "data-dev.jsonl").mkdir()
    result = newsmark("export", "--split", "1/1/1", "-o", tmp_path / "data.jsonl", "--db", corpus)
    one_error(result, f"Error: {tmp_path}/data-dev.jsonl: cannot write (Is a directory)")
    assert listing(tmp_path) == {"data-train.jsonl": b"an earlier train part\n",
                                 "data-dev.jsonl": b"<dir>"}


def test_hf_split_parts_share_one_labels_file(tmp_path):
    """Each part reads the labels.json the part before it wrote, although none is renamed into
    place before the last part is written: a label only in train and one only in dev both keep
    their ids."""
    import pyarrow.parquet as pq
    from formats_corpus import plain

    db = tmp_path / "split.db"
    store = Store(db)
    wanted = {"train": "XTRA", "dev": "YTRA"}
    n = 0
    while wanted:
        n += 1
        text = f"Nummer {n} meldet heute etwas."
        part = split_of_text(text, (1 / 3, 1 / 3, 1 / 3))
        if part in wanted:
            article, _ = store.add_article(plain(text, part))
            store.add_span(article.id, "ann", 0, 6, wanted.pop(part))
    store.close()
    result = newsmark("export", "--format", "hf", "--status", "any", "--split", "1/1/1",
                      "-o", tmp_path / "d.parquet", "--db", db)
    assert result.returncode == 0, result.stderr
    names = json.loads((tmp_path / "labels.json").read_text())["names"]
    assert "B-XTRA" in names and "B-YTRA" in names
    for part, label in (("train", "XTRA"), ("dev", "YTRA")):
        table = pq.read_table(tmp_path / f"d-{part}.parquet")
        (tags,) = table.column("ner_tags").to_pylist()
        assert names[tags[0]] == f"B-{label}"
        # each part's ClassLabel names the ids it uses, in labels.json's order (a label outside
        # the schema is named from the part that first has it on)
        features = json.loads(table.schema.metadata[b"huggingface"])["info"]["features"]
        part_names = features["ner_tags"]["feature"]["names"]
        assert part_names == names[: len(part_names)] and f"B-{label}" in part_names


# --- permissions, links, new files ----------------------------------------------------------------


def test_replace_keeps_permissions_and_links_new_files_follow_the_umask(corpus, tmp_path):
    kept = tmp_path / "kept.jsonl"
    kept.write_text("old\n")
    kept.chmod(0o640)
    owner = (4242, 4343) if os.geteuid() == 0 else (os.getuid(), os.getgid())  # root may give it away
    os.chown(kept, *owner)
    real = tmp_path / "real.conll"
    real.write_text("old\n")
    link = tmp_path / "link.conll"
    link.symlink_to(real.name)
    results = parallel([
        lambda: newsmark("export", "-o", kept, "--db", corpus),
        lambda: newsmark(*output_args("conll", link), "--db", corpus),
        lambda: newsmark(*output_args("spacy", tmp_path / "new.spacy"), "--db", corpus, umask=0o027),
    ])
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() != "old\n"
    assert (kept.stat().st_uid, kept.stat().st_gid) == owner
    assert link.is_symlink() and os.readlink(link) == "real.conll"
    assert real.read_text().startswith("-DOCSTART-")
    assert stat.S_IMODE((tmp_path / "new.spacy").stat().st_mode) == 0o640  # not mkstemp's 0600
    assert sorted(p.name for p in tmp_path.iterdir()) == \
        ["kept.jsonl", "link.conll", "new.spacy", "real.conll"]


def test_a_directory_is_not_an_output(corpus, tmp_path):
    result = newsmark("export", "-o", tmp_path, "--db", corpus)
    one_error(result, f"Error: {tmp_path}: cannot write (Is a directory)")


# --- feed export-opml, extract --out-dir ----------------------------------------------------------


def test_export_opml_keeps_the_earlier_file(tmp_path):
    db = tmp_path / "db" / "feeds.db"
    db.parent.mkdir()
    store = Store(db)  # held open: its -shm file stays full-size for the limited child
    store.add_feed("https://example.org/feed.xml", "example", ["news"])
    store.add_feed("https://example.com/atom", "other", [])
    out = tmp_path / "out"
    out.mkdir()
    opml = out / "feeds.opml"
    opml.write_text("<opml>earlier</opml>")
    limited, full = parallel([
        lambda: newsmark("feed", "export-opml", opml, "--db", db, limit=100),
        lambda: newsmark("feed", "export-opml", "/dev/full", "--db", db),
    ])
    one_error(limited, f"Error: {opml}: cannot write (File too large)")
    one_error(full, "Error: /dev/full: cannot write (No space left on device)")
    assert listing(out) == {"feeds.opml": b"<opml>earlier</opml>"}
    set_up("feed", "export-opml", opml, db=db)  # without a limit it is written (in this process)
    assert "https://example.org/feed.xml" in opml.read_text()
    store.close()


def test_extract_out_dir_keeps_the_earlier_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / f"{SEED_000.stem}.txt"
    earlier.write_text("earlier text\n")
    result = newsmark("extract", SEED_000, "--out-dir", out, limit=100)
    one_error(result, f"Error: {earlier}: cannot write (File too large)")
    assert listing(out) == {earlier.name: b"earlier text\n"}
    set_up("extract", SEED_000, "--out-dir", out)  # without a limit it is written (in this process)
    assert len(earlier.read_text()) > 1000


# --- the helper itself, in process ----------------------------------------------------------------


def test_atomic_output_in_a_group_renames_only_at_the_end(tmp_path):
    from newsmark.atomic import OutputError, all_or_nothing, atomic_output

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    with pytest.raises(OutputError) as info:
        with all_or_nothing():
            with atomic_output(a) as fh:
                fh.write("new a")
            assert a.read_text() == "old a"  # written, not yet renamed
            with atomic_output(b) as fh:
                fh.write("new b")
                raise OSError(28, "No space left on device")
    assert str(info.value) == f"{b}: cannot write (No space left on device)"
    assert listing(tmp_path) == {"a.txt": b"old a"}
    with all_or_nothing():
        with atomic_output(a) as fh:
            fh.write("new a")
    assert listing(tmp_path) == {"a.txt": b"new a"}


def test_the_cli_ignores_sigxfsz(cli, tmp_path):
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    try:
        cli("feed", "list")
        assert signal.getsignal(signal.SIGXFSZ) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGXFSZ, previous)
