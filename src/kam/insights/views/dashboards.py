"""The dashboards: a KAM's portfolio (revenue against target, commission, clients by health and
revenue, pipeline, receivables) and a Director's team view (the same per KAM of the teams they
lead). Every figure links to the list behind it."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django import forms as django_forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from kam.budgets.permissions import sees_profitability
from kam.budgets.queries import profitability
from kam.clients.models import Client
from kam.clients.queries import clients_visible_to
from kam.core import access
from kam.core.errors import require
from kam.delivery.views.common import PAGE_SIZE, id_from, query_without_page
from kam.growth.models import Opportunity
from kam.growth.queries import opportunities_visible_to, pipeline_totals
from kam.insights import forms
from kam.insights.models import HealthScore, Target
from kam.insights.periods import FIRST_YEAR, LAST_YEAR, Span, span_of
from kam.insights.permissions import sees_commission_of, sees_insights, sees_team_view
from kam.insights.queries.attainment import (
    METRICS,
    AttainmentRow,
    attainment_for,
    commission_of,
    invoiced_net_by,
    kams_visible_to,
)
from kam.people.models import User
from kam.receivables.permissions import sees_receivables
from kam.receivables.queries import OPEN, ageing_totals, invoices_visible_to, open_invoices

# A portfolio lists this many clients, worst health first; the health list holds them all.
PORTFOLIO_ROWS = 100
REVENUE_DAYS = 365
# The health distribution's bands: (key, lowest score, highest score).
BANDS = (("critical", 0, 39), ("weak", 40, 59), ("fair", 60, 79), ("good", 80, 100))


class PeriodFilters(forms.Filters):
    """The dashboards' period: a month, quarter or year and a day in it; what is wrong is left
    out (today's quarter) rather than refused."""

    period = django_forms.ChoiceField(required=False, choices=Target.Period.choices)
    day = django_forms.DateField(required=False)


def _span_of(request: HttpRequest) -> Span:
    values = PeriodFilters(request.GET).values()
    day = values["day"]
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        day = timezone.localdate()
    return span_of(values["period"] or Target.Period.QUARTER, day)


def _period_context(span: Span) -> dict:
    return {
        "span": span,
        "periods": Target.Period.choices,
        "previous_day": span.previous().starts_on,
        "next_day": span.next().starts_on,
        "metric_labels": dict(Target.Metric.choices),
    }


# --- The portfolio --------------------------------------------------------------------------
@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    """One KAM's period: their own without `?kam`, another's for a Director (of their teams),
    Finance or an admin; the same 404 for a KAM out of view. Someone who is not a KAM chooses."""
    viewer = request.user
    require(sees_insights(viewer))
    span = _span_of(request)
    kam = _kam_in_view(viewer, request.GET.get("kam", ""))
    if kam is None:
        return _choose_kam(request, span)
    row = _row_of(kam, attainment_for(kam, span))
    collected = row.metrics[Target.Metric.COLLECTED]
    clients = _portfolio_clients(viewer, kam)
    context = {
        **_period_context(span),
        "kam": kam,
        "metrics": [row.metrics[metric] for metric in METRICS],
        "collected": collected,
        "commission": commission_of(collected) if sees_commission_of(viewer, kam) else None,
        "rows": clients.rows,
        "more_clients": clients.more,
        "at_risk_count": clients.at_risk,
        "pipeline": pipeline_totals(
            opportunities_visible_to(viewer).filter(owner=kam, status=Opportunity.Status.OPEN)
        ),
        "receivables": _receivables_of(viewer, kam),
        "sees_team_view": sees_team_view(viewer),
    }
    return render(request, "insights/dashboard_portfolio.html", context)


def _kam_in_view(viewer: User, asked: str) -> User | None:
    """The KAM asked for (404 if the viewer does not see them), else the viewer if a KAM."""
    if asked:
        pk = id_from(asked)
        if pk is None:
            raise Http404
        return get_object_or_404(kams_visible_to(viewer).select_related("team"), pk=pk)
    return viewer if access.is_kam(viewer) and viewer.is_active else None


def _choose_kam(request: HttpRequest, span: Span) -> HttpResponse:
    kams = kams_visible_to(request.user).select_related("team").order_by("team__name", "full_name")
    context = {
        **_period_context(span),
        "page": Paginator(kams, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "sees_team_view": sees_team_view(request.user),
    }
    return render(request, "insights/dashboard_choose.html", context)


def _row_of(kam: User, rows: list[AttainmentRow]) -> AttainmentRow:
    return next(row for row in rows if row.kam is not None and row.kam.pk == kam.pk)


@dataclass
class PortfolioClients:
    rows: list[dict]
    more: bool
    at_risk: int


def _portfolio_clients(viewer: User, kam: User) -> PortfolioClients:
    """The KAM's own clients the viewer sees (lost ones aside), worst health first (unscored
    last), with what each was invoiced over the last year: three queries."""
    clients = (
        clients_visible_to(viewer)
        .filter(owner=kam)
        .exclude(status=Client.Status.LOST)
        .select_related("health")
    )
    listed = list(
        clients.order_by(F("health__score").asc(nulls_last=True), "legal_name", "pk")[
            : PORTFOLIO_ROWS + 1
        ]
    )
    shown = listed[:PORTFOLIO_ROWS]
    revenue = _invoiced_by_client([client.pk for client in shown])
    rows = [
        {
            "client": client,
            "health": getattr(client, "health", None),
            "revenue": revenue.get(client.pk, Decimal(0)),
        }
        for client in shown
    ]
    at_risk = clients.filter(health__at_risk=True).count()
    return PortfolioClients(rows=rows, more=len(listed) > PORTFOLIO_ROWS, at_risk=at_risk)


def _invoiced_by_client(client_ids: list[int]) -> dict[int, Decimal]:
    """Invoiced less credited, before VAT, over the last year, per client."""
    if not client_ids:
        return {}
    today = timezone.localdate()
    since = today - timedelta(days=REVENUE_DAYS)
    return invoiced_net_by("client_id", since, today, client_id__in=client_ids)


def _receivables_of(viewer: User, kam: User) -> dict | None:
    if not sees_receivables(viewer):
        return None
    totals = ageing_totals(invoices_visible_to(viewer).filter(client__owner=kam))
    return {**totals, "overdue": totals["total"] - totals["current"]}


# --- The team view --------------------------------------------------------------------------
@login_required
def team(request: HttpRequest) -> HttpResponse:
    """Each KAM of the teams the Director leads (every team for an admin): revenue against
    target, the health of their clients, what is overdue and the margin, with team totals."""
    viewer = request.user
    require(sees_team_view(viewer))
    span = _span_of(request)
    rows = attainment_for(viewer, span)
    kam_ids = [row.kam.pk for row in rows if row.kam is not None]
    health = _health_by_kam(kam_ids)
    overdue = _overdue_by_kam(viewer, kam_ids)
    margins = _margin_by_kam(viewer, span)
    members = [_member(row, health, overdue, margins) for row in rows if row.kam is not None]
    teams = [
        _team_of(row, [member for member in members if member["kam"].team_id == row.team.pk])
        for row in rows
        if row.team is not None
    ]
    loose = [member for member in members if member["kam"].team_id is None]
    context = {
        **_period_context(span),
        "teams": teams,
        "loose": loose,
        "bands": BANDS,
        "sees_margin": margins is not None,
    }
    return render(request, "insights/dashboard_team.html", context)


def _member(row: AttainmentRow, health: dict, overdue: dict, margins: dict | None) -> dict:
    pk = row.kam.pk
    return {
        "row": row,
        "kam": row.kam,
        "metrics": [row.metrics[metric] for metric in METRICS],
        "health": health.get(pk, {}),
        "overdue": overdue.get(pk, {"amount": Decimal(0), "count": 0}),
        "margin": (margins or {}).get(pk),
    }


def _team_of(row: AttainmentRow, members: list[dict]) -> dict:
    """A team's row: its revenue (attainment's), its members, and their health and overdue
    added up."""
    return {
        "row": row,
        "members": members,
        "health": {
            key: sum(member["health"].get(key, 0) for member in members) for key, _l, _h in BANDS
        },
        "overdue": sum((member["overdue"]["amount"] for member in members), Decimal(0)),
    }


def _health_by_kam(kam_ids: list[int]) -> dict[int, dict]:
    """How many of each KAM's clients are in each health band, in one grouped query."""
    counts = {
        key: Count("pk", filter=Q(score__gte=low, score__lte=high)) for key, low, high in BANDS
    }
    rows = (
        HealthScore.objects.filter(client__owner_id__in=kam_ids)
        .exclude(client__status=Client.Status.LOST)
        .values("client__owner_id")
        .annotate(**counts, at_risk=Count("pk", filter=Q(at_risk=True)), scored=Count("pk"))
        .order_by()
    )
    return {row.pop("client__owner_id"): row for row in rows}


def _overdue_by_kam(viewer: User, kam_ids: list[int]) -> dict[int, dict]:
    """What each KAM's clients owe past its due date, in one grouped query."""
    rows = (
        open_invoices(
            invoices_visible_to(viewer).filter(
                client__owner_id__in=kam_ids, due_on__lt=timezone.localdate()
            )
        )
        .values("client__owner_id")
        .annotate(amount=Sum(OPEN), count=Count("pk"))
        .order_by()
    )
    return {row.pop("client__owner_id"): row for row in rows}


def _margin_by_kam(viewer: User, span: Span) -> dict | None:
    """Gross margin per KAM over the period (budgets' profitability), for those who see it."""
    if not sees_profitability(viewer):
        return None
    report = profitability(viewer, by="kam", start=span.starts_on, end=span.ends_on)
    return {row.key: row for row in report.rows if row.key is not None}


urlpatterns = [
    path("dashboard/", portfolio, name="portfolio"),
    path("dashboard/team/", team, name="team"),
]
