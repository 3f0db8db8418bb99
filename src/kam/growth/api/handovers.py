"""Hand-overs from Sales to a KAM (+ accept, return)."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.clients.api.common import ClientRef, PersonRef, active_person, person_ref
from kam.core.api import ERRORS, BodyId, Flag, Id, Pagination
from kam.core.errors import DomainError
from kam.growth import queries, services
from kam.growth.api.common import router
from kam.growth.models import Handover, Opportunity


# --- Hand-overs -----------------------------------------------------------------------------
class HandoverOut(Schema):
    id: int
    client: ClientRef
    opportunity_id: int | None
    from_user: PersonRef
    to_kam: PersonRef
    stakeholders_introduced: bool
    commercial_terms: str
    promises_made: str
    risks: str
    documents: str
    context_note: str
    status: Handover.Status
    question: str
    accepted_at: str | None

    @staticmethod
    def resolve_client(handover: Handover) -> dict:
        return {"id": handover.client_id, "name": str(handover.client)}

    @staticmethod
    def resolve_from_user(handover: Handover) -> dict:
        return person_ref(handover.from_user)

    @staticmethod
    def resolve_to_kam(handover: Handover) -> dict:
        return person_ref(handover.to_kam)

    @staticmethod
    def resolve_accepted_at(handover: Handover) -> str | None:
        return handover.accepted_at.isoformat() if handover.accepted_at else None


class HandoverPatch(Schema):
    to_kam_id: BodyId | None = None
    stakeholders_introduced: Flag | None = None
    commercial_terms: str | None = Field(None, max_length=4000)
    promises_made: str | None = Field(None, max_length=4000)
    risks: str | None = Field(None, max_length=4000)
    documents: str | None = Field(None, max_length=2000)
    context_note: str | None = Field(None, max_length=8000)


class HandoverIn(HandoverPatch):
    opportunity_id: BodyId
    to_kam_id: BodyId
    context_note: str = Field(min_length=1, max_length=8000)


class ReturnIn(Schema):
    question: str = Field(min_length=1, max_length=2000)


def _handover_fields(data: dict) -> dict:
    if "to_kam_id" in data:
        data["to_kam"] = active_person(data.pop("to_kam_id"), "to_kam_id")
    return data


def _handover_out(viewer, pk: int) -> Handover:
    return queries.get_handover_for(viewer, pk)


@router.get("/handovers", response={200: list[HandoverOut], **ERRORS}, summary="Hand-overs")
@paginate(Pagination)
def list_handovers(request: HttpRequest, status: Handover.Status | None = None):
    return queries.handovers_for_list(request.user, status=status or "")


@router.get("/handovers/{handover_id}", response={200: HandoverOut, **ERRORS})
def get_handover(request: HttpRequest, handover_id: Id):
    return _handover_out(request.user, handover_id)


@router.post(
    "/handovers", response={201: HandoverOut, **ERRORS}, summary="Hand a won client to a KAM"
)
def create_handover(request: HttpRequest, payload: HandoverIn):
    data = payload.dict(exclude_unset=True)
    opportunity = (
        queries.opportunities_visible_to(request.user)
        .filter(pk=data.pop("opportunity_id"))
        .select_related("client")
        .first()
    )
    if opportunity is None:
        raise DomainError(gettext_lazy("There is no such opportunity."), field="opportunity_id")
    if opportunity.status != Opportunity.Status.WON:
        raise DomainError(
            gettext_lazy("Win the opportunity before handing its client over."),
            field="opportunity_id",
        )
    handover = services.hand_over_client(
        by=request.user,
        client=opportunity.client,
        opportunity=opportunity,
        **_handover_fields(data),
    )
    return Status(201, _handover_out(request.user, handover.pk))


@router.patch("/handovers/{handover_id}", response={200: HandoverOut, **ERRORS})
def patch_handover(request: HttpRequest, handover_id: Id, payload: HandoverPatch):
    handover = queries.get_handover_for(request.user, handover_id)
    data = _handover_fields(payload.dict(exclude_unset=True))
    services.update_handover(by=request.user, handover=handover, **data)
    return _handover_out(request.user, handover_id)


@router.post(
    "/handovers/{handover_id}/accept",
    response={200: HandoverOut, **ERRORS},
    summary="Accept: the KAM owns the client",
)
def accept_handover(request: HttpRequest, handover_id: Id):
    handover = queries.get_handover_for(request.user, handover_id)
    services.accept_handover(by=request.user, handover=handover)
    return _handover_out(request.user, handover_id)


@router.post(
    "/handovers/{handover_id}/return",
    response={200: HandoverOut, **ERRORS},
    summary="Send back with a question",
)
def return_handover(request: HttpRequest, handover_id: Id, payload: ReturnIn):
    handover = queries.get_handover_for(request.user, handover_id)
    services.return_handover(by=request.user, handover=handover, question=payload.question)
    return _handover_out(request.user, handover_id)
