"""Fetching is safe under real use: addresses that are not public are refused (every fetch, every
redirect hop, every feed entry) unless allowed, and one URL has one deadline, retries included.

Against the local server of tests/http_server.py on loopback; nothing here sends traffic
anywhere else (other addresses are only given to the address check itself, or to ``feed add``,
which looks a literal address up without connecting) and nothing mocks httpx.
"""

from __future__ import annotations

import asyncio
import ipaddress
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

import httpcore
import pytest
from http_server import server  # noqa: F401 - the fixture
from test_addresses import PUBLIC, REFUSED

from newsmark.fetch import FetchConfig, Fetcher, FetchError, _GuardedBackend, check_host
from newsmark.sources import refresh_feed
from newsmark.urls import PrivateAddressError, refused_address
from storage.repo import Store

HINT = "(--allow-private allows it)"


def rows(db_path: Path, table: str = "articles") -> list[dict]:
    if not db_path.exists():
        return []
    con = sqlite3.connect(db_path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f"select * from {table} order by rowid")]
    finally:
        con.close()


async def fetch(url: str, config: FetchConfig):
    async with Fetcher(config) as f:
        return await f.fetch(url)


def only(*networks: str, **kw) -> FetchConfig:
    """Private addresses refused, except ``networks`` (one loopback address, for per-hop tests)."""
    return FetchConfig(allow_networks=networks, backoff=0.01, total_timeout=5.0, **kw)


# --- the address check itself (no connection) -------------------------------------------------

@pytest.mark.parametrize(("ip", "kind"), REFUSED)
def test_the_fetcher_refuses_what_the_check_names(ip, kind):
    assert Fetcher(FetchConfig())._refusal(ip) == kind  # what the fetcher's guard asks
    assert Fetcher(FetchConfig(allow_private=True))._refusal(ip) is None
    assert Fetcher(FetchConfig(allow_networks=(ip,)))._refusal(ip) is None


@pytest.mark.parametrize("ip", PUBLIC)
def test_the_fetcher_lets_public_addresses_through(ip):
    assert Fetcher(FetchConfig())._refusal(ip) is None


def test_check_host_names_the_address_without_connecting():
    assert check_host("http://169.254.169.254/latest/meta-data/") == (
        f"refused: 169.254.169.254 is a link-local address, the cloud metadata service {HINT}")
    assert check_host("http://[::ffff:127.0.0.1]:8080/") == (
        f"refused: ::ffff:127.0.0.1 is IPv4-mapped 127.0.0.1, a loopback address {HINT}")
    assert check_host("http://localhost/feed").startswith("refused: localhost is ")
    assert check_host("http://10.0.0.1/", FetchConfig(allow_private=True)) is None
    assert check_host("http://93.184.216.34/") is None  # a literal: no lookup, no connection


# --- refused fetches (the server on 127.0.0.1 never sees them) --------------------------------


def test_ingest_refuses_a_loopback_url_in_one_line_and_stores_nothing(cli, db_path, server):
    url = server.url("/web/de_hafen.html?case=refused")
    result = cli("ingest", url)
    assert result.exit_code == 1
    assert [ln for ln in result.output.splitlines() if ln.startswith("failed: ")] == [
        f"failed: {url}: refused: 127.0.0.1 is a loopback address {HINT}"]
    assert "0 added, 0 duplicate, 1 failed" in result.output
    assert server.hits("/web/de_hafen.html?case=refused") == 0
    assert rows(db_path) == []

    allowed = cli("ingest", "--allow-private", url)  # the opt-in
    assert allowed.exit_code == 0 and server.hits("/web/de_hafen.html?case=refused") == 1


def test_localhost_is_refused(cli, db_path, server):
    url = server.url("/web/de_schule.html?case=localhost", "localhost")
    result = cli("ingest", url)
    assert result.exit_code == 1
    [line] = [ln for ln in result.output.splitlines() if ln.startswith("failed: ")]
    assert line.startswith(f"failed: {url}: refused: localhost is ")
    assert ", a loopback address" in line and line.endswith(HINT)
    assert server.hits("/web/de_schule.html?case=localhost") == 0
    assert rows(db_path) == []


