"""The margin guard: a cost or a change that would take a project's forecast margin under its
floor needs the approval of the Director of the client's owner, recorded with both reasons.
Recording the client's approval of a change belongs here too, since it revises the budget:
delivery takes the change into the project, budgets into the money."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.budgets import queries
from kam.budgets.models import Budget, Cost, MarginApproval
from kam.budgets.permissions import can_approve_margin, can_manage_budget
from kam.budgets.services.alerts import record_crossed_thresholds
from kam.budgets.services.budgets import add_change_lines
from kam.budgets.services.common import locked_project, percent_text, require_open_month
from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import validated_save
from kam.delivery import services as delivery
from kam.delivery.models import ChangeRequest
from kam.delivery.permissions import can_run_project
from kam.people.models import User

VERB_LABELS = {
    "margin.requested": gettext_lazy("asked a Director to approve a margin under the floor"),
    "margin.approved": gettext_lazy("approved a margin under the floor"),
    "margin.rejected": gettext_lazy("refused a margin under the floor"),
}


@transaction.atomic
def request_change_approval(*, by: User, change: ChangeRequest, reason: str) -> MarginApproval:
    """Ask the Director to let a change through that leaves the margin under the floor."""
    project = locked_project(change.project)
    require(can_manage_budget(by, project))
    change = ChangeRequest.objects.get(pk=change.pk)
    if not change.is_open:
        raise InvalidTransition(_("The client has decided this change already."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the change is worth it."), field="reason")
    budget = queries.budget_of(project)
    effect = queries.effect_of_change(change, budget)
    if not effect.under_floor:
        raise DomainError(_("The change keeps the margin above the floor: no approval is needed."))
    if queries.pending_guard_for(change) or queries.approved_guard_for(change):
        raise InvalidTransition(_("A Director is asked already."))
    approval = MarginApproval(
        project=project,
        change_request=change,
        margin_percent=effect.margins_after.forecast_percent,
        floor_percent=effect.floor_percent,
        reason=reason[:2000],
        requested_by=by,
    )
    validated_save(approval, field="reason", message=_("A Director is asked already."))
    record_event(
        subject=approval,
        verb="margin.requested",
        by=by,
        changes=created(snapshot(approval, ["change_request", "margin_percent", "reason"])),
    )
    return approval


@transaction.atomic
def decide_margin(
    *, by: User, approval: MarginApproval, approve: bool, note: str
) -> MarginApproval:
    """The Director approves or refuses, saying why. An approved cost counts from now on; a
    refused one stays in the list, never counted. Decided once: a second decision is refused."""
    project = locked_project(approval.project)
    require(can_approve_margin(by, project))
    approval = (
        MarginApproval.objects.select_for_update(of=("self",))
        .select_related("decided_by", "cost", "change_request")
        .get(pk=approval.pk)
    )
    if not approval.is_pending:
        raise InvalidTransition(
            _("%(who)s has decided this already (%(status)s).")
            % {"who": approval.decided_by, "status": approval.get_status_display()}
        )
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision."), field="note")
    if approval.cost is not None:
        require_open_month(approval.cost.incurred_on, "note")
    approval.status = MarginApproval.Status.APPROVED if approve else MarginApproval.Status.REJECTED
    approval.decided_by, approval.decided_at = by, timezone.now()
    approval.decision_note = note[:1000]
    validated_save(approval, update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approval.cost is not None:
        _settle_cost(approval.cost, approve, project)
    record_event(
        subject=approval,
        verb="margin.approved" if approve else "margin.rejected",
        by=by,
        changes={
            "status": ["pending", approval.status],
            "decision_note": [None, approval.decision_note],
        },
    )
    return approval


def _settle_cost(cost: Cost, approve: bool, project) -> None:
    cost.status = Cost.Status.RECORDED if approve else Cost.Status.REJECTED
    validated_save(cost, update_fields=["status"])
    budget = Budget.objects.filter(project=project).first()
    if approve and budget is not None:
        budget.project = project
        record_crossed_thresholds(budget)


@transaction.atomic
def approve_change(
    *, by: User, change: ChangeRequest, decided_on: date | None = None, note: str = ""
) -> ChangeRequest:
    """Record the client's approval of a change: the project takes it in (scope, delivery date,
    check) and the budget its lines. If it takes the forecast margin under the floor, a
    Director must have approved that first."""
    project = locked_project(change.project)
    require(can_run_project(by, project))
    budget = queries.budget_of(project)
    if budget is not None:
        budget.project = project
        effect = queries.effect_of_change(change, budget)
        before = queries.figures_of(budget).margins.forecast
        if (
            effect.under_floor
            and effect.margins_after.forecast < before
            and queries.approved_guard_for(change) is None
        ):
            raise DomainError(
                _(
                    "This change takes the forecast margin to %(margin)s, under the floor of "
                    "%(floor)s: ask a Director to approve it first."
                )
                % {
                    "margin": percent_text(effect.margins_after.forecast_percent),
                    "floor": percent_text(effect.floor_percent),
                }
            )
    change = delivery.approve_change_request(by=by, change=change, decided_on=decided_on, note=note)
    if budget is not None:
        lines = add_change_lines(budget, change)
        record_event(
            subject=budget,
            verb="budget.change_taken_in",
            by=by,
            changes={"change": [None, str(change)], "lines": [None, len(lines)]},
        )
        record_crossed_thresholds(budget)
    return change
