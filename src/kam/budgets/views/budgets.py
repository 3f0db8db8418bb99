"""The budget list, a budget's page — its lines and totals, margins against the floor, warnings,
burn, costs, bookings to order, effort, baselines, approvals and history — setting a budget up,
the Director's margin floor, and the budget panel on the project's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.budgets import charts, forms, queries, services
from kam.budgets.models import Budget
from kam.budgets.permissions import (
    can_approve_margin,
    can_manage_budget,
    can_record_cost,
    sees_budgets,
)
from kam.budgets.views.common import (
    PAGE_SIZE,
    budget_url,
    query_without_page,
    run_and_tell,
    seen_budget,
    tell_unshown,
)
from kam.core.errors import require
from kam.core.forms import run_service

# Booking kinds and the line kind their fee is usually planned on.
LINE_KIND_OF_BOOKING = {
    "kol": "kol",
    "influencer": "kol",
    "venue": "vendor",
    "crew": "production",
    "vendor": "vendor",
}


# --- The list -------------------------------------------------------------------------------
@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    """Every budget the user sees, worst first, with its margins and how much it has used."""
    require(sees_budgets(request.user))
    filters = forms.BudgetFilters(request.GET).values()
    budgets = queries.budgets_for_page(request.user, **filters)
    page = Paginator(budgets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": queries.list_rows(page),
        "filters": filters,
        "states": forms.STATE_CHOICES,
        "project_choices": forms.PROJECT_CHOICES,
        "query": query_without_page(request),
    }
    return render(request, "budgets/budget_list.html", context)


# --- The project's panel and setting up -----------------------------------------------------
@login_required
def project_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The project page's budget part: its summary and warnings, or the button to set it up."""
    user = request.user
    project = queries.get_project_with_money_for(user, pk)
    budget = queries.budget_of(project)
    context = {
        "project": project,
        "budget": budget,
        "can_create": budget is None and project.is_open and can_manage_budget(user, project),
    }
    if budget is not None:
        context["figures"] = queries.figures_of(budget)
        context["alerts"] = list(queries.alerts_of(budget)[:5])
    return render(request, "budgets/partials/_project_panel.html", context)


@login_required
@require_POST
def budget_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = queries.get_project_with_money_for(request.user, pk)
    require(can_manage_budget(request.user, project))
    created = []
    run_and_tell(
        request,
        lambda: created.append(services.create_budget(by=request.user, project=project)),
        _("The budget is set up."),
    )
    if created:
        return redirect(budget_url(created[0].pk))
    return redirect(reverse("delivery:project_detail", args=[project.pk]))


# --- The budget's page ----------------------------------------------------------------------
@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_budget(request, seen_budget(request, pk))


def budget_context(request: HttpRequest, budget: Budget, **given) -> dict:
    """Everything the budget's page shows, with the forms of whoever may act on it; a form
    given (refused, with its errors) replaces the empty one."""
    user = request.user
    project = budget.project
    figures = queries.figures_of(budget)
    baselines = list(queries.baselines_of(budget))
    can_manage = project.is_open and can_manage_budget(user, project)
    can_record = can_record_cost(user, project)
    context = {
        "budget": budget,
        "project": project,
        "figures": figures,
        "alerts": queries.alerts_of(budget),
        "burn": _burn(budget, figures),
        "costs": Paginator(queries.costs_of(project), PAGE_SIZE).get_page(request.GET.get("costs")),
        "effort": queries.effort_by_person(project),
        "baselines": baselines,
        "open_baseline": next((b for b in baselines if b.is_open), None),
        "approvals": queries.approvals_of(project),
        "history": queries.budget_history(budget),
        "can_manage": can_manage,
        "can_record": can_record,
        "thresholds": queries.thresholds(),
    }
    if can_record:
        context["cost_form"] = given.get("cost_form") or forms.CostForm(budget=budget)
        context["order_lines"] = [
            row.line for row in figures.rows if row.line is not None and row.line.quantity >= 0
        ]
        context["bookings"] = _bookings_to_order(budget, context["order_lines"])
    if can_manage and context["open_baseline"] is None:
        context["baseline_form"] = forms.BaselineStartForm()
    if can_approve_margin(user, project):
        context["floor_form"] = given.get("floor_form") or forms.FloorForm(
            initial={"margin_floor_percent": budget.margin_floor_percent}
        )
    tell_unshown(request, given, context)
    return context


def _burn(budget: Budget, figures: queries.BudgetFigures) -> charts.BurnChart:
    thresholds = queries.thresholds()
    return charts.burn_chart(
        queries.burn_of(budget),
        figures.total.budget,
        starts_on=budget.project.starts_on,
        today=timezone.localdate(),
        threshold=thresholds[0] if thresholds else None,
    )


def _bookings_to_order(budget: Budget, lines: list) -> list[dict]:
    """Confirmed bookings no order covers, each with the line its fee is likely planned on."""
    rows = []
    for booking in queries.bookings_without_order(budget.project):
        kind = LINE_KIND_OF_BOOKING.get(booking.kind)
        rows.append(
            {"booking": booking, "line": next((ln for ln in lines if ln.kind == kind), None)}
        )
    return rows


def render_budget(request: HttpRequest, budget: Budget, status: int = 200, **given) -> HttpResponse:
    context = budget_context(request, budget, **given)
    return render(request, "budgets/budget_detail.html", context, status=status)


@login_required
@require_POST
def budget_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """A Director moves the margin floor, saying why."""
    budget = seen_budget(request, pk)
    require(can_approve_margin(request.user, budget.project))
    form = forms.FloorForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.set_margin_floor(
            by=request.user,
            budget=budget,
            percent=form.cleaned_data["margin_floor_percent"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, _("The margin floor is changed."))
        return redirect(budget_url(budget.pk, "margins"))
    return render_budget(request, budget, status=422, floor_form=form)
