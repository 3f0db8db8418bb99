"""The seed's insert path (`core.seed.insert_all`, `copy_rows`): COPY on PostgreSQL, bulk_create
elsewhere; either way the rows read back as bulk_create writes them."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from kam.clients.models import Client, Interaction
from kam.core.models import AuditEvent
from kam.core.seed import copy_rows, insert_all
from tests.clients.factories import ClientFactory


def _events(actor, subject_type) -> list[AuditEvent]:
    return [
        AuditEvent(
            subject_type=subject_type,
            subject_id=str(number),
            subject_label=f"Công ty Sữa Việt {number}\tdòng\nmới \\ “ngoặc”",
            verb="client.created",
            actor=actor if number % 2 else None,
            changes={"name": [None, f"Sữa Việt {number}"], "amount": ["1", None], "ok": True},
        )
        for number in range(3)
    ]


def _interactions(client: Client, now) -> list[Interaction]:
    interactions = [
        Interaction(
            client=client,
            kind=Interaction.Kind.CALL,
            happened_at=now - timedelta(days=number, hours=3),
            summary=f"Gọi điện lần {number}",
            objection=Interaction.Objection.TOO_EXPENSIVE if number else "",
            recorded_by=client.owner,
        )
        for number in range(3)
    ]
    interactions[0].next_step = "Gửi lại đề xuất"
    interactions[0].next_step_due_on = date(2026, 1, 31)
    interactions[0].next_step_owner = client.owner
    for interaction in interactions:
        interaction.fill_search_text()
    return interactions


def _read(model, pks: list[int], leave_out: set[str]) -> list[dict]:
    records = model.objects.filter(pk__in=pks).order_by("pk")
    return [
        {name: value for name, value in model_to_dict(record).items() if name not in leave_out}
        for record in records
    ]


def test_inserted_instances_read_back_as_bulk_create_writes_them(db, lan):
    subject_type = ContentType.objects.get_for_model(Client)
    copied = insert_all(_events(lan, subject_type))
    created = AuditEvent.objects.bulk_create(_events(lan, subject_type))
    assert all(event.pk and not event._state.adding for event in copied)
    assert _read(AuditEvent, [event.pk for event in copied], {"id"}) == _read(
        AuditEvent, [event.pk for event in created], {"id"}
    )
    client = ClientFactory(owner=lan)
    now = timezone.now()
    copied = insert_all(_interactions(client, now))
    created = Interaction.objects.bulk_create(_interactions(client, now))
    stamps = {"id", "created_at", "updated_at"}
    assert _read(Interaction, [i.pk for i in copied], stamps) == _read(
        Interaction, [i.pk for i in created], stamps
    )
    assert all(record.created_at for record in Interaction.objects.filter(client=client))


def test_copied_rows_take_the_defaults_and_the_next_keys(db, lan):
    subject_type = ContentType.objects.get_for_model(Client)
    pks = copy_rows(
        AuditEvent,
        [
            {"subject_type_id": subject_type.pk, "subject_id": "1", "verb": "client.created"},
            {"subject_type_id": subject_type.pk, "subject_id": "2", "verb": "client.updated"},
        ],
    )
    assert pks == sorted(pks) and len(set(pks)) == 2
    events = list(AuditEvent.objects.filter(pk__in=pks).order_by("pk"))
    assert [(event.subject_id, event.changes, event.actor_id) for event in events] == [
        ("1", {}, None),
        ("2", {}, None),
    ]
    assert all(event.at for event in events)
    # The table's own sequence moved past them: the next ordinary insert does not collide.
    after = AuditEvent.objects.create(subject_type=subject_type, subject_id="3", verb="x")
    assert after.pk > max(pks)


def test_money_and_dates_keep_their_exact_values(db, lan):
    from kam.receivables.models import Payment

    client = ClientFactory(owner=lan)
    row = {
        "client_id": client.pk,
        "received_on": date(2026, 2, 28),
        "amount": Decimal("123456789"),
        "method": Payment.Method.BANK,
        "payer": client.legal_name,
        "recorded_by_id": lan.pk,
    }
    (pk,) = copy_rows(Payment, [row])
    payment = Payment.objects.get(pk=pk)
    assert (payment.received_on, payment.amount, payment.method) == (
        date(2026, 2, 28),
        Decimal("123456789"),
        "bank",
    )
    assert connection.vendor in {"postgresql", "sqlite"}
