"""Proposals: built on the shortlist, written and priced in versions (a version that leaves
draft is frozen; a change makes the next one), sent under the margin floor only with a
Director's approval, pitched, answered with feedback, and ended approved or lost."""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Stakeholder
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.growth import services as growth_services
from kam.growth.permissions import can_change_opportunity
from kam.people.models import Department, User
from kam.pitching import queries
from kam.pitching.estimate import line_amounts
from kam.pitching.models import (
    Brief,
    EstimateLine,
    Feedback,
    Idea,
    Pitch,
    Proposal,
    ProposalVersion,
)
from kam.pitching.permissions import can_approve_margin, can_change_proposal, can_present

VERB_LABELS = {
    "proposal.created": gettext_lazy("started the proposal"),
    "proposal.approved": gettext_lazy("recorded the client's approval"),
    "proposal.lost": gettext_lazy("recorded the proposal as lost"),
    "version.created": gettext_lazy("started a new version"),
    "version.updated": gettext_lazy("changed the version"),
    "version.line_added": gettext_lazy("added an estimate line"),
    "version.line_changed": gettext_lazy("changed an estimate line"),
    "version.line_removed": gettext_lazy("removed an estimate line"),
    "version.approval_requested": gettext_lazy("asked a Director to approve the margin"),
    "version.margin_approved": gettext_lazy("approved the margin under the floor"),
    "version.margin_declined": gettext_lazy("declined the margin under the floor"),
    "version.sent": gettext_lazy("sent the version to the client"),
    "version.feedback": gettext_lazy("recorded the client's feedback"),
    "pitch.created": gettext_lazy("planned the pitch"),
    "pitch.updated": gettext_lazy("changed the pitch"),
}

VERSION_FIELDS = ["narrative", "agency_fee_percent", "vat_percent"]
LINE_FIELDS = [
    "kind",
    "department",
    "supplier",
    "description",
    "quantity",
    "unit_cost_amount",
    "unit_price_amount",
    "position",
]
PITCH_FIELDS = ["held_at", "location", "outcome", "notes"]


# --- Proposals ------------------------------------------------------------------------------
@transaction.atomic
def create_proposal(*, by: User, brief: Brief, title: str = "") -> Proposal:
    """Start the proposal for a brief, its first version choosing the shortlisted ideas. The
    review must have shortlisted at least three ideas first (queries.shortlist_shortfall)."""
    brief = Brief.objects.select_for_update().select_related("client").get(pk=brief.pk)
    require(can_change_proposal_of(by, brief))
    if not brief.is_open:
        raise InvalidTransition(
            _("This brief is %(status)s.") % {"status": brief.get_status_display()}
        )
    if Proposal.objects.filter(brief=brief).exists():
        raise InvalidTransition(_("This brief has its proposal already."))
    shortfall = queries.shortlist_shortfall(brief)
    if shortfall:
        raise DomainError(shortfall)
    proposal = Proposal(
        brief=brief,
        title=(title or "").strip()[:200] or brief.title,
        owner=brief.owner,
        created_by=by,
    )
    validated_save(proposal)
    version = _new_version(proposal, number=1, by=by)
    version.ideas.set(brief.ideas.filter(is_shortlisted=True))
    brief.status = Brief.Status.PROPOSING
    validated_save(brief, update_fields=["status"])
    record_event(
        subject=proposal, verb="proposal.created", by=by, changes={"title": [None, proposal.title]}
    )
    return proposal


def can_change_proposal_of(by: User, brief: Brief) -> bool:
    return can_change_proposal(by, Proposal(brief=brief))


def _new_version(proposal: Proposal, *, number: int, by: User, **fields) -> ProposalVersion:
    """A draft version, held to the client's margin floor (or the agency's default) of today."""
    client = proposal.brief.client
    floor = client.margin_floor_percent
    fields.setdefault("vat_percent", Decimal(settings.KAM_ESTIMATE_VAT_PERCENT))
    version = ProposalVersion(
        proposal=proposal,
        number=number,
        margin_floor_percent=Decimal(settings.KAM_MARGIN_FLOOR_PERCENT if floor is None else floor),
        created_by=by,
        **fields,
    )
    validated_save(version, message=_("Someone else made this version at the same moment."))
    record_event(subject=version, verb="version.created", by=by, changes={"number": [None, number]})
    return version


