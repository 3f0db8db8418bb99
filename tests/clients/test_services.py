from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from kam.clients import services
from kam.clients.models import Client, Interaction
from kam.core.errors import DomainError
from kam.core.models import AuditEvent
from tests.clients.factories import ClientFactory, StakeholderFactory


@pytest.fixture
def sua_viet(lan):
    return services.create_client(
        by=lan, legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", tax_code="0312345673"
    )


class TestClients:
    def test_a_kam_opens_a_client_as_its_owner(self, lan, sua_viet):
        assert sua_viet.owner == lan
        assert AuditEvent.objects.filter(verb="client.created", subject_id=str(sua_viet.pk)).count()

    def test_a_kam_cannot_give_a_new_client_to_someone_else(self, lan, hoa):
        with pytest.raises(DomainError) as refused:
            services.create_client(by=lan, legal_name="X", owner=hoa)
        assert refused.value.field == "owner"

    def test_a_director_opens_a_client_for_a_kam_of_theirs(self, director, lan):
        client = services.create_client(by=director, legal_name="Sông Hồng", owner=lan)
        assert client.owner == lan

    def test_sales_planners_and_departments_do_not_open_clients(self, sales, planner, creative):
        for person in (sales, planner, creative):
            with pytest.raises(Http404):
                services.create_client(by=person, legal_name="X")
        assert not Client.objects.exists()

    @pytest.mark.parametrize("code", ["12345", "0312345673-1", "03123456730"])
    def test_a_malformed_tax_code_is_refused(self, lan, code):
        with pytest.raises(DomainError) as refused:
            services.create_client(by=lan, legal_name="X", tax_code=code)
        assert refused.value.field == "tax_code"

    def test_a_wrong_check_digit_warns_until_the_user_confirms_it(self, lan):
        with pytest.raises(DomainError) as refused:
            services.create_client(by=lan, legal_name="Cũ", tax_code="0312345674")
        assert refused.value.field == "tax_code"
        client = services.create_client(
            by=lan, legal_name="Cũ", tax_code="0312345674", accept_unusual_tax_code=True
        )
        assert client.tax_code == "0312345674"

    def test_a_tax_code_belongs_to_one_client_only(self, lan, sua_viet):
        with pytest.raises(DomainError) as refused:
            services.create_client(by=lan, legal_name="Bản sao", tax_code="0312 345 673")
        assert refused.value.field == "tax_code"
        assert Client.objects.count() == 1

    def test_a_branch_has_its_own_tax_code(self, lan, sua_viet):
        branch = services.create_client(
            by=lan, legal_name="Chi nhánh Hà Nội", tax_code="0312345673-001", parent=sua_viet
        )
        assert branch.parent == sua_viet

    def test_clients_without_a_tax_code_do_not_collide(self, lan):
        services.create_client(by=lan, legal_name="A")
        services.create_client(by=lan, legal_name="B")
        assert Client.objects.filter(tax_code="").count() == 2

    def test_a_company_cannot_sit_under_its_own_brand(self, lan, sua_viet):
        brand = services.create_client(by=lan, legal_name="Nhãn hàng", parent=sua_viet)
        with pytest.raises(DomainError) as refused:
            services.update_client(by=lan, client=sua_viet, parent=brand)
        assert refused.value.field == "parent"
        with pytest.raises(DomainError):
            services.update_client(by=lan, client=sua_viet, parent=sua_viet)

    def test_the_owner_changes_details_and_the_history_says_from_what_to_what(self, lan, sua_viet):
        services.update_client(by=lan, client=sua_viet, tier="key", status="active")
        event = AuditEvent.objects.get(verb="client.updated")
        assert event.changes == {"tier": ["standard", "key"], "status": ["prospect", "active"]}

    def test_saving_without_a_change_writes_no_event(self, lan, sua_viet):
        services.update_client(by=lan, client=sua_viet, short_name="Sữa Việt")
        assert not AuditEvent.objects.filter(verb="client.updated").exists()

    def test_only_the_director_moves_a_client_to_another_kam(self, lan, hoa, director, sua_viet):
        with pytest.raises(DomainError):
            services.update_client(by=lan, client=sua_viet, owner=hoa)
        services.update_client(by=director, client=sua_viet, owner=hoa)
        sua_viet.refresh_from_db()
        assert sua_viet.owner == hoa

    def test_a_client_is_owned_by_a_kam_or_director(self, director, sua_viet, finance):
        with pytest.raises(DomainError) as refused:
            services.update_client(by=director, client=sua_viet, owner=finance)
        assert refused.value.field == "owner"

    def test_another_teams_kam_cannot_change_the_client(self, minh, sua_viet):
        with pytest.raises(Http404):
            services.update_client(by=minh, client=sua_viet, tier="growth")

    def test_an_account_team_kam_may_change_it_a_planner_on_it_may_not(
        self, lan, hoa, planner, sua_viet
    ):
        services.add_team_member(by=lan, client=sua_viet, user=hoa, role="kam")
        services.add_team_member(by=lan, client=sua_viet, user=planner, role="planner")
        services.update_client(by=hoa, client=sua_viet, potential="high")
        with pytest.raises(Http404):
            services.update_client(by=planner, client=sua_viet, potential="low")

    def test_someone_is_on_the_account_team_once(self, lan, hoa, sua_viet):
        services.add_team_member(by=lan, client=sua_viet, user=hoa, role="kam")
        with pytest.raises(DomainError):
            services.add_team_member(by=lan, client=sua_viet, user=hoa, role="planner")
        with pytest.raises(DomainError):
            services.add_team_member(by=lan, client=sua_viet, user=lan, role="kam")

    def test_removing_a_member_is_recorded(self, lan, hoa, sua_viet):
        member = services.add_team_member(by=lan, client=sua_viet, user=hoa, role="kam")
        services.remove_team_member(by=lan, member=member)
        assert not sua_viet.team_members.exists()
        assert AuditEvent.objects.filter(verb="client.member_removed").exists()


