"""VAT rates are data: when a decree brings a rate or ends one, Finance records it here and
invoices issued from its first day take it; invoices issued before keep the rate they had."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.people.models import User
from kam.receivables.models import VatRate
from kam.receivables.permissions import keeps_the_books

VERB_LABELS = {
    "vat_rate.added": gettext_lazy("added a VAT rate"),
    "vat_rate.ended": gettext_lazy("ended a VAT rate"),
}


@transaction.atomic
def add_vat_rate(
    *,
    by: User,
    code: str,
    label: str,
    percent,
    valid_from: date,
    valid_until: date | None = None,
    note: str = "",
) -> VatRate:
    """A rate for a code from a day (to a day): it may not overlap another rate of the code."""
    require(keeps_the_books(by))
    code, label = (code or "").strip(), (label or "").strip()
    if not code or len(code) > 12:
        raise DomainError(_("Give a code of at most 12 characters."), field="code")
    if not label:
        raise DomainError(_("Give the rate's name."), field="label")
    try:
        percent = Decimal(str(percent).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        percent = Decimal(-1)
    if not percent.is_finite() or not 0 <= percent <= 100 or percent != round(percent, 2):
        raise DomainError(_("A percentage is from 0 to 100."), field="percent")
    if valid_from is None:
        raise DomainError(_("Give the first day it applies."), field="valid_from")
    if valid_until is not None and valid_until < valid_from:
        raise DomainError(_("The end date is before the start date."), field="valid_until")
    overlapping = VatRate.objects.filter(code=code).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from)
    )
    if valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_until)
    if overlapping.exists():
        raise DomainError(
            _("VAT %(code)s has a rate on some of these days: end it first.") % {"code": code},
            field="valid_from",
        )
    rate = VatRate.objects.create(
        code=code,
        label=label[:60],
        percent=percent,
        valid_from=valid_from,
        valid_until=valid_until,
        note=(note or "").strip()[:200],
    )
    record_event(
        subject=rate,
        verb="vat_rate.added",
        by=by,
        changes=created(snapshot(rate, ["code", "label", "percent", "valid_from", "valid_until"])),
    )
    return rate


@transaction.atomic
def end_vat_rate(*, by: User, rate: VatRate, last_day: date) -> VatRate:
    """The last day a rate applies (a decree ends it)."""
    require(keeps_the_books(by))
    rate = VatRate.objects.select_for_update().get(pk=rate.pk)
    if last_day is None or last_day < rate.valid_from:
        raise DomainError(_("The end date is before the start date."), field="valid_until")
    if rate.valid_until is not None and rate.valid_until <= last_day:
        raise InvalidTransition(_("This rate ends on that day or earlier already."))
    before = str(rate.valid_until) if rate.valid_until else None
    rate.valid_until = last_day
    rate.save(update_fields=["valid_until"])
    record_event(
        subject=rate, verb="vat_rate.ended", by=by, changes={"valid_until": [before, str(last_day)]}
    )
    return rate
