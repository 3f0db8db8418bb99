"""Every change to leads, opportunities, the pipeline's stages and hand-overs."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients import services as client_services
from kam.clients.models import AgencyService, Client, ClientTeamMember, SpecialTerm
from kam.core import vietnam
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.growth import queries
from kam.growth.models import Handover, Lead, Opportunity, Stage
from kam.growth.permissions import (
    can_answer_handover,
    can_change_handover,
    can_change_lead,
    can_change_opportunity,
    can_create_lead,
    can_give_leads,
    can_hand_over,
    can_manage_stages,
    can_open_opportunity_on,
)
from kam.people.models import User

VERB_LABELS = {
    "stage.created": gettext_lazy("added the pipeline stage"),
    "stage.updated": gettext_lazy("changed the pipeline stage"),
    "lead.created": gettext_lazy("added the lead"),
    "lead.updated": gettext_lazy("changed the lead"),
    "lead.converted": gettext_lazy("converted the lead"),
    "opportunity.created": gettext_lazy("opened the opportunity"),
    "opportunity.updated": gettext_lazy("changed the opportunity"),
    "opportunity.moved": gettext_lazy("moved the opportunity to another stage"),
    "opportunity.won": gettext_lazy("won the opportunity"),
    "opportunity.lost": gettext_lazy("lost the opportunity"),
    "handover.created": gettext_lazy("handed the client over"),
    "handover.updated": gettext_lazy("changed the hand-over"),
    "handover.returned": gettext_lazy("sent the hand-over back with a question"),
    "handover.accepted": gettext_lazy("accepted the hand-over"),
}

STAGE_FIELDS = ["name", "name_en", "position", "probability", "is_active"]
LEAD_FIELDS = [
    "company_name",
    "tax_code",
    "source",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
    "need",
    "estimated_amount",
    "status",
    "disqualified_reason",
    "owner",
]
OPPORTUNITY_FIELDS = [
    "title",
    "kind",
    "owner",
    "value_amount",
    "probability",
    "expected_close_on",
    "next_step",
    "next_step_due_on",
]
HANDOVER_FIELDS = [
    "to_kam",
    "stakeholders_introduced",
    "commercial_terms",
    "promises_made",
    "risks",
    "documents",
    "context_note",
]
# A close date further back than this is a typo, not a forecast.
OLDEST_CLOSE = timedelta(days=365)


# --- Stages ---------------------------------------------------------------------------------
@transaction.atomic
def create_stage(*, by: User, **fields) -> Stage:
    """Add a step to the pipeline with the probability its opportunities start from."""
    require(can_manage_stages(by))
    stage = Stage()
    _set_stage_fields(stage, fields)
    validated_save(stage)
    record_event(
        subject=stage, verb="stage.created", by=by, changes=created(snapshot(stage, STAGE_FIELDS))
    )
    return stage


@transaction.atomic
def update_stage(*, by: User, stage: Stage, **fields) -> Stage:
    """Rename, reorder, re-weigh or retire a stage. Opportunities keep the probability they
    have; a retired stage keeps its opportunities and takes no new ones."""
    require(can_manage_stages(by))
    before = snapshot(stage, STAGE_FIELDS)
    _set_stage_fields(stage, fields)
    validated_save(stage, update_fields=fields)
    record_change(
        subject=stage,
        verb="stage.updated",
        by=by,
        before=before,
        after=snapshot(stage, STAGE_FIELDS),
    )
    return stage


def _set_stage_fields(stage: Stage, fields: dict) -> None:
    assign(stage, fields)
    if not stage.name:
        raise DomainError(_("Name the stage."), field="name")
    _check_probability(stage.probability)


def _check_probability(value) -> None:
    if value is None or not 0 <= value <= 100:
        raise DomainError(_("A probability is a percentage from 0 to 100."), field="probability")


# --- Leads ----------------------------------------------------------------------------------
@transaction.atomic
def create_lead(*, by: User, **fields) -> Lead:
    """Log a company Sales is hunting; its owner is whoever logs it unless a Director names
    another salesperson."""
    require(can_create_lead(by))
    lead = Lead(owner=by, created_by=by)
    if fields.get("owner") is None:
        fields.pop("owner", None)
    _set_lead_fields(lead, fields, by)
    validated_save(lead)
    record_event(
        subject=lead, verb="lead.created", by=by, changes=created(snapshot(lead, LEAD_FIELDS))
    )
    return lead


@transaction.atomic
def update_lead(*, by: User, lead: Lead, **fields) -> Lead:
    """Work a lead: contacted, qualified, or disqualified with the reason. A converted lead is
    history and stays as it was."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    require(can_change_lead(by, lead))
    if lead.status == Lead.Status.CONVERTED:
        raise InvalidTransition(_("This lead is converted already; change its client instead."))
    before = snapshot(lead, LEAD_FIELDS)
    _set_lead_fields(lead, fields, by)
    # Leaving "disqualified" clears its reason, whichever fields were sent.
    validated_save(lead, update_fields=fields, also=["disqualified_reason"])
    record_change(
        subject=lead, verb="lead.updated", by=by, before=before, after=snapshot(lead, LEAD_FIELDS)
    )
    return lead


