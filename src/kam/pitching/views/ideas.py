"""The brainstorm and the internal review on the brief's page: adding and sharpening ideas,
scoring them, the shortlist, and starting the proposal on it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam.core.errors import require
from kam.core.forms import posted, record_form_page, run_service
from kam.pitching import forms, queries, services
from kam.pitching.permissions import (
    can_change_brief,
    can_change_idea,
    can_contribute_to,
    can_see_money_of,
    can_shortlist,
)
from kam.pitching.views.brief_page import act_on_brief, brief_url, render_brief
from kam.pitching.views.common import run_and_tell


@login_required
@require_POST
def idea_add(request: HttpRequest, pk: int) -> HttpResponse:
    brief = queries.get_brief_for(request.user, pk)
    require(can_contribute_to(request.user, brief))
    form = forms.IdeaForm(request.POST, sees_money=can_see_money_of(request.user, brief))
    return act_on_brief(
        request,
        brief,
        form,
        lambda data: services.add_idea(by=request.user, brief=brief, **form.service_data()),
        done=_("The idea is added."),
        anchor="ideas",
        form_name="idea_form",
    )


@login_required
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea = queries.get_idea_for(request.user, pk)
    require(can_change_idea(request.user, idea))
    form = forms.IdeaForm(
        posted(request), instance=idea, sees_money=can_see_money_of(request.user, idea.brief)
    )
    return record_form_page(
        request,
        form,
        save=lambda data: services.update_idea(by=request.user, idea=idea, **form.service_data()),
        success_url=lambda saved: brief_url(saved.brief_id, f"idea-{saved.pk}"),
        saved_message=_("The idea is saved."),
        title=idea,
        cancel_url=brief_url(idea.brief_id, f"idea-{idea.pk}"),
    )


@login_required
@require_POST
def idea_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reader's scores of one idea (a second review replaces their first)."""
    idea = queries.get_idea_for(request.user, pk)
    require(can_contribute_to(request.user, idea.brief))
    form = forms.ReviewForm(request.POST, prefix=forms.ReviewForm.prefix_for(idea))
    if form.is_valid() and run_service(
        form, lambda: services.review_idea(by=request.user, idea=idea, **form.cleaned_data)
    ):
        return redirect(brief_url(idea.brief_id, f"idea-{idea.pk}"))
    brief = queries.get_brief_for(request.user, idea.brief_id)
    return render_brief(request, brief, status=422, review_form=form)


@login_required
@require_POST
def idea_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    """From the ranking; with htmx the redirect brings back the ideas section alone."""
    idea = queries.get_idea_for(request.user, pk)
    require(can_shortlist(request.user, idea.brief))
    run_and_tell(
        request,
        lambda: services.shortlist_idea(by=request.user, idea=idea),
        _("“%(idea)s” is on the shortlist.") % {"idea": idea},
    )
    return redirect(brief_url(idea.brief_id, "ideas"))


@login_required
@require_POST
def idea_unshortlist(request: HttpRequest, pk: int) -> HttpResponse:
    idea = queries.get_idea_for(request.user, pk)
    require(can_shortlist(request.user, idea.brief))
    run_and_tell(
        request,
        lambda: services.drop_from_shortlist(by=request.user, idea=idea),
        _("“%(idea)s” is off the shortlist.") % {"idea": idea},
    )
    return redirect(brief_url(idea.brief_id, "ideas"))


@login_required
@require_POST
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the proposal on the shortlist; the service holds the rule of three ideas and says
    why it refuses, beside the button."""
    brief = queries.get_brief_for(request.user, pk)
    require(can_change_brief(request.user, brief))
    form = forms.ProposalCreateForm(request.POST)
    proposal = form.is_valid() and run_service(
        form, lambda: services.create_proposal(by=request.user, brief=brief, **form.cleaned_data)
    )
    if proposal:
        return redirect("pitching:proposal_detail", pk=proposal.pk)
    return render_brief(request, brief, status=422, proposal_form=form)
