"""The budgets of `kam seed --scale medium|large`: a budget on every project neither cancelled
nor budgeted yet — its lines copied from the proposal's approved estimate, as `create_budget`
does, or written from the contract's value —, its first baseline approved, its approved changes
taken in; purchase orders (its bookings' first) and the vendors' bills against them or straight
on a line, some outside the plan, a few over their order (with the reason) or cancelled; the
hours department members and KAMs entered on the started tasks, never more than a working day
each; the warnings the money used has crossed, as if emailed; and a few costs under the margin
floor, approved by the Director or waiting for them. Costs and time entries together are the
scale's `cost_lines`. Bulk-inserted (core.seed): no services, no audit events."""

import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kam.budgets.arithmetic import LineFigures, add_up, crossed_thresholds
from kam.budgets.models import (
    Baseline,
    BaselineLine,
    Budget,
    BudgetAlert,
    BudgetLine,
    Cost,
    CostRate,
    MarginApproval,
    TimeEntry,
)
from kam.core.money import round_for
from kam.core.seed import SeedContext, bulk_insert, insert_all, spread
from kam.delivery.models import Booking, ChangeLine, Project, Task
from kam.delivery.seed.steps import at
from kam.people.models import Department, User
from kam.pitching.estimate import line_amounts
from kam.pitching.models import EstimateLine, ProposalVersion

THOUSAND = 1_000
# Costs per project by its status: a project being planned has spent nothing yet.
COST_WEIGHT = {"planning": 0, "running": 2, "delivered": 3}
CHUNK = 250  # projects whose costs are built and inserted at a time
# A contract signed without a proposal: the KAM writes the budget from its value, line by line
# (kind, department, supplier, description, share of the price, margin of the line in %).
WRITTEN_LINES = [
    ("department", "creative", "", "Ý tưởng, key visual và nội dung", 14, 35),
    ("department", "plan", "", "Chiến lược và báo cáo kết quả", 5, 45),
    ("department", "media", "", "Kế hoạch và tối ưu quảng cáo", 6, 35),
    ("department", "event", "", "Điều phối sự kiện", 4, 30),
    ("production", "", "Đông Á Films", "Sản xuất video quảng cáo", 22, 20),
    ("kol", "", "Mạng lưới KOL Việt", "Nội dung KOL và influencer", 16, 22),
    ("vendor", "", "Công ty Media Việt", "Ngân sách quảng cáo số", 22, 10),
    ("vendor", "", "Sự kiện Hoàn Hảo", "Tổ chức sự kiện", 8, 18),
    ("vendor", "", "In Ấn Sài Gòn", "In ấn POSM", 3, 22),
]
SUPPLIERS = {
    "production": ["Đông Á Films", "Studio Ánh Sáng", "Sao Mai Production", "Xưởng phim Bến Nghé"],
    "kol": ["Mạng lưới KOL Việt", "Cộng đồng TikToker Việt", "Beauty Creators", "Kênh Xe Hay"],
    "vendor": ["Công ty Media Việt", "Sự kiện Hoàn Hảo", "In Ấn Sài Gòn", "Âm thanh Ánh sáng Nam"],
    None: ["Grab for Business", "Nhà hàng Hương Việt", "VPP Hồng Hà", "Taxi Mai Linh"],
}
WHAT = {
    "production": ["Ngày quay", "Dựng phim", "Thuê thiết bị", "Diễn viên", "Chụp ảnh sản phẩm"],
    "kol": ["Bài đăng KOL", "Video TikTok", "Livestream", "Phí quản lý KOL"],
    "vendor": ["Quảng cáo Facebook", "Quảng cáo YouTube", "Dàn dựng sân khấu", "In POSM"],
    None: ["Đi lại của đoàn", "Ăn uống cho đoàn quay", "Văn phòng phẩm", "Chuyển phát nhanh"],
}
BOOKING_LINES = {"kol": "kol", "influencer": "kol", "crew": "production", "venue": "vendor",
                 "vendor": "vendor"}  # fmt: skip
