"""Leads: logged and worked by Sales, converted into a client and a new-business
opportunity."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients import services as client_services
from kam.clients.models import Client
from kam.core import vietnam
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.growth import queries
from kam.growth.models import Lead, Opportunity
from kam.growth.permissions import can_change_lead, can_create_lead, can_give_leads
from kam.growth.services.pipeline import _open_opportunity
from kam.people.models import User

VERB_LABELS = {
    "lead.created": gettext_lazy("added the lead"),
    "lead.updated": gettext_lazy("changed the lead"),
    "lead.converted": gettext_lazy("converted the lead"),
}

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
