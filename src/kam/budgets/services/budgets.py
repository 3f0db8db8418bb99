"""Setting up a project's budget from its approved estimate, and the baselines that revise it:
written by the KAM, approved or rejected by a Director, the earlier ones kept as they were."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.budgets.models import Baseline, BaselineLine, Budget, BudgetLine, TimeEntry
from kam.budgets.permissions import can_approve_budget, can_approve_margin, can_manage_budget
from kam.budgets.services.common import locked_project, number
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.money import whole_amount
from kam.core.saving import assign, validated_save
from kam.delivery.models import ChangeRequest, Project
from kam.people.models import Department, User
from kam.pitching.estimate import line_amounts
from kam.pitching.models import EstimateLine

VERB_LABELS = {
    "budget.created": gettext_lazy("set up the budget"),
    "budget.floor_changed": gettext_lazy("changed the margin floor"),
    "budget.change_taken_in": gettext_lazy("took an approved change into the budget"),
    "baseline.started": gettext_lazy("started a re-baseline"),
    "baseline.updated": gettext_lazy("changed the re-baseline"),
    "baseline.line_added": gettext_lazy("added a line to the re-baseline"),
    "baseline.line_changed": gettext_lazy("changed a line of the re-baseline"),
    "baseline.line_removed": gettext_lazy("removed a line of the re-baseline"),
    "baseline.submitted": gettext_lazy("asked a Director to approve the re-baseline"),
    "baseline.approved": gettext_lazy("approved the re-baseline"),
    "baseline.rejected": gettext_lazy("rejected the re-baseline"),
    "baseline.discarded": gettext_lazy("discarded the re-baseline"),
}

LINE_FIELDS = [
    "kind",
    "department",
    "supplier",
    "description",
    "quantity",
    "unit_cost_amount",
    "unit_price_amount",
]


# --- Setting up ------------------------------------------------------------------------------
@transaction.atomic
def create_budget(*, by: User, project: Project) -> Budget:
    """Open the project's budget: from the approved proposal version's estimate (its first,
    approved baseline), or empty with a first baseline for the KAM to write. Changes the client
    approved before take their place; time already entered joins its department's line."""
    project = locked_project(project)
    require(can_manage_budget(by, project))
    if project.status == Project.Status.CANCELLED:
        raise InvalidTransition(_("This project is cancelled."))
    if Budget.objects.filter(project=project).exists():
        raise InvalidTransition(_("This project has its budget already."))
    version = _approved_version(project)
    budget = Budget.objects.create(
        project=project,
        fee_percent=version.agency_fee_percent if version else Decimal(0),
        margin_floor_percent=version.margin_floor_percent if version else _floor_of(project),
        created_by=by,
    )
    if version is not None:
        _baseline_from_estimate(budget, version, by)
    else:
        Baseline.objects.create(
            budget=budget, number=1, source=Baseline.Source.WRITTEN, created_by=by
        )
    for change in project.change_requests.filter(status=ChangeRequest.Status.APPROVED):
        add_change_lines(budget, change)
    _link_time_to_lines(budget)
    record_event(
        subject=budget,
        verb="budget.created",
        by=by,
        changes=created(snapshot(budget, ["fee_percent", "margin_floor_percent"])),
    )
    return budget


def _approved_version(project: Project):
    proposal = project.contract.proposal if project.contract.proposal_id else None
    return proposal.approved_version if proposal is not None else None


def _floor_of(project: Project) -> Decimal:
    floor = project.client.margin_floor_percent
    return Decimal(settings.KAM_MARGIN_FLOOR_PERCENT if floor is None else floor)


def _baseline_from_estimate(budget: Budget, version, by: User) -> None:
    estimate = list(version.lines.order_by("position", "pk"))
    lines = BudgetLine.objects.bulk_create(
        [
            BudgetLine(budget=budget, **{name: getattr(line, name) for name in _copied()})
            for line in estimate
        ]
    )
    baseline = Baseline.objects.create(
        budget=budget,
        number=1,
        source=Baseline.Source.ESTIMATE,
        reason=str(version),
        status=Baseline.Status.APPROVED,
        cost_amount=sum((line.cost_amount for line in estimate), Decimal(0)),
        price_amount=sum((line.price_amount for line in estimate), Decimal(0)),
        created_by=by,
        decided_by=version.margin_approved_by,
        decided_at=timezone.now(),
    )
    BaselineLine.objects.bulk_create(
        [
            BaselineLine(baseline=baseline, line=line, **{n: getattr(line, n) for n in _copied()})
            for line in lines
        ]
    )


