"""Requests and complaints."""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.clients import queries, services
from kam.clients.api.common import (
    NO_SUCH,
    ClientRef,
    PersonRef,
    active_person,
    person_ref,
    router,
    visible_client,
)
from kam.clients.models import Client, ClientRequest
from kam.core.api import ERRORS, BodyId, Id, IsoDate, Pagination
from kam.core.errors import DomainError
from kam.people.models import Department


# --- Client requests and complaints ---------------------------------------------------------
class RequestOut(Schema):
    id: int
    client: ClientRef
    kind: ClientRequest.Kind
    title: str
    description: str
    severity: ClientRequest.Severity
    raised_by_id: int | None
    department_id: int | None
    assignee: PersonRef | None
    due_on: date | None
    paid_by: ClientRequest.PaidBy = Field(
        description="who pays for what it costs: the client (billable) or the agency (absorbed)"
    )
    status: ClientRequest.Status
    resolution: str
    resolved_at: datetime | None
    created_by: PersonRef
    created_at: datetime

    @staticmethod
    def resolve_client(item: ClientRequest) -> dict:
        return {"id": item.client_id, "name": str(item.client)}

    @staticmethod
    def resolve_assignee(item: ClientRequest) -> dict | None:
        return person_ref(item.assignee)

    @staticmethod
    def resolve_created_by(item: ClientRequest) -> dict:
        return person_ref(item.created_by)


class RequestPatch(Schema):
    kind: ClientRequest.Kind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    severity: ClientRequest.Severity | None = None
    raised_by_id: BodyId | None = None
    department_id: BodyId | None = None
    assignee_id: BodyId | None = None
    due_on: IsoDate | None = None
    paid_by: ClientRequest.PaidBy | None = None


class RequestIn(RequestPatch):
    client_id: BodyId
    title: str = Field(min_length=1, max_length=200)
    paid_by: ClientRequest.PaidBy | None = Field(None, description="the agency when left out")


class ResolveIn(Schema):
    resolution: str = Field(min_length=1, max_length=4000)


def _request_fields(client: Client, data: dict) -> dict:
    if "raised_by_id" in data:
        pk = data.pop("raised_by_id")
        data["raised_by"] = client.stakeholders.filter(pk=pk).first() if pk else None
        if pk and data["raised_by"] is None:
            raise DomainError(NO_SUCH["contact"], field="raised_by_id")
    if "department_id" in data:
        pk = data.pop("department_id")
        data["department"] = Department.objects.filter(pk=pk).first() if pk else None
        if pk and data["department"] is None:
            raise DomainError(gettext_lazy("There is no such department."), field="department_id")
    if "assignee_id" in data:
        data["assignee"] = active_person(data.pop("assignee_id"), "assignee_id")
    return data


@router.get("/requests", response={200: list[RequestOut], **ERRORS}, summary="Requests, complaints")
@paginate(Pagination)
def list_requests(
    request: HttpRequest,
    client_id: Id | None = None,
    status: ClientRequest.Status | None = None,
    kind: ClientRequest.Kind | None = None,
    mine: bool = Query(False, description="only those assigned to the caller"),
):
    return queries.requests_for_list(
        request.user, client_id=client_id, status=status or "", kind=kind or "", assigned_to_me=mine
    )


@router.get("/requests/{request_id}", response={200: RequestOut, **ERRORS})
def get_request(request: HttpRequest, request_id: Id):
    return queries.get_request_for(request.user, request_id)


@router.post("/requests", response={201: RequestOut, **ERRORS}, summary="Log a request")
def create_request(request: HttpRequest, payload: RequestIn):
    data = payload.dict(exclude_unset=True)
    client = visible_client(request.user, data.pop("client_id"), "client_id")
    item = services.log_request(by=request.user, client=client, **_request_fields(client, data))
    return Status(201, queries.get_request_for(request.user, item.pk))


@router.patch("/requests/{request_id}", response={200: RequestOut, **ERRORS})
def patch_request(request: HttpRequest, request_id: Id, payload: RequestPatch):
    item = queries.get_request_for(request.user, request_id)
    data = _request_fields(item.client, payload.dict(exclude_unset=True))
    services.update_request(by=request.user, item=item, **data)
    return queries.get_request_for(request.user, request_id)


@router.post("/requests/{request_id}/start", response={200: RequestOut, **ERRORS})
def start_request(request: HttpRequest, request_id: Id):
    item = queries.get_request_for(request.user, request_id)
    services.start_request(by=request.user, item=item)
    return queries.get_request_for(request.user, request_id)


@router.post("/requests/{request_id}/resolve", response={200: RequestOut, **ERRORS})
def resolve_request(request: HttpRequest, request_id: Id, payload: ResolveIn):
    item = queries.get_request_for(request.user, request_id)
    services.resolve_request(by=request.user, item=item, resolution=payload.resolution)
    return queries.get_request_for(request.user, request_id)


@router.post("/requests/{request_id}/reopen", response={200: RequestOut, **ERRORS})
def reopen_request(request: HttpRequest, request_id: Id):
    item = queries.get_request_for(request.user, request_id)
    services.reopen_request(by=request.user, item=item)
    return queries.get_request_for(request.user, request_id)
