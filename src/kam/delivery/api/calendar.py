"""A person's calendar feed: the secret address their calendar app subscribes to (their tasks,
milestones, bookings and next steps), and making a new one when the old one leaked."""

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema

from kam.core.api import ERRORS
from kam.delivery import queries, services
from kam.delivery.api.common import router
from kam.delivery.models import CalendarFeed


class CalendarFeedOut(Schema):
    url: str | None = Field(description="the feed's address (iCalendar); null until one is made")


def _feed_out(request: HttpRequest, feed: CalendarFeed | None) -> dict:
    if feed is None:
        return {"url": None}
    return {"url": request.build_absolute_uri(reverse("delivery:calendar_feed", args=[feed.token]))}


@router.get(
    "/calendar",
    response={200: CalendarFeedOut, **ERRORS},
    summary="The caller's calendar feed address",
)
def get_calendar_feed(request: HttpRequest):
    return _feed_out(request, queries.feed_of(request.user))


@router.post(
    "/calendar/reset",
    response={200: CalendarFeedOut, **ERRORS},
    summary="Make a new feed address (the old one stops working at once)",
)
def reset_calendar_feed(request: HttpRequest):
    return _feed_out(request, services.reset_calendar_feed(by=request.user))
