"""The delivery of `kam seed --scale medium|large`: contracts (from the approved proposals still
without one, and directly on the clients still served) with their schedules, a project under
each signed one and a second under some, its four phases and check, tasks and bookings spread
over the projects, change requests on some; dated around today so that some tasks are late and
some predicted late. Bulk-inserted (core.seed): no services, no audit events."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from kam.clients.models import Client, Stakeholder
from kam.core.money import round_for
from kam.core.seed import (
    SeedContext,
    bulk_insert,
    copy_rows,
    insert_all,
    spread,
    vietnamese_full_name,
)
from kam.delivery.models import (
    Booking,
    ChangeLine,
    ChangeRequest,
    CheckItem,
    Contract,
    Milestone,
    Phase,
    Project,
    Task,
    TaskDependency,
)
from kam.delivery.seed.steps import (
    DOING,
    DONE,
    MILLION,
    REVIEW,
    at,
)
from kam.delivery.services.projects import DEFAULT_PHASES
from kam.people.models import Department, User
from kam.pitching.estimate import Totals, line_amounts
from kam.pitching.models import EstimateLine, Proposal

CONTRACT_TITLES = [
    "Chiến dịch Tết {y}", "Ra mắt sản phẩm mới {y}", "Mùa hè sôi động {y}",
    "Tri ân khách hàng {y}", "Khai trương chi nhánh {y}", "Back to school {y}",
    "Sự kiện cuối năm {y}", "Dịch vụ quản trị mạng xã hội {y}",
]  # fmt: skip
DELIVERABLES = "Ý tưởng và key visual\nVideo quảng cáo\nNội dung KOL\nBáo cáo kết quả"
SHARES = {1: [100], 2: [50, 50], 3: [30, 40, 30], 4: [25, 25, 25, 25]}
DRAFT_SHARE = 0.04  # contracts still waiting for their signatures
PROPOSAL_SHARE = 0.9  # approved proposals that have become contracts; the rest wait for one
CHECK_LINES = [
    ("objective", "Sản phẩm đúng thông điệp chính của brief"),
    ("deliverable", "Giao đủ sản phẩm theo hợp đồng"),
    ("kpi", "Báo cáo kết quả có số liệu KPI"),
]
# Tasks and bookings per project by its status: a project still in planning has few yet.
TASK_WEIGHT = {"planning": 1, "running": 3, "delivered": 3, "cancelled": 1}
BOOKING_WEIGHT = {"planning": 1, "running": 3, "delivered": 2, "cancelled": 1}
TASK_TITLES = {
    "plan": ["Kế hoạch truyền thông", "Báo cáo kết quả chiến dịch", "Nghiên cứu đối tượng"],
    "event": ["Kịch bản sự kiện", "Chuẩn bị hậu cần sự kiện", "Tổ chức sự kiện"],
    "creative": ["Key visual", "Kịch bản video", "Thiết kế banner và POSM", "Nội dung social"],
    "media": ["Kế hoạch mua quảng cáo", "Chạy quảng cáo số", "Báo cáo hiệu quả quảng cáo"],
    "kol": ["Danh sách KOL đề xuất", "Chốt hợp đồng KOL", "Duyệt nội dung KOL"],
    "production": ["Quay video quảng cáo", "Chụp ảnh sản phẩm", "Dựng video", "In ấn POSM"],
}
VENDORS = ["Đông Á Films", "Studio Ánh Sáng", "In Ấn Sài Gòn", "Sự kiện Hoàn Hảo"]
BOOKINGS = {  # kind: (weight, names, fee range in millions)
    "kol": (3, ["Ca sĩ", "Diễn viên", "Food blogger", "Beauty blogger", "Reviewer"], (20, 250)),
    "influencer": (2, ["Mạng lưới micro KOL", "Cộng đồng TikToker"], (10, 90)),
    "venue": (2, ["Trung tâm hội nghị", "Khách sạn", "Trung tâm thương mại"], (15, 150)),
    "crew": (2, ["Đoàn quay", "Ê-kíp MC và âm thanh", "Ê-kíp chụp ảnh"], (20, 400)),
    "vendor": (1, ["Nhà in", "Đơn vị dàn dựng sân khấu"], (10, 200)),
}
DEPENDENCY_SHARE = 0.3  # tasks that wait for the one planned before them
CHANGE_SHARE = 4  # one started project in four has a change request from the client
CHUNK = 500  # projects whose tasks are built and inserted at a time


def seed_volume(ctx: SeedContext) -> None:
    """The scale's contracts, projects, tasks and bookings in all, the demo's included."""
    volumes = ctx.volumes
    today = timezone.localdate()
    contract_total = volumes.contracts - Contract.objects.count()
    project_total = volumes.projects - Project.objects.count()
    task_total = volumes.tasks - Task.objects.count()
    booking_total = volumes.bookings - Booking.objects.count()
    if min(contract_total, project_total, task_total, booking_total) < 0:
        raise ValueError("A scale holds at least the demo's delivery.")
    contracts, briefs = _volume_contracts(ctx, contract_total, today)
    signed = [contract for contract in contracts if contract.status == Contract.Status.SIGNED]
    if project_total and not signed:
        raise ValueError("A scale with projects needs signed contracts for them.")
    projects = _volume_projects(ctx, signed, briefs, project_total, today)
    phases = _volume_phases(ctx, projects, today)
    _volume_checks(projects, ctx)
    _volume_tasks(ctx, projects, phases, task_total, today)
    _volume_bookings(ctx, projects, booking_total, today)
    _volume_changes(ctx, projects, today)
    ctx.log.append(
        f"delivery: {Contract.objects.count()} contracts, {Milestone.objects.count()} "
        f"milestones, {Project.objects.count()} projects, {Task.objects.count()} tasks, "
        f"{Booking.objects.count()} bookings, {ChangeRequest.objects.count()} change requests"
    )


def _volume_contracts(ctx: SeedContext, total: int, today: date) -> tuple[list, dict]:
    """The contracts, and the brief behind each approved proposal that has one now."""
    waiting = Proposal.objects.filter(status=Proposal.Status.APPROVED, contract__isnull=True)
    approved = list(
        waiting.select_related("brief__client__owner", "approved_version").order_by("pk")
    )
    approved = approved[: min(total, int(len(approved) * PROPOSAL_SHARE))]
    prices = dict(
        EstimateLine.objects.filter(version__in=waiting.values("approved_version"))
        .values_list("version")
        .annotate(price=Sum("price_amount"))
    )
    clients = list(Client.objects.exclude(status="lost").select_related("owner").order_by("pk"))
    weights = [6 if client.tier == "key" else 1 for client in clients]
    direct = ctx.rng.choices(clients, weights=weights, k=total - len(approved))
    numbers = _Numbers()
    rows = [
        _volume_contract(
            ctx,
            numbers,
            today,
            client=proposal.brief.client,
            proposal=proposal,
            value=_revenue(proposal, prices),
        )
        for proposal in approved
    ] + [
        _volume_contract(
            ctx,
            numbers,
            today,
            client=client,
            proposal=None,
            value=Decimal(ctx.rng.randint(4, 120) * 25 * MILLION),
        )
        for client in direct
    ]
    contracts = bulk_insert(ctx, "contracts", iter(rows), total)
    _volume_milestones(ctx, contracts, today)
    return contracts, {proposal.pk: proposal.brief_id for proposal in approved}


def _revenue(proposal: Proposal, prices: dict) -> Decimal:
    """The approved version's revenue, as pitching's totals say: its lines' price plus fee."""
    version = proposal.approved_version
    return Totals(
        cost=Decimal(0),
        price=prices.get(version.pk) or Decimal(0),
        fee_percent=version.agency_fee_percent,
        vat_percent=version.vat_percent,
    ).revenue


