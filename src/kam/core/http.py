"""Facts about the HTTP request that several apps need."""

import ipaddress
import re
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from kam.core.search import fold


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


def attachment_disposition(filename: str) -> str:
    """The Content-Disposition of a download named `filename` (Vietnamese welcome): the real
    name as `filename*` (RFC 6266, UTF-8), and a plain ASCII one for clients that read only
    `filename` — "Đề xuất Tết.pdf" falls back to "de-xuat-tet.pdf"."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    ascii_stem = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") or "download"
    ascii_extension = re.sub(r"[^a-z0-9]+", "", fold(extension))
    fallback = f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address posted with a form when it is on this site, else the default."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return next_url
    return default


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """After a one-click action: back where it was clicked (Today, say) or to the default."""
    return redirect(safe_next(request, default))
