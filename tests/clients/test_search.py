from django.urls import reverse

from kam.clients import queries
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory


def found(result: dict) -> dict[str, list[str]]:
    return {
        "clients": [client.legal_name for client in result["clients"]],
        "stakeholders": [person.full_name for person in result["stakeholders"]],
        "interactions": [item.summary for item in result["interactions"]],
    }


def test_one_search_finds_clients_stakeholders_and_interactions_without_accents(lan):
    sua_viet = ClientFactory(owner=lan, legal_name="Công ty Cổ phần Sữa Việt")
    StakeholderFactory(client=sua_viet, full_name="Nguyễn Văn A")
    InteractionFactory(client=sua_viet, summary="Họp về sữa Việt cho Tết")
    assert found(queries.search(lan, "nguyen van a"))["stakeholders"] == ["Nguyễn Văn A"]
    result = found(queries.search(lan, "SUA viet"))
    assert result["clients"] == ["Công ty Cổ phần Sữa Việt"]
    assert result["interactions"] == ["Họp về sữa Việt cho Tết"]


def test_search_respects_the_access_policy(lan, minh):
    theirs = ClientFactory(owner=minh, legal_name="Sữa Việt của đội B")
    StakeholderFactory(client=theirs, full_name="Sữa Việt Contact")
    InteractionFactory(client=theirs, summary="Sữa Việt")
    assert found(queries.search(lan, "sua viet")) == {
        "clients": [],
        "stakeholders": [],
        "interactions": [],
    }


def test_an_empty_search_finds_nothing_rather_than_everything(lan):
    ClientFactory(owner=lan)
    assert found(queries.search(lan, "   "))["clients"] == []


def test_the_search_page_and_api_answer_in_bounded_queries(
    login, lan, django_assert_max_num_queries
):
    for number in range(30):
        client = ClientFactory(owner=lan, legal_name=f"Sữa Việt {number}")
        StakeholderFactory(client=client, full_name=f"Sữa {number}")
        InteractionFactory(client=client, summary="sữa")
    browser = login(lan)
    with django_assert_max_num_queries(6):
        page = browser.get(reverse("clients:search"), {"q": "sua"})
    assert len(page.context["clients"]) == queries.SEARCH_LIMIT
    with django_assert_max_num_queries(6):
        body = browser.get("/api/v1/search", {"q": "sua viet"}).json()
    assert len(body["clients"]) == queries.SEARCH_LIMIT and body["contacts"] == []
    assert browser.get("/api/v1/search", {"q": "x" * 201}).status_code == 422
