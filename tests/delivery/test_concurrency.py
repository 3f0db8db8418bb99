"""Two people acting on one contract or project at the same moment (PostgreSQL, where the
contract's or project's row lock is what serialises them): one signing, amendments numbered in
turn, one cancellation promoting the backup once, no circle of waiting tasks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.delivery import services
from kam.delivery.models import Booking, Contract, TaskDependency
from tests.clients.factories import ClientFactory
from tests.delivery.factories import draft_contract, running_project, signed_contract
from tests.growth.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
]


def test_two_people_signing_at_once_sign_once(lan):
    contract = draft_contract(client=ClientFactory(owner=lan), value=100)
    services.add_milestone(
        by=lan, contract=contract, title="Đợt 1", due_on=timezone.localdate(), amount=100
    )
    outcomes = at_once(
        lambda: services.sign_contract(by=lan, contract=contract),
        lambda: services.sign_contract(by=lan, contract=contract),
    )
    signed = [o for o in outcomes if isinstance(o, Contract)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert (len(signed), len(refused)) == (1, 1), outcomes
    assert AuditEvent.objects.filter(verb="contract.signed").count() == 1


def test_amendments_recorded_at_once_are_numbered_in_turn(lan):
    contract = signed_contract(client=ClientFactory(owner=lan))
    outcomes = at_once(
        *[
            lambda n=n: services.record_amendment(
                by=lan, contract=contract, signed_on=timezone.localdate(), summary=f"Phụ lục {n}"
            )
            for n in range(3)
        ]
    )
    assert sorted(o.number for o in outcomes) == [1, 2, 3], outcomes


def test_two_people_cancelling_one_booking_promote_its_backup_once(lan):
    project = running_project(client=ClientFactory(owner=lan))
    day = timezone.localdate() + timedelta(days=3)
    kol = services.add_booking(
        by=lan, project=project, kind="kol", name="KOL Hà Anh", starts_on=day, ends_on=day
    )
    backup = services.add_booking(
        by=lan,
        project=project,
        kind="kol",
        name="KOL Minh Tú",
        starts_on=day,
        ends_on=day,
        backup_for=kol,
    )
    outcomes = at_once(
        lambda: services.cancel_booking(by=lan, booking=kol, reason="Ốm"),
        lambda: services.cancel_booking(by=lan, booking=kol, reason="Trùng lịch"),
    )
    assert [o for o in outcomes if isinstance(o, Booking)] == [backup], outcomes
    assert len([o for o in outcomes if isinstance(o, InvalidTransition)]) == 1
    assert AuditEvent.objects.filter(verb="booking.promoted").count() == 1


def test_opposite_dependencies_added_at_once_make_no_circle(lan):
    project = running_project(client=ClientFactory(owner=lan))
    today = timezone.localdate()
    a, b = (
        services.create_task(
            by=lan, project=project, title=name, vendor="Studio", starts_on=today, due_on=today
        )
        for name in "AB"
    )
    outcomes = at_once(
        lambda: services.add_dependency(by=lan, task=a, depends_on=b),
        lambda: services.add_dependency(by=lan, task=b, depends_on=a),
    )
    assert len([o for o in outcomes if isinstance(o, TaskDependency)]) == 1, outcomes
    assert len([o for o in outcomes if isinstance(o, DomainError)]) == 1, outcomes
    assert TaskDependency.objects.count() == 1