def _locked_proposal(proposal: Proposal, by: User) -> Proposal:
    """The proposal re-read under a row lock: every change to its versions takes this lock, so
    two people sending, revising or deciding at once do so one after the other."""
    locked = (
        Proposal.objects.select_for_update().select_related("brief__client").get(pk=proposal.pk)
    )
    require(can_change_proposal(by, locked))
    if not locked.is_open:
        raise InvalidTransition(
            _("This proposal is %(status)s; it no longer changes.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _locked_draft(version: ProposalVersion, by: User) -> ProposalVersion:
    proposal = _locked_proposal(version.proposal, by)
    version = ProposalVersion.objects.get(pk=version.pk)
    version.proposal = proposal
    if version.is_frozen:
        raise InvalidTransition(
            _(
                "Version %(number)s is %(status)s and frozen; revise the proposal to change it "
                "in a new version."
            )
            % {"number": version.number, "status": version.get_status_display()}
        )
    return version


# --- A version's content --------------------------------------------------------------------
@transaction.atomic
def update_version(
    *, by: User, version: ProposalVersion, ideas: list[Idea] | None = None, **fields
) -> ProposalVersion:
    """Write the draft version: its narrative, fee, VAT rate and the shortlisted ideas it
    proposes."""
    version = _locked_draft(version, by)
    before = snapshot(version, VERSION_FIELDS)
    assign(version, fields)
    for name in ("agency_fee_percent", "vat_percent"):
        value = getattr(version, name)
        if value is None or not Decimal(0) <= value <= Decimal(100):
            raise DomainError(_("A percentage is from 0 to 100."), field=name)
    validated_save(version, update_fields=fields)
    after = snapshot(version, VERSION_FIELDS)
    if ideas is not None:
        _choose_ideas(version, ideas)
        before["ideas"] = None
        after["ideas"] = ", ".join(sorted(idea.title for idea in ideas))
    record_change(subject=version, verb="version.updated", by=by, before=before, after=after)
    return version


def _choose_ideas(version: ProposalVersion, ideas: list[Idea]) -> None:
    if not ideas:
        raise DomainError(_("Choose at least one idea."), field="ideas")
    # Read from the database: the shortlist may have changed since the caller loaded the ideas.
    wanted = {idea.pk for idea in ideas}
    shortlisted = Idea.objects.filter(
        pk__in=wanted, brief_id=version.proposal.brief_id, is_shortlisted=True
    )
    if shortlisted.count() != len(wanted):
        raise DomainError(_("A version proposes ideas from its brief's shortlist."), field="ideas")
    version.ideas.set(shortlisted)


@transaction.atomic
def add_estimate_line(*, by: User, version: ProposalVersion, **fields) -> EstimateLine:
    """Add a line to the draft version's estimate: who does or supplies what, how many, at
    what cost and at what price to the client."""
    version = _locked_draft(version, by)
    if fields.get("position") is None:
        fields["position"] = version.lines.count() + 1
    line = EstimateLine(version=version)
    _set_line_fields(line, fields)
    validated_save(line)
    record_event(
        subject=version,
        verb="version.line_added",
        by=by,
        changes={"lines": [None, _line_label(line)]},
    )
    return line


@transaction.atomic
def update_estimate_line(*, by: User, line: EstimateLine, **fields) -> EstimateLine:
    """Change a line of the draft version's estimate."""
    version = _locked_draft(line.version, by)
    line = EstimateLine.objects.get(pk=line.pk)
    line.version = version
    before = _line_label(line)
    _set_line_fields(line, fields)
    validated_save(line, update_fields=fields, also=["cost_amount", "price_amount"])
    after = _line_label(line)
    if before != after:
        record_event(
            subject=version, verb="version.line_changed", by=by, changes={"lines": [before, after]}
        )
    return line


@transaction.atomic
def remove_estimate_line(*, by: User, line: EstimateLine) -> None:
    """Take a line out of the draft version's estimate."""
    version = _locked_draft(line.version, by)
    label = _line_label(line)
    EstimateLine.objects.filter(pk=line.pk).delete()
    record_event(
        subject=version, verb="version.line_removed", by=by, changes={"lines": [label, None]}
    )


def _set_line_fields(line: EstimateLine, fields: dict) -> None:
    assign(line, fields)
    if not line.description:
        raise DomainError(_("Say what the line is for."), field="description")
    if line.quantity is None or line.quantity <= 0:
        raise DomainError(_("The quantity must be above 0."), field="quantity")
    for name in ("unit_cost_amount", "unit_price_amount"):
        if getattr(line, name) is None or getattr(line, name) < 0:
            raise DomainError(_("An amount cannot be negative."), field=name)
    if line.kind == EstimateLine.Kind.DEPARTMENT and line.department is None:
        raise DomainError(_("Choose the department."), field="department")
    if line.department is not None and not isinstance(line.department, Department):
        raise DomainError(_("Choose the department."), field="department")
    line.cost_amount, line.price_amount = line_amounts(
        line.quantity, line.unit_cost_amount, line.unit_price_amount
    )


def _line_label(line: EstimateLine) -> str:
    """The line as its history shows it: what, how many, at what price (and cost); numbers in
    one form whether they came from the database or the form."""
    quantity, unit_price, unit_cost = (
        f"{Decimal(value).normalize():f}"
        for value in (line.quantity, line.unit_price_amount, line.unit_cost_amount)
    )
    return f"{line.description}: {quantity} x {unit_price} ({unit_cost})"


# --- Sending, and the margin gate -----------------------------------------------------------
@transaction.atomic
def request_margin_approval(*, by: User, version: ProposalVersion) -> ProposalVersion:
    """Ask the Director to approve sending a version whose margin is under the floor; the
    version is frozen while they decide."""
    version = _locked_draft(version, by)
    _check_sendable(version)
    totals = queries.totals_of(version)
    if not totals.is_under(version.margin_floor_percent):
        raise DomainError(_("The margin is not under the floor: send the version."))
    version.status = ProposalVersion.Status.AWAITING_APPROVAL
    version.approval_requested_by = by
    validated_save(version, update_fields=["status", "approval_requested_by"])
    record_event(
        subject=version,
        verb="version.approval_requested",
        by=by,
        changes={"margin": [None, _percent(totals.margin_percent)]},
    )
    return version


@transaction.atomic
def approve_margin(*, by: User, version: ProposalVersion, note: str = "") -> ProposalVersion:
    """A Director accepts the low margin (a strategic client, a first project): the version may
    be sent as it is."""
    version = _awaiting_decision(version, by)
    version.status = ProposalVersion.Status.CLEARED
    version.margin_approved_by, version.margin_approved_at = by, timezone.now()
    version.margin_approval_note = (note or "").strip()[:500]
    validated_save(
        version,
        update_fields=[
            "status",
            "margin_approved_by",
            "margin_approved_at",
            "margin_approval_note",
        ],
    )
    record_event(
        subject=version,
        verb="version.margin_approved",
        by=by,
        changes={"margin_approval_note": [None, version.margin_approval_note]},
    )
    return version


@transaction.atomic
def decline_margin(*, by: User, version: ProposalVersion, note: str) -> ProposalVersion:
    """A Director sends the version back to be repriced, saying why."""
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say what has to change."), field="note")
    version = _awaiting_decision(version, by)
    version.status = ProposalVersion.Status.DRAFT
    version.approval_requested_by = None
    version.margin_approval_note = note[:500]
    validated_save(
        version, update_fields=["status", "approval_requested_by", "margin_approval_note"]
    )
    record_event(
        subject=version,
        verb="version.margin_declined",
        by=by,
        changes={"margin_approval_note": [None, note]},
    )
    return version


def _awaiting_decision(version: ProposalVersion, by: User) -> ProposalVersion:
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("brief__client__owner")
        .get(pk=version.proposal_id)
    )
    require(can_approve_margin(by, proposal))
    version = ProposalVersion.objects.get(pk=version.pk)
    version.proposal = proposal
    if version.status != ProposalVersion.Status.AWAITING_APPROVAL:
        raise InvalidTransition(_("This version is not waiting for a Director's approval."))
    if not proposal.is_open:
        raise InvalidTransition(_("This proposal is closed."))
    return version


@transaction.atomic
def send_version(*, by: User, version: ProposalVersion) -> ProposalVersion:
    """Send the version to the client; from now on it is frozen. Under the margin floor it
    needs a Director's approval first."""
    proposal = _locked_proposal(version.proposal, by)
    version = ProposalVersion.objects.get(pk=version.pk)
    version.proposal = proposal
    if version.status == ProposalVersion.Status.SENT:
        raise InvalidTransition(
            _("Version %(number)s was sent already.") % {"number": version.number}
        )
    if version.status == ProposalVersion.Status.AWAITING_APPROVAL:
        raise InvalidTransition(_("This version is waiting for a Director's approval."))
    _check_sendable(version)
    totals = queries.totals_of(version)
    if version.status == ProposalVersion.Status.DRAFT and totals.is_under(
        version.margin_floor_percent
    ):
        raise DomainError(
            _(
                "The margin (%(margin)s) is under the floor of %(floor)s: ask the Director to "
                "approve it before sending."
            )
            % {
                "margin": _percent(totals.margin_percent),
                "floor": _percent(version.margin_floor_percent),
            }
        )
    version.status = ProposalVersion.Status.SENT
    version.sent_by, version.sent_at = by, timezone.now()
    validated_save(version, update_fields=["status", "sent_by", "sent_at"])
    record_event(
        subject=version,
        verb="version.sent",
        by=by,
        changes={
            "total": [None, str(totals.total)],
            "margin": [None, _percent(totals.margin_percent)],
        },
    )
    return version


def _check_sendable(version: ProposalVersion) -> None:
    if not version.lines.exists():
        raise DomainError(_("The estimate has no lines yet."))
    if not version.ideas.exists():
        raise DomainError(_("Choose at least one idea."), field="ideas")


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}%"


