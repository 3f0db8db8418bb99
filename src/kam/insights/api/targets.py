"""Revenue targets (doanh số cam kết): what a KAM or a team is to book, invoice or collect in a
month, a quarter or a year. A Director sets and adjusts those of the teams they lead and of
their KAMs (an admin any), always with the history of every change and its reason; a KAM reads
their own and their team's, Finance every one."""

from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.clients.api.common import PersonRef, person_ref
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.delivery.api.common import Day
from kam.insights import queries, services
from kam.insights.api.common import TargetAmount, dong, router
from kam.insights.models import Target, TargetChange
from kam.insights.periods import FIRST_YEAR, LAST_YEAR, span_of
from kam.insights.permissions import sees_insights
from kam.people.api import TeamRef
from kam.people.models import Team, User


# --- Shapes ---------------------------------------------------------------------------------
class TargetOut(Schema):
    """A target of one KAM or one team (the other is null), in whole dong before VAT."""

    id: int
    kam: PersonRef | None
    team: TeamRef | None
    metric: Target.Metric = Field(description="booked, invoiced or collected revenue")
    period: Target.Period
    starts_on: date
    ends_on: date
    period_label: str = Field(description="e.g. 05/2025, Q2/2025, 2025")
    amount: int
    set_by: PersonRef = Field(description="who set it or changed it last")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kam(target: Target) -> dict | None:
        return person_ref(target.user)

    @staticmethod
    def resolve_team(target: Target) -> dict | None:
        return {"id": target.team.pk, "name": target.team.name} if target.team else None

    @staticmethod
    def resolve_ends_on(target: Target) -> date:
        return span_of(target.period, target.starts_on).ends_on

    @staticmethod
    def resolve_amount(target: Target) -> int:
        return dong(target.amount)

    @staticmethod
    def resolve_set_by(target: Target) -> dict:
        return person_ref(target.set_by)


class TargetChangeOut(Schema):
    """One setting (`amount_before` null) or adjustment of the target, and why."""

    id: int
    amount_before: int | None
    amount_after: int
    reason: str
    changed_by: PersonRef
    changed_at: datetime

    @staticmethod
    def resolve_amount_before(change: TargetChange) -> int | None:
        return dong(change.amount_before)

    @staticmethod
    def resolve_amount_after(change: TargetChange) -> int:
        return dong(change.amount_after)

    @staticmethod
    def resolve_changed_by(change: TargetChange) -> dict:
        return person_ref(change.changed_by)


class TargetDetailOut(TargetOut):
    history: list[TargetChangeOut] = Field(description="every change, latest first")

    @staticmethod
    def resolve_history(target: Target) -> list:
        return target.history_rows


def targets_out(viewer: User) -> QuerySet[Target]:
    if not sees_insights(viewer):
        return Target.objects.none()
    return queries.targets_visible_to(viewer).select_related("user__team", "team", "set_by")


def target_out(viewer: User, pk: int) -> Target:
    """The target with its history; one the caller does not see is no target (404)."""
    target = targets_out(viewer).filter(pk=pk).first()
    if target is None:
        raise Http404
    target.history_rows = list(queries.target_history(target))
    return target


# --- Input ----------------------------------------------------------------------------------
class TargetIn(Schema):
    kam_id: BodyId | None = Field(None, description="the KAM's; or a team's with `team_id`")
    team_id: BodyId | None = None
    metric: Target.Metric
    period: Target.Period
    day: Day = Field(description="a day in the month, quarter or year")
    amount: TargetAmount = Field(description="whole dong before VAT, 0 or more")
    reason: str = Field(
        "", max_length=300, description="why; required when the period has a target already"
    )


class TargetChangeIn(Schema):
    amount: TargetAmount = Field(description="whole dong before VAT, 0 or more")
    reason: str = Field(min_length=1, max_length=300, description="why it changes")


def _kam_for(viewer: User, pk: int | None) -> User | None:
    if pk is None:
        return None
    kam = queries.kams_visible_to(viewer).select_related("team").filter(pk=pk).first()
    if kam is None:
        raise Http404
    return kam


def _team_for(viewer: User, pk: int | None) -> Team | None:
    if pk is None:
        return None
    team = queries.teams_in_view_of(viewer).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


# --- Targets --------------------------------------------------------------------------------
@router.get(
    "/targets",
    response={200: list[TargetOut], **ERRORS},
    summary="Revenue targets, latest period first; by period, metric, KAM, team or year",
)
@paginate(Pagination)
def list_targets(
    request: HttpRequest,
    period: Target.Period | None = None,
    metric: Target.Metric | None = None,
    kam_id: Id | None = None,
    team_id: Id | None = None,
    year: int | None = Query(None, ge=FIRST_YEAR, le=LAST_YEAR),
):
    targets = targets_out(request.user)
    filters = {"period": period, "metric": metric, "user_id": kam_id, "team_id": team_id}
    targets = targets.filter(**{name: value for name, value in filters.items() if value})
    if year is not None:
        targets = targets.filter(starts_on__year=year)
    return targets.order_by("-starts_on", "period", "metric", "pk")


@router.post(
    "/targets",
    response={200: TargetDetailOut, 201: TargetDetailOut, **ERRORS},
    summary="Set a KAM's or a team's target for a period (201); one already set is adjusted (200)",
    description="A Director for the teams they lead and their KAMs, an admin for anyone. When "
    "the period has this target already, it is adjusted instead, which needs a `reason`.",
)
def set_target(request: HttpRequest, payload: TargetIn):
    target = services.set_target(
        by=request.user,
        kam=_kam_for(request.user, payload.kam_id),
        team=_team_for(request.user, payload.team_id),
        metric=payload.metric,
        period=payload.period,
        day=payload.day,
        amount=payload.amount,
        reason=payload.reason,
    )
    target = target_out(request.user, target.pk)
    return Status(201 if len(target.history_rows) == 1 else 200, target)


@router.get(
    "/targets/{target_id}",
    response={200: TargetDetailOut, **ERRORS},
    summary="A target with every setting and adjustment of it",
)
def get_target(request: HttpRequest, target_id: Id):
    return target_out(request.user, target_id)


@router.patch(
    "/targets/{target_id}",
    response={200: TargetDetailOut, **ERRORS},
    summary="Adjust a target's amount, saying why (kept in its history)",
)
def adjust_target(request: HttpRequest, target_id: Id, payload: TargetChangeIn):
    target = target_out(request.user, target_id)
    services.adjust_target(
        by=request.user, target=target, amount=payload.amount, reason=payload.reason
    )
    return target_out(request.user, target_id)
