"""Invoices: drafted from a contract milestone or on their own, issued once with a gap-free
number and the buyer's details of that day, then never changed: a credit note reduces or
cancels an issued invoice, and a replacement invoice corrects it."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.budgets.services.common import number
from kam.clients.models import Client
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.money import round_for
from kam.core.saving import validated_save
from kam.delivery.models import Contract, Milestone
from kam.people.models import User
from kam.receivables import queries
from kam.receivables.models import CreditNote, Invoice, InvoiceLine
from kam.receivables.permissions import can_follow_up, keeps_the_books
from kam.receivables.services.common import (
    VND,
    checked_currency,
    currency_amount,
    document_day,
    in_vnd,
    locked_invoice,
    next_number,
    settle,
    symbol_for,
    vat_rate,
)

VERB_LABELS = {
    "invoice.drafted": gettext_lazy("drafted an invoice"),
    "invoice.changed": gettext_lazy("changed a draft invoice"),
    "invoice.deleted": gettext_lazy("deleted a draft invoice"),
    "invoice.issued": gettext_lazy("issued an invoice"),
    "invoice.credited": gettext_lazy("issued a credit note"),
    "invoice.cancelled": gettext_lazy("cancelled an invoice with a credit note"),
    "invoice.disputed": gettext_lazy("marked an invoice disputed"),
    "invoice.dispute_settled": gettext_lazy("settled an invoice's dispute"),
    "invoice.reminded": gettext_lazy("sent a payment reminder"),
}

HUNDRED = Decimal(100)
MAX_LINES = 50
# The amount columns hold 18 digits (two of them decimals in a foreign currency): a total of
# 10¹⁵ or more is refused before the database would overflow.
LARGEST_TOTAL = Decimal(10) ** 15
DRAFT_FIELDS = ["currency", "exchange_rate", "payment_terms_days", "note", "total"]
ISSUED_FIELDS = [
    "series",
    "number",
    "issued_on",
    "due_on",
    "buyer_name",
    "buyer_tax_code",
    "buyer_address",
    "subtotal",
    "vat_amount",
    "total",
    "total_vnd",
]


@dataclass(frozen=True)
class LineInput:
    """A line as given: text and numbers still to check."""

    description: str
    unit_price: object
    quantity: object = 1
    unit: str = ""
    vat_code: str = "10"


# --- Drafts ---------------------------------------------------------------------------------
@transaction.atomic
def draft_invoice(
    *,
    by: User,
    client: Client,
    lines: list[LineInput],
    contract: Contract | None = None,
    payment_terms_days: int | None = None,
    currency: str = VND,
    exchange_rate=None,
    note: str = "",
) -> Invoice:
    """A draft invoice to the client with its lines; nothing is numbered until it is issued."""
    require(can_follow_up(by, client))
    if contract is not None and contract.client_id != client.pk:
        raise DomainError(_("The contract is another client's."), field="contract")
    invoice = Invoice(client=client, contract=contract, created_by=by)
    _set_terms(invoice, payment_terms_days, currency, exchange_rate, note)
    validated_save(invoice)
    _write_lines(invoice, lines)
    record_event(
        subject=invoice,
        verb="invoice.drafted",
        by=by,
        changes=created(snapshot(invoice, ["client", "contract", "currency", "total"])),
    )
    return invoice


@transaction.atomic
def draft_invoice_for_milestone(*, by: User, milestone: Milestone) -> Invoice:
    """The milestone's invoice: one line for what was delivered at the contract's VAT rate,
    due after the contract's payment terms. A milestone is invoiced once (unless that invoice
    is cancelled) and only under a signed contract."""
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("contract__client")
        .get(pk=milestone.pk)
    )
    contract = milestone.contract
    require(can_follow_up(by, contract.client))
    if contract.status != Contract.Status.SIGNED:
        raise InvalidTransition(_("Only a signed contract's milestones are invoiced."))
    if milestone.invoices.exclude(status=Invoice.Status.CANCELLED).exists():
        raise InvalidTransition(_("This milestone is invoiced already."))
    if milestone.amount <= 0:
        raise DomainError(_("The milestone has no amount to invoice."))
    invoice = Invoice(client=contract.client, contract=contract, milestone=milestone, created_by=by)
    _set_terms(invoice, contract.payment_terms_days, VND, None, "")
    validated_save(invoice, field="milestone", message=_("This milestone is invoiced already."))
    _write_lines(
        invoice,
        [
            LineInput(
                description=f"{milestone.title} — {_('contract')} {contract.number}",
                unit=_("package"),
                unit_price=milestone.amount,
                vat_code=_milestone_vat_code(contract),
            )
        ],
    )
    record_event(
        subject=invoice,
        verb="invoice.drafted",
        by=by,
        changes=created(snapshot(invoice, ["client", "contract", "milestone", "total"])),
    )
    return invoice


def _milestone_vat_code(contract: Contract) -> str:
    """The contract's VAT rate while a rate of that code applies (10.00 → "10"); VAT is due at
    the rate of the invoice's day, so once a reduced rate has lapsed it is the standard one."""
    code = f"{Decimal(contract.vat_percent).normalize():f}"
    if queries.vat_rates_on(timezone.localdate()).filter(code=code).exists():
        return code
    return settings.KAM_STANDARD_VAT_CODE