def _set_lead_fields(lead: Lead, fields: dict, by: User) -> None:
    if fields.get("status") == Lead.Status.CONVERTED:
        raise DomainError(_("Convert a qualified lead with Convert."), field="status")
    if "tax_code" in fields:
        fields["tax_code"] = vietnam.normalise_tax_code(fields["tax_code"] or "")
    owner = fields.get("owner")
    if owner is not None and owner != lead.owner and not can_give_leads(by):
        raise DomainError(_("Only a Director gives a lead to another salesperson."), field="owner")
    assign(lead, fields)
    if not lead.company_name:
        raise DomainError(_("Name the company."), field="company_name")
    if lead.tax_code and (problem := vietnam.tax_code_format_problem(lead.tax_code)):
        raise DomainError(problem, field="tax_code")
    if lead.estimated_amount is None or lead.estimated_amount < 0:
        raise DomainError(_("A value cannot be negative."), field="estimated_amount")
    if lead.status == Lead.Status.DISQUALIFIED and not lead.disqualified_reason:
        raise DomainError(_("Say why the lead is disqualified."), field="disqualified_reason")
    if lead.status != Lead.Status.DISQUALIFIED:
        lead.disqualified_reason = ""
    if not queries.may_own_leads(lead.owner):
        raise DomainError(
            _("A lead is owned by an active salesperson, Director or admin."), field="owner"
        )
    if lead.contact_phone:
        phone = vietnam.normalise_phone(lead.contact_phone)
        if phone is None:
            raise DomainError(_("This is not a phone number."), field="contact_phone")
        lead.contact_phone = phone


@transaction.atomic
def convert_lead(*, by: User, lead: Lead, expected_close_on: date | None = None) -> Opportunity:
    """Turn a qualified lead into a client and a new-business opportunity, all or nothing.
    The client kam has already (same tax code, or same name) is linked, never duplicated; the
    lead is locked first, so a second conversion, even at the same moment, finds it converted."""
    lead = Lead.objects.select_for_update().select_related("owner").get(pk=lead.pk)
    require(can_change_lead(by, lead))
    if lead.status == Lead.Status.CONVERTED:
        raise InvalidTransition(_("This lead is converted already."))
    if lead.status != Lead.Status.QUALIFIED:
        raise InvalidTransition(_("Qualify the lead before converting it."))
    client = queries.client_matching_lead(lead) or _prospect_from(lead, by)
    opportunity = _open_opportunity(
        by=by,
        client=client,
        owner=lead.owner,
        lead=lead,
        title=_("New business: %(company)s") % {"company": lead.company_name},
        kind=Opportunity.Kind.NEW_BUSINESS,
        value_amount=lead.estimated_amount,
        expected_close_on=expected_close_on or timezone.localdate() + timedelta(days=60),
        next_step=_("Meet the client"),
        next_step_due_on=timezone.localdate() + timedelta(days=7),
    )
    lead.status = Lead.Status.CONVERTED
    lead.client = client
    lead.converted_at = timezone.now()
    lead.save(update_fields=["status", "client", "converted_at", "updated_at"])
    record_event(
        subject=lead,
        verb="lead.converted",
        by=by,
        changes={"client": [None, str(client)], "opportunity": [None, opportunity.title]},
    )
    return opportunity


def _prospect_from(lead: Lead, by: User) -> Client:
    client = client_services.open_prospect(
        by=by, owner=lead.owner, legal_name=lead.company_name, tax_code=lead.tax_code
    )
    if lead.contact_name:
        # Added as the prospect's owner: a Director converting for Sales does not change
        # Sales' clients otherwise.
        client_services.add_stakeholder(
            by=lead.owner,
            client=client,
            full_name=lead.contact_name,
            title=lead.contact_title,
            email=lead.contact_email,
            phone=lead.contact_phone,
        )
    return client


