"""Tasks for departments and vendors: planned by whoever runs the project (what, who, which
phase, when, what it waits for), worked by the department (status, deliverables); a
client-facing date that slips is moved only with a record of how the client was told."""

from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients import services as client_services
from kam.clients.models import ClientRequest, Interaction, Stakeholder
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.delivery.models import Contract, Milestone, Phase, Project, Slip, Task, TaskDependency
from kam.delivery.permissions import can_change_contract, can_run_project, can_work_task
from kam.delivery.services.projects import locked_open_project
from kam.people.models import Department, User

VERB_LABELS = {
    "task.created": gettext_lazy("created the task"),
    "task.updated": gettext_lazy("changed the task"),
    "task.worked": gettext_lazy("moved the task along"),
    "task.deleted": gettext_lazy("deleted the task"),
    "task.dependency_added": gettext_lazy("made the task wait for another"),
    "task.dependency_removed": gettext_lazy("took away a task it waited for"),
    "task.slipped": gettext_lazy("recorded a slipped date and told the client"),
    "milestone.slipped": gettext_lazy("recorded a slipped milestone and told the client"),
}

TASK_FIELDS = [
    "title",
    "description",
    "phase",
    "department",
    "vendor",
    "assignee",
    "client_request",
    "starts_on",
    "due_on",
    "status",
    "client_facing",
    "deliverables",
]
WORK_FIELDS = ["status", "deliverables"]


# --- Planning tasks -------------------------------------------------------------------------
@transaction.atomic
def create_task(
    *, by: User, project: Project, depends_on: list[Task] | None = None, **fields
) -> Task:
    """Give a department (or an outside vendor) a piece of the project: what, who, in which
    phase, from when to when, and the tasks it waits for."""
    project = locked_open_project(project, by)
    task = Task(project=project, created_by=by)
    fields.setdefault("status", Task.Status.TODO)
    _set_task_fields(task, fields)
    validated_save(task)
    for other in depends_on or []:
        _add_dependency(task, other)
    record_event(
        subject=task, verb="task.created", by=by, changes=created(snapshot(task, TASK_FIELDS))
    )
    return task


@transaction.atomic
def update_task(*, by: User, task: Task, **fields) -> Task:
    """Replan a task. A client-facing due date does not move later here: record the slip, and
    how the client was told."""
    locked_open_project(task.project, by)
    task = Task.objects.select_related("project").get(pk=task.pk)
    was_due = task.due_on
    before = snapshot(task, TASK_FIELDS)
    _set_task_fields(task, fields)
    if task.client_facing and before["client_facing"] and task.due_on > was_due:
        raise InvalidTransition(
            _("The client sees this date: record the slip and how the client was told.")
        )
    validated_save(task, update_fields=fields, also=["done_on"])
    record_change(
        subject=task, verb="task.updated", by=by, before=before, after=snapshot(task, TASK_FIELDS)
    )
    return task


@transaction.atomic
def work_task(*, by: User, task: Task, **fields) -> Task:
    """The department moves its task along: its status and the links to what it delivered."""
    task = Task.objects.select_for_update().select_related("project").get(pk=task.pk)
    require(can_work_task(by, task))
    if not task.project.is_open:
        raise InvalidTransition(
            _("This project is %(status)s; it no longer changes.")
            % {"status": task.project.get_status_display()}
        )
    unknown = set(fields) - set(WORK_FIELDS)
    if unknown:
        raise DomainError(_("Only the status and the deliverables change here."))
    before = snapshot(task, WORK_FIELDS)
    _set_task_fields(task, fields)
    validated_save(task, update_fields=fields, also=["done_on"])
    record_change(
        subject=task, verb="task.worked", by=by, before=before, after=snapshot(task, WORK_FIELDS)
    )
    return task


