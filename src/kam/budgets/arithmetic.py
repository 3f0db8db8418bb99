"""The arithmetic of a budget, in one place: what a line has used, what is left, what it will
cost at completion, and the margins planned and forecast. Amounts are whole Decimals summed
exactly, so a total is always the sum of its lines."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kam.pitching.estimate import HUNDRED, Totals

ZERO = Decimal(0)


@dataclass(frozen=True)
class LineFigures:
    """One line's money. `budget` is its planned cost; `committed` what purchase orders still
    promise a supplier (ordered, not billed yet); `actual` the bills and time spent on it.
    A line outside the plan (unplanned costs) has no budget and is never under-spent."""

    budget: Decimal
    committed: Decimal
    actual: Decimal
    planned: bool = True

    @property
    def used(self) -> Decimal:
        return self.committed + self.actual

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.used

    @property
    def forecast(self) -> Decimal:
        """Cost at completion: a planned line is expected to spend its budget at least; what is
        used beyond it is spent already. A line taking work out (a negative budget, from an
        approved change) saves what it plans."""
        if not self.planned:
            return self.used
        if self.budget < 0:
            return self.budget + self.used
        return max(self.budget, self.used)

    @property
    def used_percent(self) -> Decimal | None:
        """The share of the budget used, to one decimal; None where there is no budget."""
        if self.budget <= 0:
            return None
        return (self.used * HUNDRED / self.budget).quantize(Decimal("0.1"))


def add_up(figures: Iterable[LineFigures]) -> LineFigures:
    """The whole budget's figures: each column the exact sum of its lines."""
    rows = list(figures)
    return LineFigures(
        budget=sum((row.budget for row in rows), ZERO),
        committed=sum((row.committed for row in rows), ZERO),
        actual=sum((row.actual for row in rows), ZERO),
        planned=True,
    )


@dataclass(frozen=True)
class Margins:
    """Revenue (the client's price plus the agency fee) against the planned cost and against
    the cost forecast at completion."""

    revenue: Decimal
    planned_cost: Decimal
    forecast_cost: Decimal

    @property
    def planned(self) -> Decimal:
        return self.revenue - self.planned_cost

    @property
    def forecast(self) -> Decimal:
        return self.revenue - self.forecast_cost

    @property
    def planned_percent(self) -> Decimal | None:
        return percent_of(self.planned, self.revenue)

    @property
    def forecast_percent(self) -> Decimal | None:
        return percent_of(self.forecast, self.revenue)

    def is_under(self, floor_percent: Decimal) -> bool:
        """The forecast is below the floor, or there is no revenue to have a margin at all."""
        value = self.forecast_percent
        return value is None or value < floor_percent


def margins(
    *, price: Decimal, fee_percent: Decimal, planned_cost: Decimal, forecast_cost: Decimal
) -> Margins:
    revenue = Totals(cost=planned_cost, price=price, fee_percent=fee_percent, vat_percent=ZERO)
    return Margins(revenue=revenue.revenue, planned_cost=planned_cost, forecast_cost=forecast_cost)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal("0.1"))


def crossed_thresholds(figures: LineFigures, thresholds: Iterable[int]) -> list[int]:
    """The warning thresholds (percent of the budget) the money used has reached."""
    if figures.budget <= 0:
        return []
    return [t for t in thresholds if figures.used * HUNDRED >= figures.budget * t]


def share_of(total: Decimal, parts: int, index: int) -> Decimal:
    """Split a whole-dong amount into `parts` equal shares; the first takes the remainder, so
    the shares add up to the total exactly."""
    base = (total / parts).to_integral_value(rounding="ROUND_FLOOR")
    return base + (total - base * parts if index == 0 else ZERO)
