"""Reconciliation statements (biên bản đối chiếu công nợ): a client's ledger for a period written
down (opening balance, invoices, credit notes, payments, closing balance, all in whole dong),
emailed to the client's accountant with a link to confirm or dispute it without signing in.
The link itself is only in that email (its page is not part of this API); here a statement
shows when its link expires and what the client answered."""

from datetime import date, datetime

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
    PersonRef,
    StakeholderRef,
    client_ref,
    filtered,
    person_ref,
    receivable_client,
    router,
    stakeholder_of,
    stakeholder_ref,
)
from kam.receivables.models import Statement, StatementLine


# --- Shapes ---------------------------------------------------------------------------------
class AnswerOut(Schema):
    """What the client's accountant answered through the link."""

    confirmed: bool = Field(description="false: disputed")
    answered_by_name: str
    answered_at: datetime
    comment: str = Field(description="what differs from their books, when disputed")
    dispute_settled_at: datetime | None


class StatementOut(Schema):
    id: int
    number: str
    client: ClientRef
    period_start: date
    period_end: date
    status: Statement.Status
    opening_balance: int = Field(description="owed before the period (negative: a credit)")
    invoiced: int
    credited: int
    paid: int
    closing_balance: int
    recipient: StakeholderRef | None = Field(description="the client's accountant it goes to")
    sent_at: datetime | None
    link_expires_at: datetime | None = Field(description="the emailed link works until then")
    answer: AnswerOut | None
    created_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_client(statement: Statement) -> dict:
        return client_ref(statement.client)

    @staticmethod
    def resolve_recipient(statement: Statement) -> dict | None:
        return stakeholder_ref(statement.recipient)

    @staticmethod
    def resolve_answer(statement: Statement) -> dict | None:
        if statement.answered_at is None:
            return None
        return {
            "confirmed": statement.status == Statement.Status.CONFIRMED,
            "answered_by_name": statement.answered_by_name,
            "answered_at": statement.answered_at,
            "comment": statement.client_comment,
            "dispute_settled_at": statement.dispute_resolved_at,
        }

    @staticmethod
    def resolve_created_by(statement: Statement) -> dict:
        return person_ref(statement.created_by)


class StatementLineOut(Schema):
    """A document of the period as it stood when the statement was made."""

    position: int
    on: date
    kind: StatementLine.Kind
    reference: str
    description: str
    debit: int = Field(description="invoiced")
    credit: int = Field(description="paid or credited")


class StatementDetailOut(StatementOut):
    lines: list[StatementLineOut]

    @staticmethod
    def resolve_lines(statement: Statement) -> list:
        return statement.line_rows


def statements_out(viewer: User) -> QuerySet[Statement]:
    return queries.statements_visible_to(viewer).select_related("client", "recipient", "created_by")


def statement_out(viewer: User, pk: int) -> Statement:
    statement = queries.get_statement_for(viewer, pk)
    statement.line_rows = list(statement.lines.all())
    return statement


# --- Input ----------------------------------------------------------------------------------
class StatementIn(Schema):
    client_id: BodyId
    period_start: Day
    period_end: Day = Field(description="a day that has passed; at most a year after the start")


class SendIn(Schema):
    recipient_id: BodyId | None = Field(
        None, description="one of the client's people; its accountant when left out"
    )


# --- Statements -----------------------------------------------------------------------------
@router.get(
    "/statements",
    response={200: list[StatementOut], **ERRORS},
    summary="Reconciliation statements, latest period first; one client's, or by status",
)
@paginate(Pagination)
def list_statements(
    request: HttpRequest, client_id: Id | None = None, status: Statement.Status | None = None
):
    return filtered(statements_out(request.user), client_id=client_id, status=status)


@router.post(
    "/statements",
    response={201: StatementDetailOut, **ERRORS},
    summary="Write down a client's ledger for a period as a draft statement",
)
def make_statement(request: HttpRequest, payload: StatementIn):
    client = receivable_client(request.user, payload.client_id)
    statement = services.make_statement(
        by=request.user,
        client=client,
        period_start=payload.period_start,
        period_end=payload.period_end,
    )
    return Status(201, statement_out(request.user, statement.pk))


@router.get(
    "/statements/{statement_id}",
    response={200: StatementDetailOut, **ERRORS},
    summary="A statement: its figures, its documents, its status and the client's answer",
)
def get_statement(request: HttpRequest, statement_id: Id):
    return statement_out(request.user, statement_id)


@router.post(
    "/statements/{statement_id}/send",
    response={200: StatementDetailOut, **ERRORS},
    summary="Email the statement (PDF) with a link to confirm or dispute it; again: a new link",
)
def send_statement(request: HttpRequest, statement_id: Id, payload: SendIn):
    statement = queries.get_statement_for(request.user, statement_id)
    recipient = stakeholder_of(statement.client, payload.recipient_id, "recipient_id")
    services.send_statement(by=request.user, statement=statement, recipient=recipient)
    return statement_out(request.user, statement_id)


@router.post(
    "/statements/{statement_id}/settle-dispute",
    response={200: StatementDetailOut, **ERRORS},
    summary="The client's dispute of the statement is cleared up (reminders resume)",
)
def settle_statement_dispute(request: HttpRequest, statement_id: Id):
    statement = queries.get_statement_for(request.user, statement_id)
    services.settle_statement_dispute(by=request.user, statement=statement)
    return statement_out(request.user, statement_id)


@router.delete(
    "/statements/{statement_id}",
    response={204: None, **ERRORS},
    summary="Delete a draft statement (one sent to the client stays: 409)",
)
def delete_statement(request: HttpRequest, statement_id: Id):
    statement = queries.get_statement_for(request.user, statement_id)
    services.delete_draft_statement(by=request.user, statement=statement)
    return Status(204, None)
