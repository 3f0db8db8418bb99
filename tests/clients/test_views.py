from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kam.clients.models import Client, Interaction
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", owner=lan)


def detail(client) -> str:
    return reverse("clients:client_detail", args=[client.pk])


class TestList:
    def test_the_list_shows_ones_clients_and_flags_the_quiet_ones(self, login, lan, sua_viet):
        page = login(lan).get(reverse("clients:client_list"))
        assert page.status_code == 200
        assert "Công ty Cổ phần Sữa Việt" in page.content.decode()
        assert 'data-testid="quiet-flag"' in page.content.decode()  # never contacted

    def test_another_teams_kam_sees_none_of_it(self, login, minh, sua_viet):
        page = login(minh).get(reverse("clients:client_list"), {"q": "sua viet"})
        assert "Sữa Việt" not in page.content.decode()

    def test_an_htmx_search_answers_only_the_rows(self, login, lan, sua_viet):
        page = login(lan).get(
            reverse("clients:client_list"), {"q": "sua viet"}, HTTP_HX_REQUEST="true"
        )
        assert "<table>" in page.content.decode() and "<html" not in page.content.decode()
        assert page["Vary"].count("HX-Request") == 1

    def test_unknown_filter_values_are_ignored_not_an_error(self, login, lan, sua_viet):
        page = login(lan).get(
            reverse("clients:client_list"),
            {"tier": "gold", "owner": "x", "sort": "drop", "page": "-1"},
        )
        assert page.status_code == 200

    def test_queries_do_not_grow_with_the_number_of_clients(
        self, login, lan, django_assert_max_num_queries
    ):
        for _number in range(60):
            client = ClientFactory(owner=lan)
            InteractionFactory(client=client)
        browser = login(lan)
        with django_assert_max_num_queries(6):
            page = browser.get(reverse("clients:client_list"))
        assert page.context["page"].paginator.count == 60


