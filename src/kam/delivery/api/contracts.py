"""Contracts: entered directly or from an approved proposal, written while a draft with their
milestones (the payment schedule) and commitments, signed, then changed only by amendments. A
signed contract's milestones are reached, or slip with a record of how the client was told."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.clients.api.common import visible_client
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.core.errors import DomainError, require
from kam.delivery import permissions, queries, services
from kam.delivery.api.common import (
    Amount,
    ClientRef,
    Day,
    Percent,
    PersonRef,
    ProjectRef,
    SignedAmount,
    SlipIn,
    SlipOut,
    StakeholderRef,
    active_person,
    client_ref,
    person_ref,
    router,
    slip_fields,
    stakeholder_of,
    stakeholder_ref,
)
from kam.delivery.models import Amendment, Commitment, Contract, ContractFile, Milestone
from kam.people.models import User
from kam.pitching.api.common import visible_proposal


# --- Shapes ---------------------------------------------------------------------------------
class MilestoneOut(Schema):
    id: int
    contract_id: int
    title: str
    due_on: date
    amount: int
    position: int
    reached_on: date | None
    is_late: bool = Field(description="unreached and its date has passed")
    is_at_risk: bool = Field(
        description="not late yet, but a task of the contract's projects due by then is late "
        "or predicted late"
    )


class CommitmentOut(Schema):
    id: int
    contract_id: int
    party: Commitment.Party
    description: str
    owner: PersonRef | None = Field(description="who answers for it on the agency's side")
    stakeholder: StakeholderRef | None = Field(description="who answers for it at the client")
    due_on: date
    status: Commitment.Status

    @staticmethod
    def resolve_owner(commitment: Commitment) -> dict | None:
        return person_ref(commitment.owner)

    @staticmethod
    def resolve_stakeholder(commitment: Commitment) -> dict | None:
        return stakeholder_ref(commitment.stakeholder)


class AmendmentOut(Schema):
    id: int
    contract_id: int
    number: int
    signed_on: date
    summary: str
    value_change_amount: int
    new_ends_on: date | None
    recorded_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_recorded_by(amendment: Amendment) -> dict:
        return person_ref(amendment.recorded_by)


class ContractFileOut(Schema):
    id: int
    name: str
    kind: str
    size: int
    uploaded_by: PersonRef
    uploaded_at: datetime

    @staticmethod
    def resolve_uploaded_by(kept: ContractFile) -> dict:
        return person_ref(kept.uploaded_by)


class ContractOut(Schema):
    id: int
    number: str
    title: str
    client: ClientRef
    proposal_id: int | None
    owner: PersonRef
    status: Contract.Status
    value_amount: int = Field(description="as signed, before VAT")
    current_value_amount: int = Field(description="the value plus its amendments' changes")
    vat_percent: float
    starts_on: date
    ends_on: date = Field(description="as signed")
    payment_terms_days: int
    signed_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_client(contract: Contract) -> dict:
        return client_ref(contract.client)

    @staticmethod
    def resolve_owner(contract: Contract) -> dict:
        return person_ref(contract.owner)

    @staticmethod
    def resolve_current_value_amount(contract: Contract) -> int:
        return int(contract.current_value)


class ContractDetailOut(ContractOut):
    scope: str
    deliverables: str
    current_ends_on: date = Field(description="as the last amendment that moved it says")
    scheduled_amount: int = Field(description="the milestones' amounts added up")
    milestones: list[MilestoneOut]
    commitments: list[CommitmentOut]
    amendments: list[AmendmentOut]
    files: list[ContractFileOut]
    projects: list[ProjectRef]

    @staticmethod
    def resolve_milestones(contract: Contract) -> list:
        return contract.milestone_rows

    @staticmethod
    def resolve_commitments(contract: Contract) -> list:
        return contract.commitment_rows

    @staticmethod
    def resolve_amendments(contract: Contract) -> list:
        return contract.amendment_rows

    @staticmethod
    def resolve_files(contract: Contract) -> list:
        return contract.file_rows

    @staticmethod
    def resolve_projects(contract: Contract) -> list:
        return contract.project_rows


def _contract_out(viewer: User, pk: int) -> Contract:
    """The contract as the caller may see it, with its current value and end, its schedule,
    commitments, amendments, files and projects."""
    contract = queries.get_contract_for(viewer, pk)
    contract.current_value = queries.current_value_of(contract)
    contract.current_ends_on = queries.current_end_of(contract)
    contract.scheduled_amount = queries.milestones_total(contract)
    contract.milestone_rows = list(queries.milestones_of(contract))
    contract.commitment_rows = list(queries.commitments_of(contract))
    contract.amendment_rows = list(queries.amendments_of(contract))
    contract.file_rows = list(queries.files_of(contract))
    contract.project_rows = list(contract.projects.order_by("-starts_on", "-pk"))
    return contract


# --- Contracts ------------------------------------------------------------------------------
class ContractPatch(Schema):
    number: str | None = Field(None, min_length=1, max_length=60)
    title: str | None = Field(None, min_length=1, max_length=200)
    value_amount: Amount | None = None
    vat_percent: Percent | None = None
    scope: str | None = Field(None, max_length=6000)
    deliverables: str | None = Field(None, max_length=6000)
    starts_on: Day | None = None
    ends_on: Day | None = None
    payment_terms_days: int | None = Field(None, ge=0, le=365, strict=True)


class ContractIn(ContractPatch):
    """Either `client_id` with the contract's fields, or `proposal_id` of an approved proposal:
    then the fields left out come from its approved version (title, revenue as value, VAT,
    narrative as scope, ideas as deliverables, the campaign's dates)."""

    client_id: BodyId | None = None
    proposal_id: BodyId | None = None
    number: str | None = Field(
        None, min_length=1, max_length=60, description="the next HĐ-<year>-<n> when left out"
    )


class SignIn(Schema):
    signed_on: Day | None = Field(None, description="today when left out")


def _contract_fields(data: dict) -> dict:
    if data.get("value_amount") is not None:
        data["value_amount"] = Decimal(data["value_amount"])
    return data


@router.get("/contracts", response={200: list[ContractOut], **ERRORS}, summary="Contracts")
@paginate(Pagination)
def list_contracts(
    request: HttpRequest,
    status: Contract.Status | None = None,
    client_id: Id | None = None,
    q: str = Query("", max_length=200, description="search the number and title"),
):
    return queries.contracts_for_list(request.user, status=status or "", client=client_id, query=q)


@router.get(
    "/contracts/{contract_id}",
    response={200: ContractDetailOut, **ERRORS},
    summary="A contract: its current value and end, milestones, commitments, amendments, files",
)
def get_contract(request: HttpRequest, contract_id: Id):
    return _contract_out(request.user, contract_id)


@router.post(
    "/contracts",
    response={201: ContractDetailOut, **ERRORS},
    summary="Enter a draft contract for a client, or from its approved proposal",
)
def create_contract(request: HttpRequest, payload: ContractIn):
    data = _contract_fields(payload.dict(exclude_unset=True))
    client_id, proposal_id = data.pop("client_id", None), data.pop("proposal_id", None)
    if proposal_id is not None:
        proposal = visible_proposal(request.user, proposal_id, "proposal_id")
        if client_id is not None and client_id != proposal.brief.client_id:
            raise DomainError(_("The proposal is for another client."), field="client_id")
        contract = services.create_contract_from_proposal(
            by=request.user, proposal=proposal, **data
        )
    elif client_id is not None:
        client = visible_client(request.user, client_id, "client_id")
        contract = services.create_contract(by=request.user, client=client, **data)
    else:
        raise DomainError(
            _("Choose the client, or the approved proposal the contract follows."),
            field="client_id",
        )
    return Status(201, _contract_out(request.user, contract.pk))


@router.patch(
    "/contracts/{contract_id}",
    response={200: ContractDetailOut, **ERRORS},
    summary="Correct the draft (a signed contract changes by amendment: 409)",
)
def patch_contract(request: HttpRequest, contract_id: Id, payload: ContractPatch):
    contract = queries.get_contract_for(request.user, contract_id)
    data = _contract_fields(payload.dict(exclude_unset=True))
    services.update_contract(by=request.user, contract=contract, **data)
    return _contract_out(request.user, contract_id)


@router.post(
    "/contracts/{contract_id}/sign",
    response={200: ContractDetailOut, **ERRORS},
    summary="Record the signed contract (its milestones must add up to its value)",
)
def sign_contract(request: HttpRequest, contract_id: Id, payload: SignIn):
    contract = queries.get_contract_for(request.user, contract_id)
    services.sign_contract(by=request.user, contract=contract, signed_on=payload.signed_on)
    return _contract_out(request.user, contract_id)


# --- Milestones -----------------------------------------------------------------------------
class MilestonePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    due_on: Day | None = None
    amount: Amount | None = None
    position: int | None = Field(None, ge=0, le=32767, strict=True)


class MilestoneIn(MilestonePatch):
    title: str = Field(min_length=1, max_length=200)
    due_on: Day
    amount: Amount


class ReachIn(Schema):
    reached_on: Day | None = Field(None, description="today when left out")


def _milestone_fields(data: dict) -> dict:
    if data.get("amount") is not None:
        data["amount"] = Decimal(data["amount"])
    return data


def _milestone_out(milestone: Milestone) -> Milestone:
    """The milestone re-read with its lateness flags."""
    return queries.milestones_of(milestone.contract).get(pk=milestone.pk)


@router.post(
    "/contracts/{contract_id}/milestones",
    response={201: MilestoneOut, **ERRORS},
    summary="Add a milestone of the payment schedule to the draft",
)
def add_milestone(request: HttpRequest, contract_id: Id, payload: MilestoneIn):
    contract = queries.get_contract_for(request.user, contract_id)
    data = _milestone_fields(payload.dict(exclude_unset=True))
    milestone = services.add_milestone(by=request.user, contract=contract, **data)
    return Status(201, _milestone_out(milestone))


@router.patch(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **ERRORS},
    summary="Change a milestone of the draft (a signed one's date moves by a slip)",
)
def patch_milestone(request: HttpRequest, milestone_id: Id, payload: MilestonePatch):
    milestone = queries.get_milestone_for(request.user, milestone_id)
    data = _milestone_fields(payload.dict(exclude_unset=True))
    return _milestone_out(services.update_milestone(by=request.user, milestone=milestone, **data))


