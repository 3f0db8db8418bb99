"""The delivery API: contracts (+ milestones, slips, commitments, amendments), projects (+ phases,
the check against the brief), tasks (+ dependencies, slips), bookings (+ backups), change
requests (+ lines, the decision) and the calendar feed; what each answers, to whom, and how it
says no. A department member sees their department's tasks and nothing of the money: no
contract, project, booking or change request, even on the client's account team."""

import json
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kam.clients.models import ClientTeamMember, Interaction
from kam.core.models import AuditEvent
from kam.delivery import services
from kam.delivery.models import (
    Amendment,
    Booking,
    CalendarFeed,
    ChangeLine,
    ChangeRequest,
    CheckItem,
    Commitment,
    Contract,
    Milestone,
    Phase,
    Project,
    Slip,
    Task,
    TaskDependency,
)
from kam.pitching import services as pitching_services
from tests.budgets.factories import budgeted_project
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import (
    VALUE,
    approved_proposal,
    draft_contract,
    running_project,
    signed_contract,
    stakeholder,
    task,
)
from tests.pitching.factories import department, open_proposal, price, shortlisted_brief

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Those who see lan's client but do not change it, and those who do not see it at all.
OUTSIDERS = ["minh", "hoa", "director2", "creative", "planner", "sales"]


def today():
    return timezone.localdate()


def day(offset: int = 0) -> str:
    return str(today() + timedelta(days=offset))


@pytest.fixture
def api(db):
    """`api(user).send("post", path, body)`: JSON in and out as that user."""

    class Api:
        def __init__(self, user):
            # Answers come in the caller's language; the messages are matched in English.
            user.language = "en"
            user.save(update_fields=["language"])
            self.http = HttpClient(HTTP_HOST="127.0.0.1")
            self.http.force_login(user)

        def get(self, path, **params):
            return self.http.get(f"/api/v1{path}", params)

        def send(self, method, path, body=None):
            return getattr(self.http, method)(
                f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
            )

    return Api


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", owner=lan)


@pytest.fixture
def hoa_sen(minh):
    return ClientFactory(legal_name="Công ty TNHH Hoa Sen", owner=minh)


@pytest.fixture
def draft(sua_viet):
    return draft_contract(client=sua_viet)


@pytest.fixture
def signed(sua_viet):
    return signed_contract(client=sua_viet)


@pytest.fixture
def project(sua_viet):
    """lan's running project (its contract signed, pre-production started)."""
    return running_project(client=sua_viet)


@pytest.fixture
def ours(project, creative):
    """A task of the creative department (creative's own) on lan's project."""
    return task(project, code="creative", title="Kịch bản TVC")


@pytest.fixture
def theirs(project):
    """A task of the media department on the same project."""
    return task(project, code="media", title="Kế hoạch media")


def person(user) -> dict:
    return {"id": user.pk, "name": str(user)}


def ids(response) -> list[int]:
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


def slip_body(**fields) -> dict:
    return {"now_due_on": day(30), "reason": "Khách duyệt chậm", "told_how": "call", **fields}


def on_account_team(client, user, role="department"):
    return ClientTeamMember.objects.create(client=client, user=user, role=role)