class _Numbers:
    """Contract numbers in the agency's shape, HĐ-<year>-<n>, each year continuing after the
    numbers already taken (the demo's), so that the next suggestion is free too."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            self.last[year] = Contract.objects.filter(number__startswith=f"HĐ-{year}-").count()
        self.last[year] += 1
        return f"HĐ-{year}-{self.last[year]:04d}"


def _volume_contract(
    ctx: SeedContext, numbers: _Numbers, today: date, *, client: Client,
    proposal: Proposal | None, value: Decimal,
) -> Contract:  # fmt: skip
    draft = ctx.rng.random() < DRAFT_SHARE
    if draft:
        signed, starts = None, today + timedelta(days=ctx.rng.randint(5, 30))
    else:
        if proposal is not None:
            signed = min(proposal.decided_on + timedelta(days=ctx.rng.randint(2, 14)), today)
        else:
            signed = today - timedelta(days=ctx.rng.randint(0, ctx.volumes.history_days))
        starts = signed + timedelta(days=ctx.rng.randint(0, 14))
    contract = Contract(
        client=client,
        proposal=proposal,
        number=numbers.next((signed or starts).year),
        title=proposal.title if proposal else ctx.rng.choice(CONTRACT_TITLES).format(y=starts.year),
        value_amount=value,
        vat_percent=proposal.approved_version.vat_percent if proposal else ctx.rng.choice([8, 10]),
        scope="Theo đề xuất đã duyệt." if proposal else "Theo báo giá đã thống nhất.",
        deliverables=DELIVERABLES,
        starts_on=starts,
        ends_on=starts + timedelta(days=ctx.rng.randint(30, 150)),
        payment_terms_days=ctx.rng.choice([15, 30, 30, 45]),
        status=Contract.Status.DRAFT if draft else Contract.Status.SIGNED,
        signed_on=signed,
        owner=client.owner,
        created_by=client.owner,
    )
    contract.fill_search_text()
    return contract


def _volume_milestones(ctx: SeedContext, contracts: list[Contract], today: date) -> None:
    """One to four milestones per contract adding up to its value exactly, from the start to
    the end; those passed are reached, but for some of the last weeks', now late."""
    counts = [ctx.rng.choice([1, 2, 3, 3, 4]) for _contract in contracts]
    bulk_insert(
        ctx,
        "milestones",
        (
            _volume_milestone(ctx, contract, position, count, amount, today)
            for contract, count in zip(contracts, counts, strict=True)
            for position, amount in enumerate(
                spread(int(contract.value_amount), SHARES[count]), start=1
            )
        ),
        sum(counts),
    )