@router.delete(
    "/milestones/{milestone_id}",
    response={204: None, **ERRORS},
    summary="Take a milestone out of the draft",
)
def remove_milestone(request: HttpRequest, milestone_id: Id):
    milestone = queries.get_milestone_for(request.user, milestone_id)
    services.remove_milestone(by=request.user, milestone=milestone)
    return Status(204, None)


@router.post(
    "/milestones/{milestone_id}/reach",
    response={200: MilestoneOut, **ERRORS},
    summary="Record that a milestone of the signed contract is reached (it may be invoiced)",
)
def reach_milestone(request: HttpRequest, milestone_id: Id, payload: ReachIn):
    milestone = queries.get_milestone_for(request.user, milestone_id)
    services.reach_milestone(by=request.user, milestone=milestone, reached_on=payload.reached_on)
    return _milestone_out(milestone)


@router.post(
    "/milestones/{milestone_id}/slip",
    response={201: SlipOut, **ERRORS},
    summary="Move a signed contract's milestone later, with how the client was told",
)
def slip_milestone(request: HttpRequest, milestone_id: Id, payload: SlipIn):
    milestone = queries.get_milestone_for(request.user, milestone_id)
    require(permissions.can_change_contract(request.user, milestone.contract))
    data = slip_fields(milestone.contract.client_id, payload)
    slip = services.record_milestone_slip(by=request.user, milestone=milestone, **data)
    return Status(201, slip)


