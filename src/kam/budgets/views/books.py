"""Finance's books: the months closed (nothing is recorded or changed in them after) and what
an hour of each department's people costs from a date on; for Finance and admins only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.budgets import forms, queries, services
from kam.budgets.permissions import can_keep_the_books
from kam.core.errors import require
from kam.core.forms import run_service


def _books_url(anchor: str) -> str:
    return f"{reverse('budgets:books')}#{anchor}"


@login_required
def books(request: HttpRequest) -> HttpResponse:
    require(can_keep_the_books(request.user))
    return render_books(request)


def render_books(request: HttpRequest, status: int = 200, **given) -> HttpResponse:
    context = {
        "months": queries.closed_months(),
        "rates": queries.cost_rates(),
        "month_form": given.get("month_form") or forms.CloseMonthForm(),
        "rate_form": given.get("rate_form") or forms.CostRateForm(),
    }
    return render(request, "budgets/books.html", context, status=status)


@login_required
@require_POST
def month_close(request: HttpRequest) -> HttpResponse:
    require(can_keep_the_books(request.user))
    form = forms.CloseMonthForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.close_month(by=request.user, month=form.cleaned_data["month"])
    ):
        messages.success(request, _("The month is closed."))
        return redirect(_books_url("months"))
    return render_books(request, status=422, month_form=form)


@login_required
@require_POST
def rate_create(request: HttpRequest) -> HttpResponse:
    require(can_keep_the_books(request.user))
    form = forms.CostRateForm(request.POST)
    if form.is_valid() and run_service(
        form, lambda: services.set_cost_rate(by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The cost of an hour is set."))
        return redirect(_books_url("rates"))
    return render_books(request, status=422, rate_form=form)
