"""Re-baselines: starting one from the budget as it stands, its page (its lines beside the
current budget's), the KAM's edits while it is a draft, submitting or discarding it, and the
Director's approval or rejection with a reason; each action the one service of its step."""

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.budgets import forms, queries, services
from kam.budgets.arithmetic import ZERO
from kam.budgets.models import Baseline, BaselineLine
from kam.budgets.permissions import can_approve_budget, can_manage_budget
from kam.budgets.views.common import budget_url, managed_budget, run_and_tell, tell_unshown
from kam.core.audit import history_of
from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service


def baseline_url(baseline_pk: int, anchor: str = "") -> str:
    url = reverse("budgets:baseline_detail", args=[baseline_pk])
    return f"{url}#{anchor}" if anchor else url


def _seen(request: HttpRequest, pk: int) -> Baseline:
    return queries.get_baseline_for(request.user, pk)


def _draft(request: HttpRequest, pk: int) -> Baseline:
    """A baseline its budget's KAM may write (the service says whether it is still a draft)."""
    baseline = _seen(request, pk)
    require(can_manage_budget(request.user, baseline.budget.project))
    return baseline


def _decided(request: HttpRequest, pk: int) -> Baseline:
    baseline = _seen(request, pk)
    require(can_approve_budget(request.user, baseline.budget))
    return baseline


# --- Starting and the page ------------------------------------------------------------------
@login_required
@require_POST
def baseline_start(request: HttpRequest, pk: int) -> HttpResponse:
    budget = managed_budget(request, pk)
    form = forms.BaselineStartForm(request.POST)
    form.is_valid()
    started = []
    run_and_tell(
        request,
        lambda: started.append(
            services.start_baseline(
                by=request.user, budget=budget, reason=form.cleaned_data.get("reason", "")
            )
        ),
        _("A re-baseline is started from the budget as it stands: change its lines."),
    )
    if started:
        return redirect(baseline_url(started[0].pk, "lines"))
    return redirect(budget_url(budget.pk, "baselines"))


@login_required
def baseline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_baseline(request, _seen(request, pk))


def baseline_context(request: HttpRequest, baseline: Baseline, **given) -> dict:
    """The baseline's lines and totals beside the budget as it stands, and the forms of the KAM
    (while a draft) and the Director (while waiting)."""
    user = request.user
    budget = baseline.budget
    lines = list(queries.baseline_lines_of(baseline))
    current = list(queries.lines_of(budget))
    can_write = (
        baseline.status == Baseline.Status.DRAFT
        and budget.project.is_open
        and can_manage_budget(user, budget.project)
    )
    can_decide = baseline.status == Baseline.Status.PENDING and can_approve_budget(user, budget)
    stated = {line.line_id for line in lines}
    context = {
        "baseline": baseline,
        "budget": budget,
        "project": budget.project,
        "rows": _compared(lines, current),
        # The lines it leaves out plan nothing once it is approved.
        "left_out": [line for line in current if line.pk not in stated and line.quantity != 0],
        "totals": {
            "cost": sum((line.cost_amount for line in lines), ZERO),
            "price": sum((line.price_amount for line in lines), ZERO),
            "current_cost": sum((line.cost_amount for line in current), ZERO),
            "current_price": sum((line.price_amount for line in current), ZERO),
        },
        "can_write": can_write,
        "can_discard": baseline.is_open
        and baseline.number > 1
        and can_manage_budget(user, budget.project),
        "can_decide": can_decide,
        "history": history_of(baseline),
    }
    if can_write:
        context["line_form"] = given.get("line_form") or forms.BaselineLineForm()
    if can_decide:
        context["approve_form"] = given.get("approve_form") or forms.NoteForm(prefix="approve")
        context["reject_form"] = given.get("reject_form") or forms.NoteForm(prefix="reject")
    tell_unshown(request, given, context)
    return context


def _compared(lines: list[BaselineLine], current: list) -> list[dict]:
    """Each line of the baseline with the budget line it sets as it stands now (None: new)."""
    by_pk = {line.pk: line for line in current}
    return [{"line": line, "now": by_pk.get(line.line_id)} for line in lines]


