import json

import pytest
from django.http import Http404
from django.urls import reverse

from kam.clients import queries, services
from kam.clients.models import ClientRequest
from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from tests.clients.factories import ClientFactory, StakeholderFactory


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Sữa Việt")


@pytest.fixture
def complaint(lan, sua_viet, creative):
    return services.log_request(
        by=lan,
        client=sua_viet,
        kind="complaint",
        title="Sai logo trên banner",
        severity="critical",
        department=creative.department,
        assignee=creative,
    )


class TestRules:
    def test_the_assignee_sees_and_works_a_request_without_seeing_the_client(
        self, creative, complaint, sua_viet
    ):
        assert queries.get_request_for(creative, complaint.pk) == complaint
        assert not queries.clients_visible_to(creative).filter(pk=sua_viet.pk).exists()
        services.start_request(by=creative, item=complaint)
        services.resolve_request(by=creative, item=complaint, resolution="Đã in lại banner")
        complaint.refresh_from_db()
        assert complaint.status == "resolved" and complaint.resolved_at is not None

    def test_others_neither_see_nor_work_it(self, minh, planner, complaint):
        for outsider in (minh, planner):
            with pytest.raises(Http404):
                queries.get_request_for(outsider, complaint.pk)
            with pytest.raises(Http404):
                services.start_request(by=outsider, item=complaint)

    def test_the_assignee_works_it_but_the_kam_decides_who_pays(self, creative, lan, complaint):
        services.update_request(by=creative, item=complaint, severity="high", paid_by="agency")
        with pytest.raises(Http404):
            services.update_request(by=creative, item=complaint, paid_by="client")
        services.update_request(by=lan, item=complaint, paid_by="client")
        complaint.refresh_from_db()
        assert (complaint.severity, complaint.paid_by) == ("high", "client")

    def test_finance_reads_it_but_does_not_work_it(self, finance, complaint):
        assert queries.get_request_for(finance, complaint.pk)
        with pytest.raises(Http404):
            services.resolve_request(by=finance, item=complaint, resolution="x")

    def test_a_resolution_is_required_and_a_resolved_request_is_reopened_not_edited(
        self, lan, complaint
    ):
        with pytest.raises(DomainError) as refused:
            services.resolve_request(by=lan, item=complaint, resolution="  ")
        assert refused.value.field == "resolution"
        services.resolve_request(by=lan, item=complaint, resolution="Đã sửa")
        with pytest.raises(InvalidTransition):
            services.update_request(by=lan, item=complaint, severity="low")
        with pytest.raises(InvalidTransition):
            services.start_request(by=lan, item=complaint)
        services.reopen_request(by=lan, item=complaint)
        complaint.refresh_from_db()
        assert (complaint.status, complaint.resolution, complaint.resolved_at) == ("open", "", None)
        verbs = list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))
        assert verbs == ["request.logged", "request.resolved", "request.reopened"]

    def test_raised_by_is_one_of_the_clients_stakeholders(self, lan, sua_viet):
        with pytest.raises(DomainError) as refused:
            services.log_request(by=lan, client=sua_viet, title="x", raised_by=StakeholderFactory())
        assert refused.value.field == "raised_by"
        assert not ClientRequest.objects.exists()

    def test_the_list_puts_critical_first_and_hides_resolved_by_default(
        self, lan, sua_viet, complaint
    ):
        low = services.log_request(by=lan, client=sua_viet, title="Nhỏ", severity="low")
        done = services.log_request(by=lan, client=sua_viet, title="Xong")
        services.resolve_request(by=lan, item=done, resolution="ok")
        assert list(queries.requests_for_list(lan, status="unresolved")) == [complaint, low]
        assert list(queries.requests_for_list(lan, status="resolved")) == [done]