@transaction.atomic
def change_draft_invoice(
    *,
    by: User,
    invoice: Invoice,
    lines: list[LineInput],
    payment_terms_days: int | None = None,
    currency: str = VND,
    exchange_rate=None,
    note: str = "",
) -> Invoice:
    """Rewrite a draft's terms and lines. An issued invoice is never changed."""
    invoice = _locked_draft(by, invoice)
    before = snapshot(invoice, DRAFT_FIELDS) | {"lines": _lines_text(invoice)}
    _set_terms(invoice, payment_terms_days, currency, exchange_rate, note)
    validated_save(invoice)
    invoice.lines.all().delete()
    _write_lines(invoice, lines)
    invoice.refresh_from_db(fields=DRAFT_FIELDS)  # amounts as stored, to compare with before
    record_change(
        subject=invoice,
        verb="invoice.changed",
        by=by,
        before=before,
        after=snapshot(invoice, DRAFT_FIELDS) | {"lines": _lines_text(invoice)},
    )
    return invoice


@transaction.atomic
def delete_draft_invoice(*, by: User, invoice: Invoice) -> None:
    invoice = _locked_draft(by, invoice)
    record_event(subject=invoice, verb="invoice.deleted", by=by)
    invoice.delete()


def _lines_text(invoice: Invoice) -> str:
    """The lines as one readable value, to tell whether a rewrite changed them."""
    return "; ".join(
        f"{line.description}: {line.quantity:f} x {line.unit_price:f} ({line.vat_code})"
        for line in invoice.lines.order_by("position")
    )


def _locked_draft(by: User, invoice: Invoice) -> Invoice:
    invoice = locked_invoice(invoice)
    require(can_follow_up(by, invoice.client))
    if invoice.status != Invoice.Status.DRAFT:
        raise InvalidTransition(
            _("An issued invoice cannot be changed or deleted: issue a credit note.")
        )
    return invoice


def _set_terms(invoice: Invoice, terms_days, currency, exchange_rate, note) -> None:
    invoice.currency, invoice.exchange_rate = checked_currency(currency, exchange_rate)
    if terms_days is None:
        terms_days = settings.KAM_PAYMENT_TERMS_DAYS
    if not isinstance(terms_days, int) or not 0 <= terms_days <= 365:
        raise DomainError(_("Payment terms are from 0 to 365 days."), field="payment_terms_days")
    invoice.payment_terms_days = terms_days
    invoice.note = (note or "").strip()


def _write_lines(invoice: Invoice, lines: list[LineInput]) -> None:
    """The lines at today's VAT rates (the issue date's rates are applied when it is issued)
    and the invoice's totals."""
    if not lines:
        raise DomainError(_("An invoice needs at least one line."), field="lines")
    if len(lines) > MAX_LINES:
        raise DomainError(
            _("An invoice has at most %(count)s lines.") % {"count": MAX_LINES}, field="lines"
        )
    today = timezone.localdate()
    rows = []
    for position, given in enumerate(lines, start=1):
        description = (given.description or "").strip()
        if not description:
            raise DomainError(_("Each line needs its description."), field="lines")
        line = InvoiceLine(
            invoice=invoice,
            position=position,
            description=description[:300],
            unit=(given.unit or "").strip()[:30],
            quantity=_quantity(given.quantity),
            unit_price=currency_amount(
                given.unit_price, invoice.currency, "unit_price", allow_zero=True
            ),
            vat_code=str(given.vat_code or "").strip(),
        )
        _price_line(line, vat_rate(line.vat_code, today).percent, invoice.currency)
        rows.append(line)
    InvoiceLine.objects.bulk_create(rows)
    _total(invoice, rows)
    invoice.save(update_fields=["subtotal", "vat_amount", "total", "total_vnd", "updated_at"])


def _quantity(value) -> Decimal:
    quantity = number(value, "quantity")
    if quantity <= 0:
        raise DomainError(_("Quantity must be above 0."), field="quantity")
    return quantity


def _price_line(line: InvoiceLine, percent: Decimal, currency: str) -> None:
    line.vat_percent = percent
    line.amount = round_for(currency, line.quantity * line.unit_price)
    line.vat_amount = round_for(currency, line.amount * percent / HUNDRED)


