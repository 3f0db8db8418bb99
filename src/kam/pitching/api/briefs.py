"""Briefs (+ proposed budget, review weights, cancel) and the brief's team. Budgets show only to
those who see the brief's money: for a department's creative they read as null."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Id, IsoDate, Pagination
from kam.growth import queries as growth_queries
from kam.people.models import User
from kam.pitching import queries, services
from kam.pitching.api.common import (
    Amount,
    ClientRef,
    PersonRef,
    Weight,
    active_person,
    found,
    money,
    person_ref,
    router,
    visible_client,
    with_money_shown,
)
from kam.pitching.models import Brief, BriefMember


# --- Briefs ---------------------------------------------------------------------------------
class ReviewWeights(Schema):
    """How much each criterion weighs in the ranking of the brief's ideas, 0 to 100 each."""

    fit: Weight
    creativity: Weight
    feasibility: Weight
    cost: Weight


class BriefOut(Schema):
    id: int
    client: ClientRef
    opportunity_id: int | None
    title: str
    objectives: str
    target_audience: str
    key_message: str
    mandatories: str
    channels: str
    kpis: str
    shows_money: bool = Field(description="false: the budgets below are hidden (null)")
    budget_min_amount: int | None
    budget_max_amount: int | None
    proposed_budget_amount: int | None
    budget_rationale: str | None
    received_on: date
    deadline_on: date | None
    campaign_starts_on: date | None
    campaign_ends_on: date | None
    weights: ReviewWeights
    status: Brief.Status
    closed_reason: str
    owner: PersonRef
    creative_brief_id: int | None
    idea_count: int

    @staticmethod
    def resolve_client(brief: Brief) -> dict:
        return {"id": brief.client_id, "name": str(brief.client)}

    @staticmethod
    def resolve_owner(brief: Brief) -> dict:
        return person_ref(brief.owner)

    @staticmethod
    def resolve_budget_min_amount(brief: Brief) -> int | None:
        return money(brief.budget_min_amount, brief.shows_money)

    @staticmethod
    def resolve_budget_max_amount(brief: Brief) -> int | None:
        return money(brief.budget_max_amount, brief.shows_money)

    @staticmethod
    def resolve_proposed_budget_amount(brief: Brief) -> int | None:
        return money(brief.proposed_budget_amount, brief.shows_money)

    @staticmethod
    def resolve_budget_rationale(brief: Brief) -> str | None:
        return brief.budget_rationale if brief.shows_money else None

    @staticmethod
    def resolve_weights(brief: Brief) -> dict:
        return {
            "fit": brief.weight_fit,
            "creativity": brief.weight_creativity,
            "feasibility": brief.weight_feasibility,
            "cost": brief.weight_cost,
        }

    @staticmethod
    def resolve_creative_brief_id(brief: Brief) -> int | None:
        creative = getattr(brief, "creative_brief", None)
        return creative.pk if creative else None


class BriefPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    objectives: str | None = Field(None, min_length=1, max_length=4000)
    target_audience: str | None = Field(None, max_length=2000)
    key_message: str | None = Field(None, max_length=2000)
    mandatories: str | None = Field(None, max_length=2000)
    channels: str | None = Field(None, max_length=500)
    kpis: str | None = Field(None, max_length=2000)
    budget_min_amount: Amount | None = None
    budget_max_amount: Amount | None = None
    received_on: IsoDate | None = None
    deadline_on: IsoDate | None = None
    campaign_starts_on: IsoDate | None = None
    campaign_ends_on: IsoDate | None = None


class BriefIn(BriefPatch):
    client_id: BodyId
    opportunity_id: BodyId | None = None
    title: str = Field(min_length=1, max_length=200)
    objectives: str = Field(min_length=1, max_length=4000)


class BudgetIn(Schema):
    amount: Amount
    rationale: str = Field(min_length=1, max_length=1000)


class BriefCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


def _brief_fields(data: dict) -> dict:
    for name in ("budget_min_amount", "budget_max_amount"):
        if data.get(name) is not None:
            data[name] = Decimal(data[name])
    return data


def _visible_opportunity(viewer: User, pk: int | None):
    if pk is None:
        return None
    opportunity = growth_queries.opportunities_visible_to(viewer).filter(pk=pk).first()
    return found(opportunity, "opportunity", "opportunity_id")


def _briefs_out(viewer: User, **filters) -> QuerySet[Brief]:
    briefs = queries.briefs_for_list(viewer, **filters).select_related("creative_brief")
    return with_money_shown(briefs, viewer)


def _brief_out(viewer: User, pk: int) -> Brief:
    return _briefs_out(viewer).get(pk=pk)


