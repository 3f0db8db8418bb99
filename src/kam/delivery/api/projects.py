"""Projects: started under a contract with the usual four phases and a check list drawn from the
brief, run phase by phase (each closed with an evaluation), checked against the brief and
delivered, or cancelled; deleted only while nothing hangs on them. The project's page shows its
pre-production readiness: bookings without a confirmed backup, and those still unconfirmed."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, Flag, Id, Pagination
from kam.delivery import queries, services
from kam.delivery.api.bookings import BookingOut
from kam.delivery.api.common import (
    ClientRef,
    ContractRef,
    Day,
    PersonRef,
    Score,
    client_ref,
    person_ref,
    router,
)
from kam.delivery.models import CheckItem, Phase, Project
from kam.people.models import User


# --- Shapes ---------------------------------------------------------------------------------
class PhaseOut(Schema):
    id: int
    project_id: int
    kind: Phase.Kind
    name: str
    position: int
    starts_on: date
    ends_on: date
    status: Phase.Status
    went_well: str
    issues: str
    score: int | None
    evaluated_by: PersonRef | None
    evaluated_at: datetime | None
    task_count: int
    done_count: int

    @staticmethod
    def resolve_evaluated_by(phase: Phase) -> dict | None:
        return person_ref(phase.evaluated_by)


class CheckItemOut(Schema):
    id: int
    project_id: int
    source: CheckItem.Source = Field(description="what of the brief (or contract) it checks")
    text: str
    position: int
    is_checked: bool
    checked_by: PersonRef | None
    checked_at: datetime | None
    note: str

    @staticmethod
    def resolve_checked_by(item: CheckItem) -> dict | None:
        return person_ref(item.checked_by)


class ReadinessOut(Schema):
    """Pre-production readiness: active bookings with no confirmed backup (when the project wants
    backups) and those still unconfirmed that start within the warning window."""

    is_ready: bool
    horizon: date = Field(description="bookings starting by this day must be confirmed")
    without_backup: list[BookingOut]
    unconfirmed: list[BookingOut]


class ProjectOut(Schema):
    id: int
    title: str
    client: ClientRef
    contract: ContractRef
    brief_id: int | None
    status: Project.Status
    starts_on: date
    ends_on: date = Field(description="the delivery date")
    owner: PersonRef
    backups_required: bool
    readiness_days: int
    delivered_on: date | None
    task_count: int
    open_task_count: int
    late_task_count: int
    created_at: datetime

    @staticmethod
    def resolve_client(project: Project) -> dict:
        return client_ref(project.client)

    @staticmethod
    def resolve_owner(project: Project) -> dict:
        return person_ref(project.owner)


class ProjectDetailOut(ProjectOut):
    scope: str
    unchecked_reason: str = Field(description="why it was delivered with items unchecked")
    unchecked_count: int
    phases: list[PhaseOut]
    readiness: ReadinessOut
    check_items: list[CheckItemOut]

    @staticmethod
    def resolve_phases(project: Project) -> list:
        return project.phase_rows

    @staticmethod
    def resolve_check_items(project: Project) -> list:
        return project.check_rows

    @staticmethod
    def resolve_unchecked_count(project: Project) -> int:
        return sum(1 for item in project.check_rows if not item.is_checked)

    @staticmethod
    def resolve_readiness(project: Project) -> dict:
        return project.readiness


def _project_out(viewer: User, pk: int) -> Project:
    """The project with its task counts, phases, readiness and the check against the brief."""
    project = queries.projects_for_list(viewer).get(pk=pk)
    project.phase_rows = list(queries.phases_of(project))
    project.check_rows = list(queries.check_items_of(project))
    project.readiness = queries.readiness_of(project)
    return project


# --- Projects -------------------------------------------------------------------------------
class ProjectPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    scope: str | None = Field(None, max_length=8000)
    starts_on: Day | None = None
    ends_on: Day | None = None
    backups_required: Flag | None = None
    readiness_days: int | None = Field(None, ge=0, le=90, strict=True)


class ProjectIn(ProjectPatch):
    """Left out, the title, scope and dates are the contract's."""


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class DeliverIn(Schema):
    reason: str = Field(
        "", max_length=2000, description="needed when items of the check are not ticked"
    )


