"""Demo budgets: Finance's hourly rates; a budget on every project of the demo that is not
cancelled — Sữa Việt's Tết campaign from its approved estimate (`story`), the others from a
first baseline their KAM wrote and their Director approved (`stages`) —; purchase orders from
confirmed bookings and the vendors' bills against them, one over its order; the hours the
department members entered on their tasks over the past weeks; projects under, near and over
budget with their warnings; a cost the Director let through under the margin floor and a change
waiting for them; a re-baseline approved and one waiting; and the month before last closed by
Finance. Everything goes through the services, as the demo's people (`steps`). `volume`
bulk-inserts the larger scales."""

from datetime import timedelta

from django.utils import timezone

from kam.budgets import services
from kam.budgets.models import Budget, BudgetAlert, ClosedMonth, Cost, MarginApproval, TimeEntry
from kam.budgets.seed import stages
from kam.budgets.seed.steps import Timesheets, set_rates
from kam.budgets.seed.story import budget_the_story
from kam.budgets.seed.volume import seed_volume
from kam.core.seed import SeedContext
from kam.delivery.models import Project
from kam.people.models import User

__all__ = ["seed", "seed_volume"]

# The delivery demo's projects by client, and what their budgets show.
STAGES = [
    ("Sông Hồng Drinks", stages.planning),
    ("Sao Việt Retail", stages.running_under),
    ("PĐS Bank", stages.over_budget),
    ("Hoa Sen Beauty", stages.near_budget),
    ("THN Auto", stages.delivered),
    ("An Tâm Life", stages.delivered_thanks),
]


def seed(ctx: SeedContext) -> None:
    if Budget.objects.exists():  # seeded already: the budgets are set up once
        ctx.log.append("budgets: budgets exist already, left as they are")
        return
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    projects = {
        project.client.short_name: project
        for project in Project.objects.exclude(status=Project.Status.CANCELLED).select_related(
            "client__owner__team__leader"
        )
    }
    if "Sữa Việt" not in projects:  # no delivery demo to budget
        return
    today = timezone.localdate()
    set_rates(people["finance"], today)
    hours = Timesheets(ctx, today)
    budget_the_story(people, projects["Sữa Việt"], today, hours)
    for short_name, stage in STAGES:
        stage(people, projects[short_name], today, hours)
    # Finance closes the month before last once its bills and hours are in.
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month = (month - timedelta(days=1)).replace(day=1)
    services.close_month(by=people["finance"], month=month)
    # The demo's warnings are its history, not news: the emails queued as they were crossed
    # find them sent and tell nobody (a demo set up on a real mail server mails no one).
    BudgetAlert.objects.filter(emailed_at__isnull=True).update(emailed_at=timezone.now())
    ctx.log.append(
        f"budgets: {Budget.objects.count()} budgets, {Cost.objects.count()} costs, "
        f"{TimeEntry.objects.count()} time entries, {BudgetAlert.objects.count()} warnings, "
        f"{MarginApproval.objects.count()} margin approvals "
        f"({MarginApproval.objects.filter(status='pending').count()} waiting), "
        f"{ClosedMonth.objects.get()} closed"
    )
