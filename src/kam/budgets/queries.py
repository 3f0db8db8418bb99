"""Reads of budgets: the scoped querysets, a budget's figures line by line (summed in the
database, put together by `arithmetic`), what each client request costs, the warnings and
approvals waiting on people, and profitability by project, client, KAM, team and month."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncMonth, TruncWeek
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.budgets.arithmetic import (
    ZERO,
    LineFigures,
    Margins,
    add_up,
    margins,
    percent_of,
    share_of,
)
from kam.budgets.models import (
    Baseline,
    BaselineLine,
    Budget,
    BudgetAlert,
    BudgetLine,
    ClosedMonth,
    Cost,
    CostRate,
    MarginApproval,
    TimeEntry,
)
from kam.budgets.permissions import sees_budgets
from kam.clients.models import Client, ClientRequest
from kam.clients.queries import clients_changeable_by, clients_visible_to, sees_every_client
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.core.models import AuditEvent
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.delivery.models import Booking, ChangeRequest, Milestone, Project, Task
from kam.delivery.queries import projects_visible_to
from kam.people.models import Team, User

MONEY = Value(ZERO)


# --- Scopes ---------------------------------------------------------------------------------
def budgets_visible_to(user: User) -> QuerySet[Budget]:
    """The budgets of the projects whose client the user sees, for those who see money."""
    if not sees_budgets(user):
        return Budget.objects.none()
    if sees_every_client(user):
        return Budget.objects.all()
    return Budget.objects.filter(project__client__in=clients_visible_to(user))


def get_budget_for(user: User, pk: int) -> Budget:
    return get_object_or_404(
        budgets_visible_to(user).select_related(
            "project__client__owner", "project__contract", "project__owner"
        ),
        pk=pk,
    )


def budget_of(project: Project) -> Budget | None:
    return Budget.objects.filter(project=project).first()


def projects_with_money_visible_to(user: User) -> QuerySet[Project]:
    """The projects whose costs the user may read: those of the clients they see."""
    if not sees_budgets(user):
        return Project.objects.none()
    return projects_visible_to(user).filter(
        Q(client__in=clients_visible_to(user)) if not sees_every_client(user) else Q()
    )


def get_project_with_money_for(user: User, pk: int) -> Project:
    return get_object_or_404(
        projects_with_money_visible_to(user).select_related("client__owner", "owner"), pk=pk
    )


def costs_visible_to(user: User) -> QuerySet[Cost]:
    if not sees_budgets(user):
        return Cost.objects.none()
    if sees_every_client(user):
        return Cost.objects.all()
    return Cost.objects.filter(project__client__in=clients_visible_to(user))


def get_cost_for(user: User, pk: int) -> Cost:
    return get_object_or_404(
        costs_visible_to(user).select_related(
            "project__client__owner", "line", "order", "booking", "client_request", "created_by"
        ),
        pk=pk,
    )


def costs_of(project: Project) -> QuerySet[Cost]:
    return (
        Cost.objects.filter(project=project)
        .select_related("line", "order", "booking", "client_request", "margin_approval")
        .order_by("-incurred_on", "-pk")
    )


def costs_for_list(
    user: User, *, project: Project | None = None, kind: str = "", status: str = ""
) -> QuerySet[Cost]:
    costs = costs_visible_to(user).select_related("project", "line")
    if project is not None:
        costs = costs.filter(project=project)
    if kind in Cost.Kind.values:
        costs = costs.filter(kind=kind)
    if status in Cost.Status.values:
        costs = costs.filter(status=status)
    return costs.order_by("-incurred_on", "-pk")


def open_orders_of(project: Project) -> QuerySet[Cost]:
    """The recorded purchase orders a bill may be recorded against."""
    return Cost.objects.filter(
        project=project, kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED
    ).order_by("-incurred_on", "-pk")


def billed_against(order: Cost, *, without: Cost | None = None) -> Decimal:
    bills = order.bills.filter(status=Cost.Status.RECORDED)
    if without is not None and without.pk:
        bills = bills.exclude(pk=without.pk)
    return bills.aggregate(s=Coalesce(Sum("amount"), MONEY))["s"]


def bookings_without_order(project: Project) -> QuerySet[Booking]:
    """Confirmed bookings with a fee that no recorded purchase order covers yet."""
    ordered = Cost.objects.filter(
        booking=OuterRef("pk"), kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED
    )
    return (
        Booking.objects.filter(project=project, status=Booking.Status.CONFIRMED, fee_amount__gt=0)
        .exclude(pk__in=Subquery(ordered.values("booking_id")))
        .order_by("starts_on", "pk")
    )


def order_of(booking: Booking) -> Cost | None:
    """The recorded purchase order of a booking's fee, if it has one."""
    return Cost.objects.filter(
        booking=booking, kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED
    ).first()


