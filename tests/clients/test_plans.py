import json
from datetime import date

import pytest
from django.http import Http404
from django.urls import reverse

from kam.clients import queries, services
from kam.clients.models import AccountPlan, AgencyService, PlannedPlay
from kam.core.errors import DomainError
from kam.core.models import AuditEvent
from tests.clients.factories import ClientFactory


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Sữa Việt")


@pytest.fixture
def catalogue(db):
    return {service.code: service for service in AgencyService.objects.all()}


def plan_for(lan, client, catalogue, **changes) -> AccountPlan:
    fields = {"year": 2027, "objectives": "Tăng doanh thu 20%",
              "whitespace": [catalogue["digital"], catalogue["kol"]], **changes}  # fmt: skip
    return services.create_plan(by=lan, client=client, **fields)


class TestRules:
    def test_the_catalogue_comes_with_the_usual_agency_services(self, catalogue):
        assert {"creative", "media", "digital", "kol", "event", "retainer"} <= set(catalogue)

    def test_one_plan_per_client_and_year(self, lan, sua_viet, catalogue):
        plan_for(lan, sua_viet, catalogue)
        with pytest.raises(DomainError) as refused:
            plan_for(lan, sua_viet, catalogue)
        assert refused.value.field == "year"
        assert AccountPlan.objects.count() == 1

    def test_plays_move_along_and_the_history_says_so(self, lan, hoa, sua_viet, catalogue):
        plan = plan_for(lan, sua_viet, catalogue)
        play = services.add_play(
            by=lan, plan=plan, title="Chào gói digital", service=catalogue["digital"],
            owner=lan, due_on=date(2027, 3, 1),
        )  # fmt: skip
        services.update_play(by=lan, play=play, status="done")
        event = AuditEvent.objects.get(verb="play.updated")
        assert event.changes == {"status": ["planned", "done"]}

    def test_whitespace_changes_are_recorded(self, lan, sua_viet, catalogue):
        plan = plan_for(lan, sua_viet, catalogue)
        services.update_plan(by=lan, plan=plan, whitespace=[catalogue["event"]])
        event = AuditEvent.objects.get(verb="plan.updated")
        assert event.changes["whitespace"][1] == str(catalogue["event"])

    def test_another_teams_kam_neither_sees_nor_writes_it(self, lan, minh, sua_viet, catalogue):
        plan = plan_for(lan, sua_viet, catalogue)
        with pytest.raises(Http404):
            queries.get_plan_for(minh, plan.pk)
        with pytest.raises(Http404):
            plan_for(minh, sua_viet, catalogue, year=2028)


class TestPages:
    def test_writing_the_plan_and_adding_a_play(self, login, lan, sua_viet, catalogue):
        browser = login(lan)
        response = browser.post(
            reverse("clients:client_plan_add", args=[sua_viet.pk]),
            {"year": 2027, "objectives": "Trở thành agency chính",
             "whitespace": [catalogue["pr"].pk]},
        )  # fmt: skip
        plan = AccountPlan.objects.get()
        assert response["Location"] == reverse("clients:plan_detail", args=[plan.pk])
        added = browser.post(
            reverse("clients:plan_play_add", args=[plan.pk]),
            {"title": "Đề xuất PR Tết", "owner": lan.pk, "due_on": "2027-01-15",
             "status": "planned", "service": catalogue["pr"].pk},
        )  # fmt: skip
        assert added.status_code == 302 and PlannedPlay.objects.get().service == catalogue["pr"]
        refused = browser.post(reverse("clients:plan_play_add", args=[plan.pk]), {"title": ""})
        assert refused.status_code == 422

    def test_the_client_page_shows_this_years_plan(self, login, lan, sua_viet, catalogue):
        from django.utils import timezone

        plan_for(lan, sua_viet, catalogue, year=timezone.localdate().year)
        page = login(lan).get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert "Tăng doanh thu 20%" in page.content.decode()


class TestApi:
    def test_plan_and_plays_through_the_api(self, login, lan, sua_viet, catalogue):
        browser = login(lan)
        body = {"client_id": sua_viet.pk, "year": 2027, "objectives": "Tăng 20%",
                "whitespace_ids": [catalogue["kol"].pk]}  # fmt: skip
        created = browser.post("/api/v1/account-plans", json.dumps(body), "application/json")
        assert created.status_code == 201, created.content
        plan_id = created.json()["id"]
        play = browser.post(
            f"/api/v1/account-plans/{plan_id}/plays",
            json.dumps({"title": "KOL Tết", "owner_id": lan.pk, "due_on": "2027-01-10"}),
            "application/json",
        )
        assert play.status_code == 201
        done = browser.patch(
            f"/api/v1/account-plans/{plan_id}/plays/{play.json()['id']}",
            '{"status": "done"}',
            "application/json",
        )
        assert done.json()["status"] == "done"
        assert browser.get("/api/v1/account-plans", {"year": 2027}).json()["count"] == 1

    @pytest.mark.parametrize(
        "changes,status",
        [({"year": 1999}, 422), ({"year": "2027"}, 422), ({"whitespace_ids": [999999]}, 400)],
    )
    def test_bad_plans_are_4xx(self, login, lan, sua_viet, changes, status):
        body = {"client_id": sua_viet.pk, "year": 2027, "objectives": "x", **changes}
        response = login(lan).post("/api/v1/account-plans", json.dumps(body), "application/json")
        assert response.status_code == status
        assert not AccountPlan.objects.exists()