@router.get("/briefs", response={200: list[BriefOut], **ERRORS}, summary="Briefs")
@paginate(Pagination)
def list_briefs(
    request: HttpRequest,
    status: Brief.Status | Literal["open"] | None = None,
    client_id: Id | None = None,
    q: str = Query("", max_length=200, description="search the title"),
):
    return _briefs_out(request.user, status=status or "", client=client_id, query=q)


@router.get("/briefs/{brief_id}", response={200: BriefOut, **ERRORS})
def get_brief(request: HttpRequest, brief_id: Id):
    queries.get_brief_for(request.user, brief_id)
    return _brief_out(request.user, brief_id)


@router.post("/briefs", response={201: BriefOut, **ERRORS}, summary="Record a client's brief")
def create_brief(request: HttpRequest, payload: BriefIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    opportunity = _visible_opportunity(request.user, data.pop("opportunity_id", None))
    brief = services.create_brief(
        by=request.user, client=client, opportunity=opportunity, **_brief_fields(data)
    )
    return Status(201, _brief_out(request.user, brief.pk))


@router.patch("/briefs/{brief_id}", response={200: BriefOut, **ERRORS})
def patch_brief(request: HttpRequest, brief_id: Id, payload: BriefPatch):
    brief = queries.get_brief_for(request.user, brief_id)
    data = _brief_fields(payload.dict(exclude_unset=True))
    services.update_brief(by=request.user, brief=brief, **data)
    return _brief_out(request.user, brief_id)


@router.post(
    "/briefs/{brief_id}/budget",
    response={200: BriefOut, **ERRORS},
    summary="Propose the budget, with why",
)
def propose_budget(request: HttpRequest, brief_id: Id, payload: BudgetIn):
    brief = queries.get_brief_for(request.user, brief_id)
    services.propose_budget(
        by=request.user,
        brief=brief,
        amount=Decimal(payload.amount),
        rationale=payload.rationale,
    )
    return _brief_out(request.user, brief_id)


@router.put(
    "/briefs/{brief_id}/weights",
    response={200: BriefOut, **ERRORS},
    summary="Set how the review weighs each criterion",
)
def set_review_weights(request: HttpRequest, brief_id: Id, payload: ReviewWeights):
    brief = queries.get_brief_for(request.user, brief_id)
    weights = {f"weight_{name}": value for name, value in payload.dict().items()}
    services.set_review_weights(by=request.user, brief=brief, **weights)
    return _brief_out(request.user, brief_id)


@router.post(
    "/briefs/{brief_id}/cancel",
    response={200: BriefOut, **ERRORS},
    summary="Cancel a brief that will not be answered",
)
def cancel_brief(request: HttpRequest, brief_id: Id, payload: BriefCancelIn):
    brief = queries.get_brief_for(request.user, brief_id)
    services.cancel_brief(by=request.user, brief=brief, reason=payload.reason)
    return _brief_out(request.user, brief_id)


# --- The brief's team -----------------------------------------------------------------------
class BriefMemberOut(Schema):
    user: PersonRef
    department: str | None
    added_at: datetime

    @staticmethod
    def resolve_user(member: BriefMember) -> dict:
        return person_ref(member.user)

    @staticmethod
    def resolve_department(member: BriefMember) -> str | None:
        department = member.user.department
        return str(department) if department else None


class BriefMemberIn(Schema):
    user_id: BodyId


@router.get(
    "/briefs/{brief_id}/members",
    response={200: list[BriefMemberOut], **ERRORS},
    summary="The people brought onto the brief",
)
def list_brief_members(request: HttpRequest, brief_id: Id):
    brief = queries.get_brief_for(request.user, brief_id)
    return list(queries.members_of(brief))


@router.post(
    "/briefs/{brief_id}/members",
    response={201: BriefMemberOut, **ERRORS},
    summary="Bring someone onto the brief (they see it without its money)",
)
def add_brief_member(request: HttpRequest, brief_id: Id, payload: BriefMemberIn):
    brief = queries.get_brief_for(request.user, brief_id)
    person = active_person(payload.user_id, "user_id")
    member = services.add_brief_member(by=request.user, brief=brief, user=person)
    return Status(201, member)


@router.delete(
    "/briefs/{brief_id}/members/{user_id}",
    response={204: None, **ERRORS},
    summary="Take someone off the brief",
)
def remove_brief_member(request: HttpRequest, brief_id: Id, user_id: Id):
    brief = queries.get_brief_for(request.user, brief_id)
    member = get_object_or_404(queries.members_of(brief), user_id=user_id)
    services.remove_brief_member(by=request.user, brief=brief, user=member.user)
    return Status(204, None)
