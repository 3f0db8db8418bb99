"""The service catalogue: kept by admins, read by everyone; a retired service stays on the plans
that name it, and a service's page lists the clients where it is whitespace."""

import json

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kam.clients import services
from kam.clients.models import AccountPlan, AgencyService
from kam.core.errors import DomainError
from kam.core.models import AuditEvent
from tests.clients.factories import ClientFactory


@pytest.fixture
def kol(db):
    return AgencyService.objects.get(code="kol")


@pytest.fixture
def plan_naming_kol(lan, kol):
    plan = AccountPlan.objects.create(
        client=ClientFactory(owner=lan, legal_name="Sữa Việt"),
        year=timezone.localdate().year,
        objectives="Tăng 20%",
        created_by=lan,
    )
    plan.whitespace.set([kol])
    return plan


class TestRules:
    def test_an_admin_adds_and_retires_a_service_with_its_history(self, admin, kol):
        service = services.create_service(by=admin, code="podcast", name=" Podcast ")
        assert (service.name, service.is_active) == ("Podcast", True)
        services.update_service(by=admin, service=kol, is_active=False)
        event = AuditEvent.objects.get(verb="service.updated")
        assert event.changes == {"is_active": [True, False]}

    @pytest.mark.parametrize("code", ["kol", "có dấu", "two words", ""])
    def test_a_code_is_a_unique_slug(self, admin, code):
        with pytest.raises(DomainError) as refused:
            services.create_service(by=admin, code=code, name="Dịch vụ")
        assert refused.value.field == "code"
        assert not AgencyService.objects.filter(name="Dịch vụ").exists()

    def test_only_admins_keep_the_catalogue(self, lan, director, finance, kol):
        for person in (lan, director, finance):
            with pytest.raises(Http404):
                services.create_service(by=person, code="podcast", name="Podcast")
            with pytest.raises(Http404):
                services.update_service(by=person, service=kol, name="KOL mới")
        assert AgencyService.objects.get(pk=kol.pk).name == kol.name

    def test_a_retired_service_stays_on_a_plan_that_is_edited(
        self, login, admin, lan, kol, plan_naming_kol
    ):
        services.update_service(by=admin, service=kol, is_active=False)
        browser = login(lan)
        form = browser.get(reverse("clients:plan_edit", args=[plan_naming_kol.pk]))
        assert kol.name in form.content.decode()
        saved = browser.post(
            reverse("clients:plan_edit", args=[plan_naming_kol.pk]),
            {"year": plan_naming_kol.year, "objectives": "Tăng 25%", "whitespace": [kol.pk]},
        )
        assert saved.status_code == 302
        assert list(plan_naming_kol.whitespace.all()) == [kol]
        # …and is not offered for a new plan.
        new_plan = browser.get(reverse("clients:client_plan_add", args=[plan_naming_kol.client_id]))
        assert f'value="{kol.pk}"' not in new_plan.content.decode()

    def test_a_play_keeps_its_retired_service_when_edited(
        self, login, admin, lan, kol, plan_naming_kol
    ):
        play = plan_naming_kol.plays.create(
            title="Chào gói KOL", service=kol, owner=lan, due_on=timezone.localdate()
        )
        services.update_service(by=admin, service=kol, is_active=False)
        browser = login(lan)
        form = browser.get(reverse("clients:play_edit", args=[play.pk])).content.decode()
        assert f'value="{kol.pk}" selected' in form
        saved = browser.post(
            reverse("clients:play_edit", args=[play.pk]),
            {"title": "Chào gói KOL Tết", "service": kol.pk, "owner": lan.pk,
             "due_on": timezone.localdate().isoformat(), "status": "planned"},
        )  # fmt: skip
        assert saved.status_code == 302
        play.refresh_from_db()
        assert (play.title, play.service) == ("Chào gói KOL Tết", kol)


class TestPages:
    def test_everyone_reads_the_catalogue_and_only_admins_see_how_to_change_it(
        self, login, lan, admin, kol
    ):
        page = login(lan).get(reverse("clients:service_list")).content.decode()
        assert kol.name in page and reverse("clients:service_create") not in page
        page = login(admin).get(reverse("clients:service_list")).content.decode()
        assert reverse("clients:service_create") in page

    def test_a_service_page_lists_where_it_is_whitespace_for_the_viewer(
        self, login, lan, minh, kol, plan_naming_kol
    ):
        url = reverse("clients:service_detail", args=[kol.pk])
        assert "Sữa Việt" in login(lan).get(url).content.decode()
        assert "Sữa Việt" not in login(minh).get(url).content.decode()

    def test_adding_a_service_through_the_form(self, login, admin):
        browser = login(admin)
        response = browser.post(
            reverse("clients:service_create"),
            {"code": "podcast", "name": "Podcast", "name_en": "Podcasts", "is_active": "on"},
        )
        service = AgencyService.objects.get(code="podcast")
        assert response["Location"] == reverse("clients:service_detail", args=[service.pk])
        admin.language = "en"
        admin.save()
        refused = browser.post(
            reverse("clients:service_create"), {"code": "podcast", "name": "Podcast 2"}
        )
        assert refused.status_code == 422
        assert "already exists" in refused.content.decode()
        assert not AgencyService.objects.filter(name="Podcast 2").exists()

    def test_the_pages_answer_in_bounded_queries(
        self, login, lan, kol, plan_naming_kol, django_assert_max_num_queries
    ):
        browser = login(lan)
        with django_assert_max_num_queries(5):
            browser.get(reverse("clients:service_list"))
        with django_assert_max_num_queries(6):
            browser.get(reverse("clients:service_detail", args=[kol.pk]))


class TestApi:
    def test_an_admin_adds_and_changes_a_service(self, login, admin, kol):
        browser = login(admin)
        created = browser.post(
            "/api/v1/services",
            json.dumps({"code": "podcast", "name": "Podcast"}),
            "application/json",
        )
        assert created.status_code == 201 and created.json()["is_active"] is True
        changed = browser.patch(
            f"/api/v1/services/{kol.pk}", '{"is_active": false}', "application/json"
        )
        assert changed.json()["is_active"] is False
        offered = browser.get("/api/v1/services", {"page_size": 200}).json()
        assert "kol" not in {item["code"] for item in offered["items"]}
        everything = browser.get("/api/v1/services", {"retired": "true", "page_size": 200}).json()
        assert "kol" in {item["code"] for item in everything["items"]}

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"code": "kol", "name": "Trùng"}, 400),
            ({"code": "có dấu", "name": "Dịch vụ"}, 400),
            ({"code": "x", "name": ""}, 422),
            ({"code": "x" * 41, "name": "Dài"}, 422),
        ],
    )
    def test_bad_services_are_4xx(self, login, admin, body, status):
        count = AgencyService.objects.count()
        response = login(admin).post("/api/v1/services", json.dumps(body), "application/json")
        assert response.status_code == status, response.content
        assert AgencyService.objects.count() == count

    def test_the_list_answers_in_bounded_queries(self, login, lan, django_assert_max_num_queries):
        browser = login(lan)
        with django_assert_max_num_queries(4):
            answer = browser.get("/api/v1/services", {"retired": "true"})
        assert answer.json()["count"] == AgencyService.objects.count()

    def test_a_kam_may_read_but_not_write(self, login, lan, kol):
        browser = login(lan)
        assert browser.get(f"/api/v1/services/{kol.pk}").json()["code"] == "kol"
        refused = browser.patch(f"/api/v1/services/{kol.pk}", '{"name": "X"}', "application/json")
        assert refused.status_code == 404
