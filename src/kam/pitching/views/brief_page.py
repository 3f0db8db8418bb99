"""The brief's working page, drawn the same way after a GET, after an action that failed (its
form again, with the reason beside it) and as the ideas fragment htmx swaps in."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kam.clients import queries as client_queries
from kam.core.audit import history_of
from kam.core.forms import run_service
from kam.pitching import forms, queries
from kam.pitching.models import Brief, Idea, IdeaReview
from kam.pitching.permissions import (
    can_change_brief,
    can_change_creative_brief,
    can_contribute_to,
    can_see_money_of,
    can_shortlist,
)
from kam.pitching.views.common import tell_unshown


@dataclass
class IdeaRow:
    """A line of the ranking: the idea with its scores, the reader's own review and the form to
    give or change it."""

    idea: Idea
    review: IdeaReview | None
    review_form: forms.ReviewForm | None
    may_edit: bool


def brief_url(brief_pk: int, anchor: str = "") -> str:
    url = reverse("pitching:brief_detail", args=[brief_pk])
    return f"{url}#{anchor}" if anchor else url


def brief_context(request: HttpRequest, brief: Brief, **given) -> dict:
    """Everything the brief's page shows, with the permissions that decide its forms; a form
    given (refused, with its errors) replaces the empty one."""
    user = request.user
    can_change = brief.is_open and can_change_brief(user, brief)
    sees_money = can_see_money_of(user, brief)
    creative = getattr(brief, "creative_brief", None)
    proposal = getattr(brief, "proposal", None)
    context = {
        "brief": brief,
        "sees_money": sees_money,
        "can_change": can_change,
        "creative": creative,
        "can_write_creative": creative is not None and can_change_creative_brief(user, creative),
        "proposal": proposal,
        "attachments": queries.attachments_of(brief),
        "members": queries.members_of(brief),
        "account_team": client_queries.team_of(brief.client),
        # The history carries budgets and costs: only for those who see the money.
        "history": history_of(brief) if sees_money else None,
        **_ideas_context(
            request,
            brief,
            can_change=can_change,
            may_propose=can_change and proposal is None,
            sees_money=sees_money,
            **given,
        ),
    }
    if can_change:
        context.update(_change_forms(brief, creative, given))
    reviewing = [row.review_form for row in context["idea_rows"]]
    tell_unshown(request, given, context, also=reviewing)
    return context


def _change_forms(brief: Brief, creative, given: dict) -> dict:
    """The forms of the KAM side: budget, rubric, team, files, creative brief, cancelling."""
    weights = {name: getattr(brief, name) for name in forms.WeightsForm.base_fields}
    budget = {"amount": brief.proposed_budget_amount, "rationale": brief.budget_rationale}
    context = {
        "budget_form": given.get("budget_form") or forms.BudgetForm(initial=budget),
        "weights_form": given.get("weights_form") or forms.WeightsForm(initial=weights),
        "cancel_form": given.get("cancel_form") or forms.CancelBriefForm(),
        "member_form": given.get("member_form") or forms.MemberForm(brief=brief),
        "attachment_form": given.get("attachment_form") or forms.AttachmentForm(),
    }
    if creative is None:
        context["creative_form"] = given.get("creative_form") or forms.CreativeBriefForm(
            brief=brief
        )
        context["agency_has_planners"] = queries.agency_has_planners()
    return context


def _ideas_context(
    request, brief: Brief, *, can_change: bool, may_propose: bool, sees_money: bool, **given
) -> dict:
    user = request.user
    can_contribute = can_contribute_to(user, brief)
    mine = queries.reviews_by(user, brief) if can_contribute else {}
    refused = given.get("review_form")
    rows = []
    for idea in queries.ranked_ideas(brief):
        prefix = forms.ReviewForm.prefix_for(idea)
        form = None
        if can_contribute:
            form = refused if refused is not None and refused.prefix == prefix else None
            form = form or forms.ReviewForm(prefix=prefix, initial=_scores(mine.get(idea.pk)))
        # permissions.can_change_idea, without asking about the brief again for every idea.
        may_edit = brief.is_open and (can_change or idea.author_id == user.pk)
        rows.append(IdeaRow(idea, mine.get(idea.pk), form, may_edit))
    context = {
        "idea_rows": rows,
        "shortlisted_count": sum(row.idea.is_shortlisted for row in rows),
        "can_contribute": can_contribute,
        "can_shortlist": can_shortlist(user, brief),
        "shortfall": queries.shortlist_shortfall(brief),
    }
    if can_contribute:
        context["idea_form"] = given.get("idea_form") or forms.IdeaForm(sees_money=sees_money)
    if may_propose:
        context["proposal_form"] = given.get("proposal_form") or forms.ProposalCreateForm()
    return context


def _scores(review: IdeaReview | None) -> dict:
    if review is None:
        return {}
    return {name: getattr(review, name) for name in forms.ReviewForm.base_fields}


def render_brief(request: HttpRequest, brief: Brief, status: int = 200, **given) -> HttpResponse:
    context = brief_context(request, brief, **given)
    return render(request, "pitching/brief_detail.html", context, status=status)


def render_ideas(request: HttpRequest, brief: Brief) -> HttpResponse:
    """The ideas section alone, for htmx (with the messages, which the page shows at its top)."""
    context = {**brief_context(request, brief), "fragment": True}
    return render(request, "pitching/partials/_ideas.html", context)


def act_on_brief(
    request: HttpRequest,
    brief: Brief,
    form: django_forms.Form,
    call: Callable[[dict], object],
    *,
    done: str,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """A form posted from the brief's page: on success say so and go back to its section; when
    refused, the page again (422) with the form and the reason beside it."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)):
        messages.success(request, done)
        return redirect(brief_url(brief.pk, anchor))
    return render_brief(request, brief, status=422, **{form_name: form})
