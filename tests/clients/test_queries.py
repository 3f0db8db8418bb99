from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from kam.clients import queries, services
from kam.clients.models import Client, Interaction
from tests.clients.factories import ClientFactory, InteractionFactory


@pytest.fixture
def clients(lan, hoa, minh, planner):
    sua_viet = ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", owner=lan)
    shared = ClientFactory(legal_name="Sông Hồng", owner=minh)
    services.add_team_member(by=minh, client=shared, user=planner, role="planner")
    theirs = ClientFactory(legal_name="Hoa Sen", owner=minh)
    return {"sua_viet": sua_viet, "shared": shared, "theirs": theirs}


def names(queryset) -> set[str]:
    return {client.legal_name for client in queryset}


class TestVisibility:
    def test_a_kam_sees_the_clients_on_whose_team_they_are(self, lan, clients):
        assert names(queries.clients_visible_to(lan)) == {"Công ty Cổ phần Sữa Việt"}

    def test_a_teammate_not_on_the_account_team_sees_nothing_of_it(self, hoa, clients):
        assert names(queries.clients_visible_to(hoa)) == set()

    def test_a_director_sees_every_client_of_their_teams(self, director, director2, clients):
        assert names(queries.clients_visible_to(director)) == {"Công ty Cổ phần Sữa Việt"}
        assert names(queries.clients_visible_to(director2)) == {"Sông Hồng", "Hoa Sen"}

    def test_a_planner_sees_the_clients_they_are_put_on(self, planner, clients):
        assert names(queries.clients_visible_to(planner)) == {"Sông Hồng"}

    def test_finance_and_admins_see_every_client(self, finance, admin, clients):
        assert len(names(queries.clients_visible_to(finance))) == 3
        assert len(names(queries.clients_visible_to(admin))) == 3

    def test_sales_and_departments_see_none_yet(self, sales, creative, clients):
        assert not queries.clients_visible_to(sales).exists()
        assert not queries.clients_visible_to(creative).exists()

    @pytest.mark.parametrize(
        "persona", ["lan", "hoa", "minh", "planner", "director", "director2", "creative"]
    )
    def test_records_are_filtered_to_exactly_the_visible_clients(
        self, request, clients, sales, persona
    ):
        prospect = ClientFactory(legal_name="Khách tiềm năng", owner=sales)
        for client in [*clients.values(), prospect]:
            InteractionFactory(client=client, summary=client.legal_name)
        user = request.getfixturevalue(persona)
        filtered = queries.of_visible_clients(Interaction.objects.all(), user)
        assert {i.summary for i in filtered} == names(queries.clients_visible_to(user))

    @pytest.mark.parametrize(
        "persona", ["lan", "hoa", "minh", "planner", "director", "director2", "admin", "creative"]
    )
    def test_the_ids_of_changeable_clients_are_exactly_those_changeable(
        self, request, clients, lan, hoa, minh, persona
    ):
        services.add_team_member(by=minh, client=clients["theirs"], user=lan, role="executive")
        services.add_team_member(by=minh, client=clients["shared"], user=hoa, role="planner")
        user = request.getfixturevalue(persona)
        ids = queries.ids_of_clients_changeable_by(user)
        assert names(Client.objects.filter(pk__in=ids)) == names(
            queries.clients_changeable_by(user)
        )

    def test_a_director_sees_the_records_of_sales_prospects(self, director, sales):
        prospect = ClientFactory(legal_name="Khách tiềm năng", owner=sales)
        InteractionFactory(client=prospect)
        assert queries.of_visible_clients(Interaction.objects.all(), director).count() == 1


class TestList:
    @pytest.mark.parametrize("typed", ["sua viet", "SỮA VIỆT", "cổ phần sua", "CONG TY"])
    def test_search_ignores_marks_and_case(self, lan, clients, typed):
        assert names(queries.clients_for_list(lan, search=typed)) == {"Công ty Cổ phần Sữa Việt"}

    def test_search_never_reaches_past_the_access_policy(self, lan, clients):
        assert not queries.clients_for_list(lan, search="hoa sen").exists()

    @override_settings(KAM_QUIET_AFTER_DAYS=30)
    def test_a_key_client_without_contact_for_30_days_is_quiet(self, lan):
        quiet = ClientFactory(legal_name="Im lặng", owner=lan)
        InteractionFactory(client=quiet, happened_at=timezone.now() - timedelta(days=31))
        InteractionFactory(client=quiet, kind="note")  # a note is not contact
        recent = ClientFactory(legal_name="Gần đây", owner=lan)
        InteractionFactory(client=recent, happened_at=timezone.now() - timedelta(days=2))
        ClientFactory(legal_name="Chưa gặp", owner=lan)
        ClientFactory(legal_name="Thường", owner=lan, tier="standard")
        flags = {c.legal_name: c.is_quiet for c in queries.clients_for_list(lan)}
        assert flags == {"Im lặng": True, "Gần đây": False, "Chưa gặp": True, "Thường": False}
        assert names(queries.clients_for_list(lan, quiet_only=True)) == {"Im lặng", "Chưa gặp"}

    def test_sorting_by_last_contact(self, lan):
        old = ClientFactory(legal_name="Cũ", owner=lan)
        InteractionFactory(client=old, happened_at=timezone.now() - timedelta(days=20))
        new = ClientFactory(legal_name="Mới", owner=lan)
        InteractionFactory(client=new, happened_at=timezone.now() - timedelta(days=1))
        order = [c.legal_name for c in queries.clients_for_list(lan, sort="-last_contact")]
        assert order == ["Mới", "Cũ"]

    def test_filters_combine(self, lan):
        ClientFactory(legal_name="A", owner=lan, tier="key", industry="fmcg")
        ClientFactory(legal_name="B", owner=lan, tier="growth", industry="fmcg")
        assert names(queries.clients_for_list(lan, tier="key", industry="fmcg")) == {"A"}


def test_the_timeline_mixes_interactions_and_changes_newest_first(lan, clients):
    client = clients["sua_viet"]
    services.update_client(by=lan, client=client, potential="high")
    InteractionFactory(client=client, happened_at=timezone.now() - timedelta(days=3))
    kinds = [
        "interaction" if "interaction" in entry else "event"
        for entry in queries.timeline_of(client)
    ]
    assert kinds == ["event", "interaction"]
