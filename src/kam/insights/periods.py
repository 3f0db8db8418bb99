"""Months, quarters and years as date ranges: a target's period and the progress through it."""

from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
# The years a target, a report or a dashboard may be for: wide enough for any real plan, and
# far enough from the calendar's end that a period's last day can always be computed.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Span:
    """The days of one period, both ends included."""

    period: str
    starts_on: date
    ends_on: date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def elapsed_days(self, today: date) -> int:
        """Days of the period gone by, today included (0 before it starts)."""
        if today < self.starts_on:
            return 0
        return min(self.days, (today - self.starts_on).days + 1)

    @property
    def label(self) -> str:
        if self.period == MONTH:
            return self.starts_on.strftime("%m/%Y")
        if self.period == QUARTER:
            return f"Q{(self.starts_on.month - 1) // 3 + 1}/{self.starts_on.year}"
        return str(self.starts_on.year)

    def previous(self) -> "Span":
        return span_of(self.period, self.starts_on - timedelta(days=1))

    def next(self) -> "Span":
        return span_of(self.period, self.ends_on + timedelta(days=1))


def span_of(period: str, day: date) -> Span:
    """The month, quarter or year that holds the day."""
    if period == MONTH:
        start = day.replace(day=1)
        months = 1
    elif period == QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    elif period == YEAR:
        start = date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(period)
    month_after = start.month - 1 + months
    end = date(start.year + month_after // 12, month_after % 12 + 1, 1) - timedelta(days=1)
    return Span(period, start, end)
