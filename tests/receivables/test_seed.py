"""The demo's receivables: Sữa Việt's first milestone invoiced at VAT 8%, half paid and the rest
overdue with no reminder yet; twelve months of invoices, payments, reminders and promises (kept
and broken) for the other clients with a signed contract, nothing dated in a closed month; last
month's statements, one confirmed and one disputed; credit notes; and no email sent. And the
bulk volume at a small scale: its counts, numbers without a gap, balances that add up."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.test import TestCase
from django.utils import timezone

from kam.budgets.models import ClosedMonth
from kam.clients.models import Client
from kam.core import seed as core_seed
from kam.core.models import AuditEvent
from kam.delivery.models import Contract
from kam.people.models import User
from kam.receivables import queries, services
from kam.receivables import seed as receivables_seed
from kam.receivables.models import (
    Allocation,
    CreditNote,
    DunningNotice,
    Invoice,
    InvoiceLine,
    NumberSequence,
    Payment,
    PaymentPromise,
    Statement,
)
from tests.core.test_seed_scale import SMALL

RECEIVABLE_MODELS = (Invoice, InvoiceLine, CreditNote, Payment, Allocation, Statement,
                     PaymentPromise, DunningNotice)  # fmt: skip
ZERO = Decimal(0)


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, seeded once for the class and rolled back after it; then the jobs its
    commit would queue are run. Yields the mail sent meanwhile."""
    with django_db_blocker.unblock(), transaction.atomic():
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks() as queued:
            call_command("seed", verbosity=0)
        for job in queued:
            job()
        yield list(mail.outbox)
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def story_invoice() -> Invoice:
    return Invoice.objects.select_related("milestone__contract").get(client__short_name="Sữa Việt")


def sums_by_client(records, field: str, **filters) -> dict[int, Decimal]:
    rows = records.filter(**filters).values("client").annotate(s=Coalesce(Sum(field), ZERO))
    return defaultdict(Decimal, {row["client"]: row["s"] for row in rows})


def assert_every_balance_adds_up() -> None:
    """For every client, invoiced - credited - allocated is what its invoices have open; each
    payment's allocated amount is its allocations; an invoice is settled in full on a day."""
    invoiced = sums_by_client(Invoice.objects.exclude(status="draft"), "total_vnd")
    credited = sums_by_client(CreditNote.objects, "total_vnd")
    allocated = defaultdict(
        Decimal,
        {
            row["invoice__client"]: row["s"]
            for row in Allocation.objects.values("invoice__client").annotate(s=Sum("amount"))
        },
    )
    still_open = sums_by_client(
        Invoice.objects.filter(status="issued").annotate(o=F("total_vnd") - F("settled_amount")),
        "o",
    )
    for client in set(invoiced) | set(credited) | set(allocated):
        assert invoiced[client] - credited[client] - allocated[client] == still_open[client], client
    payments = Payment.objects.annotate(a=Coalesce(Sum("allocations__amount"), ZERO))
    assert not payments.exclude(allocated_amount=F("a")).exists()
    issued = Invoice.objects.filter(status="issued")
    assert not issued.filter(settled_on=None, settled_amount=F("total_vnd")).exists()
    assert not issued.exclude(settled_on=None).exclude(settled_amount=F("total_vnd")).exists()


def assert_numbers_have_no_gap() -> None:
    """Per symbol and year: 1 to n, dated in that order, and the sequence at n."""
    for model in (Invoice, CreditNote):
        numbered = model.objects.exclude(number=None).order_by("series", "year", "number")
        by_series = defaultdict(list)
        for series, year, number, day in numbered.values_list(
            "series", "year", "number", "issued_on"
        ):
            by_series[(series, year)].append((number, day))
        for (series, year), rows in by_series.items():
            assert [number for number, _day in rows] == list(range(1, len(rows) + 1)), series
            assert [day for _number, day in rows] == sorted(day for _number, day in rows), series
            assert {day.year for _number, day in rows} == {year}
            assert NumberSequence.objects.get(series=series, year=year).last_number == len(rows)


