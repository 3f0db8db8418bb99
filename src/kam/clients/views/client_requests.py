"""Requests and complaints: the list, logging, routing and resolving."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.clients import forms, queries, services
from kam.clients.models import ClientRequest
from kam.clients.permissions import can_log_interaction, can_work_request
from kam.clients.views.common import PAGE_SIZE, query_without_page, run_and_tell
from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service


# --- Client requests and complaints ---------------------------------------------------------
class RequestFilters(django_forms.Form):
    status = django_forms.ChoiceField(
        required=False, choices=[("", ""), ("unresolved", ""), *ClientRequest.Status.choices]
    )
    kind = django_forms.ChoiceField(required=False, choices=[("", ""), *ClientRequest.Kind.choices])
    mine = django_forms.BooleanField(required=False)

    def values(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "status": data.get("status") or "unresolved",
            "kind": data.get("kind") or "",
            "assigned_to_me": bool(data.get("mine")),
        }


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests and complaints one may see or has been given, unresolved first."""
    filters = RequestFilters(request.GET).values()
    items = queries.requests_for_list(request.user, **filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "statuses": ClientRequest.Status.choices,
        "kinds": ClientRequest.Kind.choices,
    }
    return render(request, "clients/request_list.html", context)


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = queries.get_client_for(request.user, pk)
    require(can_log_interaction(request.user, client))
    return record_form_page(
        request,
        forms.RequestForm(posted(request), client=client),
        save=lambda data: services.log_request(by=request.user, client=client, **data),
        success_url=lambda saved: reverse("clients:request_detail", args=[saved.pk]),
        saved_message=_("The request is logged."),
        title=_("New request or complaint from %(client)s") % {"client": client},
        cancel_url=reverse("clients:client_detail", args=[pk]),
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    return _render_request(request, item, forms.ResolveForm())


def _render_request(request: HttpRequest, item, resolve_form, status: int = 200) -> HttpResponse:
    context = {
        "item": item,
        "can_work": can_work_request(request.user, item),
        "sees_client": queries.clients_visible_to(request.user).filter(pk=item.client_id).exists(),
        "resolve_form": resolve_form,
        "history": history_of(item),
    }
    return render(request, "clients/request_detail.html", context, status=status)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    require(can_work_request(request.user, item))
    return record_form_page(
        request,
        forms.RequestForm(posted(request), instance=item, client=item.client),
        save=lambda data: services.update_request(by=request.user, item=item, **data),
        success_url=lambda saved: reverse("clients:request_detail", args=[saved.pk]),
        saved_message=_("The changes are saved."),
        title=item,
        cancel_url=reverse("clients:request_detail", args=[pk]),
    )


@login_required
@require_POST
def request_start(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    run_and_tell(request, lambda: services.start_request(by=request.user, item=item),
                  _("The request is in progress."))  # fmt: skip
    return redirect("clients:request_detail", pk=pk)


@login_required
@require_POST
def request_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    require(can_work_request(request.user, item))
    form = forms.ResolveForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.resolve_request(
            by=request.user, item=item, resolution=form.cleaned_data["resolution"]
        ),
    ):
        messages.success(request, _("The request is resolved."))
        return redirect("clients:request_detail", pk=pk)
    return _render_request(request, item, form, status=422)


@login_required
@require_POST
def request_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_request_for(request.user, pk)
    run_and_tell(request, lambda: services.reopen_request(by=request.user, item=item),
                  _("The request is open again."))  # fmt: skip
    return redirect("clients:request_detail", pk=pk)