@transaction.atomic
def revise_proposal(*, by: User, proposal: Proposal) -> ProposalVersion:
    """Start the next version from the last one sent: its ideas, narrative, fee, VAT and lines
    copied, to change in answer to the client's feedback."""
    proposal = _locked_proposal(proposal, by)
    latest = proposal.versions.order_by("-number").first()
    if latest.status != ProposalVersion.Status.SENT:
        raise InvalidTransition(
            _(
                "Version %(number)s has not been sent yet: send it (or change it while it is a "
                "draft) before starting another."
            )
            % {"number": latest.number}
        )
    version = _new_version(
        proposal,
        number=latest.number + 1,
        by=by,
        narrative=latest.narrative,
        agency_fee_percent=latest.agency_fee_percent,
        vat_percent=latest.vat_percent,
    )
    version.ideas.set(latest.ideas.all())
    EstimateLine.objects.bulk_create(
        [
            EstimateLine(
                version=version, **{name: getattr(line, name) for name in _COPIED_LINE_FIELDS}
            )
            for line in latest.lines.all()
        ]
    )
    return version


_COPIED_LINE_FIELDS = [*LINE_FIELDS, "cost_amount", "price_amount"]


@transaction.atomic
def record_feedback(
    *,
    by: User,
    version: ProposalVersion,
    text: str,
    received_on: date | None = None,
    stakeholder: Stakeholder | None = None,
) -> Feedback:
    """What the client said about a version they were sent, and who said it."""
    proposal = _locked_proposal(version.proposal, by)
    version = ProposalVersion.objects.get(pk=version.pk)
    if version.status != ProposalVersion.Status.SENT:
        raise InvalidTransition(_("Feedback is on a version the client was sent."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write down what the client said."), field="text")
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise DomainError(_("Feedback cannot come from the future."), field="received_on")
    if stakeholder is not None and stakeholder.client_id != proposal.brief.client_id:
        raise DomainError(_("This person is another client's."), field="stakeholder")
    feedback = Feedback(
        version=version, text=text, received_on=received_on, stakeholder=stakeholder, recorded_by=by
    )
    validated_save(feedback)
    record_event(
        subject=version, verb="version.feedback", by=by, changes={"feedback": [None, text]}
    )
    return feedback


# --- Pitches --------------------------------------------------------------------------------
@transaction.atomic
def schedule_pitch(
    *,
    by: User,
    proposal: Proposal,
    held_at: datetime,
    presenters: list[User],
    attendees: list[Stakeholder] | None = None,
    version: ProposalVersion | None = None,
    **fields,
) -> Pitch:
    """Plan (or record) a pitch: when, which version, who presents, who of the client attends."""
    proposal = (
        Proposal.objects.select_for_update().select_related("brief__client").get(pk=proposal.pk)
    )
    require(can_present(by, proposal))
    if not proposal.is_open:
        raise InvalidTransition(_("This proposal is closed."))
    version = version or queries.current_version(proposal)
    if version.proposal_id != proposal.pk:
        raise DomainError(_("This version is another proposal's."), field="version")
    pitch = Pitch(proposal=proposal, version=version, held_at=held_at, created_by=by)
    _set_pitch_fields(pitch, fields)
    validated_save(pitch)
    _set_people(pitch, proposal, presenters, attendees or [])
    record_event(
        subject=pitch,
        verb="pitch.created",
        by=by,
        changes=created(snapshot(pitch, ["version", *PITCH_FIELDS])),
    )
    return pitch


@transaction.atomic
def update_pitch(
    *,
    by: User,
    pitch: Pitch,
    presenters: list[User] | None = None,
    attendees: list[Stakeholder] | None = None,
    **fields,
) -> Pitch:
    """Move the pitch, change who comes, or record how it went."""
    pitch = (
        Pitch.objects.select_for_update().select_related("proposal__brief__client").get(pk=pitch.pk)
    )
    require(can_present(by, pitch.proposal))
    before = snapshot(pitch, PITCH_FIELDS)
    _set_pitch_fields(pitch, fields)
    validated_save(pitch, update_fields=fields)
    if presenters is not None or attendees is not None:
        _set_people(
            pitch,
            pitch.proposal,
            list(pitch.presenters.all()) if presenters is None else presenters,
            list(pitch.attendees.all()) if attendees is None else attendees,
        )
    record_change(
        subject=pitch,
        verb="pitch.updated",
        by=by,
        before=before,
        after=snapshot(pitch, PITCH_FIELDS),
    )
    return pitch


def _set_pitch_fields(pitch: Pitch, fields: dict) -> None:
    assign(pitch, fields)
    if pitch.held_at is None:
        raise DomainError(_("Say when the pitch is."), field="held_at")
    if pitch.outcome != Pitch.Outcome.PENDING and pitch.held_at > timezone.now():
        raise DomainError(_("A pitch that has not happened has no outcome yet."), field="outcome")


def _set_people(pitch: Pitch, proposal: Proposal, presenters: list, attendees: list) -> None:
    if not presenters:
        raise DomainError(_("Say who presents."), field="presenters")
    if any(not person.is_active for person in presenters):
        raise DomainError(_("This person can no longer sign in."), field="presenters")
    if any(person.client_id != proposal.brief.client_id for person in attendees):
        raise DomainError(_("This person is another client's."), field="attendees")
    pitch.presenters.set(presenters)
    pitch.attendees.set(attendees)


# --- The decision ---------------------------------------------------------------------------
@transaction.atomic
def approve_proposal(
    *,
    by: User,
    proposal: Proposal,
    version: ProposalVersion | None = None,
    decided_on: date | None = None,
) -> Proposal:
    """Record that the client approved a version they were sent (the last one unless said
    otherwise). Its estimate is where the contract and the project's budget start; the brief's
    opportunity, if open, is won at the approved value."""
    proposal = _locked_proposal(proposal, by)
    sent = proposal.versions.filter(status=ProposalVersion.Status.SENT)
    version = sent.filter(pk=version.pk).first() if version else sent.order_by("-number").first()
    if version is None:
        raise InvalidTransition(_("The client approves a version they were sent; send one first."))
    proposal.status = Proposal.Status.APPROVED
    proposal.approved_version = version
    proposal.decided_on = _decision_day(decided_on)
    validated_save(proposal, update_fields=["status", "approved_version", "decided_on"])
    _close_brief(proposal.brief, Brief.Status.APPROVED, "")
    record_event(
        subject=proposal,
        verb="proposal.approved",
        by=by,
        changes={"status": ["open", "approved"], "approved_version": [None, version.number]},
    )
    _close_opportunity(proposal, by, won=True, version=version)
    return proposal


@transaction.atomic
def lose_proposal(
    *, by: User, proposal: Proposal, reason: str, decided_on: date | None = None
) -> Proposal:
    """Record that the pitch is lost, and why: price, idea, timing, a competitor…"""
    proposal = _locked_proposal(proposal, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why it was lost."), field="reason")
    proposal.status, proposal.lost_reason = Proposal.Status.LOST, reason[:500]
    proposal.decided_on = _decision_day(decided_on)
    validated_save(proposal, update_fields=["status", "lost_reason", "decided_on"])
    _close_brief(proposal.brief, Brief.Status.LOST, reason)
    record_event(
        subject=proposal, verb="proposal.lost", by=by, changes={"lost_reason": [None, reason]}
    )
    _close_opportunity(proposal, by, won=False, reason=reason)
    return proposal


def _decision_day(decided_on: date | None) -> date:
    today = timezone.localdate()
    if decided_on is not None and decided_on > today:
        raise DomainError(_("A decision cannot be dated in the future."), field="decided_on")
    return decided_on or today


def _close_brief(brief: Brief, status: str, reason: str) -> None:
    brief.status, brief.closed_reason = status, reason[:500]
    validated_save(brief, update_fields=["status", "closed_reason"])


def _close_opportunity(proposal: Proposal, by: User, *, won: bool, **details) -> None:
    """The brief's opportunity follows the proposal, when it is open and the person may."""
    opportunity = proposal.brief.opportunity
    if (
        opportunity is None
        or not opportunity.is_open
        or not can_change_opportunity(by, opportunity)
    ):
        return
    if won:
        totals = queries.totals_of(details["version"])
        note = _("Proposal approved: %(title)s, version %(number)s.") % {
            "title": proposal.title,
            "number": details["version"].number,
        }
        growth_services.update_opportunity(
            by=by, opportunity=opportunity, value_amount=totals.revenue
        )
        growth_services.win_opportunity(by=by, opportunity=opportunity, note=note)
    else:
        growth_services.lose_opportunity(by=by, opportunity=opportunity, reason=details["reason"])
