"""A person's calendar feed: a secret address their calendar app subscribes to."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from kam.core import access
from kam.core.audit import record_event
from kam.core.errors import require
from kam.delivery.models import CalendarFeed
from kam.people.models import User

VERB_LABELS = {"calendar.reset": gettext_lazy("made a new calendar feed address")}


@transaction.atomic
def reset_calendar_feed(*, by: User) -> CalendarFeed:
    """Give the person a new feed address; the old one stops working at once (a leaked address
    is fixed by this)."""
    require(access.is_signed_in(by))
    feed, made = CalendarFeed.objects.select_for_update().get_or_create(
        user=by, defaults={"token": CalendarFeed.new_token()}
    )
    if not made:
        feed.token = CalendarFeed.new_token()
        feed.save(update_fields=["token"])
    # The address is the secret: the history says it changed, never what it is.
    record_event(subject=by, verb="calendar.reset", by=by, changes={"calendar_feed": [None, "*"]})
    return feed
