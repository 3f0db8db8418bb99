"""Finance's part of the books: the months closed (nothing is recorded, changed or cancelled in
them after) and what an hour of each department's people costs from a date on. Those who see
budgets read them; Finance and admins change them."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.budgets import queries, services
from kam.budgets.api.common import (
    Amount,
    Day,
    NamedRef,
    PersonRef,
    department_in_use,
    named_ref,
    person_ref,
    router,
)
from kam.budgets.models import ClosedMonth, CostRate
from kam.core.api import ERRORS, BodyId, Pagination


class ClosedMonthOut(Schema):
    id: int
    month: date = Field(description="its first day")
    closed_by: PersonRef
    closed_at: datetime

    @staticmethod
    def resolve_closed_by(closed: ClosedMonth) -> dict:
        return person_ref(closed.closed_by)


class CostRateOut(Schema):
    id: int
    department: NamedRef | None = Field(description="none: the people outside the departments")
    hourly_amount: int
    valid_from: date

    @staticmethod
    def resolve_department(rate: CostRate) -> dict | None:
        return named_ref(rate.department)


class MonthIn(Schema):
    month: Day = Field(description="any day of the month; a month closes once it has begun")


class RateIn(Schema):
    department_id: BodyId | None = Field(
        None, description="none: the people outside the departments (KAMs, Planners)"
    )
    hourly_amount: Amount
    valid_from: Day


@router.get(
    "/closed-months",
    response={200: list[ClosedMonthOut], **ERRORS},
    summary="The months Finance has closed, newest first",
)
@paginate(Pagination)
def list_closed_months(request: HttpRequest):
    return queries.closed_months_visible_to(request.user)


@router.post(
    "/closed-months",
    response={201: ClosedMonthOut, **ERRORS},
    summary="Close a month: no cost or time is recorded, changed or cancelled in it after",
)
def close_month(request: HttpRequest, payload: MonthIn):
    closed = services.close_month(by=request.user, month=payload.month)
    return Status(201, closed)


@router.get(
    "/cost-rates",
    response={200: list[CostRateOut], **ERRORS},
    summary="What an hour costs, by department, newest first",
)
@paginate(Pagination)
def list_cost_rates(request: HttpRequest):
    return queries.cost_rates_visible_to(request.user)


@router.post(
    "/cost-rates",
    response={201: CostRateOut, **ERRORS},
    summary="Set what an hour costs from a day on (time entered keeps the rate it had)",
)
def set_cost_rate(request: HttpRequest, payload: RateIn):
    department = department_in_use(payload.department_id, "department_id")
    rate = services.set_cost_rate(
        by=request.user,
        department=department,
        hourly_amount=payload.hourly_amount,
        valid_from=payload.valid_from,
    )
    return Status(201, rate)