class TestStakeholders:
    def test_a_phone_is_stored_in_one_written_form(self, lan, sua_viet):
        person = services.add_stakeholder(
            by=lan, client=sua_viet, full_name="Trần Thu Hà", phone="+84 912 345 678"
        )
        assert person.phone == "0912345678"

    def test_a_bad_phone_or_email_is_refused_beside_its_field(self, lan, sua_viet):
        with pytest.raises(DomainError) as refused:
            services.add_stakeholder(by=lan, client=sua_viet, full_name="Hà", phone="12")
        assert refused.value.field == "phone"
        with pytest.raises(DomainError) as refused:
            services.add_stakeholder(by=lan, client=sua_viet, full_name="Hà", email="not-an-email")
        assert refused.value.field == "email"
        assert not sua_viet.stakeholders.exists()

    @pytest.mark.parametrize("influence", [0, 6, -1])
    def test_influence_is_one_to_five(self, lan, sua_viet, influence):
        with pytest.raises(DomainError) as refused:
            services.add_stakeholder(by=lan, client=sua_viet, full_name="Hà", influence=influence)
        assert refused.value.field == "influence"

    def test_a_contact_who_changes_company_moves_and_their_history_stays(self, lan, sua_viet):
        other = services.create_client(by=lan, legal_name="Sông Hồng")
        person = services.add_stakeholder(by=lan, client=sua_viet, full_name="Trần Thu Hà")
        meeting = services.log_interaction(
            by=lan, client=sua_viet, summary="Họp", stakeholders=[person]
        )
        services.move_stakeholder(by=lan, stakeholder=person, to_client=other)
        person.refresh_from_db()
        assert person.client == other
        assert list(meeting.stakeholders.all()) == [person]
        assert meeting.client == sua_viet
        moved = AuditEvent.objects.get(verb="stakeholder.moved")
        assert moved.changes == {"client": [str(sua_viet), str(other)]}

    def test_a_contact_cannot_move_to_a_client_one_may_not_change(self, lan, minh, sua_viet):
        theirs = ClientFactory(owner=minh)
        person = StakeholderFactory(client=sua_viet)
        with pytest.raises(Http404):
            services.move_stakeholder(by=lan, stakeholder=person, to_client=theirs)