@transaction.atomic
def delete_task(*, by: User, task: Task) -> None:
    """Delete a task created by mistake: not one that is under way or that others wait for."""
    project = locked_open_project(task.project, by)
    if task.status not in (Task.Status.TODO, Task.Status.BLOCKED):
        raise InvalidTransition(_("A task under way or done is kept; close it instead."))
    if TaskDependency.objects.filter(depends_on=task).exists():
        raise InvalidTransition(_("Other tasks wait for this one; take that away first."))
    if task.slips.exists():
        raise InvalidTransition(_("This task's slips were told to the client; it is kept."))
    record_event(subject=project, verb="task.deleted", by=by, changes={"tasks": [task.title, None]})
    task.delete()


def _set_task_fields(task: Task, fields: dict) -> None:
    assign(task, fields)
    if not task.title:
        raise DomainError(_("Give the task a title."), field="title")
    if task.status not in Task.Status.values:
        raise DomainError(_("Choose a status."), field="status")
    if task.starts_on is None or task.due_on is None:
        raise DomainError(_("Give the task its start and due dates."), field="due_on")
    if task.due_on < task.starts_on:
        raise DomainError(_("The due date cannot be before the start date."), field="due_on")
    if task.department is None and not task.vendor:
        raise DomainError(_("Choose a department or name the outside vendor."), field="department")
    if task.department is not None and not isinstance(task.department, Department):
        raise DomainError(_("Choose the department."), field="department")
    if task.phase is not None and (
        not isinstance(task.phase, Phase) or task.phase.project_id != task.project_id
    ):
        raise DomainError(_("Choose a phase of this project."), field="phase")
    if task.assignee is not None and not task.assignee.is_active:
        raise DomainError(_("Choose an active colleague."), field="assignee")
    request = task.client_request
    if request is not None and (
        not isinstance(request, ClientRequest) or request.client_id != task.project.client_id
    ):
        raise DomainError(_("Choose a request of this client."), field="client_request")
    task.done_on = (task.done_on or timezone.localdate()) if task.is_done else None


# --- Dependencies ---------------------------------------------------------------------------
@transaction.atomic
def add_dependency(*, by: User, task: Task, depends_on: Task) -> TaskDependency:
    """Make a task wait for another of the same project; a circle of waiting is refused."""
    locked_open_project(task.project, by)
    dependency = _add_dependency(task, depends_on)
    record_event(
        subject=task,
        verb="task.dependency_added",
        by=by,
        changes={"depends_on": [None, depends_on.title]},
    )
    return dependency


def _add_dependency(task: Task, depends_on: Task) -> TaskDependency:
    if not isinstance(depends_on, Task) or depends_on.project_id != task.project_id:
        raise DomainError(_("A task waits for tasks of its own project."), field="depends_on")
    if depends_on.pk == task.pk:
        raise DomainError(_("A task cannot wait for itself."), field="depends_on")
    if task.pk in _waited_for_by(depends_on):
        raise DomainError(
            _("“%(other)s” already waits for “%(task)s”: that would be a circle.")
            % {"other": depends_on.title, "task": task.title},
            field="depends_on",
        )
    dependency = TaskDependency(task=task, depends_on=depends_on)
    validated_save(
        dependency, field="depends_on", message=_("The task waits for that one already.")
    )
    return dependency


def _waited_for_by(task: Task) -> set[int]:
    """Every task `task` waits for, directly or through others (one query for the project)."""
    edges: dict[int, list[int]] = defaultdict(list)
    for waiting, waited in TaskDependency.objects.filter(
        task__project_id=task.project_id
    ).values_list("task_id", "depends_on_id"):
        edges[waiting].append(waited)
    seen: set[int] = set()
    stack = [task.pk]
    while stack:
        for waited in edges[stack.pop()]:
            if waited not in seen:
                seen.add(waited)
                stack.append(waited)
    return seen


@transaction.atomic
def remove_dependency(*, by: User, task: Task, depends_on: Task) -> None:
    locked_open_project(task.project, by)
    removed, _count = TaskDependency.objects.filter(task=task, depends_on=depends_on).delete()
    if not removed:
        raise DomainError(_("The task does not wait for that one."), field="depends_on")
    record_event(
        subject=task,
        verb="task.dependency_removed",
        by=by,
        changes={"depends_on": [depends_on.title, None]},
    )


