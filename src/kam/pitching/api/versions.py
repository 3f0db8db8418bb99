"""Proposal versions: their ideas, narrative and budget estimate (lines, totals, margin against
the floor, what changed since the version before), the margin gate (request, approve, decline)
and sending. A version that left draft is frozen: changes to it answer 409."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Schema

from kam.core.api import ERRORS, BodyId, Id
from kam.people.models import User
from kam.pitching import queries, services
from kam.pitching.api.common import (
    Percent,
    PersonRef,
    person_ref,
    router,
    visible_ideas,
)
from kam.pitching.models import EstimateLine, ProposalVersion


# --- Shapes ---------------------------------------------------------------------------------
class EstimateTotalsOut(Schema):
    """revenue = price + agency fee; margin = revenue - cost; VAT on revenue; total = revenue +
    VAT. Under the floor, sending needs a Director's approval."""

    cost: int
    price: int
    fee: int
    revenue: int
    margin: int
    margin_percent: float | None
    vat: int
    total: int
    floor_percent: float
    under_floor: bool


class EstimateLineOut(Schema):
    id: int
    version_id: int
    position: int
    kind: EstimateLine.Kind
    department_id: int | None
    department_name: str | None
    supplier: str
    description: str
    quantity: float
    unit_cost_amount: int
    unit_price_amount: int
    cost_amount: int
    price_amount: int

    @staticmethod
    def resolve_department_name(line: EstimateLine) -> str | None:
        return str(line.department) if line.department_id else None


class LineValuesOut(Schema):
    kind: EstimateLine.Kind
    department_id: int | None
    supplier: str
    description: str
    quantity: float
    unit_cost: int
    unit_price: int
    cost: int
    price: int


class LineChangeOut(Schema):
    change: Literal["added", "removed", "changed"]
    description: str
    before: LineValuesOut | None
    after: LineValuesOut | None
    price_delta: int


class VersionIdeaRef(Schema):
    id: int
    title: str


class VersionOut(Schema):
    id: int
    proposal_id: int
    number: int
    status: ProposalVersion.Status
    narrative: str
    agency_fee_percent: float
    vat_percent: float
    ideas: list[VersionIdeaRef]
    lines: list[EstimateLineOut]
    totals: EstimateTotalsOut
    changes: list[LineChangeOut] = Field(description="the estimate against the version before")
    approval_requested_by: PersonRef | None
    margin_approved_by: PersonRef | None
    margin_approved_at: datetime | None
    margin_approval_note: str
    sent_by: PersonRef | None
    sent_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_ideas(version: ProposalVersion) -> list:
        return list(version.ideas.all())

    @staticmethod
    def resolve_lines(version: ProposalVersion) -> list:
        return version.estimate_lines

    @staticmethod
    def resolve_totals(version: ProposalVersion) -> dict:
        return version.estimate_totals

    @staticmethod
    def resolve_changes(version: ProposalVersion) -> list:
        return version.estimate_changes

    @staticmethod
    def resolve_approval_requested_by(version: ProposalVersion) -> dict | None:
        return person_ref(version.approval_requested_by)

    @staticmethod
    def resolve_margin_approved_by(version: ProposalVersion) -> dict | None:
        return person_ref(version.margin_approved_by)

    @staticmethod
    def resolve_sent_by(version: ProposalVersion) -> dict | None:
        return person_ref(version.sent_by)


def totals_out(version: ProposalVersion) -> dict:
    """The version's totals (summed in the database) with the floor they are held to."""
    totals = queries.totals_of(version)
    floor = version.margin_floor_percent
    return {
        "cost": totals.cost,
        "price": totals.price,
        "fee": totals.fee,
        "revenue": totals.revenue,
        "margin": totals.margin,
        "margin_percent": totals.margin_percent,
        "vat": totals.vat,
        "total": totals.total,
        "floor_percent": floor,
        "under_floor": totals.is_under(floor),
    }


def version_out(viewer: User, pk: int) -> ProposalVersion:
    """The version with its lines, totals and changes since the version before."""
    version = (
        queries.versions_visible_to(viewer)
        .select_related("approval_requested_by", "margin_approved_by", "sent_by")
        .prefetch_related("ideas")
        .get(pk=pk)
    )
    version.estimate_lines = list(queries.lines_of(version))
    version.estimate_totals = totals_out(version)
    version.estimate_changes = queries.changes_since_previous(version)
    return version


# --- A version ----------------------------------------------------------------------------
class VersionPatch(Schema):
    narrative: str | None = Field(None, max_length=10000)
    agency_fee_percent: Percent | None = None
    vat_percent: Percent | None = None
    idea_ids: list[BodyId] | None = Field(None, max_length=50)


@router.get("/proposal-versions/{version_id}", response={200: VersionOut, **ERRORS})
def get_version(request: HttpRequest, version_id: Id):
    queries.get_version_for(request.user, version_id)
    return version_out(request.user, version_id)


@router.patch(
    "/proposal-versions/{version_id}",
    response={200: VersionOut, **ERRORS},
    summary="Write the draft version: narrative, fee, VAT, ideas from the shortlist",
)
def patch_version(request: HttpRequest, version_id: Id, payload: VersionPatch):
    version = queries.get_version_for(request.user, version_id)
    data = payload.dict(exclude_unset=True)
    if "idea_ids" in data:
        data["ideas"] = visible_ideas(request.user, data.pop("idea_ids") or [], "idea_ids")
    services.update_version(by=request.user, version=version, **data)
    return version_out(request.user, version_id)


# --- The margin gate and sending ------------------------------------------------------------
class MarginApproveIn(Schema):
    note: str = Field("", max_length=500)


class MarginDeclineIn(Schema):
    note: str = Field(min_length=1, max_length=500, description="what has to change")


@router.post(
    "/proposal-versions/{version_id}/send",
    response={200: VersionOut, **ERRORS},
    summary="Send to the client (under the margin floor, after a Director's approval)",
)
def send_version(request: HttpRequest, version_id: Id):
    version = queries.get_version_for(request.user, version_id)
    services.send_version(by=request.user, version=version)
    return version_out(request.user, version_id)


@router.post(
    "/proposal-versions/{version_id}/request-approval",
    response={200: VersionOut, **ERRORS},
    summary="Ask the Director to approve a margin under the floor",
)
def request_margin_approval(request: HttpRequest, version_id: Id):
    version = queries.get_version_for(request.user, version_id)
    services.request_margin_approval(by=request.user, version=version)
    return version_out(request.user, version_id)


@router.post(
    "/proposal-versions/{version_id}/approve-margin",
    response={200: VersionOut, **ERRORS},
    summary="Approve the margin under the floor (the Director)",
)
def approve_margin(request: HttpRequest, version_id: Id, payload: MarginApproveIn):
    version = queries.get_version_for(request.user, version_id)
    services.approve_margin(by=request.user, version=version, note=payload.note)
    return version_out(request.user, version_id)


@router.post(
    "/proposal-versions/{version_id}/decline-margin",
    response={200: VersionOut, **ERRORS},
    summary="Send the version back to be repriced (the Director)",
)
def decline_margin(request: HttpRequest, version_id: Id, payload: MarginDeclineIn):
    version = queries.get_version_for(request.user, version_id)
    services.decline_margin(by=request.user, version=version, note=payload.note)
    return version_out(request.user, version_id)