def lines_of(budget: Budget) -> QuerySet[BudgetLine]:
    return budget.lines.select_related("department", "change_request")


def get_line_for(user: User, pk: int) -> BudgetLine:
    return get_object_or_404(
        BudgetLine.objects.filter(budget__in=budgets_visible_to(user)).select_related(
            "budget__project__client"
        ),
        pk=pk,
    )


def baselines_of(budget: Budget) -> QuerySet[Baseline]:
    return budget.baselines.select_related("created_by", "decided_by").order_by("-number")


def open_baseline_of(budget: Budget) -> Baseline | None:
    return budget.baselines.filter(
        status__in=[Baseline.Status.DRAFT, Baseline.Status.PENDING]
    ).first()


def get_baseline_for(user: User, pk: int) -> Baseline:
    return get_object_or_404(
        Baseline.objects.filter(budget__in=budgets_visible_to(user)).select_related(
            "budget__project__client__owner", "created_by", "decided_by"
        ),
        pk=pk,
    )


def get_baseline_line_for(user: User, pk: int) -> BaselineLine:
    return get_object_or_404(
        BaselineLine.objects.filter(baseline__budget__in=budgets_visible_to(user)).select_related(
            "baseline__budget__project__client"
        ),
        pk=pk,
    )


def baseline_lines_of(baseline: Baseline) -> QuerySet[BaselineLine]:
    return baseline.lines.select_related("department")


def is_month_closed(day: date) -> bool:
    return ClosedMonth.objects.filter(month=day.replace(day=1)).exists()


def closed_months() -> QuerySet[ClosedMonth]:
    return ClosedMonth.objects.select_related("closed_by")


def rate_on(user: User, day: date) -> Decimal:
    """What an hour of the person costs on the day: their department's rate then, else the
    rate for people outside the departments, else nothing (no rates are set)."""
    rates = CostRate.objects.filter(valid_from__lte=day).order_by("-valid_from")
    if user.department_id is not None:
        own = rates.filter(department_id=user.department_id).first()
        if own is not None:
            return own.hourly_amount
    general = rates.filter(department__isnull=True).first()
    return general.hourly_amount if general is not None else ZERO


def cost_rates() -> QuerySet[CostRate]:
    return CostRate.objects.select_related("department").order_by("department__name", "-valid_from")


# --- A budget's figures ---------------------------------------------------------------------
@dataclass(frozen=True)
class LineRow:
    """A row of the budget view: the line (None: the costs outside the plan) and its money."""

    line: BudgetLine | None
    figures: LineFigures
    price: Decimal = ZERO


@dataclass(frozen=True)
class BudgetFigures:
    rows: list[LineRow]
    total: LineFigures
    margins: Margins
    floor_percent: Decimal

    @property
    def under_floor(self) -> bool:
        return self.margins.is_under(self.floor_percent)


