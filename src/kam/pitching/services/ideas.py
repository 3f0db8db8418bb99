"""The brainstorm and the internal review: ideas added by the brief's team, scored on the
brief's rubric, and the shortlist a proposal is built on."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.people.models import User
from kam.pitching.models import Brief, Idea, IdeaReview, ProposalVersion
from kam.pitching.permissions import can_change_idea, can_contribute_to, can_shortlist

VERB_LABELS = {
    "idea.created": gettext_lazy("added the idea"),
    "idea.updated": gettext_lazy("changed the idea"),
    "idea.reviewed": gettext_lazy("scored the idea"),
    "idea.shortlisted": gettext_lazy("shortlisted the idea"),
    "idea.unshortlisted": gettext_lazy("took the idea off the shortlist"),
}

IDEA_FIELDS = ["title", "insight", "description", "channels", "rough_cost_amount"]
SCORES = ["fit", "creativity", "feasibility", "cost"]


@transaction.atomic
def add_idea(*, by: User, brief: Brief, **fields) -> Idea:
    """Record an idea from the brainstorm; anyone on the brief's team adds them."""
    require(can_contribute_to(by, brief))
    idea = Idea(brief=brief, author=by)
    _set_idea_fields(idea, fields)
    validated_save(idea)
    record_event(
        subject=idea, verb="idea.created", by=by, changes=created(snapshot(idea, IDEA_FIELDS))
    )
    return idea


@transaction.atomic
def update_idea(*, by: User, idea: Idea, **fields) -> Idea:
    """Sharpen an idea; one already in a version sent to the client stays as it was sent."""
    idea = Idea.objects.select_for_update().select_related("brief__client").get(pk=idea.pk)
    require(can_change_idea(by, idea))
    if ProposalVersion.objects.filter(ideas=idea).exclude(status="draft").exists():
        raise InvalidTransition(
            _(
                "This idea is in a proposal version that is frozen (sent, or with a Director); "
                "add a new idea instead."
            )
        )
    before = snapshot(idea, IDEA_FIELDS)
    _set_idea_fields(idea, fields)
    validated_save(idea, update_fields=fields)
    record_change(
        subject=idea, verb="idea.updated", by=by, before=before, after=snapshot(idea, IDEA_FIELDS)
    )
    return idea


def _set_idea_fields(idea: Idea, fields: dict) -> None:
    assign(idea, fields)
    if not idea.title:
        raise DomainError(_("Give the idea a title."), field="title")
    if not idea.description:
        raise DomainError(_("Describe the idea."), field="description")
    if idea.rough_cost_amount is None or idea.rough_cost_amount < 0:
        raise DomainError(_("A cost cannot be negative."), field="rough_cost_amount")


@transaction.atomic
def review_idea(
    *,
    by: User,
    idea: Idea,
    fit: int,
    creativity: int,
    feasibility: int,
    cost: int,
    comment: str = "",
) -> IdeaReview:
    """Score an idea on the brief's rubric, 1 to 5 per criterion; a reviewer scoring again
    replaces their own scores (one review each, so nobody counts twice)."""
    idea = Idea.objects.select_for_update().select_related("brief__client").get(pk=idea.pk)
    require(can_contribute_to(by, idea.brief))
    scores = {"fit": fit, "creativity": creativity, "feasibility": feasibility, "cost": cost}
    for name, value in scores.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise DomainError(_("Each score is from 1 to 5."), field=name)
    review = IdeaReview.objects.filter(idea=idea, reviewer=by).first()
    before = snapshot(review, [*SCORES, "comment"]) if review else {}
    review = review or IdeaReview(idea=idea, reviewer=by)
    assign(review, {**scores, "comment": (comment or "")[:1000]})
    validated_save(review, field="fit")
    record_change(
        subject=idea,
        verb="idea.reviewed",
        by=by,
        before=before,
        after=snapshot(review, [*SCORES, "comment"]),
    )
    return review


@transaction.atomic
def shortlist_idea(*, by: User, idea: Idea) -> Idea:
    """Put an idea on the shortlist the proposal is built on."""
    idea = _locked_for_shortlist(idea, by)
    if idea.is_shortlisted:
        raise InvalidTransition(_("This idea is on the shortlist already."))
    idea.is_shortlisted = True
    validated_save(idea, update_fields=["is_shortlisted"])
    record_event(
        subject=idea, verb="idea.shortlisted", by=by, changes={"is_shortlisted": [False, True]}
    )
    return idea


@transaction.atomic
def drop_from_shortlist(*, by: User, idea: Idea) -> Idea:
    """Take an idea off the shortlist, unless a proposal version has chosen it."""
    idea = _locked_for_shortlist(idea, by)
    if not idea.is_shortlisted:
        raise InvalidTransition(_("This idea is not on the shortlist."))
    if idea.proposal_versions.exists():
        raise InvalidTransition(
            _("A proposal version has chosen this idea; it stays on the shortlist.")
        )
    idea.is_shortlisted = False
    validated_save(idea, update_fields=["is_shortlisted"])
    record_event(
        subject=idea, verb="idea.unshortlisted", by=by, changes={"is_shortlisted": [True, False]}
    )
    return idea


def _locked_for_shortlist(idea: Idea, by: User) -> Idea:
    # The brief is locked, not only the idea: proposal creation counts the shortlist under the
    # same lock, so an idea cannot leave it while a proposal is being built on it.
    brief = Brief.objects.select_for_update().select_related("client").get(pk=idea.brief_id)
    require(can_shortlist(by, brief))
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    idea.brief = brief
    return idea
