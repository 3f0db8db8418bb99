"""Change requests: what the client asks to change, its effect on the delivery date and on money
(estimate lines it adds or takes out, priced like the proposal's) and who pays for it, until the
client approves or rejects it. The approval itself is the budgets API's (it revises the budget
and guards the margin): POST /change-requests/{change_id}/approve, answered with `change_out`."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.clients.models import ClientRequest
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.core.errors import require
from kam.delivery import permissions, queries, services
from kam.delivery.api.common import (
    Amount,
    ClientRef,
    Day,
    PersonRef,
    ProjectRef,
    Quantity,
    StakeholderRef,
    client_ref,
    department_in_use,
    needs_value,
    person_ref,
    router,
    stakeholder_of,
    stakeholder_ref,
)
from kam.delivery.models import ChangeLine, ChangeRequest, Project
from kam.people.models import User
from kam.pitching.models import EstimateLine


# --- Shapes ---------------------------------------------------------------------------------
class ChangeLineOut(Schema):
    id: int
    change_request_id: int
    effect: ChangeLine.Effect
    kind: EstimateLine.Kind
    department_id: int | None
    department_name: str | None
    description: str
    quantity: float
    unit_cost_amount: int
    unit_price_amount: int
    cost_amount: int
    price_amount: int

    @staticmethod
    def resolve_department_name(line: ChangeLine) -> str | None:
        return str(line.department) if line.department_id else None


class ChangeRequestOut(Schema):
    id: int
    project: ProjectRef
    client: ClientRef
    requested_by: StakeholderRef
    requested_on: date
    title: str
    description: str
    days_effect: int = Field(description="days the delivery date moves if approved")
    cost_effect: int = Field(description="lines added less lines taken out, at cost")
    price_effect: int = Field(description="the same at the client's price")
    paid_by: ClientRequest.PaidBy = Field(
        description="the client (billable) or the agency (absorbed: cost, no price)"
    )
    status: ChangeRequest.Status
    decided_on: date | None
    decision_note: str
    created_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_client(change: ChangeRequest) -> dict:
        return client_ref(change.project.client)

    @staticmethod
    def resolve_requested_by(change: ChangeRequest) -> dict:
        return stakeholder_ref(change.requested_by)

    @staticmethod
    def resolve_created_by(change: ChangeRequest) -> dict:
        return person_ref(change.created_by)


class ChangeRequestDetailOut(ChangeRequestOut):
    lines: list[ChangeLineOut]

    @staticmethod
    def resolve_lines(change: ChangeRequest) -> list:
        return change.line_rows


def _changes_out(viewer: User, status: str = "") -> QuerySet[ChangeRequest]:
    return queries.change_requests_for_list(viewer, status=status).select_related("created_by")


def change_out(viewer: User, pk: int) -> ChangeRequest:
    """The change request with its effect on cost and price, and its lines."""
    change = _changes_out(viewer).get(pk=pk)
    change.line_rows = list(queries.lines_of(change))
    return change


# --- Change requests ------------------------------------------------------------------------
class ChangeRequestPatch(Schema):
    requested_by_id: BodyId | None = None
    requested_on: Day | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=4000)
    days_effect: int | None = Field(None, ge=-365, le=365, strict=True)
    paid_by: ClientRequest.PaidBy | None = Field(None, description="the client when left out")


class ChangeRequestIn(ChangeRequestPatch):
    requested_by_id: BodyId = Field(description="who of the client asked")
    requested_on: Day | None = Field(None, description="today when left out")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)


class DecisionIn(Schema):
    decided_on: Day | None = Field(None, description="today when left out")
    note: str = Field("", max_length=1000, description="the client's words")


def _requested_by(project: Project, data: dict):
    needs_value(data, "requested_by_id")
    return stakeholder_of(project.client_id, data.pop("requested_by_id", None), "requested_by_id")


@router.get(
    "/change-requests",
    response={200: list[ChangeRequestOut], **ERRORS},
    summary="Change requests, newest first; one project's when `project_id` is given",
)
@paginate(Pagination)
def list_change_requests(
    request: HttpRequest,
    status: ChangeRequest.Status | None = None,
    project_id: Id | None = None,
):
    changes = _changes_out(request.user, status=status or "")
    if project_id is not None:
        changes = changes.filter(project=queries.get_project_for(request.user, project_id))
    return changes


@router.get(
    "/change-requests/{change_id}",
    response={200: ChangeRequestDetailOut, **ERRORS},
    summary="A change request, its lines and its effect on cost and price",
)
def get_change_request(request: HttpRequest, change_id: Id):
    queries.get_change_request_for(request.user, change_id)
    return change_out(request.user, change_id)


@router.post(
    "/projects/{project_id}/change-requests",
    response={201: ChangeRequestDetailOut, **ERRORS},
    summary="Record what the client asks to change, who asked, and its effect in days",
)
def create_change_request(request: HttpRequest, project_id: Id, payload: ChangeRequestIn):
    project = queries.get_project_for(request.user, project_id)
    require(permissions.can_run_project(request.user, project))
    data = payload.dict(exclude_unset=True)
    requested_by = _requested_by(project, data)
    change = services.create_change_request(
        by=request.user, project=project, requested_by=requested_by, **data
    )
    return Status(201, change_out(request.user, change.pk))


@router.patch(
    "/change-requests/{change_id}",
    response={200: ChangeRequestDetailOut, **ERRORS},
    summary="Change the request while the client has not decided",
)
def patch_change_request(request: HttpRequest, change_id: Id, payload: ChangeRequestPatch):
    change = queries.get_change_request_for(request.user, change_id)
    require(permissions.can_run_project(request.user, change.project))
    data = payload.dict(exclude_unset=True)
    requested_by = _requested_by(change.project, data)
    services.update_change_request(
        by=request.user, change=change, requested_by=requested_by, **data
    )
    return change_out(request.user, change_id)


@router.post(
    "/change-requests/{change_id}/reject",
    response={200: ChangeRequestDetailOut, **ERRORS},
    summary="Record that the client decided against the change",
)
def reject_change_request(request: HttpRequest, change_id: Id, payload: DecisionIn):
    change = queries.get_change_request_for(request.user, change_id)
    services.reject_change_request(by=request.user, change=change, **payload.dict())
    return change_out(request.user, change_id)


# --- Its lines ------------------------------------------------------------------------------
class ChangeLinePatch(Schema):
    effect: ChangeLine.Effect | None = None
    kind: EstimateLine.Kind | None = None
    department_id: BodyId | None = None
    description: str | None = Field(None, min_length=1, max_length=300)
    quantity: Quantity | None = None
    unit_cost_amount: Amount | None = None
    unit_price_amount: Amount | None = None


class ChangeLineIn(ChangeLinePatch):
    effect: ChangeLine.Effect = ChangeLine.Effect.ADD
    kind: EstimateLine.Kind
    description: str = Field(min_length=1, max_length=300)
    quantity: Quantity
    unit_cost_amount: Amount
    unit_price_amount: Amount


def _line_fields(data: dict) -> dict:
    if "department_id" in data:
        data["department"] = department_in_use(data.pop("department_id"), "department_id")
    for name in ("unit_cost_amount", "unit_price_amount"):
        if data.get(name) is not None:
            data[name] = Decimal(data[name])
    return data


def _line_out(line: ChangeLine) -> ChangeLine:
    return queries.lines_of(line.change_request).get(pk=line.pk)


@router.post(
    "/change-requests/{change_id}/lines",
    response={201: ChangeLineOut, **ERRORS},
    summary="Price what the change adds or takes out, like a line of the proposal's estimate",
)
def add_change_line(request: HttpRequest, change_id: Id, payload: ChangeLineIn):
    change = queries.get_change_request_for(request.user, change_id)
    require(permissions.can_run_project(request.user, change.project))
    data = _line_fields(payload.dict())
    line = services.add_change_line(by=request.user, change=change, **data)
    return Status(201, _line_out(line))


@router.patch(
    "/change-lines/{change_line_id}",
    response={200: ChangeLineOut, **ERRORS},
    summary="Change a line of an undecided change request",
)
def patch_change_line(request: HttpRequest, change_line_id: Id, payload: ChangeLinePatch):
    line = queries.get_change_line_for(request.user, change_line_id)
    require(permissions.can_run_project(request.user, line.change_request.project))
    data = _line_fields(payload.dict(exclude_unset=True))
    return _line_out(services.update_change_line(by=request.user, line=line, **data))


@router.delete(
    "/change-lines/{change_line_id}",
    response={204: None, **ERRORS},
    summary="Take a line out of an undecided change request",
)
def remove_change_line(request: HttpRequest, change_line_id: Id):
    line = queries.get_change_line_for(request.user, change_line_id)
    services.remove_change_line(by=request.user, line=line)
    return Status(204, None)
