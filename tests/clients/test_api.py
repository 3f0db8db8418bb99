import json

import pytest

from kam.clients.models import Client, Interaction
from tests.clients.factories import ClientFactory, InteractionFactory, StakeholderFactory


@pytest.fixture
def api(login):
    """`api(user).post(path, body)`: JSON in and out as that user."""

    class Api:
        def __init__(self, user):
            self.http = login(user)

        def get(self, path, **params):
            return self.http.get(f"/api/v1{path}", params)

        def send(self, method, path, body=None):
            return getattr(self.http, method)(
                f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
            )

    return Api


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", owner=lan, tax_code="0312345673")


class TestClients:
    def test_listing_filters_and_searches_within_what_one_sees(self, api, lan, minh, sua_viet):
        ClientFactory(legal_name="Hoa Sen", owner=minh)
        body = api(lan).get("/clients", q="sua viet", tier="key").json()
        assert body["count"] == 1 and body["items"][0]["legal_name"] == sua_viet.legal_name
        assert body["items"][0]["is_quiet"] is True
        assert api(minh).get("/clients", q="sua viet").json()["count"] == 0

    def test_creating_a_client(self, api, lan):
        response = api(lan).send(
            "post", "/clients", {"legal_name": "Sông Hồng", "tier": "key", "tax_code": "0312345673"}
        )
        assert response.status_code == 201
        assert response.json()["owner"]["id"] == lan.pk

    def test_a_wrong_check_digit_is_a_400_until_accepted(self, api, lan):
        body = {"legal_name": "Cũ", "tax_code": "0312345674"}
        refused = api(lan).send("post", "/clients", body)
        assert refused.status_code == 400 and refused.json()["field"] == "tax_code"
        accepted = api(lan).send("post", "/clients", {**body, "accept_unusual_tax_code": True})
        assert accepted.status_code == 201

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"legal_name": "x", "tier": "gold"}, 422),
            ({"legal_name": ""}, 422),
            ({"legal_name": "x" * 256}, 422),
            ({"legal_name": "x", "tax_code": "0312345673"}, 400),  # taken
            ({"legal_name": "x", "owner_id": 999999}, 400),
            ({"legal_name": "x", "parent_id": "1"}, 422),
        ],
    )
    def test_bad_input_is_a_4xx_and_nothing_is_saved(self, api, lan, sua_viet, body, status):
        response = api(lan).send("post", "/clients", body)
        assert response.status_code == status, response.content
        assert Client.objects.count() == 1

    def test_patching_and_reading_a_client(self, api, lan, sua_viet):
        response = api(lan).send("patch", f"/clients/{sua_viet.pk}", {"potential": "high"})
        assert response.status_code == 200 and response.json()["potential"] == "high"
        assert api(lan).get(f"/clients/{sua_viet.pk}").json()["team"] == []

    def test_another_teams_kam_gets_404(self, api, minh, sua_viet):
        assert api(minh).get(f"/clients/{sua_viet.pk}").status_code == 404
        assert (
            api(minh).send("patch", f"/clients/{sua_viet.pk}", {"tier": "growth"}).status_code
            == 404
        )

    def test_the_account_team(self, api, lan, hoa, sua_viet):
        added = api(lan).send(
            "post", f"/clients/{sua_viet.pk}/team", {"user_id": hoa.pk, "role": "kam"}
        )
        assert added.status_code == 201
        member_id = added.json()["id"]
        removed = api(lan).send("delete", f"/clients/{sua_viet.pk}/team/{member_id}")
        assert removed.status_code == 204
        assert not sua_viet.team_members.exists()

    def test_list_queries_do_not_grow_with_the_page(self, api, lan, django_assert_max_num_queries):
        for _n in range(30):
            InteractionFactory(client=ClientFactory(owner=lan))
        caller = api(lan)
        with django_assert_max_num_queries(6):
            assert caller.get("/clients", page_size=30).json()["count"] == 30


