"""Invoices: drafted on their own or from a contract milestone, changed or deleted while drafts,
issued once by Finance with a gap-free number and VAT at the issue date's rates, then never
changed: a credit note reduces or cancels an issued invoice, a replacement corrects it. The
client's dispute of an invoice pauses its reminders until settled."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate
from pydantic import Strict

from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.core.errors import DomainError, require
from kam.delivery import queries as delivery_queries
from kam.people.models import User
from kam.receivables import queries, services
from kam.receivables.api.common import (
    MAX_DONG,
    MAX_INVOICE,
    ClientRef,
    ContractRef,
    Currency,
    CurrencyAmount,
    Day,
    ExchangeRate,
    PersonRef,
    Quantity,
    client_ref,
    person_ref,
    receivable_client,
    router,
)
from kam.receivables.api.credit_notes import CreditNoteOut, CreditNoteRowOut, credit_note_out
from kam.receivables.models import Allocation, Invoice
from kam.receivables.permissions import sees_receivables
from kam.receivables.services.common import VND

PaymentState = Literal["unpaid", "partly_paid", "paid"]
TermsDays = Annotated[int, Strict(), Field(ge=0, le=365)]


# --- Shapes ---------------------------------------------------------------------------------
class InvoiceOut(Schema):
    """An invoice. `subtotal`, `vat_amount` and `total` are in its currency (numbers, at most
    two decimals); `total_vnd`, `settled_amount` and `open_amount` in whole dong. Settled is
    what payments and credit notes took off it."""

    id: int
    number: str = Field(description="symbol and number, e.g. 1C26TAA-0000001; a draft's name")
    status: Invoice.Status
    payment_state: PaymentState | None = Field(
        description="of an issued invoice, from what is settled of it; null for a draft or a "
        "cancelled one"
    )
    client: ClientRef
    contract: ContractRef | None
    milestone_id: int | None
    replaces_id: int | None = Field(description="the cancelled invoice this one corrects")
    issued_on: date | None
    payment_terms_days: int
    due_on: date | None
    overdue: bool = Field(description="open and past its due date")
    currency: str
    exchange_rate: float | None = Field(description="VND for one unit of the currency")
    subtotal: float
    vat_amount: float
    total: float
    total_vnd: int
    settled_amount: int
    settled_on: date | None = Field(description="the day it was settled in full")
    open_amount: int = Field(description="what is still owed on it; 0 unless issued")
    disputed: bool
    dispute_note: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_number(invoice: Invoice) -> str:
        return str(invoice)

    @staticmethod
    def resolve_payment_state(invoice: Invoice) -> str | None:
        if invoice.status != Invoice.Status.ISSUED:
            return None
        if invoice.settled_amount >= invoice.total_vnd:
            return "paid"
        return "partly_paid" if invoice.settled_amount > 0 else "unpaid"

    @staticmethod
    def resolve_client(invoice: Invoice) -> dict:
        return client_ref(invoice.client)

    @staticmethod
    def resolve_overdue(invoice: Invoice) -> bool:
        return bool(
            invoice.status == Invoice.Status.ISSUED
            and invoice.settled_on is None
            and invoice.due_on < timezone.localdate()
        )


class LineOut(Schema):
    id: int
    position: int
    description: str
    unit: str
    quantity: float
    unit_price: float
    vat_code: str
    vat_percent: float = Field(description="the code's rate today (a draft) or on the issue day")
    amount: float = Field(description="quantity times unit price, before VAT")
    vat_amount: float


class AllocationRowOut(Schema):
    """The part of a payment that settles the invoice, in whole dong."""

    id: int
    payment_id: int
    received_on: date
    amount: int
    created_at: datetime

    @staticmethod
    def resolve_received_on(allocation: Allocation) -> date:
        return allocation.payment.received_on


class InvoiceDetailOut(InvoiceOut):
    lines: list[LineOut]
    allocations: list[AllocationRowOut]
    credit_notes: list[CreditNoteRowOut]
    seller_name: str
    seller_tax_code: str
    seller_address: str
    buyer_name: str = Field(description="the client's legal name on the issue day")
    buyer_tax_code: str
    buyer_address: str
    created_by: PersonRef
    issued_by: PersonRef | None

    @staticmethod
    def resolve_lines(invoice: Invoice) -> list:
        return invoice.line_rows

    @staticmethod
    def resolve_allocations(invoice: Invoice) -> list:
        return invoice.allocation_rows

    @staticmethod
    def resolve_credit_notes(invoice: Invoice) -> list:
        return invoice.credit_note_rows

    @staticmethod
    def resolve_created_by(invoice: Invoice) -> dict:
        return person_ref(invoice.created_by)

    @staticmethod
    def resolve_issued_by(invoice: Invoice) -> dict | None:
        return person_ref(invoice.issued_by)


def invoices_out(
    viewer: User,
    *,
    client_id: int | None,
    status: str | None,
    is_open: bool | None,
    overdue: bool | None,
) -> QuerySet[Invoice]:
    """The invoices of the list, drafts first, then the latest issued."""
    invoices = queries.invoices_visible_to(viewer).select_related("client", "contract")
    if client_id is not None:
        invoices = invoices.filter(client_id=client_id)
    if status:
        invoices = invoices.filter(status=status)
    unsettled = Q(status=Invoice.Status.ISSUED, settled_on__isnull=True)
    late = unsettled & Q(due_on__lt=timezone.localdate())
    for flag, condition in ((is_open, unsettled), (overdue, late)):
        if flag is not None:
            invoices = invoices.filter(condition) if flag else invoices.exclude(condition)
    return invoices.order_by(F("issued_on").desc(nulls_first=True), "-number", "-pk")


def invoice_out(viewer: User, pk: int) -> Invoice:
    """The invoice with its lines, the payments' parts and the credit notes on it."""
    invoice = queries.get_invoice_for(viewer, pk)
    invoice.line_rows = list(invoice.lines.all())
    invoice.allocation_rows = list(invoice.allocations.select_related("payment").order_by("pk"))
    invoice.credit_note_rows = list(invoice.credit_notes.order_by("issued_on", "number"))
    return invoice


