"""Costs outside the agency: purchase orders that commit money to a vendor or a KOL (often from
a booking) and the vendors' bills that spend it, each on a budget line or flagged unplanned.
A cost that would take the forecast margin under the project's floor waits for a Director."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.budgets import queries
from kam.budgets.models import Budget, BudgetLine, Cost, MarginApproval
from kam.budgets.permissions import can_record_cost
from kam.budgets.services.alerts import record_crossed_thresholds
from kam.budgets.services.common import (
    budget_of_locked,
    locked_project,
    percent_text,
    require_open_month,
)
from kam.clients.models import ClientRequest
from kam.core.audit import created, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.money import whole_amount
from kam.core.saving import validated_save
from kam.delivery.models import Booking, Project
from kam.people.models import User

VERB_LABELS = {
    "cost.recorded": gettext_lazy("recorded a cost"),
    "cost.awaiting": gettext_lazy("recorded a cost waiting for a Director"),
    "cost.cancelled": gettext_lazy("cancelled a cost"),
}

COST_FIELDS = [
    "kind",
    "supplier",
    "description",
    "reference",
    "amount",
    "incurred_on",
    "line",
    "order",
    "over_order_reason",
    "booking",
    "client_request",
]


@transaction.atomic
def record_cost(
    *,
    by: User,
    project: Project,
    kind: str,
    supplier: str,
    description: str,
    amount,
    incurred_on: date | None = None,
    line: BudgetLine | None = None,
    order: Cost | None = None,
    over_order_reason: str = "",
    booking: Booking | None = None,
    client_request: ClientRequest | None = None,
    reference: str = "",
    margin_reason: str = "",
) -> Cost:
    """Record a purchase order or a vendor bill on the project. If it would take the forecast
    margin under the floor it is kept waiting for a Director's approval, which needs the reason
    the money must be spent; it counts once approved."""
    project = locked_project(project)
    require(can_record_cost(by, project))
    budget = budget_of_locked(project)
    cost = Cost(
        project=project,
        kind=kind,
        supplier=(supplier or "").strip(),
        description=(description or "").strip(),
        reference=(reference or "").strip(),
        incurred_on=incurred_on or timezone.localdate(),
        created_by=by,
    )
    _check(cost, budget, amount, line, order, over_order_reason, booking, client_request)
    before = queries.figures_of(budget)
    validated_save(cost)
    after = queries.figures_of(budget)
    if _takes_margin_under_floor(before, after):
        _hold_for_director(cost, after, by, margin_reason)
    else:
        record_crossed_thresholds(budget)
    record_event(
        subject=cost,
        verb="cost.awaiting" if cost.status == Cost.Status.AWAITING else "cost.recorded",
        by=by,
        changes=created(snapshot(cost, [*COST_FIELDS, "status"])),
    )
    return cost


def _check(
    cost: Cost,
    budget: Budget,
    amount,
    line: BudgetLine | None,
    order: Cost | None,
    over_order_reason: str,
    booking: Booking | None,
    client_request: ClientRequest | None,
) -> None:
    if cost.kind not in Cost.Kind.values:
        raise DomainError(_("Say whether it is a purchase order or a bill."), field="kind")
    if not cost.supplier:
        raise DomainError(_("Name the vendor or KOL."), field="supplier")
    if not cost.description:
        raise DomainError(_("Say what it is for."), field="description")
    cost.amount = whole_amount(amount, "amount")
    if cost.incurred_on > timezone.localdate():
        raise DomainError(_("A cost is dated today or before."), field="incurred_on")
    require_open_month(cost.incurred_on, "incurred_on")
    if line is not None:
        if line.budget_id != budget.pk:
            raise DomainError(_("Choose a line of this project's budget."), field="line")
        if line.quantity < 0:
            raise DomainError(_("A line that takes work out carries no cost."), field="line")
        cost.line = line
    if booking is not None:
        if booking.project_id != budget.project_id:
            raise DomainError(_("Choose a booking of this project."), field="booking")
        cost.booking = booking
    if client_request is not None:
        if client_request.client_id != budget.project.client_id:
            raise DomainError(_("Choose a request of this client."), field="client_request")
        cost.client_request = client_request
    if order is not None:
        _check_against_order(cost, order, over_order_reason)


def _check_against_order(cost: Cost, order: Cost, over_order_reason: str) -> None:
    """A bill against an order stays within it, unless the reason it is over is given."""
    order = Cost.objects.select_for_update().get(pk=order.pk)
    if cost.kind != Cost.Kind.BILL:
        raise DomainError(_("Only a bill is against a purchase order."), field="order")
    if order.project_id != cost.project_id or order.kind != Cost.Kind.ORDER:
        raise DomainError(_("Choose a purchase order of this project."), field="order")
    if order.status != Cost.Status.RECORDED:
        raise DomainError(
            _("This purchase order is %(status)s.") % {"status": order.get_status_display()},
            field="order",
        )
    cost.order = order
    cost.line = cost.line or order.line
    billed = queries.billed_against(order)
    reason = (over_order_reason or "").strip()
    if billed + cost.amount > order.amount and not reason:
        raise DomainError(
            _(
                "With this bill the order is billed %(billed)s of %(ordered)s: say why the bill "
                "is over the order."
            )
            % {"billed": billed + cost.amount, "ordered": order.amount},
            field="over_order_reason",
        )
    cost.over_order_reason = reason[:500] if billed + cost.amount > order.amount else ""


def _takes_margin_under_floor(before, after) -> bool:
    """Only what raises the forecast cost is guarded, and only when the margin ends under the
    floor: a bill within its order, or spend within a line's budget, moves nothing."""
    return after.margins.forecast_cost > before.margins.forecast_cost and after.margins.is_under(
        after.floor_percent
    )