def test_every_redirect_hop_is_checked(server):
    """127.0.0.2 is allowed, 127.0.0.1 is not: a redirect from the one to the other is refused
    at the hop, so the check is per hop and not only on the URL asked for."""
    server.listen("127.0.0.2")
    target = server.url("/web/de_hafen.html?case=hop-refused")
    first = server.url(f"/redirect?to={quote(target, safe='')}", "127.0.0.2")
    with pytest.raises(FetchError) as info:
        asyncio.run(fetch(first, only("127.0.0.2/32", retries=3)))
    assert str(info.value) == f"refused: redirect to {target}: 127.0.0.1 is a loopback address {HINT}"
    assert info.value.refused
    assert [s.host for s in server.requests(f"/redirect?to={quote(target, safe='')}")] == ["127.0.0.2"]
    assert server.hits("/web/de_hafen.html?case=hop-refused") == 0  # not retried either

    # the same redirect to the allowed address is followed, so the hop was the only problem
    ok = server.url("/web/de_hafen.html?case=hop-allowed", "127.0.0.2")
    got = asyncio.run(fetch(server.url(f"/redirect?to={quote(ok, safe='')}", "127.0.0.2"), only("127.0.0.2/32")))
    assert (got.status, got.final_url) == (200, ok)
    # and a relative redirect stays on the allowed host
    got = asyncio.run(fetch(server.url("/redirect?to=/web/de_hafen.html%3Fcase%3Dhop-relative", "127.0.0.2"),
                            only("127.0.0.2/32")))
    assert got.final_url == server.url("/web/de_hafen.html?case=hop-relative", "127.0.0.2")


async def test_a_feed_entry_at_a_refused_address_is_not_fetched_nor_stored(db_path, server):
    server.listen("127.0.0.2")
    private = server.url("/web/de_hafen.html?case=entry-refused")  # 127.0.0.1
    allowed = server.url("/web/de_schule.html?case=entry-allowed", "127.0.0.2")
    store = Store(db_path)
    reports = []
    try:
        feeds = [store.add_feed(server.url(f"/feed-to?to={quote(u, safe='')}", "127.0.0.2"), name, [])
                 for u, name in ((private, "intern"), (allowed, "erlaubt"))]
        async with Fetcher(only("127.0.0.2/32", retries=0)) as fetcher:
            for feed in feeds:
                await refresh_feed(feed, fetcher, store, reports.append)
        stored = [(r["url"], r["origin"]) for r in rows(db_path)]
        by_feed = {f.name: f for f in store.feeds()}
    finally:
        store.close()
    failed = [(o.source, o.reason) for o in reports if o.state == "failed"]
    assert failed == [(private, f"refused: 127.0.0.1 is a loopback address {HINT}")]
    assert server.hits("/web/de_hafen.html?case=entry-refused") == 0
    # the entry has content of its own, yet nothing is stored for the refused link
    assert stored == [(allowed, "page")]
    assert by_feed["intern"].last_error is None  # the feed itself was fine


def test_feed_add_refuses_a_private_host_in_one_line(cli, db_path, server):
    for url, reason in [
        ("http://169.254.169.254/latest/meta-data/",
         "169.254.169.254 is a link-local address, the cloud metadata service"),
        ("http://10.0.0.1/rss.xml", "10.0.0.1 is a private address"),
        (server.url("/feeds/rss_news.xml?t=refused"), "127.0.0.1 is a loopback address"),
    ]:
        result = cli("feed", "add", url)
        assert result.exit_code == 1
        assert result.output == f"Error: {url}: refused: {reason} {HINT}\n"
    result = cli("feed", "add", server.url("/feeds/rss_news.xml?t=refused", "localhost"))
    assert result.exit_code == 1 and "refused: localhost is " in result.output
    assert rows(db_path, "feeds") == []
    assert server.hits("/feeds/rss_news.xml?t=refused") == 0  # feed add fetches nothing anyway

    url = server.url("/feeds/rss_news.xml?t=refused")
    assert cli("feed", "add", url, "--allow-private").output == f"subscribed: 127.0.0.1 {url}\n"