# --- Signing in -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/contracts",
        "/contracts/1",
        "/contracts/1/amendments",
        "/projects",
        "/projects/1",
        "/projects/1/phases",
        "/projects/1/checks",
        "/tasks",
        "/tasks/1",
        "/bookings",
        "/bookings/1",
        "/change-requests",
        "/change-requests/1",
        "/calendar",
    ],
)
def test_an_anonymous_visitor_gets_401_everywhere(client, db, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Contracts ------------------------------------------------------------------------------
class TestContracts:
    def test_a_kam_enters_a_draft_contract_for_her_client_and_reads_it_back(
        self, api, lan, sua_viet
    ):
        response = api(lan).send(
            "post",
            "/contracts",
            {
                "client_id": sua_viet.pk,
                "title": " Chiến dịch Tết ",
                "value_amount": 2_000_000_000,
                "vat_percent": 8,
                "scope": "TVC và KOL",
                "starts_on": day(),
                "ends_on": day(90),
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["number"] == f"HĐ-{today().year}-0001"
        assert (body["title"], body["status"], body["client"], body["owner"]) == (
            "Chiến dịch Tết",
            "draft",
            {"id": sua_viet.pk, "name": "Sữa Việt"},
            person(lan),
        )
        assert (body["value_amount"], body["current_value_amount"], body["vat_percent"]) == (
            2_000_000_000,
            2_000_000_000,
            8.0,
        )
        assert (body["current_ends_on"], body["scheduled_amount"], body["proposal_id"]) == (
            day(90),
            0,
            None,
        )
        assert body["milestones"] == body["commitments"] == body["amendments"] == []
        assert api(lan).get(f"/contracts/{body['id']}").json() == body
        assert AuditEvent.objects.filter(verb="contract.created", actor=lan).count() == 1

    def test_a_contract_from_an_approved_proposal_is_filled_from_its_approved_version(
        self, api, lan, sua_viet
    ):
        proposal = approved_proposal(client=sua_viet)
        caller = api(lan)
        response = caller.send(
            "post", "/contracts", {"proposal_id": proposal.pk, "number": "HĐ-SV-01"}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["proposal_id"], body["client"]["id"], body["number"]) == (
            proposal.pk,
            sua_viet.pk,
            "HĐ-SV-01",
        )
        assert (body["title"], body["value_amount"]) == (proposal.title, int(VALUE))
        again = caller.send("post", "/contracts", {"proposal_id": proposal.pk})
        assert again.status_code == 409
        assert Contract.objects.count() == 1

    def test_a_proposal_not_approved_of_another_client_or_unseen_is_refused(
        self, api, lan, sua_viet, hoa_sen
    ):
        caller = api(lan)
        unapproved = open_proposal(by=lan, client=sua_viet)
        refused = caller.send("post", "/contracts", {"proposal_id": unapproved.pk})
        assert (refused.status_code, refused.json()["field"]) == (400, "proposal")
        approved = approved_proposal(client=sua_viet)
        elsewhere = caller.send(
            "post",
            "/contracts",
            {"proposal_id": approved.pk, "client_id": ClientFactory(owner=lan).pk},
        )
        assert (elsewhere.status_code, elsewhere.json()["field"]) == (400, "client_id")
        unseen = caller.send(
            "post", "/contracts", {"proposal_id": approved_proposal(client=hoa_sen).pk}
        )
        missing = caller.send("post", "/contracts", {"proposal_id": 999999})
        assert unseen.status_code == missing.status_code == 400
        assert unseen.json() == missing.json()
        assert unseen.json()["field"] == "proposal_id"
        assert not Contract.objects.exists()

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"value_amount": -1}, 422, None),
            ({"value_amount": "1000"}, 422, None),
            ({"value_amount": 1.5}, 422, None),
            ({"vat_percent": 101}, 422, None),
            ({"payment_terms_days": 400}, 422, None),
            ({"starts_on": "31/12/2026"}, 422, None),
            ({"ends_on": "9999-12-31"}, 422, None),
            ({"starts_on": 0}, 422, None),
            ({"title": ""}, 422, None),
            ({"client_id": "1"}, 422, None),
            ({"client_id": None}, 400, "client_id"),
            ({"client_id": 999999}, 400, "client_id"),
            ({"title": "   "}, 400, "title"),
            ({"title": None}, 400, "title"),
            ({"starts_on": None}, 400, "starts_on"),
            ({"ends_on": "2026-01-01", "starts_on": "2026-02-01"}, 400, "ends_on"),
        ],
    )
    def test_bad_contracts_are_refused_and_nothing_is_saved(
        self, api, lan, sua_viet, body, status, field
    ):
        payload = {
            "client_id": sua_viet.pk,
            "title": "Tết",
            "value_amount": 1000,
            "starts_on": day(),
            "ends_on": day(30),
            **body,
        }
        response = api(lan).send("post", "/contracts", payload)
        assert response.status_code == status, response.content
        assert "detail" in response.json()
        if field:
            assert response.json()["field"] == field
        assert not Contract.objects.exists()

    def test_a_contract_number_is_taken_once(self, api, lan, sua_viet, draft):
        response = api(lan).send(
            "post",
            "/contracts",
            {
                "client_id": sua_viet.pk,
                "number": draft.number,
                "title": "Trung thu",
                "starts_on": day(),
                "ends_on": day(30),
            },
        )
        assert (response.status_code, response.json()["field"]) == (400, "number")

    def test_patching_a_draft_changes_only_what_is_sent(self, api, lan, draft):
        response = api(lan).send(
            "patch", f"/contracts/{draft.pk}", {"title": "Tết 2027", "payment_terms_days": 45}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["title"], body["payment_terms_days"], body["value_amount"]) == (
            "Tết 2027",
            45,
            int(VALUE),
        )

    def test_a_value_under_the_milestones_is_refused(self, api, lan, draft):
        services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=today(), amount=Decimal(1_000_000)
        )
        response = api(lan).send("patch", f"/contracts/{draft.pk}", {"value_amount": 999_999})
        assert (response.status_code, response.json()["field"]) == (400, "value_amount")

    def test_a_signed_contract_is_not_edited_but_amended(self, api, lan, signed):
        response = api(lan).send("patch", f"/contracts/{signed.pk}", {"title": "Đổi"})
        assert response.status_code == 409
        assert "amendment" in response.json()["detail"]
        signed.refresh_from_db()
        assert signed.title == "Chiến dịch Tết"

    def test_signing_needs_milestones_that_cover_the_value(self, api, lan, draft):
        caller = api(lan)
        empty = caller.send("post", f"/contracts/{draft.pk}/sign", {})
        assert empty.status_code == 400
        services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=day(10), amount=VALUE / 2
        )
        short = caller.send("post", f"/contracts/{draft.pk}/sign", {})
        assert short.status_code == 400
        services.add_milestone(
            by=lan, contract=draft, title="Đợt 2", due_on=day(40), amount=VALUE / 2
        )
        future = caller.send("post", f"/contracts/{draft.pk}/sign", {"signed_on": day(1)})
        assert (future.status_code, future.json()["field"]) == (400, "signed_on")
        signing = caller.send("post", f"/contracts/{draft.pk}/sign", {"signed_on": day(-1)})
        assert signing.status_code == 200, signing.content
        assert (signing.json()["status"], signing.json()["signed_on"]) == ("signed", day(-1))
        assert caller.send("post", f"/contracts/{draft.pk}/sign", {}).status_code == 409

    def test_the_detail_shows_the_current_value_end_schedule_and_files(
        self, api, lan, signed, sua_viet
    ):
        services.record_amendment(
            by=lan,
            contract=signed,
            signed_on=today(),
            summary="Thêm 2 KOL",
            value_change_amount=Decimal(300_000_000),
            new_ends_on=today() + timedelta(days=120),
        )
        services.add_commitment(
            by=lan,
            contract=signed,
            party="client",
            description="Gửi logo mới",
            due_on=today(),
            stakeholder=StakeholderFactory(client=sua_viet),
        )
        services.attach_contract_file(by=lan, contract=signed, name="hop-dong.pdf", content=PDF)
        started = services.create_project(by=lan, contract=signed)
        body = api(lan).get(f"/contracts/{signed.pk}").json()
        assert (body["value_amount"], body["current_value_amount"]) == (
            int(VALUE),
            int(VALUE) + 300_000_000,
        )
        assert (body["ends_on"], body["current_ends_on"]) == (str(signed.ends_on), day(120))
        assert body["scheduled_amount"] == int(VALUE)
        assert [m["title"] for m in body["milestones"]] == ["Đợt 1", "Đợt 2", "Đợt 3"]
        assert all(m["is_late"] is False for m in body["milestones"])
        assert body["commitments"][0]["party"] == "client"
        assert body["amendments"][0]["number"] == 1
        assert body["files"][0]["name"] == "hop-dong.pdf"
        assert body["projects"] == [{"id": started.pk, "title": "Chiến dịch Tết"}]
        listed = api(lan).get("/contracts").json()["items"][0]
        assert listed["current_value_amount"] == int(VALUE) + 300_000_000

    def test_listing_filters_by_status_client_and_search(self, api, lan, sua_viet, draft, signed):
        other = draft_contract(client=ClientFactory(owner=lan), title="Khai trương cửa hàng")
        caller = api(lan)
        assert sorted(ids(caller.get("/contracts"))) == sorted([draft.pk, signed.pk, other.pk])
        assert ids(caller.get("/contracts", status="signed")) == [signed.pk]
        assert sorted(ids(caller.get("/contracts", client_id=sua_viet.pk))) == sorted(
            [draft.pk, signed.pk]
        )
        assert ids(caller.get("/contracts", q="khai truong")) == [other.pk]
        assert caller.get("/contracts", status="maybe").status_code == 422

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, draft, persona):
        milestone = services.add_milestone(
            by=draft.client.owner, contract=draft, title="Đợt 1", due_on=today(), amount=VALUE
        )
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/contracts/{draft.pk}"),
            caller.send("patch", f"/contracts/{draft.pk}", {"title": "Đổi"}),
            caller.send("post", f"/contracts/{draft.pk}/sign", {}),
            caller.get(f"/contracts/{draft.pk}/amendments"),
            caller.send(
                "post",
                f"/contracts/{draft.pk}/milestones",
                {"title": "X", "due_on": day(), "amount": 1},
            ),
            caller.send("patch", f"/milestones/{milestone.pk}", {"title": "Đổi"}),
            caller.send("delete", f"/milestones/{milestone.pk}"),
            caller.send(
                "post",
                f"/contracts/{draft.pk}/commitments",
                {"party": "agency", "description": "X", "due_on": day()},
            ),
            caller.send("post", f"/contracts/{draft.pk}/projects", {}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Chiến dịch Tết" not in answer.content.decode() for answer in answers)
        assert caller.get("/contracts").json() == {"items": [], "count": 0}
        draft.refresh_from_db()
        assert (draft.title, draft.status) == ("Chiến dịch Tết", "draft")
        assert Milestone.objects.count() == 1 and not Commitment.objects.exists()

    @pytest.mark.parametrize("persona", ["lan", "director", "admin"])
    def test_the_owner_her_director_and_admins_change_it(self, api, everyone, draft, persona):
        response = api(everyone[persona]).send("patch", f"/contracts/{draft.pk}", {"scope": "X"})
        assert response.status_code == 200, response.content
        assert response.json()["scope"] == "X"

    def test_finance_reads_contracts_and_changes_none(self, api, finance, signed, sua_viet):
        caller = api(finance)
        assert caller.get(f"/contracts/{signed.pk}").json()["value_amount"] == int(VALUE)
        assert ids(caller.get("/contracts")) == [signed.pk]
        milestone = signed.milestones.first()
        answers = [
            caller.send("post", "/contracts", {"client_id": sua_viet.pk, "title": "X"}),
            caller.send("patch", f"/contracts/{signed.pk}", {"title": "X"}),
            caller.send(
                "post",
                f"/contracts/{signed.pk}/amendments",
                {"signed_on": day(), "summary": "X"},
            ),
            caller.send("post", f"/milestones/{milestone.pk}/reach", {}),
            caller.send("post", f"/milestones/{milestone.pk}/slip", slip_body()),
            caller.send(
                "post",
                f"/contracts/{signed.pk}/commitments",
                {"party": "agency", "description": "X", "due_on": day(), "stakeholder_id": 999},
            ),
            caller.send("post", f"/contracts/{signed.pk}/projects", {}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert Contract.objects.count() == 1 and not Amendment.objects.exists()

    def test_a_department_member_on_the_account_team_sees_no_contract(
        self, api, creative, signed, sua_viet
    ):
        on_account_team(sua_viet, creative)
        caller = api(creative)
        assert caller.get(f"/contracts/{signed.pk}").status_code == 404
        assert caller.get("/contracts").json()["count"] == 0

    def test_listing_and_reading_take_a_bounded_number_of_queries(
        self, api, lan, django_assert_max_num_queries
    ):
        contracts = [signed_contract(client=ClientFactory(owner=lan)) for _n in range(4)]
        for contract in contracts:
            services.record_amendment(
                by=lan, contract=contract, signed_on=today(), summary="Thêm", new_ends_on=None
            )
        caller = api(lan)
        with django_assert_max_num_queries(4):
            body = caller.get("/contracts").json()
        assert body["count"] == 4
        with django_assert_max_num_queries(11):
            detail = caller.get(f"/contracts/{contracts[0].pk}").json()
        assert len(detail["milestones"]) == 3


# --- Milestones -----------------------------------------------------------------------------
class TestMilestones:
    def test_the_draft_schedule_is_written_milestone_by_milestone(self, api, lan, draft):
        caller = api(lan)
        added = caller.send(
            "post",
            f"/contracts/{draft.pk}/milestones",
            {"title": "Tạm ứng", "due_on": day(5), "amount": 600_000_000},
        )
        assert added.status_code == 201, added.content
        body = added.json()
        assert (body["title"], body["amount"], body["position"], body["reached_on"]) == (
            "Tạm ứng",
            600_000_000,
            1,
            None,
        )
        assert (body["is_late"], body["is_at_risk"]) == (False, False)
        patched = caller.send("patch", f"/milestones/{body['id']}", {"amount": 700_000_000})
        assert patched.status_code == 200 and patched.json()["amount"] == 700_000_000
        too_much = caller.send(
            "post",
            f"/contracts/{draft.pk}/milestones",
            {"title": "Đợt 2", "due_on": day(9), "amount": int(VALUE)},
        )
        assert (too_much.status_code, too_much.json()["field"]) == (400, "amount")
        assert caller.send("delete", f"/milestones/{body['id']}").status_code == 204
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"title": "X", "due_on": day(), "amount": -1}, 422),
            ({"title": "X", "due_on": day()}, 422),
            ({"title": "", "due_on": day(), "amount": 1}, 422),
            ({"title": "X", "due_on": "mai", "amount": 1}, 422),
            ({"title": " ", "due_on": day(), "amount": 1}, 400),
        ],
    )
    def test_bad_milestones_are_refused(self, api, lan, draft, body, status):
        response = api(lan).send("post", f"/contracts/{draft.pk}/milestones", body)
        assert response.status_code == status, response.content
        assert not Milestone.objects.exists()

    def test_a_signed_schedule_is_not_changed_but_reached(self, api, lan, signed):
        caller = api(lan)
        first = signed.milestones.order_by("due_on").first()
        answers = [
            caller.send(
                "post",
                f"/contracts/{signed.pk}/milestones",
                {"title": "X", "due_on": day(), "amount": 1},
            ),
            caller.send("patch", f"/milestones/{first.pk}", {"title": "Đổi"}),
            caller.send("delete", f"/milestones/{first.pk}"),
        ]
        # A milestone added after signing schedules only what amendments added: none here.
        assert [answer.status_code for answer in answers] == [400, 409, 409]
        future = caller.send("post", f"/milestones/{first.pk}/reach", {"reached_on": day(1)})
        assert (future.status_code, future.json()["field"]) == (400, "reached_on")
        reached = caller.send("post", f"/milestones/{first.pk}/reach", {})
        assert reached.status_code == 200, reached.content
        assert reached.json()["reached_on"] == day()
        assert caller.send("post", f"/milestones/{first.pk}/reach", {}).status_code == 409

    def test_a_draft_milestone_is_not_reached(self, api, lan, draft):
        milestone = services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=today(), amount=VALUE
        )
        assert api(lan).send("post", f"/milestones/{milestone.pk}/reach", {}).status_code == 409

    def test_a_milestone_past_its_date_is_late_and_one_with_late_work_at_risk(
        self, api, lan, draft
    ):
        late = services.add_milestone(
            by=lan, contract=draft, title="Trễ", due_on=today() - timedelta(days=2), amount=1
        )
        coming = services.add_milestone(
            by=lan, contract=draft, title="Sắp tới", due_on=today() + timedelta(days=20), amount=1
        )
        started = services.create_project(by=lan, contract=draft)
        task(started, starts_on=today() - timedelta(days=5), due_on=today() - timedelta(days=1))
        rows = {m["id"]: m for m in api(lan).get(f"/contracts/{draft.pk}").json()["milestones"]}
        assert (rows[late.pk]["is_late"], rows[late.pk]["is_at_risk"]) == (True, False)
        assert (rows[coming.pk]["is_late"], rows[coming.pk]["is_at_risk"]) == (False, True)

    def test_a_signed_milestone_slips_with_how_the_client_was_told(
        self, api, lan, project, sua_viet
    ):
        milestone = project.contract.milestones.order_by("due_on").first()
        told = StakeholderFactory(client=sua_viet)
        response = api(lan).send(
            "post",
            f"/milestones/{milestone.pk}/slip",
            slip_body(told_whom_ids=[told.pk], told_how="meeting"),
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["milestone_id"], body["task_id"], body["project_id"]) == (
            milestone.pk,
            None,
            project.pk,
        )
        assert (body["was_due_on"], body["now_due_on"]) == (str(milestone.due_on), day(30))
        interaction = Interaction.objects.get(pk=body["interaction_id"])
        assert (interaction.kind, interaction.client_id) == ("meeting", sua_viet.pk)
        assert list(interaction.stakeholders.all()) == [told]
        milestone.refresh_from_db()
        assert milestone.due_on == today() + timedelta(days=30)

    @pytest.mark.parametrize(
        "body,status,field",
        [
            (slip_body(now_due_on=day(-30)), 400, "now_due_on"),
            (slip_body(reason=" "), 400, "reason"),
            (slip_body(reason=""), 422, None),
            (slip_body(told_how="note"), 422, None),
            (slip_body(told_at="2026-01-01T08:00+20:00"), 422, None),
            (slip_body(told_at=0), 422, None),
            (slip_body(now_due_on=1), 422, None),
            (slip_body(told_whom_ids=["1"]), 422, None),
            (slip_body(told_whom_ids=[999999]), 400, "told_whom_ids"),
        ],
    )
    def test_a_bad_slip_is_refused_and_the_date_stays(self, api, lan, project, body, status, field):
        milestone = project.contract.milestones.order_by("due_on").first()
        was = milestone.due_on
        response = api(lan).send("post", f"/milestones/{milestone.pk}/slip", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        milestone.refresh_from_db()
        assert milestone.due_on == was and not Slip.objects.exists()

    def test_another_clients_people_were_not_told(self, api, lan, project, hoa_sen):
        milestone = project.contract.milestones.first()
        stranger = StakeholderFactory(client=hoa_sen)
        response = api(lan).send(
            "post", f"/milestones/{milestone.pk}/slip", slip_body(told_whom_ids=[stranger.pk])
        )
        assert (response.status_code, response.json()["field"]) == (400, "told_whom_ids")

    def test_a_draft_or_projectless_milestone_does_not_slip(self, api, lan, draft, signed):
        caller = api(lan)
        on_draft = services.add_milestone(
            by=lan, contract=draft, title="Đợt 1", due_on=today(), amount=1
        )
        assert (
            caller.send("post", f"/milestones/{on_draft.pk}/slip", slip_body()).status_code == 409
        )
        projectless = signed.milestones.first()
        response = caller.send("post", f"/milestones/{projectless.pk}/slip", slip_body())
        assert response.status_code == 409


# --- Commitments ----------------------------------------------------------------------------
class TestCommitments:
    def test_commitments_of_both_sides_are_recorded_and_followed(self, api, lan, signed, sua_viet):
        theirs = StakeholderFactory(client=sua_viet)
        caller = api(lan)
        added = caller.send(
            "post",
            f"/contracts/{signed.pk}/commitments",
            {
                "party": "client",
                "description": "Gửi logo mới",
                "due_on": day(3),
                "stakeholder_id": theirs.pk,
                "owner_id": lan.pk,
            },
        )
        assert added.status_code == 201, added.content
        body = added.json()
        assert (body["party"], body["status"], body["owner"], body["stakeholder"]) == (
            "client",
            "open",
            person(lan),
            {"id": theirs.pk, "name": str(theirs)},
        )
        kept = caller.send("patch", f"/commitments/{body['id']}", {"status": "done"})
        assert kept.status_code == 200 and kept.json()["status"] == "done"
        cleared = caller.send("patch", f"/commitments/{body['id']}", {"stakeholder_id": None})
        assert cleared.json()["stakeholder"] is None
        # A signed contract keeps its commitments: they are waived, not removed.
        assert caller.send("delete", f"/commitments/{body['id']}").status_code == 409

    def test_a_drafts_commitment_is_removed(self, api, lan, draft):
        commitment = services.add_commitment(
            by=lan, contract=draft, party="agency", description="3 bản TVC", due_on=today()
        )
        assert api(lan).send("delete", f"/commitments/{commitment.pk}").status_code == 204
        assert not Commitment.objects.exists()

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"party": "both"}, 422, None),
            ({"status": "late"}, 422, None),
            ({"description": ""}, 422, None),
            ({"owner_id": 999999}, 400, "owner_id"),
            ({"stakeholder_id": 999999}, 400, "stakeholder_id"),
            ({"description": "  "}, 400, "description"),
            ({"due_on": None}, 422, None),
        ],
    )
    def test_bad_commitments_are_refused(self, api, lan, draft, body, status, field):
        payload = {"party": "agency", "description": "3 bản TVC", "due_on": day(), **body}
        response = api(lan).send("post", f"/contracts/{draft.pk}/commitments", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Commitment.objects.exists()

    def test_another_clients_stakeholder_does_not_answer_for_it(self, api, lan, draft, hoa_sen):
        stranger = StakeholderFactory(client=hoa_sen)
        response = api(lan).send(
            "post",
            f"/contracts/{draft.pk}/commitments",
            {
                "party": "client",
                "description": "Gửi logo",
                "due_on": day(),
                "stakeholder_id": stranger.pk,
            },
        )
        assert (response.status_code, response.json()["field"]) == (400, "stakeholder_id")

    def test_finance_and_outsiders_get_404_on_a_commitment(self, api, lan, minh, finance, draft):
        commitment = services.add_commitment(
            by=lan, contract=draft, party="agency", description="3 bản TVC", due_on=today()
        )
        for caller in (api(minh), api(finance)):
            patched = caller.send("patch", f"/commitments/{commitment.pk}", {"status": "done"})
            removed = caller.send("delete", f"/commitments/{commitment.pk}")
            assert (patched.status_code, removed.status_code) == (404, 404)
        commitment.refresh_from_db()
        assert commitment.status == "open"


# --- Amendments -----------------------------------------------------------------------------
class TestAmendments:
    def test_amendments_are_numbered_and_change_the_current_value_and_end(self, api, lan, signed):
        caller = api(lan)
        first = caller.send(
            "post",
            f"/contracts/{signed.pk}/amendments",
            {
                "signed_on": day(),
                "summary": "Thêm 2 KOL",
                "value_change_amount": 200_000_000,
                "new_ends_on": day(100),
            },
        )
        assert first.status_code == 201, first.content
        assert (first.json()["number"], first.json()["recorded_by"]) == (1, person(lan))
        second = caller.send(
            "post",
            f"/contracts/{signed.pk}/amendments",
            {"signed_on": day(), "summary": "Bớt sự kiện", "value_change_amount": -50_000_000},
        )
        assert second.status_code == 201 and second.json()["number"] == 2
        assert [a["number"] for a in caller.get(f"/contracts/{signed.pk}/amendments").json()] == [
            1,
            2,
        ]
        body = caller.get(f"/contracts/{signed.pk}").json()
        assert (body["current_value_amount"], body["current_ends_on"]) == (
            int(VALUE) + 150_000_000,
            day(100),
        )

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"summary": ""}, 422, None),
            ({"value_change_amount": "5"}, 422, None),
            ({"signed_on": None}, 422, None),
            ({"signed_on": day(1)}, 400, "signed_on"),
            ({"signed_on": day(-400)}, 400, "signed_on"),
            ({"value_change_amount": -int(VALUE) - 1}, 400, "value_change_amount"),
            ({"new_ends_on": day(-400)}, 400, "new_ends_on"),
        ],
    )
    def test_bad_amendments_are_refused(self, api, lan, signed, body, status, field):
        payload = {"signed_on": day(), "summary": "Thêm 2 KOL", **body}
        response = api(lan).send("post", f"/contracts/{signed.pk}/amendments", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Amendment.objects.exists()

    def test_a_draft_is_corrected_not_amended(self, api, lan, draft):
        response = api(lan).send(
            "post", f"/contracts/{draft.pk}/amendments", {"signed_on": day(), "summary": "X"}
        )
        assert response.status_code == 409


# --- Projects -------------------------------------------------------------------------------
class TestProjects:
    def test_a_project_starts_under_a_contract_with_its_phases_and_check_list(
        self, api, lan, signed
    ):
        response = api(lan).send(
            "post",
            f"/contracts/{signed.pk}/projects",
            {"title": "Tết 2027 — sản xuất", "backups_required": True},
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["title"], body["status"], body["owner"]) == (
            "Tết 2027 — sản xuất",
            "planning",
            person(lan),
        )
        assert body["contract"] == {"id": signed.pk, "number": signed.number, "title": signed.title}
        assert (body["starts_on"], body["ends_on"]) == (str(signed.starts_on), str(signed.ends_on))
        assert [p["kind"] for p in body["phases"]] == [
            "pre_production",
            "production",
            "post_production",
            "wrap_up",
        ]
        assert [c["text"] for c in body["check_items"]] == [
            "3 bản TVC",
            "10 bài đăng KOL",
            "Báo cáo sau chiến dịch",
        ]
        assert (body["unchecked_count"], body["task_count"]) == (3, 0)
        assert body["readiness"]["is_ready"] is True
        assert api(lan).get(f"/projects/{body['id']}").json() == body

    def test_readiness_names_the_bookings_unconfirmed_or_without_a_backup(self, api, lan, project):
        services.update_project(by=lan, project=project, backups_required=True)
        soon = services.add_booking(
            by=lan,
            project=project,
            kind="kol",
            name="Ca sĩ Mỹ Tâm",
            fee_amount=Decimal(300_000_000),
            starts_on=today() + timedelta(days=3),
            ends_on=today() + timedelta(days=3),
        )
        readiness = api(lan).get(f"/projects/{project.pk}").json()["readiness"]
        assert readiness["is_ready"] is False
        assert [b["id"] for b in readiness["unconfirmed"]] == [soon.pk]
        assert [b["id"] for b in readiness["without_backup"]] == [soon.pk]
        assert readiness["unconfirmed"][0]["fee_amount"] == 300_000_000

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"title": ""}, 422, None),
            ({"readiness_days": 91}, 422, None),
            ({"backups_required": "yes"}, 422, None),
            ({"starts_on": "0001-01-01"}, 422, None),
            ({"title": None}, 400, "title"),
            ({"starts_on": day(10), "ends_on": day(5)}, 400, "ends_on"),
        ],
    )
    def test_bad_projects_are_refused(self, api, lan, signed, body, status, field):
        response = api(lan).send("post", f"/contracts/{signed.pk}/projects", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Project.objects.exists()

    def test_a_running_projects_scope_and_dates_change_by_change_request(self, api, lan, project):
        caller = api(lan)
        renamed = caller.send("patch", f"/projects/{project.pk}", {"title": "Tết — chạy"})
        assert renamed.status_code == 200 and renamed.json()["title"] == "Tết — chạy"
        moved = caller.send("patch", f"/projects/{project.pk}", {"ends_on": day(200)})
        assert moved.status_code == 409
        project.refresh_from_db()
        assert project.ends_on != today() + timedelta(days=200)

    def test_a_cancelled_project_no_longer_changes(self, api, lan, project):
        caller = api(lan)
        assert caller.send("post", f"/projects/{project.pk}/cancel", {}).status_code == 422
        cancelled = caller.send("post", f"/projects/{project.pk}/cancel", {"reason": "Khách hoãn"})
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert caller.send("patch", f"/projects/{project.pk}", {"title": "X"}).status_code == 409
        again = caller.send("post", f"/projects/{project.pk}/cancel", {"reason": "X"})
        assert again.status_code == 409

    def test_a_project_started_by_mistake_is_deleted_one_with_history_is_not(
        self, api, lan, signed, project
    ):
        caller = api(lan)
        mistake = services.create_project(by=lan, contract=signed)
        assert caller.send("delete", f"/projects/{mistake.pk}").status_code == 204
        assert not Project.objects.filter(pk=mistake.pk).exists()
        running = caller.send("delete", f"/projects/{project.pk}")
        assert running.status_code == 409
        planned = services.create_project(by=lan, contract=signed)
        services.create_change_request(
            by=lan,
            project=planned,
            requested_by=stakeholder(planned),
            title="Thêm KOL",
            description="Thêm 1 KOL",
        )
        with_history = caller.send("delete", f"/projects/{planned.pk}")
        assert with_history.status_code == 409
        assert "history" in with_history.json()["detail"]
        assert Project.objects.filter(pk__in=[project.pk, planned.pk]).count() == 2

    def test_delivering_with_unchecked_items_needs_the_reason(self, api, lan, project):
        caller = api(lan)
        refused = caller.send("post", f"/projects/{project.pk}/deliver", {})
        assert (refused.status_code, refused.json()["field"]) == (400, "reason")
        delivered = caller.send(
            "post", f"/projects/{project.pk}/deliver", {"reason": "Khách nhận phần còn lại sau"}
        )
        assert delivered.status_code == 200, delivered.content
        body = delivered.json()
        assert (body["status"], body["delivered_on"], body["unchecked_reason"]) == (
            "delivered",
            day(),
            "Khách nhận phần còn lại sau",
        )

    def test_a_fully_checked_project_is_delivered_without_a_reason(self, api, lan, project):
        for item in project.check_items.all():
            services.tick_check_item(by=lan, item=item)
        response = api(lan).send("post", f"/projects/{project.pk}/deliver", {})
        assert response.status_code == 200 and response.json()["unchecked_count"] == 0

    def test_listing_filters_by_status_client_and_search(self, api, lan, sua_viet, project):
        other = running_project(client=ClientFactory(owner=lan), title="Khai trương cửa hàng")
        services.cancel_project(by=lan, project=other, reason="Hoãn")
        caller = api(lan)
        assert sorted(ids(caller.get("/projects"))) == sorted([project.pk, other.pk])
        assert ids(caller.get("/projects", status="open")) == [project.pk]
        assert ids(caller.get("/projects", status="cancelled")) == [other.pk]
        assert ids(caller.get("/projects", client_id=sua_viet.pk)) == [project.pk]
        assert ids(caller.get("/projects", q="khai truong")) == [other.pk]
        assert caller.get("/projects", status="maybe").status_code == 422

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, project, persona):
        caller = api(everyone[persona])
        phase = project.phases.first()
        item = project.check_items.first()
        answers = [
            caller.get(f"/projects/{project.pk}"),
            caller.send("patch", f"/projects/{project.pk}", {"title": "Đổi"}),
            caller.send("post", f"/projects/{project.pk}/cancel", {"reason": "X"}),
            caller.send("post", f"/projects/{project.pk}/deliver", {"reason": "X"}),
            caller.send("delete", f"/projects/{project.pk}"),
            caller.get(f"/projects/{project.pk}/phases"),
            caller.send(
                "post",
                f"/projects/{project.pk}/phases",
                {"kind": "production", "name": "X", "starts_on": day(), "ends_on": day()},
            ),
            caller.send("patch", f"/phases/{phase.pk}", {"name": "Đổi"}),
            caller.send("post", f"/phases/{phase.pk}/evaluation", {"went_well": "X", "score": 5}),
            caller.get(f"/projects/{project.pk}/checks"),
            caller.send("post", f"/projects/{project.pk}/checks", {"text": "X"}),
            caller.send("post", f"/checks/{item.pk}/tick", {}),
            caller.send("delete", f"/checks/{item.pk}"),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Chiến dịch Tết" not in answer.content.decode() for answer in answers)
        assert caller.get("/projects").json() == {"items": [], "count": 0}
        project.refresh_from_db()
        assert (project.title, project.status) == ("Chiến dịch Tết", "running")

    def test_finance_reads_projects_and_changes_none(self, api, finance, project):
        caller = api(finance)
        assert caller.get(f"/projects/{project.pk}").status_code == 200
        assert ids(caller.get("/projects")) == [project.pk]
        answers = [
            caller.send("patch", f"/projects/{project.pk}", {"title": "X"}),
            caller.send("post", f"/projects/{project.pk}/cancel", {"reason": "X"}),
            caller.send("post", f"/phases/{project.phases.last().pk}/start"),
            caller.send("post", f"/projects/{project.pk}/checks", {"text": "X"}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)

    def test_a_department_member_on_the_account_team_sees_no_project(
        self, api, creative, project, ours
    ):
        on_account_team(project.client, creative)
        caller = api(creative)
        assert caller.get(f"/projects/{project.pk}").status_code == 404
        assert caller.get("/projects").json()["count"] == 0
        assert caller.get("/tasks", project_id=project.pk).status_code == 404
        # Their department's task they still see and work.
        assert caller.get(f"/tasks/{ours.pk}").status_code == 200

    def test_the_planner_of_the_brief_works_the_project(self, api, lan, planner, sua_viet):
        brief = shortlisted_brief(client=sua_viet)
        pitching_services.create_creative_brief(by=lan, brief=brief, planner=planner)
        proposal = pitching_services.create_proposal(by=lan, brief=brief)
        price(proposal.versions.get(), by=lan, cost=700_000_000, price=1_000_000_000)
        pitching_services.send_version(by=lan, version=proposal.versions.get())
        pitching_services.approve_proposal(by=lan, proposal=proposal)
        contract = services.create_contract_from_proposal(by=lan, proposal=proposal)
        started = services.create_project(by=lan, contract=contract)
        caller = api(planner)
        body = caller.get(f"/projects/{started.pk}").json()
        assert (body["brief_id"], body["contract"]["id"]) == (proposal.brief_id, contract.pk)
        # The brief's objectives, mandatories and KPIs make the check list.
        assert {item["source"] for item in body["check_items"]} == {
            "objective",
            "mandatory",
            "kpi",
        }
        assert caller.get(f"/contracts/{contract.pk}").status_code == 404

    def test_listing_and_reading_take_a_bounded_number_of_queries(
        self, api, lan, django_assert_max_num_queries
    ):
        projects = [running_project(client=ClientFactory(owner=lan)) for _n in range(4)]
        for each in projects:
            task(each)
            task(each, code="media")
            services.add_booking(
                by=lan, project=each, kind="venue", name="GEM Center",
                starts_on=today(), ends_on=today(),
            )  # fmt: skip
        caller = api(lan)
        with django_assert_max_num_queries(4):
            body = caller.get("/projects").json()
        assert body["count"] == 4
        assert all(row["task_count"] == 2 for row in body["items"])
        with django_assert_max_num_queries(9):
            detail = caller.get(f"/projects/{projects[0].pk}").json()
        assert len(detail["phases"]) == 4 and len(detail["readiness"]["unconfirmed"]) == 1


# --- Phases ---------------------------------------------------------------------------------
class TestPhases:
    def test_a_stage_is_added_changed_started_and_closed_with_its_evaluation(
        self, api, lan, project
    ):
        caller = api(lan)
        added = caller.send(
            "post",
            f"/projects/{project.pk}/phases",
            {"kind": "production", "name": "Quay lần 2", "starts_on": day(20), "ends_on": day(22)},
        )
        assert added.status_code == 201, added.content
        body = added.json()
        assert (body["position"], body["status"], body["task_count"]) == (5, "planned", 0)
        patched = caller.send("patch", f"/phases/{body['id']}", {"ends_on": day(23)})
        assert patched.status_code == 200 and patched.json()["ends_on"] == day(23)
        started = caller.send("post", f"/phases/{body['id']}/start")
        assert started.status_code == 200 and started.json()["status"] == "active"
        assert caller.send("post", f"/phases/{body['id']}/start").status_code == 409
        closed = caller.send(
            "post",
            f"/phases/{body['id']}/evaluation",
            {"went_well": "Đúng giờ", "issues": "Thiếu đèn", "score": 4},
        )
        assert closed.status_code == 200, closed.content
        assert (closed.json()["status"], closed.json()["score"]) == ("done", 4)
        assert closed.json()["evaluated_by"] == person(lan)
        assert caller.send("patch", f"/phases/{body['id']}", {"name": "X"}).status_code == 409
        assert len(caller.get(f"/projects/{project.pk}/phases").json()) == 5

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"score": 6}, 422, None),
            ({"score": "4"}, 422, None),
            ({"went_well": "X"}, 422, None),
            ({"score": 4}, 400, "went_well"),
        ],
    )
    def test_a_phase_closes_with_a_score_and_words(self, api, lan, project, body, status, field):
        active = project.phases.get(status="active")
        response = api(lan).send("post", f"/phases/{active.pk}/evaluation", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        active.refresh_from_db()
        assert active.status == "active"

    def test_a_phase_not_started_is_not_closed(self, api, lan, project):
        planned = project.phases.filter(status="planned").first()
        response = api(lan).send(
            "post", f"/phases/{planned.pk}/evaluation", {"went_well": "X", "score": 3}
        )
        assert response.status_code == 409

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"kind": "shooting"}, 422, None),
            ({"starts_on": day(10), "ends_on": day(5)}, 400, "ends_on"),
            ({"name": " "}, 400, "name"),
        ],
    )
    def test_bad_phases_are_refused(self, api, lan, project, body, status, field):
        payload = {
            "kind": "production",
            "name": "Quay",
            "starts_on": day(),
            "ends_on": day(),
            **body,
        }
        response = api(lan).send("post", f"/projects/{project.pk}/phases", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert project.phases.count() == 4

    def test_only_a_phase_not_started_and_without_tasks_is_removed(self, api, lan, project):
        caller = api(lan)
        active = project.phases.get(status="active")
        assert caller.send("delete", f"/phases/{active.pk}").status_code == 409
        busy = project.phases.get(kind="production")
        task(project, phase=busy)
        assert caller.send("delete", f"/phases/{busy.pk}").status_code == 409
        idle = project.phases.get(kind="wrap_up")
        assert caller.send("delete", f"/phases/{idle.pk}").status_code == 204
        assert not Phase.objects.filter(pk=idle.pk).exists()


# --- The check against the brief ------------------------------------------------------------
class TestChecks:
    def test_a_line_is_added_ticked_unticked_and_removed(self, api, lan, project):
        caller = api(lan)
        added = caller.send("post", f"/projects/{project.pk}/checks", {"text": "Phụ đề tiếng Anh"})
        assert added.status_code == 201, added.content
        item = added.json()
        assert (item["source"], item["is_checked"], item["position"]) == ("added", False, 4)
        ticked = caller.send("post", f"/checks/{item['id']}/tick", {"note": "Đã kiểm"})
        assert ticked.status_code == 200, ticked.content
        assert (ticked.json()["is_checked"], ticked.json()["note"]) == (True, "Đã kiểm")
        assert ticked.json()["checked_by"] == person(lan)
        assert caller.send("post", f"/checks/{item['id']}/tick", {}).status_code == 409
        unticked = caller.send("post", f"/checks/{item['id']}/untick")
        assert unticked.status_code == 200 and unticked.json()["checked_at"] is None
        assert caller.send("post", f"/checks/{item['id']}/untick").status_code == 409
        assert caller.send("delete", f"/checks/{item['id']}").status_code == 204
        assert len(caller.get(f"/projects/{project.pk}/checks").json()) == 3

    def test_the_briefs_own_lines_stay(self, api, lan, project):
        from_contract = project.check_items.first()
        response = api(lan).send("delete", f"/checks/{from_contract.pk}")
        assert response.status_code == 409
        assert CheckItem.objects.filter(pk=from_contract.pk).exists()

    @pytest.mark.parametrize("body,status", [({"text": ""}, 422), ({"text": "  "}, 400), ({}, 422)])
    def test_a_line_says_what_to_check(self, api, lan, project, body, status):
        response = api(lan).send("post", f"/projects/{project.pk}/checks", body)
        assert response.status_code == status, response.content
        assert project.check_items.count() == 3


# --- Tasks ----------------------------------------------------------------------------------
class TestTasks:
    def test_a_kam_gives_a_department_a_task_in_a_phase_that_waits_for_another(
        self, api, lan, creative, project, theirs
    ):
        phase = project.phases.get(kind="production")
        response = api(lan).send(
            "post",
            f"/projects/{project.pk}/tasks",
            {
                "title": "Storyboard",
                "description": "3 phương án",
                "phase_id": phase.pk,
                "department_id": department("creative").pk,
                "assignee_id": creative.pk,
                "starts_on": day(1),
                "due_on": day(8),
                "client_facing": True,
                "depends_on_ids": [theirs.pk],
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["title"], body["status"], body["client_facing"]) == (
            "Storyboard",
            "todo",
            True,
        )
        assert body["project"] == {"id": project.pk, "title": project.title}
        assert body["client"] == {"id": project.client_id, "name": "Sữa Việt"}
        assert (body["phase"]["id"], body["department"]["id"], body["assignee"]) == (
            phase.pk,
            department("creative").pk,
            person(creative),
        )
        assert body["depends_on"] == [
            {"id": theirs.pk, "title": "Kế hoạch media", "status": "todo"}
        ]
        assert (body["is_late"], body["is_at_risk"]) == (False, False)
        assert api(lan).get(f"/tasks/{body['id']}").json() == body

    def test_a_vendor_does_a_task_no_department_has(self, api, lan, project):
        response = api(lan).send(
            "post",
            f"/projects/{project.pk}/tasks",
            {
                "title": "In standee",
                "vendor": "In Kỹ Thuật Số",
                "starts_on": day(),
                "due_on": day(2),
            },
        )
        assert response.status_code == 201, response.content
        assert (response.json()["department"], response.json()["vendor"]) == (
            None,
            "In Kỹ Thuật Số",
        )

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"status": "maybe"}, 422, None),
            ({"due_on": "9999-12-31"}, 422, None),
            ({"department_id": "3"}, 422, None),
            ({"client_facing": 1}, 422, None),
            ({"depends_on_ids": "1"}, 422, None),
            ({"department_id": None, "vendor": ""}, 400, "department"),
            ({"department_id": 999999}, 400, "department_id"),
            ({"phase_id": 999999}, 400, "phase_id"),
            ({"assignee_id": 999999}, 400, "assignee_id"),
            ({"client_request_id": 999999}, 400, "client_request_id"),
            ({"depends_on_ids": [999999]}, 400, "depends_on_ids"),
            ({"starts_on": day(5), "due_on": day(1)}, 400, "due_on"),
            ({"title": " "}, 400, "title"),
        ],
    )
    def test_bad_tasks_are_refused_and_nothing_is_saved(
        self, api, lan, project, body, status, field
    ):
        payload = {
            "title": "Storyboard",
            "department_id": department("creative").pk,
            "starts_on": day(),
            "due_on": day(3),
            **body,
        }
        response = api(lan).send("post", f"/projects/{project.pk}/tasks", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Task.objects.exists()

    def test_another_projects_phase_and_tasks_are_not_this_ones(self, api, lan, project, signed):
        elsewhere = services.create_project(by=lan, contract=signed)
        foreign = task(elsewhere)
        caller = api(lan)
        base = {"title": "X", "vendor": "Y", "starts_on": day(), "due_on": day()}
        phase = caller.send(
            "post",
            f"/projects/{project.pk}/tasks",
            {**base, "phase_id": elsewhere.phases.first().pk},
        )
        waits = caller.send(
            "post", f"/projects/{project.pk}/tasks", {**base, "depends_on_ids": [foreign.pk]}
        )
        assert (phase.status_code, phase.json()["field"]) == (400, "phase_id")
        assert (waits.status_code, waits.json()["field"]) == (400, "depends_on_ids")
        assert project.tasks.count() == 0

    def test_the_queue_is_the_callers_departments_open_tasks_and_theirs(
        self, api, lan, creative, project, ours, theirs
    ):
        done = task(project, code="creative", title="Xong rồi")
        services.work_task(by=lan, task=done, status="done")
        assigned = task(project, code="media", title="Giao cho Bảo", assignee=creative)
        caller = api(creative)
        assert sorted(ids(caller.get("/tasks"))) == sorted([ours.pk, assigned.pk])
        assert ids(caller.get("/tasks", status="done")) == [done.pk]
        assert api(lan).get("/tasks").json()["count"] == 0
        every = api(lan).get("/tasks", project_id=project.pk)
        assert sorted(ids(every)) == sorted([ours.pk, theirs.pk, done.pk, assigned.pk])
        assert ids(api(lan).get("/tasks", project_id=project.pk, status="done")) == [done.pk]
        assert caller.get("/tasks", status="maybe").status_code == 422

    def test_flagged_keeps_the_late_and_predicted_late_tasks(
        self, api, lan, creative, project, ours
    ):
        late = task(
            project,
            title="Trễ",
            starts_on=today() - timedelta(days=5),
            due_on=today() - timedelta(days=1),
        )
        at_risk = task(
            project,
            title="Chưa bắt đầu",
            starts_on=today() - timedelta(days=1),
            due_on=today() + timedelta(days=4),
        )
        rows = api(creative).get("/tasks", flagged="true").json()["items"]
        flags = {row["id"]: (row["is_late"], row["is_at_risk"]) for row in rows}
        assert flags == {late.pk: (True, False), at_risk.pk: (False, True)}
        on_project = api(lan).get("/tasks", project_id=project.pk, flagged="true")
        assert sorted(ids(on_project)) == sorted([late.pk, at_risk.pk])
        assert api(creative).get(f"/tasks/{late.pk}").json()["is_late"] is True

    def test_a_department_member_works_their_departments_task_and_only_that(
        self, api, creative, ours, theirs
    ):
        caller = api(creative)
        assert caller.get(f"/tasks/{ours.pk}").status_code == 200
        worked = caller.send(
            "post",
            f"/tasks/{ours.pk}/work",
            {"status": "done", "deliverables": "https://drive.example/storyboard"},
        )
        assert worked.status_code == 200, worked.content
        assert (worked.json()["status"], worked.json()["done_on"]) == ("done", day())
        assert worked.json()["deliverables"] == "https://drive.example/storyboard"
        refused = [
            caller.send("patch", f"/tasks/{ours.pk}", {"title": "Đổi"}),
            caller.send("patch", f"/tasks/{ours.pk}", {"phase_id": 999999}),
            caller.send("delete", f"/tasks/{ours.pk}"),
            caller.send("post", f"/tasks/{ours.pk}/dependencies", {"depends_on_id": theirs.pk}),
            caller.send("post", f"/tasks/{ours.pk}/slip", slip_body()),
            caller.get(f"/tasks/{theirs.pk}"),
            caller.send("post", f"/tasks/{theirs.pk}/work", {"status": "doing"}),
        ]
        assert [answer.status_code for answer in refused] == [404] * len(refused)
        assert "Kế hoạch media" not in refused[-1].content.decode()
        theirs.refresh_from_db()
        ours.refresh_from_db()
        assert (theirs.status, ours.title) == ("todo", "Kịch bản TVC")

    def test_work_is_a_status_from_the_list(self, api, creative, ours):
        response = api(creative).send("post", f"/tasks/{ours.pk}/work", {"status": "finished"})
        assert response.status_code == 422

    def test_the_kam_replans_a_task_but_a_client_facing_date_moves_by_a_slip(
        self, api, lan, project, ours
    ):
        caller = api(lan)
        replanned = caller.send(
            "patch", f"/tasks/{ours.pk}", {"due_on": day(9), "assignee_id": lan.pk}
        )
        assert replanned.status_code == 200, replanned.content
        assert (replanned.json()["due_on"], replanned.json()["assignee"]) == (day(9), person(lan))
        caller.send("patch", f"/tasks/{ours.pk}", {"client_facing": True})
        later = caller.send("patch", f"/tasks/{ours.pk}", {"due_on": day(20)})
        assert later.status_code == 409
        slipped = caller.send("post", f"/tasks/{ours.pk}/slip", slip_body(told_how="email"))
        assert slipped.status_code == 201, slipped.content
        assert (slipped.json()["task_id"], slipped.json()["now_due_on"]) == (ours.pk, day(30))
        assert caller.get(f"/tasks/{ours.pk}").json()["due_on"] == day(30)
        assert AuditEvent.objects.filter(verb="task.slipped").count() == 1

    def test_an_internal_date_is_replanned_not_slipped(self, api, lan, ours):
        response = api(lan).send("post", f"/tasks/{ours.pk}/slip", slip_body())
        assert response.status_code == 409
        assert not Slip.objects.exists()

    def test_a_task_under_way_or_waited_for_is_not_deleted(self, api, lan, project, ours, theirs):
        caller = api(lan)
        services.add_dependency(by=lan, task=theirs, depends_on=ours)
        assert caller.send("delete", f"/tasks/{ours.pk}").status_code == 409
        services.work_task(by=lan, task=theirs, status="doing")
        assert caller.send("delete", f"/tasks/{theirs.pk}").status_code == 409
        spare = task(project, title="Nhầm")
        assert caller.send("delete", f"/tasks/{spare.pk}").status_code == 204
        assert not Task.objects.filter(pk=spare.pk).exists()

    def test_dependencies_are_added_and_removed_and_never_make_a_circle(
        self, api, lan, project, ours, theirs
    ):
        caller = api(lan)
        added = caller.send("post", f"/tasks/{theirs.pk}/dependencies", {"depends_on_id": ours.pk})
        assert added.status_code == 201, added.content
        assert [row["id"] for row in added.json()["depends_on"]] == [ours.pk]
        circle = caller.send("post", f"/tasks/{ours.pk}/dependencies", {"depends_on_id": theirs.pk})
        assert (circle.status_code, circle.json()["field"]) == (400, "depends_on")
        itself = caller.send("post", f"/tasks/{ours.pk}/dependencies", {"depends_on_id": ours.pk})
        assert (itself.status_code, itself.json()["field"]) == (400, "depends_on")
        twice = caller.send("post", f"/tasks/{theirs.pk}/dependencies", {"depends_on_id": ours.pk})
        assert twice.status_code == 400
        assert (
            caller.send("delete", f"/tasks/{ours.pk}/dependencies/{theirs.pk}").status_code == 404
        )
        removed = caller.send("delete", f"/tasks/{theirs.pk}/dependencies/{ours.pk}")
        assert removed.status_code == 204
        assert not TaskDependency.objects.exists()

    def test_a_task_waits_only_for_its_own_projects_and_those_one_sees(
        self, api, lan, ours, signed, hoa_sen
    ):
        elsewhere = task(services.create_project(by=lan, contract=signed))
        unseen = task(running_project(client=hoa_sen))
        caller = api(lan)
        foreign = caller.send(
            "post", f"/tasks/{ours.pk}/dependencies", {"depends_on_id": elsewhere.pk}
        )
        assert (foreign.status_code, foreign.json()["field"]) == (400, "depends_on")
        hidden = caller.send("post", f"/tasks/{ours.pk}/dependencies", {"depends_on_id": unseen.pk})
        missing = caller.send("post", f"/tasks/{ours.pk}/dependencies", {"depends_on_id": 999999})
        assert hidden.status_code == missing.status_code == 400
        assert hidden.json() == missing.json()
        assert hidden.json()["field"] == "depends_on_id"

    @pytest.mark.parametrize("persona", ["minh", "hoa", "director2", "planner", "sales"])
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, project, ours, persona):
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/tasks/{ours.pk}"),
            caller.send("patch", f"/tasks/{ours.pk}", {"title": "Đổi"}),
            caller.send("post", f"/tasks/{ours.pk}/work", {"status": "doing"}),
            caller.send("delete", f"/tasks/{ours.pk}"),
            caller.send("post", f"/tasks/{ours.pk}/slip", slip_body()),
            caller.get("/tasks", project_id=project.pk),
            caller.send(
                "post",
                f"/projects/{project.pk}/tasks",
                {"title": "X", "vendor": "Y", "starts_on": day(), "due_on": day()},
            ),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Kịch bản TVC" not in answer.content.decode() for answer in answers)
        assert caller.get("/tasks").json()["count"] == 0
        ours.refresh_from_db()
        assert (ours.title, ours.status) == ("Kịch bản TVC", "todo")

    def test_finance_reads_tasks_and_works_none(self, api, finance, ours):
        caller = api(finance)
        assert caller.get(f"/tasks/{ours.pk}").status_code == 200
        assert caller.send("post", f"/tasks/{ours.pk}/work", {"status": "doing"}).status_code == 404
        assert caller.send("patch", f"/tasks/{ours.pk}", {"title": "X"}).status_code == 404

    def test_listing_and_reading_take_a_bounded_number_of_queries(
        self, api, lan, creative, project, django_assert_max_num_queries
    ):
        phase = project.phases.first()
        tasks = [task(project, phase=phase, assignee=creative) for _n in range(5)]
        for first, then in pairwise(tasks):
            services.add_dependency(by=lan, task=then, depends_on=first)
        worker, kam = api(creative), api(lan)
        with django_assert_max_num_queries(4):
            queue = worker.get("/tasks").json()
        assert queue["count"] == 5
        with django_assert_max_num_queries(4):
            flagged = worker.get("/tasks", flagged="true").json()
        assert flagged["count"] == 0
        with django_assert_max_num_queries(6):
            listed = kam.get("/tasks", project_id=project.pk).json()
        assert listed["count"] == 5
        assert all(row["client"]["name"] == "Sữa Việt" for row in listed["items"])
        with django_assert_max_num_queries(4):
            detail = worker.get(f"/tasks/{tasks[-1].pk}").json()
        assert [row["id"] for row in detail["depends_on"]] == [tasks[-2].pk]