class TestClientPage:
    def test_the_client_page_shows_stakeholders_next_steps_and_timeline(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        person = StakeholderFactory(client=sua_viet, full_name="Trần Thu Hà")
        for days in range(25):
            meeting = InteractionFactory(
                client=sua_viet, happened_at=timezone.now() - timedelta(days=days)
            )
            meeting.stakeholders.add(person)
            meeting.our_people.add(lan)
        browser = login(lan)
        with django_assert_max_num_queries(24):
            page = browser.get(detail(sua_viet))
        content = page.content.decode()
        assert "Trần Thu Hà" in content and "Họp khởi động" in content

    def test_the_page_of_another_teams_client_is_a_404(self, login, minh, sua_viet):
        assert login(minh).get(detail(sua_viet)).status_code == 404

    def test_a_planner_on_the_team_reads_it_without_edit_links(self, login, lan, planner, sua_viet):
        sua_viet.team_members.create(user=planner, role="planner")
        content = login(planner).get(detail(sua_viet)).content.decode()
        assert reverse("clients:client_edit", args=[sua_viet.pk]) not in content


class TestCreatingAClient:
    def form(self, **changes) -> dict:
        return {
            "legal_name": "Công ty TNHH Nước Sông Hồng",
            "tax_code": "0312345673",
            "industry": "food_beverage",
            "tier": "key",
            "potential": "high",
            "buying_complexity": "medium",
            "status": "active",
            **changes,
        }

    def test_a_kam_creates_a_key_client_they_own(self, login, lan):
        response = login(lan).post(reverse("clients:client_create"), self.form())
        client = Client.objects.get()
        assert response.status_code == 302 and response["Location"] == detail(client)
        assert client.owner == lan and client.tier == "key"

    def test_a_wrong_check_digit_offers_a_confirmation_then_accepts(self, login, lan):
        refused = login(lan).post(
            reverse("clients:client_create"), self.form(tax_code="0312345674")
        )
        assert refused.status_code == 422
        assert 'type="checkbox" name="accept_unusual_tax_code"' in refused.content.decode()
        accepted = login(lan).post(
            reverse("clients:client_create"),
            self.form(tax_code="0312345674", accept_unusual_tax_code="on"),
        )
        assert accepted.status_code == 302

    @pytest.mark.parametrize(
        "changes,field",
        [
            ({"tax_code": "12345"}, "tax_code"),
            ({"legal_name": ""}, "legal_name"),
            ({"legal_name": "x" * 300}, "legal_name"),
            ({"tier": "platinum"}, "tier"),
        ],
    )
    def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(
        self, login, lan, changes, field
    ):
        response = login(lan).post(reverse("clients:client_create"), self.form(**changes))
        assert response.status_code == 422
        assert response.context["form"].errors[field]
        assert not Client.objects.exists()

    def test_a_duplicate_tax_code_is_refused(self, login, lan, sua_viet):
        sua_viet.tax_code = "0312345673"
        sua_viet.save()
        response = login(lan).post(reverse("clients:client_create"), self.form())
        assert response.status_code == 422
        with translation.override("vi"):
            taken = gettext("Another client has this tax code.")
        assert response.context["form"].errors["tax_code"] == [taken]


class TestQuickAdd:
    def test_logging_a_meeting_with_htmx_answers_the_new_timeline(self, login, lan, hoa, sua_viet):
        person = StakeholderFactory(client=sua_viet)
        response = login(lan).post(
            reverse("clients:client_interaction_add", args=[sua_viet.pk]),
            {
                "kind": "meeting",
                "summary": "Họp kick-off Tết",
                "stakeholders": [person.pk],
                "next_step": "Gửi brief sáng tạo",
                "next_step_due_on": "2026-12-05",
                "next_step_owner": lan.pk,
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        content = response.content.decode()
        assert "<html" not in content and "Họp kick-off Tết" in content
        interaction = Interaction.objects.get()
        assert interaction.next_step_owner == lan and list(interaction.stakeholders.all()) == [
            person
        ]

    def test_a_refused_quick_add_answers_422_with_the_form_and_saves_nothing(
        self, login, lan, sua_viet
    ):
        response = login(lan).post(
            reverse("clients:client_interaction_add", args=[sua_viet.pk]),
            {"kind": "call", "summary": "Gọi", "next_step": "Gọi lại"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 422
        assert "form-error" in response.content.decode()
        assert not Interaction.objects.exists()

    def test_without_javascript_it_is_a_page_and_a_redirect(self, login, lan, sua_viet):
        url = reverse("clients:client_interaction_add", args=[sua_viet.pk])
        assert login(lan).get(url).status_code == 200
        response = login(lan).post(url, {"kind": "call", "summary": "Gọi hỏi thăm"})
        assert response.status_code == 302 and response["Location"] == detail(sua_viet)

    def test_marking_a_next_step_done(self, login, lan, sua_viet):
        call = InteractionFactory(
            client=sua_viet, next_step="Gọi lại", next_step_due_on="2026-12-01", next_step_owner=lan
        )
        login(lan).post(reverse("clients:interaction_next_step_done", args=[call.pk]))
        call.refresh_from_db()
        assert call.next_step_done_at is not None

    def test_marking_done_what_has_no_next_step_says_so(self, login, lan, sua_viet):
        call = InteractionFactory(client=sua_viet)
        response = login(lan).post(
            reverse("clients:interaction_next_step_done", args=[call.pk]), follow=True
        )
        with translation.override("vi"):
            assert gettext("This interaction has no next step.") in response.content.decode()


class TestTeamAndStakeholders:
    def test_adding_and_removing_an_account_team_member(self, login, lan, hoa, sua_viet):
        login(lan).post(
            reverse("clients:client_member_add", args=[sua_viet.pk]),
            {"user": hoa.pk, "role": "kam"},
        )
        member = sua_viet.team_members.get()
        assert member.user == hoa
        login(lan).post(reverse("clients:member_remove", args=[member.pk]))
        assert not sua_viet.team_members.exists()

    def test_adding_the_owner_to_the_team_is_refused_on_the_page(self, login, lan, sua_viet):
        response = login(lan).post(
            reverse("clients:client_member_add", args=[sua_viet.pk]),
            {"user": lan.pk, "role": "kam"},
        )
        assert response.status_code == 422
        assert not sua_viet.team_members.exists()

    def test_adding_a_stakeholder_with_a_vietnamese_phone(self, login, lan, sua_viet):
        response = login(lan).post(
            reverse("clients:client_stakeholder_add", args=[sua_viet.pk]),
            {
                "full_name": "Trần Thu Hà",
                "decision_role": "decision_maker",
                "influence": 5,
                "relationship": 3,
                "preferred_channel": "zalo",
                "phone": "0912.345.678",
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        assert sua_viet.stakeholders.get().phone == "0912345678"

    @pytest.mark.parametrize(
        "changes,field",
        [({"phone": "123"}, "phone"), ({"email": "x@"}, "email"), ({"influence": -1}, "influence")],
    )
    def test_a_bad_stakeholder_field_is_refused(self, login, lan, sua_viet, changes, field):
        data = {"full_name": "Hà", "decision_role": "user", "influence": 3, "relationship": 3}
        response = login(lan).post(
            reverse("clients:client_stakeholder_add", args=[sua_viet.pk]),
            {**data, "preferred_channel": "phone", **changes},
        )
        assert response.status_code == 422
        assert response.context["form"].errors[field]

    def test_the_stakeholder_page_and_moving_them(self, login, lan, sua_viet):
        other = ClientFactory(legal_name="Sông Hồng", owner=lan)
        person = StakeholderFactory(client=sua_viet)
        assert (
            login(lan).get(reverse("clients:stakeholder_detail", args=[person.pk])).status_code
            == 200
        )
        login(lan).post(
            reverse("clients:stakeholder_move", args=[person.pk]), {"to_client": other.pk}
        )
        person.refresh_from_db()
        assert person.client == other
