"""Promises to pay (cam kết thanh toán): who at the client promised how much (whole dong) by
when. A promise is kept once the client's payments from the day it was made to its date reach
the amount, broken when the date passes short, open until then; reminders wait for it."""

from datetime import date, datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.people.models import User
from kam.receivables import queries, services
from kam.receivables.api.common import (
    ClientRef,
    Day,
    Dong,
    InvoiceRef,
    PersonRef,
    StakeholderRef,
    client_ref,
    invoice_ref,
    invoices_by_id,
    person_ref,
    receivable_client,
    router,
    stakeholder_of,
    stakeholder_ref,
)
from kam.receivables.models import PaymentPromise

PromiseState = Literal["kept", "broken", "open"]


class PromiseOut(Schema):
    id: int
    client: ClientRef
    invoice: InvoiceRef | None
    promised_on: date
    pay_by: date
    amount: int
    paid: int = Field(description="what the client paid from the day it was made to its date")
    state: PromiseState
    promised_by: StakeholderRef | None
    promised_by_name: str
    note: str
    recorded_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_client(promise: PaymentPromise) -> dict:
        return client_ref(promise.client)

    @staticmethod
    def resolve_invoice(promise: PaymentPromise) -> dict | None:
        return invoice_ref(promise.invoice)

    @staticmethod
    def resolve_promised_by(promise: PaymentPromise) -> dict | None:
        return stakeholder_ref(promise.promised_by)

    @staticmethod
    def resolve_recorded_by(promise: PaymentPromise) -> dict:
        return person_ref(promise.recorded_by)


class PromiseIn(Schema):
    client_id: BodyId
    pay_by: Day = Field(description="today or later")
    amount: Dong
    promised_by_id: BodyId | None = Field(None, description="one of the client's people")
    promised_by_name: str = Field(
        "", max_length=150, description="who promised, when not one of the client's people here"
    )
    invoice_id: BodyId | None = Field(None, description="an open invoice it is about")
    note: str = Field("", max_length=500)


def promises_out(viewer: User) -> QuerySet[PaymentPromise]:
    return queries.with_promise_state(queries.promises_visible_to(viewer)).select_related(
        "client", "invoice", "promised_by", "recorded_by"
    )


@router.get(
    "/promises",
    response={200: list[PromiseOut], **ERRORS},
    summary="Promises to pay, latest date first; one client's, or kept, broken or open ones",
)
@paginate(Pagination)
def list_promises(
    request: HttpRequest, client_id: Id | None = None, state: PromiseState | None = None
):
    promises = promises_out(request.user)
    if client_id is not None:
        promises = promises.filter(client_id=client_id)
    return promises.filter(state=state) if state else promises


@router.post(
    "/promises",
    response={201: PromiseOut, **ERRORS},
    summary="Record a client's promise to pay an amount by a day",
)
def record_promise(request: HttpRequest, payload: PromiseIn):
    client = receivable_client(request.user, payload.client_id)
    invoice = None
    if payload.invoice_id is not None:
        invoice = invoices_by_id(request.user, [payload.invoice_id])[payload.invoice_id]
    promise = services.record_promise(
        by=request.user,
        client=client,
        pay_by=payload.pay_by,
        amount=payload.amount,
        promised_by=stakeholder_of(client, payload.promised_by_id, "promised_by_id"),
        promised_by_name=payload.promised_by_name,
        invoice=invoice,
        note=payload.note,
    )
    return Status(201, promises_out(request.user).get(pk=promise.pk))
