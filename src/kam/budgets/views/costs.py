"""Recording purchase orders and vendors' bills (with the reason the Director reads when one
takes the margin under its floor), cancelling one, ordering a confirmed booking in one click,
and what a client's request costs, as a panel of the request's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.budgets import forms, queries, services
from kam.budgets.models import Cost
from kam.budgets.permissions import can_record_cost
from kam.budgets.views.common import budget_url, id_from, run_and_tell, seen_budget
from kam.core.errors import require
from kam.core.forms import posted, run_service


@login_required
def cost_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A purchase order or a bill; refused beside its field, and when it takes the margin under
    the floor, the form asks why it is needed before it waits for a Director."""
    budget = seen_budget(request, pk)
    require(can_record_cost(request.user, budget.project))
    form = forms.CostForm(posted(request), budget=budget, initial=_initial(request, budget))
    if request.method == "POST" and form.is_valid():
        cost = run_service(
            form,
            lambda: services.record_cost(
                by=request.user, project=budget.project, **form.service_data()
            ),
        )
        if cost is not None:
            messages.success(request, _recorded(cost))
            return redirect(budget_url(budget.pk, "costs"))
        if "margin_reason" in form.errors:
            form.ask_margin_reason()
    status = 422 if form.is_bound and form.errors else 200
    context = {"form": form, "budget": budget, "project": budget.project}
    return render(request, "budgets/cost_form.html", context, status=status)


def _initial(request: HttpRequest, budget) -> dict:
    """A link may start the form: as the order of a booking (`?kind=order&booking=…`, its
    supplier, purpose and fee filled in), on a line, against an order, for a request."""
    initial = {}
    if request.GET.get("kind") in Cost.Kind.values:
        initial["kind"] = request.GET["kind"]
    for name in ("line", "order", "client_request"):
        if id_from(request.GET.get(name)):
            initial[name] = id_from(request.GET.get(name))
    booking_pk = id_from(request.GET.get("booking"))
    booking = booking_pk and queries.bookings_to_cost(budget.project).filter(pk=booking_pk).first()
    if booking:
        initial.update(
            booking=booking.pk,
            supplier=booking.name,
            description=booking.purpose or booking.get_kind_display(),
            amount=booking.fee_amount,
        )
    return initial


def _recorded(cost: Cost) -> str:
    if cost.status == Cost.Status.AWAITING:
        return _(
            "The cost is recorded and waits for a Director: it takes the margin under the floor."
        )
    return _("The cost is recorded.")


@login_required
@require_POST
def cost_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    cost = queries.get_cost_for(request.user, pk)
    require(can_record_cost(request.user, cost.project))
    form = forms.CancelCostForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect(budget_url(queries.budget_of(cost.project).pk, "costs"))
    run_and_tell(
        request,
        lambda: services.cancel_cost(
            by=request.user, cost=cost, reason=form.cleaned_data.get("reason", "")
        ),
        _("The cost is cancelled: it no longer counts."),
    )
    budget = queries.budget_of(cost.project)
    return redirect(budget_url(budget.pk, "costs"))


@login_required
@require_POST
def booking_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Commit a confirmed booking's fee to its supplier: an order on the line chosen."""
    booking = queries.get_booking_with_money_for(request.user, pk)
    budget = queries.budget_of(booking.project)
    require(budget is not None and can_record_cost(request.user, booking.project))
    form = forms.BookingOrderForm(request.POST, budget=budget)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("line", [])))
        return redirect(budget_url(budget.pk, "bookings"))
    run_and_tell(
        request,
        lambda: services.record_order_for_booking(
            by=request.user, booking=booking, line=form.cleaned_data.get("line")
        ),
        _("“%(booking)s” is ordered: its fee is committed.") % {"booking": booking.name},
    )
    return redirect(budget_url(budget.pk, "bookings"))


@login_required
def request_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The request page's money part: what the request costs so far and who pays for it."""
    item = queries.get_request_with_money_for(request.user, pk)
    context = {"item": item, "cost": queries.cost_of_request(item)}
    return render(request, "budgets/partials/_request_panel.html", context)
