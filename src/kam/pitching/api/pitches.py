"""Pitches: when a version is presented, who presents, who of the client attends, and how it
went."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Id, IsoDateTime, Pagination
from kam.people.models import User
from kam.pitching import queries, services
from kam.pitching.api.common import (
    PersonRef,
    StakeholderRef,
    active_people,
    contacts_of,
    person_ref,
    router,
    version_of,
    visible_proposal,
)
from kam.pitching.models import Pitch, Proposal


class PitchOut(Schema):
    id: int
    proposal_id: int
    version_id: int
    version_number: int
    held_at: datetime
    location: str
    presenters: list[PersonRef]
    attendees: list[StakeholderRef]
    outcome: Pitch.Outcome
    notes: str

    @staticmethod
    def resolve_version_number(pitch: Pitch) -> int:
        return pitch.version.number

    @staticmethod
    def resolve_presenters(pitch: Pitch) -> list:
        return [person_ref(person) for person in pitch.presenters.all()]

    @staticmethod
    def resolve_attendees(pitch: Pitch) -> list:
        return [{"id": person.pk, "name": str(person)} for person in pitch.attendees.all()]


class PitchPatch(Schema):
    held_at: IsoDateTime | None = None
    location: str | None = Field(None, max_length=200)
    outcome: Pitch.Outcome | None = None
    notes: str | None = Field(None, max_length=4000)
    presenter_ids: list[BodyId] | None = Field(None, max_length=20)
    attendee_ids: list[BodyId] | None = Field(None, max_length=50)


class PitchIn(PitchPatch):
    proposal_id: BodyId
    version_id: BodyId | None = Field(None, description="the current version when left out")
    held_at: IsoDateTime
    presenter_ids: list[BodyId] = Field(min_length=1, max_length=20)


def _pitch_fields(proposal: Proposal, data: dict) -> dict:
    if "presenter_ids" in data:
        data["presenters"] = active_people(data.pop("presenter_ids") or [], "presenter_ids")
    if "attendee_ids" in data:
        data["attendees"] = contacts_of(proposal, data.pop("attendee_ids") or [], "attendee_ids")
    return data


def _pitches_out(viewer: User) -> QuerySet[Pitch]:
    return (
        queries.pitches_visible_to(viewer)
        .select_related("version")
        .prefetch_related("presenters", "attendees")
        .order_by("held_at", "pk")
    )


def _pitch_out(viewer: User, pk: int) -> Pitch:
    return _pitches_out(viewer).get(pk=pk)


@router.get("/pitches", response={200: list[PitchOut], **ERRORS}, summary="Pitches, by date")
@paginate(Pagination)
def list_pitches(request: HttpRequest, proposal_id: Id | None = None):
    pitches = _pitches_out(request.user)
    return pitches.filter(proposal_id=proposal_id) if proposal_id else pitches


@router.get("/pitches/{pitch_id}", response={200: PitchOut, **ERRORS})
def get_pitch(request: HttpRequest, pitch_id: Id):
    queries.get_pitch_for(request.user, pitch_id)
    return _pitch_out(request.user, pitch_id)


@router.post(
    "/pitches",
    response={201: PitchOut, **ERRORS},
    summary="Plan (or record) a pitch of a version",
)
def schedule_pitch(request: HttpRequest, payload: PitchIn):
    data = payload.dict(exclude_unset=True)
    proposal = visible_proposal(request.user, data.pop("proposal_id"), "proposal_id")
    version = version_of(proposal, data.pop("version_id", None), "version_id")
    pitch = services.schedule_pitch(
        by=request.user, proposal=proposal, version=version, **_pitch_fields(proposal, data)
    )
    return Status(201, _pitch_out(request.user, pitch.pk))


@router.patch(
    "/pitches/{pitch_id}",
    response={200: PitchOut, **ERRORS},
    summary="Move the pitch, change who comes, or record how it went",
)
def patch_pitch(request: HttpRequest, pitch_id: Id, payload: PitchPatch):
    pitch = queries.get_pitch_for(request.user, pitch_id)
    data = _pitch_fields(pitch.proposal, payload.dict(exclude_unset=True))
    services.update_pitch(by=request.user, pitch=pitch, **data)
    return _pitch_out(request.user, pitch_id)
