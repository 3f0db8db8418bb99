"""A client's margin floor: under it a proposal needs a Director's approval, so the Director sets
it, never the KAM whose proposals it holds."""

import json

import pytest

from kam.clients import services
from kam.core.errors import DomainError
from tests.clients.factories import ClientFactory


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty CP Sữa Việt", owner=lan)


def test_the_director_of_the_clients_kam_sets_its_margin_floor(director, sua_viet):
    services.update_client(by=director, client=sua_viet, margin_floor_percent=25)
    sua_viet.refresh_from_db()
    assert sua_viet.margin_floor_percent == 25


def test_the_kam_cannot_lower_her_clients_floor(lan, sua_viet):
    with pytest.raises(DomainError) as refused:
        services.update_client(by=lan, client=sua_viet, margin_floor_percent=5)
    assert refused.value.field == "margin_floor_percent"


def test_the_kam_may_save_the_client_with_its_floor_as_it_is(lan, director, sua_viet):
    services.update_client(by=director, client=sua_viet, margin_floor_percent=25)
    services.update_client(by=lan, client=sua_viet, short_name="Sữa Việt", margin_floor_percent=25)
    sua_viet.refresh_from_db()
    assert (sua_viet.short_name, sua_viet.margin_floor_percent) == ("Sữa Việt", 25)


def test_a_floor_is_a_percentage(director, sua_viet):
    with pytest.raises(DomainError):
        services.update_client(by=director, client=sua_viet, margin_floor_percent=101)


def test_the_client_form_offers_the_floor_to_the_director_only(login, lan, director, sua_viet):
    page = f"/clients/{sua_viet.pk}/edit/"
    as_kam = login(lan).get(page).content.decode()
    assert (
        'name="margin_floor_percent"' in as_kam
        and "disabled" in as_kam.split('name="margin_floor_percent"')[1].split(">")[0]
    )
    as_director = login(director).get(page).content.decode()
    assert "disabled" not in as_director.split('name="margin_floor_percent"')[1].split(">")[0]


def test_the_api_lets_the_director_set_the_floor_not_the_kam(login, lan, director, sua_viet):
    path = f"/api/v1/clients/{sua_viet.pk}"
    body = json.dumps({"margin_floor_percent": 30})
    refused = login(lan).patch(path, body, content_type="application/json")
    assert refused.status_code == 400
    accepted = login(director).patch(path, body, content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["margin_floor_percent"] == 30
    reset = login(director).patch(
        path, json.dumps({"margin_floor_percent": None}), content_type="application/json"
    )
    assert reset.json()["margin_floor_percent"] is None
