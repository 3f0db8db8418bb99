"""The calendar feed: the page showing a person's secret address and replacing it, and the feed
itself — public (calendar apps cannot sign in), a valid iCalendar of that person's tasks,
milestones, bookings and next steps, and of no one else's; a replaced, tampered or unknown
address, or an inactive person's, is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from kam.delivery import services
from kam.delivery.models import CalendarFeed
from tests.clients.factories import ClientFactory, InteractionFactory
from tests.delivery.factories import running_project, task


def url(name: str, *args) -> str:
    return reverse(f"delivery:{name}", args=args)


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def events_of(response) -> dict[str, dict]:
    """The feed's events by their UID, parsed back from the iCalendar text."""
    calendar = Calendar.from_ical(response.content)
    return {
        str(event["uid"]): {
            "summary": str(event["summary"]),
            "starts_on": event.decoded("dtstart"),
            "ends_on": event.decoded("dtend"),
            "url": str(event["url"]),
        }
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def lans_work(lan):
    """Lan's running project with a task assigned to her, a KOL booking, and a next step she
    owes; its contract's milestones come with it."""
    project = running_project(client=ClientFactory(owner=lan, legal_name="Sữa Việt"))
    assigned = task(project, title="Duyệt kịch bản TVC", assignee=lan, days_from_now=4)
    booking = services.add_booking(
        by=lan,
        project=project,
        kind="kol",
        name="Ca sĩ Hà Anh",
        starts_on=in_days(12),
        ends_on=in_days(13),
    )
    step = InteractionFactory(
        client=project.client,
        next_step="Gọi lại chị Mai về lịch quay",
        next_step_due_on=in_days(3),
        next_step_owner=lan,
    )
    return {"project": project, "task": assigned, "booking": booking, "step": step}


@pytest.fixture
def minhs_work(minh):
    project = running_project(client=ClientFactory(owner=minh))
    assigned = task(project, title="Việc của Minh", assignee=minh)
    step = InteractionFactory(
        client=project.client,
        next_step="Bước tiếp theo của Minh",
        next_step_due_on=in_days(2),
        next_step_owner=minh,
    )
    return {"project": project, "task": assigned, "step": step}


def feed_of(person) -> CalendarFeed:
    return services.reset_calendar_feed(by=person)


class TestTheCalendarPage:
    def test_it_needs_a_sign_in(self, client):
        response = client.get(url("calendar_settings"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))

    def test_a_person_makes_their_address_and_sees_it_whole(self, login, lan):
        http = login(lan)
        before = http.get(url("calendar_settings"))
        assert before.status_code == 200 and before.context["feed"] is None
        assert 'data-testid="feed-url"' not in before.content.decode()
        made = http.post(url("calendar_reset"))
        assert made["Location"] == url("calendar_settings")
        feed = CalendarFeed.objects.get(user=lan)
        page = http.get(url("calendar_settings"))
        address = f"http://127.0.0.1/calendar/{feed.token}.ics"
        assert page.context["feed_url"] == address
        assert f'value="{address}"' in page.content.decode()

    def test_a_new_address_stops_the_old_one_at_once(self, client, login, lan):
        lan.language = "en"
        lan.save()
        old = feed_of(lan).token
        http = login(lan)
        response = http.post(url("calendar_reset"), follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            "A new address is made; the old one no longer works. Give it to your calendar."
        ]
        new = CalendarFeed.objects.get(user=lan).token
        assert new != old and response.context["feed_url"].endswith(f"/calendar/{new}.ics")
        http.logout()
        assert client.get(url("calendar_feed", old)).status_code == 404
        assert client.get(url("calendar_feed", new)).status_code == 200

    def test_making_an_address_is_post_only_and_for_the_signed_in(self, client, login, lan):
        assert login(lan).get(url("calendar_reset")).status_code == 405
        client.logout()
        anonymous = client.post(url("calendar_reset"))
        assert anonymous.status_code == 302 and not CalendarFeed.objects.exists()

    def test_the_profile_page_links_to_it(self, login, lan):
        page = login(lan).get(reverse("people:profile"))
        assert url("calendar_settings") in page.content.decode()


class TestTheFeed:
    def test_the_feed_holds_the_persons_work_without_a_sign_in(
        self, client, lan, lans_work, minhs_work
    ):
        token = feed_of(lan).token
        response = client.get(url("calendar_feed", token))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        events = events_of(response)
        project, booking = lans_work["project"], lans_work["booking"]
        assigned, step = lans_work["task"], lans_work["step"]
        assert "Duyệt kịch bản TVC" in events[f"task-{assigned.pk}@kam"]["summary"]
        assert events[f"task-{assigned.pk}@kam"]["starts_on"] == assigned.due_on
        assert events[f"task-{assigned.pk}@kam"]["url"] == (
            f"http://127.0.0.1{url('task_detail', assigned.pk)}"
        )
        for milestone in project.contract.milestones.all():
            assert milestone.title in events[f"milestone-{milestone.pk}@kam"]["summary"]
        kol = events[f"booking-{booking.pk}@kam"]
        assert "Ca sĩ Hà Anh" in kol["summary"]
        # All-day events end the day after their last day.
        assert (kol["starts_on"], kol["ends_on"]) == (in_days(12), in_days(14))
        assert "Gọi lại chị Mai" in events[f"next-step-{step.pk}@kam"]["summary"]
        # Nothing of another KAM's work.
        summaries = " ".join(event["summary"] for event in events.values())
        assert "Minh" not in summaries
        assert f"task-{minhs_work['task'].pk}@kam" not in events
        for milestone in minhs_work["project"].contract.milestones.all():
            assert f"milestone-{milestone.pk}@kam" not in events

    def test_done_work_and_kept_steps_leave_the_feed(self, client, lan, lans_work):
        token = feed_of(lan).token
        assigned = lans_work["task"]
        services.work_task(by=lan, task=assigned, status="done")
        events = events_of(client.get(url("calendar_feed", token)))
        assert f"task-{assigned.pk}@kam" not in events

    def test_another_persons_feed_is_theirs_alone(self, client, lan, minh, lans_work, minhs_work):
        events = events_of(client.get(url("calendar_feed", feed_of(minh).token)))
        assert f"task-{minhs_work['task'].pk}@kam" in events
        assert f"task-{lans_work['task'].pk}@kam" not in events
        assert f"next-step-{lans_work['step'].pk}@kam" not in events

    def test_a_tampered_or_unknown_address_is_404(self, client, lan):
        token = feed_of(lan).token
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        for wrong in (tampered, token[:-1], token + "x", "nope"):
            assert client.get(url("calendar_feed", wrong)).status_code == 404
        assert client.get(f"/calendar/{token}.txt").status_code == 404

    def test_an_inactive_persons_feed_is_404(self, client, lan):
        token = feed_of(lan).token
        lan.is_active = False
        lan.save()
        assert client.get(url("calendar_feed", token)).status_code == 404

    def test_the_feed_answers_in_bounded_queries(
        self, client, lan, lans_work, django_assert_max_num_queries
    ):
        token = feed_of(lan).token
        for n in range(10):
            task(lans_work["project"], title=f"Việc {n}", assignee=lan)
        with django_assert_max_num_queries(6):
            response = client.get(url("calendar_feed", token))
        assert len(events_of(response)) == 3 + 11 + 1 + 1
        assert response["Cache-Control"].startswith("max-age=0")
