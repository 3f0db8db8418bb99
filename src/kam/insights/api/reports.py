"""Revenue against target (doanh số so với cam kết) for a month, quarter or year: per KAM the
caller sees and per team, what was booked (contracts signed), invoiced (issued less credit
notes) and collected (payments allocated), before VAT, in whole dong; the gap, the projection at
the pace so far, and the commission preview of those whose commission the caller may see."""

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Schema

from kam.core import access
from kam.core.api import ERRORS, Id
from kam.core.errors import require
from kam.delivery.api.common import Day
from kam.insights import queries
from kam.insights.api.common import dong, router
from kam.insights.models import Target
from kam.insights.periods import Span, span_of
from kam.insights.permissions import sees_commission_of, sees_insights
from kam.insights.queries.attainment import METRICS, Attainment, AttainmentRow
from kam.people.models import Team, User


class AttainmentMetricOut(Schema):
    actual: int
    target: int | None = Field(description="null: no target for the period")
    percent: int | None = Field(description="of the target reached; null without a target")
    gap: int | None = Field(description="what is still missing to the target (0 once reached)")
    projected: int = Field(description="at the pace so far, by the period's end")
    on_track: bool | None = Field(description="the projection reaches the target")


class AttainmentMetricsOut(Schema):
    booked: AttainmentMetricOut
    invoiced: AttainmentMetricOut
    collected: AttainmentMetricOut


class CommissionTierOut(Schema):
    percent: int = Field(description="of the collected target to reach")
    rate_percent: float


class CommissionOut(Schema):
    """Collected revenue times the rate of the tier its attainment reached; a preview."""

    collected: int
    attainment_percent: int | None = Field(description="null: no collected target")
    rate_percent: float | None
    amount: int | None = Field(description="null: no collected target, no rate")
    next_tier: CommissionTierOut | None


class AttainmentRowOut(Schema):
    """A KAM (`kam_id`, with their team's id) or a team (`kam_id` null): its members' sum."""

    kam_id: int | None
    team_id: int | None
    name: str
    metrics: AttainmentMetricsOut
    commission: CommissionOut | None = Field(
        description="a KAM's, for the KAM, their Director, Finance and admins; else null"
    )


class AttainmentOut(Schema):
    period: Target.Period
    starts_on: date
    ends_on: date
    label: str = Field(description="e.g. 05/2025, Q2/2025, 2025")
    rows: list[AttainmentRowOut] = Field(description="the KAMs by team and name, then the teams")


def _metric(attainment: Attainment) -> dict:
    return {
        "actual": dong(attainment.actual),
        "target": dong(attainment.target),
        "percent": attainment.percent,
        "gap": dong(attainment.gap),
        "projected": dong(attainment.projected),
        "on_track": attainment.on_track,
    }


def _commission(viewer: User, row: AttainmentRow) -> dict | None:
    if row.kam is None or not sees_commission_of(viewer, row.kam):
        return None
    commission = queries.commission_of(row.metrics[Target.Metric.COLLECTED])
    tier = commission.next_tier
    return {
        "collected": dong(commission.collected),
        "attainment_percent": commission.attainment_percent,
        "rate_percent": commission.rate_percent,
        "amount": dong(commission.amount),
        "next_tier": {"percent": tier[0], "rate_percent": tier[1]} if tier else None,
    }


def _row(viewer: User, row: AttainmentRow) -> dict:
    return {
        "kam_id": row.kam.pk if row.kam else None,
        "team_id": row.team.pk if row.team else row.kam.team_id,
        "name": row.name,
        "metrics": {metric: _metric(row.metrics[metric]) for metric in METRICS},
        "commission": _commission(viewer, row),
    }


def _sees_whole_team(viewer: User, row: AttainmentRow) -> bool:
    """A team's row sums the KAMs the caller sees: all of them for its Director, Finance and
    admins; only themselves for one of its KAMs, whose "team" figure would then be their own."""
    if row.team is None:
        return True
    return access.is_admin(viewer) or access.is_finance(viewer) or row.team.leader_id == viewer.pk


def _team_for(viewer: User, pk: int | None) -> Team | None:
    if pk is None:
        return None
    team = queries.teams_in_view_of(viewer).filter(pk=pk).first()
    if team is None:
        raise Http404
    return team


@router.get(
    "/reports/attainment",
    response={200: AttainmentOut, **ERRORS},
    summary="Revenue against target per KAM and team for a month, quarter or year",
    description="The period holding `day` (today when left out); the KAMs the caller sees (one "
    "team's with `team_id`): a KAM themselves, a Director the KAMs of the teams they lead, "
    "Finance and admins every KAM.",
)
def attainment_report(
    request: HttpRequest,
    period: Target.Period = Target.Period.QUARTER,
    day: Day | None = None,
    team_id: Id | None = None,
):
    viewer = request.user
    require(sees_insights(viewer))
    span: Span = span_of(period, day or timezone.localdate())
    rows = queries.attainment_for(viewer, span, team=_team_for(viewer, team_id))
    return {
        "period": span.period,
        "starts_on": span.starts_on,
        "ends_on": span.ends_on,
        "label": span.label,
        "rows": [_row(viewer, row) for row in rows if _sees_whole_team(viewer, row)],
    }
