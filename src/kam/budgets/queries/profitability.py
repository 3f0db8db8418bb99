"""Profitability by project, client, KAM, team and month: revenue recognised as milestones
are reached against direct cost (bills and time), each source aggregated in the database."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    F,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.budgets.arithmetic import (
    ZERO,
    percent_of,
    share_of,
)
from kam.budgets.models import (
    Budget,
    Cost,
    TimeEntry,
)
from kam.budgets.permissions import sees_budgets
from kam.budgets.queries.figures import as_day
from kam.clients.models import Client
from kam.clients.queries import clients_visible_to, sees_every_client
from kam.delivery.models import Milestone, Project
from kam.people.models import Team, User

DIMENSIONS = ("client", "kam", "team", "month", "project")


@dataclass
class ProfitRow:
    """Revenue recognised (milestones reached) against direct cost (bills and time) for one
    project, client, KAM, team or month."""

    key: object
    label: str = ""
    revenue: Decimal = ZERO
    bills: Decimal = ZERO
    effort: Decimal = ZERO
    url: str = ""

    @property
    def cost(self) -> Decimal:
        return self.bills + self.effort

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        return percent_of(self.margin, self.revenue)


@dataclass
class Profitability:
    by: str
    start: date
    end: date
    rows: list[ProfitRow] = field(default_factory=list)

    @property
    def total(self) -> ProfitRow:
        return ProfitRow(
            key=None,
            label=_("Total"),
            revenue=sum((row.revenue for row in self.rows), ZERO),
            bills=sum((row.bills for row in self.rows), ZERO),
            effort=sum((row.effort for row in self.rows), ZERO),
        )


_KEYS = {
    # dimension: (from a milestone, from a cost or time entry)
    "client": ("contract__client", "project__client"),
    "kam": ("contract__client__owner", "project__client__owner"),
    "team": ("contract__client__owner__team", "project__client__owner__team"),
    "month": ("month", "month"),
    "project": ("contract", "project"),
}


def profitability(
    user: User, *, by: str, start: date, end: date, client: Client | None = None
) -> Profitability:
    """Revenue, direct cost and gross margin per `by` over the months from `start` to `end`,
    each source aggregated in the database; the rows add up to the total exactly."""
    report = Profitability(by=by, start=start, end=end)
    if not sees_budgets(user) or by not in DIMENSIONS:
        return report
    revenue_key, cost_key = _KEYS[by]
    visible = None if sees_every_client(user) else _visible_client_ids(user)
    milestones = _scoped(
        Milestone.objects.filter(
            contract__status="signed", reached_on__range=(start, end), amount__gt=0
        ),
        "contract__client",
        client,
        visible,
    )
    bills = _scoped(
        Cost.objects.filter(
            kind=Cost.Kind.BILL, status=Cost.Status.RECORDED, incurred_on__range=(start, end)
        ),
        "project__client",
        client,
        visible,
    )
    effort = _scoped(
        TimeEntry.objects.filter(worked_on__range=(start, end)), "project__client", client, visible
    )
    if by == "month":
        milestones = milestones.annotate(month=TruncMonth("reached_on"))
        bills = bills.annotate(month=TruncMonth("incurred_on"))
        effort = effort.annotate(month=TruncMonth("worked_on"))
    rows: dict = {}
    revenue = _summed(milestones, revenue_key, "amount")
    if by == "project":
        revenue = _shared_by_projects(revenue)
    for key, amount in revenue.items():
        rows.setdefault(_key(key), ProfitRow(_key(key))).revenue += amount
    for key, amount in _summed(bills, cost_key, "amount").items():
        rows.setdefault(_key(key), ProfitRow(_key(key))).bills += amount
    for key, amount in _summed(effort, cost_key, "cost_amount").items():
        rows.setdefault(_key(key), ProfitRow(_key(key))).effort += amount
    report.rows = _labelled(by, list(rows.values()), start, end)
    return report


def _scoped(
    records: QuerySet, client_path: str, client: Client | None, visible: list[int] | None
) -> QuerySet:
    if client is not None:
        records = records.filter(**{client_path: client})
    if visible is not None:
        records = records.filter(**{f"{client_path}__in": visible})
    return records


def _visible_client_ids(user: User) -> list[int]:
    """The clients the user sees, as ids: given the visibility subquery instead, PostgreSQL
    guesses half the clients for a KAM's hundred and reads every bill of the period (130 ms
    for `lan` on the medium data set, 5 ms with the ids)."""
    return list(clients_visible_to(user).values_list("pk", flat=True))


def _summed(records: QuerySet, key: str, amount: str) -> dict:
    return {
        row["key"]: row["s"]
        for row in records.values(key=F(key)).annotate(s=Sum(amount)).order_by()
    }


def _key(value):
    return as_day(value) if hasattr(value, "year") else value


def _shared_by_projects(by_contract: dict) -> dict:
    """A contract's recognised revenue, shared equally by its projects (the first takes the
    remainder of the division, so the shares add up to the contract's revenue exactly)."""
    projects = defaultdict(list)
    for pk, contract_id in (
        Project.objects.filter(contract_id__in=list(by_contract))
        .order_by("pk")
        .values_list("pk", "contract_id")
    ):
        projects[contract_id].append(pk)
    shared: dict = {}
    for contract_id, amount in by_contract.items():
        ids = projects.get(contract_id) or []
        for index, pk in enumerate(ids):
            shared[pk] = shared.get(pk, ZERO) + share_of(amount, len(ids), index)
    return shared


def _labelled(by: str, rows: list[ProfitRow], start: date, end: date) -> list[ProfitRow]:
    keys = [row.key for row in rows if row.key is not None]
    names: dict = {}
    budgets: dict = {}
    link = ""
    if by == "client":
        names = {c.pk: str(c) for c in Client.objects.filter(pk__in=keys)}
        link = "client"
    elif by == "kam":
        names = {u.pk: str(u) for u in User.objects.filter(pk__in=keys)}
    elif by == "team":
        names = {t.pk: str(t) for t in Team.objects.filter(pk__in=keys)}
    elif by == "project":
        budgets = dict(Budget.objects.filter(project_id__in=keys).values_list("project_id", "pk"))
        names = dict(Project.objects.filter(pk__in=keys).values_list("pk", "title"))
    # reverse() takes ~40 µs: once per row it was 80 ms of Finance's 2,000 projects.
    drill_down = f"{reverse('budgets:profitability')}?by=project&client={{}}" + (
        f"&start={start.isoformat()}&end={end.isoformat()}"
    )
    budget_url = _url_with_id("budgets:budget_detail")
    for row in rows:
        if by == "month":
            row.label = row.key.strftime("%m/%Y")
        else:
            row.label = names.get(row.key, _("(none)"))
        if link == "client" and row.key is not None:
            row.url = drill_down.format(row.key)
        if by == "project" and row.key in budgets:
            row.url = budget_url(budgets[row.key])
    if by == "month":
        return sorted(rows, key=lambda row: row.key)
    return sorted(rows, key=lambda row: (-row.margin, row.label))


def _url_with_id(name: str):
    """The URL of `name` for any id, from a single reverse(): a marker no id has is replaced."""
    marker = str(2**62)
    pattern = reverse(name, args=[marker])
    return lambda pk: pattern.replace(marker, str(pk))


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    if today.month == 12:
        start = date(today.year, 1, 1)
    else:
        start = date(today.year - 1, today.month + 1, 1)
    return start, today
