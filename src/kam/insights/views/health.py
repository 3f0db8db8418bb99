"""Account health pages: the scores of the clients the user sees (worst first, at risk only, one
KAM's), one client's score with every signal and why it cost points, its history and surveys,
a fresh computation on demand, and the health panel of the client's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients.models import Client
from kam.clients.queries import client_owners_visible_to, get_client_for
from kam.core.errors import DomainError
from kam.core.htmx import wants_fragment
from kam.delivery.views.common import PAGE_SIZE, id_from, query_without_page
from kam.insights.health import SIGNAL_LABELS, reasons
from kam.insights.models import Survey
from kam.insights.permissions import can_follow_up_survey, can_send_survey
from kam.insights.queries.health import current_score_of, health_for_list, history_of
from kam.insights.queries.surveys import surveys_for_list
from kam.insights.services import recompute_health_of

HISTORY_DAYS = 180
SURVEYS_SHOWN = 20


def _health_url(pk: int) -> str:
    return reverse("insights:client_health", args=[pk])


@login_required
@vary_on_headers("HX-Request")
def health_list(request: HttpRequest) -> HttpResponse:
    """Every client the user sees with its score, worst first; `?at_risk=1`, `?owner=<id>`."""
    at_risk = request.GET.get("at_risk") == "1"
    owner = id_from(request.GET.get("owner"))
    scores = health_for_list(request.user, at_risk=at_risk)
    if owner is not None:
        scores = scores.filter(client__owner_id=owner)
    context = {
        "page": Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "at_risk": at_risk,
        "owner": owner,
        "owners": client_owners_visible_to(request.user),
    }
    if wants_fragment(request):
        return render(request, "insights/partials/_health_rows.html", context)
    return render(request, "insights/health_list.html", context)


@login_required
def client_health(request: HttpRequest, pk: int) -> HttpResponse:
    """One client's health: every signal with the points it cost and why (the top three
    reasons marked), 180 days of history, and the surveys its people answered."""
    client = get_client_for(request.user, pk)
    score = current_score_of(client)
    signals = score.signals if score else []
    top = {row["signal"] for row in reasons(signals)}
    lost = client.status == Client.Status.LOST
    context = {
        "client": client,
        "score": score,
        "lost": lost,
        "signals": [
            {
                **row,
                "label": SIGNAL_LABELS.get(row["signal"], row["signal"]),
                "top": row["signal"] in top,
            }
            for row in signals
        ],
        "history": list(history_of(client, HISTORY_DAYS)),
        "history_days": HISTORY_DAYS,
        "surveys": surveys_for_list(request.user, client=client, status=Survey.Status.ANSWERED)[
            :SURVEYS_SHOWN
        ],
        "can_recompute": not lost and can_follow_up_survey(request.user, client),
    }
    return render(request, "insights/health_client.html", context)


@login_required
@require_POST
def client_health_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    """Score the client now rather than at the next hourly round (after a meeting, say)."""
    client = get_client_for(request.user, pk)
    try:
        score = recompute_health_of(by=request.user, client=client)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Health recomputed: %(score)s/100.") % {"score": score.score})
    return redirect(_health_url(client.pk))


@login_required
def client_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client page's health part: score, trend, the top reasons and the last answer."""
    client: Client = get_client_for(request.user, pk)
    last_answer = (
        surveys_for_list(request.user, client=client, status=Survey.Status.ANSWERED)
        .order_by("-answered_at", "-pk")
        .first()
    )
    context = {
        "client": client,
        "score": current_score_of(client),
        "lost": client.status == Client.Status.LOST,
        "last_answer": last_answer,
        "can_send_survey": can_send_survey(request.user, client),
    }
    return render(request, "insights/partials/_health_panel.html", context)


urlpatterns = [
    path("health/", health_list, name="health_list"),
    path("clients/<int:pk>/health/", client_health, name="client_health"),
    path(
        "clients/<int:pk>/health/recompute/",
        client_health_recompute,
        name="client_health_recompute",
    ),
    path("clients/<int:pk>/health/panel/", client_panel, name="client_panel"),
]
