"""Costs outside the agency: purchase orders (committed to a vendor or a KOL, often from a
booking) and vendors' bills (actual), each on a budget line or unplanned. One that would take
the forecast margin under the floor is kept waiting for a Director (and needs the reason); a
bill over its order needs the reason too; a closed month takes nothing."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.budgets import queries, services
from kam.budgets.api.common import Amount, Day, PersonRef, ProjectRef, person_ref, router
from kam.budgets.models import Cost
from kam.clients import queries as client_queries
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.people.models import User


# --- Shapes ---------------------------------------------------------------------------------
class LineRef(Schema):
    id: int
    description: str


class ApprovalRef(Schema):
    id: int
    status: str


class CostOut(Schema):
    id: int
    project: ProjectRef
    kind: Cost.Kind
    status: Cost.Status = Field(description="only a recorded cost counts")
    supplier: str
    description: str
    reference: str
    amount: int = Field(description="before VAT, whole dong")
    incurred_on: date
    line: LineRef | None = Field(description="none: outside the plan")
    order_id: int | None = Field(description="the purchase order a bill is against")
    over_order_reason: str
    booking_id: int | None
    client_request_id: int | None
    cancelled_reason: str
    created_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_created_by(cost: Cost) -> dict:
        return person_ref(cost.created_by)


class CostDetailOut(CostOut):
    billed_amount: int | None = Field(description="of an order: the bills recorded against it")
    margin_approval: ApprovalRef | None = Field(
        description="the Director's decision it waits for (or had), under the margin floor"
    )

    @staticmethod
    def resolve_billed_amount(cost: Cost) -> Decimal | None:
        return queries.billed_against(cost) if cost.kind == Cost.Kind.ORDER else None

    @staticmethod
    def resolve_margin_approval(cost: Cost):
        return getattr(cost, "margin_approval", None)


def _costs_out(viewer: User, **filters) -> QuerySet[Cost]:
    return queries.costs_for_list(viewer, **filters).select_related("created_by")


# --- Costs ----------------------------------------------------------------------------------
class CostIn(Schema):
    project_id: BodyId
    kind: Cost.Kind
    supplier: str = Field(min_length=1, max_length=200, description="the vendor or KOL")
    description: str = Field(min_length=1, max_length=300)
    amount: Amount = Field(description="before VAT, whole dong")
    incurred_on: Day | None = Field(None, description="today when left out")
    line_id: BodyId | None = Field(None, description="the budget line; none: unplanned")
    order_id: BodyId | None = Field(None, description="a bill against this purchase order")
    over_order_reason: str = Field(
        "", max_length=500, description="needed when the bills go over the order"
    )
    booking_id: BodyId | None = None
    client_request_id: BodyId | None = Field(None, description="the client's ask it is for")
    reference: str = Field("", max_length=100, description="the order's or invoice's number")
    margin_reason: str = Field(
        "",
        max_length=2000,
        description="needed when it takes the forecast margin under the floor: a Director "
        "is then asked to approve it",
    )


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


class BookingOrderIn(Schema):
    line_id: BodyId | None = Field(None, description="the budget line; none: unplanned")
    margin_reason: str = Field("", max_length=2000)


def _cost_fields(viewer: User, data: dict) -> dict:
    """Ids into the records the caller may see; one they may not see is no record (404)."""
    for name, get in (
        ("line", queries.get_line_for),
        ("order", queries.get_cost_for),
        ("booking", queries.get_booking_with_money_for),
        ("client_request", client_queries.get_request_for),
    ):
        pk = data.pop(f"{name}_id", None)
        data[name] = get(viewer, pk) if pk is not None else None
    data["amount"] = Decimal(data["amount"])
    return data


@router.get(
    "/costs",
    response={200: list[CostOut], **ERRORS},
    summary="Costs, newest first; one project's when `project_id` is given",
)
@paginate(Pagination)
def list_costs(
    request: HttpRequest,
    project_id: Id | None = None,
    kind: Cost.Kind | None = None,
    status: Cost.Status | None = None,
):
    project = None
    if project_id is not None:
        project = queries.get_project_with_money_for(request.user, project_id)
    return _costs_out(request.user, project=project, kind=kind or "", status=status or "")


@router.get("/costs/{cost_id}", response={200: CostDetailOut, **ERRORS}, summary="A cost")
def get_cost(request: HttpRequest, cost_id: Id):
    return queries.get_cost_for(request.user, cost_id)


@router.post(
    "/costs",
    response={201: CostDetailOut, **ERRORS},
    summary="Record a purchase order or a vendor bill (under the floor: waits for a Director)",
)
def record_cost(request: HttpRequest, payload: CostIn):
    data = payload.dict()
    project = queries.get_project_with_money_for(request.user, data.pop("project_id"))
    cost = services.record_cost(
        by=request.user, project=project, **_cost_fields(request.user, data)
    )
    return Status(201, queries.get_cost_for(request.user, cost.pk))


@router.post(
    "/costs/{cost_id}/cancel",
    response={200: CostDetailOut, **ERRORS},
    summary="Take back a recorded cost, saying why; it stays listed, no longer counted",
)
def cancel_cost(request: HttpRequest, cost_id: Id, payload: CancelIn):
    cost = queries.get_cost_for(request.user, cost_id)
    services.cancel_cost(by=request.user, cost=cost, reason=payload.reason)
    return queries.get_cost_for(request.user, cost_id)


@router.post(
    "/bookings/{booking_id}/order",
    response={201: CostDetailOut, **ERRORS},
    summary="Commit a confirmed booking's fee to its supplier as a purchase order",
)
def record_order_for_booking(request: HttpRequest, booking_id: Id, payload: BookingOrderIn):
    booking = queries.get_booking_with_money_for(request.user, booking_id)
    line = queries.get_line_for(request.user, payload.line_id) if payload.line_id else None
    cost = services.record_order_for_booking(
        by=request.user, booking=booking, line=line, margin_reason=payload.margin_reason
    )
    return Status(201, queries.get_cost_for(request.user, cost.pk))