class TestContacts:
    def test_adding_listing_and_moving_a_contact(self, api, lan, sua_viet):
        other = ClientFactory(owner=lan)
        created = api(lan).send(
            "post",
            "/contacts",
            {"client_id": sua_viet.pk, "full_name": "Trần Thu Hà", "phone": "+84 912 345 678"},
        )
        assert created.status_code == 201 and created.json()["phone"] == "0912345678"
        contact_id = created.json()["id"]
        assert api(lan).get("/contacts", client_id=sua_viet.pk).json()["count"] == 1
        moved = api(lan).send("post", f"/contacts/{contact_id}/move", {"client_id": other.pk})
        assert moved.json()["client"]["id"] == other.pk

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"full_name": "Hà", "influence": 0}, 422),
            ({"full_name": "Hà", "influence": "3"}, 422),
            ({"full_name": "Hà", "phone": "123"}, 400),
            ({"full_name": "Hà", "email": "nope"}, 400),
            ({"full_name": "Hà", "decision_role": "boss"}, 422),
        ],
    )
    def test_bad_contacts_are_refused(self, api, lan, sua_viet, body, status):
        response = api(lan).send("post", "/contacts", {"client_id": sua_viet.pk, **body})
        assert response.status_code == status
        assert not sua_viet.stakeholders.exists()

    def test_a_contact_at_another_teams_client_is_404(self, api, minh, sua_viet):
        contact = StakeholderFactory(client=sua_viet)
        assert api(minh).get(f"/contacts/{contact.pk}").status_code == 404
        assert api(minh).send("patch", f"/contacts/{contact.pk}", {"title": "x"}).status_code == 404


class TestInteractions:
    @pytest.mark.parametrize("offset", ["+16:07", "-13:00", "+14:01"])
    def test_a_time_zone_offset_no_clock_has_is_a_422(self, api, lan, offset):
        response = api(lan).get("/interactions", since=f"2026-09-01T07:11:17{offset}")
        assert response.status_code == 422

    def test_the_furthest_real_offsets_are_taken(self, api, lan):
        response = api(lan).get(
            "/interactions", since="2026-09-01T07:00+14:00", until="2026-09-02T07:00-12:00"
        )
        assert response.status_code == 200

    def test_logging_a_meeting_with_a_next_step(self, api, lan, hoa, sua_viet):
        contact = StakeholderFactory(client=sua_viet)
        response = api(lan).send(
            "post",
            "/interactions",
            {
                "client_id": sua_viet.pk,
                "kind": "meeting",
                "summary": "Kick-off",
                "contact_ids": [contact.pk],
                "our_people_ids": [lan.pk, hoa.pk],
                "next_step": "Gửi brief",
                "next_step_due_on": "2026-12-05",
                "next_step_owner_id": hoa.pk,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["contact_ids"] == [contact.pk] and body["next_step_owner"]["id"] == hoa.pk
        done = api(hoa).send("post", f"/interactions/{body['id']}/next-step-done")
        assert done.status_code == 404  # hoa is not on the account team: she cannot see it
        done = api(lan).send("post", f"/interactions/{body['id']}/next-step-done")
        assert done.json()["next_step_done_at"]

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"summary": "x", "next_step": "Gọi lại"}, 400),
            ({"summary": "x", "next_step_due_on": "2026-02-31"}, 422),
            ({"summary": "x", "kind": "fax"}, 422),
            ({"summary": "", "kind": "call"}, 422),
            ({"summary": "x", "contact_ids": [999999]}, 400),
        ],
    )
    def test_bad_interactions_are_refused(self, api, lan, sua_viet, body, status):
        response = api(lan).send("post", "/interactions", {"client_id": sua_viet.pk, **body})
        assert response.status_code == status, response.content
        assert not Interaction.objects.exists()

    def test_listing_and_correcting(self, api, lan, sua_viet):
        call = InteractionFactory(client=sua_viet, kind="call")
        InteractionFactory(client=sua_viet, kind="note")
        assert api(lan).get("/interactions", kind="call").json()["count"] == 1
        patched = api(lan).send("patch", f"/interactions/{call.pk}", {"summary": "Đã sửa"})
        assert patched.json()["summary"] == "Đã sửa"
        assert api(lan).get(f"/interactions/{call.pk}").status_code == 200
