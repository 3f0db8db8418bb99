"""The service catalogue, account plans and their plays."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.clients import queries, services
from kam.clients.api.common import (
    ClientRef,
    PersonRef,
    active_person,
    person_ref,
    router,
    visible_client,
)
from kam.clients.models import AccountPlan, AgencyService, PlannedPlay
from kam.core.api import ERRORS, BodyId, Flag, Id, IsoDate, Pagination
from kam.core.errors import DomainError
from kam.people.models import User


# --- Account plans --------------------------------------------------------------------------
class ServiceOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    is_active: bool


class ServiceIn(Schema):
    code: str = Field(min_length=1, max_length=40, description="letters, digits, - and _")
    name: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=120)
    is_active: Flag = True


class ServicePatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=120)
    name_en: str | None = Field(None, max_length=120)
    is_active: Flag | None = None


class PlayOut(Schema):
    id: int
    title: str
    service_id: int | None
    owner: PersonRef
    due_on: date
    status: PlannedPlay.Status

    @staticmethod
    def resolve_owner(play: PlannedPlay) -> dict:
        return person_ref(play.owner)


class PlanOut(Schema):
    id: int
    client: ClientRef
    year: int
    objectives: str
    whitespace_ids: list[int]
    renewal_on: date | None
    renewal_note: str
    plays: list[PlayOut]

    @staticmethod
    def resolve_client(plan: AccountPlan) -> dict:
        return {"id": plan.client_id, "name": str(plan.client)}

    @staticmethod
    def resolve_whitespace_ids(plan: AccountPlan) -> list[int]:
        return [service.pk for service in plan.whitespace.all()]

    @staticmethod
    def resolve_plays(plan: AccountPlan) -> list:
        return list(plan.plays.all())


class PlanPatch(Schema):
    year: int | None = Field(None, ge=2000, le=2100, strict=True)
    objectives: str | None = Field(None, min_length=1, max_length=4000)
    whitespace_ids: list[BodyId] | None = Field(None, max_length=50)
    renewal_on: IsoDate | None = None
    renewal_note: str | None = Field(None, max_length=300)


class PlanIn(PlanPatch):
    client_id: BodyId
    year: int = Field(ge=2000, le=2100, strict=True)
    objectives: str = Field(min_length=1, max_length=4000)


class PlayPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    service_id: BodyId | None = None
    owner_id: BodyId | None = None
    due_on: IsoDate | None = None
    status: PlannedPlay.Status | None = None


class PlayIn(PlayPatch):
    title: str = Field(min_length=1, max_length=200)
    owner_id: BodyId
    due_on: IsoDate


def _catalogue_services(ids: list[int], field: str) -> list[AgencyService]:
    found = list(queries.services_to_choose().filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError(gettext_lazy("There is no such service."), field=field)
    return found


def _plan_fields(data: dict) -> dict:
    if "whitespace_ids" in data:
        data["whitespace"] = _catalogue_services(data.pop("whitespace_ids") or [], "whitespace_ids")
    return data


def _play_fields(data: dict) -> dict:
    if "service_id" in data:
        pk = data.pop("service_id")
        data["service"] = _catalogue_services([pk], "service_id")[0] if pk else None
    if "owner_id" in data:
        data["owner"] = active_person(data.pop("owner_id"), "owner_id")
    return data


def _plan_out(viewer: User, pk: int) -> AccountPlan:
    return queries.plans_for_list(viewer).get(pk=pk)


@router.get("/services", response={200: list[ServiceOut], **ERRORS}, summary="Service catalogue")
@paginate(Pagination)
def list_services(
    request: HttpRequest, retired: bool = Query(False, description="include retired services")
):
    return queries.catalogue() if retired else queries.services_to_choose()


@router.get("/services/{service_id}", response={200: ServiceOut, **ERRORS})
def get_service(request: HttpRequest, service_id: Id):
    return queries.get_service(service_id)


@router.post("/services", response={201: ServiceOut, **ERRORS}, summary="Add a service (admins)")
def create_service(request: HttpRequest, payload: ServiceIn):
    return Status(201, services.create_service(by=request.user, **payload.dict()))


@router.patch(
    "/services/{service_id}", response={200: ServiceOut, **ERRORS}, summary="Change (admins)"
)
def patch_service(request: HttpRequest, service_id: Id, payload: ServicePatch):
    service = queries.get_service(service_id)
    return services.update_service(
        by=request.user, service=service, **payload.dict(exclude_unset=True)
    )


@router.get("/account-plans", response={200: list[PlanOut], **ERRORS}, summary="Account plans")
@paginate(Pagination)
def list_plans(
    request: HttpRequest,
    client_id: Id | None = None,
    year: int | None = Query(None, ge=2000, le=2100),
):
    return queries.plans_for_list(request.user, client_id=client_id, year=year)


@router.get("/account-plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request: HttpRequest, plan_id: Id):
    queries.get_plan_for(request.user, plan_id)
    return _plan_out(request.user, plan_id)


@router.post("/account-plans", response={201: PlanOut, **ERRORS}, summary="Write a year's plan")
def create_plan(request: HttpRequest, payload: PlanIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    plan = services.create_plan(by=request.user, client=client, **_plan_fields(data))
    return Status(201, _plan_out(request.user, plan.pk))


@router.patch("/account-plans/{plan_id}", response={200: PlanOut, **ERRORS})
def patch_plan(request: HttpRequest, plan_id: Id, payload: PlanPatch):
    plan = queries.get_plan_for(request.user, plan_id)
    services.update_plan(
        by=request.user, plan=plan, **_plan_fields(payload.dict(exclude_unset=True))
    )
    return _plan_out(request.user, plan_id)


@router.post(
    "/account-plans/{plan_id}/plays", response={201: PlayOut, **ERRORS}, summary="Add a play"
)
def add_play(request: HttpRequest, plan_id: Id, payload: PlayIn):
    plan = queries.get_plan_for(request.user, plan_id)
    data = _play_fields(payload.dict(exclude_unset=True))
    play = services.add_play(by=request.user, plan=plan, **data)
    return Status(201, play)


@router.patch("/account-plans/{plan_id}/plays/{play_id}", response={200: PlayOut, **ERRORS})
def patch_play(request: HttpRequest, plan_id: Id, play_id: Id, payload: PlayPatch):
    play = queries.get_play_for(request.user, play_id)
    if play.plan_id != plan_id:
        raise DomainError(gettext_lazy("There is no such play in this plan."), field="play_id")
    return services.update_play(
        by=request.user, play=play, **_play_fields(payload.dict(exclude_unset=True))
    )
