"""Receivables ageing (tuổi nợ): what the clients the caller sees owe, by days past the due date
(not yet due, 1-30, 31-60, 61-90, over 90), per client and in total, with the days sales
outstanding; summed in the database, in whole dong."""

from datetime import date

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema

from kam.core.api import ERRORS, Id
from kam.core.errors import require
from kam.receivables import queries
from kam.receivables.api.common import ClientRef, Day, router
from kam.receivables.permissions import sees_receivables


class BucketsOut(Schema):
    """Open amounts by days past the due date."""

    current: int = Field(description="not yet due")
    days_1_30: int
    days_31_60: int
    days_61_90: int
    days_over_90: int
    total: int


class ClientAgeingOut(BucketsOut):
    client: ClientRef
    overdue_count: int = Field(description="its open invoices past their due date")


class AgeingOut(Schema):
    as_of: date
    totals: BucketsOut
    dso: float | None = Field(
        description="days sales outstanding: what is open / what was invoiced in the last 90 "
        "days * 90; null without sales in those days"
    )
    items: list[ClientAgeingOut] = Field(description="one client per row, largest total first")
    count: int = Field(description="clients with open invoices, over all pages")


def _client_row(row: dict) -> dict:
    name = row["client__short_name"] or row["client__legal_name"]
    return {
        "client": {"id": row["client_id"], "name": name},
        **{bucket: row[bucket] for bucket in (*queries.BUCKETS, "total", "overdue_count")},
    }


@router.get(
    "/reports/ar-ageing",
    response={200: AgeingOut, **ERRORS},
    summary="Receivables ageing by client and in total, with the days sales outstanding",
    description="The open invoices of the clients the caller sees (one KAM's clients with "
    "`owner_id`) as of `as_of` (today when left out), a page of clients at a time.",
)
def ar_ageing(
    request: HttpRequest,
    owner_id: Id | None = None,
    as_of: Day | None = None,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=200),
):
    require(sees_receivables(request.user))
    as_of = as_of or timezone.localdate()
    invoices = queries.invoices_visible_to(request.user)
    if owner_id is not None:
        invoices = invoices.filter(client__owner_id=owner_id)
    rows = queries.ageing_by_client(invoices, as_of)
    start = (page - 1) * page_size
    totals = queries.ageing_totals(invoices, as_of)
    return {
        "as_of": as_of,
        "totals": totals,
        "dso": queries.days_sales_outstanding(invoices, as_of, owed=totals["total"]),
        "items": [_client_row(row) for row in rows[start : start + page_size]],
        "count": rows.count(),
    }
