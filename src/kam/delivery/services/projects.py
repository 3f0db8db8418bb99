"""Projects: started under a contract with the four usual phases and a check list drawn from the
brief, run phase by phase (each closed with the KAM's evaluation), checked against the brief and
delivered — or cancelled; deleted only while nothing hangs on them."""

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.delivery.models import CheckItem, Contract, Phase, Project
from kam.delivery.permissions import can_change_contract, can_run_project
from kam.people.models import User

VERB_LABELS = {
    "project.created": gettext_lazy("started the project"),
    "project.updated": gettext_lazy("changed the project"),
    "project.cancelled": gettext_lazy("cancelled the project"),
    "project.deleted": gettext_lazy("deleted the project"),
    "project.delivered": gettext_lazy("delivered the project"),
    "project.phase_added": gettext_lazy("added a phase"),
    "project.phase_changed": gettext_lazy("changed a phase"),
    "project.phase_removed": gettext_lazy("removed a phase"),
    "project.phase_started": gettext_lazy("started a phase"),
    "project.phase_evaluated": gettext_lazy("closed a phase with its evaluation"),
    "project.check_added": gettext_lazy("added a check"),
    "project.check_ticked": gettext_lazy("ticked a check"),
    "project.check_unticked": gettext_lazy("unticked a check"),
    "project.check_removed": gettext_lazy("removed a check"),
}

PROJECT_FIELDS = ["title", "scope", "starts_on", "ends_on", "backups_required", "readiness_days"]
# Fixed once the project runs: its scope and dates then move by change requests and slips.
PLANNED_FIELDS = {"scope", "starts_on", "ends_on"}
PHASE_FIELDS = ["kind", "name", "position", "starts_on", "ends_on"]
EVALUATION_FIELDS = ["went_well", "issues", "score"]
# The usual stages and each one's share of the project's days.
DEFAULT_PHASES = [
    (Phase.Kind.PRE_PRODUCTION, 30),
    (Phase.Kind.PRODUCTION, 40),
    (Phase.Kind.POST_PRODUCTION, 20),
    (Phase.Kind.WRAP_UP, 10),
]
BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d+[.)])\s*")


# --- The project ----------------------------------------------------------------------------
@transaction.atomic
def create_project(*, by: User, contract: Contract, **fields) -> Project:
    """Start the project under a contract: the usual four phases over its dates, and the check
    list drawn from the brief behind it (or the contract's deliverables). The contract may still
    be a draft: pre-production often starts while it is being signed."""
    contract = Contract.objects.select_related("client", "proposal__brief").get(pk=contract.pk)
    require(can_change_contract(by, contract))
    fields.setdefault("title", contract.title)
    fields.setdefault("scope", contract.scope)
    fields.setdefault("starts_on", contract.starts_on)
    fields.setdefault("ends_on", contract.ends_on)
    brief = contract.proposal.brief if contract.proposal_id else None
    project = Project(
        contract=contract, client=contract.client, brief=brief, owner=contract.owner, created_by=by
    )
    _set_project_fields(project, fields)
    validated_save(project)
    _add_default_phases(project)
    _add_check_list(project)
    record_event(
        subject=project,
        verb="project.created",
        by=by,
        changes=created(snapshot(project, PROJECT_FIELDS)),
    )
    return project


def _set_project_fields(project: Project, fields: dict) -> None:
    assign(project, fields)
    if not project.title:
        raise DomainError(_("Give the project a title."), field="title")
    if project.starts_on is None or project.ends_on is None:
        raise DomainError(_("Give the project its dates."), field="starts_on")
    if project.ends_on < project.starts_on:
        raise DomainError(_("The delivery date cannot be before the start date."), field="ends_on")
    if project.readiness_days is None or not 0 <= project.readiness_days <= 90:
        raise DomainError(_("Warn at most 90 days ahead."), field="readiness_days")


