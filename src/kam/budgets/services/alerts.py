"""Budget warnings: when the money used on a line (or on the whole budget) first reaches a
threshold, a warning is recorded — once, whatever is saved after — and the KAM is emailed."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.budgets import queries
from kam.budgets.arithmetic import crossed_thresholds
from kam.budgets.models import Budget, BudgetAlert


def record_crossed_thresholds(budget: Budget) -> list[BudgetAlert]:
    """Record the thresholds the budget has newly crossed, and email them after the commit.
    Called under the project's lock, so two costs at once cannot both record one."""
    figures = queries.figures_of(budget)
    thresholds = queries.thresholds()
    crossed = [
        (row.line, threshold, row.figures)
        for row in figures.rows
        if row.line is not None
        for threshold in crossed_thresholds(row.figures, thresholds)
    ]
    crossed += [
        (None, threshold, figures.total)
        for threshold in crossed_thresholds(figures.total, thresholds)
    ]
    if not crossed:
        return []  # most saves reach no threshold: no need to read the warnings recorded
    known = set(budget.alerts.values_list("line_id", "threshold_percent"))
    new = [
        _alert(budget, line, threshold, line_figures)
        for line, threshold, line_figures in crossed
        if (line.pk if line is not None else None, threshold) not in known
    ]
    if new:
        ids = [alert.pk for alert in BudgetAlert.objects.bulk_create(new)]
        # Imported here: the job module imports these services.
        from kam.budgets.jobs import email_budget_warnings_job

        transaction.on_commit(lambda: email_budget_warnings_job(ids))
    return new


def _alert(budget: Budget, line, threshold: int, figures) -> BudgetAlert:
    return BudgetAlert(
        budget=budget,
        line=line,
        threshold_percent=threshold,
        used_amount=figures.used,
        budget_amount=figures.budget,
    )


@transaction.atomic
def email_budget_warnings(alert_ids: list[int]) -> int:
    """Email the KAM of each project the warnings not emailed yet; the rows are locked and
    stamped in the same transaction, so a job run twice (or two at once) sends each once."""
    alerts = list(
        BudgetAlert.objects.select_for_update(of=("self",))
        .filter(pk__in=alert_ids, emailed_at__isnull=True)
        .select_related("budget__project__owner", "line")
        .order_by("budget_id", "threshold_percent", "pk")
    )
    by_budget: dict[int, list[BudgetAlert]] = {}
    for alert in alerts:
        by_budget.setdefault(alert.budget_id, []).append(alert)
    sent = 0
    for group in by_budget.values():
        sent += _email_owner(group)
    BudgetAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
        emailed_at=timezone.now()
    )
    return sent


def _email_owner(alerts: list[BudgetAlert]) -> int:
    budget = alerts[0].budget
    owner = budget.project.owner
    if not owner.email or not owner.is_active:
        return 0
    with translation.override(owner.language):
        subject = _("kam: the budget of %(project)s passed a warning threshold") % {
            "project": budget.project
        }
        body = render_to_string(
            "budgets/email/budget_warning.txt",
            {
                "user": owner,
                "budget": budget,
                "alerts": alerts,
                "url": settings.KAM_BASE_URL.rstrip("/")
                + reverse("budgets:budget_detail", args=[budget.pk]),
            },
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [owner.email])
    return 1
