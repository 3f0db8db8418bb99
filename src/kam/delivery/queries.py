"""Reads of contracts, projects, tasks, bookings and change requests, each starting from what
the user may see; lateness, the pre-production readiness and the sums are computed in the
database.

A task is *late* when it is not done and its due date has passed. It is *predicted late* when it
has not started and less time is left than its planned duration — which, with the planned
duration being due date minus start date, is exactly "its start date has passed and it is still
to do" — or when a task it waits for is late. A milestone is late when its date has passed
unreached, and predicted late when a task of its contract's projects due by then is late or
predicted late."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.clients.models import Client, Interaction, Stakeholder
from kam.clients.queries import (
    clients_changeable_by,
    clients_visible_to,
    ids_of_clients_changeable_by,
    names_of,
    sees_every_client,
)
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.core.queries import count_per_row
from kam.core.search import matching
from kam.core.search import terms as search_terms
from kam.delivery.models import (
    Amendment,
    Booking,
    CalendarFeed,
    ChangeLine,
    ChangeRequest,
    CheckItem,
    Commitment,
    Contract,
    ContractFile,
    Milestone,
    Phase,
    Project,
    Slip,
    Task,
    TaskDependency,
)
from kam.delivery.permissions import sees_contracts, sees_projects
from kam.people.models import Department, User
from kam.pitching.models import CreativeBrief, Proposal

AGENDA_LIMIT = 20
MONEY = DecimalField(max_digits=24, decimal_places=0)
LIVE_PROJECT = [Project.Status.PLANNING, Project.Status.RUNNING]
# Work still to do: not done, on a project neither delivered nor cancelled (whose leftovers
# are nobody's queue and never late).
OPEN_TASK = ~Q(status=Task.Status.DONE) & Q(project__status__in=LIVE_PROJECT)
ACTIVE_BOOKING = Q(status__in=[Booking.Status.PROPOSED, Booking.Status.CONFIRMED])


def _today() -> date:
    return timezone.localdate()


# --- Contracts ------------------------------------------------------------------------------
def contracts_visible_to(user: User) -> QuerySet[Contract]:
    """The contracts of the clients the user sees (Finance and admins: every one); none to a
    department member or a Planner with no other role, even on the account team."""
    if not sees_contracts(user):
        return Contract.objects.none()
    if sees_every_client(user):
        return Contract.objects.all()
    return Contract.objects.filter(client__any_of=clients_visible_to(user))


def get_contract_for(user: User, pk: int) -> Contract:
    return get_object_or_404(
        contracts_visible_to(user).select_related("client", "owner", "proposal__brief"), pk=pk
    )


def with_current_value(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Each contract with `current_value`: its signed value plus its amendments' changes."""
    changes = (
        Amendment.objects.filter(contract=OuterRef("pk"))
        .values("contract")
        .annotate(total=Sum("value_change_amount"))
        .values("total")
    )
    return contracts.annotate(
        current_value=ExpressionWrapper(
            F("value_amount") + Coalesce(Subquery(changes, output_field=MONEY), Value(0)),
            output_field=MONEY,
        )
    )


def with_current_end(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Each contract with `current_ends_on`: as the last amendment that moved it says, else as
    signed (current_end_of, for many contracts in one query)."""
    moved = (
        Amendment.objects.filter(contract=OuterRef("pk"))
        .exclude(new_ends_on=None)
        .order_by("-number")
        .values("new_ends_on")[:1]
    )
    return contracts.annotate(current_ends_on=Coalesce(Subquery(moved), F("ends_on")))


def contracts_for_list(
    user: User, *, status: str = "", client: int | None = None, query: str = ""
) -> QuerySet[Contract]:
    contracts = contracts_visible_to(user).select_related("client", "owner")
    if status:
        contracts = contracts.filter(status=status)
    if client:
        contracts = contracts.filter(client_id=client)
    if query:
        contracts = matching(contracts, search_terms(query))
    return with_current_value(contracts).order_by("-starts_on", "-pk")


def clients_with_contracts_visible_to(user: User) -> list[tuple[int, str]]:
    """The clients of the contracts the user sees, by name: the contract list's client filter."""
    clients = Client.objects.filter(pk__in=contracts_visible_to(user).values("client_id"))
    return names_of(clients.order_by("legal_name"))


def current_value_of(contract: Contract) -> Decimal:
    changes = contract.amendments.aggregate(
        total=Coalesce(Sum("value_change_amount"), Value(Decimal(0)), output_field=MONEY)
    )["total"]
    return contract.value_amount + changes


def current_end_of(contract: Contract) -> date:
    """The end date as the last amendment that moved it says, else as signed."""
    moved = contract.amendments.exclude(new_ends_on=None).order_by("-number").first()
    return moved.new_ends_on if moved else contract.ends_on


def milestones_total(contract: Contract, without: Milestone | None = None) -> Decimal:
    """The sum of the payment schedule (leaving out `without`, a milestone being changed)."""
    milestones = contract.milestones.all()
    if without is not None:
        milestones = milestones.exclude(pk=without.pk)
    return milestones.aggregate(
        total=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=MONEY)
    )["total"]