OVER_ORDER_SHARE = 25  # one order in 25 is billed over its amount, with the reason
CANCELLED_SHARE = 60  # one direct bill in 60 was entered twice and cancelled
GUARDED_SHARE = 100  # one project in 100 had a cost under the margin floor put to the Director
OVER_ORDER_REASON = "Phát sinh thêm theo yêu cầu của khách, đã báo KAM."
MARGIN_REASON = "Chi phí phát sinh bắt buộc để giữ tiến độ; khách là khách hàng chiến lược."
# A working day: a department member logs a few hours on a task, a KAM an hour or two on their
# project's; nobody logs more than a day's hours in all.
MEMBER_HOURS = [Decimal(h) for h in ("1", "1.5", "2", "2", "3", "4")]
KAM_HOURS = [Decimal(h) for h in ("0.5", "1", "1", "1.5", "2")]
KAM_SHARE = 0.35  # the days of a task on which its project's KAM logs time too
DAY_HOURS = Decimal(8)
WORKING = [Task.Status.DOING, Task.Status.REVIEW, Task.Status.DONE, Task.Status.BLOCKED]


@dataclass
class _Budgeted:
    """A project being budgeted, with what its costs need to know of it."""

    project: Project
    budget: Budget | None = None
    lines: list[BudgetLine] = field(default_factory=list)


def seed_volume(ctx: SeedContext) -> None:
    """The scale's budgets, costs and time entries in all, the demo's included."""
    volumes = ctx.volumes
    today = timezone.localdate()
    cost_total = volumes.cost_lines - volumes.time_entries - Cost.objects.count()
    time_total = volumes.time_entries - TimeEntry.objects.count()
    if min(cost_total, time_total) < 0:
        raise ValueError("A scale holds at least the demo's costs and time.")
    budgeted = _volume_budgets(ctx)
    # (budget, line): [committed, actual] — what the warnings are worked out from.
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    _volume_costs(ctx, budgeted, cost_total, today, sums)
    _volume_time(ctx, budgeted, time_total, today, sums)
    _volume_alerts(ctx, budgeted, sums)
    ctx.log.append(
        f"budgets: {Budget.objects.count()} budgets, {BudgetLine.objects.count()} lines, "
        f"{Cost.objects.count()} costs, {TimeEntry.objects.count()} time entries, "
        f"{BudgetAlert.objects.count()} warnings, {MarginApproval.objects.count()} margin "
        "approvals"
    )


# --- Budgets, their lines and first baselines ------------------------------------------------
def _volume_budgets(ctx: SeedContext) -> list[_Budgeted]:
    projects = list(
        Project.objects.exclude(status=Project.Status.CANCELLED)
        .filter(budget__isnull=True)
        .select_related("contract__proposal__approved_version", "client")
        .order_by("pk")
    )
    leaders = dict(User.objects.values_list("pk", "team__leader_id"))
    budgeted = [_Budgeted(project) for project in projects]
    budgets = bulk_insert(
        ctx, "budgets", (_volume_budget(item.project) for item in budgeted), len(budgeted)
    )
    for item, budget in zip(budgeted, budgets, strict=True):
        item.budget = budget
    versions = {
        item.project.pk: item.project.contract.proposal.approved_version
        for item in budgeted
        if _version_of(item.project) is not None
    }
    estimate = defaultdict(list)
    for line in EstimateLine.objects.filter(version__in=set(versions.values())).order_by(
        "version", "position", "pk"
    ):
        estimate[line.version_id].append(line)
    departments = {department.code: department.pk for department in Department.objects.all()}
    rows = []
    for item in budgeted:
        version = versions.get(item.project.pk)
        if version is not None:
            rows += [_copied_line(item.budget, line) for line in estimate[version.pk]]
        else:
            rows += _written_lines(ctx, item, departments)
    lines = bulk_insert(ctx, "budget lines", iter(rows), len(rows))
    by_budget = defaultdict(list)
    for line in lines:
        by_budget[line.budget_id].append(line)
    _volume_baselines(ctx, budgeted, by_budget, versions, leaders)
    changes = _volume_change_lines(ctx, budgeted, by_budget)
    for item in budgeted:
        item.lines = by_budget[item.budget.pk] + changes.get(item.budget.pk, [])
    return budgeted


