"""One address check for `add` and the fetcher: is this host a private, loopback or reserved address?

A URL's host can spell an IPv4 address in many ways that the C library's `inet_aton` (and so
`getaddrinfo`, and some HTTP clients) read as an address: `2130706433`, `0x7f000001`, `0177.0.0.1`,
`127.1`. IPv6 can carry an IPv4 address inside it (`::ffff:127.0.0.1`, `::127.0.0.1`, 6to4, NAT64,
Teredo). We parse every such spelling ourselves, with the same rules as `inet_aton`, so the answer
does not depend on which aiohttp or yarl version happens to be installed.
"""

from __future__ import annotations

import functools
import ipaddress
import unicodedata

_HEX = frozenset("0123456789abcdefABCDEF")
_OCT = frozenset("01234567")
_DEC = frozenset("0123456789")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _number(part: str) -> int | None:
    """One dotted part as inet_aton reads it: 0x.. hex, 0.. octal, else decimal; None if not a number."""
    if part[:2] in ("0x", "0X"):
        digits, base, allowed = part[2:], 16, _HEX
        if not digits:
            return 0
    elif len(part) > 1 and part[0] == "0":
        digits, base, allowed = part[1:], 8, _OCT
    else:
        digits, base, allowed = part, 10, _DEC
    if not digits or not set(digits) <= allowed:
        return None
    return int(digits, base)


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address `host` spells under inet_aton's rules (1 to 4 parts, the last fills the rest)."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":  # a trailing dot, as URLs allow
        parts.pop()
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    nums = [_number(p) for p in parts]
    if any(n is None for n in nums):
        return None
    values = [n for n in nums if n is not None]
    *head, last = values
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(values)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The address a URL host spells, in any form a resolver would accept; None for a name."""
    h = unicodedata.normalize("NFKC", host).strip().lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    h = h.split("%", 1)[0]  # an IPv6 zone id
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h)
        except ValueError:
            return None
    return parse_ipv4(h)


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped, compatible (::a.b.c.d), 6to4, Teredo, NAT64."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    value = int(ip)
    if value >> 32 == 0 and value > 1:  # ::a.b.c.d (deprecated IPv4-compatible form), not :: or ::1
        return ipaddress.IPv4Address(value)
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def _not_public(ip: IPAddress) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


@functools.lru_cache(maxsize=4096)
def forbidden_host(host: str) -> str | None:
    """Why `host` may not be fetched while private addresses are not allowed, or None if it may.

    Names are left to the resolver (which checks what they resolve to), except `localhost` and
    `*.localhost`, which always mean this machine.
    """
    name = unicodedata.normalize("NFKC", host).strip().lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return "points at this machine"
    ip = parse_ip(host)
    if ip is None:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None and _not_public(inner):
            return f"is a private or loopback address ({inner} inside {ip})"
    if _not_public(ip):
        return f"is a private or loopback address ({ip})"
    return None
