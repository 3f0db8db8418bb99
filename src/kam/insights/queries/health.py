"""The facts account health reads, gathered for a batch of clients with one grouped query per
signal (never a query per client), and the reads of the scores kept."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from kam.budgets.models import BudgetAlert
from kam.clients.models import Client, ClientRequest, Interaction, Stakeholder
from kam.clients.queries import clients_visible_to, sees_every_client
from kam.delivery.models import Project, Slip, Task
from kam.growth.models import Opportunity
from kam.insights.health import (
    DECISION_MAKER_MET_DAYS,
    SURVEY_RELEVANCE_DAYS,
    ClientFacts,
)
from kam.insights.models import HealthHistory, HealthScore, Survey
from kam.people.models import User
from kam.receivables.models import CreditNote, Invoice
from kam.receivables.queries.balances import OPEN, open_invoices

MEANINGFUL_CONTACT = [
    Interaction.Kind.CALL,
    Interaction.Kind.MEETING,
    Interaction.Kind.VISIT,
    Interaction.Kind.EMAIL,
]
SLIP_WINDOW_DAYS = 90
BUDGET_WINDOW_DAYS = 180
REVENUE_HALF_YEAR_DAYS = 182
TREND_DAYS = 30
OPEN_PROJECT = [Project.Status.PLANNING, Project.Status.RUNNING]


def clients_to_score() -> QuerySet[Client]:
    """Every client but the lost ones: prospects and dormant clients have a health too."""
    return Client.objects.exclude(status=Client.Status.LOST)


def facts_of(client_ids: list[int], today: date) -> dict[int, ClientFacts]:
    """Every signal's facts for the clients, in about ten grouped queries whatever their number."""
    facts = {pk: ClientFacts(today=today) for pk in client_ids}
    now = timezone.now()

    def apply(rows: Iterable[dict], key: str, **fields: str) -> None:
        for row in rows:
            target = facts.get(row[key])
            if target is not None:
                for attribute, column in fields.items():
                    setattr(target, attribute, row[column])

    apply(
        Interaction.objects.filter(client_id__in=client_ids, kind__in=MEANINGFUL_CONTACT)
        .values("client_id")
        .annotate(last=Max("happened_at")),
        "client_id",
        last_contact_at="last",
    )
    apply(
        ClientRequest.objects.filter(
            client_id__in=client_ids,
            kind=ClientRequest.Kind.COMPLAINT,
            status__in=[ClientRequest.Status.OPEN, ClientRequest.Status.IN_PROGRESS],
        )
        .values("client_id")
        .annotate(count=Count("pk")),
        "client_id",
        open_complaints="count",
    )
    _apply_last_survey(facts, client_ids, now)
    apply(
        open_invoices(Invoice.objects.filter(client_id__in=client_ids, due_on__lt=today))
        .values("client_id")
        .annotate(oldest=Min("due_on"), amount=Sum(OPEN)),
        "client_id",
        oldest_overdue_on="oldest",
        overdue_amount="amount",
    )
    apply(
        Slip.objects.filter(
            project__client_id__in=client_ids,
            created_at__gte=now - timedelta(days=SLIP_WINDOW_DAYS),
        )
        .values("project__client_id")
        .annotate(count=Count("pk")),
        "project__client_id",
        recent_slips="count",
    )
    apply(
        Task.objects.filter(
            project__client_id__in=client_ids,
            project__status__in=OPEN_PROJECT,
            due_on__lt=today,
        )
        .exclude(status=Task.Status.DONE)
        .values("project__client_id")
        .annotate(count=Count("pk")),
        "project__client_id",
        late_tasks="count",
    )
    _apply_budget_alerts(facts, client_ids, now)
    _apply_revenue(facts, client_ids, today)
    apply(
        Opportunity.objects.filter(client_id__in=client_ids, status=Opportunity.Status.OPEN)
        .values("client_id")
        .annotate(count=Count("pk")),
        "client_id",
        open_opportunities="count",
    )
    _apply_coverage(facts, client_ids, now)
    return facts


def _apply_last_survey(facts: dict[int, ClientFacts], client_ids: list[int], now) -> None:
    answers = (
        Survey.objects.filter(
            client_id__in=client_ids,
            status=Survey.Status.ANSWERED,
            answered_at__gte=now - timedelta(days=SURVEY_RELEVANCE_DAYS),
        )
        .order_by("client_id", "-answered_at", "-pk")
        .values_list("client_id", "csat", "nps")
    )
    seen: set[int] = set()
    for client_id, csat, nps in answers:
        if client_id not in seen:
            seen.add(client_id)
            facts[client_id].last_csat, facts[client_id].last_nps = csat, nps


