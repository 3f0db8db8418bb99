"""Contracts: entered from an approved proposal or directly, written while a draft with their
milestones (the payment schedule) and commitments, signed once the milestones add up to the
value, then changed only by amendments; milestones are reached, commitments kept or waived."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kam.clients.models import Client, Stakeholder
from kam.core import attachments
from kam.core.audit import created, record_change, record_event, snapshot
from kam.core.errors import DomainError, InvalidTransition, require
from kam.core.saving import assign, validated_save
from kam.delivery import queries
from kam.delivery.models import Amendment, Commitment, Contract, ContractFile, Milestone
from kam.delivery.permissions import (
    can_change_contract,
    can_create_contract_on,
    can_record_contracts,
)
from kam.people.models import User
from kam.pitching import queries as pitching_queries
from kam.pitching.models import Proposal

VERB_LABELS = {
    "contract.created": gettext_lazy("entered the contract"),
    "contract.updated": gettext_lazy("changed the contract"),
    "contract.signed": gettext_lazy("recorded the signed contract"),
    "contract.amended": gettext_lazy("recorded an amendment"),
    "contract.milestone_added": gettext_lazy("added a milestone"),
    "contract.milestone_changed": gettext_lazy("changed a milestone"),
    "contract.milestone_removed": gettext_lazy("removed a milestone"),
    "contract.milestone_reached": gettext_lazy("marked a milestone reached"),
    "contract.commitment_added": gettext_lazy("added a commitment"),
    "contract.commitment_changed": gettext_lazy("changed a commitment"),
    "contract.commitment_removed": gettext_lazy("removed a commitment"),
    "contract.file_attached": gettext_lazy("attached a file"),
    "contract.file_removed": gettext_lazy("removed a file"),
}

DEFAULT_SPAN = timedelta(days=90)
CONTRACT_FIELDS = [
    "number",
    "title",
    "value_amount",
    "vat_percent",
    "scope",
    "deliverables",
    "starts_on",
    "ends_on",
    "payment_terms_days",
]
MILESTONE_FIELDS = ["title", "due_on", "amount", "position"]
COMMITMENT_FIELDS = ["party", "description", "owner", "stakeholder", "due_on", "status"]
AMENDMENT_FIELDS = ["signed_on", "summary", "value_change_amount", "new_ends_on"]


# --- The contract ---------------------------------------------------------------------------
@transaction.atomic
def create_contract(
    *, by: User, client: Client, proposal: Proposal | None = None, **fields
) -> Contract:
    """Enter a draft contract for a client, from its approved proposal or on its own."""
    require(can_record_contracts(by) and can_create_contract_on(by, client))
    if proposal is not None:
        _check_proposal(proposal, client)
    contract = Contract(client=client, proposal=proposal, owner=client.owner, created_by=by)
    fields.setdefault("number", queries.next_contract_number())
    _set_contract_fields(contract, fields)
    validated_save(contract, field="number", message=_("Another contract has this number already."))
    record_event(
        subject=contract,
        verb="contract.created",
        by=by,
        changes=created(snapshot(contract, CONTRACT_FIELDS)),
    )
    return contract


def _check_proposal(proposal: Proposal, client: Client) -> None:
    if proposal.status != Proposal.Status.APPROVED or proposal.approved_version_id is None:
        raise DomainError(_("A contract follows an approved proposal."), field="proposal")
    if proposal.brief.client_id != client.pk:
        raise DomainError(_("The proposal is for another client."), field="proposal")
    if Contract.objects.filter(proposal=proposal).exists():
        raise InvalidTransition(_("This proposal has its contract already."))


def contract_draft_from(proposal: Proposal) -> dict:
    """What a contract from this approved proposal starts with: its title, the approved
    version's revenue and VAT as value, its narrative as scope, its ideas as deliverables and
    the campaign's dates."""
    version = proposal.approved_version
    brief = proposal.brief
    totals = pitching_queries.totals_of(version)
    # The work starts now, ahead of the campaign's air dates; without them, a quarter is the
    # usual span of a campaign until the KAM says otherwise.
    starts_on = timezone.localdate()
    ends_on = brief.campaign_ends_on or brief.campaign_starts_on or starts_on + DEFAULT_SPAN
    return {
        "title": proposal.title,
        "value_amount": totals.revenue,
        "vat_percent": version.vat_percent,
        "scope": version.narrative,
        "deliverables": "\n".join(idea.title for idea in version.ideas.order_by("pk")),
        "starts_on": starts_on,
        "ends_on": max(ends_on, starts_on),
        "payment_terms_days": 30,
    }


