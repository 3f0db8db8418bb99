from unittest import mock

from django.db import DatabaseError
from django.test import override_settings
from django.urls import reverse


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(client, db):
    with mock.patch("kam.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_the_home_page_shows_the_persons_roles_and_own_activity(login, lan, admin):
    from kam.people import services

    services.update_profile(by=lan, full_name="Nguyễn Thị Lan Chi")
    page = login(lan).get(reverse("core:home")).content.decode()
    assert "Nhóm A" in page and "Nguyễn Thị Lan Chi" in page


def test_an_unknown_page_is_a_404_inside_the_shell(login, lan):
    response = login(lan).get("/no-such-page/")
    assert response.status_code == 404
    assert 'id="main"' in response.content.decode()


@override_settings(DEBUG=False)
def test_a_crash_shows_a_plain_page_without_a_trace(client, db):
    client.raise_request_exception = False
    with mock.patch("kam.core.views.recent_activity_of", side_effect=RuntimeError("secret detail")):
        from tests.people.factories import UserFactory

        client.force_login(UserFactory())
        response = client.get(reverse("core:home"))
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_security_headers_are_on_every_page(client, db):
    response = client.get(reverse("people:login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_shell_navigation_marks_the_current_page(login, admin):
    page = login(admin).get(reverse("people:team_list")).content.decode()
    assert f'href="{reverse("people:team_list")}" aria-current="page"' in page


def test_the_organisations_settings_sit_in_one_menu_marked_current_on_its_pages(login, admin):
    page = login(admin).get(reverse("people:team_list")).content.decode()
    menus = [
        part.split("</details>", 1)[0]
        for part in page.split('<details class="dropdown nav-group">')[1:]
    ]
    menu = next(menu for menu in menus if "Organisation" in menu or "Tổ chức" in menu)
    assert '<summary aria-current="true">' in menu
    for name in ("people:team_list", "people:user_list", "people:department_list"):
        assert f'href="{reverse(name)}"' in menu
    assert f'href="{reverse("clients:service_list")}"' in menu
    assert f'href="{reverse("clients:client_list")}"' not in menu


def test_the_admin_site_does_not_offer_djangos_groups(login, admin):
    assert login(admin).get("/admin/auth/group/").status_code == 404


def test_the_admin_sites_password_page_leads_to_the_audited_one(login, admin):
    response = login(admin).get("/admin/password_change/")
    assert response["Location"] == reverse("people:profile")
