"""The forecast: the open pipeline weighted by probability, and revenue won, by month,
quarter, owner and team for the next four quarters."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.growth.queries import WEIGHTED, opportunities_visible_to
from kam.people.models import Team, User

CHART_HEIGHT, CHART_BASE = 170, 180


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class ForecastRow:
    """One month, person or team of the forecast: weighted open pipeline, its unweighted
    value, and revenue won, each as Decimal VND."""

    label: str
    weighted: Decimal = Decimal(0)
    pipeline: Decimal = Decimal(0)
    won: Decimal = Decimal(0)
    quarters: list[Decimal] = field(default_factory=list)
    key: object = None


@dataclass
class Forecast:
    start: date
    months: list[ForecastRow]
    quarters: list[ForecastRow]
    by_owner: list[ForecastRow]
    by_team: list[ForecastRow]

    @property
    def total(self) -> ForecastRow:
        return ForecastRow(
            label=_("Total"),
            weighted=sum((row.weighted for row in self.months), Decimal(0)),
            pipeline=sum((row.pipeline for row in self.months), Decimal(0)),
            won=sum((row.won for row in self.months), Decimal(0)),
        )

    @property
    def chart(self) -> list[dict]:
        """Each month's two bars (weighted pipeline, won) scaled to a 180-unit tall chart."""
        largest = max([row.weighted for row in self.months] + [row.won for row in self.months])
        scale = CHART_HEIGHT / largest if largest else Decimal(0)
        bars = []
        for index, row in enumerate(self.months):
            weighted, won = int(row.weighted * scale), int(row.won * scale)
            bars.append(
                {
                    "row": row,
                    "x": index * 50 + 2,
                    "weighted_y": CHART_BASE - weighted,
                    "weighted_height": weighted,
                    "won_y": CHART_BASE - won,
                    "won_height": won,
                }
            )
        return bars


def forecast_for(
    user: User, *, today: date | None = None, owner: int | None = None, team: int | None = None
) -> Forecast:
    """The next four quarters from the current one: the open pipeline by its expected close
    month, weighted by probability (value times probability), against revenue won in each month;
    per month, per owner and per owner's team. Summed in the database; months, people and teams
    are then arranged here from the grouped rows."""
    start = quarter_start(today or timezone.localdate())
    end = add_months(start, 12)
    records = opportunities_visible_to(user)
    if owner:
        records = records.filter(owner_id=owner)
    if team:
        records = records.filter(owner__team_id=team)
    open_rows = _grouped(
        records.filter(status="open", expected_close_on__gte=start, expected_close_on__lt=end),
        "expected_close_on",
        weighted=Sum(WEIGHTED),
        pipeline=Sum("value_amount"),
    )
    won_rows = _grouped(
        records.filter(status="won", closed_on__gte=start, closed_on__lt=end),
        "closed_on",
        won=Sum("value_amount"),
    )
    month_starts = [add_months(start, offset) for offset in range(12)]
    months = {
        month: ForecastRow(label=month.strftime("%m/%Y"), key=month) for month in month_starts
    }
    owners: dict[int, ForecastRow] = {}
    teams: dict[int | None, ForecastRow] = {}
    for row in [*open_rows, *won_rows]:
        month = _as_date(row["month"])
        for bucket in (
            months[month],
            owners.setdefault(row["owner_id"], ForecastRow(label="", key=row["owner_id"])),
            teams.setdefault(
                row["owner__team_id"], ForecastRow(label="", key=row["owner__team_id"])
            ),
        ):
            _add(bucket, row, quarter=month_starts.index(month) // 3)
    _name_people(owners, teams)
    quarters = [_quarter_row(start, index, list(months.values())) for index in range(4)]
    return Forecast(
        start=start,
        months=list(months.values()),
        quarters=quarters,
        by_owner=sorted(owners.values(), key=lambda row: (-row.weighted, row.label)),
        by_team=sorted(teams.values(), key=lambda row: (-row.weighted, row.label)),
    )


def _grouped(records: QuerySet, date_field: str, **sums) -> list[dict]:
    return list(
        records.order_by()
        .annotate(month=TruncMonth(date_field))
        .values("month", "owner_id", "owner__team_id")
        .annotate(**sums)
    )


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _add(bucket: ForecastRow, row: dict, *, quarter: int) -> None:
    if not bucket.quarters:
        bucket.quarters = [Decimal(0)] * 4
    weighted = Decimal(row.get("weighted") or 0)
    bucket.weighted += weighted
    bucket.pipeline += Decimal(row.get("pipeline") or 0)
    bucket.won += Decimal(row.get("won") or 0)
    bucket.quarters[quarter] += weighted


def _name_people(owners: dict, teams: dict) -> None:
    people = User.objects.filter(pk__in=owners.keys()).only("full_name", "username")
    for person in people:
        owners[person.pk].label = str(person)
    names = dict(Team.objects.filter(pk__in=[k for k in teams if k]).values_list("pk", "name"))
    for key, row in teams.items():
        row.label = names.get(key, _("No team"))


def _quarter_row(start: date, index: int, months: list[ForecastRow]) -> ForecastRow:
    first = add_months(start, 3 * index)
    in_quarter = months[3 * index : 3 * index + 3]
    return ForecastRow(
        label=f"Q{(first.month - 1) // 3 + 1}/{first.year}",
        weighted=sum((row.weighted for row in in_quarter), Decimal(0)),
        pipeline=sum((row.pipeline for row in in_quarter), Decimal(0)),
        won=sum((row.won for row in in_quarter), Decimal(0)),
        key=first,
    )