def _copied() -> list[str]:
    return [
        "position",
        "kind",
        "department_id",
        "supplier",
        "description",
        "quantity",
        "unit_cost_amount",
        "unit_price_amount",
        "cost_amount",
        "price_amount",
    ]


def add_change_lines(budget: Budget, change: ChangeRequest) -> list[BudgetLine]:
    """An approved change's lines as budget lines: one taking work out has a negative quantity;
    what the agency absorbs adds cost and no price."""
    billable = change.paid_by == "client"
    position = (budget.lines.aggregate(m=Max("position"))["m"] or 0) + 1
    lines = []
    for offset, line in enumerate(change.lines.order_by("pk")):
        sign = line.sign
        lines.append(
            BudgetLine(
                budget=budget,
                position=position + offset,
                kind=line.kind,
                department_id=line.department_id,
                supplier="",
                description=f"{change.title}: {line.description}"[:300],
                quantity=line.quantity * sign,
                unit_cost_amount=line.unit_cost_amount,
                unit_price_amount=line.unit_price_amount if billable else Decimal(0),
                cost_amount=line.cost_amount * sign,
                price_amount=(line.price_amount if billable else Decimal(0)) * sign,
                change_request=change,
            )
        )
    return BudgetLine.objects.bulk_create(lines)


def _link_time_to_lines(budget: Budget) -> None:
    for department_id, line_id in department_lines(budget).items():
        TimeEntry.objects.filter(
            project_id=budget.project_id, line__isnull=True, task__department_id=department_id
        ).update(line_id=line_id)


def department_lines(budget: Budget) -> dict[int, int]:
    """For each department with a planned line, its first line: where its people's time goes."""
    lines: dict[int, int] = {}
    for department_id, pk in (
        budget.lines.filter(kind=EstimateLine.Kind.DEPARTMENT, quantity__gt=0)
        .order_by("position", "pk")
        .values_list("department_id", "pk")
    ):
        lines.setdefault(department_id, pk)
    return lines


@transaction.atomic
def set_margin_floor(*, by: User, budget: Budget, percent: Decimal, reason: str) -> Budget:
    """Only a Director moves (or waives, at 0) the margin floor a project must keep."""
    project = locked_project(budget.project)
    require(can_approve_margin(by, project))
    budget = Budget.objects.get(pk=budget.pk)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the floor changes."), field="reason")
    if percent is None or not Decimal(0) <= Decimal(percent) <= Decimal(100):
        raise DomainError(_("A percentage is from 0 to 100."), field="margin_floor_percent")
    before = snapshot(budget, ["margin_floor_percent"])
    budget.margin_floor_percent = Decimal(percent)
    validated_save(budget, update_fields=["margin_floor_percent"])
    changes = {**_diff(before, budget), "reason": [None, reason[:500]]}
    record_event(subject=budget, verb="budget.floor_changed", by=by, changes=changes)
    return budget


def _diff(before: dict, budget: Budget) -> dict:
    after = snapshot(budget, ["margin_floor_percent"])
    return {k: [before[k], v] for k, v in after.items() if before[k] != v}


# --- Re-baselines ---------------------------------------------------------------------------
@transaction.atomic
def start_baseline(*, by: User, budget: Budget, reason: str = "") -> Baseline:
    """Begin restating the budget: a draft baseline starting from the lines as they stand."""
    project = locked_project(budget.project)
    require(can_manage_budget(by, project))
    if budget.baselines.filter(status__in=[Baseline.Status.DRAFT, Baseline.Status.PENDING]):
        raise InvalidTransition(_("A re-baseline is being written already."))
    number = (budget.baselines.aggregate(m=Max("number"))["m"] or 0) + 1
    baseline = Baseline.objects.create(
        budget=budget,
        number=number,
        source=Baseline.Source.WRITTEN,
        reason=(reason or "").strip()[:2000],
        created_by=by,
    )
    BaselineLine.objects.bulk_create(
        [
            BaselineLine(baseline=baseline, line=line, **{n: getattr(line, n) for n in _copied()})
            for line in budget.lines.filter(quantity__gt=0).order_by("position", "pk")
        ]
    )
    record_event(
        subject=baseline, verb="baseline.started", by=by, changes={"number": [None, number]}
    )
    return baseline


