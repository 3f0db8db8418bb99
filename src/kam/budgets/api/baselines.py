"""Baselines: the numbered statements of a budget, the first from the approved estimate, later
ones (re-baselines) written by the KAM line by line and approved or rejected by a Director,
once; the earlier ones kept as they were."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Schema, Status

from kam.budgets import queries, services
from kam.budgets.api.common import (
    Amount,
    PersonRef,
    Quantity,
    department_in_use,
    person_ref,
    router,
)
from kam.budgets.arithmetic import ZERO
from kam.budgets.models import Baseline, BaselineLine
from kam.core.api import ERRORS, BodyId, Id
from kam.delivery.api.common import needs_value
from kam.people.models import User
from kam.pitching.models import EstimateLine


# --- Shapes ---------------------------------------------------------------------------------
class BaselineLineOut(Schema):
    id: int
    baseline_id: int
    line_id: int | None = Field(description="the budget line it sets; none: a new line")
    position: int
    kind: EstimateLine.Kind
    department_id: int | None
    department_name: str | None
    supplier: str
    description: str
    quantity: float
    unit_cost_amount: int
    unit_price_amount: int
    cost_amount: int
    price_amount: int

    @staticmethod
    def resolve_department_name(line: BaselineLine) -> str | None:
        return str(line.department) if line.department_id else None


class BaselineOut(Schema):
    """`cost_amount` and `price_amount` are what the baseline was approved at (0 before)."""

    id: int
    budget_id: int
    number: int
    source: Baseline.Source
    status: Baseline.Status
    reason: str
    cost_amount: int
    price_amount: int
    created_by: PersonRef
    created_at: datetime
    decided_by: PersonRef | None
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_created_by(baseline: Baseline) -> dict:
        return person_ref(baseline.created_by)

    @staticmethod
    def resolve_decided_by(baseline: Baseline) -> dict | None:
        return person_ref(baseline.decided_by)


class BaselineDetailOut(BaselineOut):
    lines: list[BaselineLineOut]
    lines_cost_amount: int = Field(description="the lines' cost, summed")
    lines_price_amount: int = Field(description="the lines' price, summed")

    @staticmethod
    def resolve_lines(baseline: Baseline) -> list:
        return baseline.line_rows

    @staticmethod
    def resolve_lines_cost_amount(baseline: Baseline) -> Decimal:
        return sum((line.cost_amount for line in baseline.line_rows), ZERO)

    @staticmethod
    def resolve_lines_price_amount(baseline: Baseline) -> Decimal:
        return sum((line.price_amount for line in baseline.line_rows), ZERO)


def _baseline_out(viewer: User, pk: int) -> Baseline:
    baseline = queries.get_baseline_for(viewer, pk)
    baseline.line_rows = list(queries.baseline_lines_of(baseline))
    return baseline


def _line_out(line: BaselineLine) -> BaselineLine:
    return queries.baseline_lines_of(line.baseline).get(pk=line.pk)


# --- Baselines ------------------------------------------------------------------------------
class ReasonIn(Schema):
    reason: str = Field("", max_length=2000, description="why the budget is restated")


class NoteIn(Schema):
    note: str = Field("", max_length=1000, description="the Director's reason (required)")


@router.get(
    "/budgets/{budget_id}/baselines",
    response={200: list[BaselineOut], **ERRORS},
    summary="The budget's baselines, newest first",
)
def list_baselines(request: HttpRequest, budget_id: Id):
    budget = queries.get_budget_for(request.user, budget_id)
    return list(queries.baselines_of(budget))


@router.post(
    "/budgets/{budget_id}/baselines",
    response={201: BaselineDetailOut, **ERRORS},
    summary="Start a re-baseline: a draft from the lines as they stand",
)
def start_baseline(request: HttpRequest, budget_id: Id, payload: ReasonIn):
    budget = queries.get_budget_for(request.user, budget_id)
    baseline = services.start_baseline(by=request.user, budget=budget, reason=payload.reason)
    return Status(201, _baseline_out(request.user, baseline.pk))


@router.get(
    "/baselines/{baseline_id}",
    response={200: BaselineDetailOut, **ERRORS},
    summary="A baseline and its lines",
)
def get_baseline(request: HttpRequest, baseline_id: Id):
    return _baseline_out(request.user, baseline_id)


@router.patch(
    "/baselines/{baseline_id}",
    response={200: BaselineDetailOut, **ERRORS},
    summary="Say why the budget is restated, while the re-baseline is a draft",
)
def patch_baseline(request: HttpRequest, baseline_id: Id, payload: ReasonIn):
    baseline = queries.get_baseline_for(request.user, baseline_id)
    services.update_baseline(by=request.user, baseline=baseline, reason=payload.reason)
    return _baseline_out(request.user, baseline_id)


@router.delete(
    "/baselines/{baseline_id}",
    response={204: None, **ERRORS},
    summary="Drop a re-baseline nobody decided on (decided ones stay as history: 409)",
)
def discard_baseline(request: HttpRequest, baseline_id: Id):
    baseline = queries.get_baseline_for(request.user, baseline_id)
    services.discard_baseline(by=request.user, baseline=baseline)
    return Status(204, None)


@router.post(
    "/baselines/{baseline_id}/submit",
    response={200: BaselineDetailOut, **ERRORS},
    summary="Ask the Director of the client's owner to approve the re-baseline",
)
def submit_baseline(request: HttpRequest, baseline_id: Id):
    baseline = queries.get_baseline_for(request.user, baseline_id)
    services.submit_baseline(by=request.user, baseline=baseline)
    return _baseline_out(request.user, baseline_id)


@router.post(
    "/baselines/{baseline_id}/approve",
    response={200: BaselineDetailOut, **ERRORS},
    summary="A Director approves, saying why: the budget lines become what it states",
)
def approve_baseline(request: HttpRequest, baseline_id: Id, payload: NoteIn):
    baseline = queries.get_baseline_for(request.user, baseline_id)
    services.approve_baseline(by=request.user, baseline=baseline, note=payload.note)
    return _baseline_out(request.user, baseline_id)


@router.post(
    "/baselines/{baseline_id}/reject",
    response={200: BaselineDetailOut, **ERRORS},
    summary="A Director rejects, saying why: the budget stays as it was",
)
def reject_baseline(request: HttpRequest, baseline_id: Id, payload: NoteIn):
    baseline = queries.get_baseline_for(request.user, baseline_id)
    services.reject_baseline(by=request.user, baseline=baseline, note=payload.note)
    return _baseline_out(request.user, baseline_id)


# --- Its lines ------------------------------------------------------------------------------
AMOUNTS = ("quantity", "unit_cost_amount", "unit_price_amount")


class BaselineLinePatch(Schema):
    kind: EstimateLine.Kind | None = None
    department_id: BodyId | None = None
    supplier: str | None = Field(None, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=300)
    quantity: Quantity | None = None
    unit_cost_amount: Amount | None = None
    unit_price_amount: Amount | None = None


class BaselineLineIn(BaselineLinePatch):
    kind: EstimateLine.Kind
    supplier: str = Field("", max_length=200)
    description: str = Field(min_length=1, max_length=300)
    quantity: Quantity
    unit_cost_amount: Amount
    unit_price_amount: Amount


def _line_fields(data: dict) -> dict:
    for name in ("kind", "supplier", "description", *AMOUNTS):
        needs_value(data, name)
    if "department_id" in data:
        data["department"] = department_in_use(data.pop("department_id"), "department_id")
    for name in AMOUNTS:
        if name in data:
            data[name] = Decimal(data[name])
    for name in ("supplier", "description"):
        if name in data:
            data[name] = data[name].strip()
    return data


@router.post(
    "/baselines/{baseline_id}/lines",
    response={201: BaselineLineOut, **ERRORS},
    summary="Add a line to the draft re-baseline",
)
def add_baseline_line(request: HttpRequest, baseline_id: Id, payload: BaselineLineIn):
    baseline = queries.get_baseline_for(request.user, baseline_id)
    data = _line_fields(payload.dict())
    line = services.add_baseline_line(by=request.user, baseline=baseline, **data)
    return Status(201, _line_out(line))


@router.patch(
    "/baseline-lines/{baseline_line_id}",
    response={200: BaselineLineOut, **ERRORS},
    summary="Change a line of the draft re-baseline",
)
def patch_baseline_line(request: HttpRequest, baseline_line_id: Id, payload: BaselineLinePatch):
    line = queries.get_baseline_line_for(request.user, baseline_line_id)
    data = _line_fields(payload.dict(exclude_unset=True))
    return _line_out(services.update_baseline_line(by=request.user, line=line, **data))


@router.delete(
    "/baseline-lines/{baseline_line_id}",
    response={204: None, **ERRORS},
    summary="Take a line out of the draft re-baseline",
)
def remove_baseline_line(request: HttpRequest, baseline_line_id: Id):
    line = queries.get_baseline_line_for(request.user, baseline_line_id)
    services.remove_baseline_line(by=request.user, line=line)
    return Status(204, None)
