"""Odd and hostile input gets a clear 4xx, never a 500 or an HTML page from the API."""

import json

import pytest

from kam.people import services

HUGE = "99999999999999999999"


@pytest.fixture
def api(client, admin):
    _token, key = services.create_api_token(by=admin, name="fuzz")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/users?page={HUGE}",
        "/api/v1/users?page=9223372036854775807",
        "/api/v1/users?page=0",
        "/api/v1/users?page=-1",
        "/api/v1/users?page_size=100000",
        f"/api/v1/users?team_id={HUGE}",
        "/api/v1/users?team_id=-5",
        f"/api/v1/users/{HUGE}",
        "/api/v1/users/-1",
        f"/api/v1/teams/{HUGE}",
        f"/api/v1/departments/{HUGE}",
        "/api/v1/users?q=%00",
        "/api/v1/users?q=" + "x" * 5000,
    ],
)
def test_odd_query_values_answer_4xx_json_or_an_empty_result(api, path):
    response = api.get(path)
    assert response.status_code in (200, 400, 404, 422), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    if response.status_code != 200:
        assert "detail" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"full_name": "a\u0000b"},
        {"full_name": "x" * 1_000_000},
        {"email": "\u202eevil@example.com"},
        {"language": None},
        {"full_name": "<script>alert(1)</script>"},
    ],
)
def test_odd_profile_changes_answer_4xx_json_or_are_stored_safely(api, admin, body):
    response = api.patch("/api/v1/me", data=json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 400, 422), response.content[:300]
    assert "detail" in response.json() or response.status_code == 200


def test_a_method_the_api_does_not_have_answers_405_json(api):
    response = api.delete("/api/v1/me")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


@pytest.mark.parametrize("username", ["la\u0000n", "\u0000", "x" * 10_000])
def test_odd_usernames_at_sign_in_are_refused_plainly(client, db, username):
    response = client.post("/login/", {"username": username, "password": "whatever"})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("query", ["%00", "a%00b"])
def test_a_nul_in_a_page_search_is_refused_plainly(login, admin, query):
    response = login(admin).get(f"/people/?q={query}")
    assert response.status_code == 400


def test_a_script_in_a_name_is_shown_as_text(login, admin, lan):
    services.update_profile(by=lan, full_name="<script>alert(1)</script>")
    page = login(admin).get(f"/people/{lan.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("content_type", ["text/plain", "application/merge-patch+json"])
def test_a_body_that_is_not_declared_json_is_refused(api, admin, content_type):
    for name in ["Nguyen", "Nguy\x00n"]:  # plain, then with a NUL (sent as \u0000)
        body = json.dumps({"full_name": name})
        response = api.patch("/api/v1/me", data=body, content_type=content_type)
        assert response.status_code == 400 and response.json()["detail"]
    admin.refresh_from_db()
    assert admin.full_name == "Phạm Quốc Anh"


@pytest.mark.parametrize("body", ["[1, 2]", "null", '"x"', "42", "{not json"])
def test_an_api_write_must_send_an_object(api, admin, body):
    response = api.patch("/api/v1/me", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_nul_hidden_in_an_undeclared_body_never_reaches_the_database(client, admin):
    client.force_login(admin)
    response = client.generic(
        "PUT", "/people/", data=b"a\x00b", content_type="application/octet-stream"
    )
    assert response.status_code == 400


def test_an_api_write_without_a_body_is_refused(api):
    response = api.patch("/api/v1/me")
    assert response.status_code in (400, 422) and "detail" in response.json()
