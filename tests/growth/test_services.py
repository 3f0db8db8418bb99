"""The growth rules: leads and their conversion, opportunities through the pipeline, stages,
hand-overs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone, translation

from kam.clients import services as client_services
from kam.clients.models import Client, ClientTeamMember, Stakeholder
from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.growth import services
from kam.growth.models import Handover, Lead, Opportunity
from tests.clients.factories import ClientFactory
from tests.growth.factories import LeadFactory, OpportunityFactory, stage

TODAY = timezone.localdate
CHECKLIST = {
    "stakeholders_introduced": True,
    "commercial_terms": "Phí 12% ngân sách media",
    "promises_made": "Báo cáo tuần",
    "risks": "Không có",
    "documents": "Thư mục chung",
    "context_note": "Người quyết định là Giám đốc Marketing.",
}


@pytest.fixture
def qualified(sales):
    return LeadFactory(
        owner=sales,
        company_name="Công ty TNHH Nước khoáng Suối Tiên",
        tax_code="",
        status=Lead.Status.QUALIFIED,
        contact_name="Tạ Quang Huy",
        contact_email="huy@suoitien.vn",
    )


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", owner=lan, tax_code="0312345673")


class TestLeads:
    def test_sales_logs_a_lead_they_own_with_its_tax_code_tidied(self, sales):
        lead = services.create_lead(
            by=sales, company_name="Công ty Gạch Đồng Nai", source="event", tax_code="0312 345 673"
        )
        assert (lead.owner, lead.tax_code, lead.status) == (sales, "0312345673", "new")
        assert AuditEvent.objects.filter(verb="lead.created", subject_id=str(lead.pk)).exists()

    def test_a_kam_cannot_log_a_lead(self, lan):
        with pytest.raises(Http404):
            services.create_lead(by=lan, company_name="X", source="event")

    def test_only_a_director_names_another_salesperson(self, sales, director, planner):
        other = type(sales).objects.create(username="sales2", full_name="B", is_sales=True)
        with pytest.raises(DomainError) as refused:
            services.create_lead(by=sales, company_name="X", source="event", owner=other)
        assert refused.value.field == "owner"
        lead = services.create_lead(by=director, company_name="X", source="event", owner=other)
        assert lead.owner == other

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"estimated_amount": Decimal(-1)}, "estimated_amount"),
            ({"tax_code": "12345"}, "tax_code"),
            ({"company_name": "  "}, "company_name"),
            ({"status": "disqualified"}, "disqualified_reason"),
            ({"status": "converted"}, "status"),
        ],
    )
    def test_bad_lead_input_is_refused_beside_its_field(self, sales, fields, field):
        lead = LeadFactory(owner=sales)
        with pytest.raises(DomainError) as refused:
            services.update_lead(by=sales, lead=lead, **fields)
        assert refused.value.field == field
        lead.refresh_from_db()
        assert lead.status == "new" and lead.estimated_amount == Decimal(500_000_000)

    def test_disqualifying_keeps_the_reason_and_requalifying_drops_it(self, sales):
        lead = LeadFactory(owner=sales)
        services.update_lead(by=sales, lead=lead, status="disqualified", disqualified_reason="Nhỏ")
        services.update_lead(by=sales, lead=lead, status="contacted")
        lead.refresh_from_db()
        assert (lead.status, lead.disqualified_reason) == ("contacted", "")


class TestConversion:
    def test_a_qualified_lead_becomes_a_prospect_and_a_new_business_opportunity(
        self, qualified, sales
    ):
        opportunity = services.convert_lead(by=sales, lead=qualified)
        client = opportunity.client
        assert (client.legal_name, client.owner, client.status) == (
            "Công ty TNHH Nước khoáng Suối Tiên",
            sales,
            Client.Status.PROSPECT,
        )
        assert (opportunity.kind, opportunity.owner, opportunity.lead) == (
            "new_business",
            sales,
            qualified,
        )
        assert opportunity.value_amount == qualified.estimated_amount
        assert opportunity.stage == stage(1) and opportunity.probability == 10
        assert Stakeholder.objects.get(client=client).email == "huy@suoitien.vn"
        qualified.refresh_from_db()
        assert (qualified.status, qualified.client) == ("converted", client)

    def test_converting_twice_is_refused_and_leaves_one_client(self, qualified, sales):
        services.convert_lead(by=sales, lead=qualified)
        with pytest.raises(InvalidTransition):
            services.convert_lead(by=sales, lead=qualified)
        assert Client.objects.count() == 1 and Opportunity.objects.count() == 1

    @pytest.mark.parametrize("status", ["new", "contacted"])
    def test_a_lead_not_yet_qualified_is_not_converted(self, sales, status):
        lead = LeadFactory(owner=sales, status=status)
        with pytest.raises(InvalidTransition):
            services.convert_lead(by=sales, lead=lead)
        assert not Client.objects.exists()

    def test_the_same_tax_code_links_the_existing_client(self, qualified, sales, sua_viet):
        qualified.tax_code = "0312345673"
        qualified.save()
        opportunity = services.convert_lead(by=sales, lead=qualified)
        assert opportunity.client == sua_viet and Client.objects.count() == 1

    @pytest.mark.parametrize(
        "written", ["CÔNG TY SỮA VIỆT", "Sua Viet JSC", "Công ty TNHH Sữa Việt", "sữa việt"]
    )
    def test_the_same_name_written_otherwise_links_the_existing_client(
        self, sales, sua_viet, written
    ):
        lead = LeadFactory(owner=sales, company_name=written, status="qualified")
        assert services.convert_lead(by=sales, lead=lead).client == sua_viet
        assert Client.objects.count() == 1

    def test_a_different_company_with_a_similar_name_gets_its_own_client(self, sales, sua_viet):
        lead = LeadFactory(owner=sales, company_name="Sữa Việt Miền Bắc", status="qualified")
        assert services.convert_lead(by=sales, lead=lead).client != sua_viet

    def test_a_failure_half_way_leaves_nothing_written(self, qualified, sales, monkeypatch):
        def broken(**kwargs):
            raise DomainError("the stakeholder could not be saved")

        monkeypatch.setattr(client_services, "add_stakeholder", broken)
        with pytest.raises(DomainError):
            services.convert_lead(by=sales, lead=qualified)
        qualified.refresh_from_db()
        assert qualified.status == "qualified"
        assert not Client.objects.exists() and not Opportunity.objects.exists()

    def test_someone_else_cannot_convert_a_salespersons_lead(self, qualified, lan):
        with pytest.raises(Http404):
            services.convert_lead(by=lan, lead=qualified)


class TestOpportunities:
    def test_a_kam_opens_one_in_the_first_stage_at_its_probability(self, lan, sua_viet):
        opportunity = services.create_opportunity(
            by=lan,
            client=sua_viet,
            title="KOL Tết",
            kind="upsell",
            value_amount=Decimal(2_000_000_000),
            expected_close_on=TODAY() + timedelta(days=40),
        )
        assert (opportunity.owner, opportunity.stage, opportunity.probability) == (
            lan,
            stage(1),
            10,
        )

    def test_a_given_probability_overrides_the_stage(self, lan, sua_viet):
        opportunity = services.create_opportunity(
            by=lan, client=sua_viet, title="X", kind="upsell", stage=stage(3),
            probability=60, expected_close_on=TODAY(),
        )  # fmt: skip
        assert opportunity.probability == 60

    def test_an_outsider_cannot_open_one_on_a_client_they_do_not_change(self, minh, sua_viet):
        with pytest.raises(Http404):
            services.create_opportunity(
                by=minh, client=sua_viet, title="X", kind="upsell", expected_close_on=TODAY()
            )

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"value_amount": Decimal(-5)}, "value_amount"),
            ({"probability": 101}, "probability"),
            ({"probability": -1}, "probability"),
            ({"expected_close_on": TODAY() - timedelta(days=800)}, "expected_close_on"),
            ({"next_step": "Gọi lại"}, "next_step_due_on"),
            ({"title": ""}, "title"),
        ],
    )
    def test_bad_values_are_refused_and_nothing_changes(self, lan, sua_viet, fields, field):
        opportunity = OpportunityFactory(client=sua_viet)
        with pytest.raises(DomainError) as refused:
            services.update_opportunity(by=lan, opportunity=opportunity, **fields)
        assert refused.value.field == field
        opportunity.refresh_from_db()
        assert opportunity.value_amount == Decimal(1_000_000_000) and opportunity.probability == 10

    def test_moving_takes_the_new_stages_probability_and_is_audited(self, lan, sua_viet):
        opportunity = OpportunityFactory(client=sua_viet)
        services.move_opportunity(by=lan, opportunity=opportunity, stage=stage(4))
        opportunity.refresh_from_db()
        assert (opportunity.stage, opportunity.probability) == (stage(4), 75)
        event = AuditEvent.objects.get(verb="opportunity.moved")
        assert event.changes["probability"] == [10, 75]

    def test_a_retired_stage_takes_no_opportunities(self, lan, sua_viet):
        retired = stage(2)
        retired.is_active = False
        retired.save()
        with pytest.raises(DomainError):
            services.move_opportunity(
                by=lan, opportunity=OpportunityFactory(client=sua_viet), stage=retired
            )

    def test_winning_closes_it_at_full_probability_today(self, lan, sua_viet):
        opportunity = OpportunityFactory(client=sua_viet, next_step="Gọi", next_step_due_on=TODAY())
        services.win_opportunity(by=lan, opportunity=opportunity, note="Duyệt")
        opportunity.refresh_from_db()
        assert (opportunity.status, opportunity.probability, opportunity.closed_on) == (
            "won",
            100,
            TODAY(),
        )
        assert opportunity.next_step == "" and opportunity.next_step_due_on is None

    def test_a_lost_opportunity_cannot_be_won_or_changed(self, lan, sua_viet):
        opportunity = OpportunityFactory(client=sua_viet)
        services.lose_opportunity(by=lan, opportunity=opportunity, reason="Giá cao")
        with pytest.raises(InvalidTransition):
            services.win_opportunity(by=lan, opportunity=opportunity)
        with pytest.raises(InvalidTransition):
            services.update_opportunity(by=lan, opportunity=opportunity, title="Khác")
        opportunity.refresh_from_db()
        assert (opportunity.status, opportunity.lost_reason) == ("lost", "Giá cao")

    def test_losing_needs_a_reason(self, lan, sua_viet):
        opportunity = OpportunityFactory(client=sua_viet)
        with pytest.raises(DomainError) as refused:
            services.lose_opportunity(by=lan, opportunity=opportunity, reason="  ")
        assert refused.value.field == "reason"

    def test_it_cannot_close_in_the_future(self, lan, sua_viet):
        with pytest.raises(DomainError):
            services.win_opportunity(
                by=lan,
                opportunity=OpportunityFactory(client=sua_viet),
                closed_on=TODAY() + timedelta(days=1),
            )

    def test_the_teammate_on_the_account_team_may_move_it_an_outsider_may_not(
        self, lan, hoa, minh, sua_viet
    ):
        ClientTeamMember.objects.create(client=sua_viet, user=hoa, role="kam")
        opportunity = OpportunityFactory(client=sua_viet)
        services.move_opportunity(by=hoa, opportunity=opportunity, stage=stage(2))
        with pytest.raises(Http404):
            services.move_opportunity(by=minh, opportunity=opportunity, stage=stage(3))


class TestStages:
    def test_an_admin_adds_and_reweighs_stages(self, admin):
        added = services.create_stage(by=admin, name="Thử", position=6, probability=95)
        services.update_stage(by=admin, stage=added, probability=97, name_en="Trial")
        added.refresh_from_db()
        assert (added.probability, added.name_en) == (97, "Trial")

    def test_a_probability_outside_0_to_100_is_refused(self, admin):
        with pytest.raises(DomainError) as refused:
            services.create_stage(by=admin, name="Sai", position=7, probability=120)
        assert refused.value.field == "probability"

    def test_only_admins_edit_stages(self, director):
        with pytest.raises(Http404):
            services.update_stage(by=director, stage=stage(1), probability=5)


@pytest.fixture
def won(qualified, sales):
    opportunity = services.convert_lead(by=sales, lead=qualified)
    return services.win_opportunity(by=sales, opportunity=opportunity)


class TestHandovers:
    def test_sales_hands_a_won_client_to_a_kam_who_accepts_it(self, won, sales, lan):
        handover = services.hand_over_client(
            by=sales, client=won.client, opportunity=won, to_kam=lan, **CHECKLIST
        )
        assert (handover.status, handover.from_user) == ("pending", sales)
        services.accept_handover(by=lan, handover=handover)
        client = Client.objects.get(pk=won.client_id)
        assert (client.owner, client.status) == (lan, Client.Status.ACTIVE)
        assert ClientTeamMember.objects.get(client=client, user=sales).role == "sales"
        handover.refresh_from_db()
        assert handover.status == "accepted" and handover.accepted_at is not None

    def test_an_incomplete_checklist_says_what_is_missing(self, won, sales, lan):
        with pytest.raises(DomainError) as refused, translation.override("en"):
            services.hand_over_client(
                by=sales, client=won.client, to_kam=lan, **{**CHECKLIST, "risks": ""}
            )
        assert refused.value.message == "Complete the checklist before handing over: risks."
        assert not Handover.objects.exists()

    def test_a_client_is_handed_over_once_at_a_time(self, won, sales, lan, hoa):
        services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        with pytest.raises(DomainError):
            services.hand_over_client(by=sales, client=won.client, to_kam=hoa, **CHECKLIST)
        assert Handover.objects.count() == 1

    def test_only_a_kam_receives_a_client(self, won, sales, finance):
        with pytest.raises(DomainError) as refused:
            services.hand_over_client(by=sales, client=won.client, to_kam=finance, **CHECKLIST)
        assert refused.value.field == "to_kam"

    def test_the_kam_sends_it_back_and_sales_answers(self, won, sales, lan):
        handover = services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        services.return_handover(by=lan, handover=handover, question="Hạn thanh toán?")
        handover.refresh_from_db()
        assert (handover.status, handover.question) == ("returned", "Hạn thanh toán?")
        with pytest.raises(InvalidTransition):
            services.accept_handover(by=lan, handover=handover)
        services.update_handover(by=sales, handover=handover, commercial_terms="Thanh toán 30 ngày")
        handover.refresh_from_db()
        assert handover.status == "pending"

    def test_nobody_but_the_receiving_kam_accepts(self, won, sales, hoa, lan):
        handover = services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        for someone in (sales, hoa):
            with pytest.raises(Http404):
                services.accept_handover(by=someone, handover=handover)

    def test_an_accepted_hand_over_is_final(self, won, sales, lan):
        handover = services.hand_over_client(by=sales, client=won.client, to_kam=lan, **CHECKLIST)
        services.accept_handover(by=lan, handover=handover)
        with pytest.raises(Http404):  # no longer the KAM's to answer, nor Sales' to change
            services.accept_handover(by=lan, handover=handover)
        with pytest.raises(Http404):
            services.update_handover(by=sales, handover=handover, risks="Khác")


class TestRenewals:
    @pytest.fixture
    def ending_term(self, sua_viet, director):
        from kam.clients import services as client_services

        team = sua_viet.owner.team
        team.leader = director
        team.save()
        term = client_services.propose_term(
            by=sua_viet.owner, client=sua_viet, kind="price", description="Chiết khấu 10%",
            valid_from=TODAY() - timedelta(days=200), valid_until=TODAY() + timedelta(days=60),
        )  # fmt: skip
        return client_services.approve_term(by=director, term=term)

    def test_a_term_ending_soon_gets_one_renewal_opportunity_however_often_it_runs(
        self, ending_term, sua_viet
    ):
        assert services.open_renewal_opportunities() == 1
        assert services.open_renewal_opportunities() == 0
        renewal = Opportunity.objects.get()
        assert (renewal.kind, renewal.client, renewal.owner, renewal.renewal_of_term) == (
            "renewal",
            sua_viet,
            sua_viet.owner,
            ending_term,
        )
        assert renewal.expected_close_on == ending_term.valid_until

    def test_the_daily_job_opens_them(self, ending_term):
        from kam.growth.jobs import open_renewal_opportunities_job

        open_renewal_opportunities_job()  # immediate mode in tests: it runs at once
        open_renewal_opportunities_job()
        assert Opportunity.objects.filter(renewal_of_term=ending_term).count() == 1

    def test_terms_ending_after_the_notice_period_or_unapproved_wait(self, ending_term, settings):
        settings.KAM_RENEWAL_NOTICE_DAYS = 30
        assert services.open_renewal_opportunities() == 0
        settings.KAM_RENEWAL_NOTICE_DAYS = 90
        ending_term.approved_at = None
        ending_term.save()
        assert services.open_renewal_opportunities() == 0

    def test_a_run_that_loses_the_race_opens_nothing_more(self, ending_term, monkeypatch):
        """Two runs at once: the second finds the term taken by the unique link."""
        from kam.growth import queries

        due = list(queries.terms_due_for_renewal(TODAY()))
        services.open_renewal_opportunities()
        monkeypatch.setattr(queries, "terms_due_for_renewal", lambda today: due)
        assert services.open_renewal_opportunities() == 0
        assert Opportunity.objects.count() == 1
