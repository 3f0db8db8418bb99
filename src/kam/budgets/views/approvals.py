"""The margin guard's pages: the approvals waiting for a Director and decided, one approval with
its decision, the money panel of a change request (its cost and price, who pays, the margin
after it, the Director's approval asked there), and the client's approval of a change, which
takes the change into the project and its budget."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.budgets import forms, queries, services
from kam.budgets.models import MarginApproval
from kam.budgets.permissions import can_approve_margin, can_manage_budget, sees_budgets
from kam.budgets.views.common import PAGE_SIZE, query_without_page, tell_unshown
from kam.core.errors import require
from kam.core.forms import run_service
from kam.core.htmx import wants_fragment
from kam.delivery import queries as delivery_queries
from kam.delivery.forms.changes import DecisionForm
from kam.delivery.models import ChangeRequest
from kam.delivery.permissions import can_run_project, sees_projects
from kam.delivery.views.changes import act_on_change, change_url


def approval_url(pk: int) -> str:
    return reverse("budgets:approval_detail", args=[pk])


# --- The approvals --------------------------------------------------------------------------
@login_required
def approval_list(request: HttpRequest) -> HttpResponse:
    """Those waiting first: a Director's teams' projects, a KAM's own projects."""
    require(sees_budgets(request.user))
    status = request.GET.get("status", "")
    approvals = queries.approvals_for_list(request.user, status=status)
    context = {
        "page": Paginator(approvals, PAGE_SIZE).get_page(request.GET.get("page")),
        "status": status if status in MarginApproval.Status.values else "",
        "statuses": MarginApproval.Status.choices,
        "query": query_without_page(request),
    }
    return render(request, "budgets/approval_list.html", context)


@login_required
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_approval(request, queries.get_approval_for(request.user, pk))


def render_approval(
    request: HttpRequest, approval: MarginApproval, status: int = 200, form=None
) -> HttpResponse:
    project = approval.project
    can_decide = approval.is_pending and can_approve_margin(request.user, project)
    context = {
        "approval": approval,
        "project": project,
        "budget": queries.budget_of(project),
        "can_decide": can_decide,
        "form": (form or forms.NoteForm()) if can_decide else None,
    }
    tell_unshown(request, {"form": form} if form else {}, context)
    if approval.change_request is not None:
        context["change_cost"], context["change_price"] = queries.change_sums(
            approval.change_request
        )
    return render(request, "budgets/approval_detail.html", context, status=status)


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or refuse — the button pressed — with the reason, which is required."""
    approval = queries.get_approval_for(request.user, pk)
    require(can_approve_margin(request.user, approval.project))
    form = forms.NoteForm(request.POST)
    decision = request.POST.get("decision")
    approve = decision == "approve"
    if decision not in ("approve", "reject"):
        form.add_error(None, _("Approve or refuse, with the reason."))
    if form.is_valid() and run_service(
        form,
        lambda: services.decide_margin(
            by=request.user, approval=approval, approve=approve, note=form.cleaned_data["note"]
        ),
    ):
        done = (
            _("Approved: the margin under the floor is accepted.")
            if approve
            else _("Refused: the cost or change is not let through.")
        )
        messages.success(request, done)
        return redirect(approval_url(approval.pk))
    return render_approval(request, approval, status=422, form=form)


# --- A change request's money ---------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def change_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The change's page's money part (loaded by htmx): 404 to whoever may not see money."""
    change = queries.get_change_request_with_money_for(request.user, pk)
    return render_change_panel(request, change)


def render_change_panel(
    request: HttpRequest, change: ChangeRequest, status: int = 200, ask_form=None
) -> HttpResponse:
    project = change.project
    budget = queries.budget_of(project)
    effect = queries.effect_of_change(change, budget)
    approvals = list(queries.approvals_of_change(change))
    pending = next((a for a in approvals if a.is_pending), None)
    approved = next((a for a in approvals if a.status == MarginApproval.Status.APPROVED), None)
    can_ask = (
        change.is_open
        and budget is not None
        and effect.under_floor
        and pending is None
        and approved is None
        and can_manage_budget(request.user, project)
    )
    context = {
        "change": change,
        "budget": budget,
        "effect": effect,
        "approvals": approvals,
        "pending": pending,
        "approved": approved,
        "ask_form": (ask_form or forms.AskDirectorForm()) if can_ask else None,
        "fragment": wants_fragment(request),
    }
    tell_unshown(request, {"ask_form": ask_form} if ask_form else {}, context)
    return render(request, "budgets/partials/_change_panel.html", context, status=status)


@login_required
@require_POST
def change_ask_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the Director to let a change under the floor through. With htmx the panel answers
    in place (422 with the reason beside the field when refused)."""
    change = queries.get_change_request_with_money_for(request.user, pk)
    require(can_manage_budget(request.user, change.project))
    form = forms.AskDirectorForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.request_change_approval(
            by=request.user, change=change, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("A Director is asked to approve the change."))
        if wants_fragment(request):
            return redirect(reverse("budgets:change_panel", args=[change.pk]))
        return redirect(change_url(change.pk, "money"))
    if wants_fragment(request):
        return render_change_panel(request, change, status=422, ask_form=form)
    for problems in form.errors.values():
        messages.error(request, " ".join(problems))
    return redirect(change_url(change.pk, "money"))


@login_required
@require_POST
def change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The client approved: the project's scope, delivery date and check take the change in,
    and the budget its lines — once a Director let it through if it takes the margin under
    the floor."""
    require(sees_projects(request.user))
    change = delivery_queries.get_change_request_for(request.user, pk)
    require(can_run_project(request.user, change.project))
    return act_on_change(
        request,
        change,
        DecisionForm(request.POST, prefix="approve"),
        lambda data: services.approve_change(by=request.user, change=change, **data),
        done=_("The client's approval is recorded; the project and its budget take the change in."),
        anchor="decision",
        form_name="approve_form",
    )
