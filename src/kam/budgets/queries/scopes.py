"""Who sees which budgets, costs, baselines, approvals and requests' money, and the
records the forms choose from: every read of budgets starts from these."""

from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from kam.budgets.arithmetic import (
    ZERO,
)
from kam.budgets.models import (
    Baseline,
    BaselineLine,
    Budget,
    BudgetLine,
    ClosedMonth,
    Cost,
    CostRate,
    MarginApproval,
    TimeEntry,
)
from kam.budgets.permissions import sees_budgets
from kam.clients.models import ClientRequest
from kam.clients.queries import clients_visible_to, sees_every_client
from kam.delivery.models import Booking, ChangeRequest, Project
from kam.delivery.queries import projects_visible_to
from kam.people.models import User

MONEY = Value(ZERO)


def budgets_visible_to(user: User) -> QuerySet[Budget]:
    """The budgets of the projects whose client the user sees, for those who see money."""
    if not sees_budgets(user):
        return Budget.objects.none()
    if sees_every_client(user):
        return Budget.objects.all()
    return Budget.objects.filter(project__client__any_of=clients_visible_to(user))


def get_budget_for(user: User, pk: int) -> Budget:
    return get_object_or_404(
        budgets_visible_to(user).select_related(
            "project__client__owner", "project__contract", "project__owner"
        ),
        pk=pk,
    )


def budget_of(project: Project) -> Budget | None:
    return Budget.objects.filter(project=project).first()


def projects_with_money_visible_to(user: User) -> QuerySet[Project]:
    """The projects whose costs the user may read: those of the clients they see."""
    if not sees_budgets(user):
        return Project.objects.none()
    return projects_visible_to(user).filter(
        Q(client__any_of=clients_visible_to(user)) if not sees_every_client(user) else Q()
    )


def get_project_with_money_for(user: User, pk: int) -> Project:
    return get_object_or_404(
        projects_with_money_visible_to(user).select_related("client__owner", "owner"), pk=pk
    )


def costs_visible_to(user: User) -> QuerySet[Cost]:
    if not sees_budgets(user):
        return Cost.objects.none()
    if sees_every_client(user):
        return Cost.objects.all()
    return Cost.objects.filter(project__client__any_of=clients_visible_to(user))


def get_cost_for(user: User, pk: int) -> Cost:
    return get_object_or_404(
        costs_visible_to(user).select_related(
            "project__client__owner", "line", "order", "booking", "client_request", "created_by"
        ),
        pk=pk,
    )


def costs_of(project: Project) -> QuerySet[Cost]:
    return (
        Cost.objects.filter(project=project)
        .select_related("line", "order", "booking", "client_request", "margin_approval")
        .order_by("-incurred_on", "-pk")
    )


def costs_for_list(
    user: User, *, project: Project | None = None, kind: str = "", status: str = ""
) -> QuerySet[Cost]:
    costs = costs_visible_to(user).select_related("project", "line")
    if project is not None:
        costs = costs.filter(project=project)
    if kind in Cost.Kind.values:
        costs = costs.filter(kind=kind)
    if status in Cost.Status.values:
        costs = costs.filter(status=status)
    return costs.order_by("-incurred_on", "-pk")


def open_orders_of(project: Project) -> QuerySet[Cost]:
    """The recorded purchase orders a bill may be recorded against."""
    return Cost.objects.filter(
        project=project, kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED
    ).order_by("-incurred_on", "-pk")


def billed_against(order: Cost, *, without: Cost | None = None) -> Decimal:
    bills = order.bills.filter(status=Cost.Status.RECORDED)
    if without is not None and without.pk:
        bills = bills.exclude(pk=without.pk)
    return bills.aggregate(s=Coalesce(Sum("amount"), MONEY))["s"]


def bookings_without_order(project: Project) -> QuerySet[Booking]:
    """Confirmed bookings with a fee that no recorded purchase order covers yet."""
    ordered = Cost.objects.filter(
        booking=OuterRef("pk"), kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED
    )
    return (
        Booking.objects.filter(project=project, status=Booking.Status.CONFIRMED, fee_amount__gt=0)
        .exclude(pk__in=Subquery(ordered.values("booking_id")))
        .order_by("starts_on", "pk")
    )


def order_of(booking: Booking) -> Cost | None:
    """The recorded purchase order of a booking's fee, if it has one."""
    return Cost.objects.filter(
        booking=booking, kind=Cost.Kind.ORDER, status=Cost.Status.RECORDED
    ).first()


def lines_of(budget: Budget) -> QuerySet[BudgetLine]:
    return budget.lines.select_related("department", "change_request")


def get_line_for(user: User, pk: int) -> BudgetLine:
    return get_object_or_404(
        BudgetLine.objects.filter(budget__in=budgets_visible_to(user)).select_related(
            "budget__project__client"
        ),
        pk=pk,
    )


def baselines_of(budget: Budget) -> QuerySet[Baseline]:
    return budget.baselines.select_related("created_by", "decided_by").order_by("-number")


def open_baseline_of(budget: Budget) -> Baseline | None:
    return budget.baselines.filter(
        status__in=[Baseline.Status.DRAFT, Baseline.Status.PENDING]
    ).first()


