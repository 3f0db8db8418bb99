import json

import pytest
from django.test import Client

from kam.people import services
from kam.people.models import User


def bearer(user) -> dict:
    _token, key = services.create_api_token(by=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, path, body=None, **headers):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data=data, content_type="application/json", **headers)


class TestAuthentication:
    def test_a_bearer_token_identifies_the_caller(self, client, lan):
        response = client.get("/api/v1/me", **bearer(lan))
        assert response.status_code == 200
        assert response.json()["username"] == "lan"
        assert response.json()["roles"] == ["kam"]
        assert response.json()["team"]["name"] == "Nhóm A"

    def test_no_credentials_answer_401_json(self, client):
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert (
            response.json() == {"detail": response.json()["detail"]}
            and response["WWW-Authenticate"] == "Bearer"
        )

    def test_a_revoked_token_answers_401(self, client, lan):
        token, key = services.create_api_token(by=lan, name="old")
        services.revoke_api_token(by=lan, token=token)
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401

    def test_a_session_works_for_reads(self, login, lan):
        assert login(lan).get("/api/v1/me").json()["username"] == "lan"

    def test_a_session_write_without_the_csrf_token_is_refused(self, lan):
        strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        strict.force_login(lan)
        response = send(strict, "patch", "/api/v1/me", {"language": "en"})
        assert response.status_code in (401, 403)
        lan.refresh_from_db()
        assert lan.language == "vi"

    def test_a_bearer_write_needs_no_csrf_token(self, lan):
        strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        response = send(strict, "patch", "/api/v1/me", {"language": "en"}, **bearer(lan))
        assert response.status_code == 200
        assert response.json()["language"] == "en"


class TestUsers:
    def test_lists_are_pages_of_items_with_a_count(self, client, admin, everyone):
        response = client.get("/api/v1/users?page=2&page_size=3", **bearer(admin))
        body = response.json()
        assert set(body) == {"items", "count"}
        assert body["count"] == User.objects.count() and len(body["items"]) == 3

    def test_a_kam_lists_herself_and_her_teammates(self, client, lan, everyone):
        names = {
            item["username"] for item in client.get("/api/v1/users", **bearer(lan)).json()["items"]
        }
        assert names == {"lan", "hoa"}

    def test_an_admin_adds_a_person(self, client, admin, team_a):
        response = send(
            client, "post", "/api/v1/users",
            {"username": "thu", "full_name": "Ngô Anh Thư", "team_id": team_a.pk, "is_kam": True},
            **bearer(admin),
        )  # fmt: skip
        assert response.status_code == 201
        assert response.json()["team"]["id"] == team_a.pk

    def test_a_kam_adding_a_person_gets_404(self, client, lan):
        response = send(
            client, "post", "/api/v1/users", {"username": "x", "full_name": "X"}, **bearer(lan)
        )
        assert response.status_code == 404
        assert not User.objects.filter(username="x").exists()

    def test_a_duplicate_username_is_a_400_naming_the_field(self, client, admin, lan):
        response = send(
            client, "post", "/api/v1/users", {"username": "Lan", "full_name": "X"}, **bearer(admin)
        )
        assert response.status_code == 400
        assert response.json()["field"] == "username" and response.json()["detail"]

    def test_an_unknown_team_is_a_400(self, client, admin, lan):
        response = send(
            client, "patch", f"/api/v1/users/{lan.pk}", {"team_id": 999999}, **bearer(admin)
        )
        assert response.status_code == 400
        assert response.json()["field"] == "team_id"

    @pytest.mark.parametrize(
        "body",
        [{"username": ""}, {"full_name": None, "username": "a"}, [], "x", {"is_kam": "perhaps"}],
    )
    def test_malformed_input_is_a_4xx_json_error(self, client, admin, body):
        response = send(client, "post", "/api/v1/users", body, **bearer(admin))
        assert 400 <= response.status_code < 500
        assert "detail" in response.json()

    def test_a_body_that_is_not_json_is_a_4xx(self, client, admin):
        response = client.post(
            "/api/v1/users", data="{not json", content_type="application/json", **bearer(admin)
        )
        assert 400 <= response.status_code < 500 and "detail" in response.json()

    def test_another_teams_person_is_not_found(self, client, lan, minh):
        assert client.get(f"/api/v1/users/{minh.pk}", **bearer(lan)).status_code == 404

    def test_the_user_list_needs_a_fixed_number_of_queries(
        self, client, admin, everyone, django_assert_max_num_queries
    ):
        headers = bearer(admin)
        with django_assert_max_num_queries(5):
            assert client.get("/api/v1/users", **headers).status_code == 200


class TestTeamsAndDepartments:
    def test_a_director_sees_only_the_teams_they_lead(self, client, director, team_a, team_b):
        items = client.get("/api/v1/teams", **bearer(director)).json()["items"]
        assert [item["name"] for item in items] == ["Nhóm A"]

    def test_a_team_lists_its_members(self, client, director, lan, hoa):
        team = client.get(f"/api/v1/teams/{lan.team_id}", **bearer(director)).json()
        assert set(team["member_ids"]) == {lan.pk, hoa.pk}
        assert team["leader"]["name"] == "Trần Minh Đức"

    def test_the_team_list_needs_a_fixed_number_of_queries(
        self, client, admin, everyone, django_assert_max_num_queries
    ):
        headers = bearer(admin)
        with django_assert_max_num_queries(6):
            assert client.get("/api/v1/teams", **headers).status_code == 200

    def test_an_admin_creates_and_renames_a_team(self, client, admin, director):
        headers = bearer(admin)
        created = send(
            client, "post", "/api/v1/teams", {"name": "Nhóm C", "leader_id": director.pk}, **headers
        )
        assert created.status_code == 201
        renamed = send(
            client, "patch", f"/api/v1/teams/{created.json()['id']}", {"name": "Nhóm D"}, **headers
        )
        assert renamed.json()["name"] == "Nhóm D"

    def test_every_signed_in_person_reads_the_departments(self, client, creative, sales):
        items = client.get("/api/v1/departments", **bearer(sales)).json()["items"]
        assert {item["code"] for item in items} == {
            "plan", "event", "creative", "media", "kol", "production", "finance"
        }  # fmt: skip

    def test_an_admin_adds_a_department_and_a_finance_person_cannot(self, client, admin, finance):
        body = {"code": "digital", "name": "Kỹ thuật số", "name_en": "Digital"}
        assert (
            send(client, "post", "/api/v1/departments", body, **bearer(finance)).status_code == 404
        )
        assert send(client, "post", "/api/v1/departments", body, **bearer(admin)).status_code == 201


def test_the_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "kam API"
    assert "/api/v1/me" in spec["paths"]
    assert {"BearerAuth", "SessionAuth"} <= set(spec["components"]["securitySchemes"])


def test_the_interactive_docs_load_without_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in page and "cdn" not in page.lower()


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and "detail" in response.json()


def test_a_kam_cannot_probe_which_teams_exist_through_refused_writes(client, lan, team_b):
    headers = bearer(lan)
    for team_id in (team_b.pk, 999999):
        body = {"username": "probe", "full_name": "Dò", "team_id": team_id}
        assert send(client, "post", "/api/v1/users", body, **headers).status_code == 404


def test_a_bearer_caller_is_answered_in_their_language(client, lan):
    services.update_profile(by=lan, language="en")
    response = client.get("/api/v1/users/999999", **bearer(lan))
    assert response.json()["detail"] == "Not found."
    assert response["Content-Language"] == "en"
