"""Pages of revenue targets (doanh số cam kết): the list of those the user sees, setting one for
a KAM or a team (a Director for the teams they lead, an admin for anyone), and one target with
its history and the form to adjust it with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kam.core.errors import require
from kam.core.forms import posted, run_service
from kam.delivery.views.common import PAGE_SIZE, query_without_page
from kam.insights import forms
from kam.insights.models import Target, TargetChange
from kam.insights.permissions import can_set_target_for, can_set_targets, sees_insights
from kam.insights.queries.attainment import target_history, targets_visible_to
from kam.insights.services import targets as services


def _target_url(pk: int) -> str:
    return reverse("insights:target_detail", args=[pk])


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    require(sees_insights(request.user))
    filters = forms.TargetFilters(request.GET).values()
    targets = targets_visible_to(request.user).select_related("user", "team", "set_by")
    if filters["period"]:
        targets = targets.filter(period=filters["period"])
    if filters["metric"]:
        targets = targets.filter(metric=filters["metric"])
    if filters["year"]:
        targets = targets.filter(starts_on__year=filters["year"])
    last = TargetChange.objects.filter(target=OuterRef("pk")).order_by("-changed_at", "-pk")
    targets = targets.annotate(
        last_changed_at=Subquery(last.values("changed_at")[:1]),
        last_reason=Subquery(last.values("reason")[:1]),
    ).order_by("-starts_on", "period", "metric", "pk")
    context = {
        "page": Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "periods": Target.Period.choices,
        "metrics": Target.Metric.choices,
        "query": query_without_page(request),
        "can_set": can_set_targets(request.user),
    }
    return render(request, "insights/target_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_set(request: HttpRequest) -> HttpResponse:
    """Set a KAM's or a team's target; one already set for the period is adjusted instead."""
    require(can_set_targets(request.user))
    form = forms.TargetForm(posted(request), by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = run_service(
            form,
            lambda: services.set_target(
                by=request.user,
                kam=data["kam"],
                team=data["team"],
                metric=data["metric"],
                period=data["period"],
                day=data["day"],
                amount=data["amount"],
                reason=data["reason"],
            ),
        )
        if target:
            messages.success(request, _("The target is set."))
            return redirect(_target_url(target.pk))
    status = 422 if form.is_bound and form.errors else 200
    return render(request, "insights/target_form.html", {"form": form}, status=status)


def _visible_target(request: HttpRequest, pk: int) -> Target:
    require(sees_insights(request.user))
    targets = targets_visible_to(request.user).select_related("user__team", "team", "set_by")
    return get_object_or_404(targets, pk=pk)


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_target(request, _visible_target(request, pk))


def _render_target(
    request: HttpRequest, target: Target, form: forms.AdjustTargetForm | None = None
) -> HttpResponse:
    can_adjust = can_set_target_for(request.user, kam=target.user, team=target.team)
    context = {
        "target": target,
        "history": target_history(target),
        "adjust_form": (form or forms.AdjustTargetForm()) if can_adjust else None,
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "insights/target_detail.html", context, status=status)


@login_required
@require_POST
def target_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    target = _visible_target(request, pk)
    require(can_set_target_for(request.user, kam=target.user, team=target.team))
    form = forms.AdjustTargetForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.adjust_target(
            by=request.user,
            target=target,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, _("The target is adjusted."))
        return redirect(_target_url(target.pk))
    return _render_target(request, target, form)


urlpatterns = [
    path("targets/", target_list, name="target_list"),
    path("targets/new/", target_set, name="target_set"),
    path("targets/<int:pk>/", target_detail, name="target_detail"),
    path("targets/<int:pk>/adjust/", target_adjust, name="target_adjust"),
]