def test_feed_refresh_refuses_without_the_opt_in_and_records_why(cli, db_path, server):
    url = server.url("/feeds/rss_news.xml?t=refresh-refused")
    cli("feed", "add", "--allow-private", url, "--name", "intern")
    result = cli("feed", "refresh", "intern")
    assert result.exit_code == 1
    reason = f"refused: 127.0.0.1 is a loopback address {HINT}"
    assert f"failed: {url}: {reason}" in result.output
    assert server.hits("/feeds/rss_news.xml?t=refresh-refused") == 0
    [feed] = rows(db_path, "feeds")
    assert feed["last_error"] == reason and rows(db_path) == []

    allowed = cli("feed", "refresh", "intern", "--allow-private", "--retries", "0")
    assert allowed.exit_code == 0 and "3 added" in allowed.output


async def test_the_guard_connects_only_to_an_address_it_checked(server):
    """One lookup per connection, and the connection goes to an address from it that passed:
    a name answering a refused and an allowed address (as a rebinding name may) is connected
    to on the allowed one only, and a name answering only refused ones not at all."""
    tried = []

    class Inner(httpcore.AnyIOBackend):  # the real backend, recording where it connects
        async def connect_tcp(self, host, port, **kw):
            tried.append(host)
            assert ipaddress.ip_address(host).is_loopback  # never anywhere else, even if broken
            return await super().connect_tcp(host, port, **kw)

    class Answers(_GuardedBackend):  # a resolver answering these addresses for any name
        def __init__(self, answers):
            super().__init__(lambda ip: refused_address(ip, ("127.0.0.1/32",)), Inner())
            self.answers, self.lookups = answers, 0

        async def _resolve(self, host, port, timeout):
            self.lookups += 1
            return self.answers

    mixed = Answers(["10.0.0.1", "127.0.0.2", "127.0.0.1"])
    stream = await mixed.connect_tcp("intranet.example", server.port, timeout=2)
    await stream.aclose()
    assert tried == ["127.0.0.1"] and mixed.lookups == 1

    refused = Answers(["127.0.0.2", "10.0.0.1"])
    with pytest.raises(PrivateAddressError) as info:
        await refused.connect_tcp("intranet.example", server.port, timeout=2)
    assert str(info.value) == "intranet.example is 127.0.0.2, a loopback address"
    assert tried == ["127.0.0.1"]  # nothing more


async def test_proxies_from_the_environment_are_not_used(server, monkeypatch):
    """Through a proxy the address connected to would be the proxy's, not the one checked."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    got = await fetch(server.url("/web/de_hafen.html?case=proxy"), FetchConfig(allow_private=True))
    assert got.status == 200 and server.hits("/web/de_hafen.html?case=proxy") == 1
    with pytest.raises(FetchError, match=r"^refused: 127\.0\.0\.1 is a loopback address"):
        await fetch(server.url("/web/de_hafen.html?case=proxy-refused"), FetchConfig())


TLS = Path(__file__).parent / "fixtures" / "tls"  # a self-signed certificate for "localhost" only


@pytest.fixture
def tls_server():
    """An HTTPS server on 127.0.0.1 with a certificate for ``localhost``; records the SNI names
    and Host headers it is sent."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: dict[str, list] = {"sni": [], "host": []}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):  # noqa: N802
            seen["host"].append(self.headers.get("Host"))
            body = b"<html><head><title>TLS</title></head><body><p>ok</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(TLS / "localhost.pem")
    ctx.sni_callback = lambda sock, name, _ctx: seen["sni"].append(name)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield httpd.server_address[1], seen
    finally:
        httpd.shutdown()
        httpd.server_close()


