"""Facts about the HTTP request that several apps need."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address. Behind KAM_PROXY_COUNT trusted reverse proxies it is the address
    the outermost of them saw (from X-Forwarded-For); otherwise the socket's peer. Without this,
    every request behind a proxy would share the proxy's address."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.KAM_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
