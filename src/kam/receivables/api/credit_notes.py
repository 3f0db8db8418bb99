"""Credit notes (hóa đơn điều chỉnh giảm): numbered and immutable from the moment they exist,
each reducing or cancelling one issued invoice. They are made on the invoice
(`POST /invoices/{id}/credit-notes`, `POST /invoices/{id}/cancel`); here they are read."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import paginate

from kam.core.api import ERRORS, Id, Pagination
from kam.people.models import User
from kam.receivables import queries
from kam.receivables.api.common import (
    ClientRef,
    InvoiceRef,
    PersonRef,
    client_ref,
    filtered,
    invoice_ref,
    person_ref,
    router,
)
from kam.receivables.models import CreditNote


class CreditNoteRowOut(Schema):
    """A credit note as its invoice lists it; amounts in the invoice's currency but `total_vnd`."""

    id: int
    number: str = Field(description="symbol and number, e.g. 1C26TAD-0000001")
    issued_on: date
    reason: str
    cancels_invoice: bool = Field(description="true: it cancels the whole invoice")
    subtotal: float
    vat_amount: float
    total: float
    total_vnd: int

    @staticmethod
    def resolve_number(note: CreditNote) -> str:
        return str(note)


class CreditNoteOut(CreditNoteRowOut):
    invoice: InvoiceRef
    client: ClientRef
    currency: str = Field(description="the invoice's")
    issued_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_invoice(note: CreditNote) -> dict:
        return invoice_ref(note.invoice)

    @staticmethod
    def resolve_client(note: CreditNote) -> dict:
        return client_ref(note.client)

    @staticmethod
    def resolve_currency(note: CreditNote) -> str:
        return note.invoice.currency

    @staticmethod
    def resolve_issued_by(note: CreditNote) -> dict:
        return person_ref(note.issued_by)


def credit_notes_out(viewer: User) -> QuerySet[CreditNote]:
    return queries.credit_notes_visible_to(viewer).select_related("invoice", "client", "issued_by")


def credit_note_out(viewer: User, pk: int) -> CreditNote:
    return queries.get_credit_note_for(viewer, pk)


@router.get(
    "/credit-notes",
    response={200: list[CreditNoteOut], **ERRORS},
    summary="Credit notes, newest first; one client's or one invoice's when asked",
)
@paginate(Pagination)
def list_credit_notes(
    request: HttpRequest, client_id: Id | None = None, invoice_id: Id | None = None
):
    return filtered(credit_notes_out(request.user), client_id=client_id, invoice_id=invoice_id)


@router.get(
    "/credit-notes/{credit_note_id}",
    response={200: CreditNoteOut, **ERRORS},
    summary="A credit note",
)
def get_credit_note(request: HttpRequest, credit_note_id: Id):
    return credit_note_out(request.user, credit_note_id)
