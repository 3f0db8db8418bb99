"""Today: the core ranking (late before due today, this week and later; the larger sum first
among equals), what insights puts there (low survey scores to follow up, clients at risk,
contracts ending without a renewal) and for whom, and the daily digest's "Today" section."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kam.clients import services as client_services
from kam.clients.models import Client
from kam.core import agenda
from kam.core.agenda import AgendaItem, agenda_for
from kam.core.digest import compose_digest
from kam.delivery import services as delivery_services
from kam.growth.models import Opportunity
from kam.insights import services
from kam.insights.models import HealthHistory
from kam.insights.queries import agenda_items
from tests.delivery.factories import signed_contract
from tests.growth.factories import OpportunityFactory
from tests.insights.factories import answered_survey, client_of, scored, today

pytestmark = pytest.mark.django_db


def item(title: str, days: int | None, value: int | None = None) -> AgendaItem:
    """An item due in `days` days (late when negative, waiting now when None)."""
    return AgendaItem(
        title=title,
        url="/",
        action="Làm",
        due_on=None if days is None else today() + timedelta(days=days),
        value=None if value is None else Decimal(value),
    )


@pytest.fixture
def ranked(monkeypatch, lan):
    """`ranked(*items)`: their titles in the order lan's agenda ranks them, when they are all
    there is."""

    def rank(*items: AgendaItem) -> list[str]:
        monkeypatch.setattr(agenda, "_SOURCES", [lambda user: list(items)])
        return [entry.title for entry in agenda_for(lan)]

    return rank


# --- The core ranking ------------------------------------------------------------------------
class TestRanking:
    def test_late_comes_before_due_today_before_this_week_before_later(self, ranked):
        order = ranked(item("later", 20), item("this week", 3), item("late", -1), item("today", 0))
        assert order == ["late", "today", "this week", "later"]

    def test_waiting_now_ranks_with_due_today(self, ranked):
        assert ranked(item("this week", 2), item("now", None), item("late", -2)) == [
            "late",
            "now",
            "this week",
        ]

    def test_among_equally_urgent_items_the_larger_value_comes_first(self, ranked):
        assert ranked(
            item("small", 0, 100_000_000), item("big", 0, 5_000_000_000), item("none", 0)
        ) == ["big", "small", "none"]
        assert ranked(item("small late", -4, 10**7), item("big late", -4, 10**10)) == [
            "big late",
            "small late",
        ]

    def test_twenty_days_late_ranks_above_one_day_late_with_more_at_stake(self, ranked):
        assert ranked(item("one day", -1, 2_000_000_000), item("twenty days", -20)) == [
            "twenty days",
            "one day",
        ]

    def test_lateness_counts_up_to_a_month_then_the_earlier_date_breaks_the_tie(self, ranked):
        assert ranked(item("a month", -31), item("two months", -60)) == ["two months", "a month"]
        assert item("a month", -31).urgency(today()) == item("two months", -60).urgency(today())

    def test_a_large_sum_does_not_lift_a_later_item_above_a_late_one(self, ranked):
        assert ranked(item("huge, next week", 3, 10**12), item("small, late", -1, 10**6)) == [
            "small, late",
            "huge, next week",
        ]

    def test_a_week_late_step_outranks_an_on_time_one_whatever_their_values(self, ranked):
        assert ranked(item("on time, 1.000 tỷ", 0, 10**12), item("a week late", -7)) == [
            "a week late",
            "on time, 1.000 tỷ",
        ]

    def test_an_item_is_late_after_its_due_day(self):
        assert item("x", -1).is_late and not item("x", 0).is_late and not item("x", None).is_late


# --- Low survey scores -----------------------------------------------------------------------
def titles(user) -> list[str]:
    return [entry.title for entry in agenda_items(user)]


class TestLowScores:
    @pytest.fixture
    def unhappy(self, lan):
        return answered_survey(
            client_of(lan, legal_name="Công ty CP Sữa Việt"), csat=2, nps=3, comment="Giao trễ"
        )

    def test_a_low_score_waits_on_the_owners_agenda_done_by_following_up(self, lan, unhappy):
        (entry,) = [e for e in agenda_items(lan) if e.done_url]
        assert "Công ty CP Sữa Việt" in entry.title and "2/5" in entry.title
        assert "3/10" in entry.title
        assert entry.detail == "Giao trễ"
        assert entry.url == reverse("insights:survey_detail", args=[unhappy.pk])
        assert entry.done_url == reverse("insights:survey_follow_up", args=[unhappy.pk])
        assert entry.needs_note is True
        assert entry.due_on is None  # waiting now

    def test_it_is_on_the_directors_agenda_not_on_other_kams(self, director, minh, hoa, unhappy):
        assert any("2/5" in title for title in titles(director))
        assert titles(minh) == [] and titles(hoa) == []

    def test_it_leaves_the_agenda_once_followed_up(self, lan, unhappy):
        services.follow_up_survey(by=lan, survey=unhappy, note="Đã gọi, hẹn gặp")
        assert not any(e.done_url for e in agenda_items(lan))

    def test_a_happy_answer_is_not_on_the_agenda(self, lan):
        answered_survey(client_of(lan), csat=5, nps=9)
        assert not any(e.done_url for e in agenda_items(lan))


# --- Clients at risk -------------------------------------------------------------------------
class TestAtRisk:
    def test_a_client_at_risk_appears_with_its_reasons(self, lan):
        client = client_of(lan, legal_name="Công ty CP Sữa Việt")
        health = scored(client)
        assert health.at_risk and health.score == 56
        with translation.override("en"):
            (entry,) = agenda_items(lan)
        assert entry.title == "Công ty CP Sữa Việt: health 56/100"
        assert entry.detail == (
            "No contact recorded; No open growth opportunity; No decision maker known"
        )
        assert entry.url == reverse("insights:client_health", args=[client.pk])
        assert entry.due_on == today()

    def test_a_falling_client_at_risk_is_to_act_on_now(self, lan):
        client = client_of(lan)
        HealthHistory.objects.create(client=client, on=today() - timedelta(days=40), score=90)
        scored(client)
        (entry,) = agenda_items(lan)
        assert entry.due_on is None

    def test_a_falling_client_at_risk_ranks_before_a_steady_one(self, lan):
        steady = client_of(lan, legal_name="Công ty A Ổn Định")
        falling = client_of(lan, legal_name="Công ty Z Đang Xuống")
        HealthHistory.objects.create(client=falling, on=today() - timedelta(days=40), score=90)
        scored(steady)
        scored(falling)
        assert [entry.title.split(":")[0] for entry in agenda_for(lan)] == [
            "Công ty Z Đang Xuống",
            "Công ty A Ổn Định",
        ]

    def test_a_healthy_client_is_not_on_the_agenda(self, lan, settings):
        settings.KAM_HEALTH_AT_RISK = 56
        scored(client_of(lan))
        assert agenda_items(lan) == []

    def test_another_kams_client_at_risk_is_not_on_lans_agenda(self, lan, minh):
        scored(client_of(minh))
        assert agenda_items(lan) == []

    def test_a_client_lost_since_its_last_score_leaves_the_agenda(self, lan):
        client = client_of(lan)
        scored(client)
        Client.objects.filter(pk=client.pk).update(status=Client.Status.LOST)
        services.recompute_health()
        assert agenda_items(lan) == []


# --- Renewals --------------------------------------------------------------------------------
class TestRenewals:
    def ending(self, client, days: int):
        return signed_contract(client=client, ends_on=today() + timedelta(days=days))

    def test_a_contract_ending_in_a_month_without_a_renewal_appears(self, lan):
        contract = self.ending(client_of(lan), 30)
        (entry,) = agenda_items(lan)
        assert entry.due_on == contract.ends_on
        assert entry.value == contract.value_amount == Decimal(2_000_000_000)
        assert entry.url.startswith(reverse("growth:opportunity_create"))
        assert f"client={contract.client_id}" in entry.url and "kind=renewal" in entry.url

    def test_it_leaves_once_a_renewal_is_open(self, lan):
        client = client_of(lan)
        self.ending(client, 30)
        OpportunityFactory(
            client=client,
            kind=Opportunity.Kind.RENEWAL,
            status=Opportunity.Status.WON,
            closed_on=today(),
        )
        OpportunityFactory(client=client, kind=Opportunity.Kind.UPSELL)
        assert len(agenda_items(lan)) == 1  # a won renewal or an upsell is not this renewal
        OpportunityFactory(client=client, kind=Opportunity.Kind.RENEWAL)
        assert agenda_items(lan) == []

    def test_a_contract_ending_later_than_sixty_days_or_ended_is_not_there(self, lan):
        client = client_of(lan)
        self.ending(client, 61)
        self.ending(client, -1)
        assert agenda_items(lan) == []

    def test_the_end_date_and_value_are_as_amended(self, lan):
        extended = self.ending(client_of(lan, legal_name="Công ty Gia Hạn"), 30)
        shortened = self.ending(client_of(lan, legal_name="Công ty Rút Ngắn"), 300)
        for contract, days, change in ((extended, 200, 0), (shortened, 20, 500_000_000)):
            delivery_services.record_amendment(
                by=lan, contract=contract, signed_on=today(), summary="Phụ lục thời hạn",
                new_ends_on=today() + timedelta(days=days), value_change_amount=Decimal(change),
            )  # fmt: skip
        (entry,) = agenda_items(lan)
        assert "Công ty Rút Ngắn" in entry.title
        assert entry.due_on == today() + timedelta(days=20)
        assert entry.value == Decimal(2_500_000_000)

    def test_another_kams_contract_is_not_on_lans_agenda(self, lan, minh):
        self.ending(client_of(minh), 30)
        assert agenda_items(lan) == [] and len(agenda_items(minh)) == 1


# --- Who gets insights items -----------------------------------------------------------------
class TestWho:
    def test_finance_and_admins_get_no_insights_items(self, lan, admin, finance):
        client = client_of(lan)
        scored(client)
        answered_survey(client, csat=1, nps=0)
        signed_contract(client=client, ends_on=today() + timedelta(days=20))
        assert len(agenda_items(lan)) == 3
        assert agenda_items(admin) == [] and agenda_items(finance) == []


# --- The daily digest ------------------------------------------------------------------------
class TestDigest:
    def test_the_today_section_lists_what_is_late_or_waiting_not_what_is_later(self, lan):
        lan.language = "en"
        lan.save(update_fields=["language"])
        client = client_of(lan, legal_name="Công ty CP Sữa Việt")
        due = today() - timedelta(days=3)
        client_services.log_interaction(
            by=lan,
            client=client,
            kind="meeting",
            summary="Họp tổng kết",
            next_step="Gửi báo giá Tết",
            next_step_due_on=due,
            next_step_owner=lan,
        )
        answered_survey(client, csat=2, nps=2)
        signed_contract(client=client, ends_on=today() + timedelta(days=30))
        sections = compose_digest(lan, timezone.now() - timedelta(days=1))
        (section,) = [s for s in sections if s.title == "Today"]
        assert section.lines[0] == (
            f"Next step with the client: Gửi báo giá Tết · Công ty CP Sữa Việt ({due:%d/%m/%Y})"
        )
        assert any(line.startswith("Call the unhappy client: ") for line in section.lines)
        assert not any("Open the renewal" in line for line in section.lines)
