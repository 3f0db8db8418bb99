"""The pipeline: its stages, opportunities (+ stage, win, lose) and the forecast."""

from datetime import date
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.clients import queries as client_queries
from kam.clients.api.common import ClientRef, PersonRef, active_person, person_ref, visible_client
from kam.core.api import ERRORS, BodyId, Flag, Id, IsoDate, Pagination
from kam.core.errors import DomainError
from kam.growth import queries, services
from kam.growth.api.common import Amount, Probability, router
from kam.growth.forecast import forecast_for
from kam.growth.models import Opportunity, Stage


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


def opportunity_out(viewer, pk: int) -> Opportunity:
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
    return opportunity_out(request.user, opportunity_id)


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS}, summary="Open one")
def create_opportunity(request: HttpRequest, payload: OpportunityIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    stage_id = data.pop("stage_id", None)
    stage = _stage_in_use(stage_id, "stage_id") if stage_id else None
    opportunity = services.create_opportunity(
        by=request.user, client=client, stage=stage, **_opportunity_fields(data)
    )
    return Status(201, opportunity_out(request.user, opportunity.pk))


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def patch_opportunity(request: HttpRequest, opportunity_id: Id, payload: OpportunityPatch):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    data = _opportunity_fields(payload.dict(exclude_unset=True))
    services.update_opportunity(by=request.user, opportunity=opportunity, **data)
    return opportunity_out(request.user, opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/stage",
    response={200: OpportunityOut, **ERRORS},
    summary="Move to another stage",
)
def move_opportunity(request: HttpRequest, opportunity_id: Id, payload: MoveIn):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    stage = _stage_in_use(payload.stage_id, "stage_id")
    services.move_opportunity(by=request.user, opportunity=opportunity, stage=stage)
    return opportunity_out(request.user, opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/win", response={200: OpportunityOut, **ERRORS}, summary="Win"
)
def win_opportunity(request: HttpRequest, opportunity_id: Id, payload: WinIn):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    services.win_opportunity(by=request.user, opportunity=opportunity, **payload.dict())
    return opportunity_out(request.user, opportunity_id)


@router.post(
    "/opportunities/{opportunity_id}/lose",
    response={200: OpportunityOut, **ERRORS},
    summary="Lose, with the reason",
)
def lose_opportunity(request: HttpRequest, opportunity_id: Id, payload: LoseIn):
    opportunity = queries.get_opportunity_for(request.user, opportunity_id)
    services.lose_opportunity(by=request.user, opportunity=opportunity, **payload.dict())
    return opportunity_out(request.user, opportunity_id)


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
    return forecast_for(request.user, owner=owner_id, team=team_id)
