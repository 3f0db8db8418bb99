"""Profitability: revenue recognised (milestones reached) against direct cost (bills and time)
by client, project, KAM, team or month over a period, drilling down from a client to its
projects and from a project to its budget; and the margin's trend, month by month."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kam.budgets import charts, forms, queries
from kam.budgets.permissions import sees_profitability
from kam.budgets.views.common import PAGE_SIZE, query_without_page
from kam.clients.queries import get_client_for
from kam.core.errors import require


@login_required
def profitability(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(sees_profitability(user))
    filters = forms.ProfitabilityFilters(request.GET)
    values = filters.values()
    client = get_client_for(user, values["client"]) if values["client"] else None
    period = {"start": values["start"], "end": values["end"], "client": client}
    report = queries.profitability(user, by=values["by"], **period)
    trend = report if values["by"] == "month" else queries.profitability(user, by="month", **period)
    context = {
        "report": report,
        # The rows a page shows (the total is of them all): Finance's two thousand projects
        # cost more to render than to compute.
        "page": Paginator(report.rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query_without_page(request),
        "total": report.total,
        "trend": charts.margin_trend(trend.rows, values["start"], values["end"]),
        "trend_total": trend.total,
        "filters": filters,
        "values": values,
        "client": client,
        "dimensions": forms.BY_CHOICES,
        "by_label": dict(forms.BY_CHOICES)[values["by"]],
    }
    return render(request, "budgets/profitability.html", context)
