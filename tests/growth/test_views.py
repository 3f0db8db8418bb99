"""The growth pages: wiring, forms, the board's htmx move, and bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import Client
from kam.growth import services
from kam.growth.models import Handover, Lead, Opportunity
from tests.clients.factories import ClientFactory
from tests.growth.factories import LeadFactory, OpportunityFactory, stage
from tests.growth.test_services import CHECKLIST


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Sữa Việt")


@pytest.fixture
def pipeline_of_lan(sua_viet):
    return [
        OpportunityFactory(client=sua_viet, title=f"Cơ hội {n}", stage=stage(1 + n % 5))
        for n in range(6)
    ]


def checklist_form(kam) -> dict:
    return {
        **{name: value for name, value in CHECKLIST.items() if name != "stakeholders_introduced"},
        "stakeholders_introduced": "on",
        "to_kam": kam.pk,
    }


class TestPipelinePages:
    def test_the_table_lists_totals_and_the_forecast_in_bounded_queries(
        self, login, lan, pipeline_of_lan, django_assert_max_num_queries
    ):
        http = login(lan)
        with django_assert_max_num_queries(16):
            page = http.get(reverse("growth:pipeline"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Cơ hội 5" in text and 'data-testid="forecast-chart"' in text
        assert page.context["totals"]["count"] == 6

    def test_query_count_does_not_grow_with_the_pipeline(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        for n in range(30):
            OpportunityFactory(client=sua_viet, stage=stage(1 + n % 5))
        http = login(lan)
        with django_assert_max_num_queries(14):
            assert http.get(reverse("growth:pipeline")).status_code == 200
        with django_assert_max_num_queries(16):
            assert http.get(reverse("growth:board")).status_code == 200

    def test_filters_narrow_the_table(self, login, lan, pipeline_of_lan):
        page = login(lan).get(reverse("growth:pipeline"), {"stage": stage(2).pk})
        assert [o.title for o in page.context["page"]] == ["Cơ hội 1"]
        ignored = login(lan).get(reverse("growth:pipeline"), {"stage": "x", "kind": "nope"})
        assert ignored.status_code == 200 and ignored.context["totals"]["count"] == 6

    def test_the_board_shows_a_column_per_stage(self, login, lan, pipeline_of_lan):
        page = login(lan).get(reverse("growth:board"))
        columns = page.context["columns"]
        assert [column.count for column in columns] == [2, 1, 1, 1, 1]

    def test_moving_a_card_with_htmx_redraws_the_board(self, login, lan, pipeline_of_lan):
        card = pipeline_of_lan[0]
        response = login(lan).post(
            reverse("growth:opportunity_move", args=[card.pk]),
            {"stage": stage(4).pk, "board_query": ""},
            HTTP_HX_REQUEST="true",
            follow=True,
        )
        assert response.status_code == 200
        assert 'id="board"' in response.content.decode()
        assert "<html" not in response.content.decode()  # the fragment, not the page
        card.refresh_from_db()
        assert (card.stage, card.probability) == (stage(4), 75)

    def test_another_kam_cannot_move_a_card(self, login, minh, pipeline_of_lan):
        card = pipeline_of_lan[0]
        response = login(minh).post(
            reverse("growth:opportunity_move", args=[card.pk]), {"stage": stage(4).pk}
        )
        assert response.status_code == 404
        card.refresh_from_db()
        assert card.stage == stage(1)

    def test_the_forecast_page_breaks_down_by_kam_and_team(self, login, director, pipeline_of_lan):
        page = login(director).get(reverse("growth:forecast"))
        assert page.status_code == 200
        assert [row.label for row in page.context["forecast"].by_team] == ["Nhóm A"]


class TestOpportunityPages:
    def test_a_kam_opens_one_from_the_client_page(self, login, lan, sua_viet):
        http = login(lan)
        form = http.get(reverse("growth:opportunity_create"), {"client": sua_viet.pk})
        assert form.context["form"].initial["client"] == sua_viet
        response = http.post(
            reverse("growth:opportunity_create"),
            {
                "client": sua_viet.pk,
                "title": "KOL Tết",
                "kind": "upsell",
                "value_amount": "2000000000",
                "stage": stage(2).pk,
                "expected_close_on": (timezone.localdate() + timedelta(days=40)).isoformat(),
            },
        )
        opportunity = Opportunity.objects.get()
        assert response.status_code == 302 and opportunity.owner == lan
        assert opportunity.probability == 25  # the stage's, since none was given

    def test_a_date_years_ago_is_refused_beside_the_field(self, login, lan, sua_viet):
        response = login(lan).post(
            reverse("growth:opportunity_create"),
            {"client": sua_viet.pk, "title": "Cũ", "kind": "upsell", "value_amount": "1",
             "stage": stage(1).pk, "expected_close_on": "2019-01-01"},
        )  # fmt: skip
        assert response.status_code == 422
        assert "expected_close_on" in response.context["form"].errors
        assert not Opportunity.objects.exists()

    def test_a_client_page_shows_its_opportunities(self, login, lan, sua_viet, pipeline_of_lan):
        panel = login(lan).get(reverse("growth:client_panel", args=[sua_viet.pk]))
        assert panel.status_code == 200 and "Cơ hội 0" in panel.content.decode()
        page = login(lan).get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert reverse("growth:client_panel", args=[sua_viet.pk]) in page.content.decode()

    def test_losing_without_a_reason_shows_the_form_again(self, login, lan, pipeline_of_lan):
        card = pipeline_of_lan[0]
        response = login(lan).post(reverse("growth:opportunity_lose", args=[card.pk]), {})
        assert response.status_code == 422 and "reason" in response.context["lose_form"].errors

    def test_a_closed_opportunity_offers_no_changes(self, login, lan, pipeline_of_lan):
        card = services.win_opportunity(by=lan, opportunity=pipeline_of_lan[0])
        page = login(lan).get(reverse("growth:opportunity_detail", args=[card.pk]))
        assert page.context["can_change"] is False
        lan.language = "en"  # the pages speak the person's language
        lan.save()
        again = login(lan).post(reverse("growth:opportunity_win", args=[card.pk]), {})
        assert again.status_code == 422
        assert again.context["win_form"].non_field_errors() == ["This opportunity is won already."]


class TestLeadsToHandOver:
    def test_sales_converts_wins_and_hands_over_and_the_kam_accepts(
        self, login, sales, lan, client
    ):
        lead = LeadFactory(owner=sales, company_name="Công ty TNHH Suối Tiên", status="qualified")
        http = login(sales)
        converted = http.post(reverse("growth:lead_convert", args=[lead.pk]), {})
        opportunity = Opportunity.objects.get()
        assert converted["Location"] == reverse("growth:opportunity_detail", args=[opportunity.pk])
        won = http.post(reverse("growth:opportunity_win", args=[opportunity.pk]), {"note": "Ký"})
        assert won["Location"] == reverse("growth:handover_create", args=[opportunity.pk])
        sent = http.post(won["Location"], checklist_form(lan))
        handover = Handover.objects.get()
        assert sent.status_code == 302 and handover.status == "pending"
        home = login(lan).get(reverse("core:home"))
        assert "Công ty TNHH Suối Tiên" in home.content.decode()
        accepted = login(lan).post(reverse("growth:handover_accept", args=[handover.pk]))
        assert accepted["Location"] == reverse(
            "clients:client_detail", args=[opportunity.client_id]
        )
        assert Client.objects.get().owner == lan
        # Sales keeps reading the client, no longer changes it.
        http = login(sales)
        assert (
            http.get(reverse("clients:client_detail", args=[opportunity.client_id])).status_code
            == 200
        )
        assert (
            http.get(reverse("clients:client_edit", args=[opportunity.client_id])).status_code
            == 404
        )

    def test_an_incomplete_checklist_is_refused_with_what_is_missing(self, login, sales, lan):
        lead = LeadFactory(owner=sales, status="qualified")
        opportunity = services.win_opportunity(
            by=sales, opportunity=services.convert_lead(by=sales, lead=lead)
        )
        response = login(sales).post(
            reverse("growth:handover_create", args=[opportunity.pk]),
            {**checklist_form(lan), "documents": ""},
        )
        assert response.status_code == 422 and not Handover.objects.exists()

    def test_converting_twice_says_so_on_the_lead(self, login, sales):
        lead = LeadFactory(owner=sales, status="qualified")
        services.convert_lead(by=sales, lead=lead)
        response = login(sales).post(reverse("growth:lead_convert", args=[lead.pk]), {})
        assert response.status_code == 422
        assert Client.objects.count() == 1

    def test_the_lead_page_says_which_client_it_will_link(self, login, sales, sua_viet):
        lead = LeadFactory(owner=sales, company_name="SỮA VIỆT", status="qualified")
        page = login(sales).get(reverse("growth:lead_detail", args=[lead.pk]))
        assert page.context["match"] == sua_viet

    def test_the_kam_sends_it_back_and_sales_sees_the_question(self, login, sales, lan):
        lead = LeadFactory(owner=sales, status="qualified")
        won = services.win_opportunity(
            by=sales, opportunity=services.convert_lead(by=sales, lead=lead)
        )
        handover = services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        login(lan).post(reverse("growth:handover_return", args=[handover.pk]), {"question": "Hạn?"})
        page = login(sales).get(reverse("core:home"))
        assert "Hạn?" in page.content.decode()

    def test_leads_list_in_bounded_queries(self, login, sales, django_assert_max_num_queries):
        for n in range(12):
            LeadFactory(owner=sales, status=["new", "contacted", "qualified"][n % 3])
        http = login(sales)
        with django_assert_max_num_queries(8):
            page = http.get(reverse("growth:lead_list"))
        assert len(page.context["page"]) == 12

    def test_a_lead_form_refuses_a_negative_value(self, login, sales):
        response = login(sales).post(
            reverse("growth:lead_create"),
            {"company_name": "X", "source": "event", "status": "new", "estimated_amount": "-5"},
        )
        assert response.status_code == 422 and not Lead.objects.exists()


class TestStagePages:
    def test_an_admin_reweighs_a_stage(self, login, admin):
        target = stage(2)
        response = login(admin).post(
            reverse("growth:stage_edit", args=[target.pk]),
            {"name": target.name, "position": 2, "probability": 30, "is_active": "on"},
        )
        target.refresh_from_db()
        assert response.status_code == 302 and target.probability == 30

    def test_a_probability_over_100_is_refused(self, login, admin):
        response = login(admin).post(
            reverse("growth:stage_create"), {"name": "Sai", "position": 9, "probability": 150}
        )
        assert response.status_code == 422


def test_the_digest_lists_hand_overs_waiting(sales, lan):
    from kam.core.digest import compose_digest

    lead = LeadFactory(owner=sales, status="qualified", estimated_amount=Decimal(1))
    won = services.win_opportunity(by=sales, opportunity=services.convert_lead(by=sales, lead=lead))
    services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
    sections = compose_digest(lan, timezone.now() - timedelta(days=1))
    lines = [line for section in sections for line in section.lines]
    assert any(str(won.client) in line for line in lines)