@transaction.atomic
def create_contract_from_proposal(*, by: User, proposal: Proposal, **fields) -> Contract:
    """The approved proposal becomes a draft contract, filled from it (what is given wins)."""
    proposal = (
        Proposal.objects.select_for_update().select_related("brief__client").get(pk=proposal.pk)
    )
    require(can_create_contract_on(by, proposal.brief.client))
    _check_proposal(proposal, proposal.brief.client)
    values = {**contract_draft_from(proposal), **fields}
    return create_contract(by=by, client=proposal.brief.client, proposal=proposal, **values)


def _set_contract_fields(contract: Contract, fields: dict) -> None:
    assign(contract, fields)
    if not contract.number:
        raise DomainError(_("Give the contract its number."), field="number")
    if not contract.title:
        raise DomainError(_("Give the contract a title."), field="title")
    if contract.value_amount is None or contract.value_amount < 0:
        raise DomainError(_("The value cannot be negative."), field="value_amount")
    if contract.vat_percent is None or not Decimal(0) <= contract.vat_percent <= Decimal(100):
        raise DomainError(_("A percentage is from 0 to 100."), field="vat_percent")
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        raise DomainError(_("The end date cannot be before the start date."), field="ends_on")
    if contract.payment_terms_days is not None and contract.payment_terms_days > 365:
        raise DomainError(_("Payment terms are at most 365 days."), field="payment_terms_days")


def _locked_contract(contract: Contract, by: User) -> Contract:
    """The contract re-read under a row lock: its milestones, signing and amendments change one
    after the other."""
    locked = Contract.objects.select_for_update().select_related("client").get(pk=contract.pk)
    require(can_change_contract(by, locked))
    return locked


def _locked_draft(contract: Contract, by: User) -> Contract:
    locked = _locked_contract(contract, by)
    if not locked.is_draft:
        raise InvalidTransition(
            _("A signed contract is not edited; record an amendment to change it.")
        )
    return locked


@transaction.atomic
def update_contract(*, by: User, contract: Contract, **fields) -> Contract:
    """Correct the draft; once signed, a contract changes only by amendment."""
    contract = _locked_draft(contract, by)
    before = snapshot(contract, CONTRACT_FIELDS)
    _set_contract_fields(contract, fields)
    if "value_amount" in fields and queries.milestones_total(contract) > contract.value_amount:
        raise DomainError(
            _("The milestones add up to more than this value; change them first."),
            field="value_amount",
        )
    validated_save(
        contract,
        update_fields=fields,
        field="number",
        message=_("Another contract has this number already."),
    )
    record_change(
        subject=contract,
        verb="contract.updated",
        by=by,
        before=before,
        after=snapshot(contract, CONTRACT_FIELDS),
    )
    return contract


@transaction.atomic
def sign_contract(*, by: User, contract: Contract, signed_on: date | None = None) -> Contract:
    """Record that both sides signed. Its milestones must add up to its value exactly: the
    payment schedule is the contract's money, all of it."""
    contract = _locked_draft(contract, by)
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise DomainError(_("A signing date cannot be in the future."), field="signed_on")
    scheduled = queries.milestones_total(contract)
    if not contract.milestones.exists():
        raise DomainError(_("Add the milestones of the payment schedule before signing."))
    if scheduled != contract.value_amount:
        raise DomainError(
            _(
                "The milestones add up to %(scheduled)s but the value is %(value)s; the payment "
                "schedule must cover the value exactly."
            )
            % {"scheduled": f"{scheduled:,}", "value": f"{contract.value_amount:,}"}
        )
    contract.status, contract.signed_on = Contract.Status.SIGNED, signed_on
    validated_save(contract, update_fields=["status", "signed_on"])
    record_event(
        subject=contract,
        verb="contract.signed",
        by=by,
        changes={"status": ["draft", "signed"], "signed_on": [None, str(signed_on)]},
    )
    return contract