class TestPages:
    def test_logging_from_the_client_page(self, login, lan, sua_viet, creative):
        response = login(lan).post(
            reverse("clients:client_request_add", args=[sua_viet.pk]),
            {"kind": "request", "title": "Thêm bản TVC 15s", "severity": "medium",
             "department": creative.department.pk, "assignee": creative.pk, "paid_by": "client"},
        )  # fmt: skip
        item = ClientRequest.objects.get()
        assert response["Location"] == reverse("clients:request_detail", args=[item.pk])
        assert item.paid_by == "client"
        page = login(lan).get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert "Thêm bản TVC 15s" in page.content.decode()

    def test_resolving_without_saying_how_is_refused_in_place(self, login, creative, complaint):
        response = login(creative).post(reverse("clients:request_resolve", args=[complaint.pk]))
        assert response.status_code == 422 and response.context["resolve_form"].errors
        complaint.refresh_from_db()
        assert complaint.status == "open"

    def test_my_requests_and_bounded_queries(
        self, login, lan, creative, sua_viet, django_assert_max_num_queries
    ):
        for number in range(25):
            services.log_request(
                by=lan, client=sua_viet, title=f"Yêu cầu {number}", assignee=creative
            )
        browser = login(creative)
        with django_assert_max_num_queries(6):
            page = browser.get(reverse("clients:request_list"), {"mine": "on"})
        assert page.context["page"].paginator.count == 25


class TestApi:
    def test_log_resolve_and_reopen(self, login, lan, sua_viet, creative):
        body = {"client_id": sua_viet.pk, "title": "Đổi màu logo", "kind": "complaint",
                "assignee_id": creative.pk, "department_id": creative.department.pk}  # fmt: skip
        created = login(lan).post("/api/v1/requests", json.dumps(body), "application/json")
        assert created.status_code == 201, created.content
        item_id = created.json()["id"]
        resolved = login(creative).post(
            f"/api/v1/requests/{item_id}/resolve", '{"resolution": "Đã sửa"}', "application/json"
        )
        assert resolved.json()["status"] == "resolved"
        again = login(creative).post(
            f"/api/v1/requests/{item_id}/resolve", '{"resolution": "x"}', "application/json"
        )
        assert again.status_code == 409
        reopened = login(lan).post(f"/api/v1/requests/{item_id}/reopen")
        assert reopened.json()["status"] == "open"
        assert login(creative).get("/api/v1/requests", {"mine": "true"}).json()["count"] == 1

    def test_who_pays_is_logged_read_and_changed(self, login, lan, sua_viet):
        browser = login(lan)
        body = {"client_id": sua_viet.pk, "title": "Thêm bản cắt dọc"}
        absorbed = browser.post("/api/v1/requests", json.dumps(body), "application/json")
        assert (absorbed.status_code, absorbed.json()["paid_by"]) == (201, "agency")
        billable = browser.post(
            "/api/v1/requests", json.dumps(body | {"paid_by": "client"}), "application/json"
        )
        assert (billable.status_code, billable.json()["paid_by"]) == (201, "client")
        item_id = billable.json()["id"]
        assert browser.get(f"/api/v1/requests/{item_id}").json()["paid_by"] == "client"
        changed = browser.patch(
            f"/api/v1/requests/{item_id}", json.dumps({"paid_by": "agency"}), "application/json"
        )
        assert (changed.status_code, changed.json()["paid_by"]) == (200, "agency")
        cleared = browser.patch(
            f"/api/v1/requests/{item_id}", json.dumps({"paid_by": None}), "application/json"
        )
        assert (cleared.status_code, cleared.json()["field"]) == (400, "paid_by")
        assert ClientRequest.objects.get(pk=item_id).paid_by == "agency"

    @pytest.mark.parametrize(
        "changes,status",
        [
            ({"paid_by": "nobody"}, 422),
            ({"severity": "urgent"}, 422),
            ({"title": ""}, 422),
            ({"raised_by_id": 999999}, 400),
            ({"assignee_id": 999999}, 400),
            ({"due_on": "2026-02-30"}, 422),
        ],
    )
    def test_bad_requests_are_4xx(self, login, lan, sua_viet, changes, status):
        body = {"client_id": sua_viet.pk, "title": "x", **changes}
        response = login(lan).post("/api/v1/requests", json.dumps(body), "application/json")
        assert response.status_code == status
        assert not ClientRequest.objects.exists()
