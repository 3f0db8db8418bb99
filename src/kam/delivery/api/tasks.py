"""Tasks for departments and outside vendors: planned by whoever runs the project (what, who,
which phase, when, what it waits for), worked by the department (its status and deliverables
only), and a client-facing date that slips is moved with a record of how the client was told.
A department member sees their department's tasks and those assigned to them, not another
department's (404)."""

from datetime import date, datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Flag, Id, Pagination
from kam.core.errors import require
from kam.delivery import permissions, queries, services
from kam.delivery.api.common import (
    ClientRef,
    Day,
    NamedRef,
    PersonRef,
    ProjectRef,
    SlipIn,
    SlipOut,
    TaskRef,
    active_person,
    client_ref,
    department_in_use,
    named_ref,
    person_ref,
    phase_of,
    request_of,
    router,
    slip_fields,
    tasks_of_project,
    visible_task,
)
from kam.delivery.models import Project, Task
from kam.people.models import User


# --- Shapes ---------------------------------------------------------------------------------
class TaskOut(Schema):
    id: int
    title: str
    description: str
    project: ProjectRef
    client: ClientRef
    phase: NamedRef | None
    department: NamedRef | None
    vendor: str = Field(description="the outside vendor, when no department does it")
    assignee: PersonRef | None
    client_request_id: int | None
    starts_on: date
    due_on: date
    status: Task.Status
    client_facing: bool = Field(description="the client sees its date: it moves by a slip")
    deliverables: str = Field(description="links to what was delivered, one a line")
    done_on: date | None
    is_late: bool = Field(description="not done and its due date has passed")
    is_at_risk: bool = Field(
        description="predicted late: its start has passed and it is still to do, or a task it "
        "waits for is late"
    )
    created_at: datetime

    @staticmethod
    def resolve_client(task: Task) -> dict:
        return client_ref(task.project.client)

    @staticmethod
    def resolve_phase(task: Task) -> dict | None:
        return named_ref(task.phase)

    @staticmethod
    def resolve_department(task: Task) -> dict | None:
        return named_ref(task.department)

    @staticmethod
    def resolve_assignee(task: Task) -> dict | None:
        return person_ref(task.assignee)


class TaskDetailOut(TaskOut):
    depends_on: list[TaskRef] = Field(description="the tasks it waits for")

    @staticmethod
    def resolve_depends_on(task: Task) -> list:
        return task.waits_for


def _task_out(viewer: User, pk: int) -> Task:
    """The task as the caller may see it, with its lateness and the tasks it waits for."""
    task = queries.get_task_for(viewer, pk)
    task.waits_for = list(task.depends_on.order_by("due_on", "pk"))
    return task


# --- Tasks ----------------------------------------------------------------------------------
class TaskPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    phase_id: BodyId | None = None
    department_id: BodyId | None = None
    vendor: str | None = Field(None, max_length=200)
    assignee_id: BodyId | None = None
    client_request_id: BodyId | None = None
    starts_on: Day | None = None
    due_on: Day | None = None
    status: Task.Status | None = None
    client_facing: Flag | None = None
    deliverables: str | None = Field(None, max_length=4000)


class TaskIn(TaskPatch):
    title: str = Field(min_length=1, max_length=200)
    starts_on: Day
    due_on: Day
    depends_on_ids: list[BodyId] = Field([], max_length=50, description="the tasks it waits for")


class WorkIn(Schema):
    status: Task.Status | None = None
    deliverables: str | None = Field(None, max_length=4000)


class DependencyIn(Schema):
    depends_on_id: BodyId = Field(description="a task of the same project to wait for")


def _task_fields(project: Project, data: dict) -> dict:
    if "phase_id" in data:
        data["phase"] = phase_of(project, data.pop("phase_id"), "phase_id")
    if "department_id" in data:
        data["department"] = department_in_use(data.pop("department_id"), "department_id")
    if "assignee_id" in data:
        data["assignee"] = active_person(data.pop("assignee_id"), "assignee_id")
    if "client_request_id" in data:
        data["client_request"] = request_of(
            project, data.pop("client_request_id"), "client_request_id"
        )
    return data


