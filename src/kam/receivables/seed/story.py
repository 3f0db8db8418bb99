"""Sữa Việt's first invoice, PRODUCT.md's story: Finance invoices the signed contract's first
milestone (the 30% advance, at the contract's VAT 8%) about 45 days before today with the
contract's 30 days to pay; the client pays half a few days before it falls due, and the rest is
overdue now, after the 30 days, in the ageing's first buckets. No reminder has gone out for it
yet: sending one is the reminders job's part of the story."""

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from kam.clients.models import Client
from kam.delivery.models import Contract
from kam.receivables import services
from kam.receivables.seed.history import Bill, Calendar, Timeline

ISSUED_DAYS_AGO = 45
# Issued from a month to three months ago, so that what is left is 1 to 60 days overdue; the
# nearest to 45 days that takes a document (a working day, not in a closed month).
ISSUED_WITHIN = range(31, 91)
PAID_AFTER_DAYS = 25
PAID_SHARE = Decimal("0.5")


def story_days(calendar: Calendar, today: date) -> tuple[date, date | None]:
    """The day the invoice is issued and the day half of it is paid."""
    issued = next(
        day
        for day in (
            today - timedelta(days=days)
            for days in sorted(ISSUED_WITHIN, key=lambda days: (abs(days - ISSUED_DAYS_AGO), days))
        )
        if calendar.open_day(day) == day
    )
    return issued, calendar.open_day(issued + timedelta(days=PAID_AFTER_DAYS))


def plan_the_story(timeline: Timeline, client: Client, today: date) -> Bill | None:
    """Put the story's invoice and its half payment on the timeline."""
    contract = (
        Contract.objects.filter(client=client, status=Contract.Status.SIGNED).order_by("pk").first()
    )
    milestone = contract.milestones.order_by("position", "due_on").first() if contract else None
    if milestone is None:
        return None
    issued, paid = story_days(timeline.calendar, today)
    draft = partial(services.draft_invoice_for_milestone, by=timeline.finance, milestone=milestone)
    bill = Bill(client, issued, contract.payment_terms_days, draft)
    timeline.issue(bill)
    if paid is not None:
        timeline.pay(bill, paid, PAID_SHARE)
    return bill
