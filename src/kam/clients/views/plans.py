"""Account plans and their plays, and the service catalogue."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.clients import forms, queries, services
from kam.clients.permissions import can_change_client, can_manage_catalogue
from kam.clients.views.common import PAGE_SIZE
from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service


# --- Account plans --------------------------------------------------------------------------
@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_change_client(request.user, client))
    form = forms.PlanForm(posted(request), initial={"year": timezone.localdate().year})
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_plan(by=request.user, client=client, **data),
        success_url=lambda plan: reverse("clients:plan_detail", args=[plan.pk]),
        saved_message=_("The account plan is saved."),
        title=_("Account plan for %(client)s") % {"client": client},
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    can_change = can_change_client(request.user, plan.client)
    return _render_plan(request, plan, can_change, forms.PlayForm(client=plan.client))


def _render_plan(request, plan, can_change: bool, play_form, status: int = 200) -> HttpResponse:
    context = {
        "plan": plan,
        "plays": queries.plays_of(plan),
        "whitespace": plan.whitespace.order_by("name"),
        "can_change": can_change,
        "play_form": play_form,
        "history": history_of(plan),
    }
    return render(request, "clients/plan_detail.html", context, status=status)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    require(can_change_client(request.user, plan.client))
    return record_form_page(
        request,
        forms.PlanForm(posted(request), instance=plan),
        save=lambda data: services.update_plan(by=request.user, plan=plan, **data),
        success_url=lambda saved: reverse("clients:plan_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=plan,
        cancel_url=reverse("clients:plan_detail", args=[pk]),
    )


@login_required
@require_POST
def plan_play_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    require(can_change_client(request.user, plan.client))
    form = forms.PlayForm(request.POST, client=plan.client)
    if form.is_valid() and run_service(
        form, lambda: services.add_play(by=request.user, plan=plan, **form.cleaned_data)
    ):
        return redirect("clients:plan_detail", pk=pk)
    return _render_plan(request, plan, True, form, status=422)


@login_required
def play_edit(request: HttpRequest, pk: int) -> HttpResponse:
    play = queries.get_play_for(request.user, pk)
    require(can_change_client(request.user, play.plan.client))
    return record_form_page(
        request,
        forms.PlayForm(posted(request), instance=play, client=play.plan.client),
        save=lambda data: services.update_play(by=request.user, play=play, **data),
        success_url=lambda saved: reverse("clients:plan_detail", args=[saved.plan_id]),
        saved_message=_("The changes are saved."),
        title=play,
        cancel_url=reverse("clients:plan_detail", args=[play.plan_id]),
    )


# --- The service catalogue ------------------------------------------------------------------
@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    context = {"services": queries.catalogue(), "can_manage": can_manage_catalogue(request.user)}
    return render(request, "clients/service_list.html", context)


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A service, and the clients (of the viewer's) whose plan this year lists it as
    whitespace: where to sell it next."""
    service = queries.get_service(pk)
    this_year = timezone.localdate().year
    can_manage = can_manage_catalogue(request.user)
    context = {
        "service": service,
        "this_year": this_year,
        "plans": queries.plans_with_whitespace(request.user, service, this_year)[:PAGE_SIZE],
        "can_manage": can_manage,
        "history": history_of(service) if can_manage else [],
    }
    return render(request, "clients/service_detail.html", context)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    require(can_manage_catalogue(request.user))
    return record_form_page(
        request,
        forms.ServiceForm(posted(request)),
        save=lambda data: services.create_service(by=request.user, **data),
        success_url=lambda service: reverse("clients:service_detail", args=[service.pk]),
        title=_("New service"),
        cancel_url=reverse("clients:service_list"),
    )


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_manage_catalogue(request.user))
    service = queries.get_service(pk)
    return record_form_page(
        request,
        forms.ServiceForm(posted(request), instance=service),
        save=lambda data: services.update_service(by=request.user, service=service, **data),
        success_url=lambda saved: reverse("clients:service_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=service.display_name,
        cancel_url=reverse("clients:service_detail", args=[pk]),
    )
