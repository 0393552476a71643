"""A real HTTP server on loopback for the fetch and feed tests (and the benchmarks).

``ThreadingHTTPServer`` in a daemon thread on 127.0.0.1, port 0. Nothing here reaches the
internet. Every request is recorded (path, Host, headers, time) and the server tracks how many
requests are in flight per host name and overall, so tests can check the fetcher's bounds from
the *server's* side.

Routes (``GET`` only)::

    /web/NAME                  a file from tests/fixtures/web (de_cp1252*.html: no charset header)
    /copy/NAME                 the same file at another address (same text, other URL)
    /feeds/NAME.xml?v=both|etag|lm|none
                               a feed template from tests/fixtures/web ({BASE} is this server),
                               with ETag and/or Last-Modified; honours If-None-Match and
                               If-Modified-Since with 304
    /status/CODE               that status, a short text body
    /files/report.pdf          application/pdf
    /gen/N?delay=S             a unique generated German article number N, after S seconds
    /slow?s=S                  an article after S seconds
    /flaky/KEY?fail=K&code=C   status C for the first K requests to KEY, then an article
    /ratelimit/KEY?after=S     429 with Retry-After: S on the first request to KEY, then an article
    /loop/a, /loop/b           redirect to each other forever
    /redirect?to=URL           302 to URL
    /big?size=N&declared=1|0   N bytes of HTML, with Content-Length, or streamed in 16 KiB chunks
                               1 ms apart without it
    /bomb?mib=M                a gzip bomb: M MiB of zeros, gzip-compressed (~1000:1), streamed in
                               small paced chunks; ``sent`` records how many bytes went out
    /switch/KEY                the article version ``server.state[KEY]`` ("a" or "b")
    /drip?every=S              HTML headers at once, then one body byte every S seconds, forever
                               (until the client hangs up; at most 120 s)
    /feed-to?to=URL            an RSS feed with one item linking to URL, with its own content

Fixtures: ``server`` (session-scoped). Import it into a test module:
``from http_server import server``.

The server listens on loopback, which newsmark refuses to fetch from by default: fetch from it
with ``FetchConfig(allow_private=True)`` or ``--allow-private`` (or, to test the refusal per
redirect hop, allow just one loopback address with ``allow_networks``).
"""

from __future__ import annotations

import hashlib
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

WEB = Path(__file__).parent / "fixtures" / "web"
FEED_LAST_MODIFIED = "Tue, 04 Jun 2024 10:00:00 GMT"
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    host: str  # the Host header's name, without the port
    headers: dict[str, str]
    at: float  # time.monotonic() when the request line was read
    left: float | None = None  # when its answer was ready (the end of its time "in flight")
    status: int = 0
    sent: int = 0  # body bytes actually written


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before answering (counted as in flight)
    stream: object = None  # an iterable of (chunk, pause) sent chunked instead of ``body``


# --- generated articles -----------------------------------------------------------------------

_TOPICS = ["Radweg", "Schwimmbad", "Bibliothek", "Marktplatz", "Stadtpark", "Feuerwache",
           "Grundschule", "Busbahnhof", "Sporthalle", "Museum", "Hafenbecken", "Rathaus"]
_PLACES = ["Nordstadt", "Altstadt", "Südviertel", "Hafenviertel", "Westend", "Oststadt", "Neustadt"]
_NUMBERS = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]


def spelled(n: int) -> str:
    return "-".join(_NUMBERS[int(d)] for d in str(n))


def article_html(n: int, extra: str = "") -> bytes:
    """A plausible German news page whose clean text is unique for every ``n``."""
    topic, place = _TOPICS[n % len(_TOPICS)], _PLACES[n % len(_PLACES)]
    code = spelled(n)
    paras = [
        f"Der Stadtrat hat am Dienstag beschlossen, das Projekt {topic} in der {place} mit der "
        f"Vorhabennummer {code} fortzusetzen. Die Verwaltung rechnet mit Kosten von {n + 3} "
        f"Millionen Euro, die zum größten Teil aus Fördermitteln des Landes stammen sollen.",
        f"Nach den Plänen der Verwaltung beginnen die Arbeiten für das Vorhaben {code} im "
        f"kommenden Frühjahr. Anwohnerinnen und Anwohner der {place} sollen in mehreren "
        f"Versammlungen beteiligt werden, bevor die endgültige Planung im Herbst vorliegt.",
        f"Die Opposition kritisierte, dass die Folgekosten für das Projekt {topic} bisher nicht "
        f"berechnet worden seien. Ein Sprecher der Verwaltung sagte dagegen, die Unterhaltung sei "
        f"im Haushalt für die nächsten {n % 9 + 2} Jahre bereits eingeplant.",
    ]
    if extra:
        paras.append(extra)
    body = "\n".join(f"    <p>{p}</p>" for p in paras)
    title = f"{topic} in der {place}: Vorhaben {code} geht weiter"
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{title} | Stadtbote Beispiel</title>
<meta property="og:title" content="{title}">
<meta name="author" content="Redaktion Stadtbote">
</head>
<body>
<header><nav><a href="/">Startseite</a> <a href="/lokales">Lokales</a></nav></header>
<article>
  <h1>{title}</h1>
{body}
    <p>Anzeige</p>