def _locked_baseline(baseline: Baseline, by: User, *, statuses: tuple, allowed) -> Baseline:
    """The baseline under its project's lock, once `allowed(by, baseline)` says the user may act
    on it (a denial is a 404, before its state is told) and in one of `statuses`."""
    project = locked_project(baseline.budget.project)
    baseline = (
        Baseline.objects.select_for_update(of=("self",))
        .select_related("budget", "decided_by")
        .get(pk=baseline.pk)
    )
    baseline.budget.project = project
    require(allowed(by, baseline))
    if baseline.status not in statuses:
        if baseline.decided_by is not None:
            raise InvalidTransition(
                _("%(who)s has %(status)s this baseline already.")
                % {"who": baseline.decided_by, "status": baseline.get_status_display()}
            )
        raise InvalidTransition(
            _("This baseline is %(status)s.") % {"status": baseline.get_status_display()}
        )
    return baseline


def _manages(by: User, baseline: Baseline) -> bool:
    return can_manage_budget(by, baseline.budget.project)


def _decides(by: User, baseline: Baseline) -> bool:
    return can_approve_budget(by, baseline.budget)


def _draft(baseline: Baseline, by: User) -> Baseline:
    return _locked_baseline(baseline, by, statuses=(Baseline.Status.DRAFT,), allowed=_manages)


@transaction.atomic
def update_baseline(*, by: User, baseline: Baseline, reason: str) -> Baseline:
    baseline = _draft(baseline, by)
    before = snapshot(baseline, ["reason"])
    baseline.reason = (reason or "").strip()[:2000]
    validated_save(baseline, update_fields=["reason"])
    record_change(
        subject=baseline,
        verb="baseline.updated",
        by=by,
        before=before,
        after=snapshot(baseline, ["reason"]),
    )
    return baseline


@transaction.atomic
def add_baseline_line(*, by: User, baseline: Baseline, **fields) -> BaselineLine:
    baseline = _draft(baseline, by)
    position = (baseline.lines.aggregate(m=Max("position"))["m"] or 0) + 1
    line = BaselineLine(baseline=baseline, position=position)
    _set_line_fields(line, fields)
    validated_save(line)
    record_event(
        subject=baseline, verb="baseline.line_added", by=by, changes={"lines": [None, _label(line)]}
    )
    return line


@transaction.atomic
def update_baseline_line(*, by: User, line: BaselineLine, **fields) -> BaselineLine:
    baseline = _draft(line.baseline, by)
    line = BaselineLine.objects.get(pk=line.pk)
    before = _label(line)
    _set_line_fields(line, fields)
    validated_save(line, update_fields=fields, also=["cost_amount", "price_amount"])
    if before != _label(line):
        record_event(
            subject=baseline,
            verb="baseline.line_changed",
            by=by,
            changes={"lines": [before, _label(line)]},
        )
    return line


@transaction.atomic
def remove_baseline_line(*, by: User, line: BaselineLine) -> None:
    """Take a line out of the draft: once approved, the budget line it set plans nothing."""
    baseline = _draft(line.baseline, by)
    label = _label(line)
    BaselineLine.objects.filter(pk=line.pk).delete()
    record_event(
        subject=baseline, verb="baseline.line_removed", by=by, changes={"lines": [label, None]}
    )


def _set_line_fields(line: BaselineLine, fields: dict) -> None:
    assign(line, fields)
    if not line.description:
        raise DomainError(_("Say what the line is for."), field="description")
    if line.kind not in EstimateLine.Kind.values:
        raise DomainError(_("Choose the kind of line."), field="kind")
    line.quantity = number(line.quantity, "quantity")
    if line.quantity <= 0:
        raise DomainError(_("The quantity must be above 0."), field="quantity")
    for name in ("unit_cost_amount", "unit_price_amount"):
        setattr(line, name, whole_amount(getattr(line, name), name, allow_zero=True))
    if line.kind == EstimateLine.Kind.DEPARTMENT and not isinstance(line.department, Department):
        raise DomainError(_("Choose the department."), field="department")
    line.cost_amount, line.price_amount = line_amounts(
        line.quantity, line.unit_cost_amount, line.unit_price_amount
    )


