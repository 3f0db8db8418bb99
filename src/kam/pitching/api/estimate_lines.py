"""A draft version's estimate lines: who does or supplies what, how many, at what cost and at
what price to the client; a line's amounts are computed by the service, rounded once."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Schema, Status

from kam.core.api import ERRORS, BodyId, Id
from kam.pitching import queries, services
from kam.pitching.api.common import Amount, Quantity, department_in_use, router
from kam.pitching.api.versions import EstimateLineOut
from kam.pitching.models import EstimateLine


class EstimateLinePatch(Schema):
    kind: EstimateLine.Kind | None = None
    department_id: BodyId | None = None
    supplier: str | None = Field(None, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=300)
    quantity: Quantity | None = None
    unit_cost_amount: Amount | None = None
    unit_price_amount: Amount | None = None
    position: int | None = Field(None, ge=0, le=32767, strict=True)


class EstimateLineIn(EstimateLinePatch):
    kind: EstimateLine.Kind
    description: str = Field(min_length=1, max_length=300)
    quantity: Quantity
    unit_cost_amount: Amount
    unit_price_amount: Amount


def _line_fields(data: dict) -> dict:
    if "department_id" in data:
        data["department"] = department_in_use(data.pop("department_id"), "department_id")
    for name in ("unit_cost_amount", "unit_price_amount"):
        if data.get(name) is not None:
            data[name] = Decimal(data[name])
    return data


@router.post(
    "/proposal-versions/{version_id}/lines",
    response={201: EstimateLineOut, **ERRORS},
    summary="Add a line to the draft version's estimate",
)
def add_estimate_line(request: HttpRequest, version_id: Id, payload: EstimateLineIn):
    version = queries.get_version_for(request.user, version_id)
    data = _line_fields(payload.dict(exclude_unset=True))
    line = services.add_estimate_line(by=request.user, version=version, **data)
    return Status(201, line)


@router.patch("/estimate-lines/{line_id}", response={200: EstimateLineOut, **ERRORS})
def patch_estimate_line(request: HttpRequest, line_id: Id, payload: EstimateLinePatch):
    line = queries.get_line_for(request.user, line_id)
    data = _line_fields(payload.dict(exclude_unset=True))
    return services.update_estimate_line(by=request.user, line=line, **data)


@router.delete(
    "/estimate-lines/{line_id}",
    response={204: None, **ERRORS},
    summary="Take a line out of the draft version's estimate",
)
def remove_estimate_line(request: HttpRequest, line_id: Id):
    line = queries.get_line_for(request.user, line_id)
    services.remove_estimate_line(by=request.user, line=line)
    return Status(204, None)
