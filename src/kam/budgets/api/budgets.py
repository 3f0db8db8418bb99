"""Project budgets: set up from the approved estimate, read line by line (budget, committed,
actual, remaining, forecast at completion, the client's price) and in total with the margins
planned and forecast against the project's floor, which only a Director moves."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Schema, Status
from ninja.pagination import paginate

from kam.budgets import queries, services
from kam.budgets.api.common import (
    ClientRef,
    FiguresOut,
    MarginsOut,
    NamedRef,
    Percent,
    ProjectRef,
    client_ref,
    figures_out,
    margins_out,
    named_ref,
    router,
)
from kam.budgets.arithmetic import ZERO, LineFigures, Margins, margins
from kam.budgets.models import Budget, BudgetAlert
from kam.core.api import ERRORS, BodyId, Id, Pagination
from kam.delivery.models import Project
from kam.people.models import User
from kam.pitching.models import EstimateLine


# --- Shapes ---------------------------------------------------------------------------------
class LineRowOut(FiguresOut):
    """A budget line as it stands (set by a baseline or added by an approved change; a line a
    re-baseline left out plans nothing) and its money; `price` is the client's price."""

    id: int
    position: int
    kind: EstimateLine.Kind
    department: NamedRef | None
    supplier: str
    description: str
    quantity: float
    unit_cost_amount: int
    unit_price_amount: int
    price: int
    change_request_id: int | None = Field(description="the approved change that added it")


class AlertOut(Schema):
    id: int
    line_id: int | None = Field(description="none: the whole budget")
    line_description: str | None
    threshold_percent: int
    used_amount: int
    budget_amount: int
    crossed_at: datetime

    @staticmethod
    def resolve_line_description(alert: BudgetAlert) -> str | None:
        return alert.line.description if alert.line_id else None


class BudgetOut(Schema):
    id: int
    project: ProjectRef
    client: ClientRef
    project_status: Project.Status
    fee_percent: float
    margin_floor_percent: float
    price: int = Field(description="the client's price of the lines, before the agency fee")
    total: FiguresOut
    margins: MarginsOut
    created_at: datetime

    @staticmethod
    def resolve_client(budget: Budget) -> dict:
        return client_ref(budget.project.client)

    @staticmethod
    def resolve_project_status(budget: Budget) -> str:
        return budget.project.status

    @staticmethod
    def resolve_price(budget: Budget) -> Decimal:
        return _summary(budget)[2]

    @staticmethod
    def resolve_total(budget: Budget) -> dict:
        total, money, _price = _summary(budget)
        return figures_out(total, forecast=money.forecast_cost)

    @staticmethod
    def resolve_margins(budget: Budget) -> dict:
        return margins_out(_summary(budget)[1], budget.margin_floor_percent)


class BudgetDetailOut(BudgetOut):
    lines: list[LineRowOut]
    unplanned: FiguresOut | None = Field(description="the costs on no line of the plan")
    alerts: list[AlertOut] = Field(description="the thresholds crossed, newest first")
    open_baseline_id: int | None = Field(description="the re-baseline being written or decided")

    @staticmethod
    def resolve_lines(budget: Budget) -> list:
        return budget.line_rows

    @staticmethod
    def resolve_unplanned(budget: Budget) -> dict | None:
        return figures_out(budget.unplanned) if budget.unplanned is not None else None

    @staticmethod
    def resolve_alerts(budget: Budget) -> list:
        return budget.alert_rows

    @staticmethod
    def resolve_open_baseline_id(budget: Budget) -> int | None:
        return budget.open_baseline.pk if budget.open_baseline else None


def _summary(budget: Budget) -> tuple[LineFigures, Margins, Decimal]:
    """The budget's totals, margins and price: from `figures_of` on a detail, else from the
    sums `budgets_for_list` annotated in the database."""
    if not hasattr(budget, "summary"):
        total = LineFigures(budget.budget_amount, budget.committed_amount, budget.actual_amount)
        money = margins(
            price=budget.price_amount,
            fee_percent=budget.fee_percent,
            planned_cost=total.budget,
            forecast_cost=budget.forecast_cost_amount,
        )
        budget.summary = (total, money, budget.price_amount)
    return budget.summary


def line_rows(figures: queries.BudgetFigures) -> list[dict]:
    return [
        {
            **figures_out(row.figures),
            "id": row.line.pk,
            "position": row.line.position,
            "kind": row.line.kind,
            "department": named_ref(row.line.department),
            "supplier": row.line.supplier,
            "description": row.line.description,
            "quantity": row.line.quantity,
            "unit_cost_amount": row.line.unit_cost_amount,
            "unit_price_amount": row.line.unit_price_amount,
            "price": row.price,
            "change_request_id": row.line.change_request_id,
        }
        for row in figures.rows
        if row.line is not None
    ]


def budget_out(viewer: User, pk: int) -> Budget:
    """The budget with its figures line by line and in total, and its warnings."""
    budget = queries.get_budget_for(viewer, pk)
    figures = queries.figures_of(budget)
    price = sum((row.price for row in figures.rows), ZERO)
    budget.summary = (figures.total, figures.margins, price)
    budget.line_rows = line_rows(figures)
    budget.unplanned = next((row.figures for row in figures.rows if row.line is None), None)
    budget.alert_rows = list(queries.alerts_of(budget))
    budget.open_baseline = queries.open_baseline_of(budget)
    return budget


# --- Budgets --------------------------------------------------------------------------------
class BudgetIn(Schema):
    project_id: BodyId = Field(description="the project; its approved estimate is the budget")


class FloorIn(Schema):
    margin_floor_percent: Percent = Field(description="0 waives the floor")
    reason: str = Field(min_length=1, max_length=500)


@router.get(
    "/budgets",
    response={200: list[BudgetOut], **ERRORS},
    summary="Budgets, newest first, each with its totals and margins",
)
@paginate(Pagination)
def list_budgets(request: HttpRequest, client_id: Id | None = None, project_id: Id | None = None):
    return queries.budgets_for_list(request.user, client_id=client_id, project_id=project_id)


@router.post(
    "/budgets",
    response={201: BudgetDetailOut, **ERRORS},
    summary="Set up a project's budget from its approved estimate (or empty, to write)",
)
def create_budget(request: HttpRequest, payload: BudgetIn):
    project = queries.get_project_with_money_for(request.user, payload.project_id)
    budget = services.create_budget(by=request.user, project=project)
    return Status(201, budget_out(request.user, budget.pk))


@router.get(
    "/budgets/{budget_id}",
    response={200: BudgetDetailOut, **ERRORS},
    summary="A budget line by line and in total, its margins and its warnings",
)
def get_budget(request: HttpRequest, budget_id: Id):
    return budget_out(request.user, budget_id)


@router.patch(
    "/budgets/{budget_id}/floor",
    response={200: BudgetDetailOut, **ERRORS},
    summary="Move (or waive, at 0) the margin floor, saying why: a Director's call",
)
def set_margin_floor(request: HttpRequest, budget_id: Id, payload: FloorIn):
    budget = queries.get_budget_for(request.user, budget_id)
    services.set_margin_floor(
        by=request.user,
        budget=budget,
        percent=payload.margin_floor_percent,
        reason=payload.reason,
    )
    return budget_out(request.user, budget_id)


@router.get(
    "/budgets/{budget_id}/lines",
    response={200: list[LineRowOut], **ERRORS},
    summary="The budget's lines, each with its money",
)
def list_budget_lines(request: HttpRequest, budget_id: Id):
    budget = queries.get_budget_for(request.user, budget_id)
    return line_rows(queries.figures_of(budget))
