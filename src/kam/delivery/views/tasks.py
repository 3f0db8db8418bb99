"""Pages of tasks: the department's queue across clients, planning a task of a project, the
task's page — what the department needs of the brief (never its money), moving the task along,
and for whoever runs the project its plan, what it waits for and its slips told to the
client."""

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kam.clients.queries import sees_every_client
from kam.core import access
from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.core.htmx import wants_fragment
from kam.delivery import queries, services
from kam.delivery.forms import tasks as forms
from kam.delivery.models import Task
from kam.delivery.permissions import can_run_project, can_work_task, sees_projects
from kam.delivery.views.common import PAGE_SIZE, query_without_page, run_and_tell, tell_unshown
from kam.delivery.views.projects import project_url, run_project


def task_url(task_pk: int, anchor: str = "") -> str:
    url = reverse("delivery:task_detail", args=[task_pk])
    return f"{url}#{anchor}" if anchor else url


# --- The queue ------------------------------------------------------------------------------
@login_required
@vary_on_headers("HX-Request")
def task_queue(request: HttpRequest) -> HttpResponse:
    """The department's open tasks across clients, or those assigned to me; htmx asks it for
    the queue alone after a quick status change. Whoever runs projects also sees what slips on
    them."""
    user = request.user
    filters = forms.QueueFilters(request.GET).values()
    chooses_department = sees_every_client(user) or access.is_director(user)
    tasks = queries.queue_for(
        user,
        status=filters["status"],
        mine=filters["tab"] == forms.MINE_TAB,
        department=filters["department"] if chooses_department else None,
    )
    context = {
        "page": Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "query": query_without_page(request),
        "back": request.get_full_path(),
        "statuses": Task.Status.choices,
        "has_department": user.department_id is not None,
        "departments": queries.departments_to_choose() if chooses_department else None,
    }
    if wants_fragment(request):
        return render(request, "delivery/partials/_task_queue.html", {**context, "fragment": True})
    if sees_projects(user):
        context["flagged"] = queries.tasks_for_list(user, status="flagged")[:PAGE_SIZE]
    return render(request, "delivery/task_queue.html", context)


def _queue_url(value: str) -> str | None:
    """Where a quick change from the queue goes back to: the queue (with its filters), and
    nowhere else."""
    queue = reverse("delivery:task_queue")
    return value if value == queue or value.startswith(f"{queue}?") else None


# --- Planning a task ------------------------------------------------------------------------
@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = run_project(request, pk)
    form = forms.TaskForm(posted(request), project=project)
    return record_form_page(
        request,
        form,
        save=lambda data: services.create_task(
            by=request.user, project=project, **form.service_data()
        ),
        success_url=lambda task: project_url(project.pk, "tasks"),
        saved_message=_("The task is given out."),
        title=_("New task: %(project)s") % {"project": project},
        cancel_url=project_url(project.pk, "tasks"),
    )