# --- Opportunities --------------------------------------------------------------------------
@transaction.atomic
def create_opportunity(
    *,
    by: User,
    client: Client,
    services: list[AgencyService] | None = None,
    stage: Stage | None = None,
    **fields,
) -> Opportunity:
    """Open an opportunity to grow a client (upsell, cross-sell, renewal, expansion) or win a
    new one; it starts in the first stage unless another is given, at that stage's
    probability unless one is given."""
    require(can_open_opportunity_on(by, client))
    fields.setdefault("owner", by)
    return _open_opportunity(by=by, client=client, services=services, stage=stage, **fields)


def _open_opportunity(
    *,
    by: User,
    client: Client,
    services: list[AgencyService] | None = None,
    stage: Stage | None = None,
    **fields,
) -> Opportunity:
    stage = stage or queries.first_stage()
    if stage is None or not stage.is_active:
        raise DomainError(_("Choose a stage in use."), field="stage")
    fields.setdefault("probability", stage.probability)
    opportunity = Opportunity(client=client, stage=stage, created_by=by)
    _set_opportunity_fields(opportunity, fields)
    validated_save(opportunity)
    opportunity.services.set(services or [])
    record_event(
        subject=opportunity,
        verb="opportunity.created",
        by=by,
        changes=created(_opportunity_snapshot(opportunity)),
    )
    return opportunity


@transaction.atomic
def update_opportunity(
    *, by: User, opportunity: Opportunity, services: list[AgencyService] | None = None, **fields
) -> Opportunity:
    """Change what an open opportunity is worth, how likely, by when, and what comes next."""
    opportunity = _locked_open(opportunity, by)
    before = _opportunity_snapshot(opportunity)
    _set_opportunity_fields(opportunity, fields)
    validated_save(opportunity, update_fields=fields)
    if services is not None:
        opportunity.services.set(services)
    record_change(
        subject=opportunity,
        verb="opportunity.updated",
        by=by,
        before=before,
        after=_opportunity_snapshot(opportunity),
    )
    return opportunity


@transaction.atomic
def move_opportunity(*, by: User, opportunity: Opportunity, stage: Stage) -> Opportunity:
    """Move an open opportunity to another stage; it takes that stage's probability."""
    opportunity = _locked_open(opportunity, by)
    if not stage.is_active:
        raise DomainError(_("Choose a stage in use."), field="stage")
    if stage.pk == opportunity.stage_id:
        return opportunity
    before = {"stage": str(opportunity.stage), "probability": opportunity.probability}
    opportunity.stage = stage
    opportunity.probability = stage.probability
    opportunity.save(update_fields=["stage", "probability", "updated_at"])
    record_change(
        subject=opportunity,
        verb="opportunity.moved",
        by=by,
        before=before,
        after={"stage": str(stage), "probability": stage.probability},
    )
    return opportunity


@transaction.atomic
def win_opportunity(
    *, by: User, opportunity: Opportunity, note: str = "", closed_on: date | None = None
) -> Opportunity:
    """Record that the client said yes: the value counts as won revenue in the close month."""
    opportunity = _locked_open(opportunity, by)
    closed_on = _closing_day(closed_on)
    opportunity.status = Opportunity.Status.WON
    opportunity.probability = 100
    opportunity.closed_on = closed_on
    opportunity.outcome_note = (note or "").strip()[:500]
    opportunity.next_step, opportunity.next_step_due_on = "", None
    _save_closed(opportunity, "outcome_note")
    record_event(
        subject=opportunity,
        verb="opportunity.won",
        by=by,
        changes={"status": ["open", "won"], "closed_on": [None, str(closed_on)]},
    )
    return opportunity