def _total(invoice: Invoice, lines: list[InvoiceLine]) -> None:
    invoice.subtotal = sum((line.amount for line in lines), Decimal(0))
    invoice.vat_amount = sum((line.vat_amount for line in lines), Decimal(0))
    invoice.total = invoice.subtotal + invoice.vat_amount
    invoice.total_vnd = in_vnd(invoice.total, invoice)
    if invoice.total >= LARGEST_TOTAL or invoice.total_vnd >= LARGEST_TOTAL:
        raise DomainError(_("This invoice is too large."), field="lines")


# --- Issue ----------------------------------------------------------------------------------
@transaction.atomic
def issue_invoice(*, by: User, invoice: Invoice, issued_on: date | None = None) -> Invoice:
    """Issue the draft: VAT per line at the rate of the issue date, the next number of the
    year's series (no gap, in date order), the seller's and buyer's name, tax code and address
    as they are today, and the due date from the payment terms. From now on it never
    changes."""
    require(keeps_the_books(by))
    invoice = locked_invoice(invoice)
    if invoice.status != Invoice.Status.DRAFT:
        raise InvalidTransition(_("This invoice is issued already."))
    day = document_day(issued_on, "issued_on")
    lines = list(invoice.lines.all())
    for line in lines:
        _price_line(line, vat_rate(line.vat_code, day).percent, invoice.currency)
    _total(invoice, lines)
    if invoice.total <= 0:
        raise DomainError(_("An invoice with a total of 0 cannot be issued."))
    client = invoice.client
    if not client.legal_name or not client.address:
        raise DomainError(_("Give the client's legal name and address before invoicing it."))
    series = symbol_for(settings.KAM_INVOICE_SYMBOL, day)
    _require_date_order(series, day)
    InvoiceLine.objects.bulk_update(lines, ["vat_percent", "amount", "vat_amount"])
    invoice.series, invoice.year = series, day.year
    invoice.number = next_number(series, day.year)
    invoice.issued_on = day
    invoice.due_on = day + timedelta(days=invoice.payment_terms_days)
    invoice.seller_name = settings.KAM_COMPANY_NAME
    invoice.seller_tax_code = settings.KAM_COMPANY_TAX_CODE
    invoice.seller_address = settings.KAM_COMPANY_ADDRESS
    invoice.buyer_name, invoice.buyer_tax_code = client.legal_name, client.tax_code
    invoice.buyer_address = client.address
    invoice.status, invoice.issued_by = Invoice.Status.ISSUED, by
    invoice.save()
    record_event(
        subject=invoice,
        verb="invoice.issued",
        by=by,
        changes=created(snapshot(invoice, ISSUED_FIELDS)),
    )
    return invoice


def _require_date_order(series: str, day: date) -> None:
    """Numbers follow dates: an invoice is not dated before the last one of its series."""
    last = (
        Invoice.objects.filter(series=series, year=day.year, issued_on__gt=day)
        .order_by("-issued_on")
        .values_list("issued_on", flat=True)
        .first()
    )
    if last is not None:
        raise DomainError(
            _(
                "Series %(series)s already has an invoice issued on %(day)s: date this one "
                "that day or later."
            )
            % {"series": series, "day": last.strftime("%d/%m/%Y")},
            field="issued_on",
        )


# --- Credit notes ---------------------------------------------------------------------------
@transaction.atomic
def credit_invoice(*, by: User, invoice: Invoice, amount, reason: str) -> CreditNote:
    """Reduce an issued invoice by an amount with VAT (in its currency), at most what is still
    open on it; the VAT is in the invoice's proportion."""
    require(keeps_the_books(by))
    invoice = _locked_issued(invoice)
    amount = currency_amount(amount, invoice.currency, "amount")
    amount_vnd = in_vnd(amount, invoice)
    open_vnd = invoice.total_vnd - invoice.settled_amount
    if amount_vnd > open_vnd or amount > invoice.total:
        raise DomainError(
            _("At most what is still open on the invoice can be credited."), field="amount"
        )
    subtotal = round_for(invoice.currency, amount * invoice.subtotal / invoice.total)
    note = _issue_credit_note(
        by=by,
        invoice=invoice,
        reason=reason,
        subtotal=subtotal,
        vat_amount=amount - subtotal,
        total=amount,
        total_vnd=amount_vnd,
    )
    settle(invoice, amount_vnd, note.issued_on)
    invoice.save(update_fields=["settled_amount", "settled_on", "updated_at"])
    record_event(
        subject=invoice,
        verb="invoice.credited",
        by=by,
        changes={
            "settled_amount": [
                str(invoice.settled_amount - amount_vnd),
                str(invoice.settled_amount),
            ]
        },
    )
    return note