def _add_default_phases(project: Project) -> None:
    days = (project.ends_on - project.starts_on).days + 1
    start = project.starts_on
    phases = []
    for position, (kind, share) in enumerate(DEFAULT_PHASES, start=1):
        length = max(days * share // 100, 1)
        end = project.ends_on if position == len(DEFAULT_PHASES) else start + timedelta(length - 1)
        end = min(max(end, start), project.ends_on)
        phases.append(
            Phase(
                project=project,
                kind=kind,
                name=_phase_name(kind),
                position=position,
                starts_on=min(start, project.ends_on),
                ends_on=end,
            )
        )
        start = end + timedelta(days=1)
    Phase.objects.bulk_create(phases)


def _phase_name(kind: str) -> str:
    """A phase's name is data, written once in the agency's language (not the reader's), like
    every other name the KAM may edit."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(Phase.Kind(kind).label)


def check_lines_of(project: Project) -> list[tuple[str, str]]:
    """What the project is checked against before delivery: each line of the brief's
    objectives, mandatories and KPIs, or else of the contract's deliverables."""
    brief = project.brief
    sources = (
        [
            (CheckItem.Source.OBJECTIVE, brief.objectives),
            (CheckItem.Source.MANDATORY, brief.mandatories),
            (CheckItem.Source.KPI, brief.kpis),
        ]
        if brief is not None
        else [(CheckItem.Source.DELIVERABLE, project.contract.deliverables)]
    )
    return [
        (source, line[:500])
        for source, text in sources
        for line in (BULLET.sub("", raw).strip() for raw in (text or "").splitlines())
        if line
    ]


def _add_check_list(project: Project) -> None:
    CheckItem.objects.bulk_create(
        CheckItem(project=project, source=source, text=text, position=position)
        for position, (source, text) in enumerate(check_lines_of(project), start=1)
    )


def locked_open_project(project: Project, by: User) -> Project:
    """The project re-read under a row lock, open, and run by the user: every change to a
    project and what hangs on it (tasks, bookings, change requests) takes this lock first."""
    locked = (
        Project.objects.select_for_update(of=("self",))
        .select_related("client", "brief")
        .get(pk=project.pk)
    )
    require(can_run_project(by, locked))
    if not locked.is_open:
        raise InvalidTransition(
            _("This project is %(status)s; it no longer changes.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def update_project(*, by: User, project: Project, **fields) -> Project:
    """Change the project's title and readiness settings; its scope and dates too while it is
    being planned (once it runs they move by change requests and recorded slips)."""
    project = locked_open_project(project, by)
    if project.status != Project.Status.PLANNING and PLANNED_FIELDS & set(fields):
        raise InvalidTransition(
            _(
                "The project is running: its scope and dates change by change request, and a "
                "client-facing date by recording the slip."
            )
        )
    before = snapshot(project, PROJECT_FIELDS)
    _set_project_fields(project, fields)
    validated_save(project, update_fields=fields)
    record_change(
        subject=project,
        verb="project.updated",
        by=by,
        before=before,
        after=snapshot(project, PROJECT_FIELDS),
    )
    return project


@transaction.atomic
def cancel_project(*, by: User, project: Project, reason: str) -> Project:
    project = locked_open_project(project, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the project is cancelled."), field="reason")
    project.status = Project.Status.CANCELLED
    validated_save(project, update_fields=["status"])
    record_event(
        subject=project,
        verb="project.cancelled",
        by=by,
        changes={"status": ["open", "cancelled"], "reason": [None, reason[:500]]},
    )
    return project


@transaction.atomic
def delete_project(*, by: User, project: Project) -> None:
    """Delete a project started by mistake, with the tasks and bookings planned on it: only
    while it is being planned and nothing else (an invoice, a cost) refers to it; otherwise it
    is cancelled and kept."""
    project = locked_open_project(project, by)
    if project.status != Project.Status.PLANNING:
        raise InvalidTransition(_("Only a project still being planned is deleted; cancel it."))
    if project.change_requests.exists() or project.slips.exists():
        raise InvalidTransition(_("This project has its history already; cancel it instead."))
    label = str(project)
    record_event(subject=project, verb="project.deleted", by=by, changes={"title": [label, None]})
    try:
        with transaction.atomic():
            project.delete()
    except ProtectedError as error:
        raise InvalidTransition(
            _("Invoices or costs refer to this project; cancel it instead.")
        ) from error


@transaction.atomic
def deliver_project(*, by: User, project: Project, reason: str = "") -> Project:
    """Mark the project delivered after the check against the brief. Delivering with items
    unchecked is possible, with the reason why."""
    project = locked_open_project(project, by)
    unchecked = project.check_items.filter(checked_at__isnull=True).count()
    reason = (reason or "").strip()
    if unchecked and not reason:
        raise DomainError(
            ngettext(
                "%(count)s item of the check against the brief is not ticked: tick it, or say "
                "why the project is delivered without it.",
                "%(count)s items of the check against the brief are not ticked: tick them, or "
                "say why the project is delivered without them.",
                unchecked,
            )
            % {"count": unchecked},
            field="reason",
        )
    project.status, project.delivered_on = Project.Status.DELIVERED, timezone.localdate()
    project.unchecked_reason = reason[:2000] if unchecked else ""
    validated_save(project, update_fields=["status", "delivered_on", "unchecked_reason"])
    changes = {"status": ["open", "delivered"]}
    if unchecked:
        changes["unchecked_reason"] = [None, project.unchecked_reason]
    record_event(subject=project, verb="project.delivered", by=by, changes=changes)
    return project


# --- Phases ---------------------------------------------------------------------------------
@transaction.atomic
def add_phase(*, by: User, project: Project, **fields) -> Phase:
    """Add a stage (a second shoot, an event day) to the project."""
    project = locked_open_project(project, by)
    if fields.get("position") is None:
        fields["position"] = project.phases.count() + 1
    phase = Phase(project=project)
    _set_phase_fields(phase, fields)
    validated_save(phase)
    record_event(
        subject=project,
        verb="project.phase_added",
        by=by,
        changes={"phases": [None, _phase_label(phase)]},
    )
    return phase


@transaction.atomic
def update_phase(*, by: User, phase: Phase, **fields) -> Phase:
    locked_open_project(phase.project, by)
    phase = Phase.objects.select_related("project").get(pk=phase.pk)
    if phase.status == Phase.Status.DONE:
        raise InvalidTransition(_("This phase is closed."))
    before = _phase_label(phase)
    _set_phase_fields(phase, fields)
    validated_save(phase, update_fields=fields)
    after = _phase_label(phase)
    if before != after:
        record_event(
            subject=phase.project,
            verb="project.phase_changed",
            by=by,
            changes={"phases": [before, after]},
        )
    return phase


@transaction.atomic
def remove_phase(*, by: User, phase: Phase) -> None:
    """Remove a phase not started and with no task in it."""
    project = locked_open_project(phase.project, by)
    if phase.status != Phase.Status.PLANNED or phase.tasks.exists():
        raise InvalidTransition(_("Only a phase not started and without tasks is removed."))
    label = _phase_label(phase)
    phase.delete()
    record_event(
        subject=project, verb="project.phase_removed", by=by, changes={"phases": [label, None]}
    )


@transaction.atomic
def start_phase(*, by: User, phase: Phase) -> Phase:
    """Start a phase; the project runs from its first started phase."""
    project = locked_open_project(phase.project, by)
    phase = Phase.objects.get(pk=phase.pk)
    if phase.status != Phase.Status.PLANNED:
        raise InvalidTransition(_("This phase has started already."))
    phase.status = Phase.Status.ACTIVE
    validated_save(phase, update_fields=["status"])
    if project.status == Project.Status.PLANNING:
        project.status = Project.Status.RUNNING
        validated_save(project, update_fields=["status"])
    record_event(
        subject=project,
        verb="project.phase_started",
        by=by,
        changes={"phases": [None, f"{phase.name}: {phase.status}"]},
    )
    return phase


@transaction.atomic
def complete_phase(*, by: User, phase: Phase, **evaluation) -> Phase:
    """Close a phase with the KAM's evaluation: what went well, the issues, a score 1 to 5."""
    project = locked_open_project(phase.project, by)
    phase = Phase.objects.get(pk=phase.pk)
    if phase.status != Phase.Status.ACTIVE:
        raise InvalidTransition(_("A phase is closed once it has started, and only once."))
    assign(phase, {name: evaluation.get(name) for name in EVALUATION_FIELDS})
    if phase.score is None or not 1 <= phase.score <= 5:
        raise DomainError(_("Score the phase from 1 to 5."), field="score")
    if not phase.went_well and not phase.issues:
        raise DomainError(_("Say what went well or what the issues were."), field="went_well")
    phase.status, phase.evaluated_by, phase.evaluated_at = Phase.Status.DONE, by, timezone.now()
    validated_save(
        phase,
        update_fields=[*EVALUATION_FIELDS, "status", "evaluated_by", "evaluated_at"],
    )
    record_event(
        subject=project,
        verb="project.phase_evaluated",
        by=by,
        changes={"phases": [None, f"{phase.name}: {phase.score}/5"]},
    )
    return phase


def _set_phase_fields(phase: Phase, fields: dict) -> None:
    assign(phase, fields)
    if not phase.name:
        raise DomainError(_("Name the phase."), field="name")
    if phase.kind not in Phase.Kind.values:
        raise DomainError(_("Choose the stage."), field="kind")
    if phase.starts_on is None or phase.ends_on is None:
        raise DomainError(_("Give the phase its dates."), field="starts_on")
    if phase.ends_on < phase.starts_on:
        raise DomainError(_("The end date cannot be before the start date."), field="ends_on")


def _phase_label(phase: Phase) -> str:
    return f"{phase.name}: {phase.starts_on} to {phase.ends_on}"


# --- The check against the brief ------------------------------------------------------------
@transaction.atomic
def add_check_item(*, by: User, project: Project, text: str) -> CheckItem:
    project = locked_open_project(project, by)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Say what to check."), field="text")
    item = CheckItem(
        project=project,
        source=CheckItem.Source.ADDED,
        text=text[:500],
        position=project.check_items.count() + 1,
    )
    validated_save(item)
    record_event(
        subject=project, verb="project.check_added", by=by, changes={"checks": [None, item.text]}
    )
    return item


@transaction.atomic
def tick_check_item(*, by: User, item: CheckItem, note: str = "") -> CheckItem:
    """Tick a line of the check: the delivered work does what the brief asked."""
    project = locked_open_project(item.project, by)
    item = CheckItem.objects.get(pk=item.pk)
    if item.is_checked:
        raise InvalidTransition(_("This item is ticked already."))
    item.checked_by, item.checked_at, item.note = by, timezone.now(), (note or "").strip()[:500]
    validated_save(item, update_fields=["checked_by", "checked_at", "note"])
    record_event(
        subject=project, verb="project.check_ticked", by=by, changes={"checks": [None, item.text]}
    )
    return item


@transaction.atomic
def untick_check_item(*, by: User, item: CheckItem) -> CheckItem:
    project = locked_open_project(item.project, by)
    item = CheckItem.objects.get(pk=item.pk)
    if not item.is_checked:
        raise InvalidTransition(_("This item is not ticked."))
    item.checked_by, item.checked_at, item.note = None, None, ""
    validated_save(item, update_fields=["checked_by", "checked_at", "note"])
    record_event(
        subject=project,
        verb="project.check_unticked",
        by=by,
        changes={"checks": [item.text, None]},
    )
    return item


@transaction.atomic
def remove_check_item(*, by: User, item: CheckItem) -> None:
    """Remove a line someone added; the brief's own lines stay (tick them or explain)."""
    project = locked_open_project(item.project, by)
    if item.source != CheckItem.Source.ADDED:
        raise InvalidTransition(
            _("This line comes from the brief; it stays on the check. Deliver with a reason.")
        )
    CheckItem.objects.filter(pk=item.pk).delete()
    record_event(
        subject=project, verb="project.check_removed", by=by, changes={"checks": [item.text, None]}
    )
