"""Polite, bounded, unbreakable HTTP fetching with one shared ``httpx.AsyncClient``.

- Concurrency is bounded globally and per host.
- Connect, read and total timeouts are set.
- Connection errors, 429 and 5xx are retried with exponential backoff and jitter; ``Retry-After``
  is honoured (up to ``max_retry_after``).
- Redirects are limited. Bodies are streamed and abandoned past ``max_bytes`` *decompressed*
  bytes (the decompression is ours, bounded per chunk, so a gzip bomb is stopped early).
- The charset comes from the headers, then the document, then detection.
- Content types outside the accepted set are refused with the reason.

Every failure is a ``FetchError`` whose message is one line.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import random
import re
import socket
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from . import __version__
from .urls import check_url, host_of

USER_AGENT = f"newsmark/{__version__} (terminal newsreader for annotators; +https://pypi.org/project/newsmark/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "text/html",  # some servers label feeds as HTML; feedparser decides
    "text/plain",
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)


class FetchError(Exception):
    """A URL could not be fetched; ``str(exc)`` is the one-line reason."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.status = status


@dataclass(slots=True)
class FetchConfig:
    concurrency: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubles each time, with jitter
    max_backoff: float = 30.0
    max_retry_after: float = 120.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    user_agent: str = USER_AGENT


@dataclass(slots=True)
class Fetched:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    charset: str | None  # from the headers, else the document; None: detect
    content_type: str
    attempts: int = 1
    elapsed: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def charset_from_content_type(value: str) -> str | None:
    for part in value.split(";")[1:]:
        key, _, val = part.strip().partition("=")
        if key.strip().lower() == "charset" and val.strip():
            return val.strip().strip("\"'").lower()
    return None


def charset_from_document(body: bytes) -> str | None:
    head = body[:4096]
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class _Decoder:
    """Content-Encoding decoding with a hard bound on the output size."""

    def __init__(self, encoding: str, limit: int):
        encoding = encoding.strip().lower()
        self.limit = limit
        self.total = 0
        if encoding in ("", "identity"):
            self.d = None
        elif encoding in ("gzip", "x-gzip"):
            self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.d = zlib.decompressobj()
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes) -> bytes:
        if self.d is None:
            out = chunk
        else:
            try:
                out = self.d.decompress(chunk, self.limit - self.total + 1)
            except zlib.error as exc:
                raise FetchError(f"corrupt {exc}") from None
            if self.d.unconsumed_tail:  # more output waiting than the limit allows
                raise self._too_big()
        self.total += len(out)
        if self.total > self.limit:
            raise self._too_big()
        return out

    def _too_big(self) -> FetchError:
        what = " (decompressed)" if self.d is not None else ""
        return FetchError(f"body is over the {self.limit:,}-byte limit{what}; abandoned")