@router.get("/projects", response={200: list[ProjectOut], **ERRORS}, summary="Projects")
@paginate(Pagination)
def list_projects(
    request: HttpRequest,
    status: Project.Status | Literal["open"] | None = None,
    client_id: Id | None = None,
    q: str = Query("", max_length=200, description="search the title"),
):
    return queries.projects_for_list(request.user, status=status or "", client=client_id, query=q)


@router.get(
    "/projects/{project_id}",
    response={200: ProjectDetailOut, **ERRORS},
    summary="A project: its phases, pre-production readiness, check list and task counts",
)
def get_project(request: HttpRequest, project_id: Id):
    queries.get_project_for(request.user, project_id)
    return _project_out(request.user, project_id)


@router.post(
    "/contracts/{contract_id}/projects",
    response={201: ProjectDetailOut, **ERRORS},
    summary="Start the project under a contract (four phases, the check list from the brief)",
)
def create_project(request: HttpRequest, contract_id: Id, payload: ProjectIn):
    contract = queries.get_contract_for(request.user, contract_id)
    data = payload.dict(exclude_unset=True)
    project = services.create_project(by=request.user, contract=contract, **data)
    return Status(201, _project_out(request.user, project.pk))


@router.patch(
    "/projects/{project_id}",
    response={200: ProjectDetailOut, **ERRORS},
    summary="Change the project (its scope and dates only while it is being planned)",
)
def patch_project(request: HttpRequest, project_id: Id, payload: ProjectPatch):
    project = queries.get_project_for(request.user, project_id)
    services.update_project(by=request.user, project=project, **payload.dict(exclude_unset=True))
    return _project_out(request.user, project_id)


@router.post(
    "/projects/{project_id}/cancel",
    response={200: ProjectDetailOut, **ERRORS},
    summary="Cancel the project, and why",
)
def cancel_project(request: HttpRequest, project_id: Id, payload: ReasonIn):
    project = queries.get_project_for(request.user, project_id)
    services.cancel_project(by=request.user, project=project, reason=payload.reason)
    return _project_out(request.user, project_id)


@router.delete(
    "/projects/{project_id}",
    response={204: None, **ERRORS},
    summary="Delete a project started by mistake (one with a history is cancelled instead)",
)
def delete_project(request: HttpRequest, project_id: Id):
    project = queries.get_project_for(request.user, project_id)
    services.delete_project(by=request.user, project=project)
    return Status(204, None)


@router.post(
    "/projects/{project_id}/deliver",
    response={200: ProjectDetailOut, **ERRORS},
    summary="Deliver the project after the check (with unticked items, say why)",
)
def deliver_project(request: HttpRequest, project_id: Id, payload: DeliverIn):
    project = queries.get_project_for(request.user, project_id)
    services.deliver_project(by=request.user, project=project, reason=payload.reason)
    return _project_out(request.user, project_id)


# --- Phases ---------------------------------------------------------------------------------
class PhasePatch(Schema):
    kind: Phase.Kind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    position: int | None = Field(None, ge=0, le=32767, strict=True)
    starts_on: Day | None = None
    ends_on: Day | None = None


class PhaseIn(PhasePatch):
    kind: Phase.Kind
    name: str = Field(min_length=1, max_length=200)
    starts_on: Day
    ends_on: Day


class EvaluationIn(Schema):
    went_well: str = Field("", max_length=4000)
    issues: str = Field("", max_length=4000)
    score: Score


def _phase_out(phase: Phase) -> Phase:
    """The phase re-read with its task counts."""
    return queries.phases_of(phase.project).get(pk=phase.pk)


@router.get(
    "/projects/{project_id}/phases",
    response={200: list[PhaseOut], **ERRORS},
    summary="The project's phases, in order",
)
def list_phases(request: HttpRequest, project_id: Id):
    project = queries.get_project_for(request.user, project_id)
    return list(queries.phases_of(project))


