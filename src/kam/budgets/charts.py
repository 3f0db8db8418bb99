"""The geometry of the budget pages' two charts, drawn by the templates as server-side SVG (no
chart library): a budget's burn, the money spent cumulated week by week against its total, and
the margin trend, month by month. Pure arithmetic on figures already read."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from kam.budgets.queries import ProfitRow

WIDTH, HEIGHT = 600, 200
LEFT, RIGHT, TOP, BASE = 8, 592, 12, 176


def _scale(value: Decimal, largest: Decimal) -> int:
    """The height of `value` on a chart whose top is `largest`."""
    if largest <= 0:
        return 0
    return int(Decimal(BASE - TOP) * value / largest)


@dataclass
class BurnChart:
    """Cumulative spend by week (points of a step line) under the budget total's line."""

    budget: Decimal
    spent: Decimal = Decimal(0)
    points: list[dict] = field(default_factory=list)
    line: str = ""
    budget_y: int = BASE
    threshold_y: int | None = None
    threshold: int | None = None
    first_week: date | None = None
    last_week: date | None = None

    @property
    def is_over(self) -> bool:
        return self.spent > self.budget


def burn_chart(
    series: list[tuple[date, Decimal]],
    budget: Decimal,
    *,
    starts_on: date | None = None,
    today: date,
    threshold: int | None = None,
) -> BurnChart:
    """Weeks from the project's start (or the first spend) to this week on the x axis; money
    from 0 to a little above the budget or the spend, whichever is larger, on the y axis."""
    chart = BurnChart(budget=budget, spent=series[-1][1] if series else Decimal(0))
    this_week = today - timedelta(days=today.weekday())
    weeks = [week for week, _ in series]
    starts = [d - timedelta(days=d.weekday()) for d in [starts_on] if d is not None]
    first = min([*weeks, *starts, this_week])
    last = max([*weeks, this_week])
    span = max((last - first).days // 7, 1)
    largest = max(budget, chart.spent) * Decimal("1.1")
    chart.first_week, chart.last_week = first, last

    def x_of(week: date) -> int:
        return LEFT + int((RIGHT - LEFT) * ((week - first).days // 7) / span)

    chart.budget_y = BASE - _scale(budget, largest)
    if threshold is not None and budget > 0:
        chart.threshold = threshold
        chart.threshold_y = BASE - _scale(budget * threshold / 100, largest)
    coordinates = [(x_of(first), BASE)]
    previous_y = BASE
    for week, amount in series:
        x, y = x_of(week), BASE - _scale(amount, largest)
        coordinates += [(x, previous_y), (x, y)]
        previous_y = y
        chart.points.append({"x": x, "y": y, "week": week, "amount": amount})
    if series:
        coordinates.append((x_of(last), previous_y))
    chart.line = " ".join(f"{x},{y}" for x, y in coordinates)
    return chart


@dataclass
class TrendBar:
    row: ProfitRow
    x: int
    y: int
    height: int
    label_y: int

    @property
    def is_loss(self) -> bool:
        return self.row.margin < 0


def every_month(rows: list[ProfitRow], start: date, end: date) -> list[ProfitRow]:
    """The months from `start` to `end`, those without revenue or cost as empty rows, so the
    trend's gaps show as gaps."""
    by_month = {row.key: row for row in rows}
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(by_month.get(month) or ProfitRow(key=month, label=month.strftime("%m/%Y")))
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def margin_trend(rows: list[ProfitRow], start: date, end: date) -> dict:
    """One bar per month of the period: the gross margin above the zero line, a loss below it;
    the margin's percentage of revenue written over each bar."""
    if not rows:
        return {"bars": [], "zero_y": BASE}
    rows = every_month(rows, start, end)
    highest = max([row.margin for row in rows] + [Decimal(0)])
    lowest = min([row.margin for row in rows] + [Decimal(0)])
    spread = highest - lowest
    zero_y = TOP + (_scale(highest, spread) if spread else BASE - TOP)
    step = (RIGHT - LEFT) // max(len(rows), 1)
    width = max(min(step - 6, 40), 4)
    bars = []
    for index, row in enumerate(rows):
        height = abs(_scale(row.margin, spread)) if spread else 0
        y = zero_y - height if row.margin >= 0 else zero_y
        label_y = y - 3 if row.margin >= 0 else y + height + 10
        x = LEFT + index * step + (step - width) // 2
        bars.append(TrendBar(row=row, x=x, y=y, height=height, label_y=label_y))
    return {"bars": bars, "zero_y": zero_y, "width": width, "half": width // 2}
