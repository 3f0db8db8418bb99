"""Reads of time: a person's week, their hours of a day, the tasks of their timesheet, and a
project's effort by person."""

from datetime import date
from decimal import Decimal

from django.db.models import (
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from kam.budgets.models import (
    TimeEntry,
)
from kam.delivery.models import Project, Task
from kam.delivery.queries import LIVE_PROJECT
from kam.people.models import User


def time_entries_of(user: User, start: date, end: date) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(user=user, worked_on__range=(start, end)).select_related(
        "task__project"
    )


def hours_on(user: User, day: date, *, without: TimeEntry | None = None) -> Decimal:
    entries = TimeEntry.objects.filter(user=user, worked_on=day)
    if without is not None and without.pk:
        entries = entries.exclude(pk=without.pk)
    return entries.aggregate(s=Coalesce(Sum("hours"), Value(Decimal(0))))["s"]


def tasks_for_timesheet(user: User, start: date, end: date) -> QuerySet[Task]:
    """The tasks a person enters time on this week: assigned to them, started by the week's
    end and not done before it, or already holding their hours of the week. (Two lookups in a
    union, each through its index: as one OR, PostgreSQL read every task.)"""
    entered = TimeEntry.objects.filter(user=user, worked_on__range=(start, end)).values("task_id")
    in_play = Task.objects.filter(
        Q(done_on__isnull=True) | Q(done_on__gte=start),
        starts_on__lte=end,
        assignee=user,
        project__status__in=LIVE_PROJECT,
    ).values("pk")
    return (
        Task.objects.filter(pk__in=entered.order_by().union(in_play.order_by()))
        .select_related("project__client")
        .order_by("project__title", "due_on", "pk")
    )


def time_entries_of_project(project: Project) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(project=project).select_related("user", "task")


def effort_by_person(project: Project) -> list[dict]:
    return list(
        TimeEntry.objects.filter(project=project)
        .values("user", "user__full_name", "user__username")
        .annotate(hours=Sum("hours"), cost=Sum("cost_amount"))
        .order_by("-hours")
    )