# --- Bookings -------------------------------------------------------------------------------
def booking(project, **fields):
    values = {
        "kind": "kol",
        "name": "Ca sĩ Mỹ Tâm",
        "fee_amount": Decimal(300_000_000),
        "starts_on": today() + timedelta(days=20),
        "ends_on": today() + timedelta(days=20),
        **fields,
    }
    return services.add_booking(by=project.client.owner, project=project, **values)


class TestBookings:
    def test_a_booking_and_its_backup_are_made_and_read_back(self, api, lan, project):
        caller = api(lan)
        made = caller.send(
            "post",
            f"/projects/{project.pk}/bookings",
            {
                "kind": "venue",
                "name": "GEM Center",
                "contact": "0909 000 000",
                "fee_amount": 150_000_000,
                "starts_on": day(30),
                "ends_on": day(31),
            },
        )
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["kind"], body["status"], body["fee_amount"], body["backup_for_id"]) == (
            "venue",
            "proposed",
            150_000_000,
            None,
        )
        backup = caller.send(
            "post",
            f"/projects/{project.pk}/bookings",
            {
                "kind": "venue",
                "name": "White Palace",
                "starts_on": day(30),
                "ends_on": day(31),
                "backup_for_id": body["id"],
            },
        )
        assert backup.status_code == 201, backup.content
        assert (backup.json()["backup_for_id"], backup.json()["fee_amount"]) == (body["id"], 0)
        second = caller.send(
            "post",
            f"/projects/{project.pk}/bookings",
            {
                "kind": "venue",
                "name": "Adora",
                "starts_on": day(30),
                "ends_on": day(31),
                "backup_for_id": body["id"],
            },
        )
        assert (second.status_code, second.json()["field"]) == (400, "backup_for")
        assert caller.get(f"/bookings/{body['id']}").json() == body

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"kind": "singer"}, 422, None),
            ({"fee_amount": -1}, 422, None),
            ({"name": ""}, 422, None),
            ({"starts_on": day(5), "ends_on": day(4)}, 400, "ends_on"),
            ({"name": " "}, 400, "name"),
            ({"backup_for_id": 999999}, 400, "backup_for_id"),
        ],
    )
    def test_bad_bookings_are_refused(self, api, lan, project, body, status, field):
        payload = {"kind": "kol", "name": "Mỹ Tâm", "starts_on": day(5), "ends_on": day(5), **body}
        response = api(lan).send("post", f"/projects/{project.pk}/bookings", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Booking.objects.exists()

    def test_a_backup_stands_by_for_a_booking_of_its_own_project(self, api, lan, project, signed):
        elsewhere = booking(services.create_project(by=lan, contract=signed))
        response = api(lan).send(
            "post",
            f"/projects/{project.pk}/bookings",
            {
                "kind": "kol",
                "name": "Mỹ Tâm",
                "starts_on": day(5),
                "ends_on": day(5),
                "backup_for_id": elsewhere.pk,
            },
        )
        assert (response.status_code, response.json()["field"]) == (400, "backup_for_id")

    def test_a_booking_is_changed_confirmed_and_done(self, api, lan, project):
        caller = api(lan)
        made = booking(project)
        patched = caller.send("patch", f"/bookings/{made.pk}", {"purpose": "Đại sứ Tết"})
        assert patched.status_code == 200 and patched.json()["purpose"] == "Đại sứ Tết"
        assert caller.send("post", f"/bookings/{made.pk}/done").status_code == 409
        confirmed = caller.send("post", f"/bookings/{made.pk}/confirm")
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
        assert caller.send("post", f"/bookings/{made.pk}/confirm").status_code == 409
        done = caller.send("post", f"/bookings/{made.pk}/done")
        assert done.status_code == 200 and done.json()["status"] == "done"
        assert caller.send("patch", f"/bookings/{made.pk}", {"name": "X"}).status_code == 409

    def test_cancelling_a_booking_puts_its_backup_in_its_place(self, api, lan, project):
        primary = booking(project)
        backup = booking(project, name="Ca sĩ Hà Hồ", backup_for=primary)
        caller = api(lan)
        assert caller.send("post", f"/bookings/{primary.pk}/cancel", {}).status_code == 422
        response = caller.send(
            "post", f"/bookings/{primary.pk}/cancel", {"reason": "Trùng lịch diễn"}
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["cancelled"]["id"], body["cancelled"]["status"]) == (primary.pk, "cancelled")
        assert body["cancelled"]["cancelled_reason"] == "Trùng lịch diễn"
        assert (body["promoted"]["id"], body["promoted"]["backup_for_id"]) == (backup.pk, None)
        again = caller.send("post", f"/bookings/{primary.pk}/cancel", {"reason": "X"})
        assert again.status_code == 409

    def test_a_booking_may_be_cancelled_and_its_backup_kept_standing_by(self, api, lan, project):
        primary = booking(project)
        backup = booking(project, name="Ca sĩ Hà Hồ", backup_for=primary)
        caller = api(lan)
        response = caller.send(
            "post",
            f"/bookings/{primary.pk}/cancel",
            {"reason": "Trùng lịch", "promote_backup": False},
        )
        assert response.status_code == 200 and response.json()["promoted"] is None
        backup.refresh_from_db()
        assert backup.backup_for_id == primary.pk
        promoted = caller.send("post", f"/bookings/{backup.pk}/promote", {})
        assert promoted.status_code == 200, promoted.content
        assert promoted.json()["promoted"]["backup_for_id"] is None
        assert promoted.json()["cancelled"]["id"] == primary.pk

    def test_promoting_a_backup_cancels_the_booking_it_stood_by_for(self, api, lan, project):
        primary = booking(project)
        backup = booking(project, name="Ca sĩ Hà Hồ", backup_for=primary)
        caller = api(lan)
        unexplained = caller.send("post", f"/bookings/{backup.pk}/promote", {})
        assert (unexplained.status_code, unexplained.json()["field"]) == (400, "reason")
        response = caller.send("post", f"/bookings/{backup.pk}/promote", {"reason": "Ốm"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["cancelled"]["status"], body["cancelled"]["cancelled_reason"]) == (
            "cancelled",
            "Ốm",
        )
        assert body["promoted"]["id"] == backup.pk
        assert caller.send("post", f"/bookings/{backup.pk}/promote", {}).status_code == 409

    def test_a_cancelled_backup_is_not_promoted(self, api, lan, project):
        primary = booking(project)
        backup = booking(project, name="Ca sĩ Hà Hồ", backup_for=primary)
        services.cancel_booking(by=lan, booking=backup, reason="Không còn lịch")
        response = api(lan).send("post", f"/bookings/{backup.pk}/promote", {"reason": "X"})
        assert response.status_code == 409
        primary.refresh_from_db()
        assert primary.status == "proposed"

    def test_listing_filters_by_project_and_status(self, api, lan, project, signed):
        first = booking(project)
        confirmed = booking(project, name="GEM Center", kind="venue")
        services.confirm_booking(by=lan, booking=confirmed)
        elsewhere = booking(services.create_project(by=lan, contract=signed))
        caller = api(lan)
        assert sorted(ids(caller.get("/bookings"))) == sorted(
            [first.pk, confirmed.pk, elsewhere.pk]
        )
        assert sorted(ids(caller.get("/bookings", project_id=project.pk))) == sorted(
            [first.pk, confirmed.pk]
        )
        assert ids(caller.get("/bookings", status="confirmed")) == [confirmed.pk]
        assert caller.get("/bookings", status="maybe").status_code == 422

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, project, persona):
        made = booking(project)
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/bookings/{made.pk}"),
            caller.get("/bookings", project_id=project.pk),
            caller.send("patch", f"/bookings/{made.pk}", {"name": "Đổi"}),
            caller.send("post", f"/bookings/{made.pk}/confirm"),
            caller.send("post", f"/bookings/{made.pk}/done"),
            caller.send("post", f"/bookings/{made.pk}/cancel", {"reason": "X"}),
            caller.send("post", f"/bookings/{made.pk}/promote", {"reason": "X"}),
            caller.send(
                "post",
                f"/projects/{project.pk}/bookings",
                {"kind": "kol", "name": "X", "starts_on": day(), "ends_on": day()},
            ),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Mỹ Tâm" not in answer.content.decode() for answer in answers)
        assert caller.get("/bookings").json() == {"items": [], "count": 0}
        made.refresh_from_db()
        assert (made.name, made.status) == ("Ca sĩ Mỹ Tâm", "proposed")

    def test_finance_reads_bookings_and_changes_none(self, api, finance, project):
        made = booking(project)
        caller = api(finance)
        assert caller.get(f"/bookings/{made.pk}").json()["fee_amount"] == 300_000_000
        assert caller.send("post", f"/bookings/{made.pk}/confirm").status_code == 404
        made.refresh_from_db()
        assert made.status == "proposed"

    def test_listing_and_reading_take_a_bounded_number_of_queries(
        self, api, lan, project, django_assert_max_num_queries
    ):
        for n in range(3):
            primary = booking(project, name=f"KOL {n}")
            booking(project, name=f"Dự phòng {n}", backup_for=primary)
        caller = api(lan)
        with django_assert_max_num_queries(4):
            body = caller.get("/bookings").json()
        assert body["count"] == 6
        with django_assert_max_num_queries(5):
            assert caller.get("/bookings", project_id=project.pk).json()["count"] == 6
        with django_assert_max_num_queries(3):
            assert caller.get(f"/bookings/{primary.pk}").status_code == 200


# --- Change requests ------------------------------------------------------------------------
def change_request(project, requested_by=None, **fields):
    values = {"title": "Thêm 1 KOL", "description": "Thêm 1 KOL cho tuần Tết", **fields}
    return services.create_change_request(
        by=project.client.owner,
        project=project,
        requested_by=requested_by or stakeholder(project),
        **values,
    )


def line(change, effect="add", cost=80_000_000, price=100_000_000):
    return services.add_change_line(
        by=change.project.client.owner,
        change=change,
        effect=effect,
        kind="kol",
        description="KOL",
        quantity=Decimal(1),
        unit_cost_amount=Decimal(cost),
        unit_price_amount=Decimal(price),
    )


class TestChangeRequests:
    def test_a_change_is_recorded_priced_and_approved_by_the_client(
        self, api, lan, project, sua_viet
    ):
        asked = StakeholderFactory(client=sua_viet)
        caller = api(lan)
        made = caller.send(
            "post",
            f"/projects/{project.pk}/change-requests",
            {
                "requested_by_id": asked.pk,
                "title": "Thêm 1 KOL",
                "description": "Thêm 1 KOL cho tuần Tết",
                "days_effect": 7,
            },
        )
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["status"], body["requested_on"], body["requested_by"]) == (
            "open",
            day(),
            {"id": asked.pk, "name": str(asked)},
        )
        assert (body["cost_effect"], body["price_effect"], body["lines"]) == (0, 0, [])
        change_id = body["id"]
        added = caller.send(
            "post",
            f"/change-requests/{change_id}/lines",
            {
                "kind": "kol",
                "description": "KOL thứ 6",
                "quantity": 2,
                "unit_cost_amount": 40_000_000,
                "unit_price_amount": 50_000_000,
            },
        )
        assert added.status_code == 201, added.content
        assert (added.json()["cost_amount"], added.json()["price_amount"]) == (
            80_000_000,
            100_000_000,
        )
        taken = caller.send(
            "post",
            f"/change-requests/{change_id}/lines",
            {
                "effect": "remove",
                "kind": "production",
                "description": "Bớt 1 bản TVC",
                "quantity": 1,
                "unit_cost_amount": 10_000_000,
                "unit_price_amount": 30_000_000,
            },
        )
        assert taken.status_code == 201, taken.content
        detail = caller.get(f"/change-requests/{change_id}").json()
        assert (detail["cost_effect"], detail["price_effect"]) == (70_000_000, 70_000_000)
        assert len(detail["lines"]) == 2
        was_due = project.ends_on
        approved = caller.send(
            "post", f"/change-requests/{change_id}/approve", {"note": "Đồng ý qua email"}
        )
        assert approved.status_code == 200, approved.content
        assert (approved.json()["status"], approved.json()["decided_on"]) == ("approved", day())
        assert approved.json()["decision_note"] == "Đồng ý qua email"
        project.refresh_from_db()
        assert project.ends_on == was_due + timedelta(days=7)
        assert project.check_items.filter(source="change", text="Thêm 1 KOL").exists()
        answers = [
            caller.send("post", f"/change-requests/{change_id}/approve", {}),
            caller.send("patch", f"/change-requests/{change_id}", {"title": "X"}),
            caller.send("delete", f"/change-lines/{added.json()['id']}"),
        ]
        assert [answer.status_code for answer in answers] == [409, 409, 409]

    def test_who_pays_for_a_change_is_recorded_and_changed(self, api, lan, project):
        caller = api(lan)
        body = {"requested_by_id": stakeholder(project).pk, "title": "X", "description": "Y"}
        billable = caller.send("post", f"/projects/{project.pk}/change-requests", body)
        assert (billable.status_code, billable.json()["paid_by"]) == (201, "client")
        absorbed = caller.send(
            "post", f"/projects/{project.pk}/change-requests", body | {"paid_by": "agency"}
        )
        assert (absorbed.status_code, absorbed.json()["paid_by"]) == (201, "agency")
        change_id = billable.json()["id"]
        changed = caller.send("patch", f"/change-requests/{change_id}", {"paid_by": "agency"})
        assert (changed.status_code, changed.json()["paid_by"]) == (200, "agency")
        assert caller.get("/change-requests").json()["items"][0]["paid_by"] == "agency"
        wrong = caller.send("patch", f"/change-requests/{change_id}", {"paid_by": "nobody"})
        assert wrong.status_code == 422
        cleared = caller.send("patch", f"/change-requests/{change_id}", {"paid_by": None})
        assert (cleared.status_code, cleared.json()["field"]) == (400, "paid_by")
        assert ChangeRequest.objects.get(pk=change_id).paid_by == "agency"

    def test_the_clients_approval_takes_the_change_into_the_budget(self, api, lan, sua_viet):
        # The approval is the budgets API's: the budget gets the change's lines, and one that
        # would take the margin under the floor waits for a Director (tests/budgets/test_api.py).
        budget = budgeted_project(client=sua_viet)
        change = change_request(budget.project)
        line(change, cost=50_000_000, price=80_000_000)
        approved = api(lan).send("post", f"/change-requests/{change.pk}/approve", {})
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "approved"
        added = budget.lines.get(change_request=change)
        assert (added.cost_amount, added.price_amount) == (50_000_000, 80_000_000)
        assert AuditEvent.objects.filter(verb="budget.change_taken_in").exists()

    def test_a_rejected_change_moves_nothing(self, api, lan, project):
        change = change_request(project, days_effect=10)
        was_due = project.ends_on
        caller = api(lan)
        early = caller.send("post", f"/change-requests/{change.pk}/reject", {"decided_on": day(-1)})
        assert (early.status_code, early.json()["field"]) == (400, "decided_on")
        future = caller.send("post", f"/change-requests/{change.pk}/reject", {"decided_on": day(1)})
        assert (future.status_code, future.json()["field"]) == (400, "decided_on")
        rejected = caller.send("post", f"/change-requests/{change.pk}/reject", {"note": "Không"})
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        project.refresh_from_db()
        assert project.ends_on == was_due

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"days_effect": 400}, 422, None),
            ({"days_effect": "7"}, 422, None),
            ({"requested_by_id": None}, 422, None),
            ({"title": ""}, 422, None),
            ({"requested_by_id": 999999}, 400, "requested_by_id"),
            ({"requested_on": day(1)}, 400, "requested_on"),
            ({"description": " "}, 400, "description"),
        ],
    )
    def test_bad_change_requests_are_refused(self, api, lan, project, body, status, field):
        payload = {
            "requested_by_id": stakeholder(project).pk,
            "title": "Thêm KOL",
            "description": "Thêm 1 KOL",
            **body,
        }
        response = api(lan).send("post", f"/projects/{project.pk}/change-requests", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not ChangeRequest.objects.exists()

    def test_another_clients_stakeholder_did_not_ask(self, api, lan, project, hoa_sen):
        stranger = StakeholderFactory(client=hoa_sen)
        change = change_request(project)
        caller = api(lan)
        made = caller.send(
            "post",
            f"/projects/{project.pk}/change-requests",
            {"requested_by_id": stranger.pk, "title": "X", "description": "Y"},
        )
        assert (made.status_code, made.json()["field"]) == (400, "requested_by_id")
        patched = caller.send(
            "patch", f"/change-requests/{change.pk}", {"requested_by_id": stranger.pk}
        )
        assert (patched.status_code, patched.json()["field"]) == (400, "requested_by_id")
        cleared = caller.send("patch", f"/change-requests/{change.pk}", {"requested_by_id": None})
        assert (cleared.status_code, cleared.json()["field"]) == (400, "requested_by_id")

    def test_patching_changes_only_what_is_sent(self, api, lan, project):
        change = change_request(project)
        other = stakeholder(project)
        response = api(lan).send(
            "patch",
            f"/change-requests/{change.pk}",
            {"days_effect": -3, "requested_by_id": other.pk},
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["days_effect"], body["requested_by"]["id"], body["title"]) == (
            -3,
            other.pk,
            "Thêm 1 KOL",
        )

    def test_lines_are_changed_and_removed_while_the_client_decides(self, api, lan, project):
        change = change_request(project)
        kept = line(change)
        caller = api(lan)
        patched = caller.send("patch", f"/change-lines/{kept.pk}", {"quantity": 1.5})
        assert patched.status_code == 200, patched.content
        assert (patched.json()["quantity"], patched.json()["price_amount"]) == (1.5, 150_000_000)
        assert caller.send("delete", f"/change-lines/{kept.pk}").status_code == 204
        assert not ChangeLine.objects.exists()

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"kind": "gift"}, 422, None),
            ({"quantity": 0}, 422, None),
            ({"quantity": "1"}, 422, None),
            ({"unit_cost_amount": -1}, 422, None),
            ({"effect": "swap"}, 422, None),
            ({"kind": "department"}, 400, "department"),
            ({"kind": "department", "department_id": 999999}, 400, "department_id"),
        ],
    )
    def test_bad_lines_are_refused(self, api, lan, project, body, status, field):
        change = change_request(project)
        payload = {
            "kind": "kol",
            "description": "KOL",
            "quantity": 1,
            "unit_cost_amount": 1,
            "unit_price_amount": 2,
            **body,
        }
        response = api(lan).send("post", f"/change-requests/{change.pk}/lines", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not ChangeLine.objects.exists()

    def test_listing_filters_by_status_and_project(self, api, lan, project, signed):
        waiting = change_request(project)
        decided = change_request(project, title="Đổi nhạc")
        services.reject_change_request(by=lan, change=decided)
        elsewhere = change_request(services.create_project(by=lan, contract=signed))
        caller = api(lan)
        assert sorted(ids(caller.get("/change-requests"))) == sorted(
            [waiting.pk, decided.pk, elsewhere.pk]
        )
        assert sorted(ids(caller.get("/change-requests", status="open"))) == sorted(
            [waiting.pk, elsewhere.pk]
        )
        assert sorted(ids(caller.get("/change-requests", project_id=project.pk))) == sorted(
            [waiting.pk, decided.pk]
        )
        assert caller.get("/change-requests", status="maybe").status_code == 422

    @pytest.mark.parametrize("persona", OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, project, persona):
        change = change_request(project)
        kept = line(change)
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/change-requests/{change.pk}"),
            caller.get("/change-requests", project_id=project.pk),
            caller.send("patch", f"/change-requests/{change.pk}", {"title": "Đổi"}),
            caller.send(
                "post",
                f"/change-requests/{change.pk}/lines",
                {
                    "kind": "kol",
                    "description": "X",
                    "quantity": 1,
                    "unit_cost_amount": 1,
                    "unit_price_amount": 1,
                },
            ),
            caller.send("patch", f"/change-lines/{kept.pk}", {"quantity": 2}),
            caller.send("delete", f"/change-lines/{kept.pk}"),
            caller.send("post", f"/change-requests/{change.pk}/approve", {}),
            caller.send("post", f"/change-requests/{change.pk}/reject", {}),
            caller.send(
                "post",
                f"/projects/{project.pk}/change-requests",
                {"requested_by_id": change.requested_by_id, "title": "X", "description": "Y"},
            ),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Thêm 1 KOL" not in answer.content.decode() for answer in answers)
        assert caller.get("/change-requests").json() == {"items": [], "count": 0}
        change.refresh_from_db()
        assert (change.title, change.status) == ("Thêm 1 KOL", "open")

    def test_finance_reads_change_requests_and_decides_none(self, api, finance, project):
        change = change_request(project)
        line(change)
        caller = api(finance)
        assert caller.get(f"/change-requests/{change.pk}").json()["price_effect"] == 100_000_000
        assert caller.send("post", f"/change-requests/{change.pk}/approve", {}).status_code == 404
        change.refresh_from_db()
        assert change.status == "open"

    def test_listing_and_reading_take_a_bounded_number_of_queries(
        self, api, lan, project, django_assert_max_num_queries
    ):
        for n in range(4):
            change = change_request(project, title=f"Đổi {n}")
            line(change)
            line(change, effect="remove", cost=1, price=2)
        caller = api(lan)
        with django_assert_max_num_queries(4):
            body = caller.get("/change-requests").json()
        assert body["count"] == 4
        assert all(row["price_effect"] == 99_999_998 for row in body["items"])
        with django_assert_max_num_queries(5):
            assert caller.get("/change-requests", project_id=project.pk).json()["count"] == 4
        with django_assert_max_num_queries(5):
            detail = caller.get(f"/change-requests/{change.pk}").json()
        assert len(detail["lines"]) == 2


# --- The calendar feed ----------------------------------------------------------------------
class TestCalendar:
    def test_a_person_makes_a_feed_address_and_replaces_it(self, api, creative):
        caller = api(creative)
        assert caller.get("/calendar").json() == {"url": None}
        made = caller.send("post", "/calendar/reset")
        assert made.status_code == 200, made.content
        url = made.json()["url"]
        token = CalendarFeed.objects.get(user=creative).token
        assert url == f"http://127.0.0.1/calendar/{token}.ics"
        assert caller.get("/calendar").json() == {"url": url}
        replaced = caller.send("post", "/calendar/reset").json()["url"]
        assert replaced != url and replaced.endswith(".ics")
        assert AuditEvent.objects.filter(verb="calendar.reset").count() == 2

    def test_each_person_sees_only_their_own_feed(self, api, lan, minh):
        services.reset_calendar_feed(by=lan)
        assert api(minh).get("/calendar").json() == {"url": None}

    def test_reading_the_feed_takes_a_bounded_number_of_queries(
        self, api, lan, django_assert_max_num_queries
    ):
        services.reset_calendar_feed(by=lan)
        caller = api(lan)
        with django_assert_max_num_queries(3):
            assert caller.get("/calendar").json()["url"].endswith(".ics")
