"""Reads of satisfaction surveys: what the user may see (the surveys of clients they see), the
results over time per client, KAM and team, averaged in the database."""

from datetime import date

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from kam.clients.models import Client
from kam.clients.queries import of_visible_clients
from kam.insights.models import Survey
from kam.people.models import User


def surveys_visible_to(user: User) -> QuerySet[Survey]:
    return of_visible_clients(Survey.objects.all(), user)


def get_survey_for(user: User, pk: int) -> Survey:
    return get_object_or_404(
        surveys_visible_to(user).select_related(
            "client", "stakeholder", "project", "sent_by", "followed_up_by"
        ),
        pk=pk,
    )


def surveys_for_list(
    user: User, *, client: Client | None = None, status: str = "", low: bool = False
) -> QuerySet[Survey]:
    surveys = surveys_visible_to(user).select_related("client", "stakeholder", "project")
    if client is not None:
        surveys = surveys.filter(client=client)
    if status in Survey.Status.values:
        surveys = surveys.filter(status=status)
    if low:
        surveys = surveys.filter(low_score=True)
    return surveys.order_by("-sent_at", "-pk")


def low_scores_to_follow_up(clients: QuerySet[Client]) -> QuerySet[Survey]:
    return Survey.objects.filter(
        client__in=clients, low_score=True, followed_up_at__isnull=True
    ).select_related("client", "stakeholder", "project")


def _results(surveys: QuerySet[Survey]) -> dict:
    """Answers, average CSAT, and NPS (promoters minus detractors, in points) of the surveys."""
    figures = surveys.filter(status=Survey.Status.ANSWERED).aggregate(
        answers=Count("pk"),
        csat=Avg("csat"),
        promoters=Count("pk", filter=Q(nps__gte=9)),
        detractors=Count("pk", filter=Q(nps__lte=6)),
    )
    return _with_nps(figures)


def _with_nps(figures: dict) -> dict:
    answers = figures["answers"] or 0
    figures["nps"] = (
        round((figures["promoters"] - figures["detractors"]) * 100 / answers) if answers else None
    )
    figures["csat"] = round(figures["csat"], 1) if figures["csat"] is not None else None
    return figures


def results_of(user: User, *, since: date, client: Client | None = None) -> dict:
    surveys = surveys_visible_to(user).filter(answered_at__date__gte=since)
    if client is not None:
        surveys = surveys.filter(client=client)
    return _results(surveys)


def results_by(user: User, *, since: date, group: str) -> list[dict]:
    """Results per "kam" (the client's owner), "team" or "month", in one grouped query."""
    column = {
        "kam": "client__owner__full_name",
        "team": "client__owner__team__name",
        "month": "month",
    }[group]
    surveys = surveys_visible_to(user).filter(
        status=Survey.Status.ANSWERED, answered_at__date__gte=since
    )
    if group == "month":
        surveys = surveys.annotate(month=TruncMonth("answered_at"))
    rows = (
        surveys.values(column)
        .annotate(
            answers=Count("pk"),
            csat=Avg("csat"),
            promoters=Count("pk", filter=Q(nps__gte=9)),
            detractors=Count("pk", filter=Q(nps__lte=6)),
        )
        .order_by(column)
    )
    return [{"name": row[column], **_with_nps(row)} for row in rows]
