"""The address of the client a request came from, seen through the load balancers in TRUSTED_PROXIES.

Behind a load balancer every request's REMOTE_ADDR is the balancer, so a rate
limit keyed on it would put every member of the public in one bucket. Each
trusted proxy appends the address it received the request from to
X-Forwarded-For; read from the right, the first address that is not a trusted
proxy is the client. Anything further left was written by the client itself
and is never believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text; blank if the request carries none that parses."""
    address = _parsed(request.META.get("REMOTE_ADDR", ""))
    proxies = _trusted(tuple(settings.TRUSTED_PROXIES))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while address is not None and _is_proxy(address, proxies) and forwarded:
        address = _parsed(forwarded.pop())
    return "" if address is None else str(address)


def _parsed(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_proxy(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: tuple[_Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


@lru_cache(maxsize=4)
def _trusted(proxies: tuple[str, ...]) -> tuple[_Network, ...]:
    """TRUSTED_PROXIES as networks (a single address is a network of one)."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
