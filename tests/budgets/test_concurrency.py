"""Two people acting on one budget at the same moment (PostgreSQL, where the project's row lock
serialises them): a re-baseline approved once, a margin decided once, a threshold warned once,
and a person's day never past 24 hours."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from kam.budgets import services
from kam.budgets.models import Baseline, BudgetAlert, MarginApproval, TimeEntry
from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.people.models import Department
from tests.budgets.factories import bill, budgeted_project
from tests.clients.factories import ClientFactory
from tests.delivery.factories import task
from tests.growth.test_concurrency import at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def creative_department(db):
    """The migrations' departments are flushed between transactional tests: the estimate's
    Creative line needs its department back."""
    Department.objects.get_or_create(code="creative", defaults={"name": "Sáng tạo"})


def test_two_people_approving_one_rebaseline_approve_it_once(lan, director, admin):
    budget = budgeted_project(client=ClientFactory(owner=lan))
    baseline = services.start_baseline(by=lan, budget=budget, reason="Khách tăng phạm vi")
    services.submit_baseline(by=lan, baseline=baseline)
    outcomes = at_once(
        lambda: services.approve_baseline(by=director, baseline=baseline, note="Đồng ý"),
        lambda: services.approve_baseline(by=admin, baseline=baseline, note="Cũng đồng ý"),
    )
    assert len([o for o in outcomes if isinstance(o, Baseline)]) == 1, outcomes
    assert len([o for o in outcomes if isinstance(o, InvalidTransition)]) == 1, outcomes
    assert AuditEvent.objects.filter(verb="baseline.approved").count() == 1


def test_two_directors_deciding_one_margin_decide_once(lan, director, admin):
    budget = budgeted_project(client=ClientFactory(owner=lan))
    cost = bill(budget, 700_000_000, margin_reason="Quay lại")
    approval = cost.margin_approval
    outcomes = at_once(
        lambda: services.decide_margin(by=director, approval=approval, approve=True, note="OK"),
        lambda: services.decide_margin(by=admin, approval=approval, approve=False, note="Không"),
    )
    assert len([o for o in outcomes if isinstance(o, MarginApproval)]) == 1, outcomes
    assert len([o for o in outcomes if isinstance(o, InvalidTransition)]) == 1, outcomes


def test_two_bills_crossing_a_threshold_at_once_warn_once(lan):
    budget = budgeted_project(client=ClientFactory(owner=lan))
    outcomes = at_once(
        lambda: bill(budget, 420_000_000, by=lan),
        lambda: bill(budget, 30_000_000, by=lan),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert BudgetAlert.objects.filter(threshold_percent=80).count() == 1


def test_two_saves_of_one_day_never_pass_24_hours(lan):
    budget = budgeted_project(client=ClientFactory(owner=lan))
    first, second = task(budget.project, assignee=lan), task(budget.project, assignee=lan)
    today = timezone.localdate()
    outcomes = at_once(
        lambda: services.enter_time(by=lan, task=first, worked_on=today, hours=Decimal(14)),
        lambda: services.enter_time(by=lan, task=second, worked_on=today, hours=Decimal(14)),
    )
    assert len([o for o in outcomes if isinstance(o, DomainError)]) == 1, outcomes
    assert TimeEntry.objects.get().hours == 14