def _cost_sums(project_id: int) -> dict:
    """Per budget line: what orders still commit (each order less what was billed against it,
    never below nothing) and what bills and time actually spent."""
    billed = (
        Cost.objects.filter(order=OuterRef("pk"), kind=Cost.Kind.BILL, status=Cost.Status.RECORDED)
        .values("order")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    costs = (
        Cost.objects.filter(project_id=project_id, status=Cost.Status.RECORDED)
        .annotate(billed=Coalesce(Subquery(billed), MONEY))
        .values("line")
        .annotate(
            committed=Coalesce(
                Sum(
                    Case(
                        When(kind=Cost.Kind.ORDER, then=Greatest(F("amount") - F("billed"), MONEY)),
                        default=MONEY,
                    )
                ),
                MONEY,
            ),
            bills=Coalesce(Sum("amount", filter=Q(kind=Cost.Kind.BILL)), MONEY),
        )
        .order_by()
    )
    effort = (
        TimeEntry.objects.filter(project_id=project_id)
        .values("line")
        .annotate(s=Coalesce(Sum("cost_amount"), MONEY))
        .order_by()
    )
    sums: dict = defaultdict(lambda: [ZERO, ZERO])
    for row in costs:
        sums[row["line"]][0] += row["committed"]
        sums[row["line"]][1] += row["bills"]
    for row in effort:
        sums[row["line"]][1] += row["s"]
    return sums


def figures_of(budget: Budget) -> BudgetFigures:
    """The budget line by line and in total — budget, committed, actual, remaining, forecast —
    and its margins planned and forecast; three queries whatever the number of costs."""
    sums = _cost_sums(budget.project_id)
    rows = []
    price = ZERO
    for line in lines_of(budget):
        committed, actual = sums.get(line.pk, (ZERO, ZERO))
        rows.append(
            LineRow(line, LineFigures(line.cost_amount, committed, actual), line.price_amount)
        )
        price += line.price_amount
    if None in sums:
        committed, actual = sums[None]
        rows.append(LineRow(None, LineFigures(ZERO, committed, actual, planned=False)))
    total = add_up(row.figures for row in rows)
    forecast_cost = sum((row.figures.forecast for row in rows), ZERO)
    return BudgetFigures(
        rows=rows,
        total=total,
        margins=margins(
            price=price,
            fee_percent=budget.fee_percent,
            planned_cost=total.budget,
            forecast_cost=forecast_cost,
        ),
        floor_percent=budget.margin_floor_percent,
    )


def burn_of(budget: Budget) -> list[tuple[date, Decimal]]:
    """The money actually spent, cumulated week by week (bills and time), for the burn chart."""
    weekly: dict[date, Decimal] = defaultdict(lambda: ZERO)
    bills = (
        Cost.objects.filter(
            project_id=budget.project_id, kind=Cost.Kind.BILL, status=Cost.Status.RECORDED
        )
        .annotate(week=TruncWeek("incurred_on"))
        .values("week")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    effort = (
        TimeEntry.objects.filter(project_id=budget.project_id)
        .annotate(week=TruncWeek("worked_on"))
        .values("week")
        .annotate(s=Sum("cost_amount"))
        .order_by()
    )
    for row in [*bills, *effort]:
        weekly[_as_date(row["week"])] += row["s"]
    running, series = ZERO, []
    for week in sorted(weekly):
        running += weekly[week]
        series.append((week, running))
    return series


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def alerts_of(budget: Budget) -> QuerySet[BudgetAlert]:
    return budget.alerts.select_related("line")


def approvals_of(project: Project) -> QuerySet[MarginApproval]:
    return project.margin_approvals.select_related(
        "cost", "change_request", "requested_by", "decided_by"
    )


def get_approval_for(user: User, pk: int) -> MarginApproval:
    return get_object_or_404(
        MarginApproval.objects.filter(
            project__in=projects_with_money_visible_to(user)
        ).select_related(
            "project__client__owner", "cost", "change_request", "requested_by", "decided_by"
        ),
        pk=pk,
    )


def approvals_visible_to(user: User) -> QuerySet[MarginApproval]:
    return MarginApproval.objects.filter(
        project__in=projects_with_money_visible_to(user)
    ).select_related("project__client", "cost", "change_request", "requested_by", "decided_by")


# --- What a change costs, and the margin after it -------------------------------------------
@dataclass(frozen=True)
class ChangeEffect:
    """A change request's money: what its lines add to (or take from) the cost and the client's
    price, who pays, and the project's forecast margin once it is taken in."""

    cost: Decimal
    price: Decimal
    paid_by: str
    margins_after: Margins | None
    floor_percent: Decimal | None

    @property
    def under_floor(self) -> bool:
        return self.margins_after is not None and self.margins_after.is_under(
            self.floor_percent or ZERO
        )


def change_sums(change: ChangeRequest) -> tuple[Decimal, Decimal]:
    """The signed cost and price of the change's lines (a line taking work out counts minus)."""
    sign = Case(When(effect="remove", then=Value(-1)), default=Value(1))
    sums = change.lines.aggregate(
        cost=Coalesce(Sum(F("cost_amount") * sign), MONEY),
        price=Coalesce(Sum(F("price_amount") * sign), MONEY),
    )
    return sums["cost"], sums["price"]


def effect_of_change(change: ChangeRequest, budget: Budget | None) -> ChangeEffect:
    cost, price = change_sums(change)
    billable = change.paid_by == ClientRequest.PaidBy.CLIENT
    if budget is None:
        return ChangeEffect(cost, price, change.paid_by, None, None)
    now = figures_of(budget)
    current_price = sum((row.price for row in now.rows), ZERO)
    after = margins(
        price=current_price + (price if billable else ZERO),
        fee_percent=budget.fee_percent,
        planned_cost=now.total.budget + cost,
        forecast_cost=now.margins.forecast_cost + cost,
    )
    return ChangeEffect(cost, price, change.paid_by, after, budget.margin_floor_percent)


def approved_guard_for(change: ChangeRequest) -> MarginApproval | None:
    return change.margin_approvals.filter(status=MarginApproval.Status.APPROVED).first()


def pending_guard_for(change: ChangeRequest) -> MarginApproval | None:
    return change.margin_approvals.filter(status=MarginApproval.Status.PENDING).first()


# --- What a client's request costs ----------------------------------------------------------
@dataclass(frozen=True)
class RequestCost:
    """The costs recorded for a client's request and the time of the tasks done for it."""

    bills: Decimal
    committed: Decimal
    effort: Decimal
    hours: Decimal
    paid_by: str

    @property
    def total(self) -> Decimal:
        return self.bills + self.committed + self.effort


def cost_of_request(item: ClientRequest) -> RequestCost:
    """Counted as a budget counts them: bills actual, orders committed for what is not billed."""
    recorded = Cost.objects.filter(client_request=item, status=Cost.Status.RECORDED)
    bills = recorded.filter(kind=Cost.Kind.BILL).aggregate(s=Coalesce(Sum("amount"), MONEY))
    orders = (
        recorded.filter(kind=Cost.Kind.ORDER)
        .annotate(open=_unbilled())
        .aggregate(s=Coalesce(Sum("open"), MONEY))
    )
    costs = {"billed": bills["s"], "ordered": orders["s"]}
    effort = TimeEntry.objects.filter(task__client_request=item).aggregate(
        cost=Coalesce(Sum("cost_amount"), MONEY), hours=Coalesce(Sum("hours"), Value(Decimal(0)))
    )
    return RequestCost(
        bills=costs["billed"],
        committed=costs["ordered"],
        effort=effort["cost"],
        hours=effort["hours"],
        paid_by=item.paid_by,
    )


# --- Time -----------------------------------------------------------------------------------
def time_entries_of(user: User, start: date, end: date) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(user=user, worked_on__range=(start, end)).select_related(
        "task__project"
    )


def hours_on(user: User, day: date, *, without: TimeEntry | None = None) -> Decimal:
    entries = TimeEntry.objects.filter(user=user, worked_on=day)
    if without is not None and without.pk:
        entries = entries.exclude(pk=without.pk)
    return entries.aggregate(s=Coalesce(Sum("hours"), Value(Decimal(0))))["s"]


def tasks_for_timesheet(user: User, start: date, end: date) -> QuerySet[Task]:
    """The tasks a person enters time on this week: assigned to them and not done before the
    week, or already holding their hours of the week."""
    entered = TimeEntry.objects.filter(user=user, worked_on__range=(start, end)).values("task_id")
    open_projects = [Project.Status.PLANNING, Project.Status.RUNNING]
    return (
        Task.objects.filter(
            Q(pk__in=entered)
            | (
                Q(assignee=user, project__status__in=open_projects)
                & (Q(done_on__isnull=True) | Q(done_on__gte=start))
            )
        )
        .select_related("project__client")
        .order_by("project__title", "due_on", "pk")
    )


def time_entries_of_project(project: Project) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(project=project).select_related("user", "task")


def effort_by_person(project: Project) -> list[dict]:
    return list(
        TimeEntry.objects.filter(project=project)
        .values("user", "user__full_name", "user__username")
        .annotate(hours=Sum("hours"), cost=Sum("cost_amount"))
        .order_by("-hours")
    )


# --- Agenda ---------------------------------------------------------------------------------
def agenda_items(user: User) -> list[AgendaItem]:
    """Budget warnings on the KAM's projects, and for a Director the costs, changes and
    re-baselines waiting for their approval."""
    if not sees_budgets(user):
        return []
    return [*_warnings_for(user), *_approvals_waiting_for(user), *_baselines_waiting_for(user)]


WARNINGS_ON_AGENDA = 50


def _warnings_for(user: User) -> list[AgendaItem]:
    """For each open project the user runs, its highest warning (the newest such), the most
    recently warned projects first: each budget once, however many lines crossed."""
    alerts = BudgetAlert.objects.filter(
        budget__project__client__in=clients_changeable_by(user),
        budget__project__status__in=[Project.Status.PLANNING, Project.Status.RUNNING],
    )
    newest = list(
        alerts.values("budget_id")
        .annotate(last=Max("crossed_at"))
        .order_by("-last", "-budget_id")
        .values_list("budget_id", flat=True)[:WARNINGS_ON_AGENDA]
    )
    highest = {}
    for alert in (
        alerts.filter(budget_id__in=newest)
        .select_related("budget__project", "line")
        .order_by("budget_id", "-threshold_percent", "-crossed_at")
    ):
        highest.setdefault(alert.budget_id, alert)
    return [_warning_item(highest[pk]) for pk in newest if pk in highest]


def _warning_item(alert: BudgetAlert) -> AgendaItem:
    return AgendaItem(
        title=_("%(what)s has used %(percent)s%% of its budget")
        % {"what": alert.line or alert.budget.project, "percent": alert.threshold_percent},
        url=reverse("budgets:budget_detail", args=[alert.budget_id]),
        action=_("Look at the budget"),
        detail=str(alert.budget.project),
    )


def _approvals_waiting_for(user: User) -> list[AgendaItem]:
    if not (access.is_director(user) or access.is_admin(user)):
        return []
    waiting = MarginApproval.objects.filter(status=MarginApproval.Status.PENDING)
    if not access.is_admin(user):
        waiting = waiting.filter(project__client__owner__team__leader=user)
    return [
        AgendaItem(
            title=_("Approve a margin under the floor: %(what)s") % {"what": approval},
            url=reverse("budgets:approval_detail", args=[approval.pk]),
            action=_("Decide"),
            detail=str(approval.project),
        )
        for approval in waiting.select_related("project", "cost", "change_request")[:50]
    ]


def _baselines_waiting_for(user: User) -> list[AgendaItem]:
    if not (access.is_director(user) or access.is_admin(user)):
        return []
    waiting = Baseline.objects.filter(status=Baseline.Status.PENDING)
    if not access.is_admin(user):
        waiting = waiting.filter(budget__project__client__owner__team__leader=user)
    return [
        AgendaItem(
            title=_("Approve re-baseline %(number)s of %(project)s")
            % {"number": baseline.number, "project": baseline.budget.project},
            url=reverse("budgets:baseline_detail", args=[baseline.pk]),
            action=_("Decide"),
        )
        for baseline in waiting.select_related("budget__project")[:50]
    ]


# --- Profitability --------------------------------------------------------------------------
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
    return _as_date(value) if hasattr(value, "year") else value


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


def thresholds() -> list[int]:
    return list(settings.KAM_BUDGET_THRESHOLDS)


# --- For the API ----------------------------------------------------------------------------
def _sum_per(records: QuerySet, group: str, amount) -> Coalesce:
    """The sum of `amount` over `records` (filtered on a row of the outer query), as one value
    of that row: nothing summed is 0."""
    summed = records.order_by().values(group).annotate(s=Sum(amount)).values("s")
    return Coalesce(Subquery(summed), MONEY)


def _unbilled() -> Greatest:
    """What a recorded purchase order still commits: its amount less the bills recorded against
    it, never below nothing (as `_cost_sums` counts it)."""
    billed = Cost.objects.filter(
        order=OuterRef("pk"), kind=Cost.Kind.BILL, status=Cost.Status.RECORDED
    )
    return Greatest(F("amount") - _sum_per(billed, "order", "amount"), MONEY)


def _line_forecast(used) -> Case:
    """A line's forecast at completion in SQL, as `LineFigures.forecast` gives it."""
    return Case(
        When(cost_amount__lt=0, then=F("cost_amount") + used),
        default=Greatest(F("cost_amount"), used),
    )


def budgets_for_list(
    user: User, *, client_id: int | None = None, project_id: int | None = None
) -> QuerySet[Budget]:
    """The budgets the user sees, each with the totals `figures_of` gives its detail — budget,
    price, committed, actual, forecast cost at completion — summed in the database by one
    query for the whole page, however many budgets, lines and costs there are."""
    orders = Cost.objects.filter(kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED)
    bills = Cost.objects.filter(kind=Cost.Kind.BILL, status=Cost.Status.RECORDED)
    time = TimeEntry.objects.all()
    # A planned line is expected to spend its budget at least (LineFigures.forecast).
    line_used = (
        _sum_per(orders.filter(line=OuterRef("pk")), "line", _unbilled())
        + _sum_per(bills.filter(line=OuterRef("pk")), "line", "amount")
        + _sum_per(time.filter(line=OuterRef("pk")), "line", "cost_amount")
    )
    lines = BudgetLine.objects.filter(budget=OuterRef("pk"))
    project = OuterRef("project_id")
    unplanned_used = (
        _sum_per(orders.filter(project=project, line__isnull=True), "project", _unbilled())
        + _sum_per(bills.filter(project=project, line__isnull=True), "project", "amount")
        + _sum_per(time.filter(project=project, line__isnull=True), "project", "cost_amount")
    )
    budgets = budgets_visible_to(user).select_related("project__client")
    if client_id is not None:
        budgets = budgets.filter(project__client_id=client_id)
    if project_id is not None:
        budgets = budgets.filter(project_id=project_id)
    return budgets.annotate(
        budget_amount=_sum_per(lines, "budget", "cost_amount"),
        price_amount=_sum_per(lines, "budget", "price_amount"),
        committed_amount=_sum_per(orders.filter(project=project), "project", _unbilled()),
        actual_amount=_sum_per(bills.filter(project=project), "project", "amount")
        + _sum_per(time.filter(project=project), "project", "cost_amount"),
        forecast_cost_amount=_sum_per(lines, "budget", _line_forecast(line_used)) + unplanned_used,
    ).order_by("-created_at", "-pk")


def get_time_entry_for(user: User, pk: int) -> TimeEntry:
    """One's own hours only: another person's entry reads as one that does not exist."""
    return get_object_or_404(
        TimeEntry.objects.filter(user=user).select_related("task__project"), pk=pk
    )


def get_booking_with_money_for(user: User, pk: int) -> Booking:
    """A booking whose project's costs the user reads (a Planner sees bookings, not money)."""
    return get_object_or_404(
        Booking.objects.filter(project__in=projects_with_money_visible_to(user)).select_related(
            "project"
        ),
        pk=pk,
    )


def get_change_request_with_money_for(user: User, pk: int) -> ChangeRequest:
    """A change request whose cost and margin the user reads."""
    return get_object_or_404(
        ChangeRequest.objects.filter(
            project__in=projects_with_money_visible_to(user)
        ).select_related("project__client"),
        pk=pk,
    )


def approvals_of_change(change: ChangeRequest) -> QuerySet[MarginApproval]:
    """The Director's decisions asked for a change, newest first."""
    return change.margin_approvals.select_related("requested_by", "decided_by").order_by(
        "-requested_at", "-pk"
    )


def closed_months_visible_to(user: User) -> QuerySet[ClosedMonth]:
    return closed_months() if sees_budgets(user) else ClosedMonth.objects.none()


def cost_rates_visible_to(user: User) -> QuerySet[CostRate]:
    """What an hour costs is money: never shown to a department member, Sales or a Planner."""
    return cost_rates() if sees_budgets(user) else CostRate.objects.none()


# =============================================================================================
# --- Reads of the budget pages (added with the pages) ----------------------------------------
# The budget list's state on top of `budgets_for_list` (summed in the database for the whole
# page), and the pages' other reads: a budget's history, the approvals to list, the client
# requests whose cost a user may read, the choices of the cost form.
# =============================================================================================
STATES = ("under", "near", "over")


def _lines_with_used() -> QuerySet[BudgetLine]:
    """The outer budget's planned lines, each with the money used on it (as `figures_of`)."""
    orders = Cost.objects.filter(kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED)
    bills = Cost.objects.filter(kind=Cost.Kind.BILL, status=Cost.Status.RECORDED)
    used = (
        _sum_per(orders.filter(line=OuterRef("pk")), "line", _unbilled())
        + _sum_per(bills.filter(line=OuterRef("pk")), "line", "amount")
        + _sum_per(TimeEntry.objects.filter(line=OuterRef("pk")), "line", "cost_amount")
    )
    return BudgetLine.objects.filter(budget=OuterRef("pk"), cost_amount__gt=0).annotate(used=used)


def budgets_for_page(user: User, *, state: str = "", query: str = "") -> QuerySet[Budget]:
    """The budget list: `budgets_for_list` with the money used and a state — `over` when a
    line or the total used more than planned, `near` when one is past the first warning
    threshold, else `under` — filtered and ordered in the database, the worst first."""
    lines = _lines_with_used()
    first = thresholds()[0] if thresholds() else None
    budgets = (
        budgets_for_list(user)
        .select_related("project__owner")
        .annotate(used_amount=F("committed_amount") + F("actual_amount"))
        .annotate(used_share=F("used_amount") * 100)
    )
    near = []
    if first is not None:
        line_near = lines.alias(share=F("used") * 100).filter(share__gte=F("cost_amount") * first)
        near = [
            When(Exists(line_near), then=Value("near")),
            When(
                Q(budget_amount__gt=0, used_share__gte=F("budget_amount") * first),
                then=Value("near"),
            ),
        ]
    budgets = budgets.annotate(
        state=Case(
            When(Exists(lines.filter(used__gt=F("cost_amount"))), then=Value("over")),
            When(used_amount__gt=F("budget_amount"), then=Value("over")),
            *near,
            default=Value("under"),
        )
    )
    if state in STATES:
        budgets = budgets.filter(state=state)
    if query:
        budgets = budgets.filter(project__in=matching(Project.objects.all(), search_terms(query)))
    worst_first = Case(When(state="over", then=0), When(state="near", then=1), default=2)
    return budgets.order_by(worst_first, "project__title", "pk")


@dataclass(frozen=True)
class BudgetListRow:
    """A budget of the list with its margins, from the sums `budgets_for_page` annotated."""

    budget: Budget
    margins: Margins

    @property
    def state(self) -> str:
        return self.budget.state

    @property
    def used_percent(self) -> Decimal | None:
        return percent_of(self.budget.used_amount, self.budget.budget_amount)

    @property
    def under_floor(self) -> bool:
        return self.margins.is_under(self.budget.margin_floor_percent)


def list_rows(budgets) -> list[BudgetListRow]:
    """The page's budgets with their margins: arithmetic on the sums, no query."""
    return [
        BudgetListRow(
            budget,
            margins(
                price=budget.price_amount,
                fee_percent=budget.fee_percent,
                planned_cost=budget.budget_amount,
                forecast_cost=budget.forecast_cost_amount,
            ),
        )
        for budget in budgets
    ]


def budget_history(budget: Budget, limit: int = 50) -> QuerySet[AuditEvent]:
    """The budget's own events and those of its baselines, the costs of its project and the
    margin guard's requests and decisions on them, newest first."""

    def events_of(model, records: QuerySet) -> Q:
        keys = records.annotate(key=Cast("pk", output_field=CharField())).values("key")
        return Q(subject_type=ContentType.objects.get_for_model(model), subject_id__in=keys)

    return AuditEvent.objects.filter(
        Q(subject_type=ContentType.objects.get_for_model(Budget), subject_id=str(budget.pk))
        | events_of(Baseline, Baseline.objects.filter(budget=budget))
        | events_of(Cost, Cost.objects.filter(project_id=budget.project_id))
        | events_of(MarginApproval, MarginApproval.objects.filter(project_id=budget.project_id))
    ).select_related("actor", "subject_type")[:limit]


def approvals_for_list(user: User, *, status: str = "") -> QuerySet[MarginApproval]:
    """The approvals the user sees (a Director: their teams' projects; a KAM: the projects of
    their clients), those waiting first, then the newest."""
    approvals = approvals_visible_to(user).select_related("project__client__owner")
    if status in MarginApproval.Status.values:
        approvals = approvals.filter(status=status)
    waiting_first = Case(When(status=MarginApproval.Status.PENDING, then=0), default=1)
    return approvals.order_by(waiting_first, "-requested_at", "-pk")


def get_request_with_money_for(user: User, pk: int) -> ClientRequest:
    """A client's request whose cost the user may read: of a client they see, if they see money."""
    if not sees_budgets(user):
        raise Http404
    return get_object_or_404(
        ClientRequest.objects.filter(client__in=clients_visible_to(user)).select_related("client"),
        pk=pk,
    )


def bookings_to_cost(project: Project) -> QuerySet[Booking]:
    """The bookings a cost may be for: the project's, but the cancelled ones."""
    return project.bookings.exclude(status=Booking.Status.CANCELLED).order_by("starts_on", "pk")


def requests_to_cost(project: Project) -> QuerySet[ClientRequest]:
    """The client's requests a cost may be for, newest first."""
    return ClientRequest.objects.filter(client_id=project.client_id).order_by("-created_at")


def months_closed_among(days: list[date]) -> set[date]:
    """Which of the months of `days` are closed (their first days), in one query."""
    months = {day.replace(day=1) for day in days}
    return set(ClosedMonth.objects.filter(month__in=months).values_list("month", flat=True))
