"""One search box across clients, stakeholders and interactions."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kam.clients import queries


# --- Search ---------------------------------------------------------------------------------
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """One box for clients, stakeholders and interactions, without accents or case."""
    query = request.GET.get("q", "")[:200]
    results = queries.search(request.user, query)
    return render(request, "clients/search.html", {"query": query, **results})
