"""URL identity: one canonical form per article address."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"}


class URLError(ValueError):
    pass


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:(?![\\/])|[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: str) -> bool:
    """``scheme://…``, or ``scheme:…`` for schemes without a slash (``mailto:``, ``data:``,
    ``javascript:``), so those get the scheme error; ``C:\\dir`` and ``C:/dir`` are paths."""
    return bool(_SCHEME.match(text[:40]))


def check_url(url: str) -> str:
    """The URL, stripped, if it is http(s) with a host (and a valid port); else ``URLError``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise URLError(f"malformed URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise URLError(f"unsupported URL scheme {parts.scheme!r} (only http and https)")
    if not parts.hostname:
        raise URLError("URL has no host")
    return url


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no utm_*/fbclid/gclid, no default port.

    The rest of the query is kept byte for byte (the canonical URL is also the one fetched).
    """
    parts = urlsplit(check_url(url))
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        pair
        for pair in parts.query.split("&")
        if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]))
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, "&".join(query), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in _TRACKING


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
