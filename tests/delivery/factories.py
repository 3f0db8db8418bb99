"""Contracts, projects, tasks and bookings through the real services: an approved proposal, a
signed contract with its schedule, a running project with tasks for departments."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kam.delivery import services
from kam.delivery.models import Contract, Project, Task
from kam.pitching import services as pitching_services
from kam.pitching.models import Proposal
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.pitching.factories import department, open_proposal, price

VALUE = Decimal(2_000_000_000)


def approved_proposal(*, client=None) -> Proposal:
    """A proposal whose version 1 (cost 1.5 tỷ, price 2 tỷ) was sent and approved."""
    client = client or ClientFactory()
    kam = client.owner
    proposal = open_proposal(by=kam, client=client)
    version = proposal.versions.get()
    price(version, by=kam, cost=1_500_000_000, price=int(VALUE))
    pitching_services.send_version(by=kam, version=version)
    return pitching_services.approve_proposal(by=kam, proposal=proposal)


def draft_contract(*, client=None, value: Decimal = VALUE, **fields) -> Contract:
    client = client or ClientFactory()
    today = timezone.localdate()
    values = {
        "title": "Chiến dịch Tết",
        "value_amount": value,
        "vat_percent": Decimal(8),
        "scope": "TVC 30 giây, 5 KOL, sự kiện ra mắt",
        "deliverables": "3 bản TVC\n10 bài đăng KOL\nBáo cáo sau chiến dịch",
        "starts_on": today - timedelta(days=10),
        "ends_on": today + timedelta(days=80),
        **fields,
    }
    return services.create_contract(by=client.owner, client=client, **values)


def signed_contract(*, client=None, value: Decimal = VALUE, **fields) -> Contract:
    """A contract signed today with three milestones of 30 / 40 / 30 % of its value."""
    contract = draft_contract(client=client, value=value, **fields)
    kam = contract.client.owner
    today = timezone.localdate()
    shares = [(Decimal(30), 20), (Decimal(40), 50), (Decimal(30), 80)]
    remaining = value
    for position, (share, days) in enumerate(shares, start=1):
        amount = remaining if position == len(shares) else value * share / 100
        remaining -= amount
        services.add_milestone(
            by=kam,
            contract=contract,
            title=f"Đợt {position}",
            due_on=today + timedelta(days=days - 10),
            amount=amount,
        )
    return services.sign_contract(by=kam, contract=contract)


def running_project(*, client=None, **fields) -> Project:
    """A project under a signed contract, its pre-production phase started."""
    contract = signed_contract(client=client)
    project = services.create_project(by=contract.client.owner, contract=contract, **fields)
    services.start_phase(by=contract.client.owner, phase=project.phases.first())
    project.refresh_from_db()
    return project


def task(project: Project, *, code: str = "creative", days_from_now: int = 5, **fields) -> Task:
    """A task for a department, starting today and due in `days_from_now` days."""
    today = timezone.localdate()
    values = {
        "title": f"Việc của {code}",
        "department": department(code),
        "starts_on": today,
        "due_on": today + timedelta(days=days_from_now),
        **fields,
    }
    return services.create_task(by=project.client.owner, project=project, **values)


def stakeholder(project: Project):
    return StakeholderFactory(client=project.client)


def project_with_brief(*, client=None, **fields) -> Project:
    """A project (being planned) under the draft contract of an approved proposal: the brief
    behind it gives the check list and what the departments read on their tasks."""
    proposal = approved_proposal(client=client)
    kam = proposal.brief.client.owner
    contract = services.create_contract_from_proposal(by=kam, proposal=proposal)
    today = timezone.localdate()
    fields.setdefault("starts_on", today - timedelta(days=10))
    fields.setdefault("ends_on", today + timedelta(days=80))
    return services.create_project(by=kam, contract=contract, **fields)


def booking(project: Project, *, backup_for=None, days_from_now: int = 3, **fields):
    """A KOL booked for the project (or standing by as a backup), from `days_from_now` on."""
    today = timezone.localdate()
    values = {
        "kind": "kol",
        "name": "Hoa hậu Thùy Tiên",
        "fee_amount": Decimal(150_000_000),
        "starts_on": today + timedelta(days=days_from_now),
        "ends_on": today + timedelta(days=days_from_now + 1),
        **fields,
    }
    return services.add_booking(
        by=project.client.owner, project=project, backup_for=backup_for, **values
    )
