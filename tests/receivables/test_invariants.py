"""The invariants of receivables under any sequence of invoices, credit notes, payments and
allocations (hypothesis): for every client, invoiced - credited - allocated = open balance; the
ageing buckets add up to the open balance; each statement's closing balance is the next one's
opening balance, and the last one's is what the client owes; a payment's allocations before
VAT are what its allocations are worth without their invoices' VAT."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kam.core.errors import DomainError
from kam.core.money import before_vat
from kam.receivables import queries, services
from kam.receivables.models import Allocation, CreditNote, Invoice, Payment
from tests.receivables.factories import billable_client, draft

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=1, max_value=5_000_000)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("invoice"), amounts, st.sampled_from(["10", "8", "5", "0", "exempt"])),
        st.tuples(st.just("pay"), amounts, st.booleans()),
        st.tuples(st.just("allocate"), st.integers(0, 9), st.integers(0, 9)),
        st.tuples(st.just("credit"), st.integers(0, 9), amounts),
        st.tuples(st.just("cancel"), st.integers(0, 9), st.just(0)),
        st.tuples(st.just("unallocate"), st.integers(0, 9), st.just(0)),
    ),
    min_size=1,
    max_size=14,
)


def _sum(records, field: str) -> Decimal:
    return records.aggregate(s=Sum(field))["s"] or Decimal(0)


def _apply(step, client, finance, day) -> None:
    kind, first, second = step
    invoices = list(Invoice.objects.filter(client=client, status="issued").order_by("pk"))
    payments = list(Payment.objects.filter(client=client).order_by("pk"))
    if kind == "invoice":
        invoice = draft(client, by=finance, amount=first, vat_code=second)
        services.issue_invoice(by=finance, invoice=invoice, issued_on=day)
    elif kind == "pay":
        services.record_payment(
            by=finance, client=client, amount=first, received_on=day, allocate_oldest_first=second
        )
    elif kind == "allocate" and invoices and payments:
        payment = payments[second % len(payments)]
        invoice = invoices[first % len(invoices)]
        share = min(payment.unallocated_amount, invoice.open_amount)
        if share > 0:
            services.allocate_payment(
                by=finance, payment=payment, shares=[queries.Share(invoice, share)]
            )
    elif kind == "credit" and invoices:
        invoice = invoices[first % len(invoices)]
        services.credit_invoice(
            by=finance, invoice=invoice, amount=min(second, invoice.open_amount), reason="Giảm"
        )
    elif kind == "cancel" and invoices:
        services.cancel_invoice(by=finance, invoice=invoices[first % len(invoices)], reason="Hủy")
    elif kind == "unallocate":
        allocations = list(Allocation.objects.filter(payment__client=client).order_by("pk"))
        if allocations:
            services.remove_allocation(by=finance, allocation=allocations[first % len(allocations)])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, gaps=st.lists(st.integers(0, 40), min_size=14, max_size=14))
def test_balances_ageing_and_statements_always_agree(lan, finance, steps, gaps):
    today = timezone.localdate()
    with transaction.atomic():
        client = billable_client(owner=lan)
        # The steps happen on increasing days ending today (invoices are issued in date order).
        days = []
        day = today - timedelta(days=sum(gaps))
        for gap in gaps[: len(steps)]:
            day += timedelta(days=gap)
            days.append(day)
        for step, day in zip(steps, days, strict=False):
            # A refused step is refused as a whole: the invariants hold all the same.
            with suppress(DomainError):
                _apply(step, client, finance, day)
        _check_invariants(client, finance, days[0] if days else today)
        transaction.set_rollback(True)


def _check_invariants(client, finance, first_day) -> None:
    invoices = Invoice.objects.filter(client=client)
    invoiced = _sum(invoices.exclude(status="draft"), "total_vnd")
    credited = _sum(CreditNote.objects.filter(client=client), "total_vnd")
    allocated = _sum(Allocation.objects.filter(invoice__client=client), "amount")
    open_balance = sum((invoice.open_amount for invoice in invoices), Decimal(0))
    assert invoiced - credited - allocated == open_balance

    ageing = queries.ageing_totals(invoices)
    assert sum(ageing[bucket] for bucket in queries.BUCKETS) == ageing["total"] == open_balance

    for payment in Payment.objects.filter(client=client):
        assert 0 <= payment.allocated_amount <= payment.amount
        assert payment.allocated_amount == _sum(payment.allocations.all(), "amount")
        # Collected revenue: each allocation before its invoice's VAT, rounded as it stands.
        assert payment.allocated_net == sum(
            (
                before_vat(part.amount, part.invoice.subtotal, part.invoice.total)
                for part in payment.allocations.select_related("invoice")
            ),
            Decimal(0),
        )
        assert 0 <= payment.allocated_net <= payment.allocated_amount

    today = timezone.localdate()
    start = first_day - timedelta(days=2)  # before anything: the first opening balance is 0
    middle = start + (today - start) // 2
    earlier = services.make_statement(
        by=finance, client=client, period_start=start, period_end=middle
    )
    later = services.make_statement(
        by=finance, client=client, period_start=middle + timedelta(days=1), period_end=today
    )
    assert earlier.opening_balance == 0
    assert earlier.closing_balance == later.opening_balance
    assert later.closing_balance == queries.client_balance(client)