def _volume_milestone(ctx, contract: Contract, position: int, count: int, amount: int, today):
    span = (contract.ends_on - contract.starts_on).days
    due = contract.starts_on + timedelta(days=span * (position - 1) // max(count - 1, 1))
    if count == 1:
        due = contract.ends_on
    # Older milestones are all reached; of the last two months' one in four is late.
    recent = due >= today - timedelta(days=60)
    reached = contract.signed_on is not None and due < today
    reached = reached and (not recent or ctx.rng.random() < 0.75)
    return Milestone(
        contract=contract,
        title=_milestone_title(position, count),
        due_on=due,
        amount=Decimal(amount),
        position=position,
        reached_on=min(due + timedelta(days=ctx.rng.randint(0, 5)), today) if reached else None,
    )


def _milestone_title(position: int, count: int) -> str:
    if position == count:
        return "Nghiệm thu cuối"
    if position == 1:
        return "Tạm ứng khi ký hợp đồng"
    return f"Nghiệm thu đợt {position}"


def _volume_projects(
    ctx: SeedContext, signed: list[Contract], briefs: dict, total: int, today: date
) -> list[Project]:
    """A project under each signed contract (on its proposal's brief), then second projects
    under some of them."""
    first = signed[:total]
    hosts = first + ctx.rng.choices(signed, k=total - len(first)) if signed else []
    return bulk_insert(
        ctx,
        "projects",
        (
            _volume_project(ctx, contract, briefs, second=number >= len(first), today=today)
            for number, contract in enumerate(hosts)
        ),
        total,
    )


def _volume_project(ctx, contract: Contract, briefs: dict, *, second: bool, today) -> Project:
    starts, ends = contract.starts_on, contract.ends_on
    if second:
        span = (ends - starts).days
        starts += timedelta(days=ctx.rng.randint(0, span // 2))
        ends = min(starts + timedelta(days=ctx.rng.randint(14, 60)), contract.ends_on)
    if ends < today:
        status = "delivered" if ctx.rng.random() < 0.92 else "cancelled"
    elif starts > today:
        status = "planning"
    else:
        status = "running" if ctx.rng.random() < 0.97 else "cancelled"
    project = Project(
        contract=contract,
        client_id=contract.client_id,
        brief_id=briefs.get(contract.proposal_id) if not second else None,
        title=f"{contract.title} — đợt 2" if second else contract.title,
        scope=contract.scope,
        starts_on=starts,
        ends_on=ends,
        status=status,
        owner_id=contract.owner_id,
        backups_required=ctx.rng.random() < 0.3,
        delivered_on=min(ends + timedelta(days=ctx.rng.randint(0, 5)), today)
        if status == "delivered"
        else None,
        created_by_id=contract.owner_id,
    )
    project.fill_search_text()
    return project


def _phase_spans(project: Project) -> list[tuple[date, date]]:
    """The four usual phases over the project's days, split as the service splits them."""
    days = (project.ends_on - project.starts_on).days + 1
    start, spans = project.starts_on, []
    for position, (_kind, share) in enumerate(DEFAULT_PHASES, start=1):
        length = max(days * share // 100, 1)
        end = project.ends_on if position == len(DEFAULT_PHASES) else start + timedelta(length - 1)
        end = min(max(end, start), project.ends_on)
        spans.append((min(start, project.ends_on), end))
        start = end + timedelta(days=1)
    return spans


def _volume_phases(ctx, projects: list[Project], today: date) -> dict[int, list]:
    rows = (
        _volume_phase(ctx, project, position, kind, span, today)
        for project in projects
        for position, ((kind, _share), span) in enumerate(
            zip(DEFAULT_PHASES, _phase_spans(project), strict=True), start=1
        )
    )
    # Each project's phases as (last day, id): the tasks need no more of them.
    phases: dict[int, list[tuple[date, int]]] = {}
    for phase in bulk_insert(ctx, "phases", rows, len(DEFAULT_PHASES) * len(projects)):
        phases.setdefault(phase.project_id, []).append((phase.ends_on, phase.pk))
    return phases


def _volume_phase(ctx, project: Project, position: int, kind: str, span: tuple, today) -> Phase:
    starts, ends = span
    if project.status == "delivered" or (project.status != "planning" and ends < today):
        status = "done"
    elif (project.status == "running" and starts <= today) or (
        project.status == "cancelled" and position == 1
    ):
        status = "active"
    else:
        status = "planned"
    done = status == "done"
    return Phase(
        project=project,
        kind=kind,
        name=str(Phase.Kind(kind).label),
        position=position,
        starts_on=starts,
        ends_on=ends,
        status=status,
        went_well="Đúng tiến độ, khách hài lòng." if done else "",
        score=ctx.rng.randint(3, 5) if done else None,
        evaluated_by_id=project.owner_id if done else None,
        evaluated_at=at(ends, 17, 0) if done else None,
    )


def _volume_checks(projects: list[Project], ctx: SeedContext) -> None:
    """The check against the brief: three lines, all ticked on delivered projects."""
    bulk_insert(
        ctx,
        "checks",
        (
            CheckItem(
                project=project,
                source=source,
                text=text,
                position=position,
                checked_by_id=project.owner_id if project.status == "delivered" else None,
                checked_at=at(project.delivered_on, 10, 0)
                if project.status == "delivered"
                else None,
            )
            for project in projects
            for position, (source, text) in enumerate(CHECK_LINES, start=1)
        ),
        len(CHECK_LINES) * len(projects),
    )


def _volume_tasks(ctx, projects: list, phases: dict, total: int, today: date) -> None:
    """Tasks spread over the projects by their status, inserted a chunk of projects at a time
    (300,000 model instances at once would hold gigabytes), each chunk with the dependencies
    of its tasks on the one planned before them."""
    counts = (
        spread(total, [TASK_WEIGHT[project.status] for project in projects]) if projects else []
    )
    departments = list(
        Department.objects.filter(is_active=True, code__in=TASK_TITLES).order_by("pk")
    )
    members = {department.pk: [] for department in departments}
    for user in User.objects.filter(is_active=True, department__in=departments).order_by("pk"):
        members[user.department_id].append(user.pk)
    inserted = 0
    for start in range(0, len(projects), CHUNK):
        rows = [
            _volume_task(
                ctx, project, phases[project.pk], number, count, departments, members, today
            )
            for project, count in zip(
                projects[start : start + CHUNK], counts[start : start + CHUNK], strict=True
            )
            for number in range(count)
        ]
        saved = insert_all(rows)
        copy_rows(
            TaskDependency,
            [
                {"task_id": task.pk, "depends_on_id": before.pk}
                for before, task in pairwise(saved)
                if task.project_id == before.project_id and ctx.rng.random() < DEPENDENCY_SHARE
            ],
        )
        inserted += len(saved)
        ctx.progress("tasks", inserted, total)


def _volume_task(
    ctx, project: Project, phases: list, number: int, count: int, departments: list,
    members: dict, today: date,
) -> Task:  # fmt: skip
    span = (project.ends_on - project.starts_on).days
    starts = project.starts_on + timedelta(days=span * number // max(count, 1))
    due = min(starts + timedelta(days=ctx.rng.randint(1, 10)), max(project.ends_on, starts))
    department = ctx.rng.choice(departments)
    people = members[department.pk]
    vendor = (
        ctx.rng.choice(VENDORS)
        if department.code == "production" and ctx.rng.random() < 0.3
        else ""
    )
    status = _task_status(ctx, project, starts, due, today)
    task = Task(
        project=project,
        phase_id=next((pk for ends, pk in phases if starts <= ends), phases[-1][1]),
        title=f"{ctx.rng.choice(TASK_TITLES[department.code])} — {project.title}"[:200],
        department=department,
        vendor=vendor,
        assignee_id=ctx.rng.choice(people) if people and ctx.rng.random() < 0.85 else None,
        starts_on=starts,
        due_on=due,
        status=status,
        client_facing=ctx.rng.random() < 0.15,
        done_on=min(due, today) if status == Task.Status.DONE else None,
        created_by_id=project.owner_id,
    )
    task.fill_search_text()
    return task


def _task_status(ctx, project: Project, starts: date, due: date, today: date) -> str:
    """Done where the work is over; in a running project one passed task in eight is late and
    one started in five is still to do (predicted late)."""
    if project.status == "delivered":
        return DONE
    if project.status == "planning":
        return Task.Status.TODO
    if project.status == "cancelled":
        return DONE if due < today else Task.Status.TODO
    if due < today:
        return DONE if ctx.rng.random() < 0.875 else ctx.rng.choice([DOING, REVIEW, "todo"])
    if starts <= today:
        return ctx.rng.choices(
            ["todo", DOING, REVIEW, Task.Status.BLOCKED], weights=[20, 55, 15, 10]
        )[0]
    return Task.Status.TODO


def _volume_bookings(ctx, projects: list[Project], total: int, today: date) -> None:
    """Bookings spread over the projects by their status; one in five stands by as a backup
    for one of its project's others."""
    counts = spread(total, [BOOKING_WEIGHT[p.status] for p in projects]) if projects else []
    kinds = list(BOOKINGS)
    kind_weights = [BOOKINGS[kind][0] for kind in kinds]
    primaries = bulk_insert(
        ctx,
        "bookings",
        (
            _volume_booking(ctx, project, ctx.rng.choices(kinds, weights=kind_weights)[0], today)
            for project, count in zip(projects, counts, strict=True)
            for _n in range(count - count // 5)
        ),
        total - sum(count // 5 for count in counts),
    )
    by_project: dict[int, list[Booking]] = {}
    for booking in primaries:
        by_project.setdefault(booking.project_id, []).append(booking)
    bulk_insert(
        ctx,
        "backups",
        (
            _volume_backup(ctx, primary)
            for project, count in zip(projects, counts, strict=True)
            for primary in by_project.get(project.pk, [])[: count // 5]
        ),
        sum(count // 5 for count in counts),
    )


def _volume_booking(ctx, project: Project, kind: str, today: date) -> Booking:
    _weight, names, (low, high) = BOOKINGS[kind]
    span = (project.ends_on - project.starts_on).days
    starts = project.starts_on + timedelta(days=ctx.rng.randint(0, span))
    ends = min(starts + timedelta(days=ctx.rng.randint(0, 3)), max(project.ends_on, starts))
    if project.status == "cancelled":
        status, reason = "cancelled", "Dự án bị hủy."
    elif project.status == "delivered" or (project.status == "running" and ends < today):
        status, reason = "done", ""
    else:
        status, reason = ctx.rng.choices(["confirmed", "proposed"], weights=[7, 3])[0], ""
    return Booking(
        project=project,
        kind=kind,
        name=f"{ctx.rng.choice(names)} {vietnamese_full_name(ctx)}",
        purpose=project.title[:300],
        fee_amount=Decimal(ctx.rng.randint(low, high) * MILLION),
        starts_on=starts,
        ends_on=ends,
        status=status,
        cancelled_reason=reason,
        created_by_id=project.owner_id,
    )


def _volume_backup(ctx, primary: Booking) -> Booking:
    """Standing by while its booking is on; once that is done or cancelled, let go."""
    if primary.status in ("proposed", "confirmed"):
        status, reason = ctx.rng.choices(["confirmed", "proposed"], weights=[6, 4])[0], ""
    else:
        status, reason = "cancelled", "Không cần đến dự phòng."
    _weight, names, (low, high) = BOOKINGS[primary.kind]
    return Booking(
        project_id=primary.project_id,
        kind=primary.kind,
        name=f"{ctx.rng.choice(names)} {vietnamese_full_name(ctx)}",
        purpose=f"Dự phòng cho {primary.name}"[:300],
        fee_amount=Decimal(ctx.rng.randint(low, high) * MILLION),
        starts_on=primary.starts_on,
        ends_on=primary.ends_on,
        status=status,
        backup_for_id=primary.pk,
        cancelled_reason=reason,
        created_by_id=primary.created_by_id,
    )


CHANGES = [
    ("Thêm 2 bản video 15 giây", "production", 2, 15, 20, 3),
    ("Thêm một KOL", "kol", 1, 30, 38, 5),
    ("Mở rộng thêm 2 tuần quảng cáo", "vendor", 1, 60, 66, 14),
    ("Giảm số lượng POSM", "vendor", 500, 0.04, 0.052, 0),
]


def _volume_changes(ctx: SeedContext, projects: list[Project], today: date) -> None:
    """A change request on one started project in four, by one of the client's people, with
    its line; decided on the finished projects, a third still open on the running ones."""
    started = [p for p in projects if p.status != "planning"][::CHANGE_SHARE]
    contacts: dict[int, int] = {}  # each client's first contact
    for client_id, pk in Stakeholder.objects.order_by("-pk").values_list("client_id", "pk"):
        contacts[client_id] = pk
    started = [project for project in started if project.client_id in contacts]
    picks = [ctx.rng.choice(CHANGES) for _project in started]
    changes = bulk_insert(
        ctx,
        "change requests",
        (
            _volume_change(ctx, project, contacts[project.client_id], pick, today)
            for project, pick in zip(started, picks, strict=True)
        ),
        len(started),
    )
    lines = []
    for change, (title, kind, quantity, cost, price, _days) in zip(changes, picks, strict=True):
        quantity, cost, price = Decimal(quantity), Decimal(str(cost)), Decimal(str(price))
        cost_amount, price_amount = line_amounts(quantity, cost * MILLION, price * MILLION)
        lines.append(
            ChangeLine(
                change_request=change,
                effect="remove" if title.startswith("Giảm") else "add",
                kind=kind,
                description=title,
                quantity=quantity,
                unit_cost_amount=round_for(settings.KAM_CURRENCY, cost * MILLION),
                unit_price_amount=round_for(settings.KAM_CURRENCY, price * MILLION),
                cost_amount=cost_amount,
                price_amount=price_amount,
            )
        )
    bulk_insert(ctx, "change lines", iter(lines), len(lines))


def _volume_change(ctx, project: Project, stakeholder_id: int, pick: tuple, today) -> ChangeRequest:
    title, _kind, _quantity, _cost, _price, days = pick
    span = (min(project.ends_on, today) - project.starts_on).days
    requested = project.starts_on + timedelta(days=ctx.rng.randint(0, max(span, 0)))
    open_ = project.status == "running" and ctx.rng.random() < 0.33
    status = "open" if open_ else ctx.rng.choices(["approved", "rejected"], weights=[3, 1])[0]
    return ChangeRequest(
        project=project,
        requested_by_id=stakeholder_id,
        requested_on=requested,
        title=title,
        description=f"Khách đề nghị: {title.lower()}.",
        days_effect=days,
        status=status,
        decided_on=None if open_ else min(requested + timedelta(days=ctx.rng.randint(1, 7)), today),
        decision_note="" if open_ else "Khách xác nhận qua email.",
        created_by_id=project.owner_id,
    )
