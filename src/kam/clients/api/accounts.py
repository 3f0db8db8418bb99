"""Clients and their account teams, and contacts (stakeholders)."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate
from pydantic import Strict

from kam.clients import queries, services
from kam.clients.api.common import (
    NO_SUCH,
    ClientRef,
    PersonRef,
    active_person,
    person_ref,
    router,
    visible_client,
)
from kam.clients.models import Client, ClientTeamMember, Stakeholder
from kam.core.api import ERRORS, BodyId, Flag, Id, Pagination
from kam.core.errors import DomainError
from kam.people.models import User


class TeamMemberOut(Schema):
    id: int
    user: PersonRef
    role: ClientTeamMember.Role

    @staticmethod
    def resolve_user(member: ClientTeamMember) -> dict:
        return person_ref(member.user)


class ClientOut(Schema):
    id: int
    legal_name: str
    short_name: str
    tax_code: str
    industry: Client.Industry
    tier: Client.Tier
    potential: str
    buying_complexity: str
    status: Client.Status
    owner: PersonRef
    parent: ClientRef | None
    address: str
    margin_floor_percent: int | None
    last_contact_at: datetime | None = None
    is_quiet: bool = False
    created_at: datetime

    @staticmethod
    def resolve_owner(client: Client) -> dict:
        return person_ref(client.owner)

    @staticmethod
    def resolve_parent(client: Client) -> dict | None:
        return {"id": client.parent_id, "name": str(client.parent)} if client.parent_id else None


class ClientDetailOut(ClientOut):
    team: list[TeamMemberOut]

    @staticmethod
    def resolve_team(client: Client) -> list:
        return list(queries.team_of(client))


class ClientPatch(Schema):
    legal_name: str | None = Field(None, min_length=1, max_length=255)
    short_name: str | None = Field(None, max_length=120)
    tax_code: str | None = Field(None, max_length=20)
    accept_unusual_tax_code: Flag = Field(
        False, description="keep a tax code whose check digit differs (some old codes do)"
    )
    industry: Client.Industry | None = None
    tier: Client.Tier | None = None
    potential: str | None = Field(None, pattern="^(low|medium|high)$")
    buying_complexity: str | None = Field(None, pattern="^(low|medium|high)$")
    status: Client.Status | None = None
    owner_id: BodyId | None = None
    parent_id: BodyId | None = None
    address: str | None = Field(None, max_length=500)
    margin_floor_percent: Annotated[int, Strict()] | None = Field(
        None, ge=0, le=100, description="the client's own floor; null: the agency's default"
    )


class ClientIn(ClientPatch):
    legal_name: str = Field(min_length=1, max_length=255)


class TeamMemberIn(Schema):
    user_id: BodyId
    role: ClientTeamMember.Role


class ContactOut(Schema):
    id: int
    client: ClientRef
    full_name: str
    title: str
    decision_role: Stakeholder.DecisionRole
    influence: int
    relationship: int
    preferred_channel: Stakeholder.Channel
    email: str
    phone: str
    is_active: bool
    notes: str

    @staticmethod
    def resolve_client(stakeholder: Stakeholder) -> dict:
        return {"id": stakeholder.client_id, "name": str(stakeholder.client)}


class ContactPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=150)
    title: str | None = Field(None, max_length=150)
    decision_role: Stakeholder.DecisionRole | None = None
    influence: int | None = Field(None, ge=1, le=5, strict=True)
    relationship: int | None = Field(None, ge=1, le=5, strict=True)
    preferred_channel: Stakeholder.Channel | None = None
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    is_active: Flag | None = None
    notes: str | None = Field(None, max_length=2000)


class ContactIn(ContactPatch):
    client_id: BodyId
    full_name: str = Field(min_length=1, max_length=150)


class MoveIn(Schema):
    client_id: BodyId


def _client_fields(viewer: User, data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = active_person(data.pop("owner_id"), "owner_id")
    if "parent_id" in data:
        pk = data.pop("parent_id")
        data["parent"] = visible_client(viewer, pk, "parent_id") if pk else None
    return data


# --- Clients --------------------------------------------------------------------------------
class ClientFilters(Schema):
    q: str = Field("", max_length=200)
    tier: Client.Tier | None = None
    status: Client.Status | None = None
    industry: Client.Industry | None = None
    owner_id: Id | None = None
    quiet: bool = Field(False, description="only key clients gone quiet")
    sort: str = Field("name", pattern="^(name|-name|tier|last_contact|-last_contact|-created)$")


@router.get("/clients", response={200: list[ClientOut], **ERRORS}, summary="Clients one may see")
@paginate(Pagination)
def list_clients(request: HttpRequest, filters: Query[ClientFilters]):
    return queries.clients_for_list(
        request.user,
        search=filters.q,
        tier=filters.tier or "",
        status=filters.status or "",
        industry=filters.industry or "",
        owner_id=filters.owner_id,
        quiet_only=filters.quiet,
        sort=filters.sort,
    ).select_related("parent")


def _client_out(viewer: User, pk: int) -> Client:
    return queries.with_contact_state(
        queries.clients_visible_to(viewer).select_related("owner", "parent")
    ).get(pk=pk)


@router.get("/clients/{client_id}", response={200: ClientDetailOut, **ERRORS})
def get_client(request: HttpRequest, client_id: Id):
    queries.get_client_for(request.user, client_id)
    return _client_out(request.user, client_id)


@router.post("/clients", response={201: ClientDetailOut, **ERRORS}, summary="Open a client")
def create_client(request: HttpRequest, payload: ClientIn):
    data = _client_fields(request.user, payload.dict(exclude_unset=True))
    client = services.create_client(by=request.user, **data)
    return Status(201, _client_out(request.user, client.pk))


@router.patch("/clients/{client_id}", response={200: ClientDetailOut, **ERRORS})
def patch_client(request: HttpRequest, client_id: Id, payload: ClientPatch):
    client = queries.get_client_for(request.user, client_id)
    data = _client_fields(request.user, payload.dict(exclude_unset=True))
    services.update_client(by=request.user, client=client, **data)
    return _client_out(request.user, client_id)


@router.post(
    "/clients/{client_id}/team",
    response={201: TeamMemberOut, **ERRORS},
    summary="Add someone to the account team",
)
def add_team_member(request: HttpRequest, client_id: Id, payload: TeamMemberIn):
    client = queries.get_client_for(request.user, client_id)
    user = active_person(payload.user_id, "user_id")
    member = services.add_team_member(by=request.user, client=client, user=user, role=payload.role)
    return Status(201, member)


@router.delete(
    "/clients/{client_id}/team/{member_id}",
    response={204: None, **ERRORS},
    summary="Take someone off the account team",
)
def remove_team_member(request: HttpRequest, client_id: Id, member_id: Id):
    member = queries.get_team_member_for(request.user, member_id)
    if member.client_id != client_id:
        raise DomainError(NO_SUCH["person"], field="member_id")
    services.remove_team_member(by=request.user, member=member)
    return Status(204, None)


# --- Contacts -------------------------------------------------------------------------------
@router.get("/contacts", response={200: list[ContactOut], **ERRORS}, summary="Stakeholders")
@paginate(Pagination)
def list_contacts(
    request: HttpRequest, client_id: Id | None = None, q: str = Query("", max_length=200)
):
    return queries.stakeholders_for_list(request.user, client_id=client_id, search=q)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, contact_id: Id):
    return queries.get_stakeholder_for(request.user, contact_id)


@router.post("/contacts", response={201: ContactOut, **ERRORS}, summary="Add a stakeholder")
def create_contact(request: HttpRequest, payload: ContactIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    stakeholder = services.add_stakeholder(by=request.user, client=client, **data)
    return Status(201, queries.get_stakeholder_for(request.user, stakeholder.pk))


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def patch_contact(request: HttpRequest, contact_id: Id, payload: ContactPatch):
    stakeholder = queries.get_stakeholder_for(request.user, contact_id)
    services.update_stakeholder(
        by=request.user, stakeholder=stakeholder, **payload.dict(exclude_unset=True)
    )
    return queries.get_stakeholder_for(request.user, contact_id)


@router.post(
    "/contacts/{contact_id}/move",
    response={200: ContactOut, **ERRORS},
    summary="The contact moved to another client",
)
def move_contact(request: HttpRequest, contact_id: Id, payload: MoveIn):
    stakeholder = queries.get_stakeholder_for(request.user, contact_id)
    to_client = visible_client(request.user, payload.client_id, "client_id")
    services.move_stakeholder(by=request.user, stakeholder=stakeholder, to_client=to_client)
    return queries.get_stakeholder_for(request.user, contact_id)