# --- Input ----------------------------------------------------------------------------------
class LineIn(Schema):
    description: str = Field(min_length=1, max_length=300)
    unit: str = Field("", max_length=30, description="e.g. gói, tháng, bài đăng")
    quantity: Quantity
    unit_price: CurrencyAmount = Field(description="in the invoice's currency, before VAT")
    vat_code: str = Field(
        min_length=1, max_length=12, description="a VAT code (10, 8, 5, 0, exempt…)"
    )


class InvoiceIn(Schema):
    client_id: BodyId
    contract_id: BodyId | None = Field(None, description="one of the client's contracts")
    lines: list[LineIn] = Field(min_length=1, max_length=services.invoices.MAX_LINES)
    payment_terms_days: TermsDays | None = Field(None, description="the default when left out")
    currency: Currency = Field("VND", description="VND, or another currency with its rate")
    exchange_rate: ExchangeRate | None = Field(None, description="needed for a currency not VND")
    note: str = Field("", max_length=500)


class InvoiceChangeIn(Schema):
    """What changes on a draft; what is left out stays as it is (the lines are replaced whole)."""

    lines: list[LineIn] | None = Field(None, min_length=1, max_length=services.invoices.MAX_LINES)
    payment_terms_days: TermsDays | None = None
    currency: Currency | None = None
    exchange_rate: ExchangeRate | None = None
    note: str | None = Field(None, max_length=500)


class IssueIn(Schema):
    issued_on: Day | None = Field(None, description="today when left out; never in the future")


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class CreditIn(Schema):
    amount: CurrencyAmount = Field(description="with VAT, in the invoice's currency")
    reason: str = Field(min_length=1, max_length=1000)


class DisputeIn(Schema):
    note: str = Field(min_length=1, max_length=1000, description="what the client disputes")


def _line_inputs(lines: list[dict], currency: str, exchange_rate: Decimal | None) -> list:
    """The lines for the service, within what an invoice may add up to (before VAT)."""
    before_vat = sum((Decimal(line["quantity"]) * line["unit_price"] for line in lines), Decimal(0))
    in_vnd = before_vat * (exchange_rate or 1) if currency.upper() != VND else before_vat
    if before_vat >= MAX_INVOICE or in_vnd >= MAX_DONG:
        raise DomainError(_("This invoice is too large."), field="lines")
    return [services.LineInput(**line) for line in lines]


# --- Invoices -------------------------------------------------------------------------------
@router.get(
    "/invoices",
    response={200: list[InvoiceOut], **ERRORS},
    summary="Invoices, drafts first, then the latest issued; by client, status, open, overdue",
)
@paginate(Pagination)
def list_invoices(
    request: HttpRequest,
    client_id: Id | None = None,
    status: Invoice.Status | None = None,
    is_open: bool | None = Query(None, alias="open", description="issued and not settled"),
    overdue: bool | None = Query(None, description="open and past its due date"),
):
    return invoices_out(
        request.user, client_id=client_id, status=status, is_open=is_open, overdue=overdue
    )


@router.post(
    "/invoices",
    response={201: InvoiceDetailOut, **ERRORS},
    summary="Draft an invoice to a client (numbered only when issued)",
)
def create_invoice(request: HttpRequest, payload: InvoiceIn):
    data = payload.dict()
    client = receivable_client(request.user, data.pop("client_id"))
    contract_id = data.pop("contract_id")
    contract = None
    if contract_id is not None:
        contract = delivery_queries.get_contract_for(request.user, contract_id)
    lines = _line_inputs(data.pop("lines"), data["currency"], data["exchange_rate"])
    invoice = services.draft_invoice(
        by=request.user, client=client, contract=contract, lines=lines, **data
    )
    return Status(201, invoice_out(request.user, invoice.pk))


