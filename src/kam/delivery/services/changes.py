"""Change requests: what the client asks to change, its effect on time and on money (estimate
lines added or taken out), until the client approves or rejects it. An approved change widens
the project's scope, moves its delivery date and joins the check before delivery; the budget
(issue "budgets") reads its lines."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import ClientRequest, Stakeholder
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition
from kam.core.saving import assign, validated_save
from kam.delivery.models import ChangeLine, ChangeRequest, CheckItem, Project
from kam.delivery.services.projects import locked_open_project
from kam.people.models import Department, User
from kam.pitching.estimate import line_amounts
from kam.pitching.models import EstimateLine

VERB_LABELS = {
    "change.created": gettext_lazy("recorded the change request"),
    "change.updated": gettext_lazy("changed the change request"),
    "change.line_added": gettext_lazy("added a line to the change"),
    "change.line_changed": gettext_lazy("changed a line of the change"),
    "change.line_removed": gettext_lazy("removed a line of the change"),
    "change.approved": gettext_lazy("recorded the client's approval of the change"),
    "change.rejected": gettext_lazy("recorded the client's rejection of the change"),
}

CHANGE_FIELDS = ["title", "description", "requested_on", "days_effect", "paid_by"]
CHANGE_LINE_FIELDS = [
    "effect",
    "kind",
    "department",
    "description",
    "quantity",
    "unit_cost_amount",
    "unit_price_amount",
]


@transaction.atomic
def create_change_request(
    *, by: User, project: Project, requested_by: Stakeholder, **fields
) -> ChangeRequest:
    """Record what the client asks to change, who asked, and its effect on delivery in days."""
    project = locked_open_project(project, by)
    change = ChangeRequest(project=project, created_by=by)
    fields.setdefault("requested_on", timezone.localdate())
    _set_change_fields(change, {**fields, "requested_by": requested_by})
    validated_save(change)
    record_event(
        subject=change,
        verb="change.created",
        by=by,
        changes=created(snapshot(change, [*CHANGE_FIELDS, "requested_by"])),
    )
    return change


@transaction.atomic
def update_change_request(
    *, by: User, change: ChangeRequest, requested_by: Stakeholder | None = None, **fields
) -> ChangeRequest:
    change = _locked_open_change(change, by)
    if requested_by is not None:
        fields["requested_by"] = requested_by
    before = snapshot(change, [*CHANGE_FIELDS, "requested_by"])
    _set_change_fields(change, fields)
    validated_save(change, update_fields=fields)
    record_change(
        subject=change,
        verb="change.updated",
        by=by,
        before=before,
        after=snapshot(change, [*CHANGE_FIELDS, "requested_by"]),
    )
    return change


def _locked_open_change(change: ChangeRequest, by: User) -> ChangeRequest:
    project = locked_open_project(change.project, by)
    change = ChangeRequest.objects.select_related("requested_by").get(pk=change.pk)
    change.project = project
    if not change.is_open:
        raise InvalidTransition(
            _("The client has decided this change (%(status)s); it no longer changes.")
            % {"status": change.get_status_display()}
        )
    return change


def _set_change_fields(change: ChangeRequest, fields: dict) -> None:
    assign(change, fields)
    if not change.title:
        raise DomainError(_("Give the change a title."), field="title")
    if not change.description:
        raise DomainError(_("Say what changes."), field="description")
    stakeholder = change.requested_by if change.requested_by_id else None
    if (
        not isinstance(stakeholder, Stakeholder)
        or stakeholder.client_id != change.project.client_id
    ):
        raise DomainError(_("Choose who asked, among the client's people."), field="requested_by")
    if change.requested_on is None or change.requested_on > timezone.localdate():
        raise DomainError(_("Give the day it was asked, not in the future."), field="requested_on")
    if change.paid_by not in ClientRequest.PaidBy.values:
        raise DomainError(_("Say who pays for it."), field="paid_by")
    if change.days_effect is None or not -365 <= change.days_effect <= 365:
        raise DomainError(_("The effect on time is within a year either way."), field="days_effect")


# --- Its lines ------------------------------------------------------------------------------
@transaction.atomic
def add_change_line(*, by: User, change: ChangeRequest, **fields) -> ChangeLine:
    """Price what the change adds or takes out, like a line of the proposal's estimate."""
    change = _locked_open_change(change, by)
    line = ChangeLine(change_request=change)
    _set_line_fields(line, fields)
    validated_save(line)
    record_event(
        subject=change, verb="change.line_added", by=by, changes={"lines": [None, _label(line)]}
    )
    return line


