"""What budgets put on the agenda: a KAM's warnings, a Director's approvals waiting."""

from django.db.models import (
    Max,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from kam.budgets.models import (
    Baseline,
    BudgetAlert,
    MarginApproval,
)
from kam.budgets.permissions import sees_budgets
from kam.clients.queries import ids_of_clients_changeable_by
from kam.core import access
from kam.core.agenda import AgendaItem
from kam.delivery.models import Project
from kam.people.models import User


def agenda_items(user: User) -> list[AgendaItem]:
    """Budget warnings on the KAM's projects, and for a Director the costs, changes and
    re-baselines waiting for their approval."""
    if not sees_budgets(user):
        return []
    return [*_warnings_for(user), *_approvals_waiting_for(user), *_baselines_waiting_for(user)]


WARNINGS_ON_AGENDA = 50


def _warnings_for(user: User) -> list[AgendaItem]:
    """For each open project the user runs, its highest warning (the newest such), the most
    recently warned projects first: each budget once, however many lines crossed."""
    alerts = BudgetAlert.objects.filter(
        budget__project__client__in=ids_of_clients_changeable_by(user),
        budget__project__status__in=[Project.Status.PLANNING, Project.Status.RUNNING],
    )
    newest = list(
        alerts.values("budget_id")
        .annotate(last=Max("crossed_at"))
        .order_by("-last", "-budget_id")
        .values_list("budget_id", flat=True)[:WARNINGS_ON_AGENDA]
    )
    highest = {}
    for alert in (
        alerts.filter(budget_id__in=newest)
        .select_related("budget__project", "line")
        .order_by("budget_id", "-threshold_percent", "-crossed_at")
    ):
        highest.setdefault(alert.budget_id, alert)
    return [_warning_item(highest[pk]) for pk in newest if pk in highest]


def _warning_item(alert: BudgetAlert) -> AgendaItem:
    return AgendaItem(
        title=_("%(what)s has used %(percent)s%% of its budget")
        % {"what": alert.line or alert.budget.project, "percent": alert.threshold_percent},
        url=reverse("budgets:budget_detail", args=[alert.budget_id]),
        action=_("Look at the budget"),
        detail=str(alert.budget.project),
    )


def _approvals_waiting_for(user: User) -> list[AgendaItem]:
    if not (access.is_director(user) or access.is_admin(user)):
        return []
    waiting = MarginApproval.objects.filter(status=MarginApproval.Status.PENDING)
    if not access.is_admin(user):
        waiting = waiting.filter(project__client__owner__team__leader=user)
    return [
        AgendaItem(
            title=_("Approve a margin under the floor: %(what)s") % {"what": approval},
            url=reverse("budgets:approval_detail", args=[approval.pk]),
            action=_("Decide"),
            detail=str(approval.project),
        )
        for approval in waiting.select_related("project", "cost", "change_request")[:50]
    ]


def _baselines_waiting_for(user: User) -> list[AgendaItem]:
    if not (access.is_director(user) or access.is_admin(user)):
        return []
    waiting = Baseline.objects.filter(status=Baseline.Status.PENDING)
    if not access.is_admin(user):
        waiting = waiting.filter(budget__project__client__owner__team__leader=user)
    return [
        AgendaItem(
            title=_("Approve re-baseline %(number)s of %(project)s")
            % {"number": baseline.number, "project": baseline.budget.project},
            url=reverse("budgets:baseline_detail", args=[baseline.pk]),
            action=_("Decide"),
        )
        for baseline in waiting.select_related("budget__project")[:50]
    ]
