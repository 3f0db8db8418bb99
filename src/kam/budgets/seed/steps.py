"""The demo's budget steps, each through the services as the person who takes it: Finance's
hourly rates, a first baseline the KAM writes and the Director approves, purchase orders and
vendors' bills, and the hours each department member enters on the tasks they worked."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from kam.budgets import services
from kam.budgets.models import Budget, BudgetLine, Cost
from kam.core.seed import SeedContext
from kam.delivery.models import Project, Task
from kam.delivery.seed.steps import MILLION, day
from kam.people.models import Department, User
from kam.pitching.seed import Line

THOUSAND = 1_000
# What an hour of each department's people costs the agency (salary, insurance, office), in
# VND; None: the people outside the departments (KAMs, Directors). A raise on 1 January.
HOURLY_RATES = {
    "plan": 380 * THOUSAND,
    "creative": 340 * THOUSAND,
    "media": 300 * THOUSAND,
    "kol": 260 * THOUSAND,
    "production": 320 * THOUSAND,
    "event": 260 * THOUSAND,
    "finance": 240 * THOUSAND,
    None: 450 * THOUSAND,
}
RAISE_PERCENT = 8
RATES_SINCE_YEARS = 3  # the first rates are older than the largest scale's history
DAY_HOURS = Decimal(8)
HOURS = [Decimal(h) for h in ("2", "2.5", "3", "4", "4", "5", "6")]
WORKING = [Task.Status.DOING, Task.Status.REVIEW, Task.Status.DONE, Task.Status.BLOCKED]

__all__ = ["MILLION", "Line", "day"]


def set_rates(finance: User, today: date) -> None:
    """Finance's rates: set three years back, raised by 8% on 1 January of this year."""
    departments = {department.code: department for department in Department.objects.all()}
    first = date(today.year - RATES_SINCE_YEARS, 1, 1)
    for code, amount in HOURLY_RATES.items():
        department = departments[code] if code else None
        services.set_cost_rate(
            by=finance, department=department, hourly_amount=Decimal(amount), valid_from=first
        )
        raised = Decimal(amount * (100 + RAISE_PERCENT) // 100 // THOUSAND * THOUSAND)
        services.set_cost_rate(
            by=finance, department=department, hourly_amount=raised, valid_from=first.replace(
                year=today.year
            ),
        )  # fmt: skip


def write_first_baseline(
    kam: User, director: User, budget: Budget, lines: list[Line], *, reason: str, note: str
) -> None:
    """A budget without an estimate: the KAM writes its first baseline, the Director approves."""
    departments = {department.code: department for department in Department.objects.all()}
    baseline = budget.baselines.get(number=1)
    for line in lines:
        services.add_baseline_line(by=kam, baseline=baseline, **line_fields(line, departments))
    services.update_baseline(by=kam, baseline=baseline, reason=reason)
    services.submit_baseline(by=kam, baseline=baseline)
    services.approve_baseline(by=director, baseline=baseline, note=note)


def line_fields(line: Line, departments: dict) -> dict:
    return {
        "kind": line.kind,
        "department": departments.get(line.department),
        "supplier": line.supplier,
        "description": line.description,
        "quantity": Decimal(line.quantity),
        "unit_cost_amount": Decimal(line.unit_cost),
        "unit_price_amount": Decimal(line.unit_price),
    }


@dataclass(frozen=True)
class Spend:
    """A purchase order or a vendor's bill as the demo writes it: on the budget line whose
    description starts with `line` (none: unplanned), `days` from today, recorded by `by`
    ("kam": the client's KAM); a bill `against` is against the last order to its supplier."""

    kind: str
    supplier: str
    description: str
    amount: int
    days: int
    line: str = ""
    booking: str = ""  # the start of the name of the booking the order is for
    against: bool = False
    reference: str = ""
    by: str = "finance"
    over_order_reason: str = ""
    margin_reason: str = ""


def spend(people: dict, budget: Budget, today: date, items: list[Spend]) -> list[Cost]:
    """Record each order and bill in turn, as its person."""
    lines = list(BudgetLine.objects.filter(budget=budget).order_by("position", "pk"))
    costs = []
    for item in items:
        line = (
            next(ln for ln in lines if ln.description.startswith(item.line)) if item.line else None
        )
        booking = (
            budget.project.bookings.get(name__startswith=item.booking) if item.booking else None
        )
        cost = services.record_cost(
            by=people[item.by] if item.by != "kam" else budget.project.client.owner,
            project=budget.project,
            kind=item.kind,
            supplier=item.supplier,
            description=item.description,
            amount=Decimal(item.amount),
            incurred_on=day(today, item.days),
            line=line,
            order=_last_order(budget, item.supplier) if item.against else None,
            over_order_reason=item.over_order_reason,
            booking=booking,
            reference=item.reference,
            margin_reason=item.margin_reason,
        )
        costs.append(cost)
    return costs


def _last_order(budget: Budget, supplier: str) -> Cost:
    return (
        Cost.objects.filter(project=budget.project, kind=Cost.Kind.ORDER, supplier=supplier)
        .order_by("-pk")
        .first()
    )


class Timesheets:
    """The hours the department members enter, across every project of the demo: each works
    the weekdays of their started tasks, a few hours a task, never more than a working day in
    all."""

    def __init__(self, ctx: SeedContext, today: date) -> None:
        self.rng = ctx.rng
        self.today = today
        self.booked: dict[tuple[int, date], Decimal] = defaultdict(Decimal)

    def enter(self, project: Project) -> int:
        tasks = (
            Task.objects.filter(project=project, status__in=WORKING, assignee__isnull=False)
            .select_related("assignee", "project")
            .order_by("starts_on", "pk")
        )
        entered = 0
        for task in tasks:
            last = min(task.due_on, task.done_on or self.today, self.today)
            for worked_on in weekdays(task.starts_on, last):
                left = DAY_HOURS - self.booked[(task.assignee_id, worked_on)]
                hours = min(self.rng.choice(HOURS), left)
                if hours <= 0:
                    continue
                services.enter_time(by=task.assignee, task=task, worked_on=worked_on, hours=hours)
                self.booked[(task.assignee_id, worked_on)] += hours
                entered += 1
        return entered


def weekdays(first: date, last: date) -> list[date]:
    days = (last - first).days + 1
    return [
        first + timedelta(days=n)
        for n in range(max(days, 0))
        if (first + timedelta(n)).weekday() < 5
    ]