class TestTheDemo:
    """Seeded once: the demo takes seconds to build through the services."""

    def test_sua_viets_first_milestone_is_invoiced_at_8_percent_half_paid_the_rest_overdue(
        self, demo, db
    ):
        invoice = story_invoice()
        today = timezone.localdate()
        assert invoice.milestone == invoice.milestone.contract.milestones.order_by("position")[0]
        assert invoice.issued_by == user("finance") and invoice.status == "issued"
        (line,) = invoice.lines.all()
        assert line.vat_code == "8" and line.vat_percent == 8
        assert invoice.vat_amount == invoice.subtotal * Decimal("0.08")
        assert invoice.subtotal == invoice.milestone.amount
        assert invoice.settled_amount == (invoice.total_vnd / 2).quantize(Decimal(1))
        assert invoice.allocations.count() == 1
        # Issued about 45 days ago on the contract's 30 days: past due, in the first buckets.
        assert invoice.payment_terms_days == 30
        assert 1 <= (today - invoice.due_on).days <= 60
        row = queries.ageing_by_client(Invoice.objects.filter(client=invoice.client)).get()
        assert row["days_1_30"] + row["days_31_60"] == invoice.total_vnd - invoice.settled_amount
        # The reminder is the reminders job's, in the story: none sent yet, one due now.
        assert not invoice.notices.exists()
        due = [(found.pk, step) for found, step in queries.reminders_due(today)]
        assert invoice.pk in {pk for pk, _step in due}

    def test_every_other_client_with_a_signed_contract_has_a_year_of_invoices(self, demo, db):
        today = timezone.localdate()
        signed = Client.objects.filter(contracts__status=Contract.Status.SIGNED).distinct()
        assert signed.count() >= 7
        for client in signed.exclude(short_name="Sữa Việt"):
            days = list(client.invoices.values_list("issued_on", flat=True))
            assert len(days) >= 10, client
            assert min(days) <= today - timedelta(days=300), client
            assert client.payments.exists(), client
        # Retainers monthly on their own, and the contracts' milestones reached a while ago.
        assert Invoice.objects.filter(milestone=None, contract=None).count() >= 60
        assert Invoice.objects.exclude(milestone=None).count() >= 8
        assert_numbers_have_no_gap()
        assert_every_balance_adds_up()

    def test_each_line_has_the_rate_of_its_code_on_the_issue_day(self, demo, db):
        for line in InvoiceLine.objects.select_related("invoice"):
            rate = queries.vat_rates_on(line.invoice.issued_on).get(code=line.vat_code)
            assert line.vat_percent == rate.percent
            assert line.vat_amount == (line.amount * rate.percent / 100).quantize(Decimal(1))
        assert InvoiceLine.objects.filter(vat_percent=8).count() >= 60

    def test_most_pay_a_little_late_some_very_late_a_few_in_parts(self, demo, db):
        settled = Invoice.objects.filter(status="issued").exclude(settled_on=None)
        late = [(invoice.settled_on - invoice.due_on).days for invoice in settled]
        assert len(late) >= 40
        assert sum(1 for days in late if days <= 20) > len(late) // 2
        assert any(days >= 45 for days in late)
        in_parts = Invoice.objects.annotate(n=Count("allocations")).filter(n__gt=1)
        assert in_parts.exists()
        # Reminders went out while they were owed, each dated the morning it was sent.
        assert DunningNotice.objects.count() >= 20
        for notice in DunningNotice.objects.select_related("invoice"):
            sent = timezone.localtime(notice.sent_at)
            assert (sent.hour, sent.minute) == (8, 0)
            assert sent.date() < timezone.localdate()
            assert sent.date() >= notice.invoice.issued_on

    def test_nothing_is_dated_in_the_month_finance_closed(self, demo, db):
        month = ClosedMonth.objects.get().month
        within = {"year": month.year, "month": month.month}
        assert not Invoice.objects.filter(
            issued_on__year=within["year"], issued_on__month=within["month"]
        ).exists()
        assert not Payment.objects.filter(
            received_on__year=within["year"], received_on__month=within["month"]
        ).exists()
        assert not CreditNote.objects.filter(
            issued_on__year=within["year"], issued_on__month=within["month"]
        ).exists()

    def test_last_months_statements_one_confirmed_one_disputed(self, demo, db):
        end = timezone.localdate().replace(day=1) - timedelta(days=1)
        confirmed = Statement.objects.get(status="confirmed")
        disputed = Statement.objects.get(status="disputed")
        for statement in (confirmed, disputed):
            assert (statement.period_start, statement.period_end) == (end.replace(day=1), end)
            assert statement.answered_by_name == statement.recipient.full_name
            after = queries.client_balance(statement.client, before=end + timedelta(days=1))
            assert statement.closing_balance == after
            assert statement.lines.filter(kind="invoice").exists()
        assert confirmed.client.short_name == "Sao Việt Retail"
        assert disputed.client.short_name == "PĐS Bank" and disputed.client_comment
        assert disputed.dispute_resolved_at is None
        assert AuditEvent.objects.filter(verb="statement.disputed").count() == 1

    def test_promises_were_kept_and_broken_and_one_is_not_due_yet(self, demo, db):
        promises = queries.with_promise_state(PaymentPromise.objects.all())
        states = defaultdict(list)
        for promise in promises:
            states[promise.state].append(promise)
        assert states["kept"] and states["broken"], states
        (waiting,) = states["open"]
        assert waiting.pay_by > timezone.localdate()
        assert AuditEvent.objects.filter(verb="promise.recorded").count() == 1
        for promise in PaymentPromise.objects.select_related("invoice", "promised_by"):
            assert promise.invoice.client_id == promise.client_id
            assert promise.promised_by.client_id == promise.client_id

    def test_finance_credited_two_open_invoices_today(self, demo, db):
        notes = CreditNote.objects.select_related("invoice")
        assert notes.count() == 2
        for note in notes:
            assert note.issued_on == timezone.localdate()
            assert note.invoice.status == "issued" and not note.cancels_invoice
            assert note.invoice.settled_amount >= note.total_vnd

    def test_no_email_is_sent_nor_left_to_send(self, demo, db):
        assert demo == []
        sent = Statement.objects.exclude(status="draft")
        assert sent.count() == 2
        assert not any(services.email_statement(statement.pk) for statement in sent)

    def test_seeding_twice_adds_nothing(self, demo, db):
        counts = [model.objects.count() for model in RECEIVABLE_MODELS]
        with pytest.raises(CommandError):
            call_command("seed", verbosity=0)
        receivables_seed.seed(core_seed.make_context(scale="demo", seed=2026))
        assert [model.objects.count() for model in RECEIVABLE_MODELS] == counts


