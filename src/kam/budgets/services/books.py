"""Finance's part of the books: closing a month so its costs and time no longer change, and
what an hour of each department's people costs from a date on."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.budgets.models import ClosedMonth, CostRate
from kam.budgets.permissions import can_keep_the_books
from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, require
from kam.core.money import whole_amount
from kam.core.saving import validated_save
from kam.people.models import Department, User

VERB_LABELS = {
    "month.closed": gettext_lazy("closed the month"),
    "rate.set": gettext_lazy("set the cost of an hour"),
}


@transaction.atomic
def close_month(*, by: User, month: date) -> ClosedMonth:
    """Close a past or current month: nothing is recorded, changed or cancelled in it after."""
    require(can_keep_the_books(by))
    if month is None:
        raise DomainError(_("Choose the month."), field="month")
    month = month.replace(day=1)
    if month > timezone.localdate():
        raise DomainError(_("A month is closed once it has begun."), field="month")
    closed = ClosedMonth(month=month, closed_by=by)
    validated_save(closed, field="month", message=_("This month is closed already."))
    record_event(subject=closed, verb="month.closed", by=by, changes={"month": [None, str(closed)]})
    return closed


@transaction.atomic
def set_cost_rate(
    *, by: User, department: Department | None, hourly_amount, valid_from: date
) -> CostRate:
    """What an hour costs from `valid_from` on; time already entered keeps the rate it had."""
    require(can_keep_the_books(by))
    if valid_from is None:
        raise DomainError(_("Give the day the rate starts."), field="valid_from")
    rate = CostRate(
        department=department,
        hourly_amount=whole_amount(hourly_amount, "hourly_amount", allow_zero=True),
        valid_from=valid_from,
        created_by=by,
    )
    validated_save(rate, field="valid_from", message=_("A rate starts on this day already."))
    record_event(
        subject=rate,
        verb="rate.set",
        by=by,
        changes=created(snapshot(rate, ["department", "hourly_amount", "valid_from"])),
    )
    return rate