@transaction.atomic
def lose_opportunity(
    *, by: User, opportunity: Opportunity, reason: str, closed_on: date | None = None
) -> Opportunity:
    """Record that it is lost, and why (price, timing, competitor…): the why is what the team
    learns from."""
    opportunity = _locked_open(opportunity, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why it was lost."), field="reason")
    closed_on = _closing_day(closed_on)
    opportunity.status = Opportunity.Status.LOST
    opportunity.probability = 0
    opportunity.closed_on = closed_on
    opportunity.lost_reason = reason[:500]
    opportunity.next_step, opportunity.next_step_due_on = "", None
    _save_closed(opportunity, "lost_reason")
    record_event(
        subject=opportunity,
        verb="opportunity.lost",
        by=by,
        changes={"status": ["open", "lost"], "lost_reason": [None, opportunity.lost_reason]},
    )
    return opportunity


def _locked_open(opportunity: Opportunity, by: User) -> Opportunity:
    """The opportunity re-read under a row lock, so that two people closing it at once do so
    one after the other, and the second finds it closed."""
    locked = (
        Opportunity.objects.select_for_update()
        .select_related("client", "stage")
        .get(pk=opportunity.pk)
    )
    require(can_change_opportunity(by, locked))
    if not locked.is_open:
        raise InvalidTransition(
            _("This opportunity is %(status)s already.") % {"status": locked.get_status_display()}
        )
    return locked


def _closing_day(closed_on: date | None) -> date:
    today = timezone.localdate()
    closed_on = closed_on or today
    if closed_on > today:
        raise DomainError(_("It cannot close in the future."), field="closed_on")
    return closed_on


def _save_closed(opportunity: Opportunity, reason_field: str) -> None:
    opportunity.save(
        update_fields=[
            "status",
            "probability",
            "closed_on",
            reason_field,
            "next_step",
            "next_step_due_on",
            "updated_at",
        ]
    )


def _opportunity_snapshot(opportunity: Opportunity) -> dict:
    values = snapshot(opportunity, [*OPPORTUNITY_FIELDS, "stage"])
    values["value_amount"] = str(opportunity.value_amount)
    if opportunity.pk:
        values["services"] = ", ".join(sorted(str(s) for s in opportunity.services.all()))
    return values


def _set_opportunity_fields(opportunity: Opportunity, fields: dict) -> None:
    assign(opportunity, fields)
    if not opportunity.title:
        raise DomainError(_("Name the opportunity."), field="title")
    if opportunity.value_amount is None or opportunity.value_amount < 0:
        raise DomainError(_("A value cannot be negative."), field="value_amount")
    _check_probability(opportunity.probability)
    if "expected_close_on" in fields:
        oldest = timezone.localdate() - OLDEST_CLOSE
        if opportunity.expected_close_on is None or opportunity.expected_close_on < oldest:
            raise DomainError(
                _("The expected close date is more than a year ago; check the year."),
                field="expected_close_on",
            )
    if bool(opportunity.next_step) != bool(opportunity.next_step_due_on):
        field = "next_step_due_on" if opportunity.next_step else "next_step"
        raise DomainError(_("A next step needs what and by when, or neither."), field=field)
    if "owner" in fields and not queries.may_own_opportunities(opportunity.owner):
        raise DomainError(
            _("An opportunity is owned by an active KAM, Director, salesperson or admin."),
            field="owner",
        )


# --- Renewals -------------------------------------------------------------------------------
def open_renewal_opportunities(*, today: date | None = None) -> int:
    """Open one renewal opportunity for each approved special term ending within the notice
    period (KAM_RENEWAL_NOTICE_DAYS), owned by the client's KAM. A term has at most one (a
    unique link), so running this twice, or twice at once, opens nothing more. Returns how
    many were opened."""
    today = today or timezone.localdate()
    opened = 0
    for term in queries.terms_due_for_renewal(today):
        opened += _open_renewal(term, today)
    return opened


def _open_renewal(term: SpecialTerm, today: date) -> int:
    stage = queries.first_stage()
    if stage is None:
        return 0
    try:
        with transaction.atomic():
            opportunity = Opportunity.objects.create(
                client=term.client,
                title=_("Renewal: %(term)s") % {"term": term.get_kind_display()},
                kind=Opportunity.Kind.RENEWAL,
                owner=term.client.owner,
                stage=stage,
                probability=stage.probability,
                expected_close_on=max(term.valid_until, today),
                next_step=_("Agree the renewal with the client"),
                next_step_due_on=max(term.valid_until - timedelta(days=30), today),
                renewal_of_term=term,
                created_by=term.client.owner,
            )
            record_event(
                subject=opportunity,
                verb="opportunity.created",
                by=None,
                changes=created(_opportunity_snapshot(opportunity)),
            )
    except IntegrityError:
        return 0  # another run opened it at the same moment
    return 1


# --- Hand-overs -----------------------------------------------------------------------------
@transaction.atomic
def hand_over_client(
    *, by: User, client: Client, opportunity: Opportunity | None = None, **fields
) -> Handover:
    """Sales hands a won client to a KAM with the checklist and the context. Every item of the
    checklist must be done (or written) before it goes: that is what the KAM relies on."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    require(can_hand_over(by, client))
    if opportunity is not None and opportunity.client_id != client.pk:
        raise DomainError(_("This opportunity is of another client."), field="opportunity")
    handover = Handover(client=client, opportunity=opportunity, from_user=client.owner)
    _set_handover_fields(handover, fields)
    validated_save(handover, field="to_kam", message=_("This client is being handed over already."))
    record_event(
        subject=handover,
        verb="handover.created",
        by=by,
        changes=created(snapshot(handover, HANDOVER_FIELDS)),
    )
    return handover


@transaction.atomic
def update_handover(*, by: User, handover: Handover, **fields) -> Handover:
    """Rewrite an open hand-over, e.g. to answer the KAM's question: it goes back to the KAM."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    require(can_change_handover(by, handover))
    before = snapshot(handover, [*HANDOVER_FIELDS, "status"])
    _set_handover_fields(handover, fields)
    handover.status = Handover.Status.PENDING
    validated_save(handover, update_fields=fields, also=["status"])
    record_change(
        subject=handover,
        verb="handover.updated",
        by=by,
        before=before,
        after=snapshot(handover, [*HANDOVER_FIELDS, "status"]),
    )
    return handover


@transaction.atomic
def return_handover(*, by: User, handover: Handover, question: str) -> Handover:
    """The KAM sends it back with what they need to know before taking the client."""
    handover = Handover.objects.select_for_update().get(pk=handover.pk)
    require(can_answer_handover(by, handover))
    if handover.status != Handover.Status.PENDING:
        raise InvalidTransition(_("This hand-over is waiting for an answer already."))
    question = (question or "").strip()
    if not question:
        raise DomainError(_("Write the question."), field="question")
    handover.status = Handover.Status.RETURNED
    handover.question = question[:2000]
    handover.save(update_fields=["status", "question", "updated_at"])
    record_event(
        subject=handover,
        verb="handover.returned",
        by=by,
        changes={"status": ["pending", "returned"], "question": [None, handover.question]},
    )
    return handover


@transaction.atomic
def accept_handover(*, by: User, handover: Handover) -> Handover:
    """The KAM takes the client: they own it from now on, and the salesperson stays on its
    account team as Sales, so they keep reading it."""
    handover = Handover.objects.select_for_update().select_related("client").get(pk=handover.pk)
    require(can_answer_handover(by, handover))
    if handover.status != Handover.Status.PENDING:
        raise InvalidTransition(_("Only a hand-over waiting for the KAM can be accepted."))
    client = Client.objects.select_for_update().get(pk=handover.client_id)
    previous_owner = client.owner
    _give_client(client, handover.to_kam, by)
    if previous_owner.pk != handover.to_kam_id:
        _keep_on_team(client, previous_owner, by)
    handover.status = Handover.Status.ACCEPTED
    handover.accepted_at = timezone.now()
    handover.save(update_fields=["status", "accepted_at", "updated_at"])
    record_event(
        subject=handover,
        verb="handover.accepted",
        by=by,
        changes={
            "status": ["pending", "accepted"],
            "owner": [str(previous_owner), str(handover.to_kam)],
        },
    )
    return handover


def _give_client(client: Client, kam: User, by: User) -> None:
    before = {"owner": str(client.owner), "status": client.status}
    client.owner = kam
    if client.status == Client.Status.PROSPECT:
        client.status = Client.Status.ACTIVE
    client.save(update_fields=["owner", "status", "updated_at"])
    ClientTeamMember.objects.filter(client=client, user=kam).delete()  # the owner is not a member
    record_change(
        subject=client,
        verb="client.updated",
        by=by,
        before=before,
        after={"owner": str(kam), "status": client.status},
    )


def _keep_on_team(client: Client, person: User, by: User) -> None:
    member, made = ClientTeamMember.objects.get_or_create(
        client=client, user=person, defaults={"role": ClientTeamMember.Role.SALES}
    )
    if made:
        record_event(
            subject=client,
            verb="client.member_added",
            by=by,
            changes={"team_members": [None, str(member)]},
        )


def _set_handover_fields(handover: Handover, fields: dict) -> None:
    assign(handover, fields)
    kam = handover.to_kam if handover.to_kam_id else None
    if kam is None or not kam.is_active or not (kam.is_kam or kam.is_director):
        raise DomainError(_("Hand the client to an active KAM."), field="to_kam")
    if kam.pk == handover.from_user_id:
        raise DomainError(_("Hand the client to someone else."), field="to_kam")
    missing = [
        str(Handover._meta.get_field(name).verbose_name)
        for name in ("commercial_terms", "promises_made", "risks", "documents", "context_note")
        if not getattr(handover, name)
    ]
    if not handover.stakeholders_introduced:
        missing.insert(0, str(Handover._meta.get_field("stakeholders_introduced").verbose_name))
    if missing:
        raise DomainError(
            _("Complete the checklist before handing over: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
