"""Creative briefs: a brief handed to a Planner (fields the caller leaves out start from the
client's brief), written by them and marked ready for ideas."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Id, IsoDate, Pagination
from kam.people.models import User
from kam.pitching import queries, services
from kam.pitching.api.common import (
    BriefRef,
    PersonRef,
    active_person,
    person_ref,
    router,
    visible_brief,
)
from kam.pitching.models import CreativeBrief


class CreativeBriefOut(Schema):
    id: int
    brief: BriefRef
    planner: PersonRef
    problem: str
    target_audience: str
    insight: str
    proposition: str
    mandatories: str
    channels: str
    deliverables: str
    due_on: date | None
    status: CreativeBrief.Status
    assigned_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_brief(creative: CreativeBrief) -> dict:
        return {"id": creative.brief_id, "title": creative.brief.title}

    @staticmethod
    def resolve_planner(creative: CreativeBrief) -> dict:
        return person_ref(creative.planner)

    @staticmethod
    def resolve_assigned_by(creative: CreativeBrief) -> dict:
        return person_ref(creative.assigned_by)


class CreativeBriefPatch(Schema):
    planner_id: BodyId | None = None
    problem: str | None = Field(None, min_length=1, max_length=4000)
    target_audience: str | None = Field(None, max_length=2000)
    insight: str | None = Field(None, max_length=2000)
    proposition: str | None = Field(None, max_length=2000)
    mandatories: str | None = Field(None, max_length=2000)
    channels: str | None = Field(None, max_length=500)
    deliverables: str | None = Field(None, max_length=2000)
    due_on: IsoDate | None = None


class CreativeBriefIn(CreativeBriefPatch):
    brief_id: BodyId
    planner_id: BodyId


def _creative_briefs_out(viewer: User) -> QuerySet[CreativeBrief]:
    return (
        queries.creative_briefs_visible_to(viewer)
        .select_related("brief", "planner", "assigned_by")
        .order_by("-created_at", "-pk")
    )


def _creative_brief_out(viewer: User, pk: int) -> CreativeBrief:
    return queries.get_creative_brief_for(viewer, pk)


@router.get(
    "/creative-briefs",
    response={200: list[CreativeBriefOut], **ERRORS},
    summary="Creative briefs, the newest first",
)
@paginate(Pagination)
def list_creative_briefs(
    request: HttpRequest,
    status: CreativeBrief.Status | None = None,
    planner_id: Id | None = None,
):
    creative_briefs = _creative_briefs_out(request.user)
    if status:
        creative_briefs = creative_briefs.filter(status=status)
    if planner_id:
        creative_briefs = creative_briefs.filter(planner_id=planner_id)
    return creative_briefs


@router.get("/creative-briefs/{creative_brief_id}", response={200: CreativeBriefOut, **ERRORS})
def get_creative_brief(request: HttpRequest, creative_brief_id: Id):
    return _creative_brief_out(request.user, creative_brief_id)


@router.post(
    "/creative-briefs",
    response={201: CreativeBriefOut, **ERRORS},
    summary="Hand a brief to a Planner; fields left out start from the brief",
)
def create_creative_brief(request: HttpRequest, payload: CreativeBriefIn):
    data = payload.dict(exclude_unset=True)
    brief = visible_brief(request.user, data.pop("brief_id"), "brief_id")
    planner = active_person(data.pop("planner_id"), "planner_id")
    creative = services.create_creative_brief(by=request.user, brief=brief, planner=planner, **data)
    return Status(201, _creative_brief_out(request.user, creative.pk))


@router.patch("/creative-briefs/{creative_brief_id}", response={200: CreativeBriefOut, **ERRORS})
def patch_creative_brief(request: HttpRequest, creative_brief_id: Id, payload: CreativeBriefPatch):
    creative = queries.get_creative_brief_for(request.user, creative_brief_id)
    data = payload.dict(exclude_unset=True)
    if "planner_id" in data:
        data["planner"] = active_person(data.pop("planner_id"), "planner_id")
    services.update_creative_brief(by=request.user, creative=creative, **data)
    return _creative_brief_out(request.user, creative_brief_id)


@router.post(
    "/creative-briefs/{creative_brief_id}/ready",
    response={200: CreativeBriefOut, **ERRORS},
    summary="Mark it ready: the team brainstorms on it",
)
def mark_creative_brief_ready(request: HttpRequest, creative_brief_id: Id):
    creative = queries.get_creative_brief_for(request.user, creative_brief_id)
    services.mark_creative_brief_ready(by=request.user, creative=creative)
    return _creative_brief_out(request.user, creative_brief_id)