# --- Volume ---------------------------------------------------------------------------------
@pytest.fixture
def small_scale(monkeypatch):
    monkeypatch.setitem(core_seed.SCALES, "medium", SMALL)


def test_the_volume_holds_the_scales_invoices_and_payments_and_every_balance_adds_up(
    db, small_scale
):
    call_command("seed", scale="medium", seed=3, verbosity=0)
    assert Invoice.objects.count() == SMALL.invoices
    assert Payment.objects.count() == SMALL.payments
    assert_numbers_have_no_gap()
    assert_every_balance_adds_up()
    volume = Invoice.objects.exclude(series__endswith="TAA")
    # One line each, adding up to the invoice.
    lines = volume.annotate(
        n=Count("lines"), s=Sum("lines__amount"), v=Sum("lines__vat_amount")
    ).filter(Q(n__gt=1) | ~Q(s=F("subtotal")) | ~Q(v=F("vat_amount")))
    assert not lines.exists()
    assert not volume.exclude(total=F("subtotal") + F("vat_amount")).exists()
    # About 15% open, in every bucket of the ageing; a few cancelled, some credited.
    still_open = queries.open_invoices(volume).count()
    assert volume.count() * 8 // 100 <= still_open <= volume.count() * 25 // 100
    totals = queries.ageing_totals(volume)
    assert all(totals[bucket] > 0 for bucket in queries.BUCKETS), totals
    assert volume.filter(status="cancelled").exists()
    assert CreditNote.objects.filter(invoice__in=volume, cancels_invoice=False).exists()
    assert Payment.objects.filter(allocated_amount=0).exists()  # not allocated yet
    today = timezone.localdate()
    assert not volume.filter(issued_on__gt=today).exists()
    assert not Payment.objects.filter(received_on__gt=today).exists()
    assert not Allocation.objects.filter(payment__received_on__lt=F("invoice__issued_on")).exists()
    assert not Allocation.objects.exclude(payment__client=F("invoice__client")).exists()
    # Bulk inserts skip the services: every row still passes its model's own validation.
    for model in RECEIVABLE_MODELS:
        for record in model.objects.all()[:300]:
            record.full_clean()
