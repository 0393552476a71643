"""Which addresses are not public (``newsmark.urls.non_public``): checked on the address itself,
nothing is connected to."""

from __future__ import annotations

import pytest

from newsmark.urls import PrivateAddressError, non_public, refused_address

REFUSED = [
    ("169.254.169.254", "a link-local address, the cloud metadata service"),
    ("10.0.0.1", "a private address"),
    ("172.16.0.1", "a private address"),
    ("192.168.1.1", "a private address"),
    ("100.64.0.1", "a carrier-grade NAT address"),
    ("fe80::1", "a link-local address"),
    ("::1", "a loopback address"),
    ("127.0.0.1", "a loopback address"),
    ("127.8.9.10", "a loopback address"),
    ("::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1, a loopback address"),
    ("::ffff:169.254.169.254", "IPv4-mapped 169.254.169.254, a link-local address, the cloud metadata service"),
    ("64:ff9b::a00:1", "NAT64 for 10.0.0.1, a private address"),
    ("2002:c0a8:101::1", "6to4 for 192.168.1.1, a private address"),
    ("0.0.0.0", "an unspecified address"),
    ("::", "an unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("fc00::1", "a private address"),
    ("fd12:3456::1", "a private address"),
    ("fec0::1", "a site-local address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("0.1.2.3", "a special-purpose address (not globally routable)"),
    ("192.0.2.1", "a special-purpose address (not globally routable)"),
    ("2001:db8::1", "a special-purpose address (not globally routable)"),
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1",
          "::ffff:93.184.216.34", "64:ff9b::5db8:d822"]


@pytest.mark.parametrize(("ip", "kind"), REFUSED)
def test_non_public_addresses_are_named(ip, kind):
    assert non_public(ip) == kind
    assert refused_address(ip) == kind
    assert refused_address(ip, (ip,)) is None  # unless allowed


@pytest.mark.parametrize("ip", PUBLIC)
def test_public_addresses_pass(ip):
    assert non_public(ip) is None
    assert refused_address(ip) is None


def test_allow_networks_lets_exactly_those_through():
    assert refused_address("127.0.0.2", ("127.0.0.2/32",)) is None
    assert refused_address("::ffff:127.0.0.2", ("127.0.0.2/32",)) is None  # the same address
    assert refused_address("127.0.0.1", ("127.0.0.2/32",)) == "a loopback address"
    assert refused_address("10.1.2.3", ("10.1.0.0/16",)) is None
    assert refused_address("10.2.0.1", ("10.1.0.0/16",)) == "a private address"




def test_the_refusal_names_the_host_and_the_address():
    assert str(PrivateAddressError("127.0.0.1", "127.0.0.1", "a loopback address")) == (
        "127.0.0.1 is a loopback address")
    assert str(PrivateAddressError("[::1]", "::1", "a loopback address")) == "::1 is a loopback address"
    assert str(PrivateAddressError("::ffff:127.0.0.1", "::ffff:7f00:1", non_public("::ffff:127.0.0.1"))) == (
        "::ffff:127.0.0.1 is IPv4-mapped 127.0.0.1, a loopback address")
    assert str(PrivateAddressError("intranet.example", "10.0.0.1", "a private address")) == (
        "intranet.example is 10.0.0.1, a private address")