@router.post(
    "/projects/{project_id}/phases",
    response={201: PhaseOut, **ERRORS},
    summary="Add a stage (a second shoot, an event day) to the project",
)
def add_phase(request: HttpRequest, project_id: Id, payload: PhaseIn):
    project = queries.get_project_for(request.user, project_id)
    phase = services.add_phase(by=request.user, project=project, **payload.dict(exclude_unset=True))
    return Status(201, _phase_out(phase))


@router.patch(
    "/phases/{phase_id}",
    response={200: PhaseOut, **ERRORS},
    summary="Change a phase not yet closed",
)
def patch_phase(request: HttpRequest, phase_id: Id, payload: PhasePatch):
    phase = queries.get_phase_for(request.user, phase_id)
    services.update_phase(by=request.user, phase=phase, **payload.dict(exclude_unset=True))
    return _phase_out(phase)


@router.delete(
    "/phases/{phase_id}",
    response={204: None, **ERRORS},
    summary="Remove a phase not started and without tasks",
)
def remove_phase(request: HttpRequest, phase_id: Id):
    phase = queries.get_phase_for(request.user, phase_id)
    services.remove_phase(by=request.user, phase=phase)
    return Status(204, None)


@router.post(
    "/phases/{phase_id}/start",
    response={200: PhaseOut, **ERRORS},
    summary="Start a phase (the project runs from its first started phase)",
)
def start_phase(request: HttpRequest, phase_id: Id):
    phase = queries.get_phase_for(request.user, phase_id)
    services.start_phase(by=request.user, phase=phase)
    return _phase_out(phase)


@router.post(
    "/phases/{phase_id}/evaluation",
    response={200: PhaseOut, **ERRORS},
    summary="Close the phase with its evaluation: what went well, the issues, a score 1 to 5",
)
def evaluate_phase(request: HttpRequest, phase_id: Id, payload: EvaluationIn):
    phase = queries.get_phase_for(request.user, phase_id)
    services.complete_phase(by=request.user, phase=phase, **payload.dict())
    return _phase_out(phase)


# --- The check against the brief ------------------------------------------------------------
class CheckIn(Schema):
    text: str = Field(min_length=1, max_length=500)


class TickIn(Schema):
    note: str = Field("", max_length=500)


def _check_out(item: CheckItem) -> CheckItem:
    return queries.check_items_of(item.project).get(pk=item.pk)


@router.get(
    "/projects/{project_id}/checks",
    response={200: list[CheckItemOut], **ERRORS},
    summary="The check against the brief, line by line",
)
def list_checks(request: HttpRequest, project_id: Id):
    project = queries.get_project_for(request.user, project_id)
    return list(queries.check_items_of(project))


@router.post(
    "/projects/{project_id}/checks",
    response={201: CheckItemOut, **ERRORS},
    summary="Add a line to the check",
)
def add_check(request: HttpRequest, project_id: Id, payload: CheckIn):
    project = queries.get_project_for(request.user, project_id)
    item = services.add_check_item(by=request.user, project=project, text=payload.text)
    return Status(201, _check_out(item))


@router.post(
    "/checks/{check_id}/tick",
    response={200: CheckItemOut, **ERRORS},
    summary="Tick a line: the delivered work does what the brief asked",
)
def tick_check(request: HttpRequest, check_id: Id, payload: TickIn):
    item = queries.get_check_item_for(request.user, check_id)
    services.tick_check_item(by=request.user, item=item, note=payload.note)
    return _check_out(item)


@router.post(
    "/checks/{check_id}/untick",
    response={200: CheckItemOut, **ERRORS},
    summary="Untick a line",
)
def untick_check(request: HttpRequest, check_id: Id):
    item = queries.get_check_item_for(request.user, check_id)
    services.untick_check_item(by=request.user, item=item)
    return _check_out(item)


@router.delete(
    "/checks/{check_id}",
    response={204: None, **ERRORS},
    summary="Remove a line someone added (the brief's own lines stay: 409)",
)
def remove_check(request: HttpRequest, check_id: Id):
    item = queries.get_check_item_for(request.user, check_id)
    services.remove_check_item(by=request.user, item=item)
    return Status(204, None)
