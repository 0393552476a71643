"""Fetching pages over real HTTP: ``newsmark ingest URL`` and the ``Fetcher`` against a local
server (tests/http_server.py). Nothing here reaches the internet and nothing mocks httpx."""

from __future__ import annotations

import asyncio
import hashlib
import json
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from http_server import TestServer, server  # noqa: F401 - the fixture

from newsmark import __version__
from newsmark.fetch import Fetcher, FetchConfig, FetchError, parse_retry_after
from newsmark.urls import URLError, canonical_url, check_url

GERMAN_BODY = [
    "Die marode Kaimauer im Binnenhafen wird in den kommenden drei Jahren vollständig erneuert.",
    "Hafenchefin Marion Seewald sprach von einer „Investition in die nächsten hundert Jahre“.",
    "Während der Bauarbeiten soll der Umschlag von Getreide und Baustoffen weiterlaufen.",
    "Die Hafengesellschaft sagte zu, die Brutzeit bei der Planung zu berücksichtigen.",
]
GERMAN_BOILERPLATE = [
    "Anzeige", "Lesen Sie auch", "Containerumschlag", "Newsletter", "Postfach", "teilen",
    "Facebook", "WhatsApp", "Mehr zum Thema", "Neue Fähre", "Foto:", "Foto: Hafengesellschaft",
    "picture alliance", "Bild:", "Das könnte Sie auch interessieren", "Cookies", "Impressum",
    "Startseite", "Alle Rechte vorbehalten", "Zustimmen",
]


def fast(**kw) -> FetchConfig:
    """Short timeouts and backoffs for direct Fetcher tests; the local server is on loopback."""
    return FetchConfig(**{"backoff": 0.01, "total_timeout": 5.0, "read_timeout": 5.0,
                          "allow_private": True, **kw})


async def fetch(url: str, config: FetchConfig | None = None, **kw):
    async with Fetcher(config or fast()) as f:
        return await f.fetch(url, **kw)


def failure(url: str, config: FetchConfig | None = None) -> str:
    with pytest.raises(FetchError) as info:
        asyncio.run(fetch(url, config))
    return str(info.value)


def lines(result, prefix: str) -> list[str]:
    return [ln for ln in result.output.splitlines() if ln.startswith(prefix)]


def articles(db_path: Path) -> list[dict]:
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("select * from articles order by id")]
    finally:
        con.close()


