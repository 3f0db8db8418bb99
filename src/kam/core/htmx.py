"""How pages answer htmx: one view serves the whole page and its fragment."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for part of the page. A history restore (Back after the cache was
    evicted) and a boosted link need the whole page; such views also send `Vary: HX-Request` so
    the browser's cache never hands a fragment to a full page load."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted
