"""Briefs: recording what the client asks for, the KAM's proposed budget, the review's rubric,
the brief's team and attachments, the creative brief handed to a Planner, and closing a brief
that will not be answered."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client
from kam.core import attachments
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.growth.models import Opportunity
from kam.people.models import User
from kam.pitching import queries
from kam.pitching.models import Brief, BriefAttachment, BriefMember, CreativeBrief
from kam.pitching.permissions import (
    can_change_brief,
    can_change_creative_brief,
    can_create_brief_on,
)

VERB_LABELS = {
    "brief.created": gettext_lazy("recorded the brief"),
    "brief.updated": gettext_lazy("changed the brief"),
    "brief.budget_proposed": gettext_lazy("proposed a budget"),
    "brief.weights_changed": gettext_lazy("changed the review's weights"),
    "brief.cancelled": gettext_lazy("cancelled the brief"),
    "brief.member_added": gettext_lazy("brought someone onto the brief"),
    "brief.member_removed": gettext_lazy("took someone off the brief"),
    "brief.file_attached": gettext_lazy("attached a file"),
    "brief.file_removed": gettext_lazy("removed a file"),
    "creative_brief.created": gettext_lazy("handed over the creative brief"),
    "creative_brief.updated": gettext_lazy("changed the creative brief"),
    "creative_brief.ready": gettext_lazy("marked the creative brief ready"),
}

BRIEF_FIELDS = [
    "title",
    "objectives",
    "target_audience",
    "key_message",
    "mandatories",
    "channels",
    "kpis",
    "budget_min_amount",
    "budget_max_amount",
    "received_on",
    "deadline_on",
    "campaign_starts_on",
    "campaign_ends_on",
]
WEIGHT_FIELDS = ["weight_fit", "weight_creativity", "weight_feasibility", "weight_cost"]
CREATIVE_FIELDS = [
    "problem",
    "target_audience",
    "insight",
    "proposition",
    "mandatories",
    "channels",
    "deliverables",
    "due_on",
]
# What a creative brief starts from: the client brief's own words.
PREFILLED_FROM_BRIEF = {
    "problem": "objectives",
    "target_audience": "target_audience",
    "mandatories": "mandatories",
    "channels": "channels",
    "insight": "key_message",
}


# --- Briefs ---------------------------------------------------------------------------------
@transaction.atomic
def create_brief(
    *, by: User, client: Client, opportunity: Opportunity | None = None, **fields
) -> Brief:
    """Record a client's brief; the person recording it is its KAM unless the client's owner is
    (a Director recording it for the team)."""
    require(can_create_brief_on(by, client))
    if client.status == Client.Status.LOST:
        raise DomainError(_("This client is lost; reopen it before recording a brief."))
    _check_opportunity(client, opportunity)
    fields.setdefault("received_on", timezone.localdate())
    owner = by if by.is_kam else client.owner
    brief = Brief(client=client, opportunity=opportunity, owner=owner, created_by=by)
    _set_brief_fields(brief, fields)
    validated_save(brief)
    record_event(
        subject=brief,
        verb="brief.created",
        by=by,
        changes=created(snapshot(brief, ["client", "opportunity", *BRIEF_FIELDS])),
    )
    return brief


@transaction.atomic
def update_brief(*, by: User, brief: Brief, **fields) -> Brief:
    """Correct or complete what the client asked for, while the brief is open."""
    brief = _locked_open(brief, by)
    before = snapshot(brief, BRIEF_FIELDS)
    _set_brief_fields(brief, fields)
    validated_save(brief, update_fields=fields)
    record_change(
        subject=brief,
        verb="brief.updated",
        by=by,
        before=before,
        after=snapshot(brief, BRIEF_FIELDS),
    )
    return brief


def _set_brief_fields(brief: Brief, fields: dict) -> None:
    assign(brief, fields)
    if not brief.title:
        raise DomainError(_("Give the brief a title."), field="title")
    if not brief.objectives:
        raise DomainError(_("Say what the client wants to achieve."), field="objectives")
    if brief.budget_max_amount < brief.budget_min_amount:
        raise DomainError(
            _("The top of the budget range cannot be under its bottom."), field="budget_max_amount"
        )
    starts, ends = brief.campaign_starts_on, brief.campaign_ends_on
    if starts and ends and ends < starts:
        raise DomainError(_("The campaign cannot end before it starts."), field="campaign_ends_on")


def _check_opportunity(client: Client, opportunity: Opportunity | None) -> None:
    if opportunity is not None and opportunity.client_id != client.pk:
        raise DomainError(_("This opportunity is another client's."), field="opportunity")


def _locked_open(brief: Brief, by: User) -> Brief:
    """The brief re-read under a row lock, still open, for a change by someone who may make it."""
    locked = Brief.objects.select_for_update().select_related("client").get(pk=brief.pk)
    require(can_change_brief(by, locked))
    _check_open(locked)
    return locked


def _check_open(brief: Brief) -> None:
    if not brief.is_open:
        raise InvalidTransition(
            _("This brief is %(status)s; it no longer changes.")
            % {"status": brief.get_status_display()}
        )


@transaction.atomic
def propose_budget(*, by: User, brief: Brief, amount: Decimal, rationale: str) -> Brief:
    """The KAM's reading of what the brief needs, with why: the proposal's estimate is measured
    against it."""
    brief = _locked_open(brief, by)
    if amount is None or amount < 0:
        raise DomainError(_("A budget cannot be negative."), field="amount")
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError(_("Say briefly why this budget."), field="rationale")
    before = snapshot(brief, ["proposed_budget_amount", "budget_rationale"])
    brief.proposed_budget_amount, brief.budget_rationale = amount, rationale[:1000]
    validated_save(brief, update_fields=["proposed_budget_amount", "budget_rationale"])
    record_change(
        subject=brief,
        verb="brief.budget_proposed",
        by=by,
        before=before,
        after=snapshot(brief, ["proposed_budget_amount", "budget_rationale"]),
    )
    return brief


@transaction.atomic
def set_review_weights(*, by: User, brief: Brief, **weights) -> Brief:
    """How much fit, creativity, feasibility and cost weigh in the brief's ranking of ideas (a
    tight-budget client weighs cost more)."""
    brief = _locked_open(brief, by)
    unknown = set(weights) - set(WEIGHT_FIELDS)
    if unknown:
        raise DomainError(_("Unknown weight."), field=sorted(unknown)[0])
    for name, value in weights.items():
        if value is None or not 0 <= value <= 100:
            raise DomainError(_("Each weight is from 0 to 100."), field=name)
    before = snapshot(brief, WEIGHT_FIELDS)
    assign(brief, weights)
    if not any(getattr(brief, name) for name in WEIGHT_FIELDS):
        raise DomainError(_("At least one weight must be above 0."), field="weight_fit")
    validated_save(brief, update_fields=weights)
    record_change(
        subject=brief,
        verb="brief.weights_changed",
        by=by,
        before=before,
        after=snapshot(brief, WEIGHT_FIELDS),
    )
    return brief


@transaction.atomic
def cancel_brief(*, by: User, brief: Brief, reason: str) -> Brief:
    """The client withdrew the brief, or the agency declines to answer it; say why. A brief
    with a proposal ends with it instead (approved or lost)."""
    brief = _locked_open(brief, by)
    if hasattr(brief, "proposal"):
        raise InvalidTransition(_("This brief has a proposal: approve it or record it as lost."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the brief is cancelled."), field="reason")
    brief.status, brief.closed_reason = Brief.Status.CANCELLED, reason[:500]
    validated_save(brief, update_fields=["status", "closed_reason"])
    record_event(
        subject=brief, verb="brief.cancelled", by=by, changes={"closed_reason": [None, reason]}
    )
    return brief


# --- The brief's team -----------------------------------------------------------------------
@transaction.atomic
def add_brief_member(*, by: User, brief: Brief, user: User) -> BriefMember:
    """Bring someone onto the brief to add and review ideas (they see it without its money)."""
    brief = _locked_open(brief, by)
    if not user.is_active:
        raise DomainError(_("This person can no longer sign in."), field="user")
    member = BriefMember(brief=brief, user=user)
    validated_save(member, field="user")
    record_event(
        subject=brief, verb="brief.member_added", by=by, changes={"members": [None, str(user)]}
    )
    return member


@transaction.atomic
def remove_brief_member(*, by: User, brief: Brief, user: User) -> None:
    """Take someone off the brief; the ideas and reviews they gave stay."""
    brief = _locked_open(brief, by)
    deleted, _rows = BriefMember.objects.filter(brief=brief, user=user).delete()
    if not deleted:
        raise DomainError(_("This person is not on the brief's team."), field="user")
    record_event(
        subject=brief, verb="brief.member_removed", by=by, changes={"members": [str(user), None]}
    )


# --- Attachments ----------------------------------------------------------------------------
@transaction.atomic
def attach_file(*, by: User, brief: Brief, name: str, content: bytes) -> BriefAttachment:
    """Keep a file the client sent with the brief. Its type is read from its bytes, and it is
    stored under a name kam makes up, never the one it came with."""
    brief = _locked_open(brief, by)
    attachment = BriefAttachment(brief=brief, uploaded_by=by)
    attachments.store(attachment, attachments.accept(name, content))
    record_event(
        subject=brief,
        verb="brief.file_attached",
        by=by,
        changes={"attachments": [None, attachment.name]},
    )
    return attachment


@transaction.atomic
def remove_attachment(*, by: User, attachment: BriefAttachment) -> None:
    """Remove a file from the brief; the stored bytes go once the removal is committed."""
    _locked_open(attachment.brief, by)
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    record_event(
        subject=attachment.brief,
        verb="brief.file_removed",
        by=by,
        changes={"attachments": [attachment.name, None]},
    )


# --- The creative brief ---------------------------------------------------------------------
@transaction.atomic
def create_creative_brief(*, by: User, brief: Brief, planner: User, **fields) -> CreativeBrief:
    """Hand the brief to a Planner as a creative brief, its fields starting from the client's
    brief. Where the agency has no Planner, the brief's KAM takes it."""
    brief = _locked_open(brief, by)
    if hasattr(brief, "creative_brief"):
        raise InvalidTransition(_("This brief has its creative brief already."))
    _check_planner(brief, planner, by)
    for field, source in PREFILLED_FROM_BRIEF.items():
        if not fields.get(field):
            fields[field] = getattr(brief, source)
    fields.setdefault("due_on", brief.deadline_on)
    creative = CreativeBrief(brief=brief, planner=planner, assigned_by=by)
    _set_creative_fields(creative, fields)
    validated_save(creative)
    if brief.status == Brief.Status.RECEIVED:
        brief.status = Brief.Status.PLANNING
        validated_save(brief, update_fields=["status"])
    record_event(
        subject=creative,
        verb="creative_brief.created",
        by=by,
        changes=created(snapshot(creative, ["planner", *CREATIVE_FIELDS])),
    )
    return creative


def _check_planner(brief: Brief, planner: User, by: User) -> None:
    if not planner.is_active:
        raise DomainError(_("This person can no longer sign in."), field="planner")
    if planner.is_planner:
        return
    if queries.agency_has_planners():
        raise DomainError(_("Choose one of the agency's Planners."), field="planner")
    if planner.pk not in (brief.owner_id, by.pk) or not planner.is_kam:
        raise DomainError(
            _("The agency has no Planner: the brief's KAM takes the creative brief."),
            field="planner",
        )


@transaction.atomic
def update_creative_brief(*, by: User, creative: CreativeBrief, **fields) -> CreativeBrief:
    """The Planner writes the creative brief; a new Planner is the KAM's call."""
    creative = (
        CreativeBrief.objects.select_for_update()
        .select_related("brief__client")
        .get(pk=creative.pk)
    )
    require(can_change_creative_brief(by, creative))
    planner = fields.pop("planner", None)
    before = snapshot(creative, ["planner", *CREATIVE_FIELDS])
    if planner is not None and planner.pk != creative.planner_id:
        require(can_change_brief(by, creative.brief))
        _check_planner(creative.brief, planner, by)
        creative.planner = planner
        fields["planner"] = planner
    _set_creative_fields(creative, {k: v for k, v in fields.items() if k != "planner"})
    validated_save(creative, update_fields=fields)
    record_change(
        subject=creative,
        verb="creative_brief.updated",
        by=by,
        before=before,
        after=snapshot(creative, ["planner", *CREATIVE_FIELDS]),
    )
    return creative


def _set_creative_fields(creative: CreativeBrief, fields: dict) -> None:
    assign(creative, fields)
    if not creative.problem:
        raise DomainError(_("Say what problem the ideas must solve."), field="problem")


@transaction.atomic
def mark_creative_brief_ready(*, by: User, creative: CreativeBrief) -> CreativeBrief:
    """The Planner says the creative brief is done: the team brainstorms on it."""
    creative = (
        CreativeBrief.objects.select_for_update()
        .select_related("brief__client")
        .get(pk=creative.pk)
    )
    require(can_change_creative_brief(by, creative))
    if creative.status == CreativeBrief.Status.READY:
        raise InvalidTransition(_("This creative brief is ready already."))
    creative.status = CreativeBrief.Status.READY
    validated_save(creative, update_fields=["status"])
    record_event(
        subject=creative,
        verb="creative_brief.ready",
        by=by,
        changes={"status": ["assigned", "ready"]},
    )
    return creative
