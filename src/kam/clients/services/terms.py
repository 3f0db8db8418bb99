"""Special terms: proposed by the account team, approved by the Director, ended."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, SpecialTerm
from kam.clients.permissions import can_approve_term, can_change_client
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.people.models import User

VERB_LABELS = {
    "term.proposed": gettext_lazy("proposed the special term"),
    "term.updated": gettext_lazy("changed the special term"),
    "term.approved": gettext_lazy("approved the special term"),
    "term.ended": gettext_lazy("ended the special term"),
}

TERM_FIELDS = ["kind", "description", "rate_percent", "valid_from", "valid_until"]


# --- Special terms --------------------------------------------------------------------------
@transaction.atomic
def propose_term(*, by: User, client: Client, **fields) -> SpecialTerm:
    """Propose a special term for a client; it binds nobody until a Director approves it."""
    require(can_change_client(by, client))
    term = SpecialTerm(client=client, proposed_by=by)
    _set_term_fields(term, fields)
    validated_save(term, field="valid_until")
    record_event(
        subject=term,
        verb="term.proposed",
        by=by,
        changes=created(snapshot(term, ["client", *TERM_FIELDS])),
    )
    return term


@transaction.atomic
def update_term(*, by: User, term: SpecialTerm, **fields) -> SpecialTerm:
    """Change a term while it waits for approval; an approved term is ended, not rewritten."""
    term = _locked(term)
    require(can_change_client(by, term.client))
    if term.approved_at is not None:
        raise InvalidTransition(_("An approved term is not changed: end it and propose a new one."))
    before = snapshot(term, TERM_FIELDS)
    _set_term_fields(term, fields)
    validated_save(term, field="valid_until", update_fields=fields)
    record_change(
        subject=term, verb="term.updated", by=by, before=before, after=snapshot(term, TERM_FIELDS)
    )
    return term


@transaction.atomic
def approve_term(*, by: User, term: SpecialTerm) -> SpecialTerm:
    """A Director's approval puts the term in force for its dates."""
    term = _locked(term)
    require(can_approve_term(by, term))
    if term.approved_at is not None:
        raise InvalidTransition(_("This term is approved already."))
    term.approved_by, term.approved_at = by, timezone.now()
    term.save(update_fields=["approved_by", "approved_at", "updated_at"])
    record_event(
        subject=term, verb="term.approved", by=by, changes={"approved_by": [None, str(by)]}
    )
    return term


@transaction.atomic
def end_term(*, by: User, term: SpecialTerm) -> SpecialTerm:
    """End a term today; it stays on the client as history."""
    term = _locked(term)
    require(can_change_client(by, term.client))
    today = timezone.localdate()
    if term.valid_until is not None and term.valid_until <= today:
        raise InvalidTransition(_("This term has ended already."))
    before = snapshot(term, ["valid_until"])
    term.valid_until = max(today, term.valid_from)
    term.save(update_fields=["valid_until", "updated_at"])
    record_change(
        subject=term, verb="term.ended", by=by, before=before, after=snapshot(term, ["valid_until"])
    )
    return term


def _locked(term: SpecialTerm) -> SpecialTerm:
    """The term as stored now, locked until the change commits (two approvals cannot race)."""
    return (
        SpecialTerm.objects.select_for_update(of=("self",))
        .select_related("client__owner__team")
        .get(pk=term.pk)
    )


def _set_term_fields(term: SpecialTerm, fields: dict) -> None:
    if fields.get("rate_percent") is not None:
        rate = Decimal(str(fields["rate_percent"]))
        if not 0 <= rate <= 100:
            raise DomainError(_("A rate is a percentage from 0 to 100."), field="rate_percent")
        # As the database keeps it (2 decimals), so 10 and 10.00 are no change in the history.
        fields["rate_percent"] = rate.quantize(Decimal("0.01"))
    assign(term, fields)
    if not term.description:
        raise DomainError(_("Describe the term."), field="description")
