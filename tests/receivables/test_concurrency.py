"""Two people (or workers) acting on the same money at the same moment (PostgreSQL, where row
locks and unique indexes between connections decide): one payment per idempotency key, never an
invoice settled beyond its total, numbers without gap or repeat, each reminder step sent once,
a statement answered once. The same payment race through a real server on SQLite and
PostgreSQL is in test_idempotent_payments_live.py."""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import connection
from django.utils import timezone

from kam.core.errors import DomainError
from kam.people.models import Department
from kam.receivables import queries, services
from kam.receivables.models import DunningNotice, Invoice, Payment, Statement, VatRate
from tests.growth.test_concurrency import at_once
from tests.receivables.factories import billable_client, draft, issued, paid

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
]


@pytest.fixture(autouse=True)
def creative_department(db):
    """The migrations' data are flushed between transactional tests: put back what is used."""
    Department.objects.get_or_create(code="creative", defaults={"name": "Sáng tạo"})
    if not VatRate.objects.exists():
        rates = import_module("kam.receivables.migrations.0002_immutable_documents_and_vat_rates")
        rates.add_vat_rates(django_apps, None)


def test_the_same_idempotency_key_sent_at_once_records_one_payment(lan, finance):
    client = billable_client(owner=lan)

    def send():
        return services.record_payment(
            by=finance, client=client, amount=Decimal(5_000), idempotency_key="ck-42"
        )

    outcomes = at_once(*[send] * 6)
    payments = {outcome[0].pk for outcome in outcomes if isinstance(outcome, tuple)}
    assert len(payments) == 1, outcomes
    assert sum(1 for outcome in outcomes if isinstance(outcome, tuple) and outcome[1]) == 1
    assert Payment.objects.count() == 1


def test_two_allocations_at_once_never_settle_beyond_the_total(lan, finance):
    client = billable_client(owner=lan)
    invoice = issued(client, by=finance, amount=1_000)  # 1.080 with VAT
    first, second = paid(client, 1_000, by=finance), paid(client, 1_000, by=finance)
    outcomes = at_once(
        lambda: services.allocate_payment(
            by=finance, payment=first, shares=[queries.Share(invoice, 700)]
        ),
        lambda: services.allocate_payment(
            by=finance, payment=second, shares=[queries.Share(invoice, 700)]
        ),
    )
    assert len([o for o in outcomes if isinstance(o, DomainError)]) == 1, outcomes
    invoice.refresh_from_db()
    assert invoice.settled_amount == 700


def test_two_invoices_issued_at_once_take_consecutive_numbers(lan, finance):
    client = billable_client(owner=lan)
    drafts = [draft(client, by=finance), draft(client, by=finance)]
    outcomes = at_once(*[lambda d=d: services.issue_invoice(by=finance, invoice=d) for d in drafts])
    assert sorted(outcome.number for outcome in outcomes) == [1, 2], outcomes


def test_two_dunning_runs_at_once_send_each_step_once(lan, finance):
    client = billable_client(owner=lan)
    today = timezone.localdate()
    issued(client, by=finance, amount=1_000, issued_on=today.fromordinal(today.toordinal() - 40))
    outcomes = at_once(services.send_due_reminders, services.send_due_reminders)
    assert sorted(outcomes) == [0, 1], outcomes
    assert DunningNotice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_statement_answered_twice_at_once_keeps_one_answer(lan, finance):
    client = billable_client(owner=lan)
    today = timezone.localdate()
    statement = services.make_statement(
        by=finance, client=client, period_start=today.replace(day=1), period_end=today
    )
    statement = services.send_statement(by=finance, statement=statement)
    token = services.statements.statement_token(statement)
    outcomes = at_once(
        lambda: services.answer_statement(token=token, agrees=True, name="Kế toán A"),
        lambda: services.answer_statement(
            token=token, agrees=False, name="Kế toán B", comment="Sai số dư"
        ),
    )
    assert len([o for o in outcomes if isinstance(o, Statement)]) == 1, outcomes
    assert len([o for o in outcomes if isinstance(o, services.LinkRefused)]) == 1, outcomes
    assert Invoice.objects.count() == 0
