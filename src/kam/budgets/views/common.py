"""What the budget pages share: finding a budget the user may see or manage, and the helpers
of the delivery and pitching pages (one behaviour, one place)."""

from django.http import HttpRequest
from django.urls import reverse

from kam.budgets import queries
from kam.budgets.models import Budget
from kam.budgets.permissions import can_manage_budget
from kam.core.errors import require
from kam.delivery.views.common import (
    PAGE_SIZE,
    id_from,
    query_without_page,
    run_and_tell,
    tell_unshown,
)

__all__ = [
    "PAGE_SIZE",
    "budget_url",
    "id_from",
    "managed_budget",
    "query_without_page",
    "run_and_tell",
    "seen_budget",
    "tell_unshown",
]


def budget_url(budget_pk: int, anchor: str = "") -> str:
    url = reverse("budgets:budget_detail", args=[budget_pk])
    return f"{url}#{anchor}" if anchor else url


def seen_budget(request: HttpRequest, pk: int) -> Budget:
    """The budget, for those who see money on its client; the same 404 for anyone else."""
    return queries.get_budget_for(request.user, pk)


def managed_budget(request: HttpRequest, pk: int) -> Budget:
    budget = seen_budget(request, pk)
    require(can_manage_budget(request.user, budget.project))
    return budget
