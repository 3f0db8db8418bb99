"""Time: the hours a person spends on a task each day, costed at their rate of that day and
counted on the budget line of the task's department — quick to enter a week at a time."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.budgets import queries
from kam.budgets.models import Budget, TimeEntry
from kam.budgets.permissions import can_enter_time
from kam.budgets.services.alerts import record_crossed_thresholds
from kam.budgets.services.budgets import department_lines
from kam.budgets.services.common import locked_project, require_open_month
from kam.core.audit import record_event
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.money import round_for
from kam.core.saving import validated_save
from kam.delivery.models import Project, Task
from kam.people.models import User

VERB_LABELS = {
    "time.entered": gettext_lazy("entered time"),
    "time.changed": gettext_lazy("changed the time entered"),
    "time.removed": gettext_lazy("removed the time entered"),
}
DAY = Decimal(24)


@transaction.atomic
def enter_time(*, by: User, task: Task, worked_on: date, hours, note: str = "") -> TimeEntry | None:
    """Set the hours the person spent on the task that day (0 clears them). A day holds at most
    24 hours over all their tasks; the hours are costed at the rate of the day."""
    project = locked_project(task.project)
    task = Task.objects.select_related("project").get(pk=task.pk)
    require(can_enter_time(by, task))
    hours = _hours(hours)
    if project.status == Project.Status.CANCELLED:
        raise InvalidTransition(_("This project is cancelled."))
    if worked_on is None or worked_on > timezone.localdate():
        raise DomainError(_("Time is entered for today or a day before."), field="worked_on")
    require_open_month(worked_on, "worked_on")
    # The person's row is the lock that keeps two saves of the same day under 24 hours.
    User.objects.select_for_update().filter(pk=by.pk).first()
    entry = TimeEntry.objects.filter(user=by, task=task, worked_on=worked_on).first()
    if queries.hours_on(by, worked_on, without=entry) + hours > DAY:
        raise DomainError(
            _("That makes more than 24 hours on %(day)s.")
            % {"day": worked_on.strftime("%d/%m/%Y")},
            field="hours",
        )
    if hours == 0:
        return _clear(entry, by)
    rate = queries.rate_on(by, worked_on)
    before = entry.hours if entry else None
    entry = entry or TimeEntry(user=by, task=task, project=project, worked_on=worked_on)
    entry.hours, entry.rate_amount = hours, rate
    entry.cost_amount = round_for(settings.KAM_CURRENCY, hours * rate)
    entry.note = (note or "").strip()[:300]
    # Read once, under the project's lock: the line the hours go on, then the warnings.
    budget = Budget.objects.filter(project=project).first()
    entry.line_id = _line_for(budget, task)
    validated_save(entry)
    record_event(
        subject=task,
        verb="time.changed" if before is not None else "time.entered",
        by=by,
        changes={"hours": [_plain(before), _plain(hours)], "day": [None, worked_on.isoformat()]},
    )
    _warn(budget, project)
    return entry


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite():
        raise DomainError(_("Give the hours as a number, such as 1.5."), field="hours")
    if hours < 0 or hours > DAY:
        raise DomainError(_("Hours are above 0 and at most 24."), field="hours")
    if hours != hours.quantize(Decimal("0.01")):
        raise DomainError(_("Give the hours to two decimals at most."), field="hours")
    return hours


def _line_for(budget: Budget | None, task: Task) -> int | None:
    if budget is None or task.department_id is None:
        return None
    return department_lines(budget).get(task.department_id)


def _clear(entry: TimeEntry | None, by: User) -> None:
    if entry is None:
        return None
    record_event(
        subject=entry.task,
        verb="time.removed",
        by=by,
        changes={"hours": [_plain(entry.hours), None], "day": [entry.worked_on.isoformat(), None]},
    )
    entry.delete()
    return None


def _warn(budget: Budget | None, project: Project) -> None:
    if budget is not None:
        budget.project = project
        record_crossed_thresholds(budget)


def _plain(hours: Decimal | None) -> str | None:
    return None if hours is None else f"{hours.normalize():f}"


@transaction.atomic
def remove_time(*, by: User, entry: TimeEntry) -> None:
    """Take back one's own hours of a day in an open month, even on a task one no longer
    works on."""
    # The project's lock, as for every change to its money.
    locked_project(entry.project)
    entry = TimeEntry.objects.filter(pk=entry.pk, user=by).select_related("task").first()
    require(entry is not None)
    require_open_month(entry.worked_on, "worked_on")
    _clear(entry, by)
