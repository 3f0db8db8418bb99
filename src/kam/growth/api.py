"""The growth API: leads (+ convert), opportunities (+ stage, win, lose), stages, hand-overs
(+ accept, return) and the forecast."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Strict

from kam.clients import queries as client_queries
from kam.clients.api.common import ClientRef, PersonRef, active_person, person_ref, visible_client
from kam.core.api import ERRORS, BodyId, Flag, Id, IsoDate, Pagination
from kam.core.errors import DomainError
from kam.growth import queries, services
from kam.growth.models import Handover, Lead, Opportunity, Stage

router = Router(tags=["growth"])

# VND in whole dong, as a JSON number; no coercion of "5" and no fractions.
Amount = Annotated[int, Strict(), Field(ge=0, le=10**17)]
Probability = Annotated[int, Strict(), Field(ge=0, le=100)]


# --- Stages ---------------------------------------------------------------------------------
class StageOut(Schema):
    id: int
    name: str
    name_en: str
    position: int
    probability: int
    is_active: bool


class StagePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    name_en: str | None = Field(None, max_length=80)
    position: int | None = Field(None, ge=0, le=32767, strict=True)
    probability: Probability | None = None
    is_active: Flag | None = None


class StageIn(StagePatch):
    name: str = Field(min_length=1, max_length=80)
    position: int = Field(ge=0, le=32767, strict=True)
    probability: Probability
    is_active: Flag = True


@router.get("/stages", response={200: list[StageOut], **ERRORS}, summary="Pipeline stages")
def list_stages(request: HttpRequest):
    return list(queries.all_stages())


@router.post("/stages", response={201: StageOut, **ERRORS}, summary="Add a stage (admins)")
def create_stage(request: HttpRequest, payload: StageIn):
    return Status(201, services.create_stage(by=request.user, **payload.dict()))


@router.patch("/stages/{stage_id}", response={200: StageOut, **ERRORS}, summary="Change (admins)")
def patch_stage(request: HttpRequest, stage_id: Id, payload: StagePatch):
    stage = queries.get_stage(stage_id)
    return services.update_stage(by=request.user, stage=stage, **payload.dict(exclude_unset=True))


# --- Leads ----------------------------------------------------------------------------------
class LeadOut(Schema):
    id: int
    company_name: str
    tax_code: str
    source: Lead.Source
    contact_name: str
    contact_title: str
    contact_email: str
    contact_phone: str
    need: str
    estimated_amount: int
    status: Lead.Status
    disqualified_reason: str
    owner: PersonRef
    client: ClientRef | None
    opportunity_id: int | None
    converted_at: str | None

    @staticmethod
    def resolve_owner(lead: Lead) -> dict:
        return person_ref(lead.owner)

    @staticmethod
    def resolve_client(lead: Lead) -> dict | None:
        return {"id": lead.client_id, "name": str(lead.client)} if lead.client_id else None

    @staticmethod
    def resolve_opportunity_id(lead: Lead) -> int | None:
        opportunity = getattr(lead, "opportunity", None) if lead.client_id else None
        return opportunity.pk if opportunity else None

    @staticmethod
    def resolve_converted_at(lead: Lead) -> str | None:
        return lead.converted_at.isoformat() if lead.converted_at else None


class LeadPatch(Schema):
    company_name: str | None = Field(None, min_length=1, max_length=255)
    tax_code: str | None = Field(None, max_length=20)
    source: Lead.Source | None = None
    contact_name: str | None = Field(None, max_length=150)
    contact_title: str | None = Field(None, max_length=150)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=30)
    need: str | None = Field(None, max_length=4000)
    estimated_amount: Amount | None = None
    status: Lead.Status | None = None
    disqualified_reason: str | None = Field(None, max_length=500)
    owner_id: BodyId | None = None


class LeadIn(LeadPatch):
    company_name: str = Field(min_length=1, max_length=255)
    source: Lead.Source


class ConvertIn(Schema):
    expected_close_on: IsoDate | None = None


def _lead_fields(data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = active_person(data.pop("owner_id"), "owner_id")
    if "estimated_amount" in data and data["estimated_amount"] is not None:
        data["estimated_amount"] = Decimal(data["estimated_amount"])
    return data


def _lead_out(viewer, pk: int) -> Lead:
    return queries.get_lead_for(viewer, pk)


@router.get("/leads", response={200: list[LeadOut], **ERRORS}, summary="Leads")
@paginate(Pagination)
def list_leads(
    request: HttpRequest,
    status: Lead.Status | None = None,
    q: str = Query("", max_length=200, description="search company, tax code, contact"),
):
    return queries.leads_for_list(request.user, status=status or "", query=q).select_related(
        "opportunity"
    )


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request: HttpRequest, lead_id: Id):
    return _lead_out(request.user, lead_id)


@router.post("/leads", response={201: LeadOut, **ERRORS}, summary="Log a lead (Sales)")
def create_lead(request: HttpRequest, payload: LeadIn):
    lead = services.create_lead(by=request.user, **_lead_fields(payload.dict(exclude_unset=True)))
    return Status(201, _lead_out(request.user, lead.pk))


@router.patch("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def patch_lead(request: HttpRequest, lead_id: Id, payload: LeadPatch):
    lead = queries.get_lead_for(request.user, lead_id)
    services.update_lead(
        by=request.user, lead=lead, **_lead_fields(payload.dict(exclude_unset=True))
    )
    return _lead_out(request.user, lead_id)


# --- Opportunities --------------------------------------------------------------------------
class OpportunityOut(Schema):
    id: int
    client: ClientRef
    title: str
    kind: Opportunity.Kind
    owner: PersonRef
    service_ids: list[int]
    value_amount: int
    stage_id: int
    probability: int
    weighted_amount: int
    expected_close_on: date
    next_step: str
    next_step_due_on: date | None
    status: Opportunity.Status
    closed_on: date | None
    lost_reason: str
    outcome_note: str
    lead_id: int | None
    renewal_of_term_id: int | None

    @staticmethod
    def resolve_client(opportunity: Opportunity) -> dict:
        return {"id": opportunity.client_id, "name": str(opportunity.client)}

    @staticmethod
    def resolve_owner(opportunity: Opportunity) -> dict:
        return person_ref(opportunity.owner)

    @staticmethod
    def resolve_service_ids(opportunity: Opportunity) -> list[int]:
        return [service.pk for service in opportunity.services.all()]

    @staticmethod
    def resolve_weighted_amount(opportunity: Opportunity) -> int:
        return int(opportunity.value_amount * opportunity.probability / 100)


class OpportunityPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Opportunity.Kind | None = None
    owner_id: BodyId | None = None
    service_ids: list[BodyId] | None = Field(None, max_length=50)
    value_amount: Amount | None = None
    probability: Probability | None = None
    expected_close_on: IsoDate | None = None
    next_step: str | None = Field(None, max_length=300)
    next_step_due_on: IsoDate | None = None


class OpportunityIn(OpportunityPatch):
    client_id: BodyId
    title: str = Field(min_length=1, max_length=200)
    kind: Opportunity.Kind
    expected_close_on: IsoDate
    stage_id: BodyId | None = None


class MoveIn(Schema):
    stage_id: BodyId


class WinIn(Schema):
    note: str = Field("", max_length=500)
    closed_on: IsoDate | None = None


class LoseIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    closed_on: IsoDate | None = None


def _opportunity_fields(data: dict) -> dict:
    if "owner_id" in data:
        owner = data.pop("owner_id")
        if owner is not None:
            data["owner"] = active_person(owner, "owner_id")
    if "service_ids" in data:
        ids = data.pop("service_ids") or []
        found = list(client_queries.services_to_choose().filter(pk__in=ids))
        if len(found) != len(set(ids)):
            raise DomainError(gettext_lazy("There is no such service."), field="service_ids")
        data["services"] = found
    if data.get("value_amount") is not None:
        data["value_amount"] = Decimal(data["value_amount"])
    return data


def _stage_in_use(pk: int, field: str) -> Stage:
    stage = queries.stages_in_use().filter(pk=pk).first()
    if stage is None:
        raise DomainError(gettext_lazy("There is no such stage in use."), field=field)
    return stage


def _opportunity_out(viewer, pk: int) -> Opportunity:
    return (
        queries.opportunities_visible_to(viewer)
        .select_related("client", "owner")
        .prefetch_related("services")
        .get(pk=pk)
    )


@router.get(
    "/opportunities", response={200: list[OpportunityOut], **ERRORS}, summary="The pipeline"
)
@paginate(Pagination)
def list_opportunities(
    request: HttpRequest,
    status: Opportunity.Status | None = None,
    kind: Opportunity.Kind | None = None,
    stage_id: Id | None = None,
    owner_id: Id | None = None,
    client_id: Id | None = None,
    closing_from: IsoDate | None = None,
    closing_to: IsoDate | None = None,
):
    filters = queries.PipelineFilters(
        status=status or "",
        kind=kind or "",
        stage=stage_id,
        owner=owner_id,
        client=client_id,
        closing_from=closing_from,
        closing_to=closing_to,
    )
    return queries.opportunities_for_list(request.user, filters).prefetch_related("services")


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def get_opportunity(request: HttpRequest, opportunity_id: Id):
    queries.get_opportunity_for(request.user, opportunity_id)
    return _opportunity_out(request.user, opportunity_id)


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS}, summary="Open one")
def create_opportunity(request: HttpRequest, payload: OpportunityIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    stage_id = data.pop("stage_id", None)
    stage = _stage_in_use(stage_id, "stage_id") if stage_id else None
    opportunity = services.create_opportunity(
        by=request.user, client=client, stage=stage, **_opportunity_fields(data)
    )
    return Status(201, _opportunity_out(request.user, opportunity.pk))


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def patch_opportunity(request: HttpRequest, opportunity_id: Id, payload: OpportunityPatch):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    data = _opportunity_fields(payload.dict(exclude_unset=True))
    services.update_opportunity(by=request.user, opportunity=opportunity, **data)
    return _opportunity_out(request.user, opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response={200: OpportunityOut, **ERRORS},
    summary="Move to another stage",
)
def move_opportunity(request: HttpRequest, opportunity_id: Id, payload: MoveIn):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    stage = _stage_in_use(payload.stage_id, "stage_id")
    services.move_opportunity(by=request.user, opportunity=opportunity, stage=stage)
    return _opportunity_out(request.user, opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/win", response={200: OpportunityOut, **ERRORS}, summary="Win"
)
def win_opportunity(request: HttpRequest, opportunity_id: Id, payload: WinIn):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    services.win_opportunity(by=request.user, opportunity=opportunity, **payload.dict())
    return _opportunity_out(request.user, opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/lose",
    response={200: OpportunityOut, **ERRORS},
    summary="Lose, with the reason",
)
def lose_opportunity(request: HttpRequest, opportunity_id: Id, payload: LoseIn):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    services.lose_opportunity(by=request.user, opportunity=opportunity, **payload.dict())
    return _opportunity_out(request.user, opportunity_id)


@router.post(
    "/leads/{lead_id}/convert",
    response={201: OpportunityOut, **ERRORS},
    summary="Convert a qualified lead into a client and a new-business opportunity",
)
def convert_lead(request: HttpRequest, lead_id: Id, payload: ConvertIn):
    lead = queries.get_lead_for(request.user, lead_id)
    opportunity = services.convert_lead(by=request.user, lead=lead, **payload.dict())
    return Status(201, _opportunity_out(request.user, opportunity.pk))


# --- Hand-overs -----------------------------------------------------------------------------
class HandoverOut(Schema):
    id: int
    client: ClientRef
    opportunity_id: int | None
    from_user: PersonRef
    to_kam: PersonRef
    stakeholders_introduced: bool
    commercial_terms: str
    promises_made: str
    risks: str
    documents: str
    context_note: str
    status: Handover.Status
    question: str
    accepted_at: str | None

    @staticmethod
    def resolve_client(handover: Handover) -> dict:
        return {"id": handover.client_id, "name": str(handover.client)}

    @staticmethod
    def resolve_from_user(handover: Handover) -> dict:
        return person_ref(handover.from_user)

    @staticmethod
    def resolve_to_kam(handover: Handover) -> dict:
        return person_ref(handover.to_kam)

    @staticmethod
    def resolve_accepted_at(handover: Handover) -> str | None:
        return handover.accepted_at.isoformat() if handover.accepted_at else None


class HandoverPatch(Schema):
    to_kam_id: BodyId | None = None
    stakeholders_introduced: Flag | None = None
    commercial_terms: str | None = Field(None, max_length=4000)
    promises_made: str | None = Field(None, max_length=4000)
    risks: str | None = Field(None, max_length=4000)
    documents: str | None = Field(None, max_length=2000)
    context_note: str | None = Field(None, max_length=8000)


class HandoverIn(HandoverPatch):
    opportunity_id: BodyId
    to_kam_id: BodyId
    context_note: str = Field(min_length=1, max_length=8000)


class ReturnIn(Schema):
    question: str = Field(min_length=1, max_length=2000)


def _handover_fields(data: dict) -> dict:
    if "to_kam_id" in data:
        data["to_kam"] = active_person(data.pop("to_kam_id"), "to_kam_id")
    return data


def _handover_out(viewer, pk: int) -> Handover:
    return queries.get_handover_for(viewer, pk)


@router.get("/handovers", response={200: list[HandoverOut], **ERRORS}, summary="Hand-overs")
@paginate(Pagination)
def list_handovers(request: HttpRequest, status: Handover.Status | None = None):
    return queries.handovers_for_list(request.user, status=status or "")


@router.get("/handovers/{handover_id}", response={200: HandoverOut, **ERRORS})
def get_handover(request: HttpRequest, handover_id: Id):
    return _handover_out(request.user, handover_id)


@router.post(
    "/handovers", response={201: HandoverOut, **ERRORS}, summary="Hand a won client to a KAM"
)
def create_handover(request: HttpRequest, payload: HandoverIn):
    data = payload.dict(exclude_unset=True)
    opportunity = (
        queries.opportunities_visible_to(request.user)
        .filter(pk=data.pop("opportunity_id"))
        .select_related("client")
        .first()
    )
    if opportunity is None:
        raise DomainError(gettext_lazy("There is no such opportunity."), field="opportunity_id")
    if opportunity.status != Opportunity.Status.WON:
        raise DomainError(
            gettext_lazy("Win the opportunity before handing its client over."),
            field="opportunity_id",
        )
    handover = services.hand_over_client(
        by=request.user,
        client=opportunity.client,
        opportunity=opportunity,
        **_handover_fields(data),
    )
    return Status(201, _handover_out(request.user, handover.pk))


@router.patch("/handovers/{handover_id}", response={200: HandoverOut, **ERRORS})
def patch_handover(request: HttpRequest, handover_id: Id, payload: HandoverPatch):
    handover = queries.get_handover_for(request.user, handover_id)
    data = _handover_fields(payload.dict(exclude_unset=True))
    services.update_handover(by=request.user, handover=handover, **data)
    return _handover_out(request.user, handover_id)


@router.post(
    "/handovers/{handover_id}/accept",
    response={200: HandoverOut, **ERRORS},
    summary="Accept: the KAM owns the client",
)
def accept_handover(request: HttpRequest, handover_id: Id):
    handover = queries.get_handover_for(request.user, handover_id)
    services.accept_handover(by=request.user, handover=handover)
    return _handover_out(request.user, handover_id)


@router.post(
    "/handovers/{handover_id}/return",
    response={200: HandoverOut, **ERRORS},
    summary="Send back with a question",
)
def return_handover(request: HttpRequest, handover_id: Id, payload: ReturnIn):
    handover = queries.get_handover_for(request.user, handover_id)
    services.return_handover(by=request.user, handover=handover, question=payload.question)
    return _handover_out(request.user, handover_id)


# --- Forecast -------------------------------------------------------------------------------
class ForecastRowOut(Schema):
    label: str
    weighted_amount: int
    pipeline_amount: int
    won_amount: int

    @staticmethod
    def resolve_weighted_amount(row) -> int:
        return int(row.weighted)

    @staticmethod
    def resolve_pipeline_amount(row) -> int:
        return int(row.pipeline)

    @staticmethod
    def resolve_won_amount(row) -> int:
        return int(row.won)


class ForecastPersonOut(ForecastRowOut):
    id: int | None
    quarters_weighted: list[int]

    @staticmethod
    def resolve_id(row) -> int | None:
        return row.key

    @staticmethod
    def resolve_quarters_weighted(row) -> list[int]:
        return [int(amount) for amount in row.quarters]


class ForecastOut(Schema):
    start: date
    months: list[ForecastRowOut]
    quarters: list[ForecastRowOut]
    by_owner: list[ForecastPersonOut]
    by_team: list[ForecastPersonOut]


@router.get(
    "/forecast",
    response={200: ForecastOut, **ERRORS},
    summary="Weighted pipeline and won revenue for the next four quarters",
)
def forecast(request: HttpRequest, owner_id: Id | None = None, team_id: Id | None = None):
    return queries.forecast_for(request.user, owner=owner_id, team=team_id)