def _run_task(request: HttpRequest, pk: int) -> Task:
    task = queries.get_task_for(request.user, pk)
    require(can_run_project(request.user, task.project))
    return task


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Replan the task; a client-facing date moving later is refused beside the form (record
    the slip instead)."""
    task = _run_task(request, pk)
    form = forms.TaskForm(posted(request), instance=task, project=task.project)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_task(by=request.user, task=task, **form.service_data()),
        success_url=lambda saved: task_url(saved.pk),
        saved_message=_("The task is saved."),
        title=_("Task: %(task)s") % {"task": task},
        cancel_url=task_url(pk),
    )


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _run_task(request, pk)
    deleted = run_and_tell(
        request,
        lambda: services.delete_task(by=request.user, task=task),
        _("The task “%(task)s” is deleted.") % {"task": task},
    )
    return redirect(project_url(task.project_id, "tasks") if deleted else task_url(pk))


# --- The task's page ------------------------------------------------------------------------
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_task(request, queries.get_task_for(request.user, pk))


def task_context(request: HttpRequest, task: Task, **given) -> dict:
    """What the task's page shows: for the department, the task and what it needs of the brief;
    for whoever runs the project, also its plan, what it waits for and its slips."""
    user = request.user
    project = task.project
    can_run = project.is_open and can_run_project(user, project)
    can_work = project.is_open and can_work_task(user, task)
    context = {
        "task": task,
        "project": project,
        "brief": project.brief,
        "can_run": can_run,
        "can_work": can_work,
        "sees_project": sees_projects(user),
        "waits_for": queries.with_deadline_flags(task.depends_on.order_by("due_on", "pk")),
        "waited_by": task.dependents.order_by("due_on", "pk"),
        "history": history_of(task),
    }
    if can_work:
        initial = {"status": task.status, "deliverables": task.deliverables}
        context["work_form"] = given.get("work_form") or forms.WorkForm(initial=initial)
    if can_run:
        context["dependency_form"] = given.get("dependency_form") or forms.DependencyForm(
            choices=queries.dependencies_to_choose(task)
        )
    tell_unshown(request, given, context)
    return context


def render_task(request: HttpRequest, task: Task, status: int = 200, **given) -> HttpResponse:
    context = task_context(request, task, **given)
    return render(request, "delivery/task_detail.html", context, status=status)


def act_on_task(
    request: HttpRequest,
    task: Task,
    form: django_forms.Form,
    call: Callable[[dict], object],
    *,
    done: str,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """A form posted from the task's page: on success back to its section; when refused, the
    page again (422) with the form and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(task_url(task.pk, anchor))
    return render_task(request, task, status=422, **{form_name: form})


@login_required
@require_POST
def task_work(request: HttpRequest, pk: int) -> HttpResponse:
    """The department moves its task along. From the queue (its address posted as `next`) it
    goes back there, saying how it went; from the task's page, a refusal shows beside the
    form."""
    task = queries.get_task_for(request.user, pk)
    require(can_work_task(request.user, task))
    form = forms.WorkForm(request.POST)

    def work() -> Task:
        return services.work_task(by=request.user, task=task, **form.service_data())

    back = _queue_url(request.POST.get("next", ""))
    if back is None:
        return act_on_task(
            request,
            task,
            form,
            lambda data: work(),
            done=_("The task is updated."),
            anchor="work",
            form_name="work_form",
        )
    if form.is_valid():
        run_and_tell(request, work, _("“%(task)s” is updated.") % {"task": task})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(back)


@login_required
@require_POST
def dependency_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = _run_task(request, pk)
    return act_on_task(
        request,
        task,
        forms.DependencyForm(request.POST, choices=queries.dependencies_to_choose(task)),
        lambda data: services.add_dependency(by=request.user, task=task, **data),
        done=_("Added to what the task waits for."),
        anchor="dependencies",
        form_name="dependency_form",
    )


@login_required
@require_POST
def dependency_remove(request: HttpRequest, pk: int) -> HttpResponse:
    task = _run_task(request, pk)
    form = forms.DependencyForm(request.POST, choices=task.depends_on.all())
    if not form.is_valid():
        messages.error(request, _("The task does not wait for that one."))
    else:
        run_and_tell(
            request,
            lambda: services.remove_dependency(by=request.user, task=task, **form.cleaned_data),
            _("The task no longer waits for “%(other)s”.")
            % {"other": form.cleaned_data["depends_on"]},
        )
    return redirect(task_url(pk, "dependencies"))


@login_required
def task_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """A client-facing date moves later, with how the client was told (an interaction on the
    client's page)."""
    task = _run_task(request, pk)
    form = forms.TaskSlipForm(posted(request), project=task.project)
    return record_form_page(
        request,
        form,
        save=lambda data: services.record_task_slip(
            by=request.user, task=task, **form.service_data()
        ),
        success_url=lambda slip: task_url(pk),
        saved_message=_("The new date is recorded, with how the client was told."),
        title=_("The task “%(task)s” slips (due %(date)s)")
        % {"task": task.title, "date": date_format(task.due_on, "SHORT_DATE_FORMAT")},
        cancel_url=task_url(pk),
    )
