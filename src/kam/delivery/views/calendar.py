"""The calendar feed: the page where a person finds (and replaces) their secret feed address, and
the feed itself, which calendar apps fetch without signing in — the address is the key."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kam.delivery import queries, services
from kam.delivery.calendar import feed_for
from kam.delivery.views.common import run_and_tell


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The person's feed address, whole, to paste into their calendar app."""
    feed = queries.feed_of(request.user)
    feed_url = (
        request.build_absolute_uri(reverse("delivery:calendar_feed", args=[feed.token]))
        if feed is not None
        else ""
    )
    return render(request, "delivery/calendar_settings.html", {"feed": feed, "feed_url": feed_url})


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    if queries.feed_of(request.user) is None:
        done = _("Your calendar address is made. Paste it into your calendar app.")
    else:
        done = _("A new address is made; the old one no longer works. Give it to your calendar.")
    run_and_tell(request, lambda: services.reset_calendar_feed(by=request.user), done)
    return redirect("delivery:calendar_settings")


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public on purpose (calendar apps cannot sign in): an unknown, replaced or tampered
    address, or one of a person no longer active, is a 404 like any other."""
    owner = queries.feed_owner(token)
    if owner is None:
        raise Http404
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(feed_for(owner, base_url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kam.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