async def test_tls_keeps_the_host_name_though_the_connection_is_to_the_checked_address(
        tls_server, monkeypatch):
    """The guard connects to the IP it checked; TLS still sends the name (SNI), checks the
    certificate against the name, and the Host header is the name."""
    port, seen = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS / "localhost-cert.pem"))  # trust just this one
    got = await fetch(f"https://localhost:{port}/page", FetchConfig(allow_private=True, retries=0))
    assert got.status == 200 and b"<p>ok</p>" in got.body
    assert seen["sni"] == ["localhost"] and seen["host"] == [f"localhost:{port}"]
    # by address, the same certificate does not match: verification is on, by name
    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        await fetch(f"https://127.0.0.1:{port}/page", FetchConfig(allow_private=True, retries=0))


# --- one deadline per URL ---------------------------------------------------------------------


def test_a_drip_server_is_cut_at_the_deadline(cli, db_path, server):
    url = server.url("/drip?every=0.2&case=cli")
    started = time.monotonic()
    result = cli("ingest", "--allow-private", url, "--timeout", "2", "--retries", "3")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert [ln for ln in result.output.splitlines() if ln.startswith("failed: ")] == [
        f"failed: {url}: timed out: the 2 s deadline for this URL passed; gave up after 1 attempt"]
    assert 2.0 <= elapsed < 3.0
    [seen] = server.requests("/drip?every=0.2&case=cli")  # one attempt: no retry after the deadline
    assert seen.sent >= 5  # it was dripping all along: no read timeout would have ended it
    assert rows(db_path) == []


async def test_the_deadline_spans_every_attempt(server):
    """Each attempt hits the 0.4 s read timeout and is retried, until the 1 s deadline."""
    url = server.url("/slow?s=1.5&case=attempts")
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        await fetch(url, FetchConfig(allow_private=True, read_timeout=0.4, total_timeout=1.0,
                                     retries=10, backoff=0.01))
    elapsed = time.monotonic() - started
    message = str(info.value)
    assert message.startswith("timed out: the 1 s deadline for this URL passed; gave up after ")
    attempts = int(message.rsplit(" ", 2)[1])
    assert attempts >= 2 and server.hits("/slow?s=1.5&case=attempts") == attempts
    assert 1.0 <= elapsed < 1.6


async def test_a_backoff_past_the_deadline_is_not_slept(server):
    url = server.url("/flaky/deadline?fail=99&code=503")
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        await fetch(url, FetchConfig(allow_private=True, total_timeout=1.0, retries=10, backoff=0.3))
    elapsed = time.monotonic() - started
    attempts = server.hits("/flaky/deadline")
    assert str(info.value) == (f"HTTP 503; gave up after {attempts} attempts (the next would start "
                               "past the 1 s deadline for this URL)")
    assert 2 <= attempts < 10 and elapsed < 1.0


async def test_a_retry_after_past_the_deadline_ends_the_url_at_once(server):
    url = server.url("/ratelimit/deadline?after=5")
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        await fetch(url, FetchConfig(allow_private=True, total_timeout=2.0, retries=3))
    assert str(info.value) == "HTTP 429; Retry-After 5 s would pass the 2 s deadline for this URL"
    assert time.monotonic() - started < 0.5
    assert server.hits("/ratelimit/deadline") == 1


async def test_waiting_for_a_slot_does_not_count_against_the_deadline(server):
    """One request at a time to the host: the second URL waits 0.6 s for its slot, then gets
    its own whole second."""
    urls = [server.url(f"/slow?s=0.6&case=queue{i}") for i in range(2)]
    async with Fetcher(FetchConfig(allow_private=True, per_host=1, total_timeout=1.0, retries=0)) as f:
        started = time.monotonic()
        got = await asyncio.gather(*(f.fetch(u) for u in urls))
    assert [g.status for g in got] == [200, 200]
    assert time.monotonic() - started >= 1.2  # longer than one deadline, in all