def get_baseline_for(user: User, pk: int) -> Baseline:
    return get_object_or_404(
        Baseline.objects.filter(budget__in=budgets_visible_to(user)).select_related(
            "budget__project__client__owner", "created_by", "decided_by"
        ),
        pk=pk,
    )


def get_baseline_line_for(user: User, pk: int) -> BaselineLine:
    return get_object_or_404(
        BaselineLine.objects.filter(baseline__budget__in=budgets_visible_to(user)).select_related(
            "baseline__budget__project__client"
        ),
        pk=pk,
    )


def baseline_lines_of(baseline: Baseline) -> QuerySet[BaselineLine]:
    return baseline.lines.select_related("department")


def is_month_closed(day: date) -> bool:
    return ClosedMonth.objects.filter(month=day.replace(day=1)).exists()


def closed_months() -> QuerySet[ClosedMonth]:
    return ClosedMonth.objects.select_related("closed_by")


def rate_on(user: User, day: date) -> Decimal:
    """What an hour of the person costs on the day: their department's rate then, else the
    rate for people outside the departments, else nothing (no rates are set)."""
    rates = CostRate.objects.filter(valid_from__lte=day).order_by("-valid_from")
    if user.department_id is not None:
        own = rates.filter(department_id=user.department_id).first()
        if own is not None:
            return own.hourly_amount
    general = rates.filter(department__isnull=True).first()
    return general.hourly_amount if general is not None else ZERO


def cost_rates() -> QuerySet[CostRate]:
    return CostRate.objects.select_related("department").order_by("department__name", "-valid_from")


def approvals_of(project: Project) -> QuerySet[MarginApproval]:
    return project.margin_approvals.select_related(
        "cost", "change_request", "requested_by", "decided_by"
    )


def get_approval_for(user: User, pk: int) -> MarginApproval:
    return get_object_or_404(
        MarginApproval.objects.filter(
            project__in=projects_with_money_visible_to(user)
        ).select_related(
            "project__client__owner", "cost", "change_request", "requested_by", "decided_by"
        ),
        pk=pk,
    )


def approvals_visible_to(user: User) -> QuerySet[MarginApproval]:
    return MarginApproval.objects.filter(
        project__in=projects_with_money_visible_to(user)
    ).select_related("project__client", "cost", "change_request", "requested_by", "decided_by")


def approvals_for_list(user: User, *, status: str = "") -> QuerySet[MarginApproval]:
    """The approvals the user sees (a Director: their teams' projects; a KAM: the projects of
    their clients), those waiting first, then the newest."""
    approvals = approvals_visible_to(user).select_related("project__client__owner")
    if status in MarginApproval.Status.values:
        approvals = approvals.filter(status=status)
    waiting_first = Case(When(status=MarginApproval.Status.PENDING, then=0), default=1)
    return approvals.order_by(waiting_first, "-requested_at", "-pk")


def get_time_entry_for(user: User, pk: int) -> TimeEntry:
    """One's own hours only: another person's entry reads as one that does not exist."""
    return get_object_or_404(
        TimeEntry.objects.filter(user=user).select_related("task__project"), pk=pk
    )


def get_booking_with_money_for(user: User, pk: int) -> Booking:
    """A booking whose project's costs the user reads (a Planner sees bookings, not money)."""
    return get_object_or_404(
        Booking.objects.filter(project__in=projects_with_money_visible_to(user)).select_related(
            "project"
        ),
        pk=pk,
    )


def get_change_request_with_money_for(user: User, pk: int) -> ChangeRequest:
    """A change request whose cost and margin the user reads."""
    return get_object_or_404(
        ChangeRequest.objects.filter(
            project__in=projects_with_money_visible_to(user)
        ).select_related("project__client"),
        pk=pk,
    )


def approvals_of_change(change: ChangeRequest) -> QuerySet[MarginApproval]:
    """The Director's decisions asked for a change, newest first."""
    return change.margin_approvals.select_related("requested_by", "decided_by").order_by(
        "-requested_at", "-pk"
    )


def closed_months_visible_to(user: User) -> QuerySet[ClosedMonth]:
    return closed_months() if sees_budgets(user) else ClosedMonth.objects.none()


def cost_rates_visible_to(user: User) -> QuerySet[CostRate]:
    """What an hour costs is money: never shown to a department member, Sales or a Planner."""
    return cost_rates() if sees_budgets(user) else CostRate.objects.none()


def get_request_with_money_for(user: User, pk: int) -> ClientRequest:
    """A client's request whose cost the user may read: of a client they see, if they see money."""
    if not sees_budgets(user):
        raise Http404
    return get_object_or_404(
        ClientRequest.objects.filter(client__in=clients_visible_to(user)).select_related("client"),
        pk=pk,
    )


def bookings_to_cost(project: Project) -> QuerySet[Booking]:
    """The bookings a cost may be for: the project's, but the cancelled ones."""
    return project.bookings.exclude(status=Booking.Status.CANCELLED).order_by("starts_on", "pk")


def requests_to_cost(project: Project) -> QuerySet[ClientRequest]:
    """The client's requests a cost may be for, newest first."""
    return ClientRequest.objects.filter(client_id=project.client_id).order_by("-created_at")


def months_closed_among(days: list[date]) -> set[date]:
    """Which of the months of `days` are closed (their first days), in one query."""
    months = {day.replace(day=1) for day in days}
    return set(ClosedMonth.objects.filter(month__in=months).values_list("month", flat=True))
