"""Pages of proposals: the list, the proposal a KAM shows a colleague (brief, shortlist, the
version's estimate and margin, pitches, feedback and history) and the actions on it, each the
one service of its step."""

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
from kam.pitching import forms, queries, services
from kam.pitching.models import Proposal, ProposalVersion
from kam.pitching.permissions import (
    can_approve_margin,
    can_change_proposal,
    can_present,
    sees_proposals,
)
from kam.pitching.views.common import PAGE_SIZE, query_without_page, run_and_tell, tell_unshown


def proposal_url(proposal_pk: int, anchor: str = "", version: int | None = None) -> str:
    url = reverse("pitching:proposal_detail", args=[proposal_pk])
    if version is not None:
        url += f"?version={version}"
    return f"{url}#{anchor}" if anchor else url


# --- The list -------------------------------------------------------------------------------
@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    require(sees_proposals(request.user))
    filters = forms.ProposalFilters(request.GET).values()
    proposals = queries.proposals_for_list(request.user, **filters)
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    current = queries.current_versions_of([proposal.pk for proposal in page])
    for proposal in page:
        proposal.current = current.get(proposal.pk)
    context = {
        "page": page,
        "filters": filters,
        "statuses": Proposal.Status.choices,
        "query": query_without_page(request),
    }
    return render(request, "pitching/proposal_list.html", context)


# --- The proposal's page --------------------------------------------------------------------
@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = queries.get_proposal_for(request.user, pk)
    return _render_proposal(request, proposal, shown=request.GET.get("version", ""))


def _render_proposal(
    request: HttpRequest, proposal: Proposal, *, shown="", status: int = 200, **given
) -> HttpResponse:
    """The page; `shown` is the number of the version to show (the latest by default), and a
    form given (refused, with its errors) replaces the empty one."""
    user = request.user
    versions = queries.with_totals(queries.versions_of(proposal))
    changes = queries.changes_by_version(versions)
    for version in versions:
        version.changes = changes[version.pk]
    current = versions[-1]
    version = next((v for v in versions if str(v.number) == str(shown)), current)
    can_change = proposal.is_open and can_change_proposal(user, proposal)
    has_sent = any(v.status == ProposalVersion.Status.SENT for v in versions)
    can_decide_margin = (
        version.status == ProposalVersion.Status.AWAITING_APPROVAL
        and can_approve_margin(user, proposal)
    )
    context = {
        "proposal": proposal,
        "brief": proposal.brief,
        "versions": versions,
        "version": version,
        "current": current,
        "approved": next((v for v in versions if v.pk == proposal.approved_version_id), None),
        "is_current_draft": version is current and version.status == ProposalVersion.Status.DRAFT,
        "totals": version.totals,
        "under_floor": version.totals.is_under(version.margin_floor_percent),
        "lines": queries.lines_of(version),
        "chosen_ids": set(version.ideas.values_list("pk", flat=True)),
        "shortlist": queries.shortlist_of(proposal.brief),
        "pitches": queries.pitches_of(proposal),
        "can_change": can_change,
        "can_present": proposal.is_open and can_present(user, proposal),
        "can_decide_margin": can_decide_margin,
        "has_sent": has_sent,
        "history": history_of(proposal),
    }
    # Each form where the page offers it; a refused one replaces the empty one.
    offered = {
        "line_form": (can_change and context["is_current_draft"], forms.LineForm),
        "feedback_form": (
            can_change and version.status == ProposalVersion.Status.SENT,
            lambda: forms.FeedbackForm(proposal=proposal),
        ),
        "approve_form": (can_change and has_sent, lambda: forms.ApproveForm(proposal=proposal)),
        "lose_form": (can_change, forms.LoseForm),
        "margin_form": (can_decide_margin, forms.MarginNoteForm),
    }
    for name, (offer, empty_form) in offered.items():
        if offer:
            context[name] = given.get(name) or empty_form()
    tell_unshown(request, given, context)
    return render(request, "pitching/proposal_detail.html", context, status=status)


def _act_on_version(request, version: ProposalVersion, form, call, *, done: str, anchor: str,
                    form_name: str) -> HttpResponse:  # fmt: skip
    """A form posted about one version: back to it on success, or the page (422) with the form
    and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(proposal_url(version.proposal_id, anchor, version.number))
    proposal = queries.get_proposal_for(request.user, version.proposal_id)
    return _render_proposal(
        request, proposal, shown=version.number, status=422, **{form_name: form}
    )


def _one_click(request, version: ProposalVersion, action, done: str) -> HttpResponse:
    run_and_tell(request, action, done)
    return redirect(proposal_url(version.proposal_id, "version", version.number))


# --- A version's content --------------------------------------------------------------------
@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft version's narrative, fee, VAT and ideas; a frozen one says so beside the form."""
    version = queries.get_version_for(request.user, pk)
    require(can_change_proposal(request.user, version.proposal))
    form = forms.VersionForm(posted(request), instance=version)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_version(
            by=request.user, version=version, **form.service_data()
        ),
        success_url=lambda saved: proposal_url(saved.proposal_id, "version", saved.number),
        saved_message=_("The version is saved."),
        title=str(version),
        cancel_url=proposal_url(version.proposal_id, "version", version.number),
    )


