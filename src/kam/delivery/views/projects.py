"""Pages of projects: the list, starting one under a contract, the project's page — the KAM's
cockpit: what slips, the phases, the tasks, pre-production readiness, the bookings, the change
requests, the slips told to the client, the check against the brief and delivery — its
timeline, and the actions on it, each the one service of its step."""

from collections import defaultdict
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
from django.views.decorators.vary import vary_on_headers

from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment
from kam.delivery import queries, services
from kam.delivery.forms import projects as forms
from kam.delivery.models import Booking, Contract, Phase, Project, Task
from kam.delivery.permissions import (
    can_change_contract,
    can_run_project,
    sees_contracts,
    sees_projects,
)
from kam.delivery.views.common import PAGE_SIZE, query_without_page, run_and_tell, tell_unshown

# The timeline's geometry (pixels) and its colours, the same in the chart and its legend.
ROW_HEIGHT = 26
AXIS_HEIGHT = 24
TIMELINE_FILLS = {
    "phase": "#8891a5",
    "on_track": "#0172ad",
    "done": "#398712",
    "at_risk": "#c77700",
    "late": "#d93526",
}


def project_url(project_pk: int, anchor: str = "") -> str:
    url = reverse("delivery:project_detail", args=[project_pk])
    return f"{url}#{anchor}" if anchor else url


def seen_project(request: HttpRequest, pk: int) -> Project:
    """The project, for those whose work is the client side, the money or the brief behind it;
    the same 404 for anyone else (a department member works from their tasks, never a fee)."""
    require(sees_projects(request.user))
    return queries.get_project_for(request.user, pk)


def run_project(request: HttpRequest, pk: int) -> Project:
    project = seen_project(request, pk)
    require(can_run_project(request.user, project))
    return project


# --- The list and starting a project --------------------------------------------------------
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(sees_projects(user))
    filters = forms.ProjectFilters(request.GET).values()
    projects = queries.projects_for_list(user, **filters)
    context = {
        "page": Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "query": query_without_page(request),
        "statuses": Project.Status.choices,
        "clients": queries.clients_with_projects_visible_to(user),
    }
    return render(request, "delivery/project_list.html", context)


@login_required
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A project under the contract, its fields starting from the contract's; the usual four
    phases and the check list from the brief come with it."""
    require(sees_contracts(request.user))
    contract = queries.get_contract_for(request.user, pk)
    require(can_change_contract(request.user, contract))
    form = forms.ProjectForm(posted(request), initial=_from_contract(contract))
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_project(
            by=request.user, contract=contract, **form.service_data()
        ),
        success_url=lambda project: project_url(project.pk),
        saved_message=_("The project is started with its phases and the check against the brief."),
        title=_("New project under %(contract)s") % {"contract": contract},
        cancel_url=reverse("delivery:contract_detail", args=[contract.pk]),
    )


def _from_contract(contract: Contract) -> dict:
    return {
        "title": contract.title,
        "scope": contract.scope,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
    }


# --- The project's page ---------------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The cockpit; htmx asks it for the check against the brief alone."""
    project = seen_project(request, pk)
    if wants_fragment(request):
        context = {**check_context(request, project), "fragment": True}
        return render(request, "delivery/partials/_project_check.html", context)
    return render_project(request, project)


def project_context(request: HttpRequest, project: Project, **given) -> dict:
    """Everything the project's page shows, with the permissions that decide its forms; a form
    given (refused, with its errors) replaces the empty one."""
    user = request.user
    can_run = project.is_open and can_run_project(user, project)
    tasks = list(queries.tasks_of(project))
    phases = list(queries.phases_of(project))
    milestones = list(queries.milestones_of(project.contract))
    context = {
        "project": project,
        "sees_contract": sees_contracts(user),
        "flagged_tasks": [task for task in tasks if task.is_late or task.is_at_risk],
        "flagged_milestones": [m for m in milestones if m.is_late or m.is_at_risk],
        "phases": phases,
        "task_groups": _grouped_by_phase(phases, tasks),
        "task_count": len(tasks),
        "readiness": queries.readiness_of(project),
        "bookings": _with_backups(list(queries.bookings_of(project))),
        "changes": queries.change_requests_of(project),
        "slips": queries.slips_of(project),
        "history": history_of(project),
        **check_context(request, project, can_run=can_run, **given),
    }
    if can_run:
        context["phase_form"] = given.get("phase_form") or forms.PhaseForm()
        context["cancel_form"] = given.get("cancel_form") or forms.CancelProjectForm()
    tell_unshown(request, given, context)
    return context


def check_context(request: HttpRequest, project: Project, can_run=None, **given) -> dict:
    """The check against the brief and delivery: the page's section and its htmx fragment."""
    if can_run is None:
        can_run = project.is_open and can_run_project(request.user, project)
    items = list(queries.check_items_of(project))
    context = {
        "project": project,
        "can_run": can_run,
        "check_items": items,
        "unchecked_count": sum(not item.is_checked for item in items),
    }
    if can_run:
        context["check_form"] = given.get("check_form") or forms.CheckItemForm()
        context["deliver_form"] = given.get("deliver_form") or forms.DeliverForm()
    return context


