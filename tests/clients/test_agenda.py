"""A KAM's next steps with clients on Today: due within a week or late, done from there."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from kam.clients.queries import agenda_items
from tests.clients.factories import ClientFactory, InteractionFactory


def test_next_steps_due_within_a_week_or_late_are_on_their_owners_agenda(lan, hoa):
    today = timezone.localdate()
    client = ClientFactory(owner=lan, short_name="Sữa Việt")
    late = InteractionFactory(
        client=client, next_step="Gửi báo giá", next_step_due_on=today - timedelta(days=2),
        next_step_owner=lan,
    )  # fmt: skip
    InteractionFactory(
        client=client, next_step="Hẹn gặp quý sau", next_step_due_on=today + timedelta(days=30),
        next_step_owner=lan,
    )  # fmt: skip
    InteractionFactory(
        client=client, next_step="Gọi lại", next_step_due_on=today, next_step_owner=hoa
    )
    items = agenda_items(lan)
    assert [item.due_on for item in items] == [late.next_step_due_on]
    assert "Gửi báo giá" in items[0].title and items[0].is_late
    assert items[0].done_url == reverse("clients:interaction_next_step_done", args=[late.pk])


def test_a_next_step_done_from_today_leaves_the_agenda_and_returns_to_today(login, lan):
    client = ClientFactory(owner=lan)
    step = InteractionFactory(
        client=client, next_step="Gửi báo giá", next_step_due_on=timezone.localdate(),
        next_step_owner=lan,
    )  # fmt: skip
    response = login(lan).post(
        reverse("clients:interaction_next_step_done", args=[step.pk]), {"next": "/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert agenda_items(lan) == []


def test_a_next_address_elsewhere_is_not_followed(login, lan):
    client = ClientFactory(owner=lan)
    step = InteractionFactory(
        client=client, next_step="Gửi báo giá", next_step_due_on=timezone.localdate(),
        next_step_owner=lan,
    )  # fmt: skip
    response = login(lan).post(
        reverse("clients:interaction_next_step_done", args=[step.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("clients:client_detail", args=[client.pk])