# --- Commitments ----------------------------------------------------------------------------
class CommitmentPatch(Schema):
    party: Commitment.Party | None = None
    description: str | None = Field(None, min_length=1, max_length=500)
    owner_id: BodyId | None = None
    stakeholder_id: BodyId | None = None
    due_on: Day | None = None
    status: Commitment.Status | None = None


class CommitmentIn(CommitmentPatch):
    party: Commitment.Party
    description: str = Field(min_length=1, max_length=500)
    due_on: Day


def _commitment_fields(contract: Contract, data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = active_person(data.pop("owner_id"), "owner_id")
    if "stakeholder_id" in data:
        pk = data.pop("stakeholder_id")
        data["stakeholder"] = stakeholder_of(contract.client_id, pk, "stakeholder_id")
    return data


def _commitment_out(commitment: Commitment) -> Commitment:
    return queries.commitments_of(commitment.contract).get(pk=commitment.pk)


@router.post(
    "/contracts/{contract_id}/commitments",
    response={201: CommitmentOut, **ERRORS},
    summary="Record an obligation of either side, who answers for it and by when",
)
def add_commitment(request: HttpRequest, contract_id: Id, payload: CommitmentIn):
    contract = queries.get_contract_for(request.user, contract_id)
    require(permissions.can_change_contract(request.user, contract))
    data = _commitment_fields(contract, payload.dict(exclude_unset=True))
    commitment = services.add_commitment(by=request.user, contract=contract, **data)
    return Status(201, _commitment_out(commitment))


@router.patch(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, **ERRORS},
    summary="Follow a commitment: kept, waived, reopened, its date or owner changed",
)
def patch_commitment(request: HttpRequest, commitment_id: Id, payload: CommitmentPatch):
    commitment = queries.get_commitment_for(request.user, commitment_id)
    require(permissions.can_change_contract(request.user, commitment.contract))
    data = _commitment_fields(commitment.contract, payload.dict(exclude_unset=True))
    services.update_commitment(by=request.user, commitment=commitment, **data)
    return _commitment_out(commitment)


