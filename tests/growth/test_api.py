"""The growth API: pipeline stages, leads (+ convert), opportunities (+ stage, win, lose),
hand-overs (+ accept, return) and the forecast; what each answers, to whom, and how it says no."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kam.clients.models import AgencyService, Client, ClientTeamMember, Stakeholder
from kam.core.models import AuditEvent
from kam.growth import services
from kam.growth.forecast import add_months, quarter_start
from kam.growth.models import Handover, Lead, Opportunity, Stage
from tests.clients.factories import ClientFactory
from tests.growth.factories import LeadFactory, OpportunityFactory, stage
from tests.people.factories import UserFactory

# Every item of a hand-over's checklist, done or written.
CHECKLIST = {
    "stakeholders_introduced": True,
    "commercial_terms": "Phí tháng 150 triệu, thanh toán 30 ngày",
    "promises_made": "Báo cáo tuần vào thứ Hai",
    "risks": "Giám đốc marketing sắp nghỉ",
    "documents": "Hợp đồng khung, brief Q3",
    "context_note": "Khách chọn chúng ta vì đội KOL",
}


def today():
    return timezone.localdate()


def two_years_ago() -> str:
    return str(today() - timedelta(days=730))


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
def sales2(db):
    return UserFactory(username="sales2", full_name="Lý Thị Mai", is_sales=True)


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", owner=lan, tax_code="0312345673")


@pytest.fixture
def hoa_sen(minh):
    return ClientFactory(legal_name="Công ty TNHH Hoa Sen", owner=minh)


@pytest.fixture
def kol(db):
    return AgencyService.objects.get(code="kol")


@pytest.fixture
def qualified_lead(sales):
    return LeadFactory(
        owner=sales,
        company_name="Công ty TNHH Gạo Ngon",
        status=Lead.Status.QUALIFIED,
        contact_name="Trần Văn Khách",
        contact_title="Giám đốc",
        contact_email="khach@gaongon.vn",
        contact_phone="0912345678",
        estimated_amount=Decimal(800_000_000),
    )


@pytest.fixture
def opportunity(sua_viet):
    return OpportunityFactory(client=sua_viet, title="Chiến dịch Tết")


@pytest.fixture
def won_deal(api, sales, qualified_lead):
    """Sales converts the lead (a new prospect it owns) and wins the opportunity."""
    caller = api(sales)
    converted = caller.send("post", f"/leads/{qualified_lead.pk}/convert")
    assert converted.status_code == 201, converted.content
    won = caller.send("post", f"/opportunities/{converted.json()['id']}/win", {"note": "Ký rồi"})
    assert won.status_code == 200, won.content
    body = won.json()
    return {"opportunity_id": body["id"], "client_id": body["client"]["id"]}


@pytest.fixture
def handover(api, sales, lan, won_deal):
    """A pending hand-over of the won prospect from Sales to lan."""
    response = api(sales).send(
        "post",
        "/handovers",
        {"opportunity_id": won_deal["opportunity_id"], "to_kam_id": lan.pk, **CHECKLIST},
    )
    assert response.status_code == 201, response.content
    return Handover.objects.get(pk=response.json()["id"])


def person(user) -> dict:
    return {"id": user.pk, "name": str(user)}


# --- Signing in -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/stages", "/leads", "/opportunities", "/handovers", "/forecast", "/leads/1"]
)
def test_an_anonymous_visitor_gets_401_everywhere(client, db, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Stages ---------------------------------------------------------------------------------
class TestStages:
    def test_everyone_signed_in_reads_the_default_stages_in_order(self, api, creative):
        response = api(creative).get("/stages")
        assert response.status_code == 200
        body = response.json()
        assert [row["position"] for row in body] == [1, 2, 3, 4, 5]
        assert [row["probability"] for row in body] == [10, 25, 50, 75, 90]
        assert body[0] == {
            "id": stage(1).pk,
            "name": "Đánh giá nhu cầu",
            "name_en": "Qualified",
            "position": 1,
            "probability": 10,
            "is_active": True,
        }

    def test_an_admin_adds_a_stage(self, api, admin):
        response = api(admin).send(
            "post",
            "/stages",
            {
                "name": " Thử nghiệm ",
                "name_en": "Pilot",
                "position": 6,
                "probability": 95,
                "is_active": True,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body == {
            "id": body["id"],
            "name": "Thử nghiệm",
            "name_en": "Pilot",
            "position": 6,
            "probability": 95,
            "is_active": True,
        }
        assert Stage.objects.get(pk=body["id"]).probability == 95
        assert [row["name_en"] for row in api(admin).get("/stages").json()][-1] == "Pilot"

    def test_an_admin_adds_a_stage_not_yet_in_use(self, api, admin):
        response = api(admin).send(
            "post",
            "/stages",
            {"name": "Dự phòng", "position": 7, "probability": 5, "is_active": False},
        )
        assert response.status_code == 201, response.content
        assert response.json()["is_active"] is False
        assert Stage.objects.get(pk=response.json()["id"]).name_en == ""

    def test_a_stage_added_without_saying_whether_it_is_in_use_is_in_use(self, api, admin):
        response = api(admin).send(
            "post", "/stages", {"name": "Thử nghiệm", "position": 6, "probability": 95}
        )
        assert response.status_code == 201, response.content
        assert response.json()["is_active"] is True

    def test_an_admin_re_weighs_a_stage_and_its_opportunities_keep_their_probability(
        self, api, admin, opportunity
    ):
        response = api(admin).send(
            "patch", f"/stages/{stage(1).pk}", {"probability": 15, "name_en": "Lead qualified"}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["probability"], body["name_en"], body["name"]) == (
            15,
            "Lead qualified",
            "Đánh giá nhu cầu",
        )
        assert stage(1).probability == 15
        opportunity.refresh_from_db()
        assert opportunity.probability == 10

    @pytest.mark.parametrize(
        "persona", ["director", "lan", "sales", "finance", "planner", "creative"]
    )
    def test_only_admins_add_or_change_stages_others_get_404(self, api, everyone, persona):
        caller = api(everyone[persona])
        added = caller.send("post", "/stages", {"name": "X", "position": 9, "probability": 5})
        changed = caller.send("patch", f"/stages/{stage(2).pk}", {"probability": 99})
        assert added.status_code == 404 and changed.status_code == 404
        assert Stage.objects.count() == 5
        assert stage(2).probability == 25

    def test_changing_a_stage_that_does_not_exist_is_404(self, api, admin):
        assert api(admin).send("patch", "/stages/999999", {"probability": 5}).status_code == 404

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"name": "X", "position": 6, "probability": 101}, 422, None),
            ({"name": "X", "position": 6, "probability": -1}, 422, None),
            ({"name": "X", "position": 6, "probability": "50"}, 422, None),
            ({"name": "X", "position": 6, "probability": 50.5}, 422, None),
            ({"name": "", "position": 6, "probability": 50}, 422, None),
            ({"name": "X", "probability": 50}, 422, None),
            ({"name": "X", "position": -1, "probability": 50}, 422, None),
            ({"name": "X", "position": 6, "probability": 50, "is_active": "yes"}, 422, None),
            ({"name": "   ", "position": 6, "probability": 50}, 400, "name"),
        ],
    )
    def test_bad_stages_are_refused_and_nothing_is_saved(self, api, admin, body, status, field):
        response = api(admin).send("post", "/stages", {"is_active": True, **body})
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert Stage.objects.count() == 5

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"probability": 101}, 422, None),
            ({"probability": None}, 400, "probability"),
            ({"name": None}, 400, "name"),
            ({"is_active": None}, 400, "is_active"),
        ],
    )
    def test_bad_changes_to_a_stage_are_refused(self, api, admin, body, status, field):
        response = api(admin).send("patch", f"/stages/{stage(3).pk}", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert (stage(3).probability, stage(3).is_active) == (50, True)


# --- Leads ----------------------------------------------------------------------------------
class TestLeads:
    def test_sales_logs_a_lead_and_owns_it(self, api, sales):
        response = api(sales).send(
            "post",
            "/leads",
            {
                "company_name": " Công ty TNHH Gạo Ngon ",
                "tax_code": "0312.345 673",
                "source": "event",
                "contact_name": "Trần Văn Khách",
                "contact_title": "Giám đốc",
                "contact_email": "khach@gaongon.vn",
                "contact_phone": "0912345678",
                "need": "Ra mắt sản phẩm mới",
                "estimated_amount": 800_000_000,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body == {
            "id": body["id"],
            "company_name": "Công ty TNHH Gạo Ngon",
            "tax_code": "0312345673",
            "source": "event",
            "contact_name": "Trần Văn Khách",
            "contact_title": "Giám đốc",
            "contact_email": "khach@gaongon.vn",
            "contact_phone": "0912345678",
            "need": "Ra mắt sản phẩm mới",
            "estimated_amount": 800_000_000,
            "status": "new",
            "disqualified_reason": "",
            "owner": person(sales),
            "client": None,
            "opportunity_id": None,
            "converted_at": None,
        }
        lead = Lead.objects.get(pk=body["id"])
        assert (lead.owner, lead.created_by, lead.estimated_amount) == (sales, sales, 800_000_000)

    def test_a_director_logs_a_lead_for_a_salesperson(self, api, director, sales):
        response = api(director).send(
            "post",
            "/leads",
            {"company_name": "Gạo Ngon", "source": "referral", "owner_id": sales.pk},
        )
        assert response.status_code == 201, response.content
        assert response.json()["owner"] == person(sales)
        assert Lead.objects.get().created_by == director

    def test_a_salesperson_cannot_give_a_lead_to_another(self, api, sales, sales2):
        response = api(sales).send(
            "post", "/leads", {"company_name": "Gạo Ngon", "source": "event", "owner_id": sales2.pk}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "owner"
        assert not Lead.objects.exists()

    @pytest.mark.parametrize("persona", ["lan", "finance", "planner", "creative"])
    def test_people_who_do_not_hunt_cannot_log_leads(self, api, everyone, persona):
        response = api(everyone[persona]).send(
            "post", "/leads", {"company_name": "Gạo Ngon", "source": "event"}
        )
        assert response.status_code == 404
        assert not Lead.objects.exists()

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"source": "billboard"}, 422, None),
            ({"company_name": ""}, 422, None),
            ({"company_name": None}, 422, None),
            ({"estimated_amount": -1}, 422, None),
            ({"estimated_amount": "5"}, 422, None),
            ({"estimated_amount": 1.5}, 422, None),
            ({"estimated_amount": 10**18}, 422, None),
            ({"owner_id": "1"}, 422, None),
            ({"tax_code": "12345"}, 400, "tax_code"),
            ({"contact_email": "not-an-email"}, 400, "contact_email"),
            ({"status": "converted"}, 400, "status"),
            ({"status": "disqualified"}, 400, "disqualified_reason"),
            ({"company_name": "   "}, 400, "company_name"),
            ({"owner_id": 999999}, 400, "owner_id"),
        ],
    )
    def test_bad_leads_are_refused_and_nothing_is_saved(self, api, sales, body, status, field):
        response = api(sales).send(
            "post", "/leads", {"company_name": "Gạo Ngon", "source": "event", **body}
        )
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Lead.objects.exists()

    def test_sales_sees_only_their_own_leads(self, api, sales, sales2):
        own = [LeadFactory(owner=sales), LeadFactory(owner=sales)]
        other = LeadFactory(owner=sales2, company_name="Bí mật của Mai")
        caller = api(sales)
        body = caller.get("/leads").json()
        assert body["count"] == 2
        assert {row["id"] for row in body["items"]} == {lead.pk for lead in own}
        hidden = caller.get(f"/leads/{other.pk}")
        assert hidden.status_code == 404
        assert "Bí mật" not in hidden.content.decode()
        assert caller.send("patch", f"/leads/{other.pk}", {"need": "x"}).status_code == 404
        assert caller.get(f"/leads/{own[0].pk}").json()["id"] == own[0].pk
        other.refresh_from_db()
        assert other.need == ""

    @pytest.mark.parametrize("persona", ["director", "director2", "admin"])
    def test_directors_and_admins_see_every_lead(self, api, everyone, sales, sales2, persona):
        leads = [LeadFactory(owner=sales), LeadFactory(owner=sales2)]
        caller = api(everyone[persona])
        assert caller.get("/leads").json()["count"] == 2
        assert caller.get(f"/leads/{leads[1].pk}").status_code == 200

    @pytest.mark.parametrize("persona", ["lan", "minh", "finance", "planner", "creative"])
    def test_a_kam_or_anyone_else_gets_404_on_a_lead_and_an_empty_list(
        self, api, everyone, qualified_lead, persona
    ):
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/leads/{qualified_lead.pk}"),
            caller.send("patch", f"/leads/{qualified_lead.pk}", {"status": "contacted"}),
            caller.send("post", f"/leads/{qualified_lead.pk}/convert"),
        ]
        assert [answer.status_code for answer in answers] == [404, 404, 404]
        assert all("Gạo Ngon" not in answer.content.decode() for answer in answers)
        assert caller.get("/leads").json() == {"items": [], "count": 0}
        qualified_lead.refresh_from_db()
        assert qualified_lead.status == Lead.Status.QUALIFIED
        assert not Client.objects.exists()

    def test_listing_filters_by_status_and_searches_without_marks(self, api, sales):
        wanted = LeadFactory(owner=sales, company_name="Sữa Việt", status=Lead.Status.QUALIFIED)
        LeadFactory(owner=sales, company_name="Sữa Việt Nam mới", status=Lead.Status.NEW)
        LeadFactory(owner=sales, company_name="Gạo Ngon", status=Lead.Status.QUALIFIED)
        caller = api(sales)
        assert caller.get("/leads", status="qualified").json()["count"] == 2
        body = caller.get("/leads", status="qualified", q="SUA viet").json()
        assert [row["id"] for row in body["items"]] == [wanted.pk]
        assert caller.get("/leads", status="working").status_code == 422

    def test_the_newest_lead_is_listed_first_and_pages_are_bounded(self, api, sales):
        leads = [LeadFactory(owner=sales) for _ in range(3)]
        body = api(sales).get("/leads", page_size=2).json()
        assert body["count"] == 3
        assert [row["id"] for row in body["items"]] == [leads[2].pk, leads[1].pk]
        assert api(sales).get("/leads", page_size=201).status_code == 422

    def test_working_a_lead_contacted_then_disqualified_then_back(self, api, sales):
        lead = LeadFactory(owner=sales)
        caller = api(sales)
        contacted = caller.send(
            "patch", f"/leads/{lead.pk}", {"status": "contacted", "need": "Tăng nhận diện"}
        )
        assert contacted.status_code == 200, contacted.content
        assert (contacted.json()["status"], contacted.json()["need"]) == (
            "contacted",
            "Tăng nhận diện",
        )
        assert contacted.json()["company_name"] == lead.company_name  # untouched
        disqualified = caller.send(
            "patch",
            f"/leads/{lead.pk}",
            {"status": "disqualified", "disqualified_reason": "Không có ngân sách"},
        )
        assert disqualified.json()["disqualified_reason"] == "Không có ngân sách"
        reopened = caller.send("patch", f"/leads/{lead.pk}", {"status": "qualified"})
        assert reopened.json()["status"] == "qualified"
        assert reopened.json()["disqualified_reason"] == ""
        assert caller.get(f"/leads/{lead.pk}").json()["status"] == "qualified"

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"status": "converted"}, 400, "status"),
            ({"status": "disqualified"}, 400, "disqualified_reason"),
            ({"estimated_amount": -5}, 422, None),
            ({"estimated_amount": None}, 400, "estimated_amount"),
            ({"owner_id": None}, 400, "owner"),
            ({"company_name": None}, 400, "company_name"),
            ({"source": None}, 400, "source"),
        ],
    )
    def test_bad_changes_to_a_lead_are_refused(self, api, sales, body, status, field):
        lead = LeadFactory(owner=sales)
        response = api(sales).send("patch", f"/leads/{lead.pk}", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        lead.refresh_from_db()
        assert (lead.status, lead.estimated_amount, lead.owner) == ("new", 500_000_000, sales)

    def test_a_director_cannot_give_a_lead_to_someone_who_does_not_sell(
        self, api, director, creative
    ):
        response = api(director).send(
            "post",
            "/leads",
            {"company_name": "Gạo Ngon", "source": "event", "owner_id": creative.pk},
        )
        assert response.status_code == 400
        assert not Lead.objects.exists()

    def test_a_director_gives_a_lead_to_another_salesperson(self, api, director, sales, sales2):
        lead = LeadFactory(owner=sales)
        response = api(director).send("patch", f"/leads/{lead.pk}", {"owner_id": sales2.pk})
        assert response.status_code == 200
        assert response.json()["owner"] == person(sales2)
        assert api(sales).get(f"/leads/{lead.pk}").status_code == 404
        assert api(sales2).get(f"/leads/{lead.pk}").status_code == 200

    def test_a_converted_lead_cannot_be_changed(self, api, sales, qualified_lead):
        services.convert_lead(by=sales, lead=qualified_lead)
        response = api(sales).send("patch", f"/leads/{qualified_lead.pk}", {"need": "x"})
        assert response.status_code == 409
        assert response.json()["detail"]
        qualified_lead.refresh_from_db()
        assert qualified_lead.need == ""

    def test_listing_leads_takes_a_bounded_number_of_queries(
        self, api, sales, django_assert_max_num_queries
    ):
        for _n in range(3):
            services.convert_lead(
                by=sales, lead=LeadFactory(owner=sales, status=Lead.Status.QUALIFIED)
            )
            LeadFactory(owner=sales)
        caller = api(sales)
        with django_assert_max_num_queries(4):
            body = caller.get("/leads").json()
        assert body["count"] == 6
        assert sum(1 for row in body["items"] if row["opportunity_id"] and row["client"]) == 3


# --- Converting a lead ----------------------------------------------------------------------
class TestConvertingLeads:
    def test_converting_a_qualified_lead_opens_a_prospect_and_a_new_business_opportunity(
        self, api, sales, qualified_lead
    ):
        caller = api(sales)
        response = caller.send("post", f"/leads/{qualified_lead.pk}/convert")
        assert response.status_code == 201, response.content
        body = response.json()
        client = Client.objects.get()
        assert (client.legal_name, client.status, client.owner) == (
            "Công ty TNHH Gạo Ngon",
            Client.Status.PROSPECT,
            sales,
        )
        assert body["client"] == {"id": client.pk, "name": "Công ty TNHH Gạo Ngon"}
        assert body["kind"] == "new_business"
        assert body["owner"] == person(sales)
        assert body["status"] == "open"
        assert body["lead_id"] == qualified_lead.pk
        assert body["value_amount"] == 800_000_000
        assert (body["stage_id"], body["probability"]) == (stage(1).pk, 10)
        assert body["weighted_amount"] == 80_000_000
        assert body["expected_close_on"] == str(today() + timedelta(days=60))
        assert body["next_step"] and body["next_step_due_on"] == str(today() + timedelta(days=7))
        assert (body["closed_on"], body["service_ids"]) == (None, [])
        contact = Stakeholder.objects.get(client=client)
        assert (contact.full_name, contact.email, contact.phone) == (
            "Trần Văn Khách",
            "khach@gaongon.vn",
            "0912345678",
        )
        lead = caller.get(f"/leads/{qualified_lead.pk}").json()
        assert lead["status"] == "converted"
        assert lead["client"] == {"id": client.pk, "name": client.legal_name}
        assert lead["opportunity_id"] == body["id"]
        assert lead["converted_at"]
        assert caller.get(f"/clients/{client.pk}").status_code == 200

    def test_converting_with_an_expected_close_date(self, api, sales, qualified_lead):
        close = str(today() + timedelta(days=10))
        response = api(sales).send(
            "post", f"/leads/{qualified_lead.pk}/convert", {"expected_close_on": close}
        )
        assert response.status_code == 201
        assert response.json()["expected_close_on"] == close

    def test_converting_a_lead_twice_answers_409_and_keeps_one_client(
        self, api, sales, qualified_lead
    ):
        caller = api(sales)
        assert caller.send("post", f"/leads/{qualified_lead.pk}/convert").status_code == 201
        again = caller.send("post", f"/leads/{qualified_lead.pk}/convert")
        assert again.status_code == 409
        assert again.json()["detail"]
        assert Client.objects.count() == 1
        assert Opportunity.objects.count() == 1

    @pytest.mark.parametrize("status", ["new", "contacted", "disqualified"])
    def test_a_lead_that_is_not_qualified_answers_409_and_nothing_is_made(self, api, sales, status):
        lead = LeadFactory(owner=sales, status=status, disqualified_reason="Hết ngân sách")
        response = api(sales).send("post", f"/leads/{lead.pk}/convert")
        assert response.status_code == 409
        assert not Client.objects.exists() and not Opportunity.objects.exists()
        lead.refresh_from_db()
        assert lead.status == status

    def test_a_lead_with_an_existing_clients_tax_code_is_linked_to_that_client(
        self, api, sales, lan, sua_viet
    ):
        lead = LeadFactory(
            owner=sales,
            company_name="Một tên khác hẳn",
            tax_code="0312345673",
            status=Lead.Status.QUALIFIED,
        )
        response = api(sales).send("post", f"/leads/{lead.pk}/convert")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["client"]["id"] == sua_viet.pk
        assert body["owner"] == person(sales)
        assert Client.objects.count() == 1
        sua_viet.refresh_from_db()
        assert sua_viet.owner == lan  # linked, not taken over
        lead.refresh_from_db()
        assert lead.client == sua_viet

    def test_a_lead_with_an_existing_clients_name_is_linked_to_that_client(
        self, api, sales, sua_viet
    ):
        lead = LeadFactory(owner=sales, company_name="SỮA VIỆT JSC", status=Lead.Status.QUALIFIED)
        response = api(sales).send("post", f"/leads/{lead.pk}/convert")
        assert response.status_code == 201, response.content
        assert response.json()["client"]["id"] == sua_viet.pk
        assert Client.objects.count() == 1

    def test_a_close_date_two_years_ago_answers_400_and_converts_nothing(
        self, api, sales, qualified_lead
    ):
        response = api(sales).send(
            "post", f"/leads/{qualified_lead.pk}/convert", {"expected_close_on": two_years_ago()}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "expected_close_on"
        assert not Client.objects.exists() and not Opportunity.objects.exists()
        assert not Stakeholder.objects.exists()
        qualified_lead.refresh_from_db()
        assert (qualified_lead.status, qualified_lead.client) == ("qualified", None)

    @pytest.mark.parametrize("close", ["31/12/2026", "0.5", "2026-02-30"])
    def test_a_close_date_not_written_as_a_date_is_422(self, api, sales, qualified_lead, close):
        response = api(sales).send(
            "post", f"/leads/{qualified_lead.pk}/convert", {"expected_close_on": close}
        )
        assert response.status_code == 422
        assert not Client.objects.exists()

    def test_a_director_converts_a_salespersons_lead_for_them(
        self, api, director, sales, qualified_lead
    ):
        response = api(director).send("post", f"/leads/{qualified_lead.pk}/convert")
        assert response.status_code == 201, response.content
        assert response.json()["owner"] == person(sales)
        assert Client.objects.get().owner == sales

    def test_another_salesperson_gets_404_and_nothing_is_converted(
        self, api, sales2, qualified_lead
    ):
        response = api(sales2).send("post", f"/leads/{qualified_lead.pk}/convert")
        assert response.status_code == 404
        assert not Client.objects.exists()

    def test_a_lead_the_api_accepts_can_be_converted_or_is_refused_when_written(self, api, sales):
        caller = api(sales)
        created = caller.send(
            "post",
            "/leads",
            {
                "company_name": "Gạo Ngon",
                "source": "event",
                "contact_name": "Trần Văn Khách",
                "contact_phone": "máy lẻ 12",
                "status": "qualified",
            },
        )
        if created.status_code == 400:
            assert created.json()["field"] == "contact_phone"
            return
        assert created.status_code == 201
        converted = caller.send("post", f"/leads/{created.json()['id']}/convert")
        assert converted.status_code == 201, converted.content


# --- Opportunities --------------------------------------------------------------------------
class TestOpportunities:
    def test_a_kam_opens_an_opportunity_on_her_client(self, api, lan, sua_viet, kol):
        close = str(today() + timedelta(days=45))
        due = str(today() + timedelta(days=5))
        response = api(lan).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": " Mở rộng KOL ",
                "kind": "upsell",
                "service_ids": [kol.pk],
                "value_amount": 1_200_000_000,
                "stage_id": stage(3).pk,
                "expected_close_on": close,
                "next_step": "Gửi đề xuất",
                "next_step_due_on": due,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body == {
            "id": body["id"],
            "client": {"id": sua_viet.pk, "name": "Công ty Cổ phần Sữa Việt"},
            "title": "Mở rộng KOL",
            "kind": "upsell",
            "owner": person(lan),
            "service_ids": [kol.pk],
            "value_amount": 1_200_000_000,
            "stage_id": stage(3).pk,
            "probability": 50,
            "weighted_amount": 600_000_000,
            "expected_close_on": close,
            "next_step": "Gửi đề xuất",
            "next_step_due_on": due,
            "status": "open",
            "closed_on": None,
            "lost_reason": "",
            "outcome_note": "",
            "lead_id": None,
            "renewal_of_term_id": None,
        }
        assert Opportunity.objects.get().created_by == lan

    def test_without_a_stage_it_starts_in_the_first_and_keeps_a_given_probability(
        self, api, lan, sua_viet
    ):
        response = api(lan).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "Gia hạn",
                "kind": "renewal",
                "probability": 60,
                "value_amount": 333,
                "expected_close_on": str(today()),
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["stage_id"], body["probability"]) == (stage(1).pk, 60)
        assert body["weighted_amount"] == 199  # 333 * 60 / 100 = 199.8, whole dong

    def test_a_kam_names_another_owner(self, api, lan, hoa, sua_viet):
        response = api(lan).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "Gia hạn",
                "kind": "renewal",
                "owner_id": hoa.pk,
                "expected_close_on": str(today()),
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["owner"] == person(hoa)
        assert response.json()["value_amount"] == 0

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"value_amount": -1}, 422, None),
            ({"value_amount": 1.5}, 422, None),
            ({"value_amount": "1000"}, 422, None),
            ({"probability": 101}, 422, None),
            ({"probability": -1}, 422, None),
            ({"probability": "50"}, 422, None),
            ({"kind": "merger"}, 422, None),
            ({"title": ""}, 422, None),
            ({"expected_close_on": None}, 422, None),
            ({"expected_close_on": "31/12/2026"}, 422, None),
            ({"client_id": None}, 422, None),
            ({"service_ids": ["1"]}, 422, None),
            ({"expected_close_on": two_years_ago()}, 400, "expected_close_on"),
            ({"next_step": "Gọi lại"}, 400, "next_step_due_on"),
            ({"next_step_due_on": "2030-01-01"}, 400, "next_step"),
            ({"service_ids": [999999]}, 400, "service_ids"),
            ({"stage_id": 999999}, 400, "stage_id"),
            ({"owner_id": 999999}, 400, "owner_id"),
            ({"client_id": 999999}, 400, "client_id"),
            ({"title": "   "}, 400, "title"),
        ],
    )
    def test_bad_opportunities_are_refused_and_nothing_is_saved(
        self, api, lan, sua_viet, body, status, field
    ):
        payload = {
            "client_id": sua_viet.pk,
            "title": "Mở rộng",
            "kind": "upsell",
            "expected_close_on": str(today() + timedelta(days=30)),
            **body,
        }
        response = api(lan).send("post", "/opportunities", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Opportunity.objects.exists()

    def test_a_retired_stage_takes_no_new_opportunities(self, api, admin, lan, sua_viet):
        api(admin).send("patch", f"/stages/{stage(2).pk}", {"is_active": False})
        response = api(lan).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "Mở rộng",
                "kind": "upsell",
                "stage_id": stage(2).pk,
                "expected_close_on": str(today()),
            },
        )
        assert response.status_code == 400
        assert response.json()["field"] == "stage_id"
        assert not Opportunity.objects.exists()

    @pytest.mark.parametrize("persona", ["minh", "hoa", "director2", "creative", "planner"])
    def test_one_cannot_open_an_opportunity_on_a_client_one_does_not_see(
        self, api, everyone, sua_viet, persona
    ):
        body = {"title": "X", "kind": "upsell", "expected_close_on": str(today())}
        caller = api(everyone[persona])
        hidden = caller.send("post", "/opportunities", {"client_id": sua_viet.pk, **body})
        missing = caller.send("post", "/opportunities", {"client_id": 999999, **body})
        # the same answer as for a client that does not exist: nothing tells that it does
        assert hidden.status_code == missing.status_code == 400
        assert hidden.json() == missing.json()
        assert hidden.json()["field"] == "client_id"
        assert not Opportunity.objects.exists()

    @pytest.mark.parametrize("role", ["planner", "department", "finance"])
    def test_a_reader_on_the_account_team_cannot_open_one(self, api, planner, sua_viet, role):
        ClientTeamMember.objects.create(client=sua_viet, user=planner, role=role)
        response = api(planner).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "X",
                "kind": "upsell",
                "expected_close_on": str(today()),
            },
        )
        assert response.status_code == 404
        assert not Opportunity.objects.exists()

    def test_sales_opens_a_cross_sell_on_a_client_whose_team_they_are_on(
        self, api, sales, sua_viet
    ):
        ClientTeamMember.objects.create(client=sua_viet, user=sales, role="sales")
        response = api(sales).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "Thêm podcast",
                "kind": "cross_sell",
                "expected_close_on": str(today()),
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["owner"] == person(sales)

    def test_finance_reads_every_opportunity_and_changes_none(
        self, api, finance, sua_viet, opportunity
    ):
        caller = api(finance)
        assert caller.get(f"/opportunities/{opportunity.pk}").json()["title"] == "Chiến dịch Tết"
        assert caller.get("/opportunities").json()["count"] == 1
        opened = caller.send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "X",
                "kind": "upsell",
                "expected_close_on": str(today()),
            },
        )
        assert opened.status_code == 404
        for method, path, body in [
            ("patch", "", {"title": "Đổi"}),
            ("post", "/stage", {"stage_id": stage(4).pk}),
            ("post", "/win", {}),
            ("post", "/lose", {"reason": "Giá"}),
        ]:
            response = caller.send(method, f"/opportunities/{opportunity.pk}{path}", body)
            assert response.status_code == 404, path
        opportunity.refresh_from_db()
        assert (opportunity.title, opportunity.status, opportunity.stage) == (
            "Chiến dịch Tết",
            "open",
            stage(1),
        )
        assert Opportunity.objects.count() == 1

    @pytest.mark.parametrize("persona", ["minh", "hoa", "director2", "creative", "sales"])
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, opportunity, persona):
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/opportunities/{opportunity.pk}"),
            caller.send("patch", f"/opportunities/{opportunity.pk}", {"title": "Đổi"}),
            caller.send(
                "post", f"/opportunities/{opportunity.pk}/stage", {"stage_id": stage(2).pk}
            ),
            caller.send("post", f"/opportunities/{opportunity.pk}/win", {}),
            caller.send("post", f"/opportunities/{opportunity.pk}/lose", {"reason": "Giá"}),
        ]
        assert [answer.status_code for answer in answers] == [404] * 5
        assert all("Chiến dịch Tết" not in answer.content.decode() for answer in answers)
        listed = caller.get("/opportunities").json()
        assert listed == {"items": [], "count": 0}
        opportunity.refresh_from_db()
        assert (opportunity.title, opportunity.status) == ("Chiến dịch Tết", "open")

    @pytest.mark.parametrize("persona", ["lan", "director", "admin"])
    def test_the_owner_her_director_and_admins_read_it(self, api, everyone, opportunity, persona):
        response = api(everyone[persona]).get(f"/opportunities/{opportunity.pk}")
        assert response.status_code == 200
        assert response.json()["title"] == "Chiến dịch Tết"

    def test_an_account_team_kam_changes_it(self, api, hoa, sua_viet, opportunity):
        ClientTeamMember.objects.create(client=sua_viet, user=hoa, role="kam")
        response = api(hoa).send("patch", f"/opportunities/{opportunity.pk}", {"probability": 40})
        assert response.status_code == 200 and response.json()["probability"] == 40

    def test_an_opportunity_that_does_not_exist_is_404(self, api, admin):
        assert api(admin).get("/opportunities/999999").status_code == 404
        assert api(admin).get("/opportunities/0").status_code == 422

    def test_patching_an_opportunity_changes_only_what_is_sent(self, api, lan, opportunity, kol):
        due = str(today() + timedelta(days=3))
        response = api(lan).send(
            "patch",
            f"/opportunities/{opportunity.pk}",
            {
                "value_amount": 2_000_000_000,
                "probability": 35,
                "next_step": "Họp giá",
                "next_step_due_on": due,
                "service_ids": [kol.pk],
            },
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["value_amount"], body["probability"], body["weighted_amount"]) == (
            2_000_000_000,
            35,
            700_000_000,
        )
        assert (body["next_step"], body["next_step_due_on"], body["service_ids"]) == (
            "Họp giá",
            due,
            [kol.pk],
        )
        assert (body["title"], body["kind"], body["stage_id"]) == (
            "Chiến dịch Tết",
            "upsell",
            stage(1).pk,
        )
        cleared = api(lan).send("patch", f"/opportunities/{opportunity.pk}", {"service_ids": []})
        assert cleared.json()["service_ids"] == []

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"value_amount": -1}, 422, None),
            ({"probability": 101}, 422, None),
            ({"expected_close_on": two_years_ago()}, 400, "expected_close_on"),
            ({"expected_close_on": None}, 400, "expected_close_on"),
            ({"value_amount": None}, 400, "value_amount"),
            ({"probability": None}, 400, "probability"),
            ({"title": None}, 400, "title"),
            ({"kind": None}, 400, "kind"),
            ({"next_step": "Gọi lại"}, 400, "next_step_due_on"),
            ({"service_ids": [999999]}, 400, "service_ids"),
        ],
    )
    def test_bad_changes_to_an_opportunity_are_refused(
        self, api, lan, opportunity, body, status, field
    ):
        response = api(lan).send("patch", f"/opportunities/{opportunity.pk}", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        opportunity.refresh_from_db()
        assert (opportunity.value_amount, opportunity.probability, opportunity.title) == (
            1_000_000_000,
            10,
            "Chiến dịch Tết",
        )

    def test_listing_filters_the_pipeline(self, api, lan, sua_viet, hoa):
        other_client = ClientFactory(owner=lan)
        soon = OpportunityFactory(
            client=sua_viet, expected_close_on=today() + timedelta(days=3), kind="renewal"
        )
        later = OpportunityFactory(
            client=sua_viet, expected_close_on=today() + timedelta(days=90), stage=stage(4)
        )
        elsewhere = OpportunityFactory(client=other_client, owner=hoa)
        lost = OpportunityFactory(
            client=sua_viet, status="lost", closed_on=today(), lost_reason="Giá", probability=0
        )
        caller = api(lan)

        def ids(**params):
            body = caller.get("/opportunities", **params).json()
            assert body["count"] == len(body["items"])
            return [row["id"] for row in body["items"]]

        # soonest close first, then the oldest
        assert ids() == [soon.pk, elsewhere.pk, lost.pk, later.pk]
        assert ids(status="open") == [soon.pk, elsewhere.pk, later.pk]
        assert ids(status="lost") == [lost.pk]
        assert ids(kind="renewal") == [soon.pk]
        assert ids(stage_id=stage(4).pk) == [later.pk]
        assert ids(owner_id=hoa.pk) == [elsewhere.pk]
        assert ids(client_id=other_client.pk) == [elsewhere.pk]
        assert ids(closing_from=str(today() + timedelta(days=60))) == [later.pk]
        assert ids(closing_to=str(today() + timedelta(days=10))) == [soon.pk]
        assert caller.get("/opportunities", status="maybe").status_code == 422

    def test_listing_opportunities_takes_a_bounded_number_of_queries(
        self, api, lan, kol, django_assert_max_num_queries
    ):
        podcast = AgencyService.objects.exclude(pk=kol.pk).first()
        for _n in range(4):
            record = OpportunityFactory(client=ClientFactory(owner=lan))
            record.services.set([kol, podcast])
        caller = api(lan)
        with django_assert_max_num_queries(5):
            body = caller.get("/opportunities").json()
        assert body["count"] == 4
        assert all(len(row["service_ids"]) == 2 for row in body["items"])

    def test_an_opportunity_cannot_be_given_to_someone_who_may_not_own_one(
        self, api, lan, creative, sua_viet
    ):
        response = api(lan).send(
            "post",
            "/opportunities",
            {
                "client_id": sua_viet.pk,
                "title": "X",
                "kind": "upsell",
                "owner_id": creative.pk,
                "expected_close_on": str(today()),
            },
        )
        assert response.status_code == 400
        assert not Opportunity.objects.exists()


# --- Moving, winning and losing -------------------------------------------------------------
class TestOpportunityOutcomes:
    def test_moving_to_a_stage_sets_the_probability_to_the_stages(self, api, lan, opportunity):
        response = api(lan).send(
            "post", f"/opportunities/{opportunity.pk}/stage", {"stage_id": stage(4).pk}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["stage_id"], body["probability"], body["weighted_amount"]) == (
            stage(4).pk,
            75,
            750_000_000,
        )
        opportunity.refresh_from_db()
        assert (opportunity.stage, opportunity.probability) == (stage(4), 75)

    def test_moving_to_the_same_stage_keeps_a_probability_set_by_hand(self, api, lan, opportunity):
        api(lan).send("patch", f"/opportunities/{opportunity.pk}", {"probability": 33})
        response = api(lan).send(
            "post", f"/opportunities/{opportunity.pk}/stage", {"stage_id": stage(1).pk}
        )
        assert response.status_code == 200
        assert response.json()["probability"] == 33

    @pytest.mark.parametrize(
        "body,status", [({"stage_id": 999999}, 400), ({"stage_id": "2"}, 422), ({}, 422)]
    )
    def test_moving_to_no_such_stage_is_refused(self, api, lan, opportunity, body, status):
        response = api(lan).send("post", f"/opportunities/{opportunity.pk}/stage", body)
        assert response.status_code == status
        if status == 400:
            assert response.json()["field"] == "stage_id"
        opportunity.refresh_from_db()
        assert opportunity.stage == stage(1)

    def test_moving_to_a_retired_stage_is_refused(self, api, lan, opportunity):
        Stage.objects.filter(position=3).update(is_active=False)
        response = api(lan).send(
            "post", f"/opportunities/{opportunity.pk}/stage", {"stage_id": stage(3).pk}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "stage_id"

    def test_winning_records_the_close_and_clears_the_next_step(self, api, lan, sua_viet):
        record = OpportunityFactory(
            client=sua_viet, next_step="Ký", next_step_due_on=today() + timedelta(days=2)
        )
        closed = str(today() - timedelta(days=2))
        response = api(lan).send(
            "post",
            f"/opportunities/{record.pk}/win",
            {"note": " Giá tốt hơn đối thủ ", "closed_on": closed},
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["probability"], body["closed_on"]) == ("won", 100, closed)
        assert body["outcome_note"] == "Giá tốt hơn đối thủ"
        assert (body["next_step"], body["next_step_due_on"]) == ("", None)
        assert body["weighted_amount"] == body["value_amount"]

    def test_winning_without_a_date_closes_it_today(self, api, lan, opportunity):
        response = api(lan).send("post", f"/opportunities/{opportunity.pk}/win")
        assert response.status_code == 200
        assert response.json()["closed_on"] == str(today())

    def test_it_cannot_be_won_in_the_future(self, api, lan, opportunity):
        response = api(lan).send(
            "post",
            f"/opportunities/{opportunity.pk}/win",
            {"closed_on": str(today() + timedelta(days=1))},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "closed_on"
        opportunity.refresh_from_db()
        assert opportunity.status == "open"

    def test_losing_records_why(self, api, lan, opportunity):
        response = api(lan).send(
            "post", f"/opportunities/{opportunity.pk}/lose", {"reason": " Đối thủ rẻ hơn "}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["probability"], body["weighted_amount"]) == ("lost", 0, 0)
        assert (body["lost_reason"], body["closed_on"]) == ("Đối thủ rẻ hơn", str(today()))

    @pytest.mark.parametrize(
        "body,status", [({}, 422), ({"reason": ""}, 422), ({"reason": "   "}, 400)]
    )
    def test_losing_without_a_reason_is_refused(self, api, lan, opportunity, body, status):
        response = api(lan).send("post", f"/opportunities/{opportunity.pk}/lose", body)
        assert response.status_code == status
        if status == 400:
            assert response.json()["field"] == "reason"
        opportunity.refresh_from_db()
        assert opportunity.status == "open"

    def test_winning_a_lost_opportunity_answers_409(self, api, lan, opportunity):
        caller = api(lan)
        caller.send("post", f"/opportunities/{opportunity.pk}/lose", {"reason": "Giá"})
        response = caller.send("post", f"/opportunities/{opportunity.pk}/win")
        assert response.status_code == 409
        assert response.json()["detail"]
        opportunity.refresh_from_db()
        assert (opportunity.status, opportunity.lost_reason) == ("lost", "Giá")

    @pytest.mark.parametrize(
        "method,path,body",
        [
            ("post", "/win", {}),
            ("post", "/lose", {"reason": "Giá"}),
            ("post", "/stage", {"stage_position": 4}),
            ("patch", "", {"value_amount": 5}),
        ],
    )
    def test_a_won_opportunity_is_closed_to_every_change(
        self, api, lan, opportunity, method, path, body
    ):
        caller = api(lan)
        caller.send("post", f"/opportunities/{opportunity.pk}/win")
        if "stage_position" in body:  # stage ids are known only once the database is
            body = {"stage_id": stage(body["stage_position"]).pk}
        response = caller.send(method, f"/opportunities/{opportunity.pk}{path}", body)
        assert response.status_code == 409
        opportunity.refresh_from_db()
        assert (opportunity.status, opportunity.value_amount, opportunity.stage) == (
            "won",
            1_000_000_000,
            stage(1),
        )


# --- Hand-overs -----------------------------------------------------------------------------
class TestHandovers:
    def test_from_won_lead_to_accepted_client_with_sales_kept_on_the_team(
        self, api, sales, lan, qualified_lead
    ):
        caller = api(sales)
        opportunity = caller.send("post", f"/leads/{qualified_lead.pk}/convert").json()
        client_id = opportunity["client"]["id"]
        caller.send("post", f"/opportunities/{opportunity['id']}/win")

        created = caller.send(
            "post",
            "/handovers",
            {"opportunity_id": opportunity["id"], "to_kam_id": lan.pk, **CHECKLIST},
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert body == {
            "id": body["id"],
            "client": {"id": client_id, "name": "Công ty TNHH Gạo Ngon"},
            "opportunity_id": opportunity["id"],
            "from_user": person(sales),
            "to_kam": person(lan),
            **CHECKLIST,
            "status": "pending",
            "question": "",
            "accepted_at": None,
        }
        path = f"/handovers/{body['id']}"
        assert api(lan).get(path).json()["status"] == "pending"

        returned = api(lan).send("post", f"{path}/return", {"question": "Ai ký hợp đồng?"})
        assert returned.status_code == 200, returned.content
        assert (returned.json()["status"], returned.json()["question"]) == (
            "returned",
            "Ai ký hợp đồng?",
        )

        answered = api(sales).send("patch", path, {"context_note": "Chị Hà, CMO, ký"})
        assert answered.status_code == 200, answered.content
        assert (answered.json()["status"], answered.json()["context_note"]) == (
            "pending",
            "Chị Hà, CMO, ký",
        )
        assert answered.json()["commercial_terms"] == CHECKLIST["commercial_terms"]

        accepted = api(lan).send("post", f"{path}/accept")
        assert accepted.status_code == 200, accepted.content
        assert accepted.json()["status"] == "accepted"
        assert accepted.json()["accepted_at"]

        client = Client.objects.get(pk=client_id)
        assert (client.owner, client.status) == (lan, Client.Status.ACTIVE)
        member = ClientTeamMember.objects.get(client=client)
        assert (member.user, member.role) == (sales, "sales")
        caller = api(sales)
        read = caller.get(f"/clients/{client_id}")
        assert read.status_code == 200
        assert read.json()["owner"] == person(lan)
        assert caller.send("patch", f"/clients/{client_id}", {"potential": "high"}).status_code == (
            404
        )
        assert api(lan).send(
            "patch", f"/clients/{client_id}", {"potential": "high"}
        ).status_code == (200)

    def test_accepting_twice_is_404_since_an_accepted_hand_over_is_no_longer_answerable(
        self, api, lan, handover
    ):
        # can_answer_handover() is false once accepted, and require() answers 404, not 409
        caller = api(lan)
        assert caller.send("post", f"/handovers/{handover.pk}/accept").status_code == 200
        again = caller.send("post", f"/handovers/{handover.pk}/accept")
        assert again.status_code == 404
        assert caller.send(
            "post", f"/handovers/{handover.pk}/return", {"question": "?"}
        ).status_code == (404)
        assert caller.get(f"/handovers/{handover.pk}").json()["status"] == "accepted"
        assert ClientTeamMember.objects.filter(client=handover.client).count() == 1

    def test_a_returned_hand_over_is_not_accepted_nor_returned_again_until_answered(
        self, api, lan, handover
    ):
        caller = api(lan)
        caller.send("post", f"/handovers/{handover.pk}/return", {"question": "Ai ký?"})
        accepted = caller.send("post", f"/handovers/{handover.pk}/accept")
        returned = caller.send("post", f"/handovers/{handover.pk}/return", {"question": "Và?"})
        assert (accepted.status_code, returned.status_code) == (409, 409)
        handover.refresh_from_db()
        assert (handover.status, handover.question) == ("returned", "Ai ký?")
        assert handover.client.owner.username == "sales"

    @pytest.mark.parametrize(
        "missing",
        [
            "stakeholders_introduced",
            "commercial_terms",
            "promises_made",
            "risks",
            "documents",
        ],
    )
    def test_an_incomplete_checklist_is_refused(self, api, sales, lan, won_deal, missing):
        body = {"opportunity_id": won_deal["opportunity_id"], "to_kam_id": lan.pk, **CHECKLIST}
        del body[missing]
        response = api(sales).send("post", "/handovers", body)
        assert response.status_code == 400, response.content
        assert response.json()["detail"]
        assert not Handover.objects.exists()

    @pytest.mark.parametrize(
        "change", [{"stakeholders_introduced": False}, {"risks": ""}, {"risks": None}]
    )
    def test_unticking_the_checklist_is_refused(self, api, sales, handover, change):
        response = api(sales).send("patch", f"/handovers/{handover.pk}", change)
        assert response.status_code == 400
        handover.refresh_from_db()
        assert (handover.stakeholders_introduced, handover.risks) == (True, CHECKLIST["risks"])

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"context_note": ""}, 422),
            ({"stakeholders_introduced": "true"}, 422),
            ({"to_kam_id": "5"}, 422),
            ({"opportunity_id": None}, 422),
        ],
    )
    def test_malformed_hand_overs_are_422(self, api, sales, lan, won_deal, body, status):
        payload = {
            "opportunity_id": won_deal["opportunity_id"],
            "to_kam_id": lan.pk,
            **CHECKLIST,
            **body,
        }
        response = api(sales).send("post", "/handovers", payload)
        assert response.status_code == status
        assert not Handover.objects.exists()

    @pytest.mark.parametrize("persona", ["sales2", "finance", "creative", "planner", "sales"])
    def test_the_client_goes_only_to_an_active_kam_or_director(
        self, api, everyone, sales, sales2, won_deal, persona
    ):
        to = sales2 if persona == "sales2" else everyone[persona]
        response = api(sales).send(
            "post",
            "/handovers",
            {"opportunity_id": won_deal["opportunity_id"], "to_kam_id": to.pk, **CHECKLIST},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "to_kam"
        assert not Handover.objects.exists()

    def test_an_inactive_kam_is_no_such_person(self, api, sales, hoa, won_deal):
        hoa.is_active = False
        hoa.save()
        response = api(sales).send(
            "post",
            "/handovers",
            {"opportunity_id": won_deal["opportunity_id"], "to_kam_id": hoa.pk, **CHECKLIST},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "to_kam_id"

    def test_a_director_may_receive_the_client(self, api, sales, director, won_deal):
        response = api(sales).send(
            "post",
            "/handovers",
            {"opportunity_id": won_deal["opportunity_id"], "to_kam_id": director.pk, **CHECKLIST},
        )
        assert response.status_code == 201
        assert response.json()["to_kam"] == person(director)

    def test_an_open_opportunity_is_won_before_its_client_is_handed_over(
        self, api, sales, lan, qualified_lead
    ):
        opened = api(sales).send("post", f"/leads/{qualified_lead.pk}/convert").json()
        response = api(sales).send(
            "post", "/handovers", {"opportunity_id": opened["id"], "to_kam_id": lan.pk, **CHECKLIST}
        )
        assert response.status_code == 400
        assert response.json()["field"] == "opportunity_id"
        assert not Handover.objects.exists()

    def test_an_opportunity_one_does_not_see_is_no_such_opportunity(
        self, api, sales2, lan, won_deal
    ):
        hidden = api(sales2).send(
            "post",
            "/handovers",
            {"opportunity_id": won_deal["opportunity_id"], "to_kam_id": lan.pk, **CHECKLIST},
        )
        missing = api(sales2).send(
            "post", "/handovers", {"opportunity_id": 999999, "to_kam_id": lan.pk, **CHECKLIST}
        )
        assert hidden.status_code == missing.status_code == 400
        assert hidden.json() == missing.json()
        assert hidden.json()["field"] == "opportunity_id"
        assert not Handover.objects.exists()

    def test_only_the_owner_of_the_client_hands_it_over(self, api, finance, sua_viet, hoa):
        won = OpportunityFactory(client=sua_viet, status="won", closed_on=today(), probability=100)
        # finance sees the opportunity but the client is lan's to hand over
        response = api(finance).send(
            "post", "/handovers", {"opportunity_id": won.pk, "to_kam_id": hoa.pk, **CHECKLIST}
        )
        assert response.status_code == 404
        assert not Handover.objects.exists()

    def test_a_client_is_handed_over_once_at_a_time(self, api, sales, hoa, handover):
        response = api(sales).send(
            "post",
            "/handovers",
            {"opportunity_id": handover.opportunity_id, "to_kam_id": hoa.pk, **CHECKLIST},
        )
        assert response.status_code == 400
        assert response.json()["field"] == "to_kam"
        assert Handover.objects.count() == 1

    @pytest.mark.parametrize("persona", ["lan", "hoa", "director", "finance"])
    def test_only_the_giver_rewrites_a_hand_over(self, api, everyone, handover, persona):
        response = api(everyone[persona]).send(
            "patch", f"/handovers/{handover.pk}", {"risks": "Không có"}
        )
        assert response.status_code == 404
        handover.refresh_from_db()
        assert handover.risks == CHECKLIST["risks"]

    def test_the_giver_hands_it_to_another_kam_instead(self, api, sales, hoa, handover):
        response = api(sales).send("patch", f"/handovers/{handover.pk}", {"to_kam_id": hoa.pk})
        assert response.status_code == 200
        assert response.json()["to_kam"] == person(hoa)
        assert api(hoa).send("post", f"/handovers/{handover.pk}/accept").status_code == 200

    @pytest.mark.parametrize("persona", ["sales", "hoa", "director", "minh"])
    def test_only_the_receiving_kam_answers_a_hand_over(self, api, everyone, handover, persona):
        caller = api(everyone[persona])
        accepted = caller.send("post", f"/handovers/{handover.pk}/accept")
        returned = caller.send("post", f"/handovers/{handover.pk}/return", {"question": "?"})
        assert (accepted.status_code, returned.status_code) == (404, 404)
        handover.refresh_from_db()
        assert handover.status == "pending"
        assert handover.client.owner == everyone["sales"]

    def test_an_admin_accepts_for_the_kam(self, api, admin, lan, handover):
        response = api(admin).send("post", f"/handovers/{handover.pk}/accept")
        assert response.status_code == 200
        handover.client.refresh_from_db()
        assert handover.client.owner == lan

    def test_each_step_is_in_the_hand_overs_history(self, api, sales, lan, handover):
        api(lan).send("post", f"/handovers/{handover.pk}/return", {"question": "Ai ký?"})
        api(sales).send("patch", f"/handovers/{handover.pk}", {"risks": "Không còn"})
        api(lan).send("post", f"/handovers/{handover.pk}/accept")
        verbs = list(
            AuditEvent.objects.filter(subject_id=str(handover.pk), verb__startswith="handover.")
            .order_by("pk")
            .values_list("verb", "actor__username")
        )
        assert verbs == [
            ("handover.created", "sales"),
            ("handover.returned", "lan"),
            ("handover.updated", "sales"),
            ("handover.accepted", "lan"),
        ]

    def test_accepting_records_the_hand_over_going_from_pending_to_accepted(
        self, api, lan, handover
    ):
        assert api(lan).send("post", f"/handovers/{handover.pk}/accept").status_code == 200
        event = AuditEvent.objects.get(verb="handover.accepted", subject_id=str(handover.pk))
        assert event.changes == {
            "status": ["pending", "accepted"],
            "owner": [str(handover.from_user), str(lan)],
        }

    def test_the_accepted_hand_over_is_closed_to_rewriting(self, api, sales, lan, handover):
        api(lan).send("post", f"/handovers/{handover.pk}/accept")
        response = api(sales).send("patch", f"/handovers/{handover.pk}", {"risks": "Khác"})
        assert response.status_code == 404
        assert api(sales).get(f"/handovers/{handover.pk}").json()["status"] == "accepted"

    @pytest.mark.parametrize(
        "body,status", [({}, 422), ({"question": ""}, 422), ({"question": " "}, 400)]
    )
    def test_returning_without_a_question_is_refused(self, api, lan, handover, body, status):
        response = api(lan).send("post", f"/handovers/{handover.pk}/return", body)
        assert response.status_code == status
        if status == 400:
            assert response.json()["field"] == "question"
        handover.refresh_from_db()
        assert handover.status == "pending"

    @pytest.mark.parametrize("persona", ["minh", "hoa", "creative", "planner", "sales2"])
    def test_an_outsider_gets_404_and_never_the_data(
        self, api, everyone, sales2, handover, persona
    ):
        caller = api(sales2 if persona == "sales2" else everyone[persona])
        response = caller.get(f"/handovers/{handover.pk}")
        assert response.status_code == 404
        assert "Gạo Ngon" not in response.content.decode()
        assert caller.get("/handovers").json() == {"items": [], "count": 0}

    # Every Director oversees the prospects Sales owns, and Finance reads every client.
    @pytest.mark.parametrize(
        "persona", ["sales", "lan", "director", "director2", "finance", "admin"]
    )
    def test_the_two_people_directors_finance_and_admins_read_it(
        self, api, everyone, handover, persona
    ):
        caller = api(everyone[persona])
        assert caller.get(f"/handovers/{handover.pk}").json()["id"] == handover.pk
        assert [row["id"] for row in caller.get("/handovers").json()["items"]] == [handover.pk]

    def test_listing_filters_by_status_and_takes_a_bounded_number_of_queries(
        self, api, admin, lan, hoa, sales, django_assert_max_num_queries
    ):
        made = []
        for n in range(4):
            client = ClientFactory(owner=sales, status=Client.Status.PROSPECT)
            won = OpportunityFactory(
                client=client, status="won", closed_on=today(), probability=100
            )
            made.append(
                services.hand_over_client(
                    by=sales, client=client, opportunity=won, to_kam=[lan, hoa][n % 2], **CHECKLIST
                )
            )
        services.return_handover(by=lan, handover=made[0], question="Ai ký?")
        services.accept_handover(by=hoa, handover=made[1])
        caller = api(admin)
        with django_assert_max_num_queries(4):
            body = caller.get("/handovers").json()
        assert body["count"] == 4
        assert [row["id"] for row in body["items"]] == [h.pk for h in reversed(made)]
        assert [
            row["id"] for row in caller.get("/handovers", status="returned").json()["items"]
        ] == [made[0].pk]
        assert caller.get("/handovers", status="accepted").json()["count"] == 1
        assert caller.get("/handovers", status="pending").json()["count"] == 2
        assert caller.get("/handovers", status="open").status_code == 422
        assert api(lan).get("/handovers").json()["count"] == 2


# --- Forecast -------------------------------------------------------------------------------
class TestForecast:
    @pytest.fixture
    def pipeline(self, lan, minh, sua_viet, hoa_sen):
        """lan: 1 bn at 25 % closing this month, and 600 m won this month; minh: 2 bn at 50 %
        closing next quarter; and what the forecast leaves out."""
        start = quarter_start(today())
        next_quarter = add_months(start, 3) + timedelta(days=14)
        OpportunityFactory(
            client=sua_viet,
            value_amount=Decimal(1_000_000_000),
            stage=stage(2),
            expected_close_on=today(),
        )
        OpportunityFactory(
            client=sua_viet,
            status="won",
            probability=100,
            value_amount=Decimal(600_000_000),
            closed_on=today(),
            expected_close_on=today() + timedelta(days=30),
        )
        OpportunityFactory(
            client=hoa_sen,
            value_amount=Decimal(2_000_000_000),
            stage=stage(3),
            expected_close_on=next_quarter,
        )
        # Left out: lost, closing after the four quarters, and closing before this quarter.
        OpportunityFactory(
            client=sua_viet, status="lost", probability=0, closed_on=today(), lost_reason="Giá"
        )
        OpportunityFactory(client=sua_viet, expected_close_on=add_months(start, 12))
        OpportunityFactory(client=hoa_sen, expected_close_on=start - timedelta(days=1))
        return {"start": start, "next_quarter": next_quarter}

    def test_the_weighted_pipeline_and_won_revenue_by_month_quarter_owner_and_team(
        self, api, admin, lan, minh, team_a, team_b, pipeline
    ):
        response = api(admin).get("/forecast")
        assert response.status_code == 200, response.content
        body = response.json()
        start = pipeline["start"]
        assert body["start"] == str(start)
        assert len(body["months"]) == 12 and len(body["quarters"]) == 4
        assert [row["label"] for row in body["months"]][:2] == [
            start.strftime("%m/%Y"),
            add_months(start, 1).strftime("%m/%Y"),
        ]
        this_month = today().month - start.month
        expected_months = [
            {"label": add_months(start, n).strftime("%m/%Y"), **zeros()} for n in range(12)
        ]
        expected_months[this_month].update(
            weighted_amount=250_000_000, pipeline_amount=1_000_000_000, won_amount=600_000_000
        )
        expected_months[3].update(weighted_amount=1_000_000_000, pipeline_amount=2_000_000_000)
        assert body["months"] == expected_months
        assert body["quarters"][0] == {
            "label": f"Q{(start.month - 1) // 3 + 1}/{start.year}",
            "weighted_amount": 250_000_000,
            "pipeline_amount": 1_000_000_000,
            "won_amount": 600_000_000,
        }
        assert (body["quarters"][1]["weighted_amount"], body["quarters"][1]["won_amount"]) == (
            1_000_000_000,
            0,
        )
        assert [row["weighted_amount"] for row in body["quarters"][2:]] == [0, 0]
        assert body["by_owner"] == [
            {
                "id": minh.pk,
                "label": str(minh),
                "weighted_amount": 1_000_000_000,
                "pipeline_amount": 2_000_000_000,
                "won_amount": 0,
                "quarters_weighted": [0, 1_000_000_000, 0, 0],
            },
            {
                "id": lan.pk,
                "label": str(lan),
                "weighted_amount": 250_000_000,
                "pipeline_amount": 1_000_000_000,
                "won_amount": 600_000_000,
                "quarters_weighted": [250_000_000, 0, 0, 0],
            },
        ]
        assert [(row["id"], row["label"]) for row in body["by_team"]] == [
            (team_b.pk, "Nhóm B"),
            (team_a.pk, "Nhóm A"),
        ]
        assert body["by_team"][1]["won_amount"] == 600_000_000

    def test_narrowed_to_an_owner_or_a_team(self, api, admin, lan, team_b, pipeline):
        caller = api(admin)
        mine = caller.get("/forecast", owner_id=lan.pk).json()
        assert [row["id"] for row in mine["by_owner"]] == [lan.pk]
        assert sum(row["weighted_amount"] for row in mine["quarters"]) == 250_000_000
        theirs = caller.get("/forecast", team_id=team_b.pk).json()
        assert [row["label"] for row in theirs["by_team"]] == ["Nhóm B"]
        assert sum(row["weighted_amount"] for row in theirs["quarters"]) == 1_000_000_000
        assert sum(row["won_amount"] for row in theirs["quarters"]) == 0

    def test_a_kam_forecasts_only_what_she_sees(self, api, lan, pipeline):
        body = api(lan).get("/forecast").json()
        assert [row["id"] for row in body["by_owner"]] == [lan.pk]
        assert sum(row["weighted_amount"] for row in body["months"]) == 250_000_000
        assert sum(row["won_amount"] for row in body["months"]) == 600_000_000

    def test_an_outsider_forecasts_nothing_of_others(self, api, creative, pipeline):
        body = api(creative).get("/forecast").json()
        assert body["by_owner"] == [] and body["by_team"] == []
        assert all(row == {"label": row["label"], **zeros()} for row in body["months"])
        assert len(body["months"]) == 12 and len(body["quarters"]) == 4

    def test_the_forecast_takes_a_bounded_number_of_queries(
        self, api, admin, lan, hoa, sua_viet, pipeline, django_assert_max_num_queries
    ):
        for owner in [lan, hoa, hoa]:
            OpportunityFactory(client=sua_viet, owner=owner, expected_close_on=today())
        caller = api(admin)
        with django_assert_max_num_queries(6):
            body = caller.get("/forecast").json()
        assert len(body["by_owner"]) == 3

    @pytest.mark.parametrize("params", [{"owner_id": 0}, {"team_id": "a"}])
    def test_bad_filters_are_422(self, api, admin, params):
        assert api(admin).get("/forecast", **params).status_code == 422


def zeros() -> dict:
    return {"weighted_amount": 0, "pipeline_amount": 0, "won_amount": 0}
