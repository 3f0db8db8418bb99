"""Who sees which leads, opportunities and hand-overs; the pipeline's totals; the forecast's
arithmetic; the agenda."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kam.clients.models import ClientTeamMember
from kam.growth import queries, services
from kam.growth.forecast import add_months, forecast_for, quarter_start
from kam.growth.models import Handover
from tests.clients.factories import ClientFactory
from tests.growth.factories import LeadFactory, OpportunityFactory, stage
from tests.growth.test_services import CHECKLIST

TODAY = date(2026, 11, 27)  # Q4 2026: the forecast runs October 2026 to September 2027


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Sữa Việt", owner=lan)


@pytest.fixture
def hoa_sen(minh):
    return ClientFactory(legal_name="Hoa Sen", owner=minh)


class TestVisibility:
    def test_sales_see_their_own_leads_directors_all_kams_none(self, sales, director, lan, admin):
        lead = LeadFactory(owner=sales)
        other = LeadFactory(owner=type(sales).objects.create(username="s2", is_sales=True))
        assert list(queries.leads_visible_to(sales)) == [lead]
        assert set(queries.leads_visible_to(director)) == {lead, other}
        assert set(queries.leads_visible_to(admin)) == {lead, other}
        assert not queries.leads_visible_to(lan).exists()

    def test_kams_see_the_opportunities_of_their_clients_only(
        self, lan, hoa, minh, sua_viet, hoa_sen
    ):
        mine, theirs = OpportunityFactory(client=sua_viet), OpportunityFactory(client=hoa_sen)
        assert list(queries.opportunities_visible_to(lan)) == [mine]
        assert list(queries.opportunities_visible_to(minh)) == [theirs]
        assert not queries.opportunities_visible_to(hoa).exists()  # not on Sữa Việt's team

    def test_directors_see_their_teams_and_sales_pipeline_finance_sees_all(
        self, director, director2, finance, sales, sua_viet, hoa_sen
    ):
        mine, theirs = OpportunityFactory(client=sua_viet), OpportunityFactory(client=hoa_sen)
        prospect = ClientFactory(owner=sales, status="prospect")
        hunting = OpportunityFactory(client=prospect, kind="new_business")
        assert set(queries.opportunities_visible_to(director)) == {mine, hunting}
        assert set(queries.opportunities_visible_to(director2)) == {theirs, hunting}
        assert queries.opportunities_visible_to(finance).count() == 3

    def test_sales_keep_reading_a_client_they_handed_over(self, sales, lan):
        lead = LeadFactory(owner=sales, status="qualified")
        won = services.win_opportunity(
            by=sales, opportunity=services.convert_lead(by=sales, lead=lead)
        )
        handover = services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        services.accept_handover(by=lan, handover=handover)
        assert list(queries.opportunities_visible_to(sales)) == [won]
        assert ClientTeamMember.objects.filter(user=sales, client=won.client).exists()
        assert queries.handovers_visible_to(sales).get() == handover


class TestPipeline:
    def test_totals_count_sum_and_weigh_in_the_database(self, lan, sua_viet):
        OpportunityFactory(client=sua_viet, value_amount=Decimal(1_000_000_000))  # 10 %
        OpportunityFactory(
            client=sua_viet, value_amount=Decimal(300_000_000), stage=stage(3), probability=50
        )
        totals = queries.pipeline_totals(queries.opportunities_visible_to(lan))
        assert totals["count"] == 2
        assert totals["value"] == Decimal(1_300_000_000)
        assert totals["weighted"] == Decimal(250_000_000)

    def test_filters_narrow_the_table(self, lan, sua_viet):
        upsell = OpportunityFactory(client=sua_viet, title="KOL Tết", stage=stage(2))
        OpportunityFactory(client=sua_viet, kind="renewal", title="Gia hạn")
        found = queries.opportunities_for_list(
            lan, queries.PipelineFilters(stage=stage(2).pk, kind="upsell", query="kol tet")
        )
        assert list(found) == [upsell]

    def test_the_board_groups_open_ones_by_stage_with_totals(
        self, lan, sua_viet, django_assert_max_num_queries
    ):
        for position in (1, 1, 3):
            OpportunityFactory(client=sua_viet, stage=stage(position))
        services.win_opportunity(by=lan, opportunity=OpportunityFactory(client=sua_viet))
        with django_assert_max_num_queries(8):
            columns = queries.board_columns(lan, queries.PipelineFilters())
        by_stage = {column.stage.position: column for column in columns}
        assert [by_stage[p].count for p in (1, 2, 3)] == [2, 0, 1]
        assert by_stage[1].weighted == Decimal(200_000_000)


class TestForecast:
    @pytest.fixture
    def pipeline(self, lan, minh, sua_viet, hoa_sen):
        def open_one(client, value, probability, closes):
            return OpportunityFactory(
                client=client,
                value_amount=Decimal(value),
                probability=probability,
                expected_close_on=closes,
            )

        open_one(sua_viet, 1_000_000_000, 50, date(2026, 12, 15))  # Q4 2026: 500 M
        open_one(sua_viet, 400_000_000, 25, date(2027, 2, 1))  # Q1 2027: 100 M
        open_one(hoa_sen, 900_000_000, 10, date(2027, 8, 31))  # Q3 2027: 90 M
        open_one(sua_viet, 5_000_000_000, 90, date(2027, 10, 1))  # beyond four quarters
        won = open_one(sua_viet, 700_000_000, 75, date(2026, 11, 30))
        services.win_opportunity(by=lan, opportunity=won, closed_on=timezone.localdate())
        lost = open_one(hoa_sen, 800_000_000, 75, date(2026, 12, 1))
        services.lose_opportunity(by=minh, opportunity=lost, reason="Giá")

    def test_weighted_pipeline_and_won_by_month_and_quarter(self, pipeline, admin):
        forecast = forecast_for(admin, today=TODAY)
        assert forecast.start == date(2026, 10, 1) and len(forecast.months) == 12
        weighted = {row.key: row.weighted for row in forecast.months if row.weighted}
        assert weighted == {
            date(2026, 12, 1): Decimal(500_000_000),
            date(2027, 2, 1): Decimal(100_000_000),
            date(2027, 8, 1): Decimal(90_000_000),
        }
        assert [q.weighted for q in forecast.quarters] == [
            Decimal(500_000_000),
            Decimal(100_000_000),
            Decimal(0),
            Decimal(90_000_000),
        ]
        assert [q.label for q in forecast.quarters] == ["Q4/2026", "Q1/2027", "Q2/2027", "Q3/2027"]
        assert forecast.total.pipeline == Decimal(2_300_000_000)
        this_month = timezone.localdate().replace(day=1)
        if date(2026, 10, 1) <= this_month < date(2027, 10, 1):
            assert forecast.total.won == Decimal(700_000_000)

    def test_per_owner_and_per_team_rows_add_up_to_the_total(self, pipeline, admin, lan, minh):
        forecast = forecast_for(admin, today=TODAY)
        by_owner = {row.label: row.weighted for row in forecast.by_owner}
        assert by_owner == {str(lan): Decimal(600_000_000), str(minh): Decimal(90_000_000)}
        assert sum(row.weighted for row in forecast.by_team) == forecast.total.weighted
        assert {row.label for row in forecast.by_team} == {"Nhóm A", "Nhóm B"}
        lan_row = next(row for row in forecast.by_owner if row.key == lan.pk)
        assert lan_row.quarters == [Decimal(500_000_000), Decimal(100_000_000), 0, 0]

    def test_a_kam_forecasts_only_what_they_see(self, pipeline, lan):
        assert forecast_for(lan, today=TODAY).total.weighted == Decimal(600_000_000)

    def test_filtering_by_team_or_owner(self, pipeline, admin, minh):
        by_team = forecast_for(admin, today=TODAY, team=minh.team_id)
        assert by_team.total.weighted == Decimal(90_000_000)
        assert forecast_for(admin, today=TODAY, owner=minh.pk).total.weighted == Decimal(90_000_000)

    def test_the_forecast_takes_a_bounded_number_of_queries(
        self, pipeline, admin, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(4):
            forecast_for(admin, today=TODAY)

    def test_an_empty_pipeline_draws_empty_bars(self, admin):
        chart = forecast_for(admin, today=TODAY).chart
        assert len(chart) == 12 and all(bar["weighted_height"] == 0 for bar in chart)

    def test_quarters_start_in_january_april_july_and_october(self):
        assert quarter_start(date(2027, 2, 28)) == date(2027, 1, 1)
        assert quarter_start(date(2027, 12, 31)) == date(2027, 10, 1)
        assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)


class TestAgenda:
    def test_a_pending_hand_over_is_on_both_peoples_agenda_until_accepted(self, sales, lan):
        lead = LeadFactory(owner=sales, status="qualified")
        won = services.win_opportunity(
            by=sales, opportunity=services.convert_lead(by=sales, lead=lead)
        )
        handover = services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        with translation.override("en"):
            kam_items = [item.action for item in queries.agenda_items(lan)]
            sales_items = [item.action for item in queries.agenda_items(sales)]
            assert "Accept the hand-over" in kam_items
            assert "Hand-over waiting for the KAM" in sales_items
            services.accept_handover(by=lan, handover=handover)
            assert not Handover.objects.exclude(status="accepted").exists()
            assert "Accept the hand-over" not in [item.action for item in queries.agenda_items(lan)]

    def test_next_steps_due_within_a_week_are_on_the_owners_agenda(self, lan, sua_viet):
        today = timezone.localdate()
        OpportunityFactory(client=sua_viet, next_step="Gọi", next_step_due_on=today)
        OpportunityFactory(
            client=sua_viet, next_step="Sau", next_step_due_on=today + timedelta(days=30)
        )
        assert [item.detail for item in queries.agenda_items(lan)] == ["Gọi"]