def _grouped_by_phase(phases: list[Phase], tasks: list[Task]) -> list[tuple[Phase | None, list]]:
    """The tasks under their phase, in the phases' order; those of no phase last."""
    by_phase = defaultdict(list)
    for task in tasks:
        by_phase[task.phase_id].append(task)
    groups = [(phase, by_phase[phase.pk]) for phase in phases if by_phase[phase.pk]]
    if by_phase[None]:
        groups.append((None, by_phase[None]))
    return groups


def _with_backups(bookings: list[Booking]) -> list[dict]:
    """Each booking with the backups standing (or once stood) by for it, beneath it."""
    backups = defaultdict(list)
    for booking in bookings:
        if booking.backup_for_id is not None:
            backups[booking.backup_for_id].append(booking)
    return [
        {
            "booking": booking,
            "backups": backups[booking.pk],
            "has_active_backup": any(backup.is_active for backup in backups[booking.pk]),
        }
        for booking in bookings
        if booking.backup_for_id is None
    ]


def render_project(
    request: HttpRequest, project: Project, status: int = 200, **given
) -> HttpResponse:
    context = project_context(request, project, **given)
    return render(request, "delivery/project_detail.html", context, status=status)


def act_on_project(
    request: HttpRequest,
    project: Project,
    form: django_forms.Form,
    call: Callable[[dict], object],
    *,
    done: str,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """A form posted from the project's page: on success say so and go back to its section;
    when refused, the page again (422) with the form and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(project_url(project.pk, anchor))
    return render_project(request, project, status=422, **{form_name: form})


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The title and readiness settings; the scope and dates while the project is planned (the
    service says beside the form when they no longer change)."""
    project = run_project(request, pk)
    form = forms.ProjectForm(posted(request), instance=project)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_project(
            by=request.user, project=project, **form.service_data()
        ),
        success_url=lambda saved: project_url(saved.pk),
        saved_message=_("The changes are saved."),
        title=project,
        cancel_url=project_url(pk),
    )