def _label(line) -> str:
    quantity = f"{Decimal(line.quantity).normalize():f}"
    return f"{line.description}: {quantity} x {line.unit_price_amount} ({line.unit_cost_amount})"


@transaction.atomic
def submit_baseline(*, by: User, baseline: Baseline) -> Baseline:
    """Ask the Director of the client's owner to approve the re-baseline, saying why."""
    baseline = _draft(baseline, by)
    if not baseline.reason:
        raise DomainError(_("Say why the budget is restated."), field="reason")
    if not baseline.lines.exists():
        raise DomainError(_("The baseline has no lines yet."))
    baseline.status = Baseline.Status.PENDING
    validated_save(baseline, update_fields=["status"])
    record_event(
        subject=baseline, verb="baseline.submitted", by=by, changes={"status": ["draft", "pending"]}
    )
    return baseline


@transaction.atomic
def discard_baseline(*, by: User, baseline: Baseline) -> None:
    """Drop a re-baseline nobody decided on; approved and rejected ones stay as history."""
    baseline = _locked_baseline(
        baseline, by, statuses=(Baseline.Status.DRAFT, Baseline.Status.PENDING), allowed=_manages
    )
    if baseline.number == 1:
        raise InvalidTransition(_("The first baseline is the budget itself: write it instead."))
    record_event(
        subject=baseline.budget,
        verb="baseline.discarded",
        by=by,
        changes={"baseline": [baseline.number, None]},
    )
    baseline.delete()


@transaction.atomic
def approve_baseline(*, by: User, baseline: Baseline, note: str = "") -> Baseline:
    """A Director approves the re-baseline: the budget lines become what it states (a line it
    left out plans nothing from now on); the baseline is kept as it was approved."""
    baseline = _locked_baseline(baseline, by, statuses=(Baseline.Status.PENDING,), allowed=_decides)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision."), field="note")
    _apply(baseline)
    _decide(baseline, Baseline.Status.APPROVED, by, note)
    record_event(
        subject=baseline,
        verb="baseline.approved",
        by=by,
        changes={
            "status": ["pending", "approved"],
            "cost_amount": [None, str(baseline.cost_amount)],
            "decision_note": [None, note],
        },
    )
    return baseline


@transaction.atomic
def reject_baseline(*, by: User, baseline: Baseline, note: str) -> Baseline:
    baseline = _locked_baseline(baseline, by, statuses=(Baseline.Status.PENDING,), allowed=_decides)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason for the decision."), field="note")
    _decide(baseline, Baseline.Status.REJECTED, by, note)
    record_event(
        subject=baseline,
        verb="baseline.rejected",
        by=by,
        changes={"status": ["pending", "rejected"], "decision_note": [None, note]},
    )
    return baseline


def _apply(baseline: Baseline) -> None:
    budget = baseline.budget
    stated = list(baseline.lines.order_by("position", "pk"))
    kept = set()
    for position, entry in enumerate(stated, start=1):
        values = {n: getattr(entry, n) for n in _copied() if n != "position"}
        if entry.line_id is not None and budget.lines.filter(pk=entry.line_id).exists():
            BudgetLine.objects.filter(pk=entry.line_id).update(position=position, **values)
            kept.add(entry.line_id)
        else:
            line = BudgetLine.objects.create(budget=budget, position=position, **values)
            BaselineLine.objects.filter(pk=entry.pk).update(line=line)
            kept.add(line.pk)
    budget.lines.exclude(pk__in=kept).update(
        quantity=0, cost_amount=0, price_amount=0, position=len(stated) + 1
    )
    baseline.cost_amount = sum((entry.cost_amount for entry in stated), Decimal(0))
    baseline.price_amount = sum((entry.price_amount for entry in stated), Decimal(0))


def _decide(baseline: Baseline, status: str, by: User, note: str) -> None:
    baseline.status = status
    baseline.decided_by, baseline.decided_at = by, timezone.now()
    baseline.decision_note = note[:1000]
    validated_save(
        baseline,
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "cost_amount",
            "price_amount",
        ],
    )