# --- URLs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM/Path/Page.html", "http://example.com/Path/Page.html"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=XYZ&gclid=abc&UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/a?q=a%2Fb&page=2&flag", "https://example.com/a?q=a%2Fb&page=2&flag"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/x  ", "https://example.com/x"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("http://[2001:DB8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical
    assert canonical_url(canonical) == canonical  # idempotent


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file.html", "unsupported URL scheme 'ftp' (only http and https)"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("javascript:alert(1)", "unsupported URL scheme 'javascript'"),
        ("mailto:someone@example.com", "unsupported URL scheme 'mailto'"),
        ("example.com/page", "unsupported URL scheme ''"),
        ("http:///no-host", "URL has no host"),
        ("http://example.com:99999/", "malformed URL (Port out of range"),
        ("http://[::1/", "malformed URL (Invalid IPv6 URL)"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(url, reason):
    for fn in (check_url, canonical_url):
        with pytest.raises(URLError) as info:
            fn(url)
        assert reason in str(info.value)
    assert reason in failure(url)  # the Fetcher says the same, without a request


def test_non_http_schemes_on_the_command_line(cli, server):
    result = cli("ingest", "--allow-private", "ftp://example.com/a.html", "file:///etc/passwd",
                 "http://example.com:99999/x", "mailto:someone@example.com",
                 "data:text/html,hi", server.url("/web/de_hafen.html"))
    assert result.exit_code == 0
    assert "failed: ftp://example.com/a.html: unsupported URL scheme 'ftp' (only http and https)" in result.output
    assert "failed: file:///etc/passwd: unsupported URL scheme 'file' (only http and https)" in result.output
    assert "failed: http://example.com:99999/x: malformed URL (Port out of range 0-65535)" in result.output
    assert "failed: mailto:someone@example.com: unsupported URL scheme 'mailto'" in result.output
    assert "failed: data:text/html,hi: unsupported URL scheme 'data'" in result.output
    assert len(lines(result, "added: ")) == 1


def test_a_redirect_to_another_scheme_is_refused_not_retried(server):
    url = server.url("/redirect?to=ftp://example.com/elsewhere")
    before = server.hits("/redirect?to=ftp")
    reason = failure(url, fast(retries=3))
    assert reason.startswith("redirected to an unsupported URL")
    assert server.hits("/redirect?to=ftp") - before == 1


# --- pages ------------------------------------------------------------------------------------


def test_german_page_clean_text_and_metadata(cli, db_path, server):
    url = server.url("/web/de_hafen.html")
    result = cli("ingest", "--allow-private", url, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["added"] == 1 and summary["failed"] == 0
    [row] = articles(db_path)
    text = row["text"]
    for sentence in GERMAN_BODY:
        assert sentence in text
    for junk in GERMAN_BOILERPLATE:
        assert junk not in text, junk
    assert text.count("\n\n") == 3  # four paragraphs, nothing else
    assert row["title"] == "Hafen bekommt neue Kaimauer"
    assert row["author"] == "Jens Kaimann"
    assert row["published"].startswith("2024-05-21T07:15")
    assert row["language"] == "de"
    assert row["origin"] == "page"
    assert row["url"] == url
    assert row["source"] == "127.0.0.1"
    assert row["raw"] == (Path(__file__).parent / "fixtures/web/de_hafen.html").read_bytes()
    assert summary["items"] == [{"input": url, "state": "added", "id": row["id"],
                                 "title": "Hafen bekommt neue Kaimauer"}]


def test_windows_1252_page_without_any_charset_is_decoded(cli, db_path, server):
    url = server.url("/web/de_cp1252.html")
    got = asyncio.run(fetch(url))
    assert got.headers["content-type"] == "text/html"  # no charset header …
    assert b"charset" not in got.body and got.charset is None  # … and none in the document
    assert b"Gr\xfc\xdfe" in got.body and b"\x80" in got.body  # "Grüße" and "€" in Windows-1252

    assert cli("ingest", "--allow-private", url).exit_code == 0
    [row] = articles(db_path)
    assert row["title"] == "Grüße aus der Bäckerstraße"
    for word in ("Grüße", "Straße", "2 €", "1.500 €", "„herzliche Grüße an alle Stammkunden“", "– der Sauerteig"):
        assert word in row["text"], word
    assert "\ufffd" not in row["text"] and "Ã" not in row["text"]


def test_non_html_content_type_is_refused(cli, server):
    url = server.url("/files/report.pdf")
    result = cli("ingest", "--allow-private", url)
    assert result.exit_code == 1
    assert f"failed: {url}: content type 'application/pdf' is not text/html or application/xhtml+xml" in result.output


def test_http_errors_are_not_retried(cli, server):
    url = server.url("/status/404?case=cli")
    result = cli("ingest", "--allow-private", url, "--retries", "3")
    assert f"failed: {url}: HTTP 404" in result.output
    assert server.hits("/status/404?case=cli") == 1


def test_user_agent_names_newsmark_and_its_version(cli, server):
    asyncio.run(fetch(server.url("/web/de_schule.html?ua=direct")))
    cli("ingest", "--allow-private", server.url("/web/de_schule.html?ua=cli"))
    for case in ("direct", "cli"):
        [seen] = server.requests(f"/web/de_schule.html?ua={case}")
        ua = seen.headers["user-agent"]
        assert ua.startswith(f"newsmark/{__version__} "), ua


# --- failures, retries, limits ----------------------------------------------------------------


def test_slow_response_times_out_with_a_clear_message(cli, server):
    url = server.url("/slow?s=3")
    started = time.monotonic()
    result = cli("ingest", "--allow-private", url, "--timeout", "0.5", "--retries", "0")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    [line] = lines(result, "failed: ")
    assert line == f"failed: {url}: timed out: the 0.5 s deadline for this URL passed; gave up after 1 attempt"
    assert elapsed < 2.5


async def test_500_then_success_is_retried(server):
    got = await fetch(server.url("/flaky/direct?fail=2&code=500"), fast(retries=3))
    assert got.status == 200 and got.attempts == 3
    assert [s.status for s in server.requests("/flaky/direct")] == [500, 500, 200]


async def test_503_past_the_retries_gives_up_with_the_count(server):
    with pytest.raises(FetchError, match=r"^HTTP 503; gave up after 3 attempts$"):
        await fetch(server.url("/flaky/giveup?fail=9&code=503"), fast(retries=2))
    assert server.hits("/flaky/giveup") == 3


def test_500_then_success_through_the_cli(cli, server):
    url = server.url("/flaky/cli?fail=1&code=500")
    result = cli("ingest", "--allow-private", url, "--retries", "1")
    assert result.exit_code == 0 and len(lines(result, "added: ")) == 1
    assert [s.status for s in server.requests("/flaky/cli")] == [500, 200]


async def test_429_retry_after_is_honoured(server):
    got = await fetch(server.url("/ratelimit/direct?after=1"), fast(retries=2))
    assert got.status == 200 and got.attempts == 2
    first, second = server.requests("/ratelimit/direct")
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 1.0  # the header's second, not the 0.01 s backoff
    assert second.at - first.at < 2.0


async def test_retry_after_beyond_the_maximum_is_not_waited_for(server):
    with pytest.raises(FetchError, match=r"^HTTP 429; Retry-After 1 s is too long$"):
        await fetch(server.url("/ratelimit/toolong?after=1"), fast(retries=2, max_retry_after=0.5))


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_redirect_loop(cli, server):
    url = server.url("/loop/a")
    before = server.hits("/loop/")
    result = cli("ingest", "--allow-private", url, "--retries", "3")
    assert result.exit_code == 1
    assert f"failed: {url}: too many redirects (limit 5)" in result.output
    assert server.hits("/loop/") - before == 6  # the first request and 5 redirects, no retries


def test_oversized_body_with_content_length_is_refused(cli, server):
    url = server.url("/big?size=300000&declared=1")
    result = cli("ingest", "--allow-private", url, "--max-bytes", "100000")
    assert result.exit_code == 1
    assert f"failed: {url}: body is over the 100,000-byte limit (300,000 declared); abandoned" in result.output


def test_oversized_streamed_body_is_abandoned(cli, server):
    url = server.url("/big?size=4000000&declared=0")  # no Content-Length: chunked, 16 KiB per ms
    started = time.monotonic()
    result = cli("ingest", "--allow-private", url, "--max-bytes", "100000")
    assert result.exit_code == 1
    assert f"failed: {url}: body is over the 100,000-byte limit; abandoned" in result.output
    assert time.monotonic() - started < 2.0
    time.sleep(0.4)  # the whole body would have gone out by now had we kept reading
    [seen] = server.requests("/big?size=4000000&declared=0")
    assert seen.sent < 1_000_000


async def test_gzip_bomb_is_stopped_early_with_little_memory_and_time(server):
    limit = 1_000_000
    url = server.url("/bomb?mib=1024&case=direct")  # 1 GiB of zeros, about 1 MiB compressed
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as info:
            await fetch(url, fast(max_bytes=limit, retries=0))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == "body is over the 1,000,000-byte limit (decompressed); abandoned"
    assert elapsed < 2.0
    assert peak < 8 * 1024 * 1024  # a few buffers of ~1 MB, not the decompressed GiB
    await asyncio.sleep(0.3)  # the server streams 1 KiB every 2 ms for as long as we read
    [seen] = server.requests("/bomb?mib=1024&case=direct")
    assert seen.sent < 64 * 1024  # it got to send almost nothing: we hung up


def test_gzip_bomb_through_the_cli(cli, server):
    url = server.url("/bomb?mib=1024&case=cli")
    started = time.monotonic()
    result = cli("ingest", "--allow-private", url, "--max-bytes", "1000000")
    assert f"failed: {url}: body is over the 1,000,000-byte limit (decompressed); abandoned" in result.output
    assert time.monotonic() - started < 3.0


# --- concurrency ------------------------------------------------------------------------------

HOSTS = ["localhost", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]


def grouped_urls(server: TestServer, tag: str, per_host: int = 6, delay: float = 0.2) -> list[str]:
    """Six loopback host names, all of one host's URLs before the next host's."""
    for host in HOSTS:
        if host != "localhost":
            server.listen(host)
    return [server.url(f"/gen/{100 + per_host * h + i}?delay={delay}&c={tag}", host)
            for h, host in enumerate(HOSTS) for i in range(per_host)]


def overlaps(server: TestServer, tag: str) -> tuple[dict[str, int], int]:
    seen = [s for s in server.requests("/gen/") if s.path.endswith(f"&c={tag}")]
    per_host = {h: server.max_overlap([s for s in seen if s.host == h]) for h in HOSTS}
    return per_host, server.max_overlap(seen)


async def test_concurrency_bounds_per_host_and_overall(server):
    urls = grouped_urls(server, "direct")
    async with Fetcher(fast(concurrency=8, per_host=2)) as f:
        started = time.monotonic()
        got = await asyncio.gather(*(f.fetch(u) for u in urls))
        elapsed = time.monotonic() - started
    assert all(g.status == 200 for g in got)
    per_host, overall = overlaps(server, "direct")
    assert per_host == {h: 2 for h in HOSTS}  # never more than 2 per host, and 2 were used
    assert overall == 8  # never more than 8: and a busy host never held a global slot idle
    assert elapsed < 36 * 0.2 / 4  # far better than 2 at a time


def test_concurrency_bounds_through_the_cli(cli, server):
    result = cli("ingest", "--allow-private", *grouped_urls(server, "cli"), "--concurrency", "8", "--per-host", "2", "--quiet")
    assert result.stdout.strip() == "added=36 version=0 duplicate=0 unchanged=0 failed=0"
    per_host, overall = overlaps(server, "cli")
    assert per_host == {h: 2 for h in HOSTS}
    assert overall == 8


# --- duplicates and versions ------------------------------------------------------------------


def test_same_canonical_url_or_same_text_is_a_duplicate(cli, db_path, server):
    url = server.url("/web/de_hafen.html")
    assert cli("ingest", "--allow-private", url).exit_code == 0
    noisy = url.replace("http://127.0.0.1", "HTTP://127.0.0.1") + "?utm_source=rss&fbclid=abc#kommentare"
    assert canonical_url(noisy) == url
    again = cli("ingest", "--allow-private", noisy)
    assert again.exit_code == 0
    assert lines(again, "duplicate: ") == [f"duplicate: {noisy} -> #1 Hafen bekommt neue Kaimauer (same text as article 1)"]
    copy = cli("ingest", "--allow-private", server.url("/copy/de_hafen.html"), "--json")  # other address, same text
    assert json.loads(copy.stdout)["duplicate"] == 1
    assert len(articles(db_path)) == 1


def test_changed_text_becomes_a_new_version_and_spans_stay_on_the_old(cli, store, db_path, server):
    path = "/switch/versions"
    url = server.url(path)
    server.state[path] = "a"
    assert cli("ingest", "--allow-private", url).exit_code == 0
    [v1] = [store.article(r["id"]) for r in articles(db_path)]
    start = v1.text.index("Stadtrat")
    span = store.add_span(v1.id, "anna", start, start + len("Stadtrat"), "ORG")

    server.state[path] = "b"  # the page is updated
    result = cli("ingest", "--allow-private", url, "--json")
    summary = json.loads(result.stdout)
    assert summary["version"] == 1 and summary["added"] == 0
    v2 = store.article(summary["items"][0]["id"])
    assert (v2.version, v2.parent_id, v2.url) == (2, v1.id, v1.url)
    assert v2.text.startswith(v1.text) and "Aktualisierung:" in v2.text
    assert store.article(v1.id).text == v1.text  # the old version is untouched …
    assert store.spans(v1.id, "anna") == [span]  # … and keeps its spans
    assert store.spans(v2.id, "anna") == []
    assert store.older_annotated_versions(v2.id) == [v1.id]
    assert json.loads(cli("ingest", "--allow-private", url, "--json").stdout)["duplicate"] == 1  # unchanged again


# --- output modes -----------------------------------------------------------------------------


def test_quiet_and_json_print_a_machine_readable_summary(cli, db_path, server):
    good, bad = server.url("/web/de_schule.html"), server.url("/status/404?case=modes")
    quiet = cli("ingest", "--allow-private", good, bad, "--quiet")
    assert quiet.exit_code == 0
    [line] = quiet.stdout.splitlines()
    assert dict(kv.split("=") for kv in line.split()) == {
        "added": "1", "version": "0", "duplicate": "0", "unchanged": "0", "failed": "1"}

    result = cli("ingest", "--allow-private", good, bad, "--json")
    assert result.exit_code == 0  # a duplicate is not a failure of the whole run
    summary = json.loads(result.stdout)
    assert {k: summary[k] for k in ("added", "version", "duplicate", "unchanged", "failed")} == {
        "added": 0, "version": 0, "duplicate": 1, "unchanged": 0, "failed": 1}
    assert summary["interrupted"] is False and summary["warnings"] == [] and summary["db"] == str(db_path)
    items = {i["input"]: i for i in summary["items"]}
    assert items[good]["state"] == "duplicate" and items[good]["title"] == "Grundschule wird Ganztagsschule"
    assert items[bad] == {"input": bad, "state": "failed", "reason": "HTTP 404"}


# --- Ctrl-C -----------------------------------------------------------------------------------


def test_ctrl_c_stops_cleanly_and_keeps_what_was_fetched(tmp_path, server, empty_db_template):
    db = tmp_path / "interrupted.db"
    shutil.copy(empty_db_template, db)  # the child is not there to migrate a new database
    urls = [server.url(f"/gen/{700 + i}?delay=0.4") for i in range(16)]
    exe = Path(sys.executable).with_name("newsmark")
    proc = subprocess.Popen([str(exe), "ingest", "--allow-private", *urls, "--db", str(db), "--per-host", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [out.put(ln.rstrip("\n")) for ln in proc.stdout], daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 30
    try:
        while sum(ln.startswith("added: ") for ln in seen) < 3:
            seen.append(out.get(timeout=max(0.1, deadline - time.monotonic())))
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.1)
    while not out.empty():
        seen.append(out.get())
    stderr = proc.stderr.read()
    assert code == 130, stderr
    assert "Traceback" not in stderr
    added = [ln.split()[1] for ln in seen if ln.startswith("added: ")]
    assert 3 <= len(added) < len(urls)
    assert seen[-1].endswith("(interrupted)") and seen[-1].startswith(f"{len(added)} added")

    con = sqlite3.connect(db)
    try:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        rows = con.execute("select url, text, text_hash, tokens, raw, language from articles").fetchall()
    finally:
        con.close()
    assert sorted(r[0] for r in rows) == sorted(added)  # everything reported is stored, no more
    for _url, text, text_hash, tokens, raw, language in rows:  # and whole: no half rows
        assert text and hashlib.sha256(text.encode()).hexdigest() == text_hash
        assert json.loads(tokens) and raw.startswith(b"<!DOCTYPE html>") and language == "de"


def test_an_unexpected_error_fails_one_url_not_the_run(cli, db_path, server, monkeypatch):
    import newsmark.sources

    real = newsmark.sources._clean_page

    def clean(body, url, *args, **kw):  # a cleaner bug on one page only
        if "de_schule" in url:
            raise RuntimeError("boom")
        return real(body, url, *args, **kw)

    monkeypatch.setattr(newsmark.sources, "_clean_page", clean)
    bad, good = server.url("/web/de_schule.html?case=bug"), server.url("/web/de_hafen.html?case=bug")
    result = cli("ingest", "--allow-private", bad, good)
    assert result.exit_code == 0
    assert f"failed: {bad}: unexpected error (RuntimeError: boom)" in result.output
    assert "1 added, 0 duplicate, 1 failed" in result.output
    assert [r["url"] for r in articles(db_path)] == [good]
