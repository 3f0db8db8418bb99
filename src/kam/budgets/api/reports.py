"""Profitability: revenue recognised (milestones reached) against direct cost (vendors' bills
and time) and the gross margin, by client, KAM, team, month or project, summed in the
database; the rows add up to the total exactly."""

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from kam.budgets import queries
from kam.budgets.api.common import Day, router
from kam.budgets.permissions import sees_profitability
from kam.clients import queries as client_queries
from kam.core.api import ERRORS, Id
from kam.core.errors import DomainError, require


class ProfitRowOut(Schema):
    key: int | str | None = Field(
        description="the client's, KAM's, team's or project's id, or the month (YYYY-MM-01); "
        "null: none (a client without a team, say)"
    )
    label: str
    revenue: int
    bills: int
    effort: int = Field(description="time, at the cost of an hour")
    cost: int
    margin: int
    margin_percent: float | None


class ProfitabilityOut(Schema):
    by: str
    start: date
    end: date
    rows: list[ProfitRowOut]
    total: ProfitRowOut


def _row_out(row: queries.ProfitRow) -> dict:
    key = row.key.isoformat() if isinstance(row.key, date) else row.key
    return {
        "key": key,
        "label": row.label,
        "revenue": row.revenue,
        "bills": row.bills,
        "effort": row.effort,
        "cost": row.cost,
        "margin": row.margin,
        "margin_percent": row.margin_percent,
    }


@router.get(
    "/reports/profitability",
    response={200: ProfitabilityOut, **ERRORS},
    summary="Revenue, direct cost and gross margin by client, KAM, team, month or project",
    description="From `start` (twelve months back when left out) to `end` (today); only one "
    "client's projects with `client_id`.",
)
def profitability(
    request: HttpRequest,
    by: str = Query("client", description="client, kam, team, month or project"),
    start: Day | None = None,
    end: Day | None = None,
    client_id: Id | None = None,
):
    require(sees_profitability(request.user))
    if by not in queries.DIMENSIONS:
        raise DomainError(
            _("Choose by client, kam, team, month or project."),
            field="by",
        )
    default_start, default_end = queries.default_period()
    start, end = start or default_start, end or default_end
    if start > end:
        raise DomainError(_("The start is after the end."), field="start")
    client = client_queries.get_client_for(request.user, client_id) if client_id else None
    report = queries.profitability(request.user, by=by, start=start, end=end, client=client)
    return {
        "by": report.by,
        "start": report.start,
        "end": report.end,
        "rows": [_row_out(row) for row in report.rows],
        "total": _row_out(report.total),
    }