@router.get(
    "/invoices/{invoice_id}",
    response={200: InvoiceDetailOut, **ERRORS},
    summary="An invoice: its lines, the payments and credit notes on it, what is still open",
)
def get_invoice(request: HttpRequest, invoice_id: Id):
    return invoice_out(request.user, invoice_id)


@router.patch(
    "/invoices/{invoice_id}",
    response={200: InvoiceDetailOut, **ERRORS},
    summary="Change a draft invoice (an issued one is never changed: 409)",
)
def change_invoice(request: HttpRequest, invoice_id: Id, payload: InvoiceChangeIn):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    given = payload.dict(exclude_unset=True)
    rate = given.get("exchange_rate", invoice.exchange_rate)
    lines = given.get("lines") or [
        {
            "description": line.description,
            "unit": line.unit,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "vat_code": line.vat_code,
        }
        for line in invoice.lines.all()
    ]
    currency = _given(given, "currency", invoice.currency)
    services.change_draft_invoice(
        by=request.user,
        invoice=invoice,
        lines=_line_inputs(lines, currency, rate),
        payment_terms_days=_given(given, "payment_terms_days", invoice.payment_terms_days),
        currency=currency,
        exchange_rate=rate,
        note=_given(given, "note", invoice.note),
    )
    return invoice_out(request.user, invoice_id)


def _given(given: dict, name: str, current):
    return given[name] if given.get(name) is not None else current


@router.delete(
    "/invoices/{invoice_id}",
    response={204: None, **ERRORS},
    summary="Delete a draft invoice (an issued one is never deleted: 409)",
)
def delete_invoice(request: HttpRequest, invoice_id: Id):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    services.delete_draft_invoice(by=request.user, invoice=invoice)
    return Status(204, None)


@router.post(
    "/invoices/{invoice_id}/issue",
    response={200: InvoiceDetailOut, **ERRORS},
    summary="Issue a draft: its number, VAT at the issue day's rates, the buyer's details",
)
def issue_invoice(request: HttpRequest, invoice_id: Id, payload: IssueIn):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    services.issue_invoice(by=request.user, invoice=invoice, issued_on=payload.issued_on)
    return invoice_out(request.user, invoice_id)


@router.post(
    "/invoices/{invoice_id}/cancel",
    response={201: CreditNoteOut, **ERRORS},
    summary="Cancel an issued invoice with a credit note of its whole amount (the credit note)",
)
def cancel_invoice(request: HttpRequest, invoice_id: Id, payload: ReasonIn):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    note = services.cancel_invoice(by=request.user, invoice=invoice, reason=payload.reason)
    return Status(201, credit_note_out(request.user, note.pk))


@router.post(
    "/invoices/{invoice_id}/credit-notes",
    response={201: CreditNoteOut, **ERRORS},
    summary="Reduce an issued invoice by an amount with VAT, at most what is open on it",
)
def credit_invoice(request: HttpRequest, invoice_id: Id, payload: CreditIn):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    note = services.credit_invoice(
        by=request.user, invoice=invoice, amount=payload.amount, reason=payload.reason
    )
    return Status(201, credit_note_out(request.user, note.pk))


@router.post(
    "/invoices/{invoice_id}/replace",
    response={201: InvoiceDetailOut, **ERRORS},
    summary="Cancel an issued invoice and draft its replacement with the same lines (the draft)",
)
def replace_invoice(request: HttpRequest, invoice_id: Id, payload: ReasonIn):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    replacement = services.replace_invoice(by=request.user, invoice=invoice, reason=payload.reason)
    return Status(201, invoice_out(request.user, replacement.pk))


@router.post(
    "/milestones/{milestone_id}/invoice",
    response={201: InvoiceDetailOut, **ERRORS},
    summary="Draft the invoice of a signed contract's milestone",
)
def invoice_milestone(request: HttpRequest, milestone_id: Id):
    require(sees_receivables(request.user))
    milestone = delivery_queries.get_milestone_for(request.user, milestone_id)
    invoice = services.draft_invoice_for_milestone(by=request.user, milestone=milestone)
    return Status(201, invoice_out(request.user, invoice.pk))


@router.post(
    "/invoices/{invoice_id}/dispute",
    response={200: InvoiceDetailOut, **ERRORS},
    summary="Record that the client disputes an issued invoice (its reminders pause)",
)
def dispute_invoice(request: HttpRequest, invoice_id: Id, payload: DisputeIn):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    services.mark_invoice_disputed(by=request.user, invoice=invoice, note=payload.note)
    return invoice_out(request.user, invoice_id)


@router.post(
    "/invoices/{invoice_id}/dispute/settle",
    response={200: InvoiceDetailOut, **ERRORS},
    summary="Settle the client's dispute of an invoice (its reminders resume)",
)
def settle_invoice_dispute(request: HttpRequest, invoice_id: Id):
    invoice = queries.get_invoice_for(request.user, invoice_id)
    services.settle_invoice_dispute(by=request.user, invoice=invoice)
    return invoice_out(request.user, invoice_id)
