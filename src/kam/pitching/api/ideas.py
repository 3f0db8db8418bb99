"""Ideas, their internal review (each reviewer's own scores) and the shortlist. One brief's ideas
are listed by their weighted score; a rough cost shows only to those who see the brief's money."""

from datetime import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Value
from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.people.models import User
from kam.pitching import queries, services
from kam.pitching.api.common import (
    Amount,
    PersonRef,
    Score,
    money,
    person_ref,
    router,
    visible_brief,
    with_money_shown,
)
from kam.pitching.models import Brief, Idea, IdeaReview
from kam.pitching.permissions import can_see_money_of


# --- Ideas ----------------------------------------------------------------------------------
class IdeaOut(Schema):
    id: int
    brief_id: int
    title: str
    insight: str
    description: str
    channels: str
    rough_cost_amount: int | None = Field(description="null for those who do not see the money")
    is_shortlisted: bool
    author: PersonRef
    review_count: int
    score: float | None = Field(
        description="the weighted average of the reviews, out of 5; given when listing one "
        "brief's ideas and on one idea, null until someone reviews it"
    )
    created_at: datetime

    @staticmethod
    def resolve_rough_cost_amount(idea: Idea) -> int | None:
        return money(idea.rough_cost_amount, idea.shows_money)

    @staticmethod
    def resolve_author(idea: Idea) -> dict:
        return person_ref(idea.author)

    @staticmethod
    def resolve_score(idea: Idea) -> float | None:
        score = getattr(idea, "score", None)
        return None if score is None else round(score, 2)


class IdeaPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    insight: str | None = Field(None, max_length=2000)
    description: str | None = Field(None, min_length=1, max_length=4000)
    channels: str | None = Field(None, max_length=500)
    rough_cost_amount: Amount | None = None


class IdeaIn(IdeaPatch):
    brief_id: BodyId
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)


def _idea_fields(data: dict) -> dict:
    if data.get("rough_cost_amount") is not None:
        data["rough_cost_amount"] = Decimal(data["rough_cost_amount"])
    return data


def _ranked(viewer: User, brief: Brief) -> QuerySet[Idea]:
    """The brief's ideas best first; whether its money shows is one answer for all of them."""
    return queries.ranked_ideas(brief).annotate(shows_money=Value(can_see_money_of(viewer, brief)))


def _idea_out(viewer: User, pk: int) -> Idea:
    idea = queries.get_idea_for(viewer, pk)
    return _ranked(viewer, idea.brief).get(pk=pk)


@router.get(
    "/ideas",
    response={200: list[IdeaOut], **ERRORS},
    summary="Ideas; one brief's ranked by their weighted score",
)
@paginate(Pagination)
def list_ideas(request: HttpRequest, brief_id: Id | None = None):
    if brief_id is not None:
        return _ranked(request.user, queries.get_brief_for(request.user, brief_id))
    ideas = queries.ideas_visible_to(request.user).select_related("author")
    ideas = ideas.annotate(review_count=Count("reviews")).order_by("-created_at", "-pk")
    return with_money_shown(ideas, request.user, brief="brief_id")


@router.get("/ideas/{idea_id}", response={200: IdeaOut, **ERRORS})
def get_idea(request: HttpRequest, idea_id: Id):
    return _idea_out(request.user, idea_id)


@router.post("/ideas", response={201: IdeaOut, **ERRORS}, summary="Add an idea to a brief")
def create_idea(request: HttpRequest, payload: IdeaIn):
    data = payload.dict(exclude_unset=True)
    brief = visible_brief(request.user, data.pop("brief_id"), "brief_id")
    idea = services.add_idea(by=request.user, brief=brief, **_idea_fields(data))
    return Status(201, _idea_out(request.user, idea.pk))


@router.patch("/ideas/{idea_id}", response={200: IdeaOut, **ERRORS})
def patch_idea(request: HttpRequest, idea_id: Id, payload: IdeaPatch):
    idea = queries.get_idea_for(request.user, idea_id)
    data = _idea_fields(payload.dict(exclude_unset=True))
    services.update_idea(by=request.user, idea=idea, **data)
    return _idea_out(request.user, idea_id)


@router.post(
    "/ideas/{idea_id}/shortlist",
    response={200: IdeaOut, **ERRORS},
    summary="Put the idea on the shortlist",
)
def shortlist_idea(request: HttpRequest, idea_id: Id):
    idea = queries.get_idea_for(request.user, idea_id)
    services.shortlist_idea(by=request.user, idea=idea)
    return _idea_out(request.user, idea_id)


@router.delete(
    "/ideas/{idea_id}/shortlist",
    response={200: IdeaOut, **ERRORS},
    summary="Take the idea off the shortlist",
)
def drop_from_shortlist(request: HttpRequest, idea_id: Id):
    idea = queries.get_idea_for(request.user, idea_id)
    services.drop_from_shortlist(by=request.user, idea=idea)
    return _idea_out(request.user, idea_id)


# --- The review -----------------------------------------------------------------------------
class IdeaReviewOut(Schema):
    id: int
    idea_id: int
    reviewer: PersonRef
    fit: int
    creativity: int
    feasibility: int
    cost: int
    comment: str
    updated_at: datetime

    @staticmethod
    def resolve_reviewer(review: IdeaReview) -> dict:
        return person_ref(review.reviewer)


class IdeaReviewIn(Schema):
    fit: Score
    creativity: Score
    feasibility: Score
    cost: Score
    comment: str = Field("", max_length=1000)


@router.get(
    "/ideas/{idea_id}/reviews",
    response={200: list[IdeaReviewOut], **ERRORS},
    summary="Every reviewer's scores of the idea",
)
def list_idea_reviews(request: HttpRequest, idea_id: Id):
    idea = queries.get_idea_for(request.user, idea_id)
    return list(queries.reviews_of(idea))


@router.put(
    "/ideas/{idea_id}/review",
    response={200: IdeaReviewOut, **ERRORS},
    summary="Score the idea, 1 to 5 per criterion (the caller's own review, replaced if given)",
)
def review_idea(request: HttpRequest, idea_id: Id, payload: IdeaReviewIn):
    idea = queries.get_idea_for(request.user, idea_id)
    return services.review_idea(by=request.user, idea=idea, **payload.dict())
