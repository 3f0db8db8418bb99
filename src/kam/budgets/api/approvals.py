"""The margin guard: what a change request costs and who pays, the project's forecast margin once
it is taken in, the Director's approval a cost or a change needs when that margin ends under
the floor; and the client's approval of a change, which revises the budget with it (delivery
takes the change into the project, budgets its lines into the money)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.budgets import queries, services
from kam.budgets.api.common import (
    ClientRef,
    MarginsOut,
    PersonRef,
    ProjectRef,
    client_ref,
    margins_out,
    person_ref,
    router,
)
from kam.budgets.models import MarginApproval
from kam.clients.models import ClientRequest
from kam.core.api import ERRORS, Flag, Id, Pagination
from kam.core.errors import require
from kam.delivery import permissions as delivery_permissions
from kam.delivery import queries as delivery_queries
from kam.delivery.api.changes import ChangeRequestDetailOut, DecisionIn, change_out
from kam.people.models import User


# --- Shapes ---------------------------------------------------------------------------------
class MarginApprovalOut(Schema):
    id: int
    project: ProjectRef
    client: ClientRef
    cost_id: int | None = Field(description="the cost it is about, or")
    change_request_id: int | None = Field(description="the change request it is about")
    about: str
    margin_percent: float | None = Field(description="the forecast margin it would leave")
    floor_percent: float
    reason: str = Field(description="why the KAM needs it")
    status: MarginApproval.Status
    requested_by: PersonRef
    requested_at: datetime
    decided_by: PersonRef | None
    decided_at: datetime | None
    decision_note: str = Field(description="the Director's reason")

    @staticmethod
    def resolve_client(approval: MarginApproval) -> dict:
        return client_ref(approval.project.client)

    @staticmethod
    def resolve_about(approval: MarginApproval) -> str:
        return str(approval)

    @staticmethod
    def resolve_requested_by(approval: MarginApproval) -> dict:
        return person_ref(approval.requested_by)

    @staticmethod
    def resolve_decided_by(approval: MarginApproval) -> dict | None:
        return person_ref(approval.decided_by)


class ChangeMoneyOut(Schema):
    """What the change adds to (or, negative, takes from) the cost and the client's price; a
    change the agency absorbs adds its cost and no price."""

    change_request_id: int
    cost: int
    price: int
    paid_by: ClientRequest.PaidBy
    margins_after: MarginsOut | None = Field(
        description="the project's margins once the change is taken in; none without a budget"
    )
    floor_percent: float | None
    under_floor: bool
    approval: MarginApprovalOut | None = Field(
        description="the Director's latest decision asked for the change, if any"
    )


def _approval_out(viewer: User, pk: int) -> MarginApproval:
    return queries.get_approval_for(viewer, pk)


# --- Margin approvals -----------------------------------------------------------------------
class DecideIn(Schema):
    approve: Flag
    note: str = Field("", max_length=1000, description="the Director's reason (required)")


class AskIn(Schema):
    reason: str = Field("", max_length=2000, description="why the change is worth it")


@router.get(
    "/margin-approvals",
    response={200: list[MarginApprovalOut], **ERRORS},
    summary="Costs and changes that take a margin under its floor, and the Director's decisions",
)
@paginate(Pagination)
def list_margin_approvals(request: HttpRequest, status: MarginApproval.Status | None = None):
    approvals = queries.approvals_visible_to(request.user)
    return approvals.filter(status=status) if status else approvals


@router.get(
    "/margin-approvals/{approval_id}",
    response={200: MarginApprovalOut, **ERRORS},
    summary="A margin approval",
)
def get_margin_approval(request: HttpRequest, approval_id: Id):
    return _approval_out(request.user, approval_id)


@router.post(
    "/margin-approvals/{approval_id}/decide",
    response={200: MarginApprovalOut, **ERRORS},
    summary="The Director of the client's owner approves or refuses, once, saying why",
)
def decide_margin(request: HttpRequest, approval_id: Id, payload: DecideIn):
    approval = queries.get_approval_for(request.user, approval_id)
    services.decide_margin(
        by=request.user, approval=approval, approve=payload.approve, note=payload.note
    )
    return _approval_out(request.user, approval_id)


# --- Change requests' money -----------------------------------------------------------------
@router.get(
    "/change-requests/{change_id}/money",
    response={200: ChangeMoneyOut, **ERRORS},
    summary="What a change costs, who pays, and the forecast margin once it is taken in",
)
def get_change_money(request: HttpRequest, change_id: Id):
    change = queries.get_change_request_with_money_for(request.user, change_id)
    budget = queries.budget_of(change.project)
    effect = queries.effect_of_change(change, budget)
    after = effect.margins_after
    return {
        "change_request_id": change.pk,
        "cost": effect.cost,
        "price": effect.price,
        "paid_by": effect.paid_by,
        "margins_after": margins_out(after, effect.floor_percent) if after else None,
        "floor_percent": effect.floor_percent,
        "under_floor": effect.under_floor,
        "approval": queries.approvals_of_change(change).select_related("project__client").first(),
    }


@router.post(
    "/change-requests/{change_id}/margin-approval",
    response={201: MarginApprovalOut, **ERRORS},
    summary="Ask a Director to let through a change that leaves the margin under the floor",
)
def request_change_approval(request: HttpRequest, change_id: Id, payload: AskIn):
    change = queries.get_change_request_with_money_for(request.user, change_id)
    approval = services.request_change_approval(
        by=request.user, change=change, reason=payload.reason
    )
    return Status(201, _approval_out(request.user, approval.pk))


@router.post(
    "/change-requests/{change_id}/approve",
    response={200: ChangeRequestDetailOut, **ERRORS},
    summary="Record the client's approval: the project takes the change in (scope, delivery "
    "date, check) and the budget its lines; under the margin floor, a Director first",
)
def approve_change_request(request: HttpRequest, change_id: Id, payload: DecisionIn):
    change = delivery_queries.get_change_request_for(request.user, change_id)
    # Checked before the service reads the margin, so no one else learns it from a refusal.
    require(delivery_permissions.can_run_project(request.user, change.project))
    services.approve_change(by=request.user, change=change, **payload.dict())
    return change_out(request.user, change_id)