@router.delete(
    "/commitments/{commitment_id}",
    response={204: None, **ERRORS},
    summary="Take a commitment out of the draft (a signed contract's are waived instead)",
)
def remove_commitment(request: HttpRequest, commitment_id: Id):
    commitment = queries.get_commitment_for(request.user, commitment_id)
    services.remove_commitment(by=request.user, commitment=commitment)
    return Status(204, None)


# --- Amendments -----------------------------------------------------------------------------
class AmendmentIn(Schema):
    signed_on: Day
    summary: str = Field(min_length=1, max_length=4000)
    value_change_amount: SignedAmount = Field(0, description="negative when it takes away")
    new_ends_on: Day | None = None


@router.get(
    "/contracts/{contract_id}/amendments",
    response={200: list[AmendmentOut], **ERRORS},
    summary="The signed contract's amendments, in the order they were signed",
)
def list_amendments(request: HttpRequest, contract_id: Id):
    contract = queries.get_contract_for(request.user, contract_id)
    return list(queries.amendments_of(contract))


@router.post(
    "/contracts/{contract_id}/amendments",
    response={201: AmendmentOut, **ERRORS},
    summary="Record an amendment to the signed contract (phụ lục)",
)
def record_amendment(request: HttpRequest, contract_id: Id, payload: AmendmentIn):
    contract = queries.get_contract_for(request.user, contract_id)
    data = payload.dict()
    data["value_change_amount"] = Decimal(data["value_change_amount"])
    amendment = services.record_amendment(by=request.user, contract=contract, **data)
    return Status(201, amendment)
