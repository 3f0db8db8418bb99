"""What the receivables services share: gap-free numbers, VAT rates by date, amounts in a
currency, the dates documents may carry, and the row locks money changes take."""

from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.budgets.queries import is_month_closed
from kam.core.errors import DomainError
from kam.core.money import round_for, whole_amount
from kam.receivables.models import Invoice, NumberSequence, Payment, VatRate

VND = "VND"


def next_number(series: str, year: int) -> int:
    """The next number of the series in the year, taken under the sequence's row lock in the
    caller's transaction: two issuers wait for each other, and a rolled-back issue gives its
    number back, so the numbers have no gap."""
    sequence = _locked_sequence(series, year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _locked_sequence(series: str, year: int) -> NumberSequence:
    found = NumberSequence.objects.select_for_update().filter(series=series, year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            NumberSequence.objects.create(series=series, year=year)
    except IntegrityError:
        pass  # another issuer created the year's sequence first: take its lock below
    return NumberSequence.objects.select_for_update().get(series=series, year=year)


def symbol_for(template: str, day: date) -> str:
    """The invoice symbol of the day: `1C{yy}TAA` → `1C26TAA` (the year is part of it)."""
    return template.replace("{yy}", f"{day.year % 100:02d}")


def vat_rate(code: str, day: date) -> VatRate:
    """The rate a VAT code has on the day; a code without a rate that day is refused."""
    rate = (
        VatRate.objects.filter(code=code, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if rate is None:
        raise DomainError(
            _("VAT %(code)s does not apply on %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")},
            field="vat_code",
        )
    return rate


def currency_amount(value, currency: str, field: str, *, allow_zero: bool = False) -> Decimal:
    """An amount in the currency: no more decimals than it has (none in VND), refused rather
    than rounded away, since the user meant something else."""
    if currency == VND:
        return whole_amount(value, field, allow_zero=allow_zero)
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if value is not None else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount != round_for(currency, amount):
        raise DomainError(
            _("Give an amount with at most %(places)s decimals.")
            % {"places": get_currency_precision(currency)},
            field=field,
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(_("The amount must be above 0."), field=field)
    if amount >= Decimal(10) ** 15:
        raise DomainError(_("This amount is too large."), field=field)
    return amount


def checked_currency(currency: str, exchange_rate) -> tuple[str, Decimal | None]:
    """VND needs no rate; any other currency the system knows needs its rate in VND."""
    currency = (currency or VND).strip().upper()
    if currency == VND:
        return VND, None
    if currency not in settings.KAM_INVOICE_CURRENCIES:
        raise DomainError(
            _("Invoices can only be in %(currencies)s.")
            % {"currencies": ", ".join(settings.KAM_INVOICE_CURRENCIES)},
            field="currency",
        )
    try:
        rate = Decimal(str(exchange_rate).strip().replace(",", ".")) if exchange_rate else None
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not rate.is_finite() or rate <= 0 or rate >= Decimal(10) ** 10:
        raise DomainError(
            _("An invoice in %(currency)s needs its exchange rate to VND.")
            % {"currency": currency},
            field="exchange_rate",
        )
    if rate != rate.quantize(Decimal("0.0001")):
        raise DomainError(_("Give the rate with at most 4 decimals."), field="exchange_rate")
    return currency, rate


def document_day(day: date | None, field: str) -> date:
    """The date of a document or a payment: today when not given, never in the future, never in
    a month Finance has closed."""
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise DomainError(_("This date cannot be in the future."), field=field)
    if is_month_closed(day):
        raise DomainError(
            _("%(month)s is closed: nothing is recorded or changed in it.")
            % {"month": day.strftime("%m/%Y")},
            field=field,
        )
    return day


def locked_invoices(pks) -> list[Invoice]:
    """Invoices under row locks, always in the same order so two allocators never deadlock."""
    return list(
        Invoice.objects.select_for_update(of=("self",))
        .select_related("client")
        .filter(pk__in=list(pks))
        .order_by("pk")
    )


def locked_invoice(invoice: Invoice) -> Invoice:
    return locked_invoices([invoice.pk])[0]


def locked_payment(payment: Payment) -> Payment:
    return (
        Payment.objects.select_for_update(of=("self",)).select_related("client").get(pk=payment.pk)
    )


def in_vnd(amount: Decimal, invoice: Invoice) -> Decimal:
    """An amount of the invoice's currency in whole dong at its rate."""
    if invoice.currency == VND:
        return amount
    return round_for(VND, amount * invoice.exchange_rate)


def settle(invoice: Invoice, amount_vnd: Decimal, day: date) -> None:
    """Add to what is settled of the invoice (a payment's share or a credit note); once it is
    fully settled it carries the day."""
    invoice.settled_amount += amount_vnd
    invoice.settled_on = day if invoice.settled_amount == invoice.total_vnd else None