@login_required
@require_POST
def line_add(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    require(can_change_proposal(request.user, version.proposal))
    form = forms.LineForm(request.POST)
    return _act_on_version(
        request,
        version,
        form,
        lambda data: services.add_estimate_line(
            by=request.user, version=version, **form.service_data()
        ),
        done=_("The line is added to the estimate."),
        anchor="estimate",
        form_name="line_form",
    )


@login_required
def line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = queries.get_line_for(request.user, pk)
    version = line.version
    require(can_change_proposal(request.user, version.proposal))
    form = forms.LineForm(posted(request), instance=line)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_estimate_line(
            by=request.user, line=line, **form.service_data()
        ),
        success_url=lambda saved: proposal_url(version.proposal_id, "estimate", version.number),
        saved_message=_("The line is saved."),
        title=_("Estimate line: %(line)s") % {"line": line},
        cancel_url=proposal_url(version.proposal_id, "estimate", version.number),
    )


@login_required
@require_POST
def line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line = queries.get_line_for(request.user, pk)
    require(can_change_proposal(request.user, line.version.proposal))
    return _one_click(
        request,
        line.version,
        lambda: services.remove_estimate_line(by=request.user, line=line),
        _("The line is removed from the estimate."),
    )


# --- Sending and the margin gate ------------------------------------------------------------
@login_required
@require_POST
def version_send(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    require(can_change_proposal(request.user, version.proposal))
    return _one_click(
        request,
        version,
        lambda: services.send_version(by=request.user, version=version),
        _("Version %(number)s is sent to the client; it is frozen now.")
        % {"number": version.number},
    )


@login_required
@require_POST
def version_request_approval(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    require(can_change_proposal(request.user, version.proposal))
    return _one_click(
        request,
        version,
        lambda: services.request_margin_approval(by=request.user, version=version),
        _("The Director is asked to approve the margin."),
    )


@login_required
@require_POST
def version_approve_margin(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    require(can_approve_margin(request.user, version.proposal))
    return _act_on_version(
        request,
        version,
        forms.MarginNoteForm(request.POST),
        lambda data: services.approve_margin(by=request.user, version=version, **data),
        done=_("The margin is approved: the version may be sent."),
        anchor="version",
        form_name="margin_form",
    )


@login_required
@require_POST
def version_decline_margin(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    require(can_approve_margin(request.user, version.proposal))
    return _act_on_version(
        request,
        version,
        forms.MarginNoteForm(request.POST),
        lambda data: services.decline_margin(by=request.user, version=version, **data),
        done=_("The version goes back to draft to be repriced."),
        anchor="version",
        form_name="margin_form",
    )


# --- The client's answer --------------------------------------------------------------------
@login_required
@require_POST
def version_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    version = queries.get_version_for(request.user, pk)
    require(can_change_proposal(request.user, version.proposal))
    return _act_on_version(
        request,
        version,
        forms.FeedbackForm(request.POST, proposal=version.proposal),
        lambda data: services.record_feedback(by=request.user, version=version, **data),
        done=_("The client's feedback is recorded."),
        anchor="feedback",
        form_name="feedback_form",
    )


@login_required
@require_POST
def proposal_revise(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = queries.get_proposal_for(request.user, pk)
    require(can_change_proposal(request.user, proposal))
    revised = run_and_tell(
        request,
        lambda: services.revise_proposal(by=request.user, proposal=proposal),
        _("A new version is started from the last one sent: change it in answer to the client."),
    )
    return redirect(proposal_url(pk, "version" if revised else ""))


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = queries.get_proposal_for(request.user, pk)
    require(can_change_proposal(request.user, proposal))
    form = forms.ApproveForm(request.POST, proposal=proposal)
    if form.is_valid() and run_service(
        form,
        lambda: services.approve_proposal(by=request.user, proposal=proposal, **form.cleaned_data),
    ):
        messages.success(request, _("The client approved the proposal. Congratulations!"))
        return redirect(proposal_url(pk, "decision"))
    return _render_proposal(request, proposal, status=422, approve_form=form)


@login_required
@require_POST
def proposal_lose(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = queries.get_proposal_for(request.user, pk)
    require(can_change_proposal(request.user, proposal))
    form = forms.LoseForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.lose_proposal(by=request.user, proposal=proposal, **form.cleaned_data),
    ):
        messages.success(request, _("Recorded as lost."))
        return redirect(proposal_url(pk, "decision"))
    return _render_proposal(request, proposal, status=422, lose_form=form)


# --- Pitches --------------------------------------------------------------------------------
@login_required
def pitch_create(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = queries.get_proposal_for(request.user, pk)
    require(can_present(request.user, proposal))
    form = forms.PitchForm(posted(request), proposal=proposal)
    return record_form_page(
        request,
        form,
        save=lambda data: services.schedule_pitch(
            by=request.user, proposal=proposal, **form.service_data()
        ),
        success_url=lambda pitch: proposal_url(pk, "pitches"),
        saved_message=_("The pitch is planned."),
        title=_("Plan a pitch: %(proposal)s") % {"proposal": proposal},
        cancel_url=proposal_url(pk, "pitches"),
    )


@login_required
def pitch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the pitch, change who comes, or record how it went."""
    pitch = queries.get_pitch_for(request.user, pk)
    require(can_present(request.user, pitch.proposal))
    form = forms.PitchForm(posted(request), instance=pitch, proposal=pitch.proposal)
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_pitch(
            by=request.user, pitch=pitch, **form.service_data()
        ),
        success_url=lambda saved: proposal_url(saved.proposal_id, "pitches"),
        saved_message=_("The pitch is saved."),
        title=_("Pitch: %(proposal)s") % {"proposal": pitch.proposal},
        cancel_url=proposal_url(pitch.proposal_id, "pitches"),
    )