def milestones_of(contract: Contract) -> QuerySet[Milestone]:
    return with_milestone_flags(contract.milestones.all())


def commitments_of(contract: Contract) -> QuerySet[Commitment]:
    return contract.commitments.select_related("owner", "stakeholder")


def amendments_of(contract: Contract) -> QuerySet[Amendment]:
    return contract.amendments.select_related("recorded_by")


def files_of(contract: Contract) -> QuerySet[ContractFile]:
    return contract.files.select_related("uploaded_by")


def get_milestone_for(user: User, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.filter(contract__in=contracts_visible_to(user)).select_related(
            "contract__client"
        ),
        pk=pk,
    )


def get_commitment_for(user: User, pk: int) -> Commitment:
    return get_object_or_404(
        Commitment.objects.filter(contract__in=contracts_visible_to(user)).select_related(
            "contract__client"
        ),
        pk=pk,
    )


def get_amendment_for(user: User, pk: int) -> Amendment:
    return get_object_or_404(
        Amendment.objects.filter(contract__in=contracts_visible_to(user)).select_related(
            "contract"
        ),
        pk=pk,
    )


def get_contract_file_for(user: User, pk: int) -> ContractFile:
    return get_object_or_404(
        ContractFile.objects.filter(contract__in=contracts_visible_to(user)).select_related(
            "contract__client"
        ),
        pk=pk,
    )


def clients_for_contracts(user: User) -> QuerySet[Client]:
    """The clients a contract may be entered for: those whose KAM side the user is."""
    return clients_changeable_by(user).exclude(status=Client.Status.LOST).order_by("legal_name")


def approved_proposals_without_contract(user: User) -> QuerySet[Proposal]:
    """Approved proposals of the user's clients still waiting for their contract."""
    return (
        Proposal.objects.filter(
            status=Proposal.Status.APPROVED,
            brief__client__in=clients_changeable_by(user),
            contract__isnull=True,
        )
        .select_related("brief__client", "approved_version")
        .order_by("-decided_on", "-pk")
    )


def next_contract_number(today: date | None = None) -> str:
    """A suggestion in the agency's usual shape, HĐ-<year>-<n>; the KAM may type another."""
    year = (today or _today()).year
    prefix = f"HĐ-{year}-"
    count = Contract.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


# --- Projects -------------------------------------------------------------------------------
def projects_visible_to(user: User) -> QuerySet[Project]:
    """The projects of the clients the user sees, and those whose brief they planned; none to a
    department member, even on the account team (they see their department's tasks)."""
    if not sees_projects(user):
        return Project.objects.none()
    if sees_every_client(user):
        return Project.objects.all()
    return Project.objects.filter(
        Q(client__any_of=clients_visible_to(user))
        | Q(brief__any_of=CreativeBrief.objects.filter(planner=user).values("brief_id"))
    )


def get_project_for(user: User, pk: int) -> Project:
    return get_object_or_404(
        projects_visible_to(user).select_related(
            "client", "owner", "contract", "brief__creative_brief"
        ),
        pk=pk,
    )