@router.get(
    "/tasks",
    response={200: list[TaskOut], **ERRORS},
    summary="The caller's queue (their department's open tasks and theirs), or one project's",
)
@paginate(Pagination)
def list_tasks(
    request: HttpRequest,
    project_id: Id | None = None,
    status: Task.Status | None = None,
    flagged: bool = False,
):
    """Without `project_id`, the caller's queue: open tasks unless a `status` is asked for.
    `flagged=true` keeps the late and predicted-late ones."""
    if project_id is not None:
        tasks = queries.tasks_of(queries.get_project_for(request.user, project_id))
        tasks = tasks.filter(status=status) if status else tasks
    else:
        tasks = queries.queue_for(request.user, status=status or "")
    return queries.flagged_tasks(tasks) if flagged else tasks


@router.get(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, **ERRORS},
    summary="A task, whether it is late or predicted late, and what it waits for",
)
def get_task(request: HttpRequest, task_id: Id):
    return _task_out(request.user, task_id)


@router.post(
    "/projects/{project_id}/tasks",
    response={201: TaskDetailOut, **ERRORS},
    summary="Give a department or an outside vendor a piece of the project",
)
def create_task(request: HttpRequest, project_id: Id, payload: TaskIn):
    project = queries.get_project_for(request.user, project_id)
    require(permissions.can_run_project(request.user, project))
    data = _task_fields(project, payload.dict(exclude_unset=True))
    depends_on = tasks_of_project(project, data.pop("depends_on_ids", []), "depends_on_ids")
    task = services.create_task(by=request.user, project=project, depends_on=depends_on, **data)
    return Status(201, _task_out(request.user, task.pk))


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskDetailOut, **ERRORS},
    summary="Replan a task (whoever runs the project; a client-facing date moves by a slip)",
)
def patch_task(request: HttpRequest, task_id: Id, payload: TaskPatch):
    task = queries.get_task_for(request.user, task_id)
    require(permissions.can_run_project(request.user, task.project))
    data = _task_fields(task.project, payload.dict(exclude_unset=True))
    services.update_task(by=request.user, task=task, **data)
    return _task_out(request.user, task_id)


@router.post(
    "/tasks/{task_id}/work",
    response={200: TaskDetailOut, **ERRORS},
    summary="Move the task along: its status and the links to what was delivered",
)
def work_task(request: HttpRequest, task_id: Id, payload: WorkIn):
    task = queries.get_task_for(request.user, task_id)
    services.work_task(by=request.user, task=task, **payload.dict(exclude_unset=True))
    return _task_out(request.user, task_id)


@router.delete(
    "/tasks/{task_id}",
    response={204: None, **ERRORS},
    summary="Delete a task created by mistake (not one under way or waited for: 409)",
)
def delete_task(request: HttpRequest, task_id: Id):
    task = queries.get_task_for(request.user, task_id)
    services.delete_task(by=request.user, task=task)
    return Status(204, None)


@router.post(
    "/tasks/{task_id}/dependencies",
    response={201: TaskDetailOut, **ERRORS},
    summary="Make the task wait for another of its project (a circle is refused)",
)
def add_dependency(request: HttpRequest, task_id: Id, payload: DependencyIn):
    task = queries.get_task_for(request.user, task_id)
    require(permissions.can_run_project(request.user, task.project))
    other = visible_task(request.user, payload.depends_on_id, "depends_on_id")
    services.add_dependency(by=request.user, task=task, depends_on=other)
    return Status(201, _task_out(request.user, task_id))


@router.delete(
    "/tasks/{task_id}/dependencies/{other_id}",
    response={204: None, **ERRORS},
    summary="Stop the task waiting for another",
)
def remove_dependency(request: HttpRequest, task_id: Id, other_id: Id):
    task = queries.get_task_for(request.user, task_id)
    require(permissions.can_run_project(request.user, task.project))
    other = get_object_or_404(task.depends_on.all(), pk=other_id)
    services.remove_dependency(by=request.user, task=task, depends_on=other)
    return Status(204, None)


@router.post(
    "/tasks/{task_id}/slip",
    response={201: SlipOut, **ERRORS},
    summary="Move a client-facing task's date later, with how the client was told",
)
def slip_task(request: HttpRequest, task_id: Id, payload: SlipIn):
    task = queries.get_task_for(request.user, task_id)
    require(permissions.can_run_project(request.user, task.project))
    data = slip_fields(task.project.client_id, payload)
    slip = services.record_task_slip(by=request.user, task=task, **data)
    return Status(201, slip)