</article>
<footer><p>© 2024 Stadtbote Beispiel</p></footer>
</body>
</html>
""".encode()


SWITCH_UPDATE = (
    "Aktualisierung: Am Abend teilte die Verwaltung mit, dass sich der Baubeginn wegen "
    "fehlender Genehmigungen um mindestens drei Monate verschieben wird."
)


# --- the server -------------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server: _HTTPServer

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError, TimeoutError):
            pass  # the client went away (abandoned bodies, timeouts, Ctrl-C): not an error here

    def do_GET(self) -> None:  # noqa: N802
        owner: TestServer = self.server.owner  # type: ignore[attr-defined]
        seen = Seen(self.path, (self.headers.get("Host") or "").rsplit(":", 1)[0].lower(),
                    {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
        owner._enter(seen)
        left = False
        try:
            reply = owner.answer(seen)
            if reply.delay:
                time.sleep(reply.delay)
            seen.status = reply.status
            owner._leave(seen)  # before writing: the server never over-counts what is in flight
            left = True
            self.send_response(reply.status)
            for k, v in reply.headers.items():
                self.send_header(k, v)
            if reply.stream is not None:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for chunk, pause in reply.stream:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                    seen.sent += len(chunk)
                    if pause:
                        time.sleep(pause)
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)
                    seen.sent = len(reply.body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        finally:
            if not left:
                owner._leave(seen)


class TestServer:
    """The shared state of one or more listening sockets (same port on several loopback IPs)."""

    __test__ = False  # not a pytest test class

    def __init__(self, host: str = "127.0.0.1"):
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.state: dict[str, str] = {}
        self.counters: Counter[str] = Counter()
        self.inflight: Counter[str] = Counter()
        self.inflight_total = 0
        self.max_inflight: Counter[str] = Counter()
        self.max_inflight_total = 0
        self._servers: list[_HTTPServer] = []
        self._hosts: set[str] = set()
        self.port = 0
        self.port = self.listen(host)
        self.host = host

    # --- lifecycle --------------------------------------------------------------------------

    def listen(self, host: str) -> int:
        """Serve on ``host`` too (same port when one is already chosen); once per address."""
        if host in self._hosts:
            return self.port
        httpd = _HTTPServer((host, self.port), _Handler)
        self._hosts.add(host)
        httpd.owner = self  # type: ignore[attr-defined]
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True, name=f"http-{host}").start()
        self._servers.append(httpd)
        return httpd.server_address[1]

    def close(self) -> None:
        for httpd in self._servers:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> TestServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- what tests use ---------------------------------------------------------------------

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def requests(self, prefix: str = "") -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path.startswith(prefix)]

    def hits(self, prefix: str) -> int:
        return len(self.requests(prefix))

    @staticmethod
    def max_overlap(seen: list[Seen]) -> int:
        """The most of these requests that were in flight at the same time (server side)."""
        events = sorted([(s.at, 1) for s in seen] + [(s.left or float("inf"), -1) for s in seen])
        most = now = 0
        for _, step in events:  # at equal times, -1 sorts first: never over-counts
            now += step
            most = max(most, now)
        return most

    def reset_concurrency(self) -> None:
        with self.lock:
            self.max_inflight.clear()
            self.max_inflight_total = 0

    # --- bookkeeping ------------------------------------------------------------------------

    def _enter(self, seen: Seen) -> None:
        with self.lock:
            self.seen.append(seen)
            self.inflight[seen.host] += 1
            self.inflight_total += 1
            self.max_inflight[seen.host] = max(self.max_inflight[seen.host], self.inflight[seen.host])
            self.max_inflight_total = max(self.max_inflight_total, self.inflight_total)

    def _leave(self, seen: Seen) -> None:
        with self.lock:
            seen.left = time.monotonic()
            self.inflight[seen.host] -= 1
            self.inflight_total -= 1

    def _count(self, key: str) -> int:
        with self.lock:
            self.counters[key] += 1
            return self.counters[key]

    # --- routes -----------------------------------------------------------------------------

    def answer(self, seen: Seen) -> Reply:
        parts = urlsplit(seen.path)
        path, q = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path.startswith(("/web/", "/copy/")):
            name = path.split("/", 2)[2]
            file = WEB / name
            if "/" in name or not file.is_file():
                return Reply(404, {"Content-Type": "text/plain"}, b"no such page")
            ctype = "text/html" if name.startswith("de_cp1252") else "text/html; charset=utf-8"
            return Reply(200, {"Content-Type": ctype}, file.read_bytes())
        if path.startswith("/feeds/"):
            return self._feed(seen, path.split("/", 2)[2], q.get("v", "both"))
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            return Reply(code, {"Content-Type": "text/plain"}, f"status {code}".encode())
        if path == "/files/report.pdf":
            return Reply(200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
        if path.startswith("/gen/"):
            n = int(path.rsplit("/", 1)[1])
            return Reply(200, html, article_html(n), delay=float(q.get("delay", 0)))
        if path == "/slow":
            return Reply(200, html, article_html(7), delay=float(q.get("s", 1)))
        if path.startswith("/flaky/"):
            n = self._count(path)
            if n <= int(q.get("fail", 1)):
                return Reply(int(q.get("code", 500)), {"Content-Type": "text/plain"}, b"try again")
            return Reply(200, html, article_html(1000 + n))
        if path.startswith("/ratelimit/"):
            if self._count(path) == 1:
                return Reply(429, {"Retry-After": q.get("after", "1"), "Content-Type": "text/plain"},
                             b"slow down")
            return Reply(200, html, article_html(2000))
        if path in ("/loop/a", "/loop/b"):
            return Reply(302, {"Location": "/loop/b" if path == "/loop/a" else "/loop/a"})
        if path == "/redirect":
            return Reply(302, {"Location": q["to"]})
        if path == "/big":
            size = int(q.get("size", 300_000))
            body = (b"<html><body><p>" + b"x" * size)[:size]
            if q.get("declared", "1") == "1":
                return Reply(200, html, body)
            return Reply(200, html, stream=((body[i : i + 16384], 0.001) for i in range(0, size, 16384)))
        if path == "/bomb":
            return Reply(200, {**html, "Content-Encoding": "gzip"},
                         stream=_gzip_bomb(int(q.get("mib", 1024))))
        if path == "/drip":
            every = float(q.get("every", 0.2))
            return Reply(200, html, stream=((b" ", every) for _ in range(int(120 / every))))
        if path == "/feed-to":
            return Reply(200, {"Content-Type": "application/rss+xml"}, _feed_to(q["to"]))
        if path.startswith("/switch/"):
            extra = SWITCH_UPDATE if self.state.get(path, "a") == "b" else ""
            return Reply(200, html, article_html(3000, extra))
        return Reply(404, {"Content-Type": "text/plain"}, b"no such page")

    def _feed(self, seen: Seen, name: str, validators: str) -> Reply:
        file = WEB / name
        if "/" in name or not file.is_file():
            return Reply(404, {"Content-Type": "text/plain"}, b"no such feed")
        base = f"http://{seen.headers.get('host', f'{self.host}:{self.port}')}"
        body = file.read_bytes().replace(b"{BASE}", base.encode())
        kind = name.split(".")[0].split("_")[0]
        headers = {"Content-Type": "text/html; charset=utf-8" if name.startswith("broken_html")
                   else FEED_TYPES.get(kind, "application/xml")}
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if validators in ("both", "etag"):
            headers["ETag"] = etag
        if validators in ("both", "lm"):
            headers["Last-Modified"] = FEED_LAST_MODIFIED
        inm, ims = seen.headers.get("if-none-match"), seen.headers.get("if-modified-since")
        if inm is not None and "ETag" in headers:
            if etag in [t.strip() for t in inm.split(",")]:
                return Reply(304, headers)
        elif ims is not None and "Last-Modified" in headers:
            try:
                if parsedate_to_datetime(ims) >= parsedate_to_datetime(FEED_LAST_MODIFIED):
                    return Reply(304, headers)
            except (TypeError, ValueError):
                pass
        return Reply(200, headers, body)


def _feed_to(url: str) -> bytes:
    from xml.sax.saxutils import escape

    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Verweise</title><link>{escape(url)}</link>
<item><title>Ein Verweis</title><link>{escape(url)}</link>
<description>&lt;p&gt;Der Stadtrat hat am Dienstag die neue Satzung für den Wochenmarkt
beschlossen; sie gilt vom ersten Juli an für alle Händlerinnen und Händler.&lt;/p&gt;</description>
</item></channel></rss>
""".encode()


def _gzip_bomb(mib: int):
    """``mib`` MiB of zeros as one gzip stream, in ~1 KiB chunks with a 2 ms pause between them
    (a client that stops reading is noticed within a few chunks)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    for _ in range(mib):
        out = z.compress(block) + z.flush(zlib.Z_SYNC_FLUSH)
        yield out, 0.002
    yield z.flush(), 0


@pytest.fixture(scope="session")
def server():
    with TestServer() as srv:
        yield srv
