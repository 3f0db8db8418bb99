"""Account health: each signal's rule at its boundaries (facts in, share of the weight lost
out), each fact gathered from the real models by facts_of, the score and its reasons from
assess(), and recompute_health keeping scores, history, trend and risk in a bounded number of
queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kam.budgets.models import BudgetAlert
from kam.clients import services as client_services
from kam.clients.models import Client, ClientRequest, Interaction
from kam.delivery import services as delivery_services
from kam.delivery.models import Slip
from kam.growth.models import Opportunity
from kam.insights import health, services
from kam.insights.health import ClientFacts, assess, describe, reasons
from kam.insights.models import HealthHistory, HealthScore, Survey
from kam.insights.services.surveys import survey_token
from kam.receivables import services as receivables
from tests.budgets.factories import bill, budgeted_project
from tests.delivery.factories import running_project, task
from tests.growth.factories import OpportunityFactory
from tests.insights.factories import (
    answered_survey,
    client_of,
    contact,
    facts_for,
    person,
    reason_codes,
    scored,
    sent_survey,
    today,
)
from tests.receivables.factories import billable_client, draft, finance_user, issued, paid

pytestmark = pytest.mark.django_db


def facts(**fields) -> ClientFacts:
    return ClientFacts(today=today(), **fields)


def ago(days: int):
    return timezone.now() - timedelta(days=days)


# --- Contact ---------------------------------------------------------------------------------
class TestContactRule:
    @pytest.mark.parametrize(
        ("days", "share"),
        [(0, 0.0), (10, 0.0), (14, 0.0), (37, 0.5), (60, 1.0), (90, 1.0)],
    )
    def test_contact_costs_nothing_for_two_weeks_then_grows_to_all_at_sixty_days(self, days, share):
        loss = health.contact_loss(facts(last_contact_at=ago(days)))
        assert loss.share == pytest.approx(share)
        assert loss.facts == {"days": days}

    def test_no_contact_ever_costs_the_whole_weight(self):
        assert health.contact_loss(facts()) == health.Loss(1.0, {"days": None})


class TestContactFact:
    def test_a_client_never_contacted_has_no_last_contact(self, lan):
        assert facts_for(client_of(lan)).last_contact_at is None

    def test_the_latest_meeting_call_email_or_visit_is_the_last_contact(self, lan):
        client = client_of(lan)
        contact(client, days_ago=37, kind=Interaction.Kind.CALL)
        latest = contact(client, days_ago=10, kind=Interaction.Kind.VISIT)
        fact = facts_for(client)
        assert fact.last_contact_at == latest.happened_at
        assert health.contact_loss(fact).facts == {"days": 10}

    def test_a_note_at_the_desk_is_not_contact_with_the_client(self, lan):
        client = client_of(lan)
        contact(client, days_ago=37, kind=Interaction.Kind.EMAIL)
        contact(client, days_ago=1, kind=Interaction.Kind.NOTE)
        assert health.contact_loss(facts_for(client)).facts == {"days": 37}

    def test_only_a_note_leaves_the_client_uncontacted(self, lan):
        client = client_of(lan)
        contact(client, days_ago=1, kind=Interaction.Kind.NOTE)
        assert facts_for(client).last_contact_at is None

    def test_contact_with_another_client_does_not_count(self, lan, minh):
        client, other = client_of(lan), client_of(minh)
        contact(other, days_ago=1)
        assert facts_for(client).last_contact_at is None


# --- Complaints ------------------------------------------------------------------------------
class TestComplaints:
    @pytest.mark.parametrize(("count", "share"), [(0, 0.0), (1, 0.5), (2, 1.0), (5, 1.0)])
    def test_each_open_complaint_costs_half_the_weight(self, count, share):
        assert health.complaints_loss(facts(open_complaints=count)).share == share

    def test_open_and_in_progress_complaints_count_resolved_ones_and_requests_do_not(self, lan):
        client = client_of(lan)

        def log(kind: str, title: str) -> ClientRequest:
            return client_services.log_request(by=lan, client=client, kind=kind, title=title)

        log("complaint", "KOL đăng sai giờ")
        started = log("complaint", "Thiếu logo trên TVC")
        client_services.start_request(by=lan, item=started)
        resolved = log("complaint", "Giao bản in trễ")
        client_services.resolve_request(by=lan, item=resolved, resolution="Đã in lại")
        log("request", "Thêm một bài đăng")
        assert facts_for(client).open_complaints == 2

    def test_a_resolved_complaint_stops_costing(self, lan):
        client = client_of(lan)
        item = client_services.log_request(by=lan, client=client, kind="complaint", title="Trễ")
        assert facts_for(client).open_complaints == 1
        client_services.resolve_request(by=lan, item=item, resolution="Đã xin lỗi và bù")
        assert facts_for(client).open_complaints == 0


# --- Satisfaction ----------------------------------------------------------------------------
class TestSatisfactionRule:
    @pytest.mark.parametrize(
        ("csat", "nps", "share"),
        [
            (5, 10, 0.0),
            (5, 9, 0.0),
            (5, 8, 0.3),
            (5, 7, 0.3),
            (5, 6, 0.6),
            (5, 0, 1.0),
            (4, 10, 0.25),
            (3, 10, 0.5),
            (1, 10, 1.0),
            (2, 9, 0.75),
        ],
    )
    def test_the_worse_of_satisfaction_and_recommendation_counts(self, csat, nps, share):
        loss = health.satisfaction_loss(facts(last_csat=csat, last_nps=nps))
        assert loss.share == pytest.approx(share)
        assert loss.facts == {"csat": csat, "nps": nps}

    def test_not_knowing_how_the_client_feels_costs_a_little(self):
        assert health.satisfaction_loss(facts()) == health.Loss(0.3, {"csat": None, "nps": None})


class TestSatisfactionFact:
    def test_a_client_never_surveyed_has_no_scores(self, lan):
        fact = facts_for(client_of(lan))
        assert (fact.last_csat, fact.last_nps) == (None, None)

    def test_a_survey_sent_but_not_answered_tells_nothing(self, lan):
        client = client_of(lan)
        sent_survey(client)
        assert facts_for(client).last_nps is None

    def test_the_latest_answer_is_the_clients_satisfaction(self, lan):
        client = client_of(lan)
        older = answered_survey(client, csat=2, nps=3)
        Survey.objects.filter(pk=older.pk).update(answered_at=ago(40))
        answered_survey(client, csat=5, nps=9)
        fact = facts_for(client)
        assert (fact.last_csat, fact.last_nps) == (5, 9)
        assert health.satisfaction_loss(fact).share == 0.0

    def test_a_low_recommendation_is_read_from_the_answer(self, lan):
        client = client_of(lan)
        answered_survey(client, csat=4, nps=2)
        loss = health.satisfaction_loss(facts_for(client))
        assert loss.facts == {"csat": 4, "nps": 2}
        assert loss.share == pytest.approx(0.6 + 4 / 15)

    def test_answers_older_than_a_year_are_ignored(self, lan):
        client = client_of(lan)
        old = answered_survey(client, csat=1, nps=0)
        Survey.objects.filter(pk=old.pk).update(answered_at=ago(health.SURVEY_RELEVANCE_DAYS + 5))
        assert facts_for(client).last_csat is None


# --- Overdue receivables ---------------------------------------------------------------------
class TestReceivablesRule:
    @pytest.mark.parametrize(
        ("days", "share"),
        [(1, 0.3), (30, 0.3), (31, 0.6), (60, 0.6), (61, 0.8), (90, 0.8), (91, 1.0), (400, 1.0)],
    )
    def test_the_oldest_overdue_invoice_sets_the_bucket(self, days, share):
        loss = health.receivables_loss(
            facts(oldest_overdue_on=today() - timedelta(days=days), overdue_amount=Decimal(5))
        )
        assert loss.share == share
        assert loss.facts == {"days": days, "amount": "5"}

    def test_nothing_overdue_costs_nothing(self):
        assert health.receivables_loss(facts()).share == 0.0


class TestReceivablesFact:
    @pytest.fixture
    def books(self):
        return finance_user()

    def test_the_oldest_unpaid_invoice_past_due_and_the_amount_open(self, lan, books):
        client = billable_client(owner=lan)
        # Thirty days' terms: issued 75 days ago is 45 days overdue, 40 days ago 10 days.
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=75))
        issued(client, by=books, amount=50_000_000, issued_on=today() - timedelta(days=40))
        issued(client, by=books, amount=20_000_000, issued_on=today() - timedelta(days=5))
        fact = facts_for(client)
        assert fact.oldest_overdue_on == today() - timedelta(days=45)
        assert Decimal(fact.overdue_amount) == Decimal(162_000_000)  # 150 triệu + 8% VAT
        assert health.receivables_loss(fact).share == 0.6

    def test_a_settled_invoice_is_not_overdue(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=75))
        paid(client, 108_000_000, by=books, allocate_oldest_first=True)
        assert facts_for(client).oldest_overdue_on is None

    def test_a_part_paid_invoice_is_overdue_by_what_is_left(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=35))
        paid(client, 8_000_000, by=books, allocate_oldest_first=True)
        fact = facts_for(client)
        assert fact.oldest_overdue_on == today() - timedelta(days=5)
        assert Decimal(fact.overdue_amount) == Decimal(100_000_000)

    def test_an_invoice_not_yet_due_is_not_overdue(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=29))
        assert facts_for(client).oldest_overdue_on is None


# --- Deadline slips --------------------------------------------------------------------------
class TestSlipsRule:
    @pytest.mark.parametrize(
        ("slips", "late", "share"),
        [(0, 0, 0.0), (1, 0, 0.4), (0, 1, 0.4), (1, 1, 0.7), (2, 1, 1.0), (0, 7, 1.0)],
    )
    def test_slips_and_late_tasks_add_up(self, slips, late, share):
        loss = health.slips_loss(facts(recent_slips=slips, late_tasks=late))
        assert loss == health.Loss(share, {"count": slips + late})


class TestSlipsFact:
    @pytest.fixture
    def project(self, lan):
        return running_project(client=client_of(lan))

    def slip(self, project, lan):
        shown = task(project, client_facing=True, days_from_now=5)
        return delivery_services.record_task_slip(
            by=lan,
            task=shown,
            now_due_on=today() + timedelta(days=12),
            reason="KOL đổi lịch quay",
            told_how="call",
        )

    def test_a_slip_in_the_last_ninety_days_counts(self, project, lan):
        self.slip(project, lan)
        assert facts_for(project.client).recent_slips == 1

    def test_a_slip_older_than_ninety_days_is_forgiven(self, project, lan):
        old = self.slip(project, lan)
        Slip.objects.filter(pk=old.pk).update(created_at=ago(91))
        assert facts_for(project.client).recent_slips == 0

    def test_an_open_task_past_its_due_date_is_late(self, project):
        task(project, starts_on=today() - timedelta(days=10), due_on=today() - timedelta(days=1))
        task(project, starts_on=today() - timedelta(days=10), due_on=today())
        fact = facts_for(project.client)
        assert (fact.late_tasks, fact.recent_slips) == (1, 0)

    def test_a_task_done_late_is_not_late_any_more(self, project, lan):
        late = task(
            project, starts_on=today() - timedelta(days=10), due_on=today() - timedelta(days=1)
        )
        delivery_services.update_task(by=lan, task=late, status="done")
        assert facts_for(project.client).late_tasks == 0

    def test_late_tasks_of_a_delivered_project_do_not_count(self, project, lan):
        task(project, starts_on=today() - timedelta(days=10), due_on=today() - timedelta(days=1))
        delivery_services.deliver_project(by=lan, project=project, reason="Đã nghiệm thu")
        assert facts_for(project.client).late_tasks == 0


# --- Budget overruns -------------------------------------------------------------------------
class TestBudget:
    def test_the_rule_costs_all_when_over_and_half_when_warned(self):
        assert health.budget_loss(facts(budget_over=True, budget_warned=True)).share == 1.0
        assert health.budget_loss(facts(budget_warned=True)).share == 0.5
        assert health.budget_loss(facts()).share == 0.0

    @pytest.fixture
    def budget(self, lan):
        return budgeted_project(client=client_of(lan))

    def test_a_warning_at_eighty_percent_is_a_warning(self, budget):
        bill(budget, 400_000_000)
        assert BudgetAlert.objects.get().threshold_percent == 80
        fact = facts_for(budget.project.client)
        assert (fact.budget_warned, fact.budget_over) == (True, False)

    def test_a_line_gone_past_one_hundred_percent_is_over_budget(self, budget):
        bill(budget, 510_000_000, margin_reason="Quay lại cảnh")
        assert BudgetAlert.objects.filter(threshold_percent=100).exists()
        fact = facts_for(budget.project.client)
        assert (fact.budget_warned, fact.budget_over) == (True, True)

    def test_warnings_older_than_half_a_year_are_forgotten(self, budget):
        bill(budget, 510_000_000, margin_reason="Quay lại cảnh")
        BudgetAlert.objects.update(crossed_at=ago(181))
        fact = facts_for(budget.project.client)
        assert (fact.budget_warned, fact.budget_over) == (False, False)

    def test_a_budget_within_its_lines_has_no_warning(self, budget):
        bill(budget, 100_000_000)
        assert not facts_for(budget.project.client).budget_warned


# --- Revenue trend ---------------------------------------------------------------------------
class TestRevenueRule:
    @pytest.mark.parametrize(
        ("before", "recent", "share", "change"),
        [
            (100, 100, 0.0, 0),
            (100, 200, 0.0, 100),
            (100, 75, 0.5, -25),
            (100, 50, 1.0, -50),
            (100, 0, 1.0, -100),
            (0, 100, 0.0, None),
            (0, 0, 0.5, None),
        ],
    )
    def test_a_drop_against_the_half_year_before_costs_twice_its_share(
        self, before, recent, share, change
    ):
        loss = health.revenue_loss(
            facts(invoiced_before=Decimal(before), invoiced_recent=Decimal(recent))
        )
        assert loss == health.Loss(share, {"change": change})


class TestRevenueFact:
    @pytest.fixture
    def books(self):
        return finance_user()

    def test_invoices_of_the_last_half_year_against_the_half_year_before(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=200_000_000, issued_on=today() - timedelta(days=300))
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=30))
        fact = facts_for(client)
        assert Decimal(fact.invoiced_before) == Decimal(216_000_000)
        assert Decimal(fact.invoiced_recent) == Decimal(108_000_000)
        assert health.revenue_loss(fact) == health.Loss(1.0, {"change": -50})

    def test_growing_revenue_costs_nothing(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=250))
        issued(client, by=books, amount=300_000_000, issued_on=today() - timedelta(days=10))
        assert health.revenue_loss(facts_for(client)) == health.Loss(0.0, {"change": 200})

    def test_invoices_older_than_a_year_and_drafts_do_not_count(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=370))
        draft(client, by=books, amount=100_000_000)
        fact = facts_for(client)
        assert (fact.invoiced_before, fact.invoiced_recent) == (0, 0)
        assert health.revenue_loss(fact) == health.Loss(0.5, {"change": None})

    def test_a_credit_note_lowers_the_revenue_the_trend_reads(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=300))
        recent = issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(30))
        receivables.credit_invoice(
            by=books, invoice=recent, amount=54_000_000, reason="Bớt một nửa hạng mục"
        )
        assert health.revenue_loss(facts_for(client)) == health.Loss(1.0, {"change": -50})

    def test_a_cancelled_invoice_is_taken_back_once_by_its_credit_note(self, lan, books):
        client = billable_client(owner=lan)
        issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(days=300))
        kept = issued(client, by=books, amount=100_000_000, issued_on=today() - timedelta(30))
        cancelled = issued(client, by=books, amount=50_000_000, issued_on=today() - timedelta(20))
        receivables.cancel_invoice(by=books, invoice=cancelled, reason="Sai mã số thuế")
        fact = facts_for(client)
        assert Decimal(fact.invoiced_recent) == kept.total_vnd
        assert health.revenue_loss(fact) == health.Loss(0.0, {"change": 0})


# --- Growth opportunities --------------------------------------------------------------------
class TestGrowth:
    def test_no_open_opportunity_costs_the_whole_weight(self):
        assert health.growth_loss(facts()).share == 1.0
        assert health.growth_loss(facts(open_opportunities=1)).share == 0.0

    def test_open_opportunities_count_won_and_lost_ones_do_not(self, lan):
        client = client_of(lan)
        OpportunityFactory(client=client)
        OpportunityFactory(client=client, status=Opportunity.Status.WON, closed_on=today())
        OpportunityFactory(
            client=client,
            status=Opportunity.Status.LOST,
            closed_on=today(),
            lost_reason="Khách chọn agency khác",
        )
        assert facts_for(client).open_opportunities == 1

    def test_a_client_without_opportunities_has_none(self, lan):
        assert facts_for(client_of(lan)).open_opportunities == 0


# --- Decision maker coverage -----------------------------------------------------------------
class TestCoverageRule:
    def test_no_decision_maker_known_costs_all(self):
        assert health.coverage_loss(facts()) == health.Loss(1.0, {"known": False})

    @pytest.mark.parametrize(("days", "share"), [(0, 0.0), (90, 0.0), (91, 0.5), (None, 0.5)])
    def test_a_known_decision_maker_must_have_been_met_in_ninety_days(self, days, share):
        met = None if days is None else ago(days)
        loss = health.coverage_loss(facts(decision_makers=1, decision_maker_met_at=met))
        assert loss == health.Loss(share, {"known": True, "days": days})


class TestCoverageFact:
    def test_a_client_with_no_decision_maker(self, lan):
        client = client_of(lan)
        person(client, role="influencer")
        person(client, role="decision_maker", is_active=False)
        assert facts_for(client).decision_makers == 0

    def test_a_decision_maker_known_but_not_met(self, lan):
        client = client_of(lan)
        person(client, role="decision_maker")
        other = person(client, role="user")
        contact(client, days_ago=3, stakeholders=[other])
        fact = facts_for(client)
        assert (fact.decision_makers, fact.decision_maker_met_at) == (1, None)
        assert health.coverage_loss(fact).share == 0.5

    def test_a_decision_maker_met_recently(self, lan):
        client = client_of(lan)
        boss = person(client, role="decision_maker")
        contact(client, days_ago=100, stakeholders=[boss])
        met = contact(client, days_ago=20, stakeholders=[boss])
        fact = facts_for(client)
        assert fact.decision_maker_met_at == met.happened_at
        assert health.coverage_loss(fact) == health.Loss(0.0, {"known": True, "days": 20})

    def test_a_decision_maker_last_met_four_months_ago_costs_half(self, lan):
        client = client_of(lan)
        boss = person(client, role="decision_maker")
        contact(client, days_ago=120, stakeholders=[boss])
        assert health.coverage_loss(facts_for(client)).share == 0.5

    def test_meeting_a_decision_maker_who_has_left_does_not_cover_the_new_one(self, lan):
        client = client_of(lan)
        gone = person(client, role="decision_maker")
        contact(client, days_ago=10, stakeholders=[gone])
        client_services.update_stakeholder(by=lan, stakeholder=gone, is_active=False)
        person(client, role="decision_maker")
        fact = facts_for(client)
        assert fact.decision_makers == 1
        assert health.coverage_loss(fact).share == 0.5

    def test_a_note_naming_the_decision_maker_is_not_meeting_them(self, lan):
        client = client_of(lan)
        boss = person(client, role="decision_maker")
        contact(client, days_ago=2, kind=Interaction.Kind.NOTE, stakeholders=[boss])
        assert facts_for(client).decision_maker_met_at is None


# --- assess() --------------------------------------------------------------------------------
WORST = {
    "open_complaints": 2,
    "last_csat": 1,
    "last_nps": 0,
    "recent_slips": 3,
    "budget_over": True,
    "budget_warned": True,
    "invoiced_before": Decimal(100),
}


class TestAssess:
    def test_a_perfect_client_scores_one_hundred_and_has_no_reasons(self):
        perfect = facts(
            last_contact_at=ago(1),
            last_csat=5,
            last_nps=10,
            invoiced_recent=Decimal(100),
            invoiced_before=Decimal(100),
            open_opportunities=1,
            decision_makers=1,
            decision_maker_met_at=ago(5),
        )
        result = assess(perfect)
        assert result.score == 100
        assert reasons(result.signals) == []
        assert {row["signal"] for row in result.signals} == {s.code for s in health.SIGNALS}

    def test_the_worst_client_scores_zero(self):
        assert assess(facts(oldest_overdue_on=today() - timedelta(days=200), **WORST)).score == 0

    def test_the_score_is_one_hundred_less_the_points_lost(self):
        # An untouched client: no contact 15, unknown satisfaction 0.3 x 15 = 4.5 (rounded
        # to even: 4), no revenue 0.5 x 10 = 5, no opportunity 10, no decision maker 10.
        result = assess(facts())
        lost = {row["signal"]: row["lost"] for row in result.signals}
        assert lost == {
            "contact": 15,
            "complaints": 0,
            "satisfaction": 4,
            "receivables": 0,
            "slips": 0,
            "budget": 0,
            "revenue": 5,
            "growth": 10,
            "coverage": 10,
        }
        assert result.score == 100 - 44 == 56

    def test_the_reasons_are_the_three_costliest_signals(self):
        result = assess(facts(open_complaints=1, last_contact_at=ago(37)))
        # contact 7.5 → 8, complaints 5, satisfaction 4, revenue 5, growth 10, coverage 10.
        assert [row["signal"] for row in reasons(result.signals)] == [
            "growth",
            "coverage",
            "contact",
        ]
        costs = [row["lost"] for row in result.signals]
        assert costs == sorted(costs, reverse=True)

    def test_weights_not_adding_up_to_one_hundred_are_scaled(self):
        weights = {"contact": 3, "growth": 1}
        result = assess(facts(open_opportunities=2), weights)
        assert result.score == 25  # contact costs 3 of 4, scaled: 75 points
        doubled = assess(facts(open_opportunities=2), {"contact": 6, "growth": 2})
        assert doubled.score == result.score

    def test_a_custom_weights_dict_counts_only_its_signals(self):
        result = assess(facts(open_complaints=1), {"complaints": 100})
        assert result.score == 50
        assert reasons(result.signals) == [
            {"signal": "complaints", "lost": 50, "facts": {"count": 1}}
        ]

    def test_the_settings_weights_are_used_when_none_are_given(self, settings):
        settings.KAM_HEALTH_WEIGHTS = {"growth": 40, "coverage": 10}
        assert assess(facts(decision_makers=1, decision_maker_met_at=ago(1))).score == 20

    def test_no_weights_at_all_costs_nothing(self):
        assert assess(facts(**WORST), {}).score == 100

    def test_each_reason_is_described_in_words(self):
        with translation.override("en"):
            assert describe({"signal": "contact", "facts": {"days": 37}}) == (
                "Last contact 37 days ago"
            )
            assert describe({"signal": "contact", "facts": {"days": None}}) == (
                "No contact recorded"
            )
            assert describe({"signal": "revenue", "facts": {"change": -50}}) == (
                "Invoiced -50% against the 6 months before"
            )
            assert describe({"signal": "satisfaction", "facts": {"csat": 2, "nps": 3}}) == (
                "Last survey: satisfaction 2/5, recommendation 3/10"
            )


# --- recompute_health ------------------------------------------------------------------------
class TestRecompute:
    def test_a_client_gets_its_score_and_todays_history(self, lan):
        client = client_of(lan)
        assert services.recompute_health() == 1
        score = HealthScore.objects.get(client=client)
        assert score.score == 56 and score.trend is None
        assert len(score.signals) == len(health.SIGNALS)
        history = HealthHistory.objects.get(client=client)
        assert (history.on, history.score) == (today(), 56)

    def test_a_second_run_the_same_day_updates_the_score_and_history(self, lan):
        client = client_of(lan)
        services.recompute_health()
        contact(client, days_ago=1)
        services.recompute_health()
        assert HealthScore.objects.get(client=client).score == 71
        assert list(HealthHistory.objects.values_list("on", "score")) == [(today(), 71)]

    def test_the_trend_is_against_the_last_score_at_least_thirty_days_old(self, lan):
        client = client_of(lan)
        HealthHistory.objects.create(client=client, on=today() - timedelta(days=45), score=90)
        HealthHistory.objects.create(client=client, on=today() - timedelta(days=31), score=80)
        HealthHistory.objects.create(client=client, on=today() - timedelta(days=10), score=20)
        assert scored(client).trend == 56 - 80

    def test_no_trend_without_a_score_thirty_days_old(self, lan):
        client = client_of(lan)
        HealthHistory.objects.create(client=client, on=today() - timedelta(days=29), score=20)
        assert scored(client).trend is None

    def test_a_client_under_the_threshold_is_at_risk(self, lan, settings):
        client = client_of(lan)
        settings.KAM_HEALTH_AT_RISK = 57
        assert scored(client).at_risk is True
        settings.KAM_HEALTH_AT_RISK = 56
        assert scored(client).at_risk is False

    def test_lost_clients_are_not_scored(self, lan):
        kept = client_of(lan, status=Client.Status.DORMANT)
        client_of(lan, status=Client.Status.LOST)
        assert services.recompute_health() == 1
        assert list(HealthScore.objects.values_list("client", flat=True)) == [kept.pk]

    def test_only_the_named_clients_are_scored(self, lan):
        one, _other = client_of(lan), client_of(lan)
        assert services.recompute_health(client_ids=[one.pk]) == 1
        assert list(HealthScore.objects.values_list("client", flat=True)) == [one.pk]

    def test_scoring_one_client_or_many_takes_the_same_queries(self, lan, hoa):
        def busy_clients(count: int) -> None:
            for number in range(count):
                client = client_of(lan if number % 2 else hoa)
                boss = person(client)
                contact(client, days_ago=number, stakeholders=[boss])
                OpportunityFactory(client=client)
                client_services.log_request(
                    by=client.owner, client=client, kind="complaint", title="Trễ"
                )

        busy_clients(3)
        with CaptureQueriesContext(connection) as few:
            assert services.recompute_health() == 3
        HealthScore.objects.all().delete()
        HealthHistory.objects.all().delete()
        busy_clients(9)
        with CaptureQueriesContext(connection) as many:
            assert services.recompute_health() == 12
        assert len(many) == len(few)
        assert len(few) <= 20

    def test_a_kam_may_ask_for_a_fresh_score_of_their_client_only(self, lan, minh):
        client = client_of(lan)
        assert services.recompute_health_of(by=lan, client=client).score == 56
        with pytest.raises(Http404):
            services.recompute_health_of(by=minh, client=client)


class TestSurveyMovesHealth:
    def test_a_low_answer_drags_the_health_down_with_satisfaction_among_the_reasons(
        self, lan, django_capture_on_commit_callbacks
    ):
        client = client_of(lan)
        asked = person(client, role="user")  # not a decision maker: coverage stays as it is
        before = scored(client)
        assert "satisfaction" not in reason_codes(before)
        survey = sent_survey(client, stakeholder=asked)
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_survey(token=survey_token(survey), csat=1, nps=0, comment="Tệ")
        after = HealthScore.objects.get(client=client)
        assert after.score == before.score - 11  # satisfaction now costs 15 of 15, not 4
        assert "satisfaction" in reason_codes(after)
        assert HealthHistory.objects.get(client=client).score == after.score

    def test_a_happy_answer_lifts_it(self, lan, django_capture_on_commit_callbacks):
        client = client_of(lan)
        asked = person(client, role="user")
        before = scored(client)
        survey = sent_survey(client, stakeholder=asked)
        with django_capture_on_commit_callbacks(execute=True):
            services.answer_survey(token=survey_token(survey), csat=5, nps=10)
        assert HealthScore.objects.get(client=client).score == before.score + 4