@transaction.atomic
def cancel_invoice(*, by: User, invoice: Invoice, reason: str) -> CreditNote:
    """Cancel an issued invoice with a credit note of its whole amount. One with payments or
    credit notes on it is refused: take its payments off first (they become the client's
    credit, nothing is lost), or credit what is still open."""
    require(keeps_the_books(by))
    invoice = _locked_issued(invoice)
    if invoice.settled_amount:
        raise InvalidTransition(
            _(
                "This invoice has payments or credit notes on it: take its payments off first, "
                "or credit what is still open."
            )
        )
    note = _issue_credit_note(
        by=by,
        invoice=invoice,
        reason=reason,
        subtotal=invoice.subtotal,
        vat_amount=invoice.vat_amount,
        total=invoice.total,
        total_vnd=invoice.total_vnd,
        cancels=True,
    )
    invoice.status = Invoice.Status.CANCELLED
    invoice.settled_amount, invoice.settled_on = invoice.total_vnd, note.issued_on
    invoice.save(update_fields=["status", "settled_amount", "settled_on", "updated_at"])
    record_event(
        subject=invoice,
        verb="invoice.cancelled",
        by=by,
        changes={"status": [Invoice.Status.ISSUED, Invoice.Status.CANCELLED]},
    )
    return note


@transaction.atomic
def replace_invoice(*, by: User, invoice: Invoice, reason: str) -> Invoice:
    """Cancel the invoice and draft its replacement with the same lines, to correct and issue."""
    cancel_invoice(by=by, invoice=invoice, reason=reason)
    lines = [
        LineInput(
            description=line.description,
            unit=line.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_code=line.vat_code,
        )
        for line in invoice.lines.all()
    ]
    replacement = Invoice(
        client=invoice.client,
        contract=invoice.contract,
        milestone=invoice.milestone,
        replaces=invoice,
        created_by=by,
    )
    _set_terms(
        replacement,
        invoice.payment_terms_days,
        invoice.currency,
        invoice.exchange_rate,
        invoice.note,
    )
    validated_save(replacement)
    _write_lines(replacement, lines)
    record_event(
        subject=replacement,
        verb="invoice.drafted",
        by=by,
        changes=created(snapshot(replacement, ["client", "replaces", "total"])),
    )
    return replacement


def _locked_issued(invoice: Invoice) -> Invoice:
    invoice = locked_invoice(invoice)
    if invoice.status != Invoice.Status.ISSUED:
        raise InvalidTransition(_("Only an issued invoice that is not cancelled can be credited."))
    return invoice


def _issue_credit_note(
    *, by, invoice, reason, subtotal, vat_amount, total, total_vnd, cancels=False
):
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why."), field="reason")
    day = document_day(None, "issued_on")
    series = symbol_for(settings.KAM_CREDIT_NOTE_SYMBOL, day)
    note = CreditNote(
        invoice=invoice,
        client=invoice.client,
        series=series,
        year=day.year,
        number=next_number(series, day.year),
        issued_on=day,
        reason=reason[:1000],
        cancels_invoice=cancels,
        subtotal=subtotal,
        vat_amount=vat_amount,
        total=total,
        total_vnd=total_vnd,
        issued_by=by,
    )
    note.save()
    return note


# --- Disputes -------------------------------------------------------------------------------
@transaction.atomic
def mark_invoice_disputed(*, by: User, invoice: Invoice, note: str) -> Invoice:
    """The client disputes the invoice: its reminders pause until the dispute is settled."""
    invoice = locked_invoice(invoice)
    require(can_follow_up(by, invoice.client))
    if invoice.status != Invoice.Status.ISSUED:
        raise InvalidTransition(
            _("Only an issued invoice that is not cancelled can be marked disputed.")
        )
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what the client disputes."), field="note")
    invoice.disputed, invoice.dispute_note = True, note[:1000]
    invoice.save(update_fields=["disputed", "dispute_note", "updated_at"])
    record_event(
        subject=invoice,
        verb="invoice.disputed",
        by=by,
        changes={"disputed": [False, True], "dispute_note": ["", invoice.dispute_note]},
    )
    return invoice


@transaction.atomic
def settle_invoice_dispute(*, by: User, invoice: Invoice) -> Invoice:
    invoice = locked_invoice(invoice)
    require(can_follow_up(by, invoice.client))
    if not invoice.disputed:
        raise InvalidTransition(_("This invoice is not disputed."))
    invoice.disputed = False
    invoice.save(update_fields=["disputed", "updated_at"])
    record_event(
        subject=invoice, verb="invoice.dispute_settled", by=by, changes={"disputed": [True, False]}
    )
    return invoice
