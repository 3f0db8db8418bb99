"""Reads of budgets: profitability by client, project, KAM, team and month from milestones
reached and costs and time spent, scoped to who may see it, summed exactly; and the queries a
budget's figures take, whatever the number of costs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kam.budgets import queries, services
from kam.delivery import services as delivery
from tests.budgets.factories import bill, budgeted_project, order
from tests.clients.factories import ClientFactory
from tests.delivery.factories import task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


def signed_and_reached(budget, amounts: list[int], reached_on: date):
    """Sign the project's contract with milestones of `amounts` (its value) and reach them."""
    contract = budget.project.contract
    kam = budget.project.client.owner
    contract.value_amount = Decimal(sum(amounts))
    contract.save(update_fields=["value_amount"])
    milestones = [
        delivery.add_milestone(
            by=kam, contract=contract, title=f"Đợt {n}", due_on=today(), amount=Decimal(amount)
        )
        for n, amount in enumerate(amounts, start=1)
    ]
    delivery.sign_contract(by=kam, contract=contract, signed_on=reached_on)
    for milestone in milestones:
        delivery.reach_milestone(by=kam, milestone=milestone, reached_on=reached_on)


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty CP Sữa Việt", owner=lan)


@pytest.fixture
def budget(sua_viet):
    budget = budgeted_project(client=sua_viet)
    signed_and_reached(budget, [400_000_000, 800_000_000], today())
    bill(budget, 300_000_000)
    return budget


def period():
    return today().replace(day=1), today()


class TestProfitability:
    def test_by_client_revenue_is_the_milestones_reached_and_cost_the_bills_and_time(
        self, budget, lan, creative
    ):
        services.set_cost_rate(
            by=lan.__class__.objects.create(username="ketoan", is_finance=True),
            department=None,
            hourly_amount=Decimal(100_000),
            valid_from=today() - timedelta(days=40),
        )
        services.enter_time(
            by=lan, task=task(budget.project, assignee=lan), worked_on=today(), hours=10
        )
        order(budget, 50_000_000)  # committed, not a cost yet
        start, end = period()
        report = queries.profitability(lan, by="client", start=start, end=end)
        [row] = report.rows
        assert (row.label, row.revenue, row.bills, row.effort) == (
            "Công ty CP Sữa Việt",
            Decimal(1_200_000_000),
            Decimal(300_000_000),
            Decimal(1_000_000),
        )
        assert row.margin == Decimal(899_000_000)
        assert row.margin_percent == Decimal("74.9")
        assert "by=project" in row.url

    def test_a_contracts_revenue_is_shared_by_its_projects_to_the_dong(self, budget, lan):
        second = delivery.create_project(
            by=lan,
            contract=budget.project.contract,
            starts_on=today(),
            ends_on=today() + timedelta(days=30),
        )
        start, end = period()
        report = queries.profitability(lan, by="project", start=start, end=end)
        revenue = {row.key: row.revenue for row in report.rows}
        assert revenue == {budget.project_id: Decimal(600_000_000), second.pk: Decimal(600_000_000)}
        assert report.total.revenue == Decimal(1_200_000_000)

    def test_by_month_revenue_and_cost_fall_in_their_own_months(self, budget, lan):
        last_month = today().replace(day=1) - timedelta(days=1)
        bill(budget, 10_000_000, incurred_on=last_month)
        report = queries.profitability(
            lan, by="month", start=last_month.replace(day=1), end=today()
        )
        months = [(row.key, row.revenue, row.cost) for row in report.rows]
        assert months == [
            (last_month.replace(day=1), Decimal(0), Decimal(10_000_000)),
            (today().replace(day=1), Decimal(1_200_000_000), Decimal(300_000_000)),
        ]

    def test_by_kam_and_by_team_add_up_to_the_same_total(self, budget, lan):
        start, end = period()
        totals = {
            by: queries.profitability(lan, by=by, start=start, end=end).total.margin
            for by in ("client", "kam", "team", "month", "project")
        }
        assert set(totals.values()) == {Decimal(900_000_000)}

    def test_another_teams_kam_sees_nothing_and_a_department_member_nothing(
        self, budget, minh, creative, director, finance
    ):
        start, end = period()
        assert queries.profitability(minh, by="client", start=start, end=end).rows == []
        assert queries.profitability(creative, by="client", start=start, end=end).rows == []
        for person in (director, finance):
            assert len(queries.profitability(person, by="client", start=start, end=end).rows) == 1

    def test_a_period_without_anything_is_empty(self, budget, lan):
        report = queries.profitability(
            lan, by="client", start=date(2020, 1, 1), end=date(2020, 12, 31)
        )
        assert report.rows == [] and report.total.margin == 0

    def test_the_report_takes_the_same_queries_for_one_client_or_many(
        self, budget, lan, django_assert_max_num_queries
    ):
        for _ in range(3):
            other = budgeted_project(client=ClientFactory(owner=lan))
            bill(other, 1_000_000)
        start, end = period()
        with django_assert_max_num_queries(6):
            report = queries.profitability(lan, by="client", start=start, end=end)
        assert len(report.rows) == 4


class TestFigures:
    def test_a_budgets_figures_take_a_bounded_number_of_queries(
        self, budget, django_assert_max_num_queries
    ):
        for _ in range(5):
            placed = order(budget, 10_000_000)
            bill(budget, 5_000_000, kind="kol", order=placed)
        with django_assert_max_num_queries(3):
            figures = queries.figures_of(budget)
        assert figures.total.actual == Decimal(325_000_000)
        assert figures.total.committed == Decimal(25_000_000)

    def test_the_default_period_is_the_last_twelve_months(self):
        assert queries.default_period(date(2026, 11, 27)) == (date(2025, 12, 1), date(2026, 11, 27))
        assert queries.default_period(date(2026, 12, 5)) == (date(2026, 1, 1), date(2026, 12, 5))