def _version_of(project: Project) -> ProposalVersion | None:
    proposal = project.contract.proposal if project.contract.proposal_id else None
    return proposal.approved_version if proposal is not None else None


def _volume_budget(project: Project) -> Budget:
    version = _version_of(project)
    floor = project.client.margin_floor_percent
    return Budget(
        project=project,
        fee_percent=version.agency_fee_percent if version else Decimal(0),
        margin_floor_percent=version.margin_floor_percent
        if version
        else Decimal(settings.KAM_MARGIN_FLOOR_PERCENT if floor is None else floor),
        created_by_id=project.owner_id,
    )


COPIED = ["position", "kind", "department_id", "supplier", "description", "quantity",
               "unit_cost_amount", "unit_price_amount", "cost_amount", "price_amount"]  # fmt: skip


def _copied_line(budget: Budget, line: EstimateLine) -> BudgetLine:
    return BudgetLine(budget=budget, **{name: getattr(line, name) for name in COPIED})


def _written_lines(ctx: SeedContext, item: _Budgeted, departments: dict) -> list[BudgetLine]:
    """Four to seven lines of the written plan, their prices about the contract's value."""
    picks = sorted(ctx.rng.sample(range(len(WRITTEN_LINES)), ctx.rng.randint(4, 7)))
    chosen = [WRITTEN_LINES[index] for index in picks]
    value = int(item.project.contract.value_amount) // THOUSAND
    shares = spread(value, [share for *_rest, share, _margin in chosen])
    lines = []
    for position, ((kind, code, supplier, description, _s, margin), share) in enumerate(
        zip(chosen, shares, strict=True), start=1
    ):
        quantity = ctx.rng.choice([1, 1, 1, 2, 4]) if kind != "department" else 1
        unit_price = max(share // quantity, 1) * THOUSAND
        margin = margin + ctx.rng.randint(-6, 6)
        unit_cost = unit_price * (100 - margin) // 100 // THOUSAND * THOUSAND
        cost, price = line_amounts(Decimal(quantity), Decimal(unit_cost), Decimal(unit_price))
        lines.append(
            BudgetLine(
                budget=item.budget,
                position=position,
                kind=kind,
                department_id=departments.get(code),
                supplier=supplier,
                description=description,
                quantity=Decimal(quantity),
                unit_cost_amount=Decimal(unit_cost),
                unit_price_amount=Decimal(unit_price),
                cost_amount=cost,
                price_amount=price,
            )
        )
    return lines


def _volume_baselines(
    ctx: SeedContext, budgeted: list, by_budget: dict, versions: dict, leaders: dict
) -> None:
    """Baseline 1 of each budget, approved: the estimate's, or the KAM's approved by their
    Director; its lines as the budget's."""
    now = timezone.now()
    rows = []
    for item in budgeted:
        lines = by_budget[item.budget.pk]
        version = versions.get(item.project.pk)
        owner = item.project.owner_id
        rows.append(
            Baseline(
                budget=item.budget,
                number=1,
                source=Baseline.Source.ESTIMATE if version else Baseline.Source.WRITTEN,
                reason=str(version) if version else "Ngân sách theo hợp đồng đã ký.",
                status=Baseline.Status.APPROVED,
                cost_amount=sum((line.cost_amount for line in lines), Decimal(0)),
                price_amount=sum((line.price_amount for line in lines), Decimal(0)),
                created_by_id=owner,
                decided_by_id=(version.margin_approved_by_id if version else leaders.get(owner)),
                decided_at=now,
                decision_note="" if version else "Đồng ý.",
            )
        )
    baselines = bulk_insert(ctx, "baselines", iter(rows), len(rows))
    count = sum(len(by_budget[item.budget.pk]) for item in budgeted)
    bulk_insert(
        ctx,
        "baseline lines",
        (
            BaselineLine(
                baseline=baseline, line=line, **{name: getattr(line, name) for name in COPIED}
            )
            for item, baseline in zip(budgeted, baselines, strict=True)
            for line in by_budget[item.budget.pk]
        ),
        count,
    )


def _volume_change_lines(
    ctx: SeedContext, budgeted: list, by_budget: dict
) -> dict[int, list[BudgetLine]]:
    """The approved changes' lines, as `create_budget` takes them in: one taking work out with
    a negative quantity, what the agency absorbs with no price."""
    budgets = {item.project.pk: item.budget for item in budgeted}
    positions = {pk: len(lines) for pk, lines in by_budget.items()}
    rows = []
    for line in (
        ChangeLine.objects.filter(
            change_request__status="approved", change_request__project__in=list(budgets)
        )
        .select_related("change_request")
        .order_by("change_request__project", "change_request", "pk")
    ):
        change = line.change_request
        budget = budgets[change.project_id]
        sign = -1 if line.effect == "remove" else 1
        billable = change.paid_by == "client"
        positions[budget.pk] = positions.get(budget.pk, 0) + 1
        rows.append(
            BudgetLine(
                budget=budget,
                position=positions[budget.pk],
                kind=line.kind,
                department_id=line.department_id,
                description=f"{change.title}: {line.description}"[:300],
                quantity=line.quantity * sign,
                unit_cost_amount=line.unit_cost_amount,
                unit_price_amount=line.unit_price_amount if billable else Decimal(0),
                cost_amount=line.cost_amount * sign,
                price_amount=(line.price_amount if billable else Decimal(0)) * sign,
                change_request=change,
            )
        )
    added = defaultdict(list)
    for line in bulk_insert(ctx, "change lines taken in", iter(rows), len(rows)):
        added[line.budget_id].append(line)
    return added


# --- Costs ----------------------------------------------------------------------------------
def _volume_costs(ctx: SeedContext, budgeted: list, total: int, today: date, sums: dict) -> None:
    """Costs spread over the started projects, a chunk of projects at a time: orders first
    (they need their keys for the bills against them), then the bills."""
    counts = spread(total, [COST_WEIGHT.get(item.project.status, 0) for item in budgeted])
    leaders = dict(User.objects.values_list("pk", "team__leader_id"))
    bookings = defaultdict(list)
    for booking in Booking.objects.filter(
        project__in=[item.project.pk for item in budgeted],
        status__in=[Booking.Status.CONFIRMED, Booking.Status.DONE],
        backup_for__isnull=True,
        fee_amount__gt=0,
    ).order_by("pk"):
        bookings[booking.project_id].append(booking)
    inserted = 0
    for start in range(0, len(budgeted), CHUNK):
        plans = [
            _CostPlan(ctx, item, count, bookings[item.project.pk], today)
            for item, count in zip(
                budgeted[start : start + CHUNK], counts[start : start + CHUNK], strict=True
            )
            if count
        ]
        orders = insert_all([order for plan in plans for order in plan.orders])
        bills = insert_all([bill for plan in plans for bill in plan.make_bills()])
        _guarded(ctx, plans, leaders)
        for plan in plans:
            _count_costs(plan, sums)
        inserted += len(orders) + len(bills)
        ctx.progress("costs", inserted, total)


class _CostPlan:
    """One project's orders and bills: what it has spent of its lines by now (a delivered
    project about all, a running one its elapsed share), in documents of whole thousands."""

    def __init__(
        self, ctx: SeedContext, item: _Budgeted, count: int, bookings: list, today: date
    ) -> None:
        self.rng, self.item, self.today = ctx.rng, item, today
        project = item.project
        self.first = project.starts_on
        self.last = min(project.ends_on + timedelta(days=15), today)
        self.lines = [
            line for line in item.lines if line.kind != "department" and line.cost_amount > 0
        ]
        planned = sum((line.cost_amount for line in self.lines), Decimal(0))
        if project.status == Project.Status.DELIVERED:
            burn = self.rng.uniform(0.78, 1.08)
            self.billed = 1.0
        else:
            span = max((project.ends_on - project.starts_on).days, 1)
            elapsed = min(max((today - project.starts_on).days / span, 0.05), 1.0)
            burn = min(elapsed * self.rng.uniform(0.85, 1.15) + 0.1, 1.05)
            self.billed = min(elapsed * 1.2, 1.0)
        target = int(planned * Decimal(burn)) // THOUSAND  # in thousands of dong
        # Of the documents, a fifteenth is outside the plan and three tenths of the rest are
        # orders (holding three quarters of the spend); seven bills in ten are against them.
        unplanned = count // 15 if self.lines else count
        ordered = (count - unplanned) * 3 // 10 if count - unplanned >= 3 else 0
        self.direct = count - unplanned - ordered
        self.orders = self._orders(ordered, target * 3 // 4 if self.direct else target, bookings)
        self.against = self.direct * 7 // 10 if self.orders else 0
        self.direct -= self.against
        self.direct_target = target - target * 3 // 4 if self.direct else 0
        self.unplanned = unplanned
        self.unplanned_target = max(target * 3 // 100, unplanned * 200)

    def _pick_line(self, kind: str | None = None) -> BudgetLine | None:
        if not self.lines:
            return None
        fitting = [line for line in self.lines if line.kind == kind] or self.lines
        return self.rng.choices(fitting, weights=[float(line.cost_amount) for line in fitting])[0]

    def _day(self, first: date | None = None) -> date:
        first = first or self.first
        if first >= self.last:
            return min(first, self.today)
        return first + timedelta(days=self.rng.randint(0, (self.last - first).days))

    def _orders(self, count: int, target: int, bookings: list) -> list[Cost]:
        orders = []
        for booking in bookings:
            fee = int(booking.fee_amount) // THOUSAND
            if len(orders) == count or fee > target // 2:
                continue  # a fee the plan cannot hold is a booking priced elsewhere
            line = self._pick_line(BOOKING_LINES[booking.kind])
            what = booking.purpose[:300] or str(booking.get_kind_display())
            orders.append(
                self._cost("order", line, booking.name[:200], what, fee * THOUSAND, self._day(),
                           booking_id=booking.pk)
            )  # fmt: skip
            target -= fee
        rest = count - len(orders)
        for share in _split(self.rng, max(target, rest), rest):
            line = self._pick_line()
            supplier, what = self._names(line)
            orders.append(self._cost("order", line, supplier, what, share * THOUSAND, self._day()))
        for number, order in enumerate(orders, start=1):
            order.reference = f"PO-{self.item.project.pk}-{number:03d}"
        return orders

    def _names(self, line: BudgetLine | None) -> tuple[str, str]:
        kind = line.kind if line is not None else None
        supplier = line.supplier if line is not None and line.supplier else ""
        supplier = supplier or self.rng.choice(SUPPLIERS[kind])
        return supplier, f"{self.rng.choice(WHAT[kind])} — {self.item.project.title}"[:300]

    def _cost(
        self, kind: str, line: BudgetLine | None, supplier: str, description: str, amount: int,
        day: date, **fields,
    ) -> Cost:  # fmt: skip
        return Cost(
            project_id=self.item.project.pk,
            line=line,
            kind=kind,
            supplier=supplier,
            description=description,
            amount=Decimal(max(amount, THOUSAND)),
            incurred_on=day,
            created_by_id=self.item.project.owner_id,
            **fields,
        )

    def make_bills(self) -> list[Cost]:
        """The bills against the (now inserted) orders, straight on lines, and unplanned."""
        bills = []
        if self.orders:
            per_order = spread(self.against, [1] * len(self.orders))
            for order, count in zip(self.orders, per_order, strict=True):
                bills += self._bills_against(order, count)
        for share in _split(self.rng, max(self.direct_target, self.direct), self.direct):
            line = self._pick_line()
            supplier, what = self._names(line)
            bills.append(self._bill(line, supplier, what, share * THOUSAND, self._day()))
        # Outside the plan: small things (taxis, meals, couriers), a few percent of the spend.
        for share in _split(self.rng, self.unplanned_target, self.unplanned):
            supplier, what = self._names(None)
            bills.append(self._bill(None, supplier, what, share * THOUSAND, self._day()))
        for bill in bills:
            if bill.order_id is None and self.rng.randrange(CANCELLED_SHARE) == 0:
                bill.status, bill.cancelled_reason = Cost.Status.CANCELLED, "Nhập trùng hóa đơn."
        self.bills = bills
        return bills

    def _bills_against(self, order: Cost, count: int) -> list[Cost]:
        if not count:
            return []
        billed = int(order.amount) // THOUSAND
        over = self.billed == 1.0 and self.rng.randrange(OVER_ORDER_SHARE) == 0
        if over:
            billed = billed * self.rng.randint(103, 115) // 100
        elif self.billed < 1.0:
            billed = int(billed * self.billed * self.rng.uniform(0.6, 1.0))
        bills = []
        for share in _split(self.rng, max(billed, count), count):
            bill = self._bill(order.line, order.supplier, order.description, share * THOUSAND,
                              self._day(order.incurred_on), order=order)  # fmt: skip
            bill.over_order_reason = OVER_ORDER_REASON if over else ""
            bills.append(bill)
        return bills

    def _bill(
        self, line: BudgetLine | None, supplier: str, description: str, amount: int, day: date,
        **fields,
    ) -> Cost:  # fmt: skip
        bill = self._cost("bill", line, supplier, description, amount, day, **fields)
        bill.reference = f"1C{day:%y}TAA-{self.rng.randint(1, 99_999_999):08d}"
        return bill


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` in `parts` uneven whole shares, each at least 1."""
    if parts <= 0:
        return []
    shares = spread(max(total - parts, 0), [rng.randint(1, 10) for _part in range(parts)])
    return [share + 1 for share in shares]


def _guarded(ctx: SeedContext, plans: list, leaders: dict) -> None:
    """A cost under the margin floor on one project in a hundred: waiting for the Director on
    a running project, approved on a delivered one."""
    approvals = []
    for plan in plans:
        unplanned = [bill for bill in plan.bills if bill.line_id is None and bill.counts]
        if not unplanned or ctx.rng.randrange(GUARDED_SHARE):
            continue
        cost = unplanned[-1]
        project = plan.item.project
        waiting = project.status == Project.Status.RUNNING
        leader = leaders.get(project.owner_id)
        if leader is None:
            continue
        floor = plan.item.budget.margin_floor_percent
        approvals.append(
            MarginApproval(
                project_id=project.pk,
                cost=cost,
                margin_percent=floor - ctx.rng.randint(1, 6),
                floor_percent=floor,
                reason=MARGIN_REASON,
                status="pending" if waiting else "approved",
                requested_by_id=project.owner_id,
                decided_by_id=None if waiting else leader,
                decided_at=None if waiting else at(cost.incurred_on, 16, 0),
                decision_note="" if waiting else "Đồng ý, khách hàng chiến lược.",
            )
        )
        if waiting:
            cost.status = Cost.Status.AWAITING
            Cost.objects.filter(pk=cost.pk).update(status=cost.status)
    MarginApproval.objects.bulk_create(approvals)


def _count_costs(plan: _CostPlan, sums: dict) -> None:
    """What the recorded costs add to their lines, as `queries.figures_of` counts them: an
    order commits what its bills do not cover yet (never below nothing), a bill is spent."""
    budget = plan.item.budget.pk
    billed: dict[int, Decimal] = defaultdict(Decimal)
    for bill in plan.bills:
        if bill.counts:
            sums[(budget, bill.line_id)][1] += bill.amount
            if bill.order_id is not None:
                billed[bill.order_id] += bill.amount
    for order in plan.orders:
        if order.counts:
            sums[(budget, order.line_id)][0] += max(order.amount - billed[order.pk], Decimal(0))


# --- Time -----------------------------------------------------------------------------------
def _volume_time(ctx: SeedContext, budgeted: list, total: int, today: date, sums: dict) -> None:
    """Hours on the started tasks: their department member most of the task's weekdays, the
    project's KAM on some; nobody beyond a working day. The possible entries are gathered over
    the tasks in a shuffled order, then `total` of them drawn."""
    items = {item.project.pk: item for item in budgeted}
    lines = {pk: _department_lines(item) for pk, item in items.items()}
    departments = dict(User.objects.values_list("pk", "department_id"))
    booked: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for user_id, day, hours in TimeEntry.objects.values_list("user", "worked_on", "hours"):
        booked[(user_id, day)] += hours
    tasks = list(
        Task.objects.filter(project__in=list(items), status__in=WORKING, starts_on__lte=today)
        .order_by("pk")
        .values_list("pk", "project_id", "department_id", "assignee_id", "starts_on", "due_on",
                     "done_on")
    )  # fmt: skip
    ctx.rng.shuffle(tasks)
    possible = []
    for task_id, project_id, department_id, assignee_id, starts, due, done in tasks:
        owner_id = items[project_id].project.owner_id
        for day in _weekdays(starts, min(due, done or today, today)):
            for user_id, choices in ((assignee_id, MEMBER_HOURS), (owner_id, KAM_HOURS)):
                if user_id is None or (user_id == owner_id and ctx.rng.random() >= KAM_SHARE):
                    continue
                hours = min(ctx.rng.choice(choices), DAY_HOURS - booked[(user_id, day)])
                if hours > 0:
                    booked[(user_id, day)] += hours
                    possible.append((task_id, project_id, department_id, user_id, day, hours))
    if len(possible) < total:
        raise ValueError(
            f"The scale's people can log {len(possible):,} time entries, not {total:,}."
        )
    rates = _Rates()
    chosen = sorted(ctx.rng.sample(possible, total), key=lambda entry: (entry[1], entry[0]))
    rows = []
    for task_id, project_id, department_id, user_id, day, hours in chosen:
        line_id = lines[project_id].get(department_id)
        rate = rates.on(departments[user_id], day)
        cost = round_for(settings.KAM_CURRENCY, hours * rate)
        sums[(items[project_id].budget.pk, line_id)][1] += cost
        rows.append(
            TimeEntry(
                user_id=user_id,
                task_id=task_id,
                project_id=project_id,
                line_id=line_id,
                worked_on=day,
                hours=hours,
                rate_amount=rate,
                cost_amount=cost,
            )
        )
    bulk_insert(ctx, "time entries", iter(rows), total)


def _department_lines(item: _Budgeted) -> dict[int, int]:
    """For each department with a planned line, its first: where its people's time goes."""
    lines: dict[int, int] = {}
    for line in sorted(item.lines, key=lambda line: (line.position, line.pk)):
        if line.kind == "department" and line.quantity > 0:
            lines.setdefault(line.department_id, line.pk)
    return lines


def _weekdays(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


class _Rates:
    """What an hour costs by department and day, as `queries.rate_on` reads Finance's rates."""

    def __init__(self) -> None:
        self.rates: dict = defaultdict(list)
        for department_id, valid_from, amount in CostRate.objects.order_by(
            "valid_from"
        ).values_list("department_id", "valid_from", "hourly_amount"):
            self.rates[department_id].append((valid_from, amount))

    def on(self, department_id: int | None, day: date) -> Decimal:
        for key in (department_id, None) if department_id is not None else (None,):
            rates = self.rates.get(key, [])
            index = bisect_right([valid for valid, _amount in rates], day)
            if index:
                return rates[index - 1][1]
        return Decimal(0)


# --- Warnings -------------------------------------------------------------------------------
def _volume_alerts(ctx: SeedContext, budgeted: list, sums: dict) -> None:
    """The thresholds each line and each budget has crossed, recorded once and emailed."""
    thresholds = list(settings.KAM_BUDGET_THRESHOLDS)
    now = timezone.now()
    rows = []
    for item in budgeted:
        budget = item.budget.pk
        rows_of_budget = []
        for line in item.lines:
            committed, actual = sums.get((budget, line.pk), (Decimal(0), Decimal(0)))
            figures = LineFigures(line.cost_amount, committed, actual)
            rows_of_budget.append(figures)
            for threshold in crossed_thresholds(figures, thresholds):
                rows.append(_alert(budget, line.pk, threshold, figures, now))
        committed, actual = sums.get((budget, None), (Decimal(0), Decimal(0)))
        total = add_up([*rows_of_budget, LineFigures(Decimal(0), committed, actual, False)])
        for threshold in crossed_thresholds(total, thresholds):
            rows.append(_alert(budget, None, threshold, total, now))
    bulk_insert(ctx, "warnings", iter(rows), len(rows))


def _alert(
    budget: int, line: int | None, threshold: int, figures: LineFigures, now: datetime
) -> BudgetAlert:
    return BudgetAlert(
        budget_id=budget,
        line_id=line,
        threshold_percent=threshold,
        used_amount=figures.used,
        budget_amount=figures.budget,
        emailed_at=now,
    )