def with_task_counts(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Each project's tasks, and of a live project those open and those late."""
    tasks = Task.objects.filter(project=OuterRef("pk"))
    open_tasks = tasks.exclude(status=Task.Status.DONE)
    late_tasks = open_tasks.filter(due_on__lt=_today())
    live = Q(status__in=LIVE_PROJECT)
    return projects.annotate(
        task_count=count_per_row(tasks, "project"),
        open_task_count=Case(When(live, then=count_per_row(open_tasks, "project")), default=0),
        late_task_count=Case(When(live, then=count_per_row(late_tasks, "project")), default=0),
    )


def projects_for_list(
    user: User, *, status: str = "", client: int | None = None, query: str = ""
) -> QuerySet[Project]:
    projects = projects_visible_to(user).select_related("client", "owner", "contract")
    if status == "open":
        projects = projects.filter(status__in=[Project.Status.PLANNING, Project.Status.RUNNING])
    elif status:
        projects = projects.filter(status=status)
    if client:
        projects = projects.filter(client_id=client)
    if query:
        projects = matching(projects, search_terms(query))
    return with_task_counts(projects).order_by("-starts_on", "-pk")


def clients_with_projects_visible_to(user: User) -> list[tuple[int, str]]:
    """The clients of the projects the user sees, by name: the project list's client filter."""
    clients = Client.objects.filter(pk__in=projects_visible_to(user).values("client_id"))
    return names_of(clients.order_by("legal_name"))


def projects_of_client(user: User, client: Client) -> QuerySet[Project]:
    return with_task_counts(
        projects_visible_to(user).filter(client=client).select_related("owner")
    ).order_by("-starts_on", "-pk")


def phases_of(project: Project) -> QuerySet[Phase]:
    return project.phases.select_related("evaluated_by").annotate(
        task_count=Count("tasks"),
        done_count=Count("tasks", filter=Q(tasks__status=Task.Status.DONE)),
    )


def get_phase_for(user: User, pk: int) -> Phase:
    return get_object_or_404(
        Phase.objects.filter(project__in=projects_visible_to(user)).select_related(
            "project__client"
        ),
        pk=pk,
    )


def check_items_of(project: Project) -> QuerySet[CheckItem]:
    return project.check_items.select_related("checked_by")


def get_check_item_for(user: User, pk: int) -> CheckItem:
    return get_object_or_404(
        CheckItem.objects.filter(project__in=projects_visible_to(user)).select_related(
            "project__client"
        ),
        pk=pk,
    )


def unchecked_count(project: Project) -> int:
    return project.check_items.filter(checked_at__isnull=True).count()


def slips_of(project: Project) -> QuerySet[Slip]:
    return project.slips.select_related("task", "milestone", "interaction", "recorded_by")


def stakeholders_to_inform(project: Project) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(client_id=project.client_id).order_by("full_name")


# --- Tasks and deadlines --------------------------------------------------------------------
def _late_dependency(today: date) -> Exists:
    late_ones = TaskDependency.objects.filter(
        task=OuterRef("pk"), depends_on__due_on__lt=today
    ).exclude(depends_on__status=Task.Status.DONE)
    return Exists(late_ones)


def with_deadline_flags(tasks: QuerySet[Task], today: date | None = None) -> QuerySet[Task]:
    """Tasks annotated `is_late` and `is_at_risk` (predicted late, not yet late)."""
    today = today or _today()
    late = OPEN_TASK & Q(due_on__lt=today)
    return tasks.annotate(
        is_late=ExpressionWrapper(late, output_field=BooleanField()),
        is_at_risk=ExpressionWrapper(
            ~late
            & OPEN_TASK
            & (Q(status=Task.Status.TODO, starts_on__lt=today) | _late_dependency(today)),
            output_field=BooleanField(),
        ),
    )


def flagged_tasks(tasks: QuerySet[Task], today: date | None = None) -> QuerySet[Task]:
    """The tasks late or predicted late."""
    today = today or _today()
    late = OPEN_TASK & Q(due_on__lt=today)
    at_risk = OPEN_TASK & (
        Q(status=Task.Status.TODO, starts_on__lt=today) | _late_dependency(today)
    )
    return with_deadline_flags(tasks.filter(late | at_risk), today)


def with_milestone_flags(
    milestones: QuerySet[Milestone], today: date | None = None
) -> QuerySet[Milestone]:
    """Milestones annotated `is_late` and `is_at_risk`: a task of the contract's projects due
    by the milestone is late or predicted late."""
    today = today or _today()
    slipping_work = flagged_tasks(
        Task.objects.filter(project__contract=OuterRef("contract"), due_on__lte=OuterRef("due_on")),
        today,
    )
    late = Q(reached_on__isnull=True, due_on__lt=today)
    return milestones.annotate(
        is_late=ExpressionWrapper(late, output_field=BooleanField()),
        is_at_risk=ExpressionWrapper(
            ~late & Q(reached_on__isnull=True) & Exists(slipping_work),
            output_field=BooleanField(),
        ),
    )


def tasks_visible_to(user: User) -> QuerySet[Task]:
    """The tasks of the projects the user sees, their department's and those assigned to them."""
    if not access.is_signed_in(user):
        return Task.objects.none()
    if sees_every_client(user):
        return Task.objects.all()
    scope = Q(project__any_of=projects_visible_to(user)) | Q(assignee=user)
    if user.department_id:
        scope |= Q(department_id=user.department_id)
    return Task.objects.filter(scope)


def get_task_for(user: User, pk: int) -> Task:
    return get_object_or_404(
        with_deadline_flags(tasks_visible_to(user)).select_related(
            "project__client",
            "project__brief",
            "project__owner",
            "phase",
            "department",
            "assignee",
            "client_request",
        ),
        pk=pk,
    )


def tasks_of(project: Project) -> QuerySet[Task]:
    return (
        with_deadline_flags(project.tasks.all())
        .select_related("phase", "department", "assignee")
        .prefetch_related(Prefetch("depends_on", queryset=Task.objects.only("pk", "title")))
        .order_by("starts_on", "due_on", "pk")
    )


def queue_for(
    user: User, *, status: str = "", mine: bool = False, department: int | None = None
) -> QuerySet[Task]:
    """A department's queue across clients: the open tasks of the user's department (or of the
    department chosen by someone who sees every task), and those assigned to them."""
    if department and (sees_every_client(user) or access.is_director(user)):
        tasks = tasks_visible_to(user).filter(department_id=department)
    else:
        scope = Q(assignee=user)
        if user.department_id and not mine:
            scope |= Q(department_id=user.department_id)
        tasks = tasks_visible_to(user).filter(scope)
    tasks = tasks.filter(status=status) if status else tasks.filter(OPEN_TASK)
    return (
        with_deadline_flags(tasks)
        .select_related("project__client", "department", "assignee", "phase")
        .order_by("due_on", "pk")
    )


def tasks_for_list(user: User, *, status: str = "", query: str = "") -> QuerySet[Task]:
    """The tasks of the projects the user runs or sees, for the all-tasks list."""
    tasks = tasks_visible_to(user)
    if status == "flagged":
        tasks = flagged_tasks(tasks)
    elif status:
        tasks = with_deadline_flags(tasks.filter(status=status))
    else:
        tasks = with_deadline_flags(tasks.filter(OPEN_TASK))
    if query:
        tasks = matching(tasks, search_terms(query))
    return tasks.select_related("project__client", "department", "assignee").order_by(
        "due_on", "pk"
    )


def dependencies_to_choose(task: Task) -> QuerySet[Task]:
    """The other tasks of its project it may wait for."""
    return task.project.tasks.exclude(pk=task.pk).order_by("due_on", "pk")


def assignees_to_choose(department: Department | None = None) -> QuerySet[User]:
    people = User.objects.filter(is_active=True)
    if department is not None:
        people = people.filter(department=department)
    return people.order_by("full_name")


def departments_to_choose() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("name")


def timeline_of(project: Project) -> dict:
    """The project's phases and tasks laid on one time axis, as offsets and widths in percent
    of the project's span, for the Gantt-like view."""
    tasks = list(tasks_of(project))
    phases = list(project.phases.all())
    dates = [project.starts_on, project.ends_on]
    dates += [t.starts_on for t in tasks] + [t.due_on for t in tasks]
    dates += [p.starts_on for p in phases] + [p.ends_on for p in phases]
    start, end = min(dates), max(dates)
    span = (end - start).days + 1

    def bar(first: date, last: date) -> dict:
        return {
            "left": round((first - start).days * 100 / span, 2),
            "width": round(max((last - first).days + 1, 1) * 100 / span, 2),
        }

    today = _today()
    return {
        "starts_on": start,
        "ends_on": end,
        "today": bar(today, today) if start <= today <= end else None,
        "phases": [{"phase": p, **bar(p.starts_on, p.ends_on)} for p in phases],
        "tasks": [{"task": t, **bar(t.starts_on, t.due_on)} for t in tasks],
    }


# --- Bookings -------------------------------------------------------------------------------
def bookings_visible_to(user: User) -> QuerySet[Booking]:
    if sees_every_client(user):
        return Booking.objects.all()
    return Booking.objects.filter(project__in=projects_visible_to(user))


def get_booking_for(user: User, pk: int) -> Booking:
    return get_object_or_404(
        bookings_visible_to(user).select_related("project__client", "backup_for"), pk=pk
    )


def bookings_of(project: Project) -> QuerySet[Booking]:
    return project.bookings.select_related("backup_for").order_by("starts_on", "pk")


def readiness_of(project: Project, today: date | None = None) -> dict:
    """The pre-production readiness: the active bookings with no confirmed backup (where the
    project wants backups) and those still unconfirmed within its warning window."""
    today = today or _today()
    active = project.bookings.filter(ACTIVE_BOOKING)
    confirmed_backup = Booking.objects.filter(
        backup_for=OuterRef("pk"), status=Booking.Status.CONFIRMED
    )
    without_backup = (
        active.filter(backup_for__isnull=True).exclude(Exists(confirmed_backup))
        if project.backups_required
        else Booking.objects.none()
    )
    horizon = today + timedelta(days=project.readiness_days)
    unconfirmed = active.filter(status=Booking.Status.PROPOSED, starts_on__lte=horizon)
    without_backup, unconfirmed = list(without_backup), list(unconfirmed)
    return {
        "without_backup": without_backup,
        "unconfirmed": unconfirmed,
        "horizon": horizon,
        "is_ready": not without_backup and not unconfirmed,
    }


# --- Change requests ------------------------------------------------------------------------
def change_requests_visible_to(user: User) -> QuerySet[ChangeRequest]:
    if sees_every_client(user):
        return ChangeRequest.objects.all()
    return ChangeRequest.objects.filter(project__any_of=projects_visible_to(user))


def get_change_request_for(user: User, pk: int) -> ChangeRequest:
    return get_object_or_404(
        change_requests_visible_to(user).select_related("project__client", "requested_by"),
        pk=pk,
    )


def get_change_line_for(user: User, pk: int) -> ChangeLine:
    return get_object_or_404(
        ChangeLine.objects.filter(
            change_request__in=change_requests_visible_to(user)
        ).select_related("change_request__project__client"),
        pk=pk,
    )


def with_effect(changes: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    """Each change request with its effect on cost and on the client's price (signed sums)."""
    added, removed = (
        Q(lines__effect=ChangeLine.Effect.ADD),
        Q(lines__effect=ChangeLine.Effect.REMOVE),
    )

    def signed(field: str):
        return Coalesce(
            Sum(f"lines__{field}", filter=added), Value(Decimal(0)), output_field=MONEY
        ) - Coalesce(Sum(f"lines__{field}", filter=removed), Value(Decimal(0)), output_field=MONEY)

    return changes.annotate(cost_effect=signed("cost_amount"), price_effect=signed("price_amount"))


def change_requests_of(project: Project) -> QuerySet[ChangeRequest]:
    return with_effect(project.change_requests.select_related("requested_by")).order_by(
        "-requested_on", "-pk"
    )


def change_requests_for_list(user: User, *, status: str = "") -> QuerySet[ChangeRequest]:
    changes = change_requests_visible_to(user).select_related("project__client", "requested_by")
    if status:
        changes = changes.filter(status=status)
    return with_effect(changes).order_by("-requested_on", "-pk")


def lines_of(change: ChangeRequest) -> QuerySet[ChangeLine]:
    return change.lines.select_related("department")


# --- Across apps: the agenda, the client page, the calendar ---------------------------------
def projects_run_by(user: User) -> QuerySet[Project]:
    """The open projects whose client the user changes: the ones they answer for."""
    return Project.objects.filter(
        client__in=ids_of_clients_changeable_by(user),
        status__in=[Project.Status.PLANNING, Project.Status.RUNNING],
    )


def agenda_items(user: User) -> list[AgendaItem]:
    """Late and predicted-late tasks of the projects they run and of their own queue, late
    milestones, and bookings not ready for pre-production."""
    if not access.is_signed_in(user):
        return []
    today = _today()
    running = projects_run_by(user) if not sees_every_client(user) else Project.objects.none()
    # A union, each part through its index: as one OR, PostgreSQL walked every open project.
    mine = (
        Task.objects.filter(assignee=user)
        .values("pk")
        .order_by()
        .union(Task.objects.filter(project__in=running).values("pk").order_by())
    )
    items = [
        AgendaItem(
            title=task.title,
            url=reverse("delivery:task_detail", args=[task.pk]),
            action=_("Late: act or tell the client")
            if task.is_late
            else _("Predicted late: start it or replan"),
            due_on=task.due_on,
            detail=str(task.project.client),
        )
        for task in flagged_tasks(Task.objects.filter(pk__in=mine), today)
        .select_related("project__client")
        .order_by("due_on")[:AGENDA_LIMIT]
    ]
    items += [
        AgendaItem(
            title=milestone.title,
            url=reverse("delivery:contract_detail", args=[milestone.contract_id]),
            action=_("Milestone late: reach it or record the slip"),
            due_on=milestone.due_on,
            detail=str(milestone.contract.client),
        )
        for milestone in Milestone.objects.filter(
            contract__client__in=ids_of_clients_changeable_by(user),
            contract__status=Contract.Status.SIGNED,
            reached_on__isnull=True,
            due_on__lt=today,
        )
        .select_related("contract__client")
        .order_by("due_on")[:AGENDA_LIMIT]
        if not sees_every_client(user)
    ]
    items += [
        AgendaItem(
            title=booking.name,
            url=reverse("delivery:project_detail", args=[booking.project_id]),
            action=_("Unconfirmed booking: confirm it or book another"),
            due_on=booking.starts_on,
            detail=booking.project.title,
        )
        for booking in Booking.objects.filter(
            project__in=running,
            status=Booking.Status.PROPOSED,
            starts_on__lte=today + timedelta(days=7),
            backup_for__isnull=True,
        )
        .select_related("project")
        .order_by("starts_on")[:AGENDA_LIMIT]
    ]
    return items


def client_panel(user: User, client: Client) -> dict:
    """The delivery panel of the client page: its projects and what is slipping on them."""
    projects = list(projects_of_client(user, client)[:20])
    flagged = list(
        flagged_tasks(tasks_visible_to(user).filter(project__client=client))
        .select_related("project")
        .order_by("due_on")[:10]
    )
    contracts = list(
        with_current_value(contracts_visible_to(user).filter(client=client)).order_by("-starts_on")[
            :10
        ]
    )
    return {"projects": projects, "flagged_tasks": flagged, "contracts": contracts}


def feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_owner(token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    return feed.user if feed and feed.user.is_active else None


def calendar_events(user: User, today: date | None = None) -> list[dict]:
    """A person's dated work for their calendar: the open tasks assigned to them, the
    milestones and bookings of the projects they run, and the next steps they owe, from
    30 days back on."""
    since = (today or _today()) - timedelta(days=30)
    running = projects_run_by(user)
    events = [
        {
            "uid": f"task-{task.pk}",
            "summary": _("Task: %(title)s") % {"title": task.title},
            "starts_on": task.due_on,
            "description": f"{task.project.client} — {task.project.title}",
            "url": reverse("delivery:task_detail", args=[task.pk]),
        }
        for task in Task.objects.filter(assignee=user, due_on__gte=since)
        .filter(OPEN_TASK)
        .select_related("project__client")
    ]
    events += [
        {
            "uid": f"milestone-{milestone.pk}",
            "summary": _("Milestone: %(title)s") % {"title": milestone.title},
            "starts_on": milestone.due_on,
            "description": (f"{milestone.contract.client} — {milestone.contract.number}"),
            "url": reverse("delivery:contract_detail", args=[milestone.contract_id]),
        }
        for milestone in Milestone.objects.filter(
            contract__projects__in=running, reached_on__isnull=True, due_on__gte=since
        )
        .distinct()
        .select_related("contract__client")
    ]
    events += [
        {
            "uid": f"booking-{booking.pk}",
            "summary": _("Booking: %(name)s") % {"name": booking.name},
            "starts_on": booking.starts_on,
            "ends_on": booking.ends_on,
            "description": f"{booking.project.title} — {booking.get_status_display()}",
            "url": reverse("delivery:project_detail", args=[booking.project_id]),
        }
        for booking in Booking.objects.filter(
            ACTIVE_BOOKING, project__in=running, ends_on__gte=since
        ).select_related("project")
    ]
    events += [
        {
            "uid": f"next-step-{interaction.pk}",
            "summary": _("Next step: %(step)s") % {"step": interaction.next_step},
            "starts_on": interaction.next_step_due_on,
            "description": str(interaction.client),
            "url": reverse("clients:client_detail", args=[interaction.client_id]),
        }
        for interaction in Interaction.objects.filter(
            next_step_owner=user, next_step_due_on__gte=since, next_step_done_at__isnull=True
        )
        .exclude(next_step="")
        .select_related("client")
    ]
    return events
