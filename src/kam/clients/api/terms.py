"""Special terms."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.clients import queries, services
from kam.clients.api.common import ClientRef, PersonRef, person_ref, router, visible_client
from kam.clients.models import SpecialTerm
from kam.core.api import ERRORS, BodyId, Id, IsoDate, Pagination


# --- Special terms --------------------------------------------------------------------------
class TermOut(Schema):
    id: int
    client: ClientRef
    kind: SpecialTerm.Kind
    description: str
    rate_percent: Decimal | None
    valid_from: date
    valid_until: date | None
    state: SpecialTerm.State
    proposed_by: PersonRef
    approved_by: PersonRef | None
    approved_at: datetime | None

    @staticmethod
    def resolve_client(term: SpecialTerm) -> dict:
        return {"id": term.client_id, "name": str(term.client)}

    @staticmethod
    def resolve_state(term: SpecialTerm) -> str:
        return term.state_on(timezone.localdate())

    @staticmethod
    def resolve_proposed_by(term: SpecialTerm) -> dict:
        return person_ref(term.proposed_by)

    @staticmethod
    def resolve_approved_by(term: SpecialTerm) -> dict | None:
        return person_ref(term.approved_by)


class TermPatch(Schema):
    kind: SpecialTerm.Kind | None = None
    description: str | None = Field(None, min_length=1, max_length=2000)
    rate_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class TermIn(TermPatch):
    client_id: BodyId
    kind: SpecialTerm.Kind
    description: str = Field(min_length=1, max_length=2000)
    valid_from: IsoDate


@router.get("/terms", response={200: list[TermOut], **ERRORS}, summary="Special terms")
@paginate(Pagination)
def list_terms(
    request: HttpRequest, client_id: Id | None = None, state: SpecialTerm.State | None = None
):
    return queries.terms_for_list(request.user, client_id=client_id, state=state or "")


@router.get("/terms/{term_id}", response={200: TermOut, **ERRORS})
def get_term(request: HttpRequest, term_id: Id):
    return queries.get_term_for(request.user, term_id)


@router.post("/terms", response={201: TermOut, **ERRORS}, summary="Propose a special term")
def create_term(request: HttpRequest, payload: TermIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    term = services.propose_term(by=request.user, client=client, **data)
    return Status(201, queries.get_term_for(request.user, term.pk))


@router.patch(
    "/terms/{term_id}",
    response={200: TermOut, **ERRORS},
    summary="Change a term waiting for approval",
)
def patch_term(request: HttpRequest, term_id: Id, payload: TermPatch):
    term = queries.get_term_for(request.user, term_id)
    services.update_term(by=request.user, term=term, **payload.dict(exclude_unset=True))
    return queries.get_term_for(request.user, term_id)


@router.post(
    "/terms/{term_id}/approve",
    response={200: TermOut, **ERRORS},
    summary="Approve a term (the client's Director)",
)
def approve_term(request: HttpRequest, term_id: Id):
    term = queries.get_term_for(request.user, term_id)
    services.approve_term(by=request.user, term=term)
    return queries.get_term_for(request.user, term_id)


@router.post("/terms/{term_id}/end", response={200: TermOut, **ERRORS}, summary="End a term today")
def end_term(request: HttpRequest, term_id: Id):
    term = queries.get_term_for(request.user, term_id)
    services.end_term(by=request.user, term=term)
    return queries.get_term_for(request.user, term_id)
