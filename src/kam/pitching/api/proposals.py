"""Proposals: started on a brief's shortlist, revised into new versions, and ended approved or
lost. Only those who see the brief's money see its proposal."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.core.api import ERRORS, BodyId, Id, IsoDate, Pagination
from kam.people.models import User
from kam.pitching import queries, services
from kam.pitching.api.common import (
    BriefRef,
    ClientRef,
    PersonRef,
    person_ref,
    router,
    version_of,
    visible_brief,
)
from kam.pitching.api.versions import EstimateTotalsOut, VersionOut, totals_out, version_out
from kam.pitching.models import Proposal, ProposalVersion


class VersionSummaryOut(Schema):
    id: int
    number: int
    status: ProposalVersion.Status
    sent_by: PersonRef | None
    sent_at: datetime | None
    margin_approved_by: PersonRef | None
    feedback_count: int

    @staticmethod
    def resolve_sent_by(version: ProposalVersion) -> dict | None:
        return person_ref(version.sent_by)

    @staticmethod
    def resolve_margin_approved_by(version: ProposalVersion) -> dict | None:
        return person_ref(version.margin_approved_by)

    @staticmethod
    def resolve_feedback_count(version: ProposalVersion) -> int:
        return len(version.feedback.all())


class ProposalOut(Schema):
    id: int
    brief: BriefRef
    client: ClientRef
    title: str
    owner: PersonRef
    status: Proposal.Status
    approved_version_id: int | None
    decided_on: date | None
    lost_reason: str
    version_count: int
    created_at: datetime

    @staticmethod
    def resolve_brief(proposal: Proposal) -> dict:
        return {"id": proposal.brief_id, "title": proposal.brief.title}

    @staticmethod
    def resolve_client(proposal: Proposal) -> dict:
        client = proposal.brief.client
        return {"id": client.pk, "name": str(client)}

    @staticmethod
    def resolve_owner(proposal: Proposal) -> dict:
        return person_ref(proposal.owner)


class ProposalDetailOut(ProposalOut):
    versions: list[VersionSummaryOut]
    current_version_id: int
    current_totals: EstimateTotalsOut

    @staticmethod
    def resolve_versions(proposal: Proposal) -> list:
        return proposal.version_rows

    @staticmethod
    def resolve_current_version_id(proposal: Proposal) -> int:
        return proposal.version_rows[-1].pk

    @staticmethod
    def resolve_current_totals(proposal: Proposal) -> dict:
        return proposal.current_totals


class ProposalIn(Schema):
    brief_id: BodyId
    title: str = Field("", max_length=200, description="the brief's title when left out")


class ProposalApproveIn(Schema):
    version_id: BodyId | None = Field(None, description="the last version sent when left out")
    decided_on: IsoDate | None = None


class ProposalLoseIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    decided_on: IsoDate | None = None


def _proposal_out(viewer: User, pk: int) -> Proposal:
    """The proposal with its versions, oldest first, and the current one's totals."""
    proposal = queries.proposals_for_list(viewer).get(pk=pk)
    proposal.version_rows = list(queries.versions_of(proposal))
    proposal.current_totals = totals_out(proposal.version_rows[-1])
    return proposal


@router.get("/proposals", response={200: list[ProposalOut], **ERRORS}, summary="Proposals")
@paginate(Pagination)
def list_proposals(request: HttpRequest, status: Proposal.Status | None = None):
    return queries.proposals_for_list(request.user, status=status or "")


@router.get(
    "/proposals/{proposal_id}",
    response={200: ProposalDetailOut, **ERRORS},
    summary="A proposal, its versions and the current version's totals",
)
def get_proposal(request: HttpRequest, proposal_id: Id):
    queries.get_proposal_for(request.user, proposal_id)
    return _proposal_out(request.user, proposal_id)


@router.post(
    "/proposals",
    response={201: ProposalDetailOut, **ERRORS},
    summary="Start the proposal on a brief with at least 3 shortlisted ideas",
)
def create_proposal(request: HttpRequest, payload: ProposalIn):
    brief = visible_brief(request.user, payload.brief_id, "brief_id")
    proposal = services.create_proposal(by=request.user, brief=brief, title=payload.title)
    return Status(201, _proposal_out(request.user, proposal.pk))


@router.get(
    "/proposals/{proposal_id}/versions",
    response={200: list[VersionSummaryOut], **ERRORS},
    summary="The proposal's versions, oldest first",
)
def list_versions(request: HttpRequest, proposal_id: Id):
    proposal = queries.get_proposal_for(request.user, proposal_id)
    return list(queries.versions_of(proposal))


@router.post(
    "/proposals/{proposal_id}/versions",
    response={201: VersionOut, **ERRORS},
    summary="Revise: the next version, copied from the last one sent",
)
def revise_proposal(request: HttpRequest, proposal_id: Id):
    proposal = queries.get_proposal_for(request.user, proposal_id)
    version = services.revise_proposal(by=request.user, proposal=proposal)
    return Status(201, version_out(request.user, version.pk))


@router.post(
    "/proposals/{proposal_id}/approve",
    response={200: ProposalDetailOut, **ERRORS},
    summary="Record the client's approval of a version they were sent",
)
def approve_proposal(request: HttpRequest, proposal_id: Id, payload: ProposalApproveIn):
    proposal = queries.get_proposal_for(request.user, proposal_id)
    version = version_of(proposal, payload.version_id, "version_id")
    services.approve_proposal(
        by=request.user, proposal=proposal, version=version, decided_on=payload.decided_on
    )
    return _proposal_out(request.user, proposal_id)


@router.post(
    "/proposals/{proposal_id}/lose",
    response={200: ProposalDetailOut, **ERRORS},
    summary="Record the proposal as lost, and why",
)
def lose_proposal(request: HttpRequest, proposal_id: Id, payload: ProposalLoseIn):
    proposal = queries.get_proposal_for(request.user, proposal_id)
    services.lose_proposal(by=request.user, proposal=proposal, **payload.dict())
    return _proposal_out(request.user, proposal_id)
