"""What the budgets API's modules share: the router, the shapes of money, hours and a budget's
figures, and turning ids into records the caller may use. Money is whole dong as JSON integers
(Decimal in and out, never a float); percentages are numbers. Only those who see budgets
(queries.budgets_visible_to: the KAM side of a client and Finance) read any of it: a department
member, Sales or a Planner gets 404 everywhere here but on their own time entries."""

from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import BeforeValidator, WithJsonSchema

from kam.budgets.arithmetic import LineFigures, Margins
from kam.delivery.api.common import (
    Amount,
    ClientRef,
    Day,
    NamedRef,
    PersonRef,
    ProjectRef,
    client_ref,
    named_ref,
    person_ref,
)
from kam.pitching.api.common import Percent, Quantity, department_in_use

router = Router(tags=["budgets"])

__all__ = [
    "Amount",
    "ClientRef",
    "Day",
    "NamedRef",
    "Percent",
    "PersonRef",
    "ProjectRef",
    "Quantity",
    "client_ref",
    "department_in_use",
    "named_ref",
    "person_ref",
    "router",
]


def _json_number(value: object) -> Decimal:
    """A JSON number only ("2" and true are not hours), read by its shortest decimal form."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("Write a number."))
    return Decimal(str(value))


# Hours of one day on one task, to two decimals; 0 clears the day.
Hours = Annotated[
    Decimal,
    BeforeValidator(_json_number),
    Field(ge=0, le=24, decimal_places=2),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 24}),
]


class FiguresOut(Schema):
    """A line's money (or the whole budget's): `budget` is the planned cost, `committed` what
    purchase orders still promise, `actual` the bills and time spent; `forecast` the cost at
    completion; `used_percent` is null where nothing is planned."""

    budget: int
    committed: int
    actual: int
    used: int
    remaining: int
    forecast: int
    used_percent: float | None


class MarginsOut(Schema):
    """revenue = the client's price + the agency fee; planned margin = revenue - planned cost;
    forecast margin = revenue - forecast cost. Under the floor, costs and changes that add to
    the forecast cost need a Director's approval."""

    revenue: int
    planned_cost: int
    forecast_cost: int
    planned: int
    planned_percent: float | None
    forecast: int
    forecast_percent: float | None
    floor_percent: float
    under_floor: bool


def figures_out(figures: LineFigures, forecast: Decimal | None = None) -> dict:
    """`forecast` for a total: the sum of its lines' forecasts, not the total's own."""
    return {
        "budget": figures.budget,
        "committed": figures.committed,
        "actual": figures.actual,
        "used": figures.used,
        "remaining": figures.remaining,
        "forecast": figures.forecast if forecast is None else forecast,
        "used_percent": figures.used_percent,
    }


def margins_out(margins: Margins, floor_percent: Decimal) -> dict:
    return {
        "revenue": margins.revenue,
        "planned_cost": margins.planned_cost,
        "forecast_cost": margins.forecast_cost,
        "planned": margins.planned,
        "planned_percent": margins.planned_percent,
        "forecast": margins.forecast,
        "forecast_percent": margins.forecast_percent,
        "floor_percent": floor_percent,
        "under_floor": margins.is_under(floor_percent),
    }
