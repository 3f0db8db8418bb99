"""My time: a week of hours, one row per task the person works on and a column per day, saved
all at once. Every changed cell is one call of `enter_time`; if any cell is refused, nothing
of the week is saved and each refusal shows in its cell. Hours only: never a rate or a cost."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kam.budgets import forms, queries, services
from kam.core.errors import DomainError
from kam.delivery.models import Task
from kam.people.models import User


@dataclass
class Cell:
    name: str
    day: date
    value: str = ""
    error: str = ""
    open: bool = True


@dataclass
class Row:
    task: Task
    cells: list[Cell]

    @property
    def hours(self) -> Decimal:
        return sum((_number(cell.value) or Decimal(0) for cell in self.cells), Decimal(0))


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _plain(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


@login_required
def timesheet(request: HttpRequest) -> HttpResponse:
    user = request.user
    start = forms.week_of(request.GET.get("week"))
    days = [start + timedelta(days=n) for n in range(7)]
    tasks = list(queries.tasks_for_timesheet(user, days[0], days[-1]))
    entered = {
        (entry.task_id, entry.worked_on): entry.hours
        for entry in queries.time_entries_of(user, days[0], days[-1])
    }
    closed = queries.months_closed_among(days)
    today = timezone.localdate()
    rows = [Row(task, [_cell(task, day, entered, closed, today) for day in days]) for task in tasks]
    if request.method == "POST":
        if _save(user, rows, entered, request.POST):
            messages.success(request, _("The week's hours are saved."))
            return redirect(f"{reverse('budgets:timesheet')}?week={start.isoformat()}")
        messages.error(request, _("Nothing is saved: correct the hours marked below."))
    context = {
        "rows": rows,
        "days": days,
        "day_totals": [
            sum((_number(row.cells[n].value) or 0 for row in rows), 0) for n in range(7)
        ],
        "week": start,
        "previous": start - timedelta(days=7),
        "next": start + timedelta(days=7),
        "this_week": forms.week_of(None),
        "today": today,
    }
    failed = any(cell.error for row in rows for cell in row.cells)
    return render(request, "budgets/timesheet.html", context, status=422 if failed else 200)


def _cell(task: Task, day: date, entered: dict, closed: set, today: date) -> Cell:
    hours = entered.get((task.pk, day))
    return Cell(
        name=f"h-{task.pk}-{day.isoformat()}",
        day=day,
        value=_plain(hours) if hours is not None else "",
        open=day <= today and day.replace(day=1) not in closed,
    )


def _save(user: User, rows: list[Row], entered: dict, posted) -> bool:
    """Apply every changed cell in one transaction; on the first refusal keep going to mark
    them all, then roll the whole week back. Cells lowering hours go first, so moving hours
    from one task to another on a full day is not refused."""
    changes = []
    for row in rows:
        for cell in row.cells:
            if not cell.open or cell.name not in posted:
                continue
            raw = posted.get(cell.name, "").strip()
            before = entered.get((row.task.pk, cell.day))
            after = _number(raw) if raw else Decimal(0)
            if after is not None and after == (before or Decimal(0)):
                continue
            cell.value = raw
            lowers = after is not None and before is not None and after < before
            changes.append((0 if lowers else 1, row.task, cell, raw))
    with transaction.atomic():
        for _order, task, cell, raw in sorted(changes, key=lambda change: change[0]):
            try:
                services.enter_time(by=user, task=task, worked_on=cell.day, hours=raw or 0)
            except DomainError as error:
                cell.error = error.message
            except Http404:
                cell.error = _("You no longer enter time on this task.")
        failed = any(cell.error for _o, _t, cell, _r in changes)
        if failed:
            transaction.set_rollback(True)
    return not failed
