"""`newsmark ingest` and `newsmark extract` on real files, good and bad."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from pathlib import Path

from conftest import SEED_000, SEED_004, SEEDS, SEEDS_GOLD, check_golden

from newsmark.ingest import output_name
from newsmark.text import text_hash, tokenize
from storage.repo import Store

GOLD = SEEDS_GOLD


def gold(seed: Path) -> dict:
    return json.loads((GOLD / (seed.stem + ".json")).read_text("utf-8"))


def test_ingest_seeds_then_again_is_duplicate(cli, db_path):
    first = cli("ingest", SEEDS)
    assert first.exit_code == 0, first.output
    assert first.output.count("added: ") == 2
    assert "2 added, 0 duplicate, 0 failed" in first.output

    again = cli("ingest", SEEDS)
    assert again.exit_code == 0
    assert again.output.count("duplicate: ") == 2
    assert "0 added, 2 duplicate, 0 failed" in again.output
    assert Store(db_path).count_articles() == 2


def test_ingested_seed_matches_gold_and_keeps_raw(cli, db_path):
    assert cli("ingest", SEED_004).exit_code == 0
    store = Store(db_path)
    (row,) = store.list_articles("x")
    art = store.article(row.id)
    g = gold(SEED_004)
    assert art.text == "\n\n".join(g["body"])
    assert (art.title, art.author, art.published) == (g["title"], g["author"], g["published"])
    assert art.kicker == g["kicker"]
    assert art.language == "de"
    assert art.raw == SEED_004.read_bytes()
    assert art.text_hash == text_hash(art.text)
    assert art.tokens == tokenize(art.text, "de")
    assert art.url == str(SEED_004.resolve())


def test_clean_text_of_each_seed_is_golden(cli):
    for seed in (SEED_000, SEED_004):
        result = cli("extract", seed, db=None)
        assert result.exit_code == 0
        check_golden(f"{seed.stem}.clean.txt", result.output)
        assert result.output.rstrip("\n") == "\n\n".join(gold(seed)["body"])


def test_if_empty_skips_a_filled_database(cli):
    assert cli("ingest", "--if-empty", SEEDS).output.count("added: ") == 2
    result = cli("ingest", "--if-empty", SEEDS)
    assert result.exit_code == 0 and "nothing to do" in result.output


def test_html_gz_and_markdown_files(cli, db_path, tmp_path):
    page = (
        "<html lang='en'><head><title>Storm hits coast</title></head><body><nav>Home | World</nav>"
        "<article><h1>Storm hits coast</h1>"
        + "".join(f"<p>Paragraph {i} of the storm report, with enough words to count as text.</p>" for i in range(6))
        + "</article></body></html>"
    )
    (tmp_path / "storm.html.gz").write_bytes(gzip.compress(page.encode()))
    (tmp_path / "note.md").write_text("# A title\n\nFirst paragraph here.\n\n- a list item\n", "utf-8")
    result = cli("ingest", tmp_path / "storm.html.gz", tmp_path / "note.md")
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    titles = {r.title for r in Store(db_path).list_articles("x")}
    assert {"A title", "Storm hits coast"} <= titles


def test_charset_detection_and_crlf(cli, db_path, tmp_path):
    text = ("Grüße aus Köln. Die Straße ist für den Verkehr gesperrt, teilte die Polizei mit.\r\n\r\n" * 3)
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    result = cli("ingest", tmp_path / "latin.txt")
    assert result.exit_code == 0, result.output
    store = Store(db_path)
    art = store.article(store.list_articles("x")[0].id)
    assert "Grüße aus Köln" in art.text and "\r" not in art.text


def test_nfc_normalisation(cli, db_path, tmp_path):
    decomposed = "Cafe\u0301 Zu\u0308rich: Die Stadt meldet einen neuen Rekord bei den Besucherzahlen im Sommer."
    (tmp_path / "nfd.txt").write_text(decomposed, "utf-8")
    assert cli("ingest", tmp_path / "nfd.txt").exit_code == 0
    store = Store(db_path)
    art = store.article(store.list_articles("x")[0].id)
    assert "Café Zürich" in art.text


def test_bad_inputs_each_get_one_line_and_nothing_is_stored(cli, db_path, tmp_path):
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "boiler.txt").write_text("Anzeige\n\nAnzeige\n\nWerbung\n", "utf-8")
    (tmp_path / "big.txt").write_text("Ein Satz über Berlin und die Welt. " * 100, "utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    result = cli(
        "ingest",
        tmp_path / "binary.txt",
        tmp_path / "empty.txt",
        tmp_path / "boiler.txt",
        tmp_path / "missing.txt",
        tmp_path / "image.png",
        tmp_path / "big.txt",
        "--max-bytes",
        "1000",
    )
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if l.startswith("failed: ")]
    assert len(lines) == 6, result.output
    reasons = "\n".join(lines)
    assert "binary.txt: binary content" in reasons
    assert "empty.txt: empty input" in reasons
    assert "boiler.txt: no article text left" in reasons
    assert "missing.txt: no such file or directory" in reasons
    assert "image.png: unsupported file type" in reasons
    size = (tmp_path / "big.txt").stat().st_size
    assert f"big.txt: file is {size:,} bytes, over the 1,000-byte limit" in reasons
    assert "0 added, 0 duplicate, 6 failed" in result.output
    assert Store(db_path).count_articles() == 0


def test_gzip_bomb_is_stopped(cli, tmp_path):
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"A" * 5_000_000))
    result = cli("ingest", tmp_path / "bomb.txt.gz", "--max-bytes", "100000")
    assert result.exit_code == 1
    assert "bomb.txt.gz: decompressed content is over the 100,000-byte limit" in result.output


def test_one_good_input_is_enough_for_success(cli, tmp_path):
    result = cli("ingest", SEED_004, tmp_path / "missing.txt")
    assert result.exit_code == 0
    assert "1 added, 0 duplicate, 1 failed" in result.output


def test_unreadable_directory():
    """root reads every directory, so as root the CLI runs in a child that drops to nobody."""
    from tui.cli import main
    from click.testing import CliRunner

    base = Path(tempfile.mkdtemp(prefix="newsmark-perm-"))
    base.chmod(0o777)
    locked = base / "locked"
    locked.mkdir()
    shutil.copy(SEED_004, locked / "a.txt")
    locked.chmod(0)
    out_file = base / "out.txt"
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, run the real CLI, report through a file
        code = 99
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            result = CliRunner().invoke(main, ["ingest", str(locked), "--db", str(base / "db.sqlite")])
            out_file.write_text(f"{result.exit_code}\n{result.output}", "utf-8")
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    locked.chmod(0o755)
    try:
        assert os.waitstatus_to_exitcode(status) == 0
        exit_code, output = out_file.read_text("utf-8").split("\n", 1)
        assert exit_code == "1", output
        assert f"failed: {locked}: directory is not readable" in output
        assert "0 added, 0 duplicate, 1 failed" in output
    finally:
        shutil.rmtree(base)


def test_extract_out_dir_names(cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_004, src / "article.one.txt")
    (src / "page.html.gz").write_bytes(gzip.compress(
        ("<html><body><article>" + "<p>A paragraph of real words for the reader here.</p>" * 5
         + "</article></body></html>").encode()))
    out = tmp_path / "out"
    result = cli("extract", src, "--out-dir", out, db=None)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["article.one.txt", "page.txt"]
    assert output_name(Path("x/abc.html.gz")) == "abc"
    assert output_name(Path("abc.md")) == "abc"