@transaction.atomic
def record_amendment(*, by: User, contract: Contract, **fields) -> Amendment:
    """Record an amendment to the signed contract: what changes, the value it adds or takes
    away, a new end date. Numbered in order; the contract itself stays as signed."""
    contract = _locked_contract(contract, by)
    if contract.is_draft:
        raise InvalidTransition(_("A draft is corrected directly; amendments are for signed ones."))
    amendment = Amendment(
        contract=contract,
        number=(contract.amendments.count() + 1),
        recorded_by=by,
    )
    assign(amendment, fields)
    if not amendment.summary:
        raise DomainError(_("Say what the amendment changes."), field="summary")
    if amendment.signed_on is None or amendment.signed_on > timezone.localdate():
        raise DomainError(_("Give the signing date, not in the future."), field="signed_on")
    if amendment.signed_on < contract.signed_on:
        raise DomainError(_("An amendment is signed after its contract."), field="signed_on")
    if queries.current_value_of(contract) + (amendment.value_change_amount or 0) < 0:
        raise DomainError(
            _("The amendment would take the value under zero."), field="value_change_amount"
        )
    if amendment.new_ends_on is not None and amendment.new_ends_on < contract.starts_on:
        raise DomainError(_("The end date cannot be before the start date."), field="new_ends_on")
    validated_save(amendment, message=_("Someone recorded an amendment at the same moment."))
    record_event(
        subject=contract,
        verb="contract.amended",
        by=by,
        changes=created(
            {
                "amendment": amendment.number,
                "summary": amendment.summary,
                "value_change_amount": str(amendment.value_change_amount),
                "new_ends_on": str(amendment.new_ends_on) if amendment.new_ends_on else None,
            }
        ),
    )
    return amendment


# --- Milestones -----------------------------------------------------------------------------
@transaction.atomic
def add_milestone(*, by: User, contract: Contract, **fields) -> Milestone:
    """Add a point of the payment schedule: to a draft, or to a signed contract to schedule
    what its amendments added (the schedule never exceeds the current value)."""
    contract = _locked_contract(contract, by)
    if fields.get("position") is None:
        fields["position"] = contract.milestones.count() + 1
    milestone = Milestone(contract=contract)
    _set_milestone_fields(milestone, fields)
    _check_schedule(contract, milestone.amount)
    validated_save(milestone)
    record_event(
        subject=contract,
        verb="contract.milestone_added",
        by=by,
        changes={"milestones": [None, _milestone_label(milestone)]},
    )
    return milestone


@transaction.atomic
def update_milestone(*, by: User, milestone: Milestone, **fields) -> Milestone:
    """Change a milestone of the draft (a signed one's date moves by recording a slip)."""
    contract = _locked_draft(milestone.contract, by)
    milestone = Milestone.objects.get(pk=milestone.pk)
    before = _milestone_label(milestone)
    _set_milestone_fields(milestone, fields)
    _check_schedule(contract, milestone.amount, without=milestone)
    validated_save(milestone, update_fields=fields)
    after = _milestone_label(milestone)
    if before != after:
        record_event(
            subject=contract,
            verb="contract.milestone_changed",
            by=by,
            changes={"milestones": [before, after]},
        )
    return milestone


@transaction.atomic
def remove_milestone(*, by: User, milestone: Milestone) -> None:
    contract = _locked_draft(milestone.contract, by)
    label = _milestone_label(milestone)
    Milestone.objects.filter(pk=milestone.pk).delete()
    record_event(
        subject=contract,
        verb="contract.milestone_removed",
        by=by,
        changes={"milestones": [label, None]},
    )


@transaction.atomic
def reach_milestone(*, by: User, milestone: Milestone, reached_on: date | None = None) -> Milestone:
    """Record that a milestone of the signed contract is reached: it may be invoiced."""
    contract = _locked_contract(milestone.contract, by)
    if contract.is_draft:
        raise InvalidTransition(_("Milestones are reached on a signed contract."))
    milestone = Milestone.objects.get(pk=milestone.pk)
    if milestone.reached_on is not None:
        raise InvalidTransition(_("This milestone is reached already."))
    reached_on = reached_on or timezone.localdate()
    if reached_on > timezone.localdate():
        raise DomainError(_("A milestone cannot be reached in the future."), field="reached_on")
    milestone.reached_on = reached_on
    validated_save(milestone, update_fields=["reached_on"])
    record_event(
        subject=contract,
        verb="contract.milestone_reached",
        by=by,
        changes={"milestones": [None, f"{milestone.title}: {reached_on}"]},
    )
    return milestone


def _set_milestone_fields(milestone: Milestone, fields: dict) -> None:
    assign(milestone, fields)
    if not milestone.title:
        raise DomainError(_("Say what the milestone is."), field="title")
    if milestone.amount is None or milestone.amount < 0:
        raise DomainError(_("An amount cannot be negative."), field="amount")
    if milestone.due_on is None:
        raise DomainError(_("Give the milestone its date."), field="due_on")