class TestInteractions:
    def test_logging_a_meeting_with_a_next_step(self, lan, hoa, sua_viet):
        person = StakeholderFactory(client=sua_viet)
        due = date.today() + timedelta(days=7)
        meeting = services.log_interaction(
            by=lan,
            client=sua_viet,
            kind="meeting",
            summary="Kick-off Tết",
            stakeholders=[person],
            next_step="Gửi brief",
            next_step_due_on=due,
            next_step_owner=hoa,
        )
        assert list(meeting.our_people.all()) == [lan]
        assert meeting.next_step_owner == hoa and meeting.next_step_due_on == due
        assert AuditEvent.objects.filter(verb="interaction.created").count() == 1

    @pytest.mark.parametrize(
        "partial",
        [
            {"next_step": "Gọi lại"},
            {"next_step_due_on": date(2026, 12, 1)},
            {"next_step": "Gọi lại", "next_step_due_on": date(2026, 12, 1)},
        ],
    )
    def test_a_next_step_needs_what_when_and_who(self, lan, sua_viet, partial):
        with pytest.raises(DomainError):
            services.log_interaction(by=lan, client=sua_viet, summary="Gọi", **partial)
        assert not Interaction.objects.exists()

    def test_an_interaction_is_logged_after_it_happens(self, lan, sua_viet):
        with pytest.raises(DomainError) as refused:
            services.log_interaction(
                by=lan,
                client=sua_viet,
                summary="Họp",
                happened_at=timezone.now() + timedelta(days=3),
            )
        assert refused.value.field == "happened_at"

    def test_their_people_must_be_this_clients_stakeholders(self, lan, sua_viet):
        stranger = StakeholderFactory()
        with pytest.raises(DomainError) as refused:
            services.log_interaction(
                by=lan, client=sua_viet, summary="Họp", stakeholders=[stranger]
            )
        assert refused.value.field == "stakeholders"
        assert not Interaction.objects.exists()

    def test_finance_logs_a_collection_call_on_any_client(self, finance, sua_viet):
        call = services.log_interaction(by=finance, client=sua_viet, kind="call", summary="Nhắc nợ")
        assert call.recorded_by == finance

    def test_a_kam_of_another_team_cannot_log_on_the_client(self, minh, sua_viet):
        with pytest.raises(Http404):
            services.log_interaction(by=minh, client=sua_viet, summary="?")

    def test_completing_a_next_step_once(self, lan, sua_viet):
        call = services.log_interaction(
            by=lan,
            client=sua_viet,
            summary="Gọi",
            next_step="Gửi báo giá",
            next_step_due_on=date(2026, 12, 1),
            next_step_owner=lan,
        )
        services.complete_next_step(by=lan, interaction=call)
        done_at = call.next_step_done_at
        services.complete_next_step(by=lan, interaction=call)
        call.refresh_from_db()
        assert call.next_step_done_at == done_at
        assert AuditEvent.objects.filter(verb="interaction.next_step_done").count() == 1

    def test_correcting_an_interaction_keeps_what_it_said_before(self, lan, sua_viet):
        call = services.log_interaction(by=lan, client=sua_viet, summary="Gọi lần 1")
        services.update_interaction(by=lan, interaction=call, summary="Gọi lần đầu")
        event = AuditEvent.objects.get(verb="interaction.updated")
        assert event.changes == {"summary": ["Gọi lần 1", "Gọi lần đầu"]}
