"""The services of insights on a real database: a Director sets and adjusts targets (with every
change kept and audited), revenue is booked, invoiced and collected against them and pays
commission by tiers, and satisfaction surveys go out, are answered once through a signed link
that expires, and a low score is followed up."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kam.clients.models import Client, ClientTeamMember, Interaction
from kam.core.errors import DomainError, InvalidTransition
from kam.core.links import LinkRefused
from kam.core.models import AuditEvent
from kam.delivery import services as delivery_services
from kam.delivery.models import Contract
from kam.insights import services
from kam.insights.models import Survey, Target, TargetChange
from kam.insights.periods import span_of
from kam.insights.queries import (
    Attainment,
    attainment_for,
    commission_of,
    low_scores_to_follow_up,
    revenue_by_kam,
)
from kam.insights.services.surveys import public_url, survey_token
from kam.receivables import services as receivables
from tests.clients.factories import StakeholderFactory
from tests.conftest import selects_from
from tests.delivery.factories import draft_contract, running_project, signed_contract
from tests.insights.factories import (
    answered_survey,
    client_of,
    delivered_project,
    person,
    sent_survey,
    today,
)
from tests.receivables.factories import billable_client, finance_user, issued, paid

pytestmark = pytest.mark.django_db

BOOKED, INVOICED, COLLECTED = "booked", "invoiced", "collected"
IN_MAY = date(2026, 5, 14)
TEAM = 6_000_000_000


def events(verb: str):
    return AuditEvent.objects.filter(verb=verb).order_by("pk")


# --- Targets ---------------------------------------------------------------------------------
class TestSettingTargets:
    def test_a_director_sets_the_quarter_target_of_a_kam_of_their_team(self, director, lan):
        target = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="quarter", day=IN_MAY, amount=3_000_000_000
        )
        assert (target.user, target.team, target.set_by) == (lan, None, director)
        assert target.starts_on == date(2026, 4, 1)  # a day in May is in the quarter of April
        assert target.amount == Decimal(3_000_000_000)
        change = target.changes.get()
        assert (change.amount_before, change.amount_after, change.changed_by) == (
            None,
            Decimal(3_000_000_000),
            director,
        )

    @pytest.mark.parametrize(
        ("period", "starts_on"),
        [("month", date(2026, 5, 1)), ("quarter", date(2026, 4, 1)), ("year", date(2026, 1, 1))],
    )
    def test_the_period_is_the_month_quarter_or_year_holding_the_day(
        self, director, lan, period, starts_on
    ):
        target = services.set_target(
            by=director, kam=lan, metric=INVOICED, period=period, day=IN_MAY, amount=1
        )
        assert target.starts_on == starts_on

    def test_a_director_sets_the_target_of_the_team_they_lead(self, director, team_a):
        target = services.set_target(
            by=director, team=team_a, metric=COLLECTED, period="year", day=IN_MAY, amount=10**10
        )
        assert (target.user, target.team) == (None, team_a)

    def test_another_teams_director_cannot_set_lans_target(self, director2, lan, team_a):
        with pytest.raises(Http404):
            services.set_target(
                by=director2, kam=lan, metric=BOOKED, period="month", day=IN_MAY, amount=1
            )
        with pytest.raises(Http404):
            services.set_target(
                by=director2, team=team_a, metric=BOOKED, period="month", day=IN_MAY, amount=1
            )
        assert not Target.objects.exists()

    @pytest.mark.parametrize("name", ["lan", "hoa", "finance", "sales"])
    def test_nobody_but_directors_and_admins_sets_targets(self, everyone, name):
        with pytest.raises(Http404):
            services.set_target(
                by=everyone[name],
                kam=everyone["lan"],
                metric=BOOKED,
                period="month",
                day=IN_MAY,
                amount=1,
            )

    def test_an_admin_sets_anyones_target(self, admin, minh):
        target = services.set_target(
            by=admin, kam=minh, metric=BOOKED, period="month", day=IN_MAY, amount=5
        )
        assert target.set_by == admin

    def test_a_target_is_for_one_kam_or_one_team(self, director, lan, team_a):
        for who in ({}, {"kam": lan, "team": team_a}):
            with pytest.raises(DomainError) as error:
                services.set_target(
                    by=director, metric=BOOKED, period="month", day=IN_MAY, amount=1, **who
                )
            assert error.value.field == "kam"

    @pytest.mark.parametrize(
        ("metric", "period", "field"),
        [("profit", "month", "metric"), (BOOKED, "week", "period")],
    )
    def test_an_unknown_metric_or_period_is_refused(self, director, lan, metric, period, field):
        with pytest.raises(DomainError) as error:
            services.set_target(
                by=director, kam=lan, metric=metric, period=period, day=IN_MAY, amount=1
            )
        assert error.value.field == field

    @pytest.mark.parametrize("amount", ["1500000.5", -1, "-100", "nhiều", None, "1e20"])
    def test_a_fraction_a_negative_or_no_amount_is_refused(self, director, lan, amount):
        with pytest.raises(DomainError) as error:
            services.set_target(
                by=director, kam=lan, metric=BOOKED, period="month", day=IN_MAY, amount=amount
            )
        assert error.value.field == "amount"
        assert not Target.objects.exists()

    def test_setting_the_same_period_again_adjusts_it_with_its_reason(self, director, lan):
        first = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="quarter", day=IN_MAY, amount=100
        )
        again = services.set_target(
            by=director,
            kam=lan,
            metric=BOOKED,
            period="quarter",
            day=date(2026, 6, 30),
            amount=150,
            reason="Khách mới chuyển sang",
        )
        assert again.pk == first.pk and Target.objects.count() == 1
        assert again.amount == 150
        history = list(
            TargetChange.objects.order_by("pk").values_list(
                "amount_before", "amount_after", "reason"
            )
        )
        assert history == [(None, 100, ""), (100, 150, "Khách mới chuyển sang")]

    def test_adjusting_without_a_reason_is_refused(self, director, lan):
        target = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="quarter", day=IN_MAY, amount=100
        )
        for adjust in (
            lambda: services.set_target(
                by=director, kam=lan, metric=BOOKED, period="quarter", day=IN_MAY, amount=200
            ),
            lambda: services.adjust_target(by=director, target=target, amount=200, reason="  "),
        ):
            with pytest.raises(DomainError) as error:
                adjust()
            assert error.value.field == "reason"
        target.refresh_from_db()
        assert target.amount == 100 and target.changes.count() == 1

    def test_adjusting_to_the_same_amount_is_refused(self, director, lan):
        target = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="month", day=IN_MAY, amount=100
        )
        with pytest.raises(DomainError) as error:
            services.adjust_target(by=director, target=target, amount="100", reason="Giữ nguyên")
        assert error.value.field == "amount"
        assert target.changes.count() == 1

    def test_adjusting_keeps_who_changed_it_and_why(self, director, admin, lan):
        target = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="month", day=IN_MAY, amount=100
        )
        services.adjust_target(by=admin, target=target, amount=80, reason="Mất một hợp đồng")
        target.refresh_from_db()
        assert (target.amount, target.set_by) == (80, admin)
        latest = target.changes.first()
        assert (latest.amount_before, latest.amount_after, latest.changed_by) == (100, 80, admin)

    def test_only_the_teams_director_adjusts(self, director, director2, lan):
        target = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="month", day=IN_MAY, amount=100
        )
        for outsider in (director2, lan):
            with pytest.raises(Http404):
                services.adjust_target(by=outsider, target=target, amount=1, reason="Thử")
        target.refresh_from_db()
        assert target.amount == 100

    def test_setting_and_adjusting_are_audited(self, director, lan):
        target = services.set_target(
            by=director, kam=lan, metric=BOOKED, period="month", day=IN_MAY, amount=100
        )
        services.adjust_target(by=director, target=target, amount=120, reason="Tăng giá")
        (set_event,) = events("target.set")
        assert (set_event.actor, set_event.subject_id) == (director, str(target.pk))
        assert set_event.changes["amount"] == [None, "100"]
        (adjusted,) = events("target.adjusted")
        assert adjusted.actor == director
        assert adjusted.changes == {"amount": ["100", "120"], "reason": ["", "Tăng giá"]}


# --- Attainment ------------------------------------------------------------------------------
class TestAttainment:
    @pytest.fixture
    def books(self):
        return finance_user()

    @pytest.fixture
    def quarter(self):
        return span_of("quarter", today())

    @pytest.fixture
    def sua_viet(self, lan):
        return billable_client(owner=lan, legal_name="Công ty CP Sữa Việt")

    def test_a_signed_contract_is_booked_for_the_clients_owner_at_its_value(
        self, sua_viet, lan, hoa, quarter
    ):
        ClientTeamMember.objects.create(client=sua_viet, user=hoa, role="kam")
        signed_contract(client=sua_viet, value=Decimal(2_000_000_000))
        revenue = revenue_by_kam(quarter)
        assert revenue[BOOKED] == {lan.pk: Decimal(2_000_000_000)}

    def test_contracts_signed_in_another_period_or_not_signed_are_not_booked(
        self, sua_viet, quarter
    ):
        old = signed_contract(client=sua_viet)
        Contract.objects.filter(pk=old.pk).update(signed_on=quarter.starts_on - timedelta(days=1))
        draft_contract(client=sua_viet)
        assert revenue_by_kam(quarter)[BOOKED] == {}
        assert revenue_by_kam(quarter.previous())[BOOKED] == {sua_viet.owner_id: 2_000_000_000}

    def test_an_amendments_value_change_is_booked_when_it_is_signed(
        self, sua_viet, lan, admin, quarter
    ):
        contract = signed_contract(client=sua_viet, value=Decimal(2_000_000_000))
        Contract.objects.filter(pk=contract.pk).update(
            signed_on=quarter.starts_on - timedelta(days=40)
        )
        contract.refresh_from_db()
        for change in (300_000_000, -100_000_000, 0):
            delivery_services.record_amendment(
                by=admin, contract=contract, signed_on=today(), summary="Thêm hạng mục",
                value_change_amount=Decimal(change),
            )  # fmt: skip
        assert revenue_by_kam(quarter)[BOOKED] == {lan.pk: Decimal(200_000_000)}
        assert revenue_by_kam(quarter.previous())[BOOKED] == {lan.pk: Decimal(2_000_000_000)}

    def test_invoiced_is_before_vat_less_credit_notes(self, sua_viet, lan, books, quarter):
        issued(sua_viet, by=books, amount=70_000_000, issued_on=quarter.starts_on - timedelta(1))
        invoice = issued(sua_viet, by=books, amount=100_000_000)  # 108 triệu with VAT 8%
        receivables.credit_invoice(
            by=books, invoice=invoice, amount=54_000_000, reason="Giảm một bài đăng KOL"
        )
        assert revenue_by_kam(quarter)[INVOICED] == {lan.pk: Decimal(50_000_000)}

    def test_collected_is_what_was_allocated_by_the_payments_date(
        self, sua_viet, lan, books, quarter
    ):
        issued(sua_viet, by=books, amount=100_000_000, issued_on=quarter.starts_on - timedelta(1))
        day_before = (today() - quarter.starts_on).days + 1
        # 108 triệu with VAT 8%: what a payment settles counts before its VAT.
        paid(sua_viet, 21_600_000, by=books, days_ago=day_before, allocate_oldest_first=True)
        paid(sua_viet, 32_400_000, by=books, allocate_oldest_first=True)
        paid(sua_viet, 5_000_000, by=books)  # received, not allocated to an invoice yet
        assert revenue_by_kam(quarter)[COLLECTED] == {lan.pk: Decimal(30_000_000)}
        assert revenue_by_kam(quarter.previous())[COLLECTED] == {lan.pk: Decimal(20_000_000)}

    def test_collected_from_an_exempt_invoice_is_all_revenue(self, sua_viet, lan, books, quarter):
        issued(sua_viet, by=books, amount=50_000_000, vat_code="exempt")
        paid(sua_viet, 50_000_000, by=books, allocate_oldest_first=True)
        assert revenue_by_kam(quarter)[COLLECTED] == {lan.pk: Decimal(50_000_000)}

    def test_a_team_has_the_sum_of_its_kams(self, director, lan, hoa, minh, quarter):
        signed_contract(client=client_of(lan), value=Decimal(2_000_000_000))
        signed_contract(client=client_of(hoa), value=Decimal(1_000_000_000))
        signed_contract(client=client_of(minh), value=Decimal(7_000_000_000))
        services.set_target(
            by=director, kam=lan, metric=BOOKED, period="quarter", day=today(), amount=4 * 10**9
        )
        services.set_target(
            by=director, team=lan.team, metric=BOOKED, period="quarter", day=today(), amount=TEAM
        )
        rows = {row.name: row for row in attainment_for(director, quarter)}
        assert set(rows) == {str(lan), str(hoa), str(lan.team)}  # not minh: another team
        assert rows[str(lan)].metrics[BOOKED].actual == Decimal(2_000_000_000)
        assert rows[str(lan)].metrics[BOOKED].target == Decimal(4_000_000_000)
        assert rows[str(lan)].metrics[BOOKED].percent == 50
        assert rows[str(lan)].metrics[BOOKED].gap == Decimal(2_000_000_000)
        team = rows[str(lan.team)].metrics[BOOKED]
        assert (team.actual, team.target, team.percent) == (3 * 10**9, 6 * 10**9, 50)
        assert rows[str(hoa)].metrics[BOOKED].target is None

    def test_an_admin_sees_every_team_each_summing_its_own_kams(
        self, admin, lan, hoa, minh, quarter
    ):
        signed_contract(client=client_of(lan), value=Decimal(2_000_000_000))
        signed_contract(client=client_of(hoa), value=Decimal(1_000_000_000))
        signed_contract(client=client_of(minh), value=Decimal(7_000_000_000))
        teams = {
            row.team.name: row.metrics[BOOKED].actual
            for row in attainment_for(admin, quarter)
            if row.kam is None
        }
        assert teams == {lan.team.name: 3_000_000_000, minh.team.name: 7_000_000_000}

    def test_a_kam_sees_their_own_row_not_their_teammates(self, lan, hoa, quarter):
        signed_contract(client=client_of(lan), value=Decimal(2_000_000_000))
        signed_contract(client=client_of(hoa), value=Decimal(1_000_000_000))
        rows = attainment_for(lan, quarter)
        assert [row.kam for row in rows if row.kam] == [lan]
        assert rows[0].metrics[BOOKED].actual == Decimal(2_000_000_000)

    def test_the_projection_runs_the_pace_so_far_to_the_periods_end(self, director, lan, quarter):
        signed_contract(client=client_of(lan), value=Decimal(2_000_000_000))
        elapsed = quarter.elapsed_days(today())
        if elapsed == quarter.days:
            pytest.skip("today is the quarter's last day: the projection is what was made")
        (row,) = attainment_for(lan, quarter)
        booked = row.metrics[BOOKED]
        assert booked.projected == (Decimal(2_000_000_000) * quarter.days / elapsed).quantize(1)
        assert booked.projected > booked.actual

    def test_a_past_period_projects_what_it_made_and_a_future_one_nothing(self, lan, quarter):
        contract = signed_contract(client=client_of(lan), value=Decimal(2_000_000_000))
        Contract.objects.filter(pk=contract.pk).update(signed_on=quarter.starts_on - timedelta(1))
        (past,) = attainment_for(lan, quarter.previous())
        assert past.metrics[BOOKED].projected == past.metrics[BOOKED].actual == 2_000_000_000
        (future,) = attainment_for(lan, quarter.next())
        assert future.metrics[BOOKED].projected == 0

    def test_on_track_compares_the_projection_with_the_target(self, director, lan, quarter):
        signed_contract(client=client_of(lan), value=Decimal(2_000_000_000))
        services.set_target(
            by=director, kam=lan, metric=BOOKED, period="quarter", day=today(), amount=10**12
        )
        (row,) = attainment_for(lan, quarter)
        assert row.metrics[BOOKED].on_track is False
        assert row.metrics[INVOICED].on_track is None  # no target


class TestCommission:
    def attained(self, actual, target) -> Attainment:
        return Attainment(COLLECTED, Decimal(actual), target and Decimal(target), Decimal(0))

    def test_no_target_means_no_rate(self):
        commission = commission_of(self.attained(500, None))
        assert (commission.collected, commission.rate_percent, commission.amount) == (
            500,
            None,
            None,
        )
        assert commission.next_tier is None

    def test_eighty_five_percent_earns_one_and_a_half_percent(self):
        commission = commission_of(self.attained(850_000_000, 1_000_000_000))
        assert commission.attainment_percent == 85
        assert commission.rate_percent == Decimal("1.5")
        assert commission.amount == Decimal(12_750_000)
        assert commission.next_tier == (100, Decimal(3))

    def test_one_hundred_and_twenty_percent_earns_the_top_rate(self):
        commission = commission_of(self.attained(1_200_000_000, 1_000_000_000))
        assert (commission.rate_percent, commission.amount) == (Decimal(4), Decimal(48_000_000))
        assert commission.next_tier is None

    def test_under_the_first_tier_earns_nothing_yet(self):
        commission = commission_of(self.attained(799_999_999, 1_000_000_000))
        assert (commission.attainment_percent, commission.rate_percent) == (79, 0)
        assert commission.amount == 0
        assert commission.next_tier == (80, Decimal("1.5"))

    def test_the_tiers_are_a_setting(self, settings):
        settings.KAM_COMMISSION_TIERS = [(0, Decimal(1)), (50, Decimal(2))]
        assert commission_of(self.attained(60, 100)).rate_percent == 2


# --- Surveys: sending ------------------------------------------------------------------------
@pytest.fixture
def sua_viet(lan):
    return client_of(lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def mai(sua_viet):
    return person(sua_viet, full_name="Trần Thị Mai", email="mai@suaviet.vn")


class TestSendingSurveys:
    def test_the_kam_sends_a_survey_to_a_stakeholder_with_an_email(self, lan, sua_viet, mai):
        survey = services.send_survey(by=lan, client=sua_viet, stakeholder=mai)
        assert (survey.status, survey.reason, survey.sent_by) == ("sent", "manual", lan)
        assert survey.link_expires_at - survey.sent_at == timedelta(days=30)
        assert events("survey.sent").get().actor == lan

    def test_the_email_goes_once_committed_with_the_public_link(
        self, lan, sua_viet, mai, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            survey = services.send_survey(by=lan, client=sua_viet, stakeholder=mai)
            assert mail.outbox == []
        (message,) = mail.outbox
        assert message.to == ["mai@suaviet.vn"]
        assert public_url(survey) in message.body
        assert survey_token(survey) in message.body

    def test_nothing_is_emailed_when_the_sending_rolls_back(self, lan, sua_viet, mai):
        services.send_survey(by=lan, client=sua_viet, stakeholder=mai)
        assert mail.outbox == []  # the test's transaction never commits

    def test_a_stakeholder_without_an_email_or_gone_is_refused(self, lan, sua_viet):
        for stakeholder in (
            StakeholderFactory(client=sua_viet, email=""),
            StakeholderFactory(client=sua_viet, email="cu@suaviet.vn", is_active=False),
        ):
            with pytest.raises(DomainError) as error:
                services.send_survey(by=lan, client=sua_viet, stakeholder=stakeholder)
            assert error.value.field == "stakeholder"
        assert not Survey.objects.exists()

    def test_a_stakeholder_of_another_client_is_refused(self, lan, sua_viet):
        stranger = person(client_of(lan))
        with pytest.raises(DomainError) as error:
            services.send_survey(by=lan, client=sua_viet, stakeholder=stranger)
        assert error.value.field == "stakeholder"

    def test_a_project_of_another_client_is_refused(self, lan, sua_viet, mai):
        elsewhere = delivered_project(client=client_of(lan))
        with pytest.raises(DomainError) as error:
            services.send_survey(by=lan, client=sua_viet, stakeholder=mai, project=elsewhere)
        assert error.value.field == "project"

    def test_a_projects_survey_follows_its_delivery(self, lan, sua_viet, mai):
        running = running_project(client=sua_viet)
        for project in (running, None):
            with pytest.raises(DomainError) as error:
                services.send_survey(
                    by=lan, client=sua_viet, stakeholder=mai, project=project, reason="project"
                )
            assert error.value.field == "project"
        assert not Survey.objects.exists()

    def test_a_project_has_one_survey(self, lan, sua_viet, mai):
        project = delivered_project(client=sua_viet)
        services.send_survey(
            by=lan, client=sua_viet, stakeholder=mai, project=project, reason="project"
        )
        with pytest.raises(InvalidTransition):
            services.send_survey(
                by=lan, client=sua_viet, stakeholder=mai, project=project, reason="project"
            )
        assert Survey.objects.count() == 1

    @pytest.mark.parametrize("name", ["minh", "director2", "hoa", "finance", "creative"])
    def test_only_the_clients_kam_side_sends(self, everyone, sua_viet, mai, name):
        with pytest.raises(Http404):
            services.send_survey(by=everyone[name], client=sua_viet, stakeholder=mai)

    def test_the_kams_director_sends_too(self, director, sua_viet, mai):
        assert services.send_survey(by=director, client=sua_viet, stakeholder=mai).sent_by == (
            director
        )


# --- Surveys: the link -----------------------------------------------------------------------
class TestTheLink:
    @pytest.fixture
    def survey(self, lan, sua_viet, mai):
        return services.send_survey(by=lan, client=sua_viet, stakeholder=mai)

    def test_the_link_finds_its_survey(self, survey):
        assert services.survey_from_link(survey_token(survey)) == survey

    @pytest.mark.parametrize(
        "spoil",
        [
            lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
            lambda token: "x" + token,
            lambda token: "",
            lambda token: token.split(":")[0],
        ],
    )
    def test_a_tampered_link_is_refused(self, survey, spoil):
        with pytest.raises(LinkRefused) as error:
            services.survey_from_link(spoil(survey_token(survey)))
        assert error.value.status_code == 403

    def test_an_expired_link_is_refused(self, survey):
        token = survey_token(survey)
        Survey.objects.filter(pk=survey.pk).update(
            link_expires_at=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(LinkRefused):
            services.survey_from_link(token)
        with pytest.raises(LinkRefused):
            services.answer_survey(token=token, csat=5, nps=10)

    def test_sending_again_replaces_the_link(self, lan, survey, django_capture_on_commit_callbacks):
        old = survey_token(survey)
        with django_capture_on_commit_callbacks(execute=True):
            again = services.resend_survey(by=lan, survey=survey)
        new = survey_token(again)
        assert new != old
        with pytest.raises(LinkRefused) as error:
            services.survey_from_link(old)
        assert error.value.status_code == 403
        assert services.survey_from_link(new) == survey
        (message,) = mail.outbox
        assert new in message.body and old not in message.body
        assert events("survey.resent").get().actor == lan

    def test_the_answer_checks_the_link_on_the_survey_as_locked(self, survey):
        # Read once, locked: a sending again committed between a read and a lock cannot let
        # the replaced link answer.
        with CaptureQueriesContext(connection) as run:
            services.answer_survey(token=survey_token(survey), csat=5, nps=9)
        reads = selects_from("insights_survey", run)
        assert len(reads) == 1, reads
        assert "FOR UPDATE" in reads[0] or not connection.features.has_select_for_update

    def test_a_survey_is_named_by_its_local_sending_day(self, survey):
        # 23:30 UTC on 31 May is already 1 June in Ho Chi Minh City.
        survey.sent_at = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)
        assert str(survey).endswith("01/06/2026")

    def test_an_answered_survey_is_not_sent_again(self, lan, survey):
        services.answer_survey(token=survey_token(survey), csat=5, nps=10)
        with pytest.raises(InvalidTransition):
            services.resend_survey(by=lan, survey=survey)

    def test_only_the_kam_side_sends_it_again(self, minh, survey):
        with pytest.raises(Http404):
            services.resend_survey(by=minh, survey=survey)


# --- Surveys: answering ----------------------------------------------------------------------
class TestAnswering:
    @pytest.fixture
    def survey(self, lan, sua_viet, mai):
        return services.send_survey(by=lan, client=sua_viet, stakeholder=mai)

    def test_the_stakeholder_answers_once(self, survey):
        token = survey_token(survey)
        answered = services.answer_survey(token=token, csat="4", nps=" 8 ", comment="  Tốt  ")
        assert (answered.status, answered.csat, answered.nps, answered.comment) == (
            "answered",
            4,
            8,
            "Tốt",
        )
        assert answered.answered_at is not None and answered.low_score is False
        event = events("survey.answered").get()
        assert event.actor is None and event.changes["nps"] == [None, 8]
        with pytest.raises(LinkRefused):
            services.answer_survey(token=token, csat=1, nps=0)
        survey.refresh_from_db()
        assert (survey.csat, survey.nps) == (4, 8)

    @pytest.mark.parametrize(
        ("csat", "nps", "field"),
        [
            (0, 5, "csat"),
            (6, 5, "csat"),
            ("4.5", 5, "csat"),
            ("rất tốt", 5, "csat"),
            (None, 5, "csat"),
            (4, 11, "nps"),
            (4, -1, "nps"),
            (4, "", "nps"),
            (4, "10; DROP TABLE", "nps"),
        ],
    )
    def test_a_score_out_of_range_or_garbage_is_refused_and_nothing_is_saved(
        self, survey, csat, nps, field
    ):
        with pytest.raises(DomainError) as error:
            services.answer_survey(token=survey_token(survey), csat=csat, nps=nps)
        assert error.value.field == field
        survey.refresh_from_db()
        assert (survey.status, survey.csat, survey.nps, survey.answered_at) == (
            "sent",
            None,
            None,
            None,
        )
        assert not events("survey.answered").exists()

    @pytest.mark.parametrize(
        ("csat", "nps", "low"),
        [(3, 10, True), (4, 10, False), (5, 6, True), (5, 7, False), (1, 0, True)],
    )
    def test_a_low_score_is_at_or_under_the_settings(self, sua_viet, csat, nps, low):
        assert answered_survey(sua_viet, csat=csat, nps=nps).low_score is low

    def test_the_low_score_thresholds_are_settings(self, sua_viet, settings):
        settings.KAM_SURVEY_LOW_CSAT, settings.KAM_SURVEY_LOW_NPS = 2, 3
        assert answered_survey(sua_viet, csat=3, nps=4).low_score is False
        assert answered_survey(sua_viet, csat=2, nps=10).low_score is True


# --- Surveys: following up -------------------------------------------------------------------
class TestFollowingUp:
    @pytest.fixture
    def unhappy(self, sua_viet, mai):
        return answered_survey(sua_viet, csat=2, nps=3, comment="Giao trễ", stakeholder=mai)

    def test_following_up_logs_a_call_and_clears_the_low_score(self, lan, sua_viet, mai, unhappy):
        assert list(low_scores_to_follow_up(Client.objects.all())) == [unhappy]
        done = services.follow_up_survey(by=lan, survey=unhappy, note="Đã gọi, hẹn họp lại")
        assert (done.followed_up_by, done.follow_up_note) == (lan, "Đã gọi, hẹn họp lại")
        assert done.followed_up_at is not None
        call = Interaction.objects.get(client=sua_viet)
        assert call.kind == "call" and call.recorded_by == lan
        assert "Đã gọi, hẹn họp lại" in call.summary
        assert list(call.stakeholders.all()) == [mai]
        assert not low_scores_to_follow_up(Client.objects.all()).exists()
        assert events("survey.followed_up").get().actor == lan

    def test_a_low_score_is_followed_up_once(self, lan, unhappy):
        services.follow_up_survey(by=lan, survey=unhappy, note="Đã gọi")
        with pytest.raises(InvalidTransition):
            services.follow_up_survey(by=lan, survey=unhappy, note="Gọi lần nữa")
        assert Interaction.objects.count() == 1

    def test_a_happy_answer_has_nothing_to_follow_up(self, lan, sua_viet):
        happy = answered_survey(sua_viet, csat=5, nps=10)
        with pytest.raises(InvalidTransition):
            services.follow_up_survey(by=lan, survey=happy, note="Cảm ơn")

    def test_following_up_says_what_was_agreed(self, lan, unhappy):
        with pytest.raises(DomainError) as error:
            services.follow_up_survey(by=lan, survey=unhappy, note="   ")
        assert error.value.field == "note"
        assert not Interaction.objects.exists()

    @pytest.mark.parametrize("name", ["minh", "director2", "hoa", "finance"])
    def test_only_the_kam_side_follows_up(self, everyone, unhappy, name):
        with pytest.raises(Http404):
            services.follow_up_survey(by=everyone[name], survey=unhappy, note="Đã gọi")
        unhappy.refresh_from_db()
        assert unhappy.followed_up_at is None

    def test_the_kams_director_may_follow_up(self, director, unhappy):
        assert services.follow_up_survey(by=director, survey=unhappy, note="Đã gặp").pk


# --- Surveys: the daily round ----------------------------------------------------------------
class TestDueSurveys:
    def growth_client(self, lan, **fields) -> Client:
        """Not a key client: only its projects are surveyed."""
        return client_of(lan, tier=Client.Tier.GROWTH, **fields)

    def test_a_project_delivered_five_days_ago_gets_one_survey(
        self, lan, django_capture_on_commit_callbacks
    ):
        client = self.growth_client(lan)
        person(client, role="influencer", email="anh@khach.vn")
        boss = person(client, role="decision_maker", email="sep@khach.vn")
        project = delivered_project(client=client, days_ago=5)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_due_surveys() == 1
        survey = Survey.objects.get()
        assert (survey.project, survey.reason, survey.stakeholder) == (project, "project", boss)
        assert survey.sent_by is None
        assert [message.to for message in mail.outbox] == [["sep@khach.vn"]]
        assert services.send_due_surveys() == 0  # the job ran twice: sent once
        assert Survey.objects.count() == 1

    def test_a_project_delivered_long_ago_or_still_running_is_not_surveyed(self, lan):
        client = self.growth_client(lan)
        person(client)
        delivered_project(client=client, days_ago=31)
        running_project(client=client)
        assert services.send_due_surveys() == 0

    def test_a_project_surveyed_by_hand_is_not_surveyed_again(self, lan):
        client = self.growth_client(lan)
        mai = person(client)
        project = delivered_project(client=client, days_ago=2)
        services.send_survey(
            by=lan, client=client, stakeholder=mai, project=project, reason="project"
        )
        assert services.send_due_surveys() == 0

    def test_a_key_client_not_asked_for_six_months_gets_a_scheduled_survey(self, lan):
        client = client_of(lan)
        person(client)
        asked_lately = client_of(lan)
        sent_survey(asked_lately)
        asked_long_ago = client_of(lan)
        old = sent_survey(asked_long_ago)
        Survey.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=200))
        assert services.send_due_surveys() == 2
        scheduled = Survey.objects.filter(reason="scheduled")
        assert set(scheduled.values_list("client", flat=True)) == {client.pk, asked_long_ago.pk}
        assert services.send_due_surveys() == 0

    def test_a_key_client_with_a_project_survey_now_gets_no_scheduled_one_too(self, lan):
        client = client_of(lan)
        person(client)
        delivered_project(client=client, days_ago=1)
        assert services.send_due_surveys() == 1
        assert Survey.objects.get().reason == "project"

    def test_only_active_key_clients_are_asked_on_schedule(self, lan):
        for fields in (
            {"tier": Client.Tier.GROWTH},
            {"tier": Client.Tier.STANDARD},
            {"status": Client.Status.DORMANT},
            {"status": Client.Status.LOST},
        ):
            person(client_of(lan, **fields))
        assert services.send_due_surveys() == 0

    def test_a_client_with_no_stakeholder_email_is_skipped(self, lan):
        client = client_of(lan)
        StakeholderFactory(client=client, decision_role="decision_maker", email="")
        person(client, is_active=False)  # gone: not asked either
        delivered_project(client=client, days_ago=3)
        assert services.send_due_surveys() == 0
        assert not Survey.objects.exists()

    def test_the_decision_maker_is_asked_first_then_the_closest_relationship(self, lan):
        client = client_of(lan)
        person(client, role="user", relationship=5)
        close = person(client, role="influencer", relationship=5)
        person(client, role="influencer", relationship=2)
        assert services.person_to_ask(client) == close
        boss = person(client, role="decision_maker", relationship=1)
        assert services.person_to_ask(client) == boss


def test_a_kam_sees_no_team_row_for_a_team_whose_other_kams_they_do_not_see(lan, hoa):
    rows = attainment_for(lan, span_of("quarter", timezone.localdate()))
    assert [row.kam for row in rows] == [lan]
