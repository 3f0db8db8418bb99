"""Pages of change requests: the list, recording what the client asks to change, the change's
page with its lines and its effect on cost, price and time, and the client's rejection; each
the one service of its step. (The client's approval revises the budget too: budgets records it,
`budgets:change_approve`, with this page's form and `act_on_change`.)"""

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.delivery import queries, services
from kam.delivery.forms import changes as forms
from kam.delivery.models import ChangeLine, ChangeRequest
from kam.delivery.permissions import can_run_project, sees_projects
from kam.delivery.views.common import PAGE_SIZE, query_without_page, run_and_tell, tell_unshown
from kam.delivery.views.projects import project_url, run_project


def change_url(change_pk: int, anchor: str = "") -> str:
    url = reverse("delivery:change_detail", args=[change_pk])
    return f"{url}#{anchor}" if anchor else url


def _seen_change(request: HttpRequest, pk: int) -> ChangeRequest:
    require(sees_projects(request.user))
    return queries.get_change_request_for(request.user, pk)


def _run_change(request: HttpRequest, pk: int) -> ChangeRequest:
    change = _seen_change(request, pk)
    require(can_run_project(request.user, change.project))
    return change


# --- The list and recording a change --------------------------------------------------------
@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(sees_projects(user))
    filters = forms.ChangeFilters(request.GET).values()
    changes = queries.change_requests_for_list(user, **filters)
    context = {
        "page": Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "query": query_without_page(request),
        "statuses": ChangeRequest.Status.choices,
    }
    return render(request, "delivery/change_list.html", context)


@login_required
def change_create(request: HttpRequest, pk: int) -> HttpResponse:
    """What the client asks to change, and who asked; its lines are priced on its page."""
    project = run_project(request, pk)
    form = forms.ChangeRequestForm(posted(request), project=project)
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_change_request(
            by=request.user, project=project, **form.service_data()
        ),
        success_url=lambda change: change_url(change.pk, "lines"),
        saved_message=_("The change request is recorded: price what it adds or takes out."),
        title=_("New change request: %(project)s") % {"project": project},
        cancel_url=project_url(project.pk, "changes"),
    )


@login_required
def change_edit(request: HttpRequest, pk: int) -> HttpResponse:
    change = _run_change(request, pk)
    form = forms.ChangeRequestForm(posted(request), instance=change, project=change.project)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_change_request(
            by=request.user, change=change, **form.service_data()
        ),
        success_url=lambda saved: change_url(saved.pk),
        saved_message=_("The changes are saved."),
        title=_("Change request: %(change)s") % {"change": change},
        cancel_url=change_url(pk),
    )


# --- The change's page ----------------------------------------------------------------------
@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_change(request, _seen_change(request, pk))


def change_context(request: HttpRequest, change: ChangeRequest, **given) -> dict:
    """The change, its lines and their effect, and the forms of whoever runs the project; a
    form given (refused, with its errors) replaces the empty one."""
    project = change.project
    can_change = change.is_open and project.is_open and can_run_project(request.user, project)
    context = {
        "change": change,
        "project": project,
        "effect": queries.change_requests_of(project).get(pk=change.pk),
        "lines": queries.lines_of(change),
        "can_change": can_change,
        "history": history_of(change),
    }
    if can_change:
        context["line_form"] = given.get("line_form") or forms.ChangeLineForm()
        context["approve_form"] = given.get("approve_form") or forms.DecisionForm(prefix="approve")
        context["reject_form"] = given.get("reject_form") or forms.DecisionForm(prefix="reject")
    tell_unshown(request, given, context)
    return context


def render_change(
    request: HttpRequest, change: ChangeRequest, status: int = 200, **given
) -> HttpResponse:
    context = change_context(request, change, **given)
    return render(request, "delivery/change_detail.html", context, status=status)


def act_on_change(
    request: HttpRequest,
    change: ChangeRequest,
    form: django_forms.Form,
    call: Callable[[dict], object],
    *,
    done: str,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """A form posted from the change's page: on success back to its section; when refused, the
    page again (422) with the form and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(change_url(change.pk, anchor))
    return render_change(request, change, status=422, **{form_name: form})


@login_required
@require_POST
def change_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    change = _run_change(request, pk)
    return act_on_change(
        request,
        change,
        forms.ChangeLineForm(request.POST),
        lambda data: services.add_change_line(by=request.user, change=change, **data),
        done=_("The line is added to the change."),
        anchor="lines",
        form_name="line_form",
    )


def _run_line(request: HttpRequest, pk: int) -> ChangeLine:
    require(sees_projects(request.user))
    line = queries.get_change_line_for(request.user, pk)
    require(can_run_project(request.user, line.change_request.project))
    return line


@login_required
def change_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _run_line(request, pk)
    form = forms.ChangeLineForm(posted(request), instance=line)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_change_line(by=request.user, line=line, **data),
        success_url=lambda saved: change_url(saved.change_request_id, "lines"),
        saved_message=_("The line is saved."),
        title=_("Line of the change: %(line)s") % {"line": line},
        cancel_url=change_url(line.change_request_id, "lines"),
    )


@login_required
@require_POST
def change_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = _run_line(request, pk)
    run_and_tell(
        request,
        lambda: services.remove_change_line(by=request.user, line=line),
        _("The line is removed from the change."),
    )
    return redirect(change_url(line.change_request_id, "lines"))


@login_required
@require_POST
def change_reject(request: HttpRequest, pk: int) -> HttpResponse:
    change = _run_change(request, pk)
    return act_on_change(
        request,
        change,
        forms.DecisionForm(request.POST, prefix="reject"),
        lambda data: services.reject_change_request(by=request.user, change=change, **data),
        done=_("The client's rejection is recorded; nothing of the project moves."),
        anchor="decision",
        form_name="reject_form",
    )
