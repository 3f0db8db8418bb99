"""Time: the caller's own hours on a task each day. Entering the same task and day again sets
its hours (0 clears them); a day holds at most 24 hours over all tasks; a closed month takes
nothing. The hours are costed at the rate of the day, but neither rate nor cost is shown here:
a department member sees hours only, and the money is read on the budget."""

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.budgets import queries, services
from kam.budgets.api.common import Day, Hours, ProjectRef, router
from kam.budgets.models import TimeEntry
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.core.errors import DomainError
from kam.delivery import queries as delivery_queries
from kam.delivery.api.common import TaskRef


class TimeEntryOut(Schema):
    id: int
    task: TaskRef
    project: ProjectRef
    worked_on: date
    hours: float
    note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_project(entry: TimeEntry) -> dict:
        return {"id": entry.task.project_id, "title": entry.task.project.title}


class TimeIn(Schema):
    task_id: BodyId
    worked_on: Day
    hours: Hours = Field(description="the day's hours on the task, to two decimals; 0 clears")
    note: str = Field("", max_length=300)


def _this_week() -> tuple[date, date]:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


@router.get(
    "/time-entries",
    response={200: list[TimeEntryOut], **ERRORS},
    summary="The caller's own hours, newest day first (this week when no dates are given)",
)
@paginate(Pagination)
def list_time_entries(
    request: HttpRequest,
    start: Day | None = None,
    end: Day | None = None,
    task_id: Id | None = None,
):
    week_start, week_end = _this_week()
    start, end = start or week_start, end or week_end
    if start > end:
        raise DomainError(_("The start is after the end."), field="start")
    entries = queries.time_entries_of(request.user, start, end)
    return entries.filter(task_id=task_id) if task_id is not None else entries


@router.put(
    "/time-entries",
    response={200: TimeEntryOut, 204: None, **ERRORS},
    summary="Set the caller's hours on a task for a day (the same task and day again: changed; "
    "0: cleared, 204)",
)
def enter_time(request: HttpRequest, payload: TimeIn):
    task = delivery_queries.get_task_for(request.user, payload.task_id)
    entry = services.enter_time(
        by=request.user,
        task=task,
        worked_on=payload.worked_on,
        hours=payload.hours,
        note=payload.note,
    )
    if entry is None:
        return Status(204, None)
    return queries.get_time_entry_for(request.user, entry.pk)


@router.delete(
    "/time-entries/{time_entry_id}",
    response={204: None, **ERRORS},
    summary="Take back one's own hours of a day in an open month",
)
def remove_time(request: HttpRequest, time_entry_id: Id):
    entry = queries.get_time_entry_for(request.user, time_entry_id)
    services.remove_time(by=request.user, entry=entry)
    return Status(204, None)
