"""Interactions with clients and their next steps."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

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
from kam.clients.models import Client, Interaction, Stakeholder
from kam.core.api import ERRORS, BodyId, Id, IsoDate, IsoDateTime, Pagination
from kam.core.errors import DomainError
from kam.people.models import User


class InteractionOut(Schema):
    id: int
    client: ClientRef
    kind: Interaction.Kind
    happened_at: datetime
    our_people: list[PersonRef]
    contact_ids: list[int]
    summary: str
    outcome: str
    objection: Interaction.Objection
    next_step: str
    next_step_due_on: date | None
    next_step_owner: PersonRef | None
    next_step_done_at: datetime | None
    recorded_by: PersonRef

    @staticmethod
    def resolve_client(interaction: Interaction) -> dict:
        return {"id": interaction.client_id, "name": str(interaction.client)}

    @staticmethod
    def resolve_our_people(interaction: Interaction) -> list:
        return [person_ref(user) for user in interaction.our_people.all()]

    @staticmethod
    def resolve_contact_ids(interaction: Interaction) -> list[int]:
        return [stakeholder.pk for stakeholder in interaction.stakeholders.all()]

    @staticmethod
    def resolve_next_step_owner(interaction: Interaction) -> dict | None:
        return person_ref(interaction.next_step_owner)

    @staticmethod
    def resolve_recorded_by(interaction: Interaction) -> dict:
        return person_ref(interaction.recorded_by)


class InteractionPatch(Schema):
    kind: Interaction.Kind | None = None
    happened_at: IsoDateTime | None = None
    our_people_ids: list[BodyId] | None = Field(None, max_length=50)
    contact_ids: list[BodyId] | None = Field(None, max_length=50)
    summary: str | None = Field(None, min_length=1, max_length=5000)
    outcome: str | None = Field(None, max_length=1000)
    objection: Interaction.Objection | None = None
    next_step: str | None = Field(None, max_length=300)
    next_step_due_on: IsoDate | None = None
    next_step_owner_id: BodyId | None = None


class InteractionIn(InteractionPatch):
    client_id: BodyId
    summary: str = Field(min_length=1, max_length=5000)


def _interaction_fields(client: Client, data: dict) -> dict:
    if "our_people_ids" in data:
        ids = data.pop("our_people_ids") or []
        people = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(people) != len(set(ids)):
            raise DomainError(NO_SUCH["person"], field="our_people_ids")
        data["our_people"] = people
    if "contact_ids" in data:
        ids = data.pop("contact_ids") or []
        contacts = list(Stakeholder.objects.filter(pk__in=ids, client=client))
        if len(contacts) != len(set(ids)):
            raise DomainError(NO_SUCH["contact"], field="contact_ids")
        data["stakeholders"] = contacts
    if "next_step_owner_id" in data:
        data["next_step_owner"] = active_person(
            data.pop("next_step_owner_id"), "next_step_owner_id"
        )
    return data


# --- Interactions ---------------------------------------------------------------------------
@router.get("/interactions", response={200: list[InteractionOut], **ERRORS})
@paginate(Pagination)
def list_interactions(
    request: HttpRequest,
    client_id: Id | None = None,
    kind: Interaction.Kind | None = None,
    since: IsoDateTime | None = None,
    until: IsoDateTime | None = None,
    q: str = Query("", max_length=200),
):
    return queries.interactions_for_list(
        request.user, client_id=client_id, kind=kind or "", since=since, until=until, search=q
    )


@router.get("/interactions/{interaction_id}", response={200: InteractionOut, **ERRORS})
def get_interaction(request: HttpRequest, interaction_id: Id):
    return queries.get_interaction_for(request.user, interaction_id)


@router.post("/interactions", response={201: InteractionOut, **ERRORS}, summary="Log contact")
def create_interaction(request: HttpRequest, payload: InteractionIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    data = _interaction_fields(client, data)
    interaction = services.log_interaction(by=request.user, client=client, **data)
    return Status(201, queries.get_interaction_for(request.user, interaction.pk))


@router.patch("/interactions/{interaction_id}", response={200: InteractionOut, **ERRORS})
def patch_interaction(request: HttpRequest, interaction_id: Id, payload: InteractionPatch):
    interaction = queries.get_interaction_for(request.user, interaction_id)
    data = _interaction_fields(interaction.client, payload.dict(exclude_unset=True))
    services.update_interaction(by=request.user, interaction=interaction, **data)
    return queries.get_interaction_for(request.user, interaction_id)


@router.post(
    "/interactions/{interaction_id}/next-step-done",
    response={200: InteractionOut, **ERRORS},
    summary="Mark the next step done",
)
def complete_next_step(request: HttpRequest, interaction_id: Id):
    interaction = queries.get_interaction_for(request.user, interaction_id)
    services.complete_next_step(by=request.user, interaction=interaction)
    return queries.get_interaction_for(request.user, interaction_id)