def render_baseline(
    request: HttpRequest, baseline: Baseline, status: int = 200, **given
) -> HttpResponse:
    context = baseline_context(request, baseline, **given)
    return render(request, "budgets/baseline_detail.html", context, status=status)


def _act(
    request: HttpRequest,
    baseline: Baseline,
    form: django_forms.Form,
    call: Callable[[dict], object],
    *,
    done: str,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """A form posted from the baseline's page: on success back to its section; when refused,
    the page again (422) with the form and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(baseline_url(baseline.pk, anchor))
    return render_baseline(request, baseline, status=422, **{form_name: form})


# --- The KAM's draft ------------------------------------------------------------------------
@login_required
def baseline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _draft(request, pk)
    return record_form_page(
        request,
        forms.BaselineReasonForm(posted(request), instance=baseline),
        save=lambda data: services.update_baseline(
            by=request.user, baseline=baseline, reason=data["reason"]
        ),
        success_url=lambda saved: baseline_url(saved.pk),
        saved_message=_("The reason is saved."),
        title=_("Re-baseline %(number)s of %(project)s")
        % {"number": baseline.number, "project": baseline.budget.project},
        cancel_url=baseline_url(pk),
    )


@login_required
@require_POST
def baseline_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _draft(request, pk)
    return _act(
        request,
        baseline,
        forms.BaselineLineForm(request.POST),
        lambda data: services.add_baseline_line(by=request.user, baseline=baseline, **data),
        done=_("The line is added."),
        anchor="lines",
        form_name="line_form",
    )


def _line(request: HttpRequest, pk: int) -> BaselineLine:
    line = queries.get_baseline_line_for(request.user, pk)
    require(can_manage_budget(request.user, line.baseline.budget.project))
    return line


@login_required
def baseline_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    return record_form_page(
        request,
        forms.BaselineLineForm(posted(request), instance=line),
        save=lambda data: services.update_baseline_line(by=request.user, line=line, **data),
        success_url=lambda saved: baseline_url(saved.baseline_id, "lines"),
        saved_message=_("The line is saved."),
        title=_("Line of the re-baseline: %(line)s") % {"line": line},
        cancel_url=baseline_url(line.baseline_id, "lines"),
    )


@login_required
@require_POST
def baseline_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    run_and_tell(
        request,
        lambda: services.remove_baseline_line(by=request.user, line=line),
        _("The line is taken out of the re-baseline."),
    )
    return redirect(baseline_url(line.baseline_id, "lines"))


@login_required
@require_POST
def baseline_submit(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _draft(request, pk)
    run_and_tell(
        request,
        lambda: services.submit_baseline(by=request.user, baseline=baseline),
        _("The re-baseline waits for the Director's approval."),
    )
    return redirect(baseline_url(pk))


@login_required
@require_POST
def baseline_discard(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _draft(request, pk)
    done = run_and_tell(
        request,
        lambda: services.discard_baseline(by=request.user, baseline=baseline),
        _("The re-baseline is discarded; the budget is as it was."),
    )
    if done:
        return redirect(budget_url(baseline.budget_id, "baselines"))
    return redirect(baseline_url(pk))


# --- The Director's decision ----------------------------------------------------------------
@login_required
@require_POST
def baseline_approve(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _decided(request, pk)
    return _act(
        request,
        baseline,
        forms.NoteForm(request.POST, prefix="approve"),
        lambda data: services.approve_baseline(
            by=request.user, baseline=baseline, note=data["note"]
        ),
        done=_("The re-baseline is approved: the budget now states it."),
        anchor="decision",
        form_name="approve_form",
    )


@login_required
@require_POST
def baseline_reject(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = _decided(request, pk)
    return _act(
        request,
        baseline,
        forms.NoteForm(request.POST, prefix="reject"),
        lambda data: services.reject_baseline(
            by=request.user, baseline=baseline, note=data["note"]
        ),
        done=_("The re-baseline is rejected; the budget is as it was."),
        anchor="decision",
        form_name="reject_form",
    )
