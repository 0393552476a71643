"""URL identity: one canonical form per article address; and which addresses are not public."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from .errors import NewsmarkError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"}


class URLError(NewsmarkError, ValueError):
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


# --- addresses that are not on the public internet ----------------------------------------------

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # DNS64/NAT64: the last 32 bits are an IPv4 address


class PrivateAddressError(URLError):
    """A host resolved (or was) an address that is refused: ``str(exc)`` says which and why."""

    def __init__(self, host: str, ip: str, kind: str):
        self.host, self.ip, self.kind = host, ip, kind
        super().__init__(describe_address(host, ip, kind))


def describe_address(host: str, ip: str, kind: str) -> str:
    """'127.0.0.1 is a loopback address', or 'localhost is 127.0.0.1, a loopback address'."""
    try:
        literal = ipaddress.ip_address(host.strip("[]")) == ipaddress.ip_address(ip)
    except ValueError:
        literal = False
    return f"{host.strip('[]')} is {kind}" if literal else f"{host} is {ip}, {kind}"


def non_public(ip: str | IPAddress) -> str | None:
    """Why ``ip`` is not a public internet address ("a loopback address", …), or None.

    Loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the cloud metadata
    address, fe80::/10), multicast, unspecified, carrier-grade NAT (100.64.0.0/10), site-local,
    reserved, and every other special-purpose range ``ipaddress`` does not call global
    (0.0.0.0/8, documentation, benchmarking, …). An IPv4 address inside IPv6 (IPv4-mapped
    ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``, 6to4 ``2002::/16``) is judged by its IPv4
    address: a NAT64 gateway reaches public IPv4 sites that way, and the rest are refused.
    """
    if not isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address):
        ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.__class__(ip.packed)  # without a %scope, which ``in network`` would not match
        inner, how = _embedded_ipv4(ip)
        if inner is not None:
            kind = non_public(inner)
            return f"{how} {inner}, {kind}" if kind else None
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address" + (", the cloud metadata service" if str(ip) == "169.254.169.254" else "")
    if ip.is_multicast:
        return "a multicast address"
    if any(ip in net for net in _PRIVATE if net.version == ip.version):
        return "a private address"
    if ip.version == 4 and ip in _CGNAT:
        return "a carrier-grade NAT address"
    if ip.version == 6 and ip.is_site_local:
        return "a site-local address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "a special-purpose address (not globally routable)"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, str]:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, "IPv4-mapped"
    if ip in _NAT64:
        return ipaddress.IPv4Address(ip.packed[-4:]), "NAT64 for"
    if ip.sixtofour is not None:
        return ip.sixtofour, "6to4 for"
    return None, ""


def refused_address(ip: str | IPAddress, allowed: tuple = ()) -> str | None:
    """``non_public(ip)``, unless ``ip`` (or the IPv4 address inside it) is in one of the
    ``allowed`` networks (``ipaddress`` networks or strings such as ``"10.1.0.0/16"``)."""
    kind = non_public(ip)
    if kind is None or not allowed:
        return kind
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    candidates = [addr]
    if isinstance(addr, ipaddress.IPv6Address):
        addr = addr.__class__(addr.packed)
        candidates = [addr, _embedded_ipv4(addr)[0]]
    for net in allowed:
        net = ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net
        if any(c is not None and c.version == net.version and c in net for c in candidates):
            return None
    return kind