# --- Slips ----------------------------------------------------------------------------------
@transaction.atomic
def record_task_slip(
    *,
    by: User,
    task: Task,
    now_due_on: date,
    reason: str,
    told_how: str,
    told_whom: list[Stakeholder] | None = None,
    told_at: datetime | None = None,
) -> Slip:
    """A client-facing task's date moves later: the new date, why, and how the client was told
    (a call, a meeting, an email…), which becomes an interaction on the client."""
    project = locked_open_project(task.project, by)
    task = Task.objects.get(pk=task.pk)
    if not task.client_facing:
        raise InvalidTransition(_("This date is internal: replan the task instead."))
    slip = _slip(
        by=by,
        project=project,
        subject=task.title,
        was_due_on=task.due_on,
        now_due_on=now_due_on,
        reason=reason,
        told_how=told_how,
        told_whom=told_whom,
        told_at=told_at,
        task=task,
    )
    task.due_on = now_due_on
    validated_save(task, update_fields=["due_on"])
    record_event(
        subject=task,
        verb="task.slipped",
        by=by,
        changes={"due_on": [str(slip.was_due_on), str(now_due_on)], "reason": [None, slip.reason]},
    )
    return slip


@transaction.atomic
def record_milestone_slip(
    *,
    by: User,
    milestone: Milestone,
    now_due_on: date,
    reason: str,
    told_how: str,
    told_whom: list[Stakeholder] | None = None,
    told_at: datetime | None = None,
) -> Slip:
    """A signed contract's milestone moves later, with how the client was told."""
    contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
    require(can_change_contract(by, contract))
    milestone = Milestone.objects.get(pk=milestone.pk)
    if contract.is_draft:
        raise InvalidTransition(_("The contract is a draft: change the milestone's date directly."))
    if milestone.reached_on is not None:
        raise InvalidTransition(_("This milestone is reached already."))
    project = (
        contract.projects.filter(
            status__in=[Project.Status.PLANNING, Project.Status.RUNNING]
        ).first()
        or contract.projects.first()
    )
    if project is None:
        raise InvalidTransition(_("Start the contract's project first; slips are kept on it."))
    require(can_run_project(by, project))
    slip = _slip(
        by=by,
        project=project,
        subject=milestone.title,
        was_due_on=milestone.due_on,
        now_due_on=now_due_on,
        reason=reason,
        told_how=told_how,
        told_whom=told_whom,
        told_at=told_at,
        milestone=milestone,
    )
    milestone.due_on = now_due_on
    validated_save(milestone, update_fields=["due_on"])
    record_event(
        subject=contract,
        verb="milestone.slipped",
        by=by,
        changes={
            "milestones": [
                f"{milestone.title}: {slip.was_due_on}",
                f"{milestone.title}: {now_due_on}",
            ],
            "reason": [None, slip.reason],
        },
    )
    return slip


def _slip(
    *,
    by: User,
    project: Project,
    subject: str,
    was_due_on: date,
    now_due_on: date,
    reason: str,
    told_how: str,
    told_whom: list[Stakeholder] | None,
    told_at: datetime | None,
    **date_of,
) -> Slip:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the date slips."), field="reason")
    if now_due_on is None or now_due_on <= was_due_on:
        raise DomainError(_("A slip moves the date later."), field="now_due_on")
    if told_how not in Interaction.CONTACT_KINDS:
        raise DomainError(_("Say how the client was told."), field="told_how")
    interaction = client_services.log_interaction(
        by=by,
        client=project.client,
        stakeholders=told_whom or [],
        kind=told_how,
        happened_at=told_at,
        summary=_("Told the client that “%(subject)s” moves from %(was)s to %(now)s: %(reason)s")
        % {
            "subject": subject,
            "was": was_due_on.strftime("%d/%m/%Y"),
            "now": now_due_on.strftime("%d/%m/%Y"),
            "reason": reason,
        },
    )
    slip = Slip(
        project=project,
        was_due_on=was_due_on,
        now_due_on=now_due_on,
        reason=reason[:1000],
        interaction=interaction,
        recorded_by=by,
        **date_of,
    )
    validated_save(slip)
    return slip