@login_required
def project_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The phases and tasks on one time axis, drawn as SVG bars (the CSP forbids inline
    styles; SVG's own x and width attributes place them)."""
    project = seen_project(request, pk)
    timeline = queries.timeline_of(project)
    rows, today = _timeline_rows(timeline), timeline["today"]
    context = {
        "project": project,
        "timeline": timeline,
        "rows": rows,
        "legend": [(label, TIMELINE_FILLS[state]) for state, label in _legend()],
        "height": AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 4,
        # The middle of today's column of the chart.
        "today_at": round(today["left"] + today["width"] / 2, 2) if today else None,
    }
    return render(request, "delivery/project_timeline.html", context)


def _legend() -> list[tuple[str, str]]:
    return [
        ("phase", _("phase")),
        ("on_track", _("on track")),
        ("at_risk", _("predicted late")),
        ("late", _("late")),
        ("done", _("done")),
    ]


def _timeline_rows(timeline: dict) -> list[dict]:
    """One row per phase followed by its tasks, then the tasks of no phase, each with its place
    on the chart and its colour."""
    tasks_by_phase = defaultdict(list)
    for bar in timeline["tasks"]:
        tasks_by_phase[bar["task"].phase_id].append(bar)
    ordered = []
    for bar in timeline["phases"]:
        phase = bar["phase"]
        ordered.append(("phase", phase, bar, phase.starts_on, phase.ends_on))
        ordered += [_task_entry(task_bar) for task_bar in tasks_by_phase.pop(phase.pk, [])]
    for bars in tasks_by_phase.values():  # of no phase (or, defensively, of another one)
        ordered += [_task_entry(task_bar) for task_bar in bars]
    return [
        {
            "kind": kind,
            "item": item,
            "left": bar["left"],
            "width": bar["width"],
            "starts_on": starts_on,
            "ends_on": ends_on,
            "fill": TIMELINE_FILLS[kind if kind == "phase" else _task_state(item)],
            "y": AXIS_HEIGHT + index * ROW_HEIGHT,
        }
        for index, (kind, item, bar, starts_on, ends_on) in enumerate(ordered)
    ]


def _task_entry(bar: dict) -> tuple:
    task = bar["task"]
    return ("task", task, bar, task.starts_on, task.due_on)


def _task_state(task: Task) -> str:
    if task.is_done:
        return "done"
    if task.is_late:
        return "late"
    return "at_risk" if task.is_at_risk else "on_track"


@login_required
@require_POST
def project_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    project = run_project(request, pk)
    return act_on_project(
        request,
        project,
        forms.CancelProjectForm(request.POST),
        lambda data: services.cancel_project(by=request.user, project=project, **data),
        done=_("The project is cancelled."),
        anchor="",
        form_name="cancel_form",
    )


@login_required
@require_POST
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Only a project still being planned, started by mistake; the service says otherwise."""
    project = run_project(request, pk)
    deleted = run_and_tell(
        request,
        lambda: services.delete_project(by=request.user, project=project),
        _("The project “%(project)s” is deleted.") % {"project": project},
    )
    return redirect("delivery:project_list" if deleted else project_url(pk))


@login_required
@require_POST
def project_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    project = run_project(request, pk)
    return act_on_project(
        request,
        project,
        forms.DeliverForm(request.POST),
        lambda data: services.deliver_project(by=request.user, project=project, **data),
        done=_("The project is delivered."),
        anchor="check",
        form_name="deliver_form",
    )


# --- Phases ---------------------------------------------------------------------------------
@login_required
@require_POST
def phase_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = run_project(request, pk)
    form = forms.PhaseForm(request.POST)
    return act_on_project(
        request,
        project,
        form,
        lambda data: services.add_phase(by=request.user, project=project, **form.service_data()),
        done=_("The phase is added."),
        anchor="phases",
        form_name="phase_form",
    )


def _run_phase(request: HttpRequest, pk: int) -> Phase:
    require(sees_projects(request.user))
    phase = queries.get_phase_for(request.user, pk)
    require(can_run_project(request.user, phase.project))
    return phase


@login_required
def phase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    phase = _run_phase(request, pk)
    form = forms.PhaseForm(posted(request), instance=phase)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_phase(
            by=request.user, phase=phase, **form.service_data()
        ),
        success_url=lambda saved: project_url(saved.project_id, "phases"),
        saved_message=_("The phase is saved."),
        title=_("Phase: %(phase)s") % {"phase": phase},
        cancel_url=project_url(phase.project_id, "phases"),
    )


@login_required
@require_POST
def phase_remove(request: HttpRequest, pk: int) -> HttpResponse:
    phase = _run_phase(request, pk)
    run_and_tell(
        request,
        lambda: services.remove_phase(by=request.user, phase=phase),
        _("The phase is removed."),
    )
    return redirect(project_url(phase.project_id, "phases"))


@login_required
@require_POST
def phase_start(request: HttpRequest, pk: int) -> HttpResponse:
    phase = _run_phase(request, pk)
    run_and_tell(
        request,
        lambda: services.start_phase(by=request.user, phase=phase),
        _("“%(phase)s” has started.") % {"phase": phase},
    )
    return redirect(project_url(phase.project_id, "phases"))


@login_required
def phase_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the phase with the KAM's evaluation: what went well, the issues, a score."""
    phase = _run_phase(request, pk)
    form = forms.EvaluationForm(posted(request))
    return record_form_page(
        request,
        form,
        save=lambda data: services.complete_phase(by=request.user, phase=phase, **data),
        success_url=lambda saved: project_url(saved.project_id, "phases"),
        saved_message=_("The phase is closed with its evaluation."),
        title=_("Close the phase “%(phase)s”") % {"phase": phase},
        cancel_url=project_url(phase.project_id, "phases"),
    )


# --- The check against the brief ------------------------------------------------------------
@login_required
@require_POST
def check_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = run_project(request, pk)
    return act_on_project(
        request,
        project,
        forms.CheckItemForm(request.POST),
        lambda data: services.add_check_item(by=request.user, project=project, **data),
        done=_("The line is added to the check."),
        anchor="check",
        form_name="check_form",
    )


def _run_check_item(request: HttpRequest, pk: int):
    require(sees_projects(request.user))
    item = queries.get_check_item_for(request.user, pk)
    require(can_run_project(request.user, item.project))
    return item


@login_required
@require_POST
def check_tick(request: HttpRequest, pk: int) -> HttpResponse:
    """One click, with an optional note; with htmx the redirect brings back the check alone."""
    item = _run_check_item(request, pk)
    form = forms.TickForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", [])))
    else:
        run_and_tell(
            request,
            lambda: services.tick_check_item(by=request.user, item=item, **form.cleaned_data),
            _("Ticked: “%(item)s”.") % {"item": item},
        )
    return redirect(project_url(item.project_id, "check"))


@login_required
@require_POST
def check_untick(request: HttpRequest, pk: int) -> HttpResponse:
    item = _run_check_item(request, pk)
    run_and_tell(
        request,
        lambda: services.untick_check_item(by=request.user, item=item),
        _("Unticked: “%(item)s”.") % {"item": item},
    )
    return redirect(project_url(item.project_id, "check"))


@login_required
@require_POST
def check_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _run_check_item(request, pk)
    run_and_tell(
        request,
        lambda: services.remove_check_item(by=request.user, item=item),
        _("The line is removed from the check."),
    )
    return redirect(project_url(item.project_id, "check"))