def _check_schedule(contract: Contract, amount: Decimal, without: Milestone | None = None) -> None:
    scheduled = queries.milestones_total(contract, without=without) + amount
    if contract.is_draft and scheduled > contract.value_amount:
        raise DomainError(
            _("The milestones would add up to more than the contract's value."), field="amount"
        )
    if not contract.is_draft and scheduled > queries.current_value_of(contract):
        raise DomainError(
            _(
                "The contract is signed: a milestone added now schedules what an amendment "
                "added, and the schedule would exceed the value after amendments."
            ),
            field="amount",
        )


def _milestone_label(milestone: Milestone) -> str:
    return f"{milestone.title}: {milestone.due_on} ({milestone.amount})"


# --- Commitments ----------------------------------------------------------------------------
@transaction.atomic
def add_commitment(*, by: User, contract: Contract, **fields) -> Commitment:
    """Record an obligation of either side, with who answers for it and by when."""
    contract = _locked_contract(contract, by)
    commitment = Commitment(contract=contract)
    _set_commitment_fields(commitment, fields)
    validated_save(commitment)
    record_event(
        subject=contract,
        verb="contract.commitment_added",
        by=by,
        changes={"commitments": [None, _commitment_label(commitment)]},
    )
    return commitment


@transaction.atomic
def update_commitment(*, by: User, commitment: Commitment, **fields) -> Commitment:
    """Follow a commitment: kept, waived, reopened, its date or owner changed. Commitments are
    the contract's follow-up, so they change after signing too; each change is in the history."""
    contract = _locked_contract(commitment.contract, by)
    commitment = Commitment.objects.get(pk=commitment.pk)
    before = _commitment_label(commitment)
    _set_commitment_fields(commitment, fields)
    validated_save(commitment, update_fields=fields)
    after = _commitment_label(commitment)
    if before != after:
        record_event(
            subject=contract,
            verb="contract.commitment_changed",
            by=by,
            changes={"commitments": [before, after]},
        )
    return commitment


@transaction.atomic
def remove_commitment(*, by: User, commitment: Commitment) -> None:
    """Take a commitment out of a draft; a signed contract's are kept (waive one instead)."""
    contract = _locked_draft(commitment.contract, by)
    label = _commitment_label(commitment)
    Commitment.objects.filter(pk=commitment.pk).delete()
    record_event(
        subject=contract,
        verb="contract.commitment_removed",
        by=by,
        changes={"commitments": [label, None]},
    )


def _set_commitment_fields(commitment: Commitment, fields: dict) -> None:
    assign(commitment, fields)
    if not commitment.description:
        raise DomainError(_("Say what is committed."), field="description")
    if commitment.party not in Commitment.Party.values:
        raise DomainError(_("Say whose commitment it is."), field="party")
    if commitment.status not in Commitment.Status.values:
        raise DomainError(_("Choose a status."), field="status")
    if commitment.due_on is None:
        raise DomainError(_("Give the commitment its date."), field="due_on")
    stakeholder = commitment.stakeholder
    if stakeholder is not None and (
        not isinstance(stakeholder, Stakeholder)
        or stakeholder.client_id != commitment.contract.client_id
    ):
        raise DomainError(_("Choose one of the client's people."), field="stakeholder")
    if commitment.owner is not None and not commitment.owner.is_active:
        raise DomainError(_("Choose an active colleague."), field="owner")


def _commitment_label(commitment: Commitment) -> str:
    return (
        f"{commitment.party}: {commitment.description} ({commitment.due_on}, {commitment.status})"
    )


# --- Files ----------------------------------------------------------------------------------
@transaction.atomic
def attach_contract_file(
    *, by: User, contract: Contract, name: str, content: bytes
) -> ContractFile:
    """Keep the signed scan, an annex or an acceptance minute with the contract. Its type is
    read from its bytes and it is stored under a name kam makes up."""
    contract = _locked_contract(contract, by)
    kept = ContractFile(contract=contract, uploaded_by=by)
    attachments.store(kept, attachments.accept(name, content))
    record_event(
        subject=contract, verb="contract.file_attached", by=by, changes={"files": [None, kept.name]}
    )
    return kept


@transaction.atomic
def remove_contract_file(*, by: User, contract_file: ContractFile) -> None:
    """Remove a file from a draft; a signed contract keeps its files."""
    contract = _locked_draft(contract_file.contract, by)
    stored, storage = contract_file.file.name, contract_file.file.storage
    contract_file.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    record_event(
        subject=contract,
        verb="contract.file_removed",
        by=by,
        changes={"files": [contract_file.name, None]},
    )
