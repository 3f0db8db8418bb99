"""The calendar feed as iCalendar (RFC 5545): one all-day event per dated thing to do."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from kam.delivery import queries
from kam.people.models import User


def feed_for(user: User, base_url: str) -> bytes:
    """The person's feed: their tasks, milestones, bookings and next steps (queries)."""
    calendar = Calendar()
    calendar.add("prodid", "-//kam//calendar feed//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"kam — {user.full_name or user.username}")
    stamp = timezone.now()
    for item in queries.calendar_events(user):
        event = Event()
        event.add("uid", f"{item['uid']}@kam")
        event.add("dtstamp", stamp)
        event.add("summary", item["summary"])
        event.add("dtstart", item["starts_on"])
        # All-day events end the day after their last day (RFC 5545, 3.6.1).
        event.add("dtend", item.get("ends_on", item["starts_on"]) + timedelta(days=1))
        event.add("description", item["description"])
        event.add("url", f"{base_url}{item['url']}")
        calendar.add_component(event)
    return calendar.to_ical()
