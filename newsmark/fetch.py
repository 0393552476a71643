"""Polite, bounded, unbreakable HTTP fetching with one shared ``httpx.AsyncClient``.

- Concurrency is bounded globally and per host.
- **One deadline per URL** (``total_timeout``, 60 s by default): it starts when the URL's first
  attempt gets its slots (time queued behind other URLs does not count) and covers every
  attempt, every redirect hop and every backoff sleep. Connect and read timeouts (10 s, 20 s)
  bound each attempt within it, so a server that drips a byte every few seconds is cut at the
  deadline, not after retries × timeout.
- Connection errors, 429 and 5xx are retried with exponential backoff and jitter; ``Retry-After``
  is honoured (up to ``max_retry_after``). A wait that would pass the deadline is not started:
  the URL ends at once with the reason.
- **Addresses that are not public are refused** (``newsmark.urls.non_public``: loopback,
  private, link-local with the cloud metadata address, multicast, unspecified, CGNAT, reserved,
  IPv4 inside IPv6, …) unless ``allow_private`` (or the address is in ``allow_networks``).
  The check sits in the network backend under httpx (``_GuardedBackend``): it resolves the
  host name once, checks every address, and opens the TCP connection to a checked address
  itself. The address checked is the address connected to, so DNS rebinding (a name that
  answers a public address to a first lookup and 127.0.0.1 to the next) cannot slip through,
  and as the request still carries the host name, the Host header, TLS SNI and certificate
  checks are unchanged. Every connection goes through it, so every redirect hop is checked;
  redirects are also followed here, hop by hop (not by httpx), so a refused hop is named.
  Proxies from the environment (``HTTP_PROXY``) are not used (httpx mounts none when it is
  given a transport): through a proxy the address connected to would be the proxy's.
- Redirects are limited. Bodies are streamed and abandoned past ``max_bytes`` *decompressed*
  bytes (the decompression is ours, bounded per chunk, so a gzip bomb is stopped early).
- The charset comes from the headers, then the document, then detection.
- Content types outside the accepted set are refused with the reason.

Every failure is a ``FetchError`` whose message is one line.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import os
import random
import re
import socket
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpcore
import httpx

from . import __version__
from .errors import NewsmarkError
from .urls import PrivateAddressError, URLError, check_url, host_of, refused_address

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


class FetchError(NewsmarkError):
    """A URL could not be fetched; ``str(exc)`` is the one-line reason."""

    def __init__(self, reason: str, status: int | None = None, refused: bool = False):
        super().__init__(reason)
        self.status = status
        self.refused = refused  # the address is not public (and not allowed): nothing was fetched


MAX_PAGE_BYTES = 10 * 1024 * 1024  # default size limit of a fetched page or feed, decompressed


@dataclass(slots=True)
class FetchConfig:
    concurrency: int = 8
    per_host: int = 2
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # the deadline of one URL: every attempt, hop and backoff
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubles each time, with jitter
    max_backoff: float = 30.0
    max_retry_after: float = 120.0
    max_redirects: int = 5
    max_bytes: int = MAX_PAGE_BYTES
    user_agent: str = USER_AGENT
    allow_private: bool = False  # fetch from loopback, private, link-local, … addresses too
    allow_networks: tuple[str, ...] = ()  # networks allowed even so ("10.1.0.0/16")
    private_hint: str = "--allow-private allows it"  # how to opt in, for the refusal's reason


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

    def __init__(self, config: FetchConfig | None = None):
        self.config = config or FetchConfig()
        self._global = asyncio.Semaphore(self.config.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        c = self.config
        # In-flight requests are bounded by our semaphores; the pool may keep more connections
        # open (idle, to several hosts) so that alternating hosts do not reconnect every time.
        limits = httpx.Limits(max_connections=4 * c.concurrency, max_keepalive_connections=4 * c.concurrency)
        # Per-attempt timeouts no shorter than the deadline would only race it: the deadline's
        # reason is the one that says what happened.
        read = c.read_timeout if c.read_timeout < c.total_timeout else None
        connect = c.connect_timeout if c.connect_timeout < c.total_timeout else None
        self.client = httpx.AsyncClient(
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(read, connect=connect),
            follow_redirects=False,  # followed in _once, hop by hop
            transport=_GuardedTransport(self._refusal, limits),
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.client is not None:
            await self.client.aclose()

    def _refusal(self, ip: str) -> str | None:
        """Why a connection to ``ip`` is refused under this config, or None."""
        if self.config.allow_private:
            return None
        return refused_address(ip, self.config.allow_networks)

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
        c = self.config
        accept = tuple(accept)
        loop = asyncio.get_running_loop()
        deadline: float | None = None  # set when the first attempt has its slots
        attempts = 0  # started
        started = time.monotonic()
        while True:
            retry_after: float | None = None
            try:
                async with asyncio.timeout_at(deadline) as timer:
                    # The host gate first: a request waiting for its busy host must not hold one
                    # of the global slots that requests to other hosts could use.
                    async with self._host_gate(host_of(url)), self._global:
                        if deadline is None:
                            deadline = loop.time() + c.total_timeout
                            timer.reschedule(deadline)
                        attempts += 1
                        result = await self._once(url, accept, headers or {})
                result.attempts = attempts
                result.elapsed = time.monotonic() - started
                return result
            except _Retryable as exc:
                reason, retry_after = exc.reason, exc.retry_after
            except TimeoutError:
                raise FetchError(f"timed out: the {c.total_timeout:g} s deadline for this URL passed; "
                                 f"gave up after {_attempts(attempts)}") from None
            except httpx.TimeoutException as exc:
                reason = self._timeout_reason(exc)
            except httpx.TransportError as exc:
                reason = _transport_reason(exc)
            if attempts > c.retries:
                raise FetchError(f"{reason}; gave up after {_attempts(attempts)}")
            if retry_after is not None and retry_after > c.max_retry_after:
                raise FetchError(f"{reason}; Retry-After {retry_after:g} s is too long")
            delay = self._delay(attempts - 1, retry_after)
            if loop.time() + delay >= deadline:
                if retry_after is not None:
                    raise FetchError(f"{reason}; Retry-After {retry_after:g} s would pass the "
                                     f"{c.total_timeout:g} s deadline for this URL")
                raise FetchError(f"{reason}; gave up after {_attempts(attempts)} (the next would start "
                                 f"past the {c.total_timeout:g} s deadline for this URL)")
            await asyncio.sleep(delay)

    def _timeout_reason(self, exc: httpx.TimeoutException) -> str:
        c = self.config
        if isinstance(exc, httpx.ConnectTimeout):
            return f"timed out connecting (after {c.connect_timeout:g} s)"
        if isinstance(exc, httpx.ReadTimeout):
            return f"timed out waiting for data (after {c.read_timeout:g} s)"
        return f"timed out ({type(exc).__name__})"

    async def _once(self, url: str, accept: tuple[str, ...], headers: dict[str, str]) -> Fetched:
        """One attempt: the request, and each redirect hop in turn (every hop's connection is
        checked by the transport; a refused hop is named here)."""
        assert self.client is not None, "use 'async with Fetcher()'"
        request = self.client.build_request("GET", url, headers=headers)
        for hop in range(self.config.max_redirects + 1):
            try:
                r = await self.client.send(request, stream=True)
            except PrivateAddressError as exc:
                where = f"redirect to {request.url}: " if hop else ""
                raise FetchError(f"refused: {where}{exc} ({self.config.private_hint})", refused=True) from None
            try:
                if r.next_request is None:
                    return await self._read(url, r, accept)
                request = r.next_request
            finally:
                await r.aclose()
            try:
                check_url(str(request.url))
            except URLError as exc:
                raise FetchError(f"redirected to an unsupported URL ({exc})") from None
        raise FetchError(f"too many redirects (limit {self.config.max_redirects})")

    async def _read(self, url: str, r: httpx.Response, accept: tuple[str, ...]) -> Fetched:
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


def _attempts(n: int) -> str:
    return "1 attempt" if n == 1 else f"{n} attempts"


def check_host(url: str, config: FetchConfig | None = None) -> str | None:
    """Why fetching ``url`` would be refused for its address under ``config`` (the line the
    fetch would give), or None: a blocking DNS lookup, for commands that store a URL without
    fetching it (``feed add``). A name that does not resolve now is not refused here; every
    fetch checks again."""
    config = config or FetchConfig()
    if config.allow_private:
        return None
    host = host_of(check_url(url))
    try:
        addresses = _unique(info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM))
    except (OSError, UnicodeError):
        return None
    refusals = [(ip, refused_address(ip, config.allow_networks)) for ip in addresses]
    if addresses and all(kind for _, kind in refusals):
        ip, kind = refusals[0]
        return f"refused: {PrivateAddressError(host, ip, kind)} ({config.private_hint})"
    return None


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses ``refusal`` lets through.

    The host name is resolved once here; the addresses that pass are connected to in turn (by
    IP, through httpcore's own backend), the others never. When none passes, the connection
    fails with ``PrivateAddressError`` naming the first address. httpcore still knows the host
    name, so TLS (SNI, the certificate's name) and the Host header are as without us.
    """

    def __init__(self, refusal, inner: httpcore.AsyncNetworkBackend | None = None):
        self.refusal = refusal
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options=None) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port, timeout)
        refusals = {ip: self.refusal(ip) for ip in addresses}
        allowed = [ip for ip, kind in refusals.items() if kind is None]
        if not allowed:
            first = addresses[0]
            raise PrivateAddressError(host, first, refusals[first])
        error: Exception | None = None
        for ip in allowed:
            try:
                return await self.inner.connect_tcp(ip, port, timeout=timeout, local_address=local_address,
                                                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def _resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]  # a literal: no lookup
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"looking up {host} took over {timeout:g} s") from None
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        addresses = _unique(info[4][0] for info in infos)
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        return addresses

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its request and exception mapping), over a connection pool whose
    network backend is ``_GuardedBackend``. httpx has no public way to give its transport a
    network backend, so the pool it builds is replaced by one built the same way with ours; if
    httpx ever stops keeping it in ``_pool``, this fails loudly instead of fetching unchecked."""

    def __init__(self, refusal, limits: httpx.Limits):
        super().__init__(limits=limits)
        if not isinstance(getattr(self, "_pool", None), httpcore.AsyncConnectionPool):
            raise RuntimeError("httpx.AsyncHTTPTransport has no _pool: the address check cannot be installed")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),  # as httpx's: SSL_CERT_FILE/SSL_CERT_DIR honoured
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(refusal),
        )


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
