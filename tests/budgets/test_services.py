"""The rules of budget control, through its services on a real database: the budget from the
estimate, what costs and time use of it, the warnings that fire once, the margin guard, the
re-baselines a Director approves once, and the client's approval of a change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.http import Http404
from django.utils import timezone, translation

from kam.budgets import queries, services
from kam.budgets.models import Baseline, BudgetAlert, Cost, MarginApproval, TimeEntry
from kam.clients import services as clients
from kam.core.errors import DomainError, InvalidTransition
from kam.delivery import services as delivery
from kam.delivery.models import ChangeRequest
from tests.budgets.factories import bill, budgeted_project, estimated_project, line_of, order
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import running_project, task
from tests.people.factories import UserFactory
from tests.pitching.factories import department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty CP Sữa Việt", owner=lan)


@pytest.fixture
def budget(sua_viet):
    return budgeted_project(client=sua_viet)


def figures(budget):
    return queries.figures_of(budget)


# --- Setting up ------------------------------------------------------------------------------
class TestSettingUp:
    def test_the_budget_takes_the_approved_estimate_as_its_first_baseline(self, budget):
        lines = list(budget.lines.values_list("kind", "cost_amount", "price_amount"))
        assert lines == [
            ("department", Decimal(100_000_000), Decimal(150_000_000)),
            ("kol", Decimal(200_000_000), Decimal(300_000_000)),
            ("production", Decimal(500_000_000), Decimal(750_000_000)),
        ]
        baseline = budget.baselines.get()
        assert (baseline.number, baseline.source, baseline.status) == (1, "estimate", "approved")
        assert baseline.cost_amount == Decimal(800_000_000)
        assert baseline.lines.count() == 3
        assert budget.margin_floor_percent == Decimal(20)

    def test_the_planned_margin_is_the_estimates(self, budget):
        margins = figures(budget).margins
        assert margins.revenue == Decimal(1_200_000_000)
        assert margins.planned == margins.forecast == Decimal(400_000_000)
        assert margins.planned_percent == Decimal("33.3")

    def test_a_project_has_one_budget(self, budget, lan):
        with pytest.raises(InvalidTransition, match="its budget already"):
            services.create_budget(by=lan, project=budget.project)

    def test_another_teams_kam_cannot_set_up_the_budget(self, sua_viet, minh):
        project = estimated_project(client=sua_viet)
        with pytest.raises(Http404):
            services.create_budget(by=minh, project=project)

    def test_without_an_estimate_the_first_baseline_is_for_the_kam_to_write(self, sua_viet, lan):
        project = running_project(client=sua_viet)
        budget = services.create_budget(by=lan, project=project)
        baseline = budget.baselines.get()
        assert (baseline.number, baseline.status) == (1, "draft")
        assert not budget.lines.exists()
        assert budget.margin_floor_percent == Decimal(20)

    def test_time_entered_before_the_budget_joins_its_departments_line(
        self, sua_viet, lan, creative
    ):
        project = estimated_project(client=sua_viet)
        work = task(project, assignee=creative)
        services.enter_time(by=creative, task=work, worked_on=today(), hours=Decimal(3))
        budget = services.create_budget(by=lan, project=project)
        assert TimeEntry.objects.get().line == line_of(budget, "department")


# --- Costs and what they use -----------------------------------------------------------------
class TestCosts:
    def test_a_bill_is_actual_and_an_order_committed_until_billed(self, budget):
        placed = order(budget, 150_000_000)
        bill(budget, 100_000_000, kind="kol", order=placed)
        row = next(r for r in figures(budget).rows if r.line == line_of(budget, "kol"))
        assert (row.figures.committed, row.figures.actual) == (
            Decimal(50_000_000),
            Decimal(100_000_000),
        )
        assert row.figures.remaining == Decimal(50_000_000)
        assert row.figures.forecast == Decimal(200_000_000)

    def test_an_order_billed_in_full_commits_nothing_more(self, budget):
        placed = order(budget, 150_000_000)
        bill(budget, 150_000_000, kind="kol", order=placed)
        row = next(r for r in figures(budget).rows if r.line == line_of(budget, "kol"))
        assert row.figures.committed == 0

    def test_a_bill_over_its_order_needs_the_reason(self, budget):
        placed = order(budget, 100_000_000)
        with pytest.raises(DomainError, match="say why the bill is over") as error:
            bill(budget, 120_000_000, kind="kol", order=placed)
        assert error.value.field == "over_order_reason"
        assert Cost.objects.count() == 1
        over = bill(budget, 120_000_000, kind="kol", order=placed, over_order_reason="Thêm 1 bài")
        assert over.over_order_reason == "Thêm 1 bài"

    def test_a_bill_against_an_order_takes_the_orders_line(self, budget):
        placed = order(budget, 100_000_000)
        billed = bill(budget, 100_000_000, kind=None, order=placed)
        assert billed.line == line_of(budget, "kol")

    def test_costs_outside_the_plan_are_a_row_of_their_own(self, budget):
        bill(budget, 10_000_000, kind=None, description="Taxi cho đoàn quay")
        unplanned = figures(budget).rows[-1]
        assert unplanned.line is None
        assert unplanned.figures.forecast == Decimal(10_000_000)
        assert figures(budget).total.actual == Decimal(10_000_000)

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            (-5, "above 0"),
            (0, "above 0"),
            (Decimal("100.5"), "whole dong"),
            ("nhiều", "whole dong"),
            (Decimal(10) ** 16, "too large"),
        ],
    )
    def test_an_amount_is_a_positive_number_of_whole_dong(self, budget, amount, message):
        with pytest.raises(DomainError, match=message):
            services.record_cost(
                by=budget.project.client.owner,
                project=budget.project,
                kind="bill",
                supplier="Sao Mai",
                description="Quay",
                amount=amount,
            )
        assert not Cost.objects.exists()

    def test_a_cost_is_not_dated_in_the_future(self, budget):
        with pytest.raises(DomainError, match="today or before"):
            bill(budget, 1_000_000, incurred_on=today() + timedelta(days=1))

    def test_nothing_is_recorded_in_a_closed_month(self, budget, finance):
        last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
        services.close_month(by=finance, month=last_month)
        with pytest.raises(DomainError, match="is closed"):
            bill(budget, 1_000_000, incurred_on=last_month)
        assert not Cost.objects.exists()

    def test_only_finance_closes_a_month(self, lan):
        with pytest.raises(Http404):
            services.close_month(by=lan, month=today())

    def test_a_line_of_another_budget_is_refused(self, budget, lan):
        other = budgeted_project(client=budget.project.client)
        with pytest.raises(DomainError, match="line of this project"):
            services.record_cost(
                by=lan,
                project=budget.project,
                kind="bill",
                supplier="Sao Mai",
                description="Quay",
                amount=Decimal(1),
                line=line_of(other, "kol"),
            )

    def test_finance_records_a_bill_a_department_member_cannot(self, budget, finance, creative):
        bill(budget, 1_000_000, by=finance)
        with pytest.raises(Http404):
            bill(budget, 1_000_000, by=creative)

    def test_a_cancelled_cost_stops_counting(self, budget, lan):
        cost = bill(budget, 50_000_000)
        services.cancel_cost(by=lan, cost=cost, reason="Nhập trùng")
        assert figures(budget).total.actual == 0
        with pytest.raises(InvalidTransition):
            services.cancel_cost(by=lan, cost=cost, reason="Lần nữa")

    def test_an_order_with_bills_is_not_cancelled(self, budget, lan):
        placed = order(budget, 100_000_000)
        bill(budget, 100_000_000, kind="kol", order=placed)
        with pytest.raises(InvalidTransition, match="cancel them first"):
            services.cancel_cost(by=lan, cost=placed, reason="Huỷ")

    def test_an_order_for_a_confirmed_booking_commits_its_fee(self, budget, lan):
        booking = delivery.add_booking(
            by=lan,
            project=budget.project,
            kind="kol",
            name="Sơn Tùng",
            fee_amount=Decimal(80_000_000),
            starts_on=today() + timedelta(days=3),
            ends_on=today() + timedelta(days=3),
        )
        delivery.confirm_booking(by=lan, booking=booking)
        assert list(queries.bookings_without_order(budget.project)) == [booking]
        placed = services.record_order_for_booking(
            by=lan, booking=booking, line=line_of(budget, "kol")
        )
        assert (placed.kind, placed.amount, placed.supplier) == (
            "order",
            Decimal(80_000_000),
            "Sơn Tùng",
        )
        assert not queries.bookings_without_order(budget.project).exists()


# --- Warnings --------------------------------------------------------------------------------
class TestWarnings:
    def test_crossing_80_percent_of_a_line_warns_once_and_emails_the_kam_once(
        self, budget, lan, django_capture_on_commit_callbacks
    ):
        lan.email = "lan@agency.vn"
        lan.save()
        with django_capture_on_commit_callbacks(execute=True):
            bill(budget, 400_000_000)
        alert = BudgetAlert.objects.get()
        assert (alert.line, alert.threshold_percent) == (line_of(budget, "production"), 80)
        assert len(mail.outbox) == 1
        assert "80%" in mail.outbox[0].body and mail.outbox[0].to == ["lan@agency.vn"]
        with django_capture_on_commit_callbacks(execute=True):
            bill(budget, 10_000_000)
            bill(budget, 5_000_000)
        assert BudgetAlert.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_an_email_job_run_twice_sends_once(self, budget, lan):
        lan.email = "lan@agency.vn"
        lan.save()
        bill(budget, 400_000_000)
        ids = list(BudgetAlert.objects.values_list("pk", flat=True))
        assert services.email_budget_warnings(ids) == 1
        assert services.email_budget_warnings(ids) == 0
        assert len(mail.outbox) == 1

    def test_going_over_a_line_warns_at_100_and_the_whole_budget_at_its_own_share(self, budget):
        bill(budget, 110_000_000, kind="department", margin_reason="")
        thresholds = set(BudgetAlert.objects.values_list("line__kind", "threshold_percent"))
        assert thresholds == {("department", 80), ("department", 100)}
        bill(budget, 500_000_000)
        bill(budget, 100_000_000, kind="kol")
        assert BudgetAlert.objects.filter(line__isnull=True, threshold_percent=80).exists()

    def test_time_burns_the_department_line_too(self, budget, creative):
        services.set_cost_rate(
            by=UserFactory(is_finance=True),
            department=department("creative"),
            hourly_amount=Decimal(10_000_000),
            valid_from=today() - timedelta(days=30),
        )
        work = task(budget.project, assignee=creative)
        services.enter_time(by=creative, task=work, worked_on=today(), hours=Decimal(7))
        assert not BudgetAlert.objects.exists()
        services.enter_time(
            by=creative, task=work, worked_on=today() - timedelta(days=1), hours=Decimal(1)
        )
        assert BudgetAlert.objects.get().threshold_percent == 80

    def test_the_kams_agenda_shows_the_highest_warning(self, budget, lan):
        bill(budget, 510_000_000, margin_reason="Quay lại cảnh")
        approvals = MarginApproval.objects.all()
        assert approvals.count() == 0
        titles = [item.title for item in queries.agenda_items(lan)]
        assert any("100%" in title for title in titles)


# --- The margin guard ------------------------------------------------------------------------
class TestMarginGuard:
    def test_a_cost_taking_the_margin_under_the_floor_needs_a_reason(self, budget):
        with pytest.raises(DomainError, match="under the floor of 20%") as error:
            bill(budget, 700_000_000)
        assert error.value.field == "margin_reason"
        assert not Cost.objects.exists()

    def test_with_a_reason_it_waits_for_a_director_and_does_not_count(self, budget):
        cost = bill(budget, 700_000_000, margin_reason="Khách đổi kịch bản, phải quay lại")
        assert cost.status == "awaiting"
        approval = cost.margin_approval
        assert (approval.status, approval.margin_percent) == ("pending", Decimal("16.7"))
        assert figures(budget).total.actual == 0

    def test_spend_within_a_lines_budget_is_not_guarded(self, budget):
        cost = bill(budget, 500_000_000)
        assert cost.status == "recorded"

    def test_the_director_approves_with_a_reason_and_the_cost_counts(self, budget, director):
        cost = bill(budget, 700_000_000, margin_reason="Quay lại")
        with pytest.raises(DomainError, match="reason"):
            services.decide_margin(
                by=director, approval=cost.margin_approval, approve=True, note=""
            )
        services.decide_margin(
            by=director, approval=cost.margin_approval, approve=True, note="Khách chiến lược"
        )
        cost.refresh_from_db()
        assert cost.status == "recorded"
        assert figures(budget).margins.forecast == Decimal(200_000_000)
        assert figures(budget).under_floor

    def test_a_refused_cost_stays_listed_and_never_counts(self, budget, director):
        cost = bill(budget, 700_000_000, margin_reason="Quay lại")
        services.decide_margin(
            by=director, approval=cost.margin_approval, approve=False, note="Thương lượng lại"
        )
        cost.refresh_from_db()
        assert cost.status == "rejected"
        assert figures(budget).total.actual == 0

    def test_a_decision_is_taken_once(self, budget, director, admin):
        cost = bill(budget, 700_000_000, margin_reason="Quay lại")
        services.decide_margin(by=director, approval=cost.margin_approval, approve=True, note="OK")
        with pytest.raises(InvalidTransition, match="decided this already"):
            services.decide_margin(
                by=admin, approval=cost.margin_approval, approve=False, note="Không"
            )

    def test_the_kam_and_another_director_cannot_decide(self, budget, lan, director2):
        cost = bill(budget, 700_000_000, margin_reason="Quay lại")
        for person in (lan, director2):
            with pytest.raises(Http404):
                services.decide_margin(
                    by=person, approval=cost.margin_approval, approve=True, note="OK"
                )

    def test_the_director_finds_the_waiting_cost_on_their_agenda(self, budget, director):
        bill(budget, 700_000_000, margin_reason="Quay lại")
        assert any("under the floor" in item.title for item in queries.agenda_items(director))

    def test_a_director_may_lower_the_floor_a_kam_may_not(self, budget, lan, director):
        with pytest.raises(Http404):
            services.set_margin_floor(by=lan, budget=budget, percent=Decimal(10), reason="x")
        services.set_margin_floor(
            by=director, budget=budget, percent=Decimal(10), reason="Khách chiến lược"
        )
        assert bill(budget, 700_000_000).status == "recorded"


# --- Changes ---------------------------------------------------------------------------------
def change_request(project, *, cost: int, price: int, paid_by: str = "client"):
    kam = project.client.owner
    change = delivery.create_change_request(
        by=kam,
        project=project,
        requested_by=StakeholderFactory(client=project.client),
        title="Thêm một bản TVC 15 giây",
        description="Cắt thêm bản 15 giây cho TikTok",
        days_effect=7,
    )
    change.paid_by = paid_by
    change.save(update_fields=["paid_by"])
    delivery.add_change_line(
        by=kam,
        change=change,
        effect="add",
        kind="production",
        description="Bản cắt 15 giây",
        quantity=Decimal(1),
        unit_cost_amount=Decimal(cost),
        unit_price_amount=Decimal(price),
    )
    return change


class TestChanges:
    def test_an_approved_change_adds_its_lines_to_the_budget(self, budget, lan):
        change = change_request(budget.project, cost=50_000_000, price=80_000_000)
        services.approve_change(by=lan, change=change)
        added = budget.lines.get(change_request=change)
        assert (added.cost_amount, added.price_amount) == (Decimal(50_000_000), Decimal(80_000_000))
        assert figures(budget).margins.revenue == Decimal(1_280_000_000)
        change.refresh_from_db()
        assert change.status == ChangeRequest.Status.APPROVED

    def test_a_change_the_agency_absorbs_adds_cost_and_no_price(self, budget, lan):
        change = change_request(budget.project, cost=50_000_000, price=80_000_000, paid_by="agency")
        effect = queries.effect_of_change(change, budget)
        assert (effect.cost, effect.price, effect.paid_by) == (
            Decimal(50_000_000),
            Decimal(80_000_000),
            "agency",
        )
        services.approve_change(by=lan, change=change)
        assert budget.lines.get(change_request=change).price_amount == 0

    def test_a_change_under_the_floor_waits_for_a_director(self, budget, lan, director):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        with pytest.raises(DomainError, match="ask a Director"):
            services.approve_change(by=lan, change=change)
        change.refresh_from_db()
        assert change.status == "open" and not budget.lines.filter(change_request=change)
        approval = services.request_change_approval(by=lan, change=change, reason="Giữ khách")
        with pytest.raises(InvalidTransition, match="asked already"):
            services.request_change_approval(by=lan, change=change, reason="Lần nữa")
        services.decide_margin(by=director, approval=approval, approve=True, note="Đồng ý")
        services.approve_change(by=lan, change=change)
        assert figures(budget).margins.forecast == Decimal(100_000_000)

    def test_a_change_above_the_floor_needs_no_approval(self, budget, lan):
        change = change_request(budget.project, cost=10_000_000, price=20_000_000)
        with pytest.raises(DomainError, match="no approval is needed"):
            services.request_change_approval(by=lan, change=change, reason="x")

    def test_a_budget_set_up_later_takes_the_changes_approved_before(self, sua_viet, lan):
        project = estimated_project(client=sua_viet)
        change = change_request(project, cost=50_000_000, price=80_000_000)
        services.approve_change(by=lan, change=change)
        budget = services.create_budget(by=lan, project=project)
        assert budget.lines.filter(change_request=change).count() == 1


# --- Re-baselines ----------------------------------------------------------------------------
class TestBaselines:
    def rebaseline(self, budget, lan):
        baseline = services.start_baseline(by=lan, budget=budget, reason="Khách tăng phạm vi")
        production = baseline.lines.get(kind="production")
        services.update_baseline_line(
            by=lan, line=production, unit_cost_amount=Decimal(600_000_000)
        )
        services.remove_baseline_line(by=lan, line=baseline.lines.get(kind="kol"))
        return services.submit_baseline(by=lan, baseline=baseline)

    def test_an_approved_rebaseline_restates_the_lines_and_keeps_the_old_one(
        self, budget, lan, director
    ):
        baseline = self.rebaseline(budget, lan)
        services.approve_baseline(by=director, baseline=baseline, note="Hợp lý")
        assert line_of(budget, "production").cost_amount == Decimal(600_000_000)
        assert line_of(budget, "kol").cost_amount == 0
        assert figures(budget).total.budget == Decimal(700_000_000)
        first = budget.baselines.get(number=1)
        assert (first.status, first.cost_amount) == ("approved", Decimal(800_000_000))
        assert first.lines.get(kind="production").cost_amount == Decimal(500_000_000)

    def test_two_people_approving_the_same_rebaseline_approve_it_once(
        self, budget, lan, director, admin
    ):
        baseline = self.rebaseline(budget, lan)
        services.approve_baseline(by=director, baseline=baseline, note="Hợp lý")
        with pytest.raises(InvalidTransition, match="approved this baseline already"):
            services.approve_baseline(by=admin, baseline=baseline, note="Cũng đồng ý")
        assert budget.baselines.get(number=2).decided_by == director

    def test_a_rejected_rebaseline_changes_nothing(self, budget, lan, director):
        baseline = self.rebaseline(budget, lan)
        services.reject_baseline(by=director, baseline=baseline, note="Chưa đủ lý do")
        assert figures(budget).total.budget == Decimal(800_000_000)

    def test_the_kam_cannot_approve_their_own_rebaseline(self, budget, lan):
        baseline = self.rebaseline(budget, lan)
        with pytest.raises(Http404):
            services.approve_baseline(by=lan, baseline=baseline, note="Tự duyệt")

    def test_one_rebaseline_at_a_time_and_a_submitted_one_is_frozen(self, budget, lan):
        baseline = self.rebaseline(budget, lan)
        with pytest.raises(InvalidTransition, match="being written already"):
            services.start_baseline(by=lan, budget=budget)
        with pytest.raises(InvalidTransition):
            services.add_baseline_line(
                by=lan,
                baseline=baseline,
                kind="vendor",
                description="In ấn",
                quantity=Decimal(1),
                unit_cost_amount=Decimal(1),
                unit_price_amount=Decimal(1),
            )

    def test_a_rebaseline_needs_a_reason(self, budget, lan):
        baseline = services.start_baseline(by=lan, budget=budget)
        with pytest.raises(DomainError, match="Say why"):
            services.submit_baseline(by=lan, baseline=baseline)

    def test_negative_quantities_are_refused(self, budget, lan):
        baseline = services.start_baseline(by=lan, budget=budget, reason="x")
        with pytest.raises(DomainError, match="above 0"):
            services.update_baseline_line(by=lan, line=baseline.lines.first(), quantity=Decimal(-2))

    def test_a_written_first_baseline_makes_the_budget_once_approved(self, sua_viet, lan, director):
        budget = services.create_budget(by=lan, project=running_project(client=sua_viet))
        baseline = budget.baselines.get()
        services.add_baseline_line(
            by=lan,
            baseline=baseline,
            kind="vendor",
            description="In ấn POSM",
            quantity=Decimal(1000),
            unit_cost_amount=Decimal(20_000),
            unit_price_amount=Decimal(30_000),
        )
        services.update_baseline(by=lan, baseline=baseline, reason="Ngân sách đầu tiên")
        services.submit_baseline(by=lan, baseline=baseline)
        services.approve_baseline(by=director, baseline=baseline, note="OK")
        assert figures(budget).total.budget == Decimal(20_000_000)
        assert Baseline.objects.get(pk=baseline.pk).cost_amount == Decimal(20_000_000)


# --- Time ------------------------------------------------------------------------------------
class TestTime:
    @pytest.fixture
    def work(self, budget, creative):
        services.set_cost_rate(
            by=UserFactory(is_finance=True),
            department=department("creative"),
            hourly_amount=Decimal(250_000),
            valid_from=today() - timedelta(days=30),
        )
        return task(budget.project, assignee=creative)

    def test_hours_are_costed_at_the_rate_of_the_day(self, work, creative, budget):
        entry = services.enter_time(by=creative, task=work, worked_on=today(), hours="2,5")
        assert (entry.hours, entry.cost_amount) == (Decimal("2.5"), Decimal(625_000))
        assert entry.line == line_of(budget, "department")

    def test_entering_the_same_day_again_changes_the_hours(self, work, creative):
        services.enter_time(by=creative, task=work, worked_on=today(), hours=2)
        services.enter_time(by=creative, task=work, worked_on=today(), hours=4)
        assert TimeEntry.objects.get().hours == 4

    def test_zero_hours_clear_the_day(self, work, creative):
        services.enter_time(by=creative, task=work, worked_on=today(), hours=2)
        services.enter_time(by=creative, task=work, worked_on=today(), hours=0)
        assert not TimeEntry.objects.exists()

    def test_a_day_holds_at_most_24_hours_over_all_tasks(self, work, creative, budget):
        other = task(budget.project, assignee=creative)
        services.enter_time(by=creative, task=work, worked_on=today(), hours=20)
        with pytest.raises(DomainError, match="more than 24 hours"):
            services.enter_time(by=creative, task=other, worked_on=today(), hours=5)
        with pytest.raises(DomainError, match="at most 24"):
            services.enter_time(by=creative, task=other, worked_on=today(), hours=25)
        assert TimeEntry.objects.count() == 1

    @pytest.mark.parametrize("hours", ["-1", "abc", "1.255", "NaN"])
    def test_hours_are_a_number_of_quarter_days(self, work, creative, hours):
        with pytest.raises(DomainError):
            services.enter_time(by=creative, task=work, worked_on=today(), hours=hours)

    def test_someone_outside_the_task_cannot_enter_time_on_it(self, work, minh):
        with pytest.raises(Http404):
            services.enter_time(by=minh, task=work, worked_on=today(), hours=1)

    def test_no_time_in_the_future_or_a_closed_month(self, work, creative, finance):
        with pytest.raises(DomainError, match="today or a day before"):
            services.enter_time(
                by=creative, task=work, worked_on=today() + timedelta(days=1), hours=1
            )
        last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
        services.close_month(by=finance, month=last_month)
        with pytest.raises(DomainError, match="is closed"):
            services.enter_time(by=creative, task=work, worked_on=last_month, hours=1)

    def test_a_request_shows_what_its_tasks_and_costs_cost(self, budget, work, creative, lan):
        item = clients.log_request(
            by=lan, client=budget.project.client, title="Thêm bản cắt dọc", paid_by="client"
        )
        work.client_request = item
        work.save(update_fields=["client_request"])
        services.enter_time(by=creative, task=work, worked_on=today(), hours=4)
        bill(budget, 3_000_000, client_request=item)
        cost = queries.cost_of_request(item)
        assert (cost.effort, cost.bills, cost.total, cost.paid_by) == (
            Decimal(1_000_000),
            Decimal(3_000_000),
            Decimal(4_000_000),
            "client",
        )


class TestWithoutRevenue:
    def test_a_cost_on_a_budget_planning_no_revenue_waits_for_a_director(self, sua_viet, lan):
        budget = services.create_budget(by=lan, project=running_project(client=sua_viet))
        with pytest.raises(DomainError, match="plans no revenue yet"):
            services.record_cost(
                by=lan,
                project=budget.project,
                kind="bill",
                supplier="Sao Mai",
                description="Quay",
                amount=Decimal(1_000_000),
            )
        cost = services.record_cost(
            by=lan,
            project=budget.project,
            kind="bill",
            supplier="Sao Mai",
            description="Quay",
            amount=Decimal(1_000_000),
            margin_reason="Đặt cọc trước khi có ngân sách",
        )
        assert cost.status == "awaiting"
        assert cost.margin_approval.margin_percent is None


class TestFixes:
    def test_a_booking_is_ordered_once_and_only_when_confirmed(self, budget, lan):
        booking = delivery.add_booking(
            by=lan,
            project=budget.project,
            kind="kol",
            name="Sơn Tùng",
            fee_amount=Decimal(80_000_000),
            starts_on=today() + timedelta(days=3),
            ends_on=today() + timedelta(days=3),
        )
        with pytest.raises(InvalidTransition, match="confirmed"):
            services.record_order_for_booking(by=lan, booking=booking)
        delivery.confirm_booking(by=lan, booking=booking)
        services.record_order_for_booking(by=lan, booking=booking)
        with pytest.raises(InvalidTransition, match="ordered already"):
            services.record_order_for_booking(by=lan, booking=booking)
        assert Cost.objects.filter(booking=booking).count() == 1

    def test_ones_own_hours_are_removed_after_leaving_the_task(self, budget, creative, lan):
        work = task(budget.project, assignee=creative)
        entry = services.enter_time(by=creative, task=work, worked_on=today(), hours=2)
        delivery.update_task(by=lan, task=work, assignee=lan, department=None, vendor="Studio")
        services.remove_time(by=creative, entry=entry)
        assert not TimeEntry.objects.exists()

    def test_someone_elses_hours_are_not_removed(self, budget, creative, lan):
        work = task(budget.project, assignee=creative)
        entry = services.enter_time(by=creative, task=work, worked_on=today(), hours=2)
        with pytest.raises(Http404):
            services.remove_time(by=lan, entry=entry)

    def test_the_change_approval_is_denied_before_its_margin_is_told(self, budget, finance):
        change = change_request(budget.project, cost=300_000_000, price=0, paid_by="agency")
        with pytest.raises(Http404):
            services.approve_change(by=finance, change=change)

    def test_a_decided_baseline_answers_an_outsider_with_404(self, budget, lan, director, minh):
        baseline = services.start_baseline(by=lan, budget=budget, reason="x")
        services.submit_baseline(by=lan, baseline=baseline)
        services.approve_baseline(by=director, baseline=baseline, note="OK")
        with pytest.raises(Http404):
            services.approve_baseline(by=minh, baseline=baseline, note="OK")


class TestChangeTakingWorkOut:
    def test_a_change_removing_work_lowers_the_forecast_cost_as_its_effect_said(self, budget, lan):
        change = delivery.create_change_request(
            by=lan,
            project=budget.project,
            requested_by=StakeholderFactory(client=budget.project.client),
            title="Bớt một KOL",
            description="Khách chỉ cần một KOL",
        )
        delivery.add_change_line(
            by=lan,
            change=change,
            effect="remove",
            kind="kol",
            description="Một KOL",
            quantity=Decimal(1),
            unit_cost_amount=Decimal(100_000_000),
            unit_price_amount=Decimal(150_000_000),
        )
        predicted = queries.effect_of_change(change, budget).margins_after
        services.approve_change(by=lan, change=change)
        after = figures(budget).margins
        assert after.forecast_cost == predicted.forecast_cost == Decimal(700_000_000)
        assert after.forecast_percent == predicted.forecast_percent == Decimal("33.3")
        listed = queries.budgets_for_list(lan).get(pk=budget.pk)
        assert listed.forecast_cost_amount == Decimal(700_000_000)


def test_a_requests_committed_cost_is_what_its_orders_have_not_billed(budget, lan):
    item = clients.log_request(by=lan, client=budget.project.client, title="Thêm bài đăng")
    placed = order(budget, 100_000_000, client_request=item)
    bill(budget, 60_000_000, kind="kol", order=placed, client_request=item)
    cost = queries.cost_of_request(item)
    assert (cost.committed, cost.bills, cost.total) == (
        Decimal(40_000_000),
        Decimal(60_000_000),
        Decimal(100_000_000),
    )


def test_the_agenda_shows_each_warned_budget_once_at_its_highest_threshold(sua_viet, lan):
    first, second = budgeted_project(client=sua_viet), budgeted_project(client=sua_viet)
    bill(first, 510_000_000, margin_reason="Quay lại")  # production past 80 and 100
    bill(first, 90_000_000, kind="department")  # Creative past 80
    bill(second, 420_000_000)
    items = [item for item in queries.agenda_items(lan) if "of its budget" in item.title]
    assert [item.url.rstrip("/").rsplit("/", 1)[1] for item in items] == [
        str(second.pk),
        str(first.pk),
    ]
    assert "100%" in items[1].title and "80%" in items[0].title