def _apply_budget_alerts(facts: dict[int, ClientFacts], client_ids: list[int], now) -> None:
    rows = (
        BudgetAlert.objects.filter(
            budget__project__client_id__in=client_ids,
            crossed_at__gte=now - timedelta(days=BUDGET_WINDOW_DAYS),
        )
        .values("budget__project__client_id")
        .annotate(highest=Max("threshold_percent"))
    )
    for row in rows:
        target = facts[row["budget__project__client_id"]]
        target.budget_over = row["highest"] >= 100
        target.budget_warned = True


def _apply_revenue(facts: dict[int, ClientFacts], client_ids: list[int], today: date) -> None:
    """Invoiced less credited, in VND, in the last half-year and the one before. Every invoice
    ever issued counts, cancelled ones too: the credit note that cancelled it takes it back."""
    half = today - timedelta(days=REVENUE_HALF_YEAR_DAYS)
    year = today - timedelta(days=2 * REVENUE_HALF_YEAR_DAYS)
    for records, sign in (
        (Invoice.objects.filter(number__isnull=False), 1),
        (CreditNote.objects.all(), -1),
    ):
        rows = (
            records.filter(client_id__in=client_ids, issued_on__gte=year)
            .values("client_id")
            .annotate(
                recent=Sum("total_vnd", filter=Q(issued_on__gte=half)),
                before=Sum("total_vnd", filter=Q(issued_on__lt=half)),
            )
        )
        for row in rows:
            target = facts[row["client_id"]]
            target.invoiced_recent += sign * Decimal(row["recent"] or 0)
            target.invoiced_before += sign * Decimal(row["before"] or 0)


def _apply_coverage(facts: dict[int, ClientFacts], client_ids: list[int], now) -> None:
    known = (
        Stakeholder.objects.filter(
            client_id__in=client_ids,
            is_active=True,
            decision_role=Stakeholder.DecisionRole.DECISION_MAKER,
        )
        .values("client_id")
        .annotate(count=Count("pk"))
    )
    for row in known:
        facts[row["client_id"]].decision_makers = row["count"]
    met = (
        Interaction.objects.filter(
            client_id__in=client_ids,
            kind__in=MEANINGFUL_CONTACT,
            stakeholders__decision_role=Stakeholder.DecisionRole.DECISION_MAKER,
            stakeholders__is_active=True,
            happened_at__gte=now - timedelta(days=DECISION_MAKER_MET_DAYS * 4),
        )
        .values("client_id")
        .annotate(last=Max("happened_at"))
    )
    for row in met:
        facts[row["client_id"]].decision_maker_met_at = row["last"]


def scores_30_days_before(client_ids: list[int], today: date) -> dict[int, int]:
    """Each client's last recorded score at least 30 days old, for the trend."""
    before = HealthHistory.objects.filter(
        client_id=OuterRef("pk"), on__lte=today - timedelta(days=TREND_DAYS)
    ).order_by("-on")
    rows = (
        Client.objects.filter(pk__in=client_ids)
        .annotate(old=Subquery(before.values("score")[:1]))
        .filter(old__isnull=False)
        .values_list("pk", "old")
    )
    return dict(rows)


def health_visible_to(user: User) -> QuerySet[HealthScore]:
    """Scores of the clients the user sees; a client lost since its last score has none."""
    scores = HealthScore.objects.exclude(client__status=Client.Status.LOST)
    if sees_every_client(user):
        return scores
    return scores.filter(client__any_of=clients_visible_to(user))


def current_score_of(client: Client) -> HealthScore | None:
    """The client's score, if it has one that still stands: a client lost since its last
    score has none (the hourly round no longer scores it; its history stays)."""
    if client.status == Client.Status.LOST:
        return None
    return HealthScore.objects.filter(client=client).first()


def health_for_list(user: User, *, at_risk: bool = False) -> QuerySet[HealthScore]:
    scores = health_visible_to(user).select_related("client", "client__owner")
    if at_risk:
        scores = scores.filter(at_risk=True)
    return scores.order_by("score", "client__legal_name")


def history_of(client: Client, days: int = 180) -> QuerySet[HealthHistory]:
    since = timezone.localdate() - timedelta(days=days)
    return HealthHistory.objects.filter(client=client, on__gte=since).order_by("on")