@transaction.atomic
def update_change_line(*, by: User, line: ChangeLine, **fields) -> ChangeLine:
    change = _locked_open_change(line.change_request, by)
    line = ChangeLine.objects.get(pk=line.pk)
    line.change_request = change
    before = _label(line)
    _set_line_fields(line, fields)
    validated_save(line, update_fields=fields, also=["cost_amount", "price_amount"])
    after = _label(line)
    if before != after:
        record_event(
            subject=change, verb="change.line_changed", by=by, changes={"lines": [before, after]}
        )
    return line


@transaction.atomic
def remove_change_line(*, by: User, line: ChangeLine) -> None:
    change = _locked_open_change(line.change_request, by)
    label = _label(line)
    ChangeLine.objects.filter(pk=line.pk).delete()
    record_event(
        subject=change, verb="change.line_removed", by=by, changes={"lines": [label, None]}
    )


def _set_line_fields(line: ChangeLine, fields: dict) -> None:
    assign(line, fields)
    if not line.description:
        raise DomainError(_("Say what the line is for."), field="description")
    if line.effect not in ChangeLine.Effect.values:
        raise DomainError(_("Say whether the line adds or takes out."), field="effect")
    if line.kind not in EstimateLine.Kind.values:
        raise DomainError(_("Choose the kind of line."), field="kind")
    if line.quantity is None or line.quantity <= 0:
        raise DomainError(_("The quantity must be above 0."), field="quantity")
    for name in ("unit_cost_amount", "unit_price_amount"):
        if getattr(line, name) is None or getattr(line, name) < 0:
            raise DomainError(_("An amount cannot be negative."), field=name)
    if line.kind == EstimateLine.Kind.DEPARTMENT and not isinstance(line.department, Department):
        raise DomainError(_("Choose the department."), field="department")
    line.cost_amount, line.price_amount = line_amounts(
        line.quantity, line.unit_cost_amount, line.unit_price_amount
    )


def _label(line: ChangeLine) -> str:
    sign = "+" if line.effect == ChangeLine.Effect.ADD else "-"
    quantity = f"{line.quantity.normalize():f}"
    return (
        f"{sign} {line.description}: {quantity} x {line.unit_price_amount} "
        f"({line.unit_cost_amount})"
    )


# --- The client's decision ------------------------------------------------------------------
@transaction.atomic
def approve_change_request(
    *, by: User, change: ChangeRequest, decided_on: date | None = None, note: str = ""
) -> ChangeRequest:
    """Record that the client approved the change: the project's scope takes it in, its delivery
    date moves by the change's days, and it joins the check before delivery. Pages and the API
    go through `budgets.services.approve_change`, which guards the margin and revises the budget
    around this."""
    change = _locked_open_change(change, by)
    _decide(change, ChangeRequest.Status.APPROVED, decided_on, note)
    project = change.project
    project.scope = f"{project.scope}\n\n{change.title}: {change.description}".strip()[:8000]
    project.ends_on = max(project.ends_on + timedelta(days=change.days_effect), project.starts_on)
    validated_save(project, update_fields=["scope", "ends_on"])
    CheckItem.objects.create(
        project=project,
        source=CheckItem.Source.CHANGE,
        text=change.title[:500],
        position=project.check_items.count() + 1,
    )
    record_event(
        subject=change,
        verb="change.approved",
        by=by,
        changes={"status": ["open", "approved"], "decision_note": [None, change.decision_note]},
    )
    return change


@transaction.atomic
def reject_change_request(
    *, by: User, change: ChangeRequest, decided_on: date | None = None, note: str = ""
) -> ChangeRequest:
    """Record that the client decided against the change; nothing of the project moves."""
    change = _locked_open_change(change, by)
    _decide(change, ChangeRequest.Status.REJECTED, decided_on, note)
    record_event(
        subject=change,
        verb="change.rejected",
        by=by,
        changes={"status": ["open", "rejected"], "decision_note": [None, change.decision_note]},
    )
    return change


def _decide(change: ChangeRequest, status: str, decided_on: date | None, note: str) -> None:
    today = timezone.localdate()
    if decided_on is not None and decided_on > today:
        raise DomainError(_("A decision cannot be dated in the future."), field="decided_on")
    if decided_on is not None and decided_on < change.requested_on:
        raise DomainError(_("The client decides after asking."), field="decided_on")
    change.status, change.decided_on = status, decided_on or today
    change.decision_note = (note or "").strip()[:1000]
    validated_save(change, update_fields=["status", "decided_on", "decision_note"])
