"""A budget's figures line by line and in total (summed in the database, put together by
`arithmetic`), for one budget and for a page of them; what a change or a client's request
costs; the burn; the budget's history."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncWeek

from kam.budgets.arithmetic import (
    ZERO,
    LineFigures,
    Margins,
    add_up,
    margins,
    percent_of,
)
from kam.budgets.models import (
    Baseline,
    Budget,
    BudgetAlert,
    BudgetLine,
    Cost,
    MarginApproval,
    TimeEntry,
)
from kam.budgets.queries.scopes import MONEY, budgets_visible_to, lines_of
from kam.clients.models import ClientRequest
from kam.core.models import AuditEvent
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.delivery.models import ChangeRequest, Project
from kam.delivery.queries import LIVE_PROJECT
from kam.people.models import User


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
        weekly[as_day(row["week"])] += row["s"]
    running, series = ZERO, []
    for week in sorted(weekly):
        running += weekly[week]
        series.append((week, running))
    return series


def as_day(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def alerts_of(budget: Budget) -> QuerySet[BudgetAlert]:
    return budget.alerts.select_related("line")


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


def thresholds() -> list[int]:
    return list(settings.KAM_BUDGET_THRESHOLDS)


# --- A page of budgets, summed in the database ---------------------------------------------
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


# --- The budget list's state, and a budget's history -----------------------------------------
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


def budgets_for_page(
    user: User, *, state: str = "", projects: str = "open", query: str = ""
) -> QuerySet[Budget]:
    """The budget list: `budgets_for_list` with the money used and a state — `over` when a
    line or the total used more than planned, `near` when one is past the first warning
    threshold, else `under` — filtered and ordered in the database, the worst first; of open
    projects (`projects="open"`), delivered or cancelled ones (`"closed"`) or all. Ordering by
    state sums every listed budget's costs, so the default leaves out years of closed ones."""
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
    if projects == "open":
        budgets = budgets.filter(project__status__in=LIVE_PROJECT)
    elif projects == "closed":
        budgets = budgets.exclude(project__status__in=LIVE_PROJECT)
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