class Fetcher:
    """``async with Fetcher(config) as f: await f.fetch(url)``."""

    def __init__(self, config: FetchConfig | None = None, transport: httpx.AsyncBaseTransport | None = None):
        self.config = config or FetchConfig()
        self._global = asyncio.Semaphore(self.config.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._transport = transport
        self.client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        c = self.config
        self.client = httpx.AsyncClient(
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(c.read_timeout, connect=c.connect_timeout),
            follow_redirects=True,
            max_redirects=c.max_redirects,
            # In-flight requests are bounded by our semaphores; the pool may keep more connections
            # open (idle, to several hosts) so that alternating hosts do not reconnect every time.
            limits=httpx.Limits(max_connections=4 * c.concurrency, max_keepalive_connections=4 * c.concurrency),
            transport=self._transport,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.client is not None:
            await self.client.aclose()

    def _host_gate(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.config.per_host)
        return self._hosts[host]

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        c = self.config
        if retry_after is not None:
            return retry_after
        base = min(c.max_backoff, c.backoff * (2**attempt))
        return base * (0.5 + random.random() / 2)  # jitter: 50–100 % of the step

    async def fetch(
        self,
        url: str,
        accept: Iterable[str] = HTML_TYPES,
        headers: dict[str, str] | None = None,
    ) -> Fetched:
        """GET ``url``: retries, limits and checks as described in the module docstring."""
        try:
            url = check_url(url)
        except ValueError as exc:
            raise FetchError(str(exc)) from None
        accept = tuple(accept)
        attempt = 0
        started = time.monotonic()
        while True:
            retry_after: float | None = None
            try:
                # The host gate first: a request waiting for its busy host must not hold one of
                # the global slots that requests to other hosts could use.
                async with self._host_gate(host_of(url)), self._global:
                    async with asyncio.timeout(self.config.total_timeout):
                        result = await self._once(url, accept, headers or {})
                result.attempts = attempt + 1
                result.elapsed = time.monotonic() - started
                return result
            except _Retryable as exc:
                reason, retry_after = exc.reason, exc.retry_after
            except TimeoutError:
                reason = f"timed out after {self.config.total_timeout:g} s"
            except httpx.TooManyRedirects:
                raise FetchError(f"too many redirects (limit {self.config.max_redirects})") from None
            except httpx.UnsupportedProtocol as exc:  # a redirect to ftp:, file:, …: not retried
                raise FetchError(f"redirected to an unsupported URL ({exc})") from None
            except httpx.TimeoutException as exc:
                reason = self._timeout_reason(exc)
            except httpx.TransportError as exc:
                reason = _transport_reason(exc)
            if attempt >= self.config.retries:
                tries = f"{attempt + 1} attempts" if attempt else "1 attempt"
                raise FetchError(f"{reason}; gave up after {tries}")
            if retry_after is not None and retry_after > self.config.max_retry_after:
                raise FetchError(f"{reason}; Retry-After {retry_after:g} s is too long")
            await asyncio.sleep(self._delay(attempt, retry_after))
            attempt += 1

    def _timeout_reason(self, exc: httpx.TimeoutException) -> str:
        c = self.config
        if isinstance(exc, httpx.ConnectTimeout):
            return f"timed out connecting (after {c.connect_timeout:g} s)"
        if isinstance(exc, httpx.ReadTimeout):
            return f"timed out waiting for data (after {c.read_timeout:g} s)"
        return f"timed out ({type(exc).__name__})"

    async def _once(self, url: str, accept: tuple[str, ...], headers: dict[str, str]) -> Fetched:
        assert self.client is not None, "use 'async with Fetcher()'"
        async with self.client.stream("GET", url, headers=headers) as r:
            status = r.status_code
            if status == 429 or 500 <= status < 600:
                raise _Retryable(f"HTTP {status}", parse_retry_after(r.headers.get("retry-after")))
            if status == 304:
                return Fetched(url, str(r.url), 304, dict(r.headers), b"", None, "")
            if status >= 400:
                raise FetchError(f"HTTP {status}", status)
            ctype = r.headers.get("content-type", "")
            mime = ctype.split(";")[0].strip().lower()
            if accept and mime and mime not in accept:
                raise FetchError(f"content type {mime!r} is not {' or '.join(accept[:2])}", status)
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.config.max_bytes and not r.headers.get("content-encoding"):
                raise FetchError(f"body is over the {self.config.max_bytes:,}-byte limit ({int(declared):,} declared); abandoned")
            decoder = _Decoder(r.headers.get("content-encoding", ""), self.config.max_bytes)
            chunks = [decoder.feed(raw) async for raw in r.aiter_raw()]
            body = b"".join(chunks)
            charset = charset_from_content_type(ctype) or charset_from_document(body)
            return Fetched(url, str(r.url), status, dict(r.headers), body, charset, mime)


def _transport_reason(exc: Exception) -> str:
    """'connection failed (ConnectError: All connection attempts failed; Connection refused)':
    httpx's message, plus the operating system's reason from the chain of causes."""
    reason = f"{type(exc).__name__}: {exc}"
    root, cause, depth = None, exc, 0
    while cause is not None and depth < 10:
        if isinstance(cause, OSError) and cause.errno is not None:
            root = cause
        cause, depth = cause.__cause__ or cause.__context__, depth + 1
    if root is not None:
        detail = root.strerror if isinstance(root, socket.gaierror) or root.errno < 0 else os.strerror(root.errno)
        if detail and detail not in reason:
            reason += f"; {detail}"
    return f"connection failed ({reason})".replace("\n", " ")


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
