import pytest

from kam.people import queries, services
from tests.people.factories import UserFactory


def test_a_director_sees_their_teams_people_and_not_the_other_teams(director, lan, hoa, minh):
    assert set(queries.users_visible_to(director)) == {director, lan, hoa}


def test_a_kam_sees_her_teammates_only(lan, hoa, minh):
    assert set(queries.users_visible_to(lan)) == {lan, hoa}


def test_someone_who_is_not_a_kam_sees_only_themselves_even_inside_a_team(team_a, lan, hoa):
    sales = UserFactory(username="sales_in_a", is_sales=True, team=team_a)
    assert list(queries.users_visible_to(sales)) == [sales]
    assert not queries.teams_visible_to(sales).exists()


def test_a_former_director_stops_seeing_the_team_once_it_has_a_new_leader(
    admin, director, director2, team_a, lan
):
    services.update_team(by=admin, team=team_a, leader=director2)
    services.update_user(by=admin, user=director, is_director=False)
    assert list(queries.users_visible_to(director)) == [director]


def test_a_teammate_reads_a_persons_history_without_their_api_tokens(admin, lan, hoa):
    services.create_api_token(by=lan, name="Google Sheets bí mật")
    services.update_profile(by=lan, full_name="Nguyễn Thị Lan Anh")
    seen_by_hoa = [event.verb for event in queries.history_of_person(hoa, lan)]
    assert seen_by_hoa == ["user.updated"]
    assert "token.created" in [event.verb for event in queries.history_of_person(lan, lan)]
    assert "token.created" in [event.verb for event in queries.history_of_person(admin, lan)]


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn", "NGUYỄN", "thi lan", "lan@example"])
def test_people_are_found_with_or_without_accents_in_any_case(admin, lan, minh, query):
    assert list(queries.users_for_list(admin, search=query)) == [lan]


@pytest.mark.parametrize("query", ["đặng", "ĐẶNG", "dang"])
def test_a_vietnamese_capital_finds_the_same_person_on_every_database(admin, lan, minh, query):
    assert list(queries.users_for_list(admin, search=query)) == [minh]


def test_renaming_a_person_keeps_them_findable(admin, lan):
    services.update_user(by=admin, user=lan, full_name="Trần Ngọc Lan")
    assert list(queries.users_for_list(admin, search="tran ngoc")) == [lan]
    assert not queries.users_for_list(admin, search="nguyen").exists()


def test_a_superuser_made_by_the_command_line_is_findable(admin, db):
    from kam.people.models import User

    User.objects.create_superuser("root", "root@example.com", "x" * 12, full_name="Quản Trị Gốc")
    assert [user.username for user in queries.users_for_list(admin, search="quan tri")] == ["root"]
