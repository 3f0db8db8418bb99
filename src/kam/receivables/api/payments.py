"""Payments received from clients (whole dong) and their allocation to issued invoices. A
payment is recorded once: send an `Idempotency-Key` header and a retry of the same request,
however often and however concurrently it is sent, answers the one payment (200) instead of
recording another; the key reused for a different payment is refused (422)."""

from datetime import date, datetime

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Field, Header, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Flag, Id, Pagination
from kam.people.models import User
from kam.receivables import queries, services
from kam.receivables.api.common import (
    ClientRef,
    Day,
    Dong,
    InvoiceRef,
    PersonRef,
    client_ref,
    invoice_ref,
    invoices_by_id,
    person_ref,
    receivable_client,
    router,
)
from kam.receivables.models import Allocation, Payment


# --- Shapes ---------------------------------------------------------------------------------
class PaymentOut(Schema):
    """A payment in whole dong; what is not allocated to invoices is the client's credit."""

    id: int
    client: ClientRef
    received_on: date
    amount: int
    allocated_amount: int
    unallocated_amount: int
    method: Payment.Method
    bank_reference: str
    payer: str
    note: str
    recorded_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_client(payment: Payment) -> dict:
        return client_ref(payment.client)

    @staticmethod
    def resolve_recorded_by(payment: Payment) -> dict:
        return person_ref(payment.recorded_by)


class AllocationOut(Schema):
    id: int
    invoice: InvoiceRef
    amount: int
    created_at: datetime

    @staticmethod
    def resolve_invoice(allocation: Allocation) -> dict:
        return invoice_ref(allocation.invoice)


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(payment: Payment) -> list:
        return payment.allocation_rows


class ShareOut(Schema):
    """Part of the payment for one invoice, as suggested: oldest due first."""

    invoice: InvoiceRef
    due_on: date
    open_amount: int = Field(description="what is open on the invoice")
    amount: int = Field(description="the part of the payment suggested for it")


def payments_out(viewer: User) -> QuerySet[Payment]:
    return queries.payments_visible_to(viewer).select_related("client", "recorded_by")


def payment_out(viewer: User, pk: int) -> Payment:
    payment = queries.get_payment_for(viewer, pk)
    payment.allocation_rows = list(queries.allocations_of(payment))
    return payment


# --- Input ----------------------------------------------------------------------------------
class PaymentIn(Schema):
    client_id: BodyId
    amount: Dong = Field(description="whole dong received")
    received_on: Day | None = Field(None, description="today when left out")
    method: Payment.Method = Payment.Method.BANK
    bank_reference: str = Field("", max_length=120)
    payer: str = Field("", max_length=255, description="who paid, as the bank says")
    note: str = Field("", max_length=500)
    allocate_oldest_first: Flag = Field(
        False, description="settle the client's open invoices with it, the one due first first"
    )


class ShareIn(Schema):
    invoice_id: BodyId = Field(description="an issued invoice of the payment's client")
    amount: Dong


class AllocationsIn(Schema):
    allocations: list[ShareIn] = Field(min_length=1, max_length=100)


# --- Payments -------------------------------------------------------------------------------
@router.get(
    "/payments",
    response={200: list[PaymentOut], **ERRORS},
    summary="Payments received, newest first; one client's, or those not fully allocated",
)
@paginate(Pagination)
def list_payments(
    request: HttpRequest, client_id: Id | None = None, unallocated: bool | None = None
):
    payments = payments_out(request.user)
    if client_id is not None:
        payments = payments.filter(client_id=client_id)
    if unallocated is not None:
        left = {"allocated_amount__lt": F("amount")}
        payments = payments.filter(**left) if unallocated else payments.exclude(**left)
    return payments


@router.post(
    "/payments",
    response={200: PaymentDetailOut, 201: PaymentDetailOut, **ERRORS},
    summary="Record a payment received (201); the same Idempotency-Key again answers it (200)",
    description="With an `Idempotency-Key` header, a retry of the same request answers the "
    "payment it recorded, with 200, and records nothing; the key sent with another body is "
    "refused with 422.",
)
def record_payment(
    request: HttpRequest,
    payload: PaymentIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=120,
        pattern=r"^[\x21-\x7e]*$",
        description="a unique text of the caller's (visible ASCII, e.g. a UUID) to make "
        "retries safe",
    ),
):
    data = payload.dict()
    client = receivable_client(request.user, data.pop("client_id"))
    payment, created = services.record_payment(
        by=request.user, client=client, idempotency_key=idempotency_key, **data
    )
    return Status(201 if created else 200, payment_out(request.user, payment.pk))


@router.get(
    "/payments/{payment_id}",
    response={200: PaymentDetailOut, **ERRORS},
    summary="A payment and the invoices it settles",
)
def get_payment(request: HttpRequest, payment_id: Id):
    return payment_out(request.user, payment_id)


@router.get(
    "/payments/{payment_id}/suggested-allocations",
    response={200: list[ShareOut], **ERRORS},
    summary="How what is left of the payment would settle the client's open invoices, oldest "
    "due first",
)
def suggest_allocations(request: HttpRequest, payment_id: Id):
    payment = queries.get_payment_for(request.user, payment_id)
    return [
        {
            "invoice": invoice_ref(share.invoice),
            "due_on": share.invoice.due_on,
            "open_amount": share.invoice.open,
            "amount": share.amount,
        }
        for share in queries.oldest_first_shares(payment)
    ]


@router.post(
    "/payments/{payment_id}/allocations",
    response={201: PaymentDetailOut, **ERRORS},
    summary="Settle invoices of the payment's client with parts of it (the payment after)",
)
def allocate_payment(request: HttpRequest, payment_id: Id, payload: AllocationsIn):
    payment = queries.get_payment_for(request.user, payment_id)
    given = payload.allocations
    invoices = invoices_by_id(request.user, [share.invoice_id for share in given])
    shares = [queries.Share(invoice=invoices[s.invoice_id], amount=s.amount) for s in given]
    services.allocate_payment(by=request.user, payment=payment, shares=shares)
    return Status(201, payment_out(request.user, payment_id))


@router.delete(
    "/allocations/{allocation_id}",
    response={204: None, **ERRORS},
    summary="Take a payment off an invoice: the invoice is open again by that much",
)
def remove_allocation(request: HttpRequest, allocation_id: Id):
    allocation = queries.get_allocation_for(request.user, allocation_id)
    services.remove_allocation(by=request.user, allocation=allocation)
    return Status(204, None)
