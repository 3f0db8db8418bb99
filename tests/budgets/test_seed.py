"""The demo's budgets: every project but the cancelled one budgeted — Sữa Việt's from its
approved estimate —, projects under, near and over budget with their warnings, orders from
bookings and bills against them, a cost the Director let through under the margin floor and a
change waiting for them, re-baselines decided and waiting, the hours of the department members,
a closed month and profitability with revenue and cost; and the bulk volume at a small scale,
its totals exact."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Sum
from django.utils import timezone

from kam.budgets import queries
from kam.budgets import seed as budgets_seed
from kam.budgets.arithmetic import crossed_thresholds
from kam.budgets.models import (
    Baseline,
    BaselineLine,
    Budget,
    BudgetAlert,
    BudgetLine,
    ClosedMonth,
    Cost,
    CostRate,
    MarginApproval,
    TimeEntry,
)
from kam.core import seed as core_seed
from kam.delivery.models import Project
from kam.people.models import User
from tests.core.test_commands import undone
from tests.core.test_seed_scale import SMALL

BUDGET_MODELS = (Budget, BudgetLine, Baseline, BaselineLine, Cost, CostRate, TimeEntry,
                 ClosedMonth, MarginApproval, BudgetAlert)  # fmt: skip


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, seeded once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", verbosity=0)
        yield
        transaction.set_rollback(True)


def user(username: str) -> User:
    return User.objects.get(username=username)


def budget_of(short_name: str) -> Budget:
    return Budget.objects.select_related("project__client").get(
        project__client__short_name=short_name
    )


def alerts(budget: Budget) -> set[tuple[str, int]]:
    return {
        (alert.line.description if alert.line else "total", alert.threshold_percent)
        for alert in budget.alerts.select_related("line")
    }


class TestTheDemo:
    """Seeded once: the demo takes seconds to build through the services."""

    def test_every_project_but_the_cancelled_one_has_a_budget_on_an_approved_baseline(
        self, demo, db
    ):
        unbudgeted = Project.objects.filter(budget__isnull=True)
        assert list(unbudgeted.values_list("status", flat=True)) == ["cancelled"]
        for budget in Budget.objects.all():
            assert budget.baselines.get(number=1).status == "approved"
            # The lines are what the last approved baseline states, the changes aside.
            last = budget.baselines.filter(status="approved").order_by("-number").first()
            planned = budget.lines.filter(change_request=None, quantity__gt=0)
            assert planned.aggregate(s=Sum("cost_amount"))["s"] == last.cost_amount

    def test_the_story_budget_is_the_approved_estimate_with_the_clients_change(self, demo, db):
        budget = budget_of("Sữa Việt")
        version = budget.project.contract.proposal.approved_version
        estimate = sum(line.cost_amount for line in version.lines.all())
        first = budget.baselines.get()
        assert (first.source, first.cost_amount) == ("estimate", estimate)
        assert budget.fee_percent == version.agency_fee_percent
        assert budget.lines.exclude(change_request=None).count() == 3  # the bumpers' change

    def test_projects_are_under_near_and_over_budget_with_their_warnings(self, demo, db):
        planning, under = budget_of("Sông Hồng Drinks"), budget_of("Sao Việt Retail")
        assert queries.figures_of(planning).total.used == 0
        assert queries.figures_of(under).total.used_percent < 50
        assert not under.alerts.exists()
        for near in (budget_of("Sữa Việt"), budget_of("Hoa Sen Beauty")):
            assert {threshold for _line, threshold in alerts(near)} == {80}, near
            figures = queries.figures_of(near)
            assert any(row.figures.used_percent >= 80 for row in figures.rows if row.line)
            assert figures.total.used_percent < 80
        over = budget_of("PĐS Bank")
        figures = queries.figures_of(over)
        assert figures.total.used > figures.total.budget
        assert ("total", 100) in alerts(over)
        assert figures.under_floor

    def test_orders_come_from_confirmed_bookings_and_one_bill_is_over_its_order(self, demo, db):
        from_bookings = Cost.objects.filter(kind="order").exclude(booking=None)
        assert from_bookings.count() >= 4
        assert not from_bookings.exclude(booking__status__in=["confirmed", "done"]).exists()
        assert Cost.objects.filter(kind="bill").exclude(order=None).count() >= 4
        over = Cost.objects.exclude(over_order_reason="").get()
        assert over.amount > over.order.amount
        assert over.project.client.short_name == "THN Auto"
        assert Cost.objects.filter(kind="bill", line=None, status="recorded").exists()

    def test_the_director_let_a_cost_under_the_floor_through_and_a_change_waits(self, demo, db):
        decided = MarginApproval.objects.get(status="approved")
        assert decided.cost.status == "recorded"
        assert decided.decided_by == user("director") and decided.decision_note
        assert decided.margin_percent < decided.floor_percent
        waiting = MarginApproval.objects.get(status="pending")
        assert waiting.change_request.paid_by == "agency"
        assert waiting.project.client.short_name == "Sữa Việt"
        assert waiting.margin_percent < waiting.floor_percent
        agenda = [item.url for item in queries.agenda_items(user("director"))]
        assert any(f"/approvals/{waiting.pk}/" in url for url in agenda)

    def test_one_rebaseline_is_approved_and_another_waits_for_its_director(self, demo, db):
        approved = Baseline.objects.get(number=2, status="approved")
        assert approved.budget.project.client.short_name == "PĐS Bank"
        assert approved.decided_by == user("director")
        assert approved.cost_amount == queries.figures_of(approved.budget).total.budget
        waiting = Baseline.objects.get(status="pending")
        agenda = [item.url for item in queries.agenda_items(user("director2"))]
        assert any(f"/baselines/{waiting.pk}/" in url for url in agenda)

    def test_department_members_entered_their_hours_over_the_past_weeks(self, demo, db):
        today = timezone.localdate()
        creative = TimeEntry.objects.filter(user__username="creative")
        assert creative.filter(worked_on__gte=today - timedelta(days=7)).exists()
        assert creative.filter(worked_on__lt=today - timedelta(days=30)).exists()
        assert TimeEntry.objects.values("user").distinct().count() >= 6
        days = TimeEntry.objects.values("user", "worked_on").annotate(h=Sum("hours"))
        assert max(day["h"] for day in days) <= 8
        for entry in TimeEntry.objects.all():
            assert entry.cost_amount == entry.hours * entry.rate_amount > 0
        # Time lands on its department's line where the budget plans one.
        assert (
            TimeEntry.objects.exclude(line=None)
            .filter(line__department=F("task__department"))
            .count()
            > TimeEntry.objects.count() // 2
        )

    def test_finance_set_the_rates_and_closed_the_month_before_last(self, demo, db):
        assert CostRate.objects.filter(department=None).count() == 2
        month = ClosedMonth.objects.get()
        before_last = (timezone.localdate().replace(day=1) - timedelta(days=40)).replace(day=1)
        assert month.month == before_last and month.closed_by == user("finance")
        in_month = {"worked_on__year": month.month.year, "worked_on__month": month.month.month}
        assert TimeEntry.objects.filter(**in_month).exists()

    def test_profitability_by_client_shows_lans_revenue_and_cost(self, demo, db):
        start, end = queries.default_period()
        report = queries.profitability(user("lan"), by="client", start=start, end=end)
        rows = {row.label: row for row in report.rows}
        story = next(row for label, row in rows.items() if "Sữa Việt" in label)
        assert story.revenue > 0 and story.cost > 0
        assert report.total.revenue > report.total.cost > 0
        months = queries.profitability(user("finance"), by="month", start=start, end=end)
        assert len([row for row in months.rows if row.cost]) >= 4

    def test_every_kam_director_and_finance_sees_budgets_and_creative_none(self, demo, db):
        for username in ("lan", "hoa", "minh", "director", "director2", "finance"):
            assert queries.budgets_visible_to(user(username)).exists(), username
        assert not queries.budgets_visible_to(user("creative")).exists()
        for username in ("lan", "hoa", "minh"):
            assert queries.agenda_items(user(username)), username

    def test_seeding_twice_adds_nothing(self, demo, db):
        counts = [model.objects.count() for model in BUDGET_MODELS]
        with pytest.raises(CommandError):
            call_command("seed", verbosity=0)
        budgets_seed.seed(core_seed.make_context(scale="demo", seed=2026))
        assert [model.objects.count() for model in BUDGET_MODELS] == counts


# --- Volume ---------------------------------------------------------------------------------
@pytest.fixture
def small_scale(monkeypatch):
    monkeypatch.setitem(core_seed.SCALES, "medium", SMALL)


def test_the_volume_holds_exactly_the_scales_cost_lines_with_exact_totals(db, small_scale):
    call_command("seed", scale="medium", seed=3, verbosity=0)
    assert Cost.objects.count() + TimeEntry.objects.count() == SMALL.cost_lines
    assert TimeEntry.objects.count() == SMALL.time_entries
    unbudgeted = Project.objects.filter(budget=None).values_list("status", flat=True)
    assert set(unbudgeted) <= {"cancelled"}
    # Each budget's planned lines add up to its first baseline, line for line.
    for budget in Budget.objects.annotate(n=Count("baselines")).filter(n=1):
        baseline = budget.baselines.get()
        planned = budget.lines.filter(change_request=None)
        assert planned.aggregate(s=Sum("cost_amount"))["s"] == baseline.cost_amount
        assert planned.aggregate(s=Sum("price_amount"))["s"] == baseline.price_amount
        assert baseline.lines.count() == planned.count()
    for line in BudgetLine.objects.filter(change_request=None):
        assert line.cost_amount == line.quantity * line.unit_cost_amount
    # Costs and time add up as the budget page reads them; the warnings are those crossed.
    for budget in Budget.objects.all():
        figures = queries.figures_of(budget)
        expected = {
            (row.line.pk, threshold)
            for row in figures.rows
            if row.line
            for threshold in crossed_thresholds(row.figures, queries.thresholds())
        } | {(None, t) for t in crossed_thresholds(figures.total, queries.thresholds())}
        assert set(budget.alerts.values_list("line_id", "threshold_percent")) == expected
    bills = Cost.objects.filter(kind="bill", status="recorded")
    assert not bills.exclude(order=None).exclude(line=F("order__line")).exists()
    assert not Cost.objects.filter(incurred_on__gt=timezone.localdate()).exists()
    # Nobody logs more than a working day; each entry costs its hours at its rate.
    days = TimeEntry.objects.values("user", "worked_on").annotate(h=Sum("hours"))
    assert max(day["h"] for day in days) <= 8
    assert not TimeEntry.objects.exclude(cost_amount=F("hours") * F("rate_amount")).exists()
    assert MarginApproval.objects.filter(status="approved").exists()
    # Bulk inserts skip the services: every row still passes its model's own validation.
    for model in BUDGET_MODELS:
        for record in model.objects.all()[:2_000]:
            record.full_clean()


def test_the_same_seed_gives_the_same_budget_volume(db, small_scale):
    def snapshot() -> tuple[list, list]:
        costs = Cost.objects.order_by("pk").values_list(
            "project__title", "kind", "supplier", "amount", "incurred_on"
        )
        hours = defaultdict(Decimal)
        for username, day, amount in TimeEntry.objects.values_list(
            "user__username", "worked_on", "hours"
        ):
            hours[(username, day)] += amount
        return list(costs), sorted(hours.items())

    with undone():
        call_command("seed", scale="medium", seed=5, verbosity=0)
        first = snapshot()
    call_command("seed", scale="medium", seed=5, verbosity=0)
    assert snapshot() == first
