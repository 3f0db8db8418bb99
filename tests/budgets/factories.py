"""Budgets through the real services: a project under an approved proposal whose estimate has a
Creative line, a KOL line and a production line, its budget set up, and costs and time on it."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kam.budgets import services
from kam.budgets.models import Budget, Cost
from kam.delivery import services as delivery
from kam.delivery.models import Project
from kam.pitching import services as pitching
from tests.clients.factories import ClientFactory
from tests.pitching.factories import department, open_proposal

# Cost 800 triệu, price 1,2 tỷ: a planned margin of 400 triệu (33.3%) over a floor of 20%, so
# the forecast cost may grow by 160 triệu before the margin drops under the floor.
LINES = [
    ("department", "creative", "Thiết kế key visual", 100, 1_000_000, 1_500_000),
    ("kol", None, "Hai KOL đăng bài", 2, 100_000_000, 150_000_000),
    ("production", None, "Sản xuất TVC 30 giây", 1, 500_000_000, 750_000_000),
]


def estimated_project(*, client=None, start_days_ago: int = 10) -> Project:
    """A running project under the contract of a proposal approved with the three lines."""
    client = client or ClientFactory()
    kam = client.owner
    proposal = open_proposal(by=kam, client=client)
    version = proposal.versions.get()
    for kind, code, description, quantity, cost, price in LINES:
        pitching.add_estimate_line(
            by=kam,
            version=version,
            kind=kind,
            department=department(code) if code else None,
            description=description,
            quantity=Decimal(quantity),
            unit_cost_amount=Decimal(cost),
            unit_price_amount=Decimal(price),
        )
    pitching.send_version(by=kam, version=version)
    proposal = pitching.approve_proposal(by=kam, proposal=proposal)
    contract = delivery.create_contract_from_proposal(by=kam, proposal=proposal)
    today = timezone.localdate()
    project = delivery.create_project(
        by=kam,
        contract=contract,
        starts_on=today - timedelta(days=start_days_ago),
        ends_on=today + timedelta(days=60),
    )
    delivery.start_phase(by=kam, phase=project.phases.first())
    project.refresh_from_db()
    return project


def budgeted_project(*, client=None) -> Budget:
    project = estimated_project(client=client)
    return services.create_budget(by=project.client.owner, project=project)


def line_of(budget: Budget, kind: str):
    return budget.lines.get(kind=kind)


def bill(
    budget: Budget, amount: int, *, kind: str | None = "production", by=None, **fields
) -> Cost:
    """A vendor's bill on the line of `kind` (None: unplanned), dated today."""
    return services.record_cost(
        by=by or budget.project.client.owner,
        project=budget.project,
        kind="bill",
        supplier=fields.pop("supplier", "Công ty Sản xuất Phim Sao Mai"),
        description=fields.pop("description", "Quay TVC"),
        amount=Decimal(amount),
        line=line_of(budget, kind) if kind else None,
        **fields,
    )


def order(budget: Budget, amount: int, *, kind: str = "kol", by=None, **fields) -> Cost:
    return services.record_cost(
        by=by or budget.project.client.owner,
        project=budget.project,
        kind="order",
        supplier=fields.pop("supplier", "Hoa hậu Thùy Tiên"),
        description=fields.pop("description", "Hai bài đăng"),
        amount=Decimal(amount),
        line=line_of(budget, kind),
        **fields,
    )
