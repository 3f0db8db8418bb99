"""What the budget services share: the project lock every money change takes first, quantities,
and the closed months nothing is recorded in."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kam.budgets import queries
from kam.budgets.models import Budget
from kam.core.errors import DomainError, InvalidTransition
from kam.delivery.models import Project


def locked_project(project: Project) -> Project:
    """The project re-read under a row lock: costs, time and approvals of one project are
    checked against its budget one at a time, so a threshold or the margin floor is judged on
    figures nobody else is changing."""
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("client__owner", "owner")
        .get(pk=project.pk)
    )


def budget_of_locked(project: Project) -> Budget:
    budget = Budget.objects.filter(project=project).first()
    if budget is None:
        raise InvalidTransition(_("Set up the project's budget first."))
    budget.project = project
    return budget


def number(value, field: str) -> Decimal:
    """A quantity as a Decimal of at most two decimals, or a message beside its field."""
    try:
        amount = Decimal(str(value).strip().replace(",", ".")) if value is not None else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(_("Give a number, such as 1.5."), field=field)
    if amount != amount.quantize(Decimal("0.01")) or abs(amount) >= Decimal(10) ** 10:
        raise DomainError(_("Give a number up to 10 digits and two decimals."), field=field)
    return amount


def require_open_month(day: date, field: str) -> None:
    if queries.is_month_closed(day):
        raise DomainError(
            _("%(month)s is closed: nothing is recorded or changed in it.")
            % {"month": day.strftime("%m/%Y")},
            field=field,
        )


def percent_text(value: Decimal | None) -> str:
    """A margin in a message: `16.7%`, or a dash where there is no revenue to have one."""
    return "—" if value is None else f"{value.normalize():f}%"
