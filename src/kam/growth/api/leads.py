"""Leads, and converting one into a client and a new-business opportunity."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from kam.clients.api.common import ClientRef, PersonRef, active_person, person_ref
from kam.core.api import ERRORS, BodyId, Id, IsoDate, Pagination
from kam.growth import queries, services
from kam.growth.api.common import Amount, router
from kam.growth.api.pipeline import OpportunityOut, opportunity_out
from kam.growth.models import Lead


# --- Leads ----------------------------------------------------------------------------------
class LeadOut(Schema):
    id: int
    company_name: str
    tax_code: str
    source: Lead.Source
    contact_name: str
    contact_title: str
    contact_email: str
    contact_phone: str
    need: str
    estimated_amount: int
    status: Lead.Status
    disqualified_reason: str
    owner: PersonRef
    client: ClientRef | None
    opportunity_id: int | None
    converted_at: str | None

    @staticmethod
    def resolve_owner(lead: Lead) -> dict:
        return person_ref(lead.owner)

    @staticmethod
    def resolve_client(lead: Lead) -> dict | None:
        return {"id": lead.client_id, "name": str(lead.client)} if lead.client_id else None

    @staticmethod
    def resolve_opportunity_id(lead: Lead) -> int | None:
        opportunity = getattr(lead, "opportunity", None) if lead.client_id else None
        return opportunity.pk if opportunity else None

    @staticmethod
    def resolve_converted_at(lead: Lead) -> str | None:
        return lead.converted_at.isoformat() if lead.converted_at else None


class LeadPatch(Schema):
    company_name: str | None = Field(None, min_length=1, max_length=255)
    tax_code: str | None = Field(None, max_length=20)
    source: Lead.Source | None = None
    contact_name: str | None = Field(None, max_length=150)
    contact_title: str | None = Field(None, max_length=150)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=30)
    need: str | None = Field(None, max_length=4000)
    estimated_amount: Amount | None = None
    status: Lead.Status | None = None
    disqualified_reason: str | None = Field(None, max_length=500)
    owner_id: BodyId | None = None


class LeadIn(LeadPatch):
    company_name: str = Field(min_length=1, max_length=255)
    source: Lead.Source


class ConvertIn(Schema):
    expected_close_on: IsoDate | None = None


def _lead_fields(data: dict) -> dict:
    if "owner_id" in data:
        data["owner"] = active_person(data.pop("owner_id"), "owner_id")
    if "estimated_amount" in data and data["estimated_amount"] is not None:
        data["estimated_amount"] = Decimal(data["estimated_amount"])
    return data


def _lead_out(viewer, pk: int) -> Lead:
    return queries.get_lead_for(viewer, pk)


@router.get("/leads", response={200: list[LeadOut], **ERRORS}, summary="Leads")
@paginate(Pagination)
def list_leads(
    request: HttpRequest,
    status: Lead.Status | None = None,
    q: str = Query("", max_length=200, description="search company, tax code, contact"),
):
    return queries.leads_for_list(request.user, status=status or "", query=q).select_related(
        "opportunity"
    )


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request: HttpRequest, lead_id: Id):
    return _lead_out(request.user, lead_id)


@router.post("/leads", response={201: LeadOut, **ERRORS}, summary="Log a lead (Sales)")
def create_lead(request: HttpRequest, payload: LeadIn):
    lead = services.create_lead(by=request.user, **_lead_fields(payload.dict(exclude_unset=True)))
    return Status(201, _lead_out(request.user, lead.pk))


@router.patch("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def patch_lead(request: HttpRequest, lead_id: Id, payload: LeadPatch):
    lead = queries.get_lead_for(request.user, lead_id)
    services.update_lead(
        by=request.user, lead=lead, **_lead_fields(payload.dict(exclude_unset=True))
    )
    return _lead_out(request.user, lead_id)


@router.post(
    "/leads/{lead_id}/convert",
    response={201: OpportunityOut, **ERRORS},
    summary="Convert a qualified lead into a client and a new-business opportunity",
)
def convert_lead(request: HttpRequest, lead_id: Id, payload: ConvertIn):
    lead = queries.get_lead_for(request.user, lead_id)
    opportunity = services.convert_lead(by=request.user, lead=lead, **payload.dict())
    return Status(201, opportunity_out(request.user, opportunity.pk))