def _hold_for_director(cost: Cost, after, by: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_under_floor_message(after), field="margin_reason")
    cost.status = Cost.Status.AWAITING
    validated_save(cost, update_fields=["status"])
    MarginApproval.objects.create(
        project=cost.project,
        cost=cost,
        margin_percent=after.margins.forecast_percent,
        floor_percent=after.floor_percent,
        reason=reason[:2000],
        requested_by=by,
    )


def _under_floor_message(after) -> str:
    if after.margins.forecast_percent is None:
        return _(
            "The budget plans no revenue yet: say why this cost is needed, and a Director will "
            "be asked to approve it."
        )
    return _(
        "This cost takes the forecast margin to %(margin)s, under the floor of %(floor)s: say "
        "why it is needed, and a Director will be asked to approve it."
    ) % {
        "margin": percent_text(after.margins.forecast_percent),
        "floor": percent_text(after.floor_percent),
    }


@transaction.atomic
def record_order_for_booking(
    *, by: User, booking: Booking, line: BudgetLine | None = None, margin_reason: str = ""
) -> Cost:
    """Commit a confirmed booking's fee to its supplier as a purchase order, dated today; once
    per booking (a second click finds it ordered)."""
    project = locked_project(booking.project)
    require(can_record_cost(by, project))
    booking = Booking.objects.get(pk=booking.pk)
    if booking.status != Booking.Status.CONFIRMED:
        raise InvalidTransition(_("Only a confirmed booking is ordered."))
    if booking.fee_amount <= 0:
        raise DomainError(_("The booking has no fee to order."))
    if queries.order_of(booking) is not None:
        raise InvalidTransition(_("This booking is ordered already."))
    return record_cost(
        by=by,
        project=booking.project,
        kind=Cost.Kind.ORDER,
        supplier=booking.name,
        description=booking.purpose or booking.get_kind_display(),
        amount=booking.fee_amount,
        line=line,
        booking=booking,
        margin_reason=margin_reason,
    )


@transaction.atomic
def cancel_cost(*, by: User, cost: Cost, reason: str) -> Cost:
    """Take back a recorded cost (an order that fell through, a bill entered twice), saying why;
    it stays in the list, no longer counted. A closed month's costs stay as they are."""
    project = locked_project(cost.project)
    require(can_record_cost(by, project))
    cost = Cost.objects.select_for_update().get(pk=cost.pk)
    if cost.status != Cost.Status.RECORDED:
        raise InvalidTransition(
            _("This cost is %(status)s.") % {"status": cost.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the cost is cancelled."), field="reason")
    require_open_month(cost.incurred_on, "reason")
    if cost.bills.filter(status=Cost.Status.RECORDED).exists():
        raise InvalidTransition(_("Bills are recorded against this order: cancel them first."))
    cost.status, cost.cancelled_reason = Cost.Status.CANCELLED, reason[:500]
    validated_save(cost, update_fields=["status", "cancelled_reason"])
    record_event(
        subject=cost,
        verb="cost.cancelled",
        by=by,
        changes={"status": ["recorded", "cancelled"], "cancelled_reason": [None, reason[:500]]},
    )
    return cost
