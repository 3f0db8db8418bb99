"""The pitching API: briefs (+ budget, weights, team, attachments), creative briefs, ideas (+
reviews, shortlist), proposals and versions (+ lines, the margin gate, send, feedback, approve,
lose) and pitches; what each answers, to whom, and how it says no. A department member sees a
brief and its ideas without a figure of money, and no proposal at all."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.utils import timezone

from kam.clients.models import ClientTeamMember
from kam.core.models import AuditEvent
from kam.pitching import services
from kam.pitching.models import (
    Brief,
    BriefAttachment,
    BriefMember,
    CreativeBrief,
    EstimateLine,
    Feedback,
    Idea,
    IdeaReview,
    Pitch,
    Proposal,
    ProposalVersion,
)
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.growth.factories import OpportunityFactory
from tests.people.factories import UserFactory
from tests.pitching.factories import (
    BriefFactory,
    IdeaFactory,
    department,
    open_proposal,
    price,
    shortlisted_brief,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# The money fields a department member reads as null.
BRIEF_MONEY = ["budget_min_amount", "budget_max_amount", "proposed_budget_amount"]


def today():
    return timezone.localdate()


@pytest.fixture
def api(db):
    """`api(user).send("post", path, body)`: JSON in and out as that user. Each persona has its
    own HTTP client, so two personas' calls can interleave in one test."""

    class Api:
        def __init__(self, user):
            self.http = HttpClient(HTTP_HOST="127.0.0.1")
            self.http.force_login(user)

        def get(self, path, **params):
            return self.http.get(f"/api/v1{path}", params)

        def send(self, method, path, body=None):
            return getattr(self.http, method)(
                f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json"
            )

        def upload(self, path, name, content):
            return self.http.post(f"/api/v1{path}", {"file": SimpleUploadedFile(name, content)})

    return Api


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty Cổ phần Sữa Việt", short_name="Sữa Việt", owner=lan)


@pytest.fixture
def hoa_sen(minh):
    return ClientFactory(legal_name="Công ty TNHH Hoa Sen", owner=minh)


@pytest.fixture
def brief(sua_viet):
    return BriefFactory(client=sua_viet, title="Tết 2026 — Sữa Việt")


@pytest.fixture
def with_creative(brief, lan, creative):
    """The department's creative brought onto lan's brief."""
    services.add_brief_member(by=lan, brief=brief, user=creative)
    return brief


@pytest.fixture
def creative_brief(brief, lan, planner):
    return services.create_creative_brief(by=lan, brief=brief, planner=planner)


@pytest.fixture
def proposal(lan, sua_viet):
    """lan's proposal on a shortlist of three, its first version an empty draft."""
    return open_proposal(by=lan, client=sua_viet)


@pytest.fixture
def draft(proposal):
    return proposal.versions.get()


@pytest.fixture
def priced(draft, lan):
    """The draft with one line: cost 700 million, price 1 billion (a 30% margin)."""
    price(draft, by=lan, cost=700_000_000, price=1_000_000_000)
    return draft


@pytest.fixture
def thin(draft, lan):
    """The draft with one line: cost 900 million, price 1 billion (a 10% margin, under 20%)."""
    price(draft, by=lan, cost=900_000_000, price=1_000_000_000)
    return draft


@pytest.fixture
def sent(priced, lan):
    return services.send_version(by=lan, version=priced)


def person(user) -> dict:
    return {"id": user.pk, "name": str(user)}


def in_english(user):
    """The persona reads kam in English, so a test can quote a message."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def ids(response) -> list[int]:
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


# --- Signing in -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/briefs",
        "/briefs/1",
        "/creative-briefs",
        "/ideas",
        "/proposals",
        "/proposal-versions/1",
        "/pitches",
        "/attachments/1/file",
    ],
)
def test_an_anonymous_visitor_gets_401_everywhere(client, db, path):
    response = client.get(f"/api/v1{path}")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Briefs ---------------------------------------------------------------------------------
class TestBriefs:
    def test_a_kam_records_a_brief_on_her_client_and_reads_it_back(self, api, lan, sua_viet):
        response = api(lan).send(
            "post",
            "/briefs",
            {
                "client_id": sua_viet.pk,
                "title": " Tết 2026 ",
                "objectives": "Tăng nhận biết 20%",
                "target_audience": "Mẹ bỉm sữa",
                "channels": "TVC, TikTok",
                "budget_min_amount": 1_500_000_000,
                "budget_max_amount": 2_000_000_000,
                "deadline_on": str(today() + timedelta(days=10)),
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["client"] == {"id": sua_viet.pk, "name": "Sữa Việt"}
        assert (body["title"], body["status"], body["owner"]) == (
            "Tết 2026",
            "received",
            person(lan),
        )
        assert (body["budget_min_amount"], body["budget_max_amount"]) == (
            1_500_000_000,
            2_000_000_000,
        )
        assert body["shows_money"] is True
        assert body["received_on"] == str(today())
        assert body["weights"] == {"fit": 35, "creativity": 30, "feasibility": 20, "cost": 15}
        assert (body["idea_count"], body["creative_brief_id"], body["opportunity_id"]) == (
            0,
            None,
            None,
        )
        assert api(lan).get(f"/briefs/{body['id']}").json() == body
        assert AuditEvent.objects.filter(verb="brief.created", actor=lan).count() == 1

    def test_a_brief_may_come_from_an_opportunity_of_its_own_client(
        self, api, lan, sua_viet, hoa_sen
    ):
        ours = OpportunityFactory(client=sua_viet)
        another_of_hers = OpportunityFactory(client=ClientFactory(owner=lan))
        hidden = OpportunityFactory(client=hoa_sen)
        body = {"client_id": sua_viet.pk, "title": "Tết", "objectives": "Bán thêm"}
        caller = api(lan)
        created = caller.send("post", "/briefs", {**body, "opportunity_id": ours.pk})
        assert created.status_code == 201, created.content
        assert created.json()["opportunity_id"] == ours.pk
        elsewhere = caller.send("post", "/briefs", {**body, "opportunity_id": another_of_hers.pk})
        assert elsewhere.status_code == 400
        assert elsewhere.json()["field"] == "opportunity"
        unseen = caller.send("post", "/briefs", {**body, "opportunity_id": hidden.pk})
        missing = caller.send("post", "/briefs", {**body, "opportunity_id": 999999})
        assert unseen.status_code == missing.status_code == 400
        assert unseen.json() == missing.json()
        assert unseen.json()["field"] == "opportunity_id"
        assert Brief.objects.count() == 1

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"budget_min_amount": -1}, 422, None),
            ({"budget_min_amount": "1000"}, 422, None),
            ({"budget_min_amount": 1.5}, 422, None),
            ({"title": ""}, 422, None),
            ({"objectives": None}, 422, None),
            ({"client_id": None}, 422, None),
            ({"client_id": "1"}, 422, None),
            ({"received_on": "31/12/2026"}, 422, None),
            ({"deadline_on": "0.5"}, 422, None),
            ({"client_id": 999999}, 400, "client_id"),
            ({"title": "   "}, 400, "title"),
            ({"budget_min_amount": 5, "budget_max_amount": 4}, 400, "budget_max_amount"),
            (
                {"campaign_starts_on": "2026-02-01", "campaign_ends_on": "2026-01-01"},
                400,
                "campaign_ends_on",
            ),
            ({"received_on": None}, 400, "received_on"),
        ],
    )
    def test_bad_briefs_are_refused_and_nothing_is_saved(
        self, api, lan, sua_viet, body, status, field
    ):
        payload = {"client_id": sua_viet.pk, "title": "Tết", "objectives": "Bán thêm", **body}
        response = api(lan).send("post", "/briefs", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Brief.objects.exists()

    @pytest.mark.parametrize("persona", ["minh", "hoa", "director2", "creative", "planner"])
    def test_one_cannot_record_a_brief_on_a_client_one_does_not_see(
        self, api, everyone, sua_viet, persona
    ):
        body = {"title": "Tết", "objectives": "Bán thêm"}
        caller = api(everyone[persona])
        hidden = caller.send("post", "/briefs", {"client_id": sua_viet.pk, **body})
        missing = caller.send("post", "/briefs", {"client_id": 999999, **body})
        assert hidden.status_code == missing.status_code == 400
        assert hidden.json() == missing.json()
        assert not Brief.objects.exists()

    def test_finance_reads_briefs_and_records_none(self, api, finance, sua_viet, brief):
        caller = api(finance)
        assert caller.get(f"/briefs/{brief.pk}").json()["budget_min_amount"] == 1_500_000_000
        refused = caller.send(
            "post", "/briefs", {"client_id": sua_viet.pk, "title": "X", "objectives": "Y"}
        )
        assert refused.status_code == 404
        assert caller.send("patch", f"/briefs/{brief.pk}", {"title": "X"}).status_code == 404
        assert Brief.objects.count() == 1

    def test_patching_a_brief_changes_only_what_is_sent(self, api, lan, brief):
        response = api(lan).send(
            "patch",
            f"/briefs/{brief.pk}",
            {"kpis": "Reach 12 triệu", "budget_max_amount": 2_500_000_000, "deadline_on": None},
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["kpis"], body["budget_max_amount"], body["deadline_on"]) == (
            "Reach 12 triệu",
            2_500_000_000,
            None,
        )
        assert (body["title"], body["budget_min_amount"]) == ("Tết 2026 — Sữa Việt", 1_500_000_000)

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"title": None}, 400, "title"),
            ({"budget_min_amount": None}, 400, "budget_min_amount"),
            ({"budget_min_amount": 3_000_000_000}, 400, "budget_max_amount"),
            ({"budget_max_amount": -5}, 422, None),
            ({"objectives": ""}, 422, None),
        ],
    )
    def test_bad_changes_to_a_brief_are_refused(self, api, lan, brief, body, status, field):
        response = api(lan).send("patch", f"/briefs/{brief.pk}", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        brief.refresh_from_db()
        assert (brief.title, brief.budget_min_amount) == ("Tết 2026 — Sữa Việt", 1_500_000_000)

    def test_the_kam_proposes_a_budget_with_why(self, api, lan, brief):
        response = api(lan).send(
            "post",
            f"/briefs/{brief.pk}/budget",
            {"amount": 1_800_000_000, "rationale": "Khách cần TVC và KOL"},
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["proposed_budget_amount"], body["budget_rationale"]) == (
            1_800_000_000,
            "Khách cần TVC và KOL",
        )
        event = AuditEvent.objects.get(verb="brief.budget_proposed")
        assert event.actor == lan

    @pytest.mark.parametrize(
        "body,status",
        [
            ({"amount": -1, "rationale": "X"}, 422),
            ({"amount": "1000", "rationale": "X"}, 422),
            ({"amount": 1000}, 422),
            ({"amount": 1000, "rationale": ""}, 422),
            ({"amount": 1000, "rationale": "   "}, 400),
        ],
    )
    def test_a_budget_needs_an_amount_and_a_reason(self, api, lan, brief, body, status):
        response = api(lan).send("post", f"/briefs/{brief.pk}/budget", body)
        assert response.status_code == status, response.content
        brief.refresh_from_db()
        assert brief.proposed_budget_amount is None

    def test_the_kam_sets_the_review_weights(self, api, lan, brief):
        weights = {"fit": 20, "creativity": 20, "feasibility": 20, "cost": 40}
        response = api(lan).send("put", f"/briefs/{brief.pk}/weights", weights)
        assert response.status_code == 200, response.content
        assert response.json()["weights"] == weights
        brief.refresh_from_db()
        assert brief.weight_cost == 40

    @pytest.mark.parametrize(
        "weights,status",
        [
            ({"fit": 101, "creativity": 0, "feasibility": 0, "cost": 0}, 422),
            ({"fit": -1, "creativity": 0, "feasibility": 0, "cost": 0}, 422),
            ({"fit": "50", "creativity": 0, "feasibility": 0, "cost": 0}, 422),
            ({"fit": 50, "creativity": 0, "feasibility": 0}, 422),
            ({"fit": 0, "creativity": 0, "feasibility": 0, "cost": 0}, 400),
        ],
    )
    def test_weights_are_from_0_to_100_and_not_all_0(self, api, lan, brief, weights, status):
        response = api(lan).send("put", f"/briefs/{brief.pk}/weights", weights)
        assert response.status_code == status, response.content
        brief.refresh_from_db()
        assert brief.weight_fit == 35

    def test_a_cancelled_brief_no_longer_changes(self, api, lan, brief):
        caller = api(lan)
        assert caller.send("post", f"/briefs/{brief.pk}/cancel", {}).status_code == 422
        response = caller.send("post", f"/briefs/{brief.pk}/cancel", {"reason": "Khách hoãn"})
        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["closed_reason"]) == (
            "cancelled",
            "Khách hoãn",
        )
        assert caller.send("post", f"/briefs/{brief.pk}/cancel", {"reason": "X"}).status_code == 409
        assert caller.send("patch", f"/briefs/{brief.pk}", {"title": "X"}).status_code == 409
        brief.refresh_from_db()
        assert (brief.title, brief.status) == ("Tết 2026 — Sữa Việt", "cancelled")

    def test_a_brief_with_a_proposal_ends_with_it_not_by_cancelling(self, api, lan, proposal):
        response = api(lan).send(
            "post", f"/briefs/{proposal.brief_id}/cancel", {"reason": "Khách hoãn"}
        )
        assert response.status_code == 409
        assert Brief.objects.get(pk=proposal.brief_id).status == "proposing"

    @pytest.mark.parametrize(
        "persona", ["minh", "hoa", "director2", "creative", "planner", "sales"]
    )
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, brief, persona):
        caller = api(everyone[persona])
        weights = {"fit": 25, "creativity": 25, "feasibility": 25, "cost": 25}
        answers = [
            caller.get(f"/briefs/{brief.pk}"),
            caller.send("patch", f"/briefs/{brief.pk}", {"title": "Đổi"}),
            caller.send("post", f"/briefs/{brief.pk}/budget", {"amount": 1, "rationale": "X"}),
            caller.send("put", f"/briefs/{brief.pk}/weights", weights),
            caller.send("post", f"/briefs/{brief.pk}/cancel", {"reason": "X"}),
            caller.get(f"/briefs/{brief.pk}/members"),
            caller.send("post", f"/briefs/{brief.pk}/members", {"user_id": everyone["hoa"].pk}),
            caller.get(f"/briefs/{brief.pk}/attachments"),
            caller.upload(f"/briefs/{brief.pk}/attachments", "brief.pdf", PDF),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all("Tết 2026" not in answer.content.decode() for answer in answers)
        assert caller.get("/briefs").json() == {"items": [], "count": 0}
        brief.refresh_from_db()
        assert (brief.title, brief.status, brief.weight_fit) == (
            "Tết 2026 — Sữa Việt",
            "received",
            35,
        )
        assert not BriefMember.objects.exists() and not BriefAttachment.objects.exists()

    @pytest.mark.parametrize("persona", ["lan", "director", "finance", "admin"])
    def test_the_owner_her_director_finance_and_admins_read_it_with_its_money(
        self, api, everyone, brief, persona
    ):
        body = api(everyone[persona]).get(f"/briefs/{brief.pk}").json()
        assert body["title"] == "Tết 2026 — Sữa Việt"
        assert body["shows_money"] is True
        assert body["budget_min_amount"] == 1_500_000_000

    def test_an_account_team_kam_changes_it(self, api, hoa, sua_viet, brief):
        ClientTeamMember.objects.create(client=sua_viet, user=hoa, role="kam")
        response = api(hoa).send("patch", f"/briefs/{brief.pk}", {"kpis": "Reach"})
        assert response.status_code == 200 and response.json()["kpis"] == "Reach"

    def test_a_department_member_sees_the_brief_without_any_money(
        self, api, lan, creative, with_creative
    ):
        services.propose_budget(
            by=lan, brief=with_creative, amount=Decimal(1_800_000_000), rationale="TVC"
        )
        caller = api(creative)
        body = caller.get(f"/briefs/{with_creative.pk}").json()
        assert body["title"] == "Tết 2026 — Sữa Việt"
        assert body["shows_money"] is False
        assert [body[name] for name in BRIEF_MONEY] == [None, None, None]
        assert body["budget_rationale"] is None
        assert "1500000000" not in caller.get(f"/briefs/{with_creative.pk}").content.decode()
        listed = caller.get("/briefs").json()
        assert listed["count"] == 1
        assert [listed["items"][0][name] for name in BRIEF_MONEY] == [None, None, None]
        assert caller.send("patch", f"/briefs/{with_creative.pk}", {"kpis": "X"}).status_code == 404

    def test_the_planner_of_its_creative_brief_sees_the_brief_with_its_money(
        self, api, planner, creative_brief
    ):
        body = api(planner).get(f"/briefs/{creative_brief.brief_id}").json()
        assert body["shows_money"] is True
        assert body["budget_max_amount"] == 2_000_000_000
        assert body["creative_brief_id"] == creative_brief.pk
        assert body["status"] == "planning"

    def test_listing_filters_by_status_client_and_search(self, api, lan, sua_viet, brief):
        other = BriefFactory(client=ClientFactory(owner=lan), title="Khai trương cửa hàng")
        cancelled = BriefFactory(client=sua_viet, title="Trung thu", status="cancelled")
        caller = api(lan)
        assert sorted(ids(caller.get("/briefs"))) == sorted([brief.pk, other.pk, cancelled.pk])
        assert sorted(ids(caller.get("/briefs", status="open"))) == sorted([brief.pk, other.pk])
        assert ids(caller.get("/briefs", status="cancelled")) == [cancelled.pk]
        assert sorted(ids(caller.get("/briefs", client_id=sua_viet.pk))) == sorted(
            [brief.pk, cancelled.pk]
        )
        assert ids(caller.get("/briefs", q="khai truong")) == [other.pk]
        assert caller.get("/briefs", status="maybe").status_code == 422

    def test_listing_briefs_takes_a_bounded_number_of_queries(
        self, api, lan, creative, sua_viet, django_assert_max_num_queries
    ):
        for _n in range(5):
            brief = BriefFactory(client=ClientFactory(owner=lan))
            IdeaFactory.create_batch(2, brief=brief)
            services.add_brief_member(by=lan, brief=brief, user=creative)
        for viewer in (lan, creative):
            caller = api(viewer)
            with django_assert_max_num_queries(4):
                body = caller.get("/briefs").json()
            assert body["count"] == 5
            assert all(row["idea_count"] == 2 for row in body["items"])


# --- The brief's team -----------------------------------------------------------------------
class TestBriefTeam:
    def test_a_kam_brings_a_creative_onto_the_brief_and_takes_them_off(
        self, api, lan, creative, brief
    ):
        caller = api(lan)
        added = caller.send("post", f"/briefs/{brief.pk}/members", {"user_id": creative.pk})
        assert added.status_code == 201, added.content
        assert added.json()["user"] == person(creative)
        assert added.json()["department"] == "Sáng tạo"
        assert api(creative).get(f"/briefs/{brief.pk}").status_code == 200
        listed = caller.get(f"/briefs/{brief.pk}/members").json()
        assert [row["user"] for row in listed] == [person(creative)]
        removed = caller.send("delete", f"/briefs/{brief.pk}/members/{creative.pk}")
        assert removed.status_code == 204
        assert api(creative).get(f"/briefs/{brief.pk}").status_code == 404
        again = caller.send("delete", f"/briefs/{brief.pk}/members/{creative.pk}")
        assert again.status_code == 404

    def test_someone_is_on_a_brief_once_and_only_while_they_may_sign_in(
        self, api, lan, creative, brief
    ):
        caller = api(lan)
        caller.send("post", f"/briefs/{brief.pk}/members", {"user_id": creative.pk})
        twice = caller.send("post", f"/briefs/{brief.pk}/members", {"user_id": creative.pk})
        assert twice.status_code == 400 and twice.json()["field"] == "user"
        gone = UserFactory(is_active=False)
        for user_id in (gone.pk, 999999):
            refused = caller.send("post", f"/briefs/{brief.pk}/members", {"user_id": user_id})
            assert refused.status_code == 400 and refused.json()["field"] == "user_id"
        assert (
            caller.send("post", f"/briefs/{brief.pk}/members", {"user_id": "1"}).status_code == 422
        )
        assert BriefMember.objects.count() == 1

    def test_a_member_cannot_change_the_team(self, api, creative, hoa, with_creative):
        caller = api(creative)
        added = caller.send("post", f"/briefs/{with_creative.pk}/members", {"user_id": hoa.pk})
        removed = caller.send("delete", f"/briefs/{with_creative.pk}/members/{creative.pk}")
        assert (added.status_code, removed.status_code) == (404, 404)
        assert BriefMember.objects.count() == 1


# --- Attachments ----------------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    """Uploads land in a folder of the test's own, to see what is left in it."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


class TestAttachments:
    def test_a_kam_attaches_a_pdf_and_the_briefs_team_downloads_it(
        self, api, lan, creative, with_creative, media
    ):
        response = api(lan).upload(f"/briefs/{with_creative.pk}/attachments", "Đề bài Tết.pdf", PDF)
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["name"], body["kind"], body["size"], body["uploaded_by"]) == (
            "Đề bài Tết.pdf",
            "pdf",
            len(PDF),
            person(lan),
        )
        assert body["download_url"] == f"/api/v1/attachments/{body['id']}/file"
        stored = BriefAttachment.objects.get()
        # stored under a name kam makes up, never the one it came with
        assert "Đề bài" not in stored.file.name and stored.file.name.endswith(".pdf")
        listed = api(creative).get(f"/briefs/{with_creative.pk}/attachments").json()
        assert [row["id"] for row in listed] == [body["id"]]
        download = api(creative).get(f"/attachments/{body['id']}/file")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert "%C4%90%E1%BB%81%20b%C3%A0i%20T%E1%BA%BFt.pdf" in download["Content-Disposition"]
        assert b"".join(download.streaming_content) == PDF
        assert AuditEvent.objects.filter(verb="brief.file_attached", actor=lan).exists()

    def test_a_text_file_downloads_as_text(self, api, lan, brief, media):
        created = api(lan).upload(
            f"/briefs/{brief.pk}/attachments", "ghi chú.txt", "Xin chào".encode()
        )
        download = api(lan).get(f"/attachments/{created.json()['id']}/file")
        assert download["Content-Type"] == "text/plain; charset=utf-8"

    @pytest.mark.parametrize("persona", ["minh", "hoa", "director2", "planner", "sales"])
    def test_an_outsider_gets_404_on_the_file(self, api, everyone, lan, brief, media, persona):
        created = api(lan).upload(f"/briefs/{brief.pk}/attachments", "brief.pdf", PDF)
        caller = api(everyone[persona])
        attachment_id = created.json()["id"]
        assert caller.get(f"/attachments/{attachment_id}/file").status_code == 404
        assert caller.send("delete", f"/attachments/{attachment_id}").status_code == 404
        assert BriefAttachment.objects.count() == 1

    def test_an_oversized_file_is_refused_and_leaves_no_row_nor_bytes(
        self, api, lan, brief, media, settings
    ):
        settings.KAM_ATTACHMENT_MAX_MB = 1
        response = api(in_english(lan)).upload(
            f"/briefs/{brief.pk}/attachments", "to.pdf", PDF + b"0" * 1_000_000
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "The file is larger than 1 MB.", "field": "file"}
        assert not BriefAttachment.objects.exists()
        assert stored_files(media) == []

    @pytest.mark.parametrize(
        "name,content",
        [
            ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
            ("anh.pdf", PNG),
            ("brief.pdf", b""),
            ("hop-dong.docx", b"PK\x03\x04not really a zip"),
        ],
    )
    def test_a_file_of_the_wrong_type_is_refused_and_leaves_nothing(
        self, api, lan, brief, media, name, content
    ):
        response = api(lan).upload(f"/briefs/{brief.pk}/attachments", name, content)
        assert response.status_code == 400, response.content
        assert response.json()["field"] == "file"
        assert not BriefAttachment.objects.exists()
        assert stored_files(media) == []

    def test_an_upload_without_a_file_is_422(self, api, lan, brief, media):
        caller = api(lan)
        assert caller.http.post(f"/api/v1/briefs/{brief.pk}/attachments", {}).status_code == 422
        assert not BriefAttachment.objects.exists()

    def test_a_department_member_reads_files_but_does_not_attach_or_remove_them(
        self, api, lan, creative, with_creative, media
    ):
        created = api(lan).upload(f"/briefs/{with_creative.pk}/attachments", "brief.pdf", PDF)
        caller = api(creative)
        attached = caller.upload(f"/briefs/{with_creative.pk}/attachments", "mine.pdf", PDF)
        removed = caller.send("delete", f"/attachments/{created.json()['id']}")
        assert (attached.status_code, removed.status_code) == (404, 404)
        assert BriefAttachment.objects.count() == 1
        assert len(stored_files(media)) == 1

    def test_removing_a_file_deletes_its_bytes_once_committed(
        self, api, lan, brief, media, django_capture_on_commit_callbacks
    ):
        created = api(lan).upload(f"/briefs/{brief.pk}/attachments", "brief.pdf", PDF)
        assert len(stored_files(media)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            removed = api(lan).send("delete", f"/attachments/{created.json()['id']}")
        assert removed.status_code == 204
        assert not BriefAttachment.objects.exists()
        assert stored_files(media) == []
        assert api(lan).get(f"/attachments/{created.json()['id']}/file").status_code == 404

    def test_a_file_whose_bytes_are_gone_is_404_not_an_error(self, api, lan, brief, media):
        created = api(lan).upload(f"/briefs/{brief.pk}/attachments", "brief.pdf", PDF)
        for path in stored_files(media):
            path.unlink()
        assert api(lan).get(f"/attachments/{created.json()['id']}/file").status_code == 404


# --- Creative briefs ------------------------------------------------------------------------
class TestCreativeBriefs:
    def test_a_kam_hands_the_brief_to_a_planner_its_fields_starting_from_the_brief(
        self, api, lan, planner, brief
    ):
        response = api(lan).send(
            "post",
            "/creative-briefs",
            {"brief_id": brief.pk, "planner_id": planner.pk, "proposition": "Tết trọn vị"},
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["brief"] == {"id": brief.pk, "title": "Tết 2026 — Sữa Việt"}
        assert (body["planner"], body["assigned_by"], body["status"]) == (
            person(planner),
            person(lan),
            "assigned",
        )
        assert (body["problem"], body["target_audience"], body["insight"]) == (
            brief.objectives,
            brief.target_audience,
            brief.key_message,
        )
        assert (body["mandatories"], body["channels"], body["proposition"]) == (
            brief.mandatories,
            brief.channels,
            "Tết trọn vị",
        )
        assert Brief.objects.get(pk=brief.pk).status == "planning"
        mine = api(planner)
        assert ids(mine.get("/creative-briefs")) == [body["id"]]
        assert mine.get(f"/creative-briefs/{body['id']}").json() == body

    def test_the_planner_writes_it_and_marks_it_ready_once(self, api, planner, creative_brief):
        caller = api(planner)
        written = caller.send(
            "patch",
            f"/creative-briefs/{creative_brief.pk}",
            {"insight": "Tết là về nhà", "deliverables": "Key visual, TVC 30s"},
        )
        assert written.status_code == 200, written.content
        assert (written.json()["insight"], written.json()["deliverables"]) == (
            "Tết là về nhà",
            "Key visual, TVC 30s",
        )
        ready = caller.send("post", f"/creative-briefs/{creative_brief.pk}/ready")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        again = caller.send("post", f"/creative-briefs/{creative_brief.pk}/ready")
        assert again.status_code == 409
        assert ids(caller.get("/creative-briefs", status="ready")) == [creative_brief.pk]
        assert ids(caller.get("/creative-briefs", status="assigned")) == []

    def test_only_the_kam_gives_it_to_another_planner(self, api, lan, planner, creative_brief):
        other = UserFactory(username="planner2", is_planner=True)
        by_planner = api(planner).send(
            "patch", f"/creative-briefs/{creative_brief.pk}", {"planner_id": other.pk}
        )
        assert by_planner.status_code == 404
        by_kam = api(lan).send(
            "patch", f"/creative-briefs/{creative_brief.pk}", {"planner_id": other.pk}
        )
        assert by_kam.status_code == 200 and by_kam.json()["planner"] == person(other)

    @pytest.mark.parametrize(
        "change,status,field",
        [
            ({"planner_id": "hoa"}, 400, "planner"),
            ({"planner_id": 999999}, 400, "planner_id"),
            ({"planner_id": "1"}, 422, None),
            ({"brief_id": 999999}, 400, "brief_id"),
            ({"problem": ""}, 422, None),
            ({"due_on": "mai"}, 422, None),
        ],
    )
    def test_bad_creative_briefs_are_refused_and_nothing_is_made(
        self, api, lan, hoa, planner, brief, change, status, field
    ):
        if change.get("planner_id") == "hoa":
            change = {"planner_id": hoa.pk}  # a KAM, while the agency has Planners
        body = {"brief_id": brief.pk, "planner_id": planner.pk, **change}
        response = api(lan).send("post", "/creative-briefs", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not CreativeBrief.objects.exists()

    def test_a_brief_has_one_creative_brief(self, api, lan, planner, creative_brief):
        body = {"brief_id": creative_brief.brief_id, "planner_id": planner.pk}
        assert api(lan).send("post", "/creative-briefs", body).status_code == 409
        assert CreativeBrief.objects.count() == 1

    @pytest.mark.parametrize("persona", ["minh", "hoa", "director2", "creative", "sales"])
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, creative_brief, persona):
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/creative-briefs/{creative_brief.pk}"),
            caller.send("patch", f"/creative-briefs/{creative_brief.pk}", {"insight": "X"}),
            caller.send("post", f"/creative-briefs/{creative_brief.pk}/ready"),
        ]
        assert [answer.status_code for answer in answers] == [404] * 3
        assert caller.get("/creative-briefs").json() == {"items": [], "count": 0}
        assert CreativeBrief.objects.get().status == "assigned"

    def test_a_department_member_of_the_brief_reads_it_and_does_not_write_it(
        self, api, creative, with_creative, creative_brief
    ):
        caller = api(creative)
        assert caller.get(f"/creative-briefs/{creative_brief.pk}").status_code == 200
        patched = caller.send("patch", f"/creative-briefs/{creative_brief.pk}", {"insight": "X"})
        assert patched.status_code == 404

    def test_listing_creative_briefs_takes_a_bounded_number_of_queries(
        self, api, lan, planner, django_assert_max_num_queries
    ):
        for _n in range(5):
            brief = BriefFactory(client=ClientFactory(owner=lan))
            services.create_creative_brief(by=lan, brief=brief, planner=planner)
        for viewer in (lan, planner):
            caller = api(viewer)
            with django_assert_max_num_queries(4):
                body = caller.get("/creative-briefs").json()
            assert body["count"] == 5


# --- Ideas and the review -------------------------------------------------------------------
def review(idea, by, fit, creativity, feasibility, cost):
    return services.review_idea(
        by=by, idea=idea, fit=fit, creativity=creativity, feasibility=feasibility, cost=cost
    )


class TestIdeas:
    def test_the_kam_adds_an_idea_to_her_brief(self, api, lan, brief):
        response = api(lan).send(
            "post",
            "/ideas",
            {
                "brief_id": brief.pk,
                "title": "Bữa cơm ba thế hệ",
                "description": "Phim ngắn về bữa cơm Tết",
                "channels": "TVC",
                "rough_cost_amount": 600_000_000,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["brief_id"], body["title"], body["author"]) == (
            brief.pk,
            "Bữa cơm ba thế hệ",
            person(lan),
        )
        assert (body["rough_cost_amount"], body["is_shortlisted"]) == (600_000_000, False)
        assert (body["review_count"], body["score"]) == (0, None)
        assert api(lan).get(f"/ideas/{body['id']}").json() == body

    def test_a_department_member_adds_ideas_and_sees_none_of_their_cost(
        self, api, lan, creative, with_creative
    ):
        caller = api(creative)
        response = caller.send(
            "post",
            "/ideas",
            {
                "brief_id": with_creative.pk,
                "title": "Lì xì số",
                "description": "Mini game lì xì trên app",
                "rough_cost_amount": 300_000_000,
            },
        )
        assert response.status_code == 201, response.content
        idea_id = response.json()["id"]
        assert response.json()["author"] == person(creative)
        assert response.json()["rough_cost_amount"] is None
        assert caller.get(f"/ideas/{idea_id}").json()["rough_cost_amount"] is None
        for params in ({}, {"brief_id": with_creative.pk}):
            listed = caller.get("/ideas", **params).json()["items"]
            assert [(row["id"], row["rough_cost_amount"]) for row in listed] == [(idea_id, None)]
        assert api(lan).get(f"/ideas/{idea_id}").json()["rough_cost_amount"] == 300_000_000
        # the author sharpens her own idea
        patched = caller.send("patch", f"/ideas/{idea_id}", {"title": "Lì xì số 2026"})
        assert patched.status_code == 200 and patched.json()["title"] == "Lì xì số 2026"

    def test_one_brief_s_ideas_are_ranked_by_their_weighted_score(
        self, api, lan, hoa, sua_viet, brief
    ):
        ClientTeamMember.objects.create(client=sua_viet, user=hoa, role="kam")
        good, unreviewed, fair = (
            IdeaFactory(brief=brief, title="Tốt"),
            IdeaFactory(brief=brief, title="Chưa chấm"),
            IdeaFactory(brief=brief, title="Khá"),
        )
        review(good, lan, 5, 5, 4, 3)
        review(good, hoa, 4, 4, 4, 4)
        review(fair, lan, 3, 3, 3, 3)
        rows = api(lan).get("/ideas", brief_id=brief.pk).json()["items"]
        assert [row["id"] for row in rows] == [good.pk, fair.pk, unreviewed.pk]
        assert [row["review_count"] for row in rows] == [2, 1, 0]
        # fit 4.5*35 + creativity 4.5*30 + feasibility 4*20 + cost 3.5*15, over 100
        assert [row["score"] for row in rows] == [4.25, 3.0, None]
        assert api(lan).get(f"/ideas/{good.pk}").json()["score"] == 4.25
        # a client on a tight budget: cost weighs most, and the order follows
        api(lan).send(
            "put",
            f"/briefs/{brief.pk}/weights",
            {"fit": 0, "creativity": 0, "feasibility": 0, "cost": 100},
        )
        rows = api(lan).get("/ideas", brief_id=brief.pk).json()["items"]
        assert [(row["id"], row["score"]) for row in rows][:2] == [(good.pk, 3.5), (fair.pk, 3.0)]

    def test_listing_without_a_brief_is_the_newest_first_of_every_brief_one_sees(
        self, api, lan, minh, brief, hoa_sen
    ):
        first = IdeaFactory(brief=brief)
        second = IdeaFactory(brief=BriefFactory(client=brief.client))
        IdeaFactory(brief=BriefFactory(client=hoa_sen))
        assert ids(api(lan).get("/ideas")) == [second.pk, first.pk]
        assert api(lan).get("/ideas", brief_id=BriefFactory(client=hoa_sen).pk).status_code == 404

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"title": ""}, 422, None),
            ({"description": None}, 422, None),
            ({"rough_cost_amount": -1}, 422, None),
            ({"rough_cost_amount": "5"}, 422, None),
            ({"brief_id": 999999}, 400, "brief_id"),
            ({"brief_id": "1"}, 422, None),
            ({"title": "  "}, 400, "title"),
            ({"rough_cost_amount": None}, 400, "rough_cost_amount"),
        ],
    )
    def test_bad_ideas_are_refused_and_nothing_is_saved(self, api, lan, brief, body, status, field):
        payload = {"brief_id": brief.pk, "title": "Ý tưởng", "description": "Mô tả", **body}
        response = api(lan).send("post", "/ideas", payload)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Idea.objects.exists()

    def test_ideas_are_not_added_to_a_closed_brief(self, api, lan, brief):
        services.cancel_brief(by=lan, brief=brief, reason="Khách hoãn")
        response = api(lan).send(
            "post", "/ideas", {"brief_id": brief.pk, "title": "Muộn", "description": "X"}
        )
        assert response.status_code == 404
        assert not Idea.objects.exists()

    @pytest.mark.parametrize(
        "persona", ["minh", "hoa", "director2", "creative", "planner", "sales"]
    )
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, brief, persona):
        idea = IdeaFactory(brief=brief, title="Bí mật Tết")
        caller = api(everyone[persona])
        scores = {"fit": 3, "creativity": 3, "feasibility": 3, "cost": 3}
        answers = [
            caller.get(f"/ideas/{idea.pk}"),
            caller.send("patch", f"/ideas/{idea.pk}", {"title": "Đổi"}),
            caller.get(f"/ideas/{idea.pk}/reviews"),
            caller.send("put", f"/ideas/{idea.pk}/review", scores),
            caller.send("post", f"/ideas/{idea.pk}/shortlist"),
            caller.send("delete", f"/ideas/{idea.pk}/shortlist"),
            caller.get("/ideas", brief_id=brief.pk),
            caller.send("post", "/ideas", {"brief_id": brief.pk, "title": "X", "description": "Y"}),
        ]
        assert [answer.status_code for answer in answers] == [404] * 7 + [400]
        assert all("Bí mật Tết" not in answer.content.decode() for answer in answers)
        assert caller.get("/ideas").json() == {"items": [], "count": 0}
        assert (Idea.objects.count(), IdeaReview.objects.count()) == (1, 0)
        assert Idea.objects.get().title == "Bí mật Tết"

    def test_listing_ideas_takes_a_bounded_number_of_queries(
        self, api, lan, creative, with_creative, django_assert_max_num_queries
    ):
        for idea in IdeaFactory.create_batch(6, brief=with_creative):
            review(idea, lan, 4, 4, 4, 4)
        for _n in range(3):
            IdeaFactory(brief=BriefFactory(client=with_creative.client))
        for viewer in (lan, creative):
            caller = api(viewer)
            with django_assert_max_num_queries(6):
                ranked = caller.get("/ideas", brief_id=with_creative.pk).json()
            with django_assert_max_num_queries(4):
                every = caller.get("/ideas").json()
            assert ranked["count"] == 6
            assert every["count"] == (9 if viewer == lan else 6)


class TestReviews:
    def test_a_reviewer_scores_an_idea_and_scoring_again_replaces_their_review(
        self, api, lan, creative, with_creative
    ):
        idea = IdeaFactory(brief=with_creative)
        caller = api(creative)
        scores = {"fit": 4, "creativity": 5, "feasibility": 3, "cost": 2, "comment": "Hay"}
        first = caller.send("put", f"/ideas/{idea.pk}/review", scores)
        assert first.status_code == 200, first.content
        assert first.json()["reviewer"] == person(creative)
        again = caller.send("put", f"/ideas/{idea.pk}/review", {**scores, "fit": 2})
        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]
        api(lan).send("put", f"/ideas/{idea.pk}/review", {**scores, "comment": ""})
        reviews = api(lan).get(f"/ideas/{idea.pk}/reviews").json()
        assert [(row["reviewer"]["id"], row["fit"]) for row in reviews] == [
            (creative.pk, 2),
            (lan.pk, 4),
        ]
        assert api(lan).get(f"/ideas/{idea.pk}").json()["review_count"] == 2

    @pytest.mark.parametrize(
        "change",
        [
            {"fit": 0},
            {"fit": 6},
            {"creativity": -1},
            {"feasibility": "3"},
            {"cost": 3.5},
            {"cost": True},
            {"fit": None},
            {"comment": "x" * 1001},
        ],
    )
    def test_scores_outside_1_to_5_are_422_and_nothing_is_recorded(self, api, lan, brief, change):
        idea = IdeaFactory(brief=brief)
        scores = {"fit": 3, "creativity": 3, "feasibility": 3, "cost": 3, **change}
        response = api(lan).send("put", f"/ideas/{idea.pk}/review", scores)
        assert response.status_code == 422, response.content
        assert not IdeaReview.objects.exists()

    def test_a_missing_score_is_422(self, api, lan, brief):
        idea = IdeaFactory(brief=brief)
        response = api(lan).send("put", f"/ideas/{idea.pk}/review", {"fit": 3, "creativity": 3})
        assert response.status_code == 422
        assert not IdeaReview.objects.exists()


class TestShortlist:
    def test_the_kam_shortlists_an_idea_and_takes_it_off_again(self, api, lan, brief):
        idea = IdeaFactory(brief=brief)
        caller = api(lan)
        added = caller.send("post", f"/ideas/{idea.pk}/shortlist")
        assert added.status_code == 200 and added.json()["is_shortlisted"] is True
        assert caller.send("post", f"/ideas/{idea.pk}/shortlist").status_code == 409
        dropped = caller.send("delete", f"/ideas/{idea.pk}/shortlist")
        assert dropped.status_code == 200 and dropped.json()["is_shortlisted"] is False
        assert caller.send("delete", f"/ideas/{idea.pk}/shortlist").status_code == 409
        assert AuditEvent.objects.filter(verb="idea.shortlisted", actor=lan).count() == 1

    def test_the_planner_of_the_brief_shortlists_and_a_department_member_does_not(
        self, api, creative, planner, with_creative, creative_brief
    ):
        idea = IdeaFactory(brief=with_creative)
        assert api(creative).send("post", f"/ideas/{idea.pk}/shortlist").status_code == 404
        assert not Idea.objects.get(pk=idea.pk).is_shortlisted
        assert api(planner).send("post", f"/ideas/{idea.pk}/shortlist").status_code == 200
        assert Idea.objects.get(pk=idea.pk).is_shortlisted

    def test_an_idea_a_version_chose_stays_on_the_shortlist(self, api, lan, draft):
        idea = draft.ideas.first()
        response = api(lan).send("delete", f"/ideas/{idea.pk}/shortlist")
        assert response.status_code == 409
        assert Idea.objects.get(pk=idea.pk).is_shortlisted


# --- Proposals ------------------------------------------------------------------------------
PROPOSAL_OUTSIDERS = ["minh", "hoa", "director2", "creative", "sales"]


class TestProposals:
    def test_a_proposal_needs_three_shortlisted_ideas_and_says_so(self, api, lan, sua_viet):
        brief = shortlisted_brief(client=sua_viet, shortlisted=2)
        caller = api(in_english(lan))
        refused = caller.send("post", "/proposals", {"brief_id": brief.pk})
        assert refused.status_code == 400
        assert refused.json() == {
            "detail": "A proposal is built on at least 3 shortlisted ideas; this brief has 2. "
            "Review the ideas and shortlist the best."
        }
        assert not Proposal.objects.exists() and not ProposalVersion.objects.exists()
        assert Brief.objects.get(pk=brief.pk).status == "received"
        # the review shortlists a third idea through the API, and the proposal starts
        third = brief.ideas.get(is_shortlisted=False)
        assert caller.send("post", f"/ideas/{third.pk}/shortlist").status_code == 200
        started = caller.send("post", "/proposals", {"brief_id": brief.pk, "title": "Tết ấm"})
        assert started.status_code == 201, started.content
        body = started.json()
        assert (body["title"], body["status"], body["owner"], body["version_count"]) == (
            "Tết ấm",
            "open",
            person(lan),
            1,
        )
        assert body["brief"] == {"id": brief.pk, "title": brief.title}
        assert [(row["number"], row["status"]) for row in body["versions"]] == [(1, "draft")]
        assert body["current_version_id"] == body["versions"][0]["id"]
        assert body["current_totals"]["total"] == 0
        assert body["current_totals"]["under_floor"] is True
        assert Brief.objects.get(pk=brief.pk).status == "proposing"
        version = ProposalVersion.objects.get()
        assert version.ideas.count() == 3

    def test_a_brief_has_one_proposal(self, api, lan, proposal):
        response = api(lan).send("post", "/proposals", {"brief_id": proposal.brief_id})
        assert response.status_code == 409
        assert Proposal.objects.count() == 1

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"brief_id": 999999}, 400, "brief_id"),
            ({"brief_id": "1"}, 422, None),
            ({"title": "x" * 201}, 422, None),
        ],
    )
    def test_bad_proposals_are_refused(self, api, lan, sua_viet, body, status, field):
        brief = shortlisted_brief(client=sua_viet)
        response = api(lan).send("post", "/proposals", {"brief_id": brief.pk, **body})
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Proposal.objects.exists()

    def test_the_owner_her_director_finance_and_admins_read_the_proposal(
        self, api, everyone, proposal
    ):
        for persona in ("lan", "director", "finance", "admin"):
            response = api(everyone[persona]).get(f"/proposals/{proposal.pk}")
            assert response.status_code == 200, persona
            assert response.json()["title"] == proposal.title

    @pytest.mark.parametrize("persona", PROPOSAL_OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(
        self, api, everyone, proposal, priced, persona
    ):
        line = priced.lines.get()
        caller = api(everyone[persona])
        answers = [
            caller.get(f"/proposals/{proposal.pk}"),
            caller.get(f"/proposals/{proposal.pk}/versions"),
            caller.send("post", f"/proposals/{proposal.pk}/versions"),
            caller.send("post", f"/proposals/{proposal.pk}/approve", {}),
            caller.send("post", f"/proposals/{proposal.pk}/lose", {"reason": "Giá"}),
            caller.get(f"/proposal-versions/{priced.pk}"),
            caller.send("patch", f"/proposal-versions/{priced.pk}", {"narrative": "X"}),
            caller.send("post", f"/proposal-versions/{priced.pk}/lines", LINE),
            caller.send("patch", f"/estimate-lines/{line.pk}", {"quantity": 2}),
            caller.send("delete", f"/estimate-lines/{line.pk}"),
            caller.send("post", f"/proposal-versions/{priced.pk}/send"),
            caller.send("post", f"/proposal-versions/{priced.pk}/request-approval"),
            caller.send("post", f"/proposal-versions/{priced.pk}/approve-margin", {}),
            caller.send("post", f"/proposal-versions/{priced.pk}/decline-margin", {"note": "X"}),
            caller.get(f"/proposal-versions/{priced.pk}/feedback"),
            caller.send("post", f"/proposal-versions/{priced.pk}/feedback", {"text": "Ổn"}),
        ]
        assert [answer.status_code for answer in answers] == [404] * len(answers)
        assert all(proposal.title not in answer.content.decode() for answer in answers)
        assert caller.get("/proposals").json() == {"items": [], "count": 0}
        proposal.refresh_from_db()
        priced.refresh_from_db()
        assert (proposal.status, priced.status, priced.narrative) == ("open", "draft", "")
        assert (ProposalVersion.objects.count(), EstimateLine.objects.count()) == (1, 1)

    def test_a_department_member_of_the_brief_sees_its_ideas_and_no_proposal(
        self, api, lan, creative, proposal, priced
    ):
        services.add_brief_member(by=lan, brief=proposal.brief, user=creative)
        caller = api(creative)
        assert caller.get(f"/briefs/{proposal.brief_id}").status_code == 200
        assert caller.get("/ideas", brief_id=proposal.brief_id).json()["count"] == 4
        assert caller.get("/proposals").json() == {"items": [], "count": 0}
        assert caller.get(f"/proposals/{proposal.pk}").status_code == 404
        assert caller.get(f"/proposal-versions/{priced.pk}").status_code == 404
        assert caller.get("/pitches").json() == {"items": [], "count": 0}

    def test_the_planner_of_the_brief_reads_its_proposal_and_does_not_price_it(
        self, api, lan, planner, proposal, priced
    ):
        services.create_creative_brief(by=lan, brief=proposal.brief, planner=planner)
        caller = api(planner)
        assert ids(caller.get("/proposals")) == [proposal.pk]
        assert caller.get(f"/proposals/{proposal.pk}").status_code == 200
        version = caller.get(f"/proposal-versions/{priced.pk}").json()
        assert version["totals"]["price"] == 1_000_000_000
        assert caller.get(f"/briefs/{proposal.brief_id}").json()["shows_money"] is True
        refused = caller.send("patch", f"/proposal-versions/{priced.pk}", {"narrative": "X"})
        assert refused.status_code == 404
        assert caller.send("post", f"/proposal-versions/{priced.pk}/send").status_code == 404

    def test_listing_filters_by_status_and_takes_a_bounded_number_of_queries(
        self, api, lan, django_assert_max_num_queries
    ):
        proposals = [open_proposal(by=lan, client=ClientFactory(owner=lan)) for _n in range(4)]
        lost = proposals[0]
        services.lose_proposal(by=lan, proposal=lost, reason="Giá cao")
        caller = api(lan)
        with django_assert_max_num_queries(4):
            body = caller.get("/proposals").json()
        assert body["count"] == 4
        assert all(row["version_count"] == 1 for row in body["items"])
        assert ids(caller.get("/proposals", status="lost")) == [lost.pk]
        assert len(ids(caller.get("/proposals", status="open"))) == 3
        assert caller.get("/proposals", status="won").status_code == 422


# --- Versions and their estimate ------------------------------------------------------------
LINE = {
    "kind": "production",
    "description": "Quay TVC",
    "quantity": 1,
    "unit_cost_amount": 100,
    "unit_price_amount": 150,
}


class TestVersions:
    def test_a_draft_is_written_and_priced_and_its_totals_add_up(self, api, lan, proposal, priced):
        chosen = list(proposal.brief.ideas.filter(is_shortlisted=True).order_by("pk"))[:2]
        caller = api(lan)
        written = caller.send(
            "patch",
            f"/proposal-versions/{priced.pk}",
            {
                "narrative": "Tết trọn vị",
                "agency_fee_percent": 10,
                "vat_percent": 8,
                "idea_ids": [idea.pk for idea in chosen],
            },
        )
        assert written.status_code == 200, written.content
        added = caller.send(
            "post",
            f"/proposal-versions/{priced.pk}/lines",
            {
                "kind": "department",
                "department_id": department("creative").pk,
                "description": "Ý tưởng và thiết kế",
                "quantity": 2.5,
                "unit_cost_amount": 40_000_000,
                "unit_price_amount": 60_000_000,
            },
        )
        assert added.status_code == 201, added.content
        line = added.json()
        assert (line["cost_amount"], line["price_amount"], line["quantity"]) == (
            100_000_000,
            150_000_000,
            2.5,
        )
        assert (line["department_name"], line["position"]) == ("Sáng tạo", 2)
        body = caller.get(f"/proposal-versions/{priced.pk}").json()
        assert (body["narrative"], body["agency_fee_percent"], body["vat_percent"]) == (
            "Tết trọn vị",
            10.0,
            8.0,
        )
        assert sorted(idea["id"] for idea in body["ideas"]) == [idea.pk for idea in chosen]
        assert [row["description"] for row in body["lines"]] == [
            "Sản xuất TVC 30 giây",
            "Ý tưởng và thiết kế",
        ]
        assert body["totals"] == {
            "cost": 800_000_000,
            "price": 1_150_000_000,
            "fee": 115_000_000,
            "revenue": 1_265_000_000,
            "margin": 465_000_000,
            "margin_percent": 36.8,
            "vat": 101_200_000,
            "total": 1_366_200_000,
            "floor_percent": 20.0,
            "under_floor": False,
        }
        assert body["changes"] == []
        assert AuditEvent.objects.filter(verb="version.line_added", actor=lan).count() == 2

    def test_a_line_is_changed_and_removed_while_the_version_is_a_draft(self, api, lan, priced):
        line = priced.lines.get()
        caller = api(lan)
        changed = caller.send(
            "patch", f"/estimate-lines/{line.pk}", {"quantity": 2, "unit_price_amount": 900_000_000}
        )
        assert changed.status_code == 200, changed.content
        assert (changed.json()["cost_amount"], changed.json()["price_amount"]) == (
            1_400_000_000,
            1_800_000_000,
        )
        assert caller.send("delete", f"/estimate-lines/{line.pk}").status_code == 204
        assert caller.send("delete", f"/estimate-lines/{line.pk}").status_code == 404
        assert caller.get(f"/proposal-versions/{priced.pk}").json()["totals"]["price"] == 0

    @pytest.mark.parametrize(
        "change,status,field",
        [
            ({"agency_fee_percent": "10"}, 422, None),
            ({"agency_fee_percent": True}, 422, None),
            ({"agency_fee_percent": 100.5}, 422, None),
            ({"agency_fee_percent": -1}, 422, None),
            ({"vat_percent": 8.125}, 422, None),
            ({"vat_percent": None}, 400, "vat_percent"),
            ({"idea_ids": [999999]}, 400, "idea_ids"),
            ({"idea_ids": []}, 400, "ideas"),
            ({"idea_ids": ["1"]}, 422, None),
        ],
    )
    def test_bad_changes_to_a_version_are_refused(self, api, lan, draft, change, status, field):
        response = api(lan).send("patch", f"/proposal-versions/{draft.pk}", change)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        draft.refresh_from_db()
        assert (draft.agency_fee_percent, draft.vat_percent) == (0, 10)
        assert draft.ideas.count() == 3

    def test_fees_and_vat_take_two_decimals(self, api, lan, draft):
        response = api(lan).send(
            "patch", f"/proposal-versions/{draft.pk}", {"agency_fee_percent": 12.35}
        )
        assert response.status_code == 200, response.content
        assert response.json()["agency_fee_percent"] == 12.35
        draft.refresh_from_db()
        assert draft.agency_fee_percent == Decimal("12.35")

    def test_a_version_proposes_only_ideas_from_its_brief_s_shortlist(
        self, api, lan, proposal, draft
    ):
        left_out = proposal.brief.ideas.get(is_shortlisted=False)
        elsewhere = IdeaFactory(brief=BriefFactory(client=proposal.brief.client))
        for idea in (left_out, elsewhere):
            response = api(lan).send(
                "patch", f"/proposal-versions/{draft.pk}", {"idea_ids": [idea.pk]}
            )
            assert response.status_code == 400 and response.json()["field"] == "ideas"
        assert draft.ideas.count() == 3

    @pytest.mark.parametrize(
        "change,status,field",
        [
            ({"quantity": 0}, 422, None),
            ({"quantity": "1"}, 422, None),
            ({"quantity": 1.234}, 422, None),
            ({"unit_cost_amount": -1}, 422, None),
            ({"unit_price_amount": 1.5}, 422, None),
            ({"kind": "catering"}, 422, None),
            ({"description": ""}, 422, None),
            ({"kind": "department"}, 400, "department"),
            ({"kind": "department", "department_id": 999999}, 400, "department_id"),
            ({"quantity": 10**9, "unit_cost_amount": 10**17}, 400, None),
        ],
    )
    def test_bad_lines_are_refused_and_nothing_is_added(
        self, api, lan, draft, change, status, field
    ):
        response = api(lan).send("post", f"/proposal-versions/{draft.pk}/lines", {**LINE, **change})
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not EstimateLine.objects.exists()

    def test_a_sent_version_is_frozen_and_its_lines_stay_as_sent(self, api, lan, sent):
        line = sent.lines.get()
        caller = api(lan)
        answers = [
            caller.send("patch", f"/proposal-versions/{sent.pk}", {"narrative": "Sửa"}),
            caller.send("post", f"/proposal-versions/{sent.pk}/lines", LINE),
            caller.send("patch", f"/estimate-lines/{line.pk}", {"unit_price_amount": 1}),
            caller.send("delete", f"/estimate-lines/{line.pk}"),
            caller.send("post", f"/proposal-versions/{sent.pk}/send"),
            caller.send("post", f"/proposal-versions/{sent.pk}/request-approval"),
        ]
        assert [answer.status_code for answer in answers] == [409] * len(answers)
        assert list(EstimateLine.objects.values_list("pk", "price_amount", "cost_amount")) == [
            (line.pk, 1_000_000_000, 700_000_000)
        ]
        sent.refresh_from_db()
        assert (sent.narrative, sent.status) == ("", "sent")

    def test_an_idea_in_a_version_the_client_has_no_longer_changes(self, api, lan, sent):
        idea = sent.ideas.first()
        response = api(lan).send("patch", f"/ideas/{idea.pk}", {"title": "Đổi tên"})
        assert response.status_code == 409
        assert Idea.objects.get(pk=idea.pk).title == idea.title


class TestMarginGate:
    def test_over_the_floor_a_version_is_sent_directly(self, api, lan, priced):
        caller = api(lan)
        asked = caller.send("post", f"/proposal-versions/{priced.pk}/request-approval")
        assert asked.status_code == 400
        sent = caller.send("post", f"/proposal-versions/{priced.pk}/send")
        assert sent.status_code == 200, sent.content
        body = sent.json()
        assert (body["status"], body["sent_by"], body["margin_approved_by"]) == (
            "sent",
            person(lan),
            None,
        )
        assert body["sent_at"]
        assert AuditEvent.objects.filter(verb="version.sent", actor=lan).count() == 1

    def test_under_the_floor_sending_waits_for_the_director_s_approval(
        self, api, lan, director, director2, thin
    ):
        kam = api(in_english(lan))
        refused = kam.send("post", f"/proposal-versions/{thin.pk}/send")
        assert refused.status_code == 400
        assert refused.json()["detail"] == (
            "The margin (10%) is under the floor of 20%: ask the Director to approve it "
            "before sending."
        )
        assert ProposalVersion.objects.get(pk=thin.pk).status == "draft"
        asked = kam.send("post", f"/proposal-versions/{thin.pk}/request-approval")
        assert asked.status_code == 200, asked.content
        assert (asked.json()["status"], asked.json()["approval_requested_by"]) == (
            "awaiting",
            person(lan),
        )
        assert asked.json()["totals"]["under_floor"] is True
        # waiting for the Director, the version is frozen and cannot be sent
        assert kam.send("post", f"/proposal-versions/{thin.pk}/send").status_code == 409
        patched = kam.send("patch", f"/proposal-versions/{thin.pk}", {"narrative": "X"})
        assert patched.status_code == 409
        # only the Director of lan's team approves; lan and another team's Director get 404
        for outsider in (lan, director2):
            answer = api(outsider).send(
                "post", f"/proposal-versions/{thin.pk}/approve-margin", {"note": "OK"}
            )
            assert answer.status_code == 404
        approved = api(director).send(
            "post",
            f"/proposal-versions/{thin.pk}/approve-margin",
            {"note": "Khách chiến lược"},
        )
        assert approved.status_code == 200, approved.content
        body = approved.json()
        assert (body["status"], body["margin_approved_by"], body["margin_approval_note"]) == (
            "cleared",
            person(director),
            "Khách chiến lược",
        )
        assert body["margin_approved_at"]
        event = AuditEvent.objects.get(verb="version.margin_approved")
        assert (event.actor, event.subject_id) == (director, str(thin.pk))
        twice = api(director).send("post", f"/proposal-versions/{thin.pk}/approve-margin", {})
        assert twice.status_code == 409
        sent = kam.send("post", f"/proposal-versions/{thin.pk}/send")
        assert sent.status_code == 200, sent.content
        assert (sent.json()["status"], sent.json()["margin_approved_by"]) == (
            "sent",
            person(director),
        )

    def test_the_director_declines_saying_what_must_change_and_it_is_a_draft_again(
        self, api, lan, director, thin
    ):
        services.request_margin_approval(by=lan, version=thin)
        boss = api(director)
        path = f"/proposal-versions/{thin.pk}/decline-margin"
        assert boss.send("post", path, {}).status_code == 422
        assert boss.send("post", path, {"note": "   "}).status_code == 400
        declined = boss.send("post", path, {"note": "Giảm chi phí sản xuất"})
        assert declined.status_code == 200, declined.content
        assert (declined.json()["status"], declined.json()["margin_approval_note"]) == (
            "draft",
            "Giảm chi phí sản xuất",
        )
        assert AuditEvent.objects.filter(verb="version.margin_declined", actor=director).exists()
        line = thin.lines.get()
        repriced = api(lan).send(
            "patch", f"/estimate-lines/{line.pk}", {"unit_cost_amount": 700_000_000}
        )
        assert repriced.status_code == 200
        assert api(lan).send("post", f"/proposal-versions/{thin.pk}/send").status_code == 200

    def test_a_version_not_waiting_has_no_margin_to_approve(self, api, director, thin):
        response = api(director).send("post", f"/proposal-versions/{thin.pk}/approve-margin", {})
        assert response.status_code == 409
        assert ProposalVersion.objects.get(pk=thin.pk).margin_approved_by is None

    def test_an_empty_estimate_is_not_sent(self, api, lan, draft):
        response = api(lan).send("post", f"/proposal-versions/{draft.pk}/send")
        assert response.status_code == 400
        assert ProposalVersion.objects.get(pk=draft.pk).status == "draft"


class TestRevisionsAndFeedback:
    def test_revising_makes_the_next_version_with_a_diff_of_its_lines(
        self, api, lan, proposal, sent
    ):
        caller = api(lan)
        revised = caller.send("post", f"/proposals/{proposal.pk}/versions")
        assert revised.status_code == 201, revised.content
        second = revised.json()
        assert (second["number"], second["status"], second["changes"]) == (2, "draft", [])
        assert [row["price_amount"] for row in second["lines"]] == [1_000_000_000]
        line_id = second["lines"][0]["id"]
        caller.send("patch", f"/estimate-lines/{line_id}", {"unit_price_amount": 1_100_000_000})
        caller.send("post", f"/proposal-versions/{second['id']}/lines", LINE)
        changes = caller.get(f"/proposal-versions/{second['id']}").json()["changes"]
        assert [(row["change"], row["description"], row["price_delta"]) for row in changes] == [
            ("changed", "Sản xuất TVC 30 giây", 100_000_000),
            ("added", "Quay TVC", 150),
        ]
        assert changes[0]["before"]["price"] == 1_000_000_000
        assert changes[0]["after"]["price"] == 1_100_000_000
        assert changes[1]["before"] is None
        # the first version is as it was sent
        assert caller.get(f"/proposal-versions/{sent.pk}").json()["totals"]["price"] == (
            1_000_000_000
        )
        again = caller.send("post", f"/proposals/{proposal.pk}/versions")
        assert again.status_code == 409
        versions = caller.get(f"/proposals/{proposal.pk}/versions").json()
        assert [(row["number"], row["status"]) for row in versions] == [(1, "sent"), (2, "draft")]
        detail = caller.get(f"/proposals/{proposal.pk}").json()
        assert (detail["version_count"], detail["current_version_id"]) == (2, second["id"])
        assert detail["current_totals"]["price"] == 1_100_000_150

    def test_a_draft_is_changed_rather_than_revised(self, api, lan, proposal, priced):
        response = api(lan).send("post", f"/proposals/{proposal.pk}/versions")
        assert response.status_code == 409
        assert ProposalVersion.objects.count() == 1

    def test_the_client_s_feedback_is_recorded_on_a_version_they_were_sent(
        self, api, lan, sua_viet, sent
    ):
        marketing = StakeholderFactory(client=sua_viet, full_name="Trần Thị Mai")
        caller = api(lan)
        recorded = caller.send(
            "post",
            f"/proposal-versions/{sent.pk}/feedback",
            {
                "text": "Thích ý tưởng, giảm giá 10%",
                "stakeholder_id": marketing.pk,
                "received_on": str(today()),
            },
        )
        assert recorded.status_code == 201, recorded.content
        assert recorded.json()["stakeholder"] == {"id": marketing.pk, "name": "Trần Thị Mai"}
        assert recorded.json()["recorded_by"] == person(lan)
        listed = caller.get(f"/proposal-versions/{sent.pk}/feedback").json()
        assert [row["text"] for row in listed] == ["Thích ý tưởng, giảm giá 10%"]
        summary = caller.get(f"/proposals/{sent.proposal_id}/versions").json()
        assert summary[0]["feedback_count"] == 1

    @pytest.mark.parametrize(
        "body,status,field",
        [
            ({"text": ""}, 422, None),
            ({"text": "   "}, 400, "text"),
            ({"text": "Ổn", "received_on": "hôm qua"}, 422, None),
            ({"text": "Ổn", "stakeholder_id": 999999}, 400, "stakeholder_id"),
            ({"text": "Ổn", "stakeholder_id": "other"}, 400, "stakeholder_id"),
            ({"text": "Ổn", "received_on": "tomorrow"}, 400, "received_on"),
        ],
    )
    def test_bad_feedback_is_refused(self, api, lan, hoa_sen, sent, body, status, field):
        if body.get("stakeholder_id") == "other":
            body = {**body, "stakeholder_id": StakeholderFactory(client=hoa_sen).pk}
        if body.get("received_on") == "tomorrow":
            body = {**body, "received_on": str(today() + timedelta(days=1))}
        response = api(lan).send("post", f"/proposal-versions/{sent.pk}/feedback", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Feedback.objects.exists()

    def test_there_is_no_feedback_on_a_version_the_client_was_not_sent(self, api, lan, draft):
        response = api(lan).send("post", f"/proposal-versions/{draft.pk}/feedback", {"text": "?"})
        assert response.status_code == 409
        assert not Feedback.objects.exists()


class TestDecision:
    def test_the_client_approves_the_version_they_were_sent(self, api, lan, proposal, sent):
        caller = api(lan)
        approved = caller.send("post", f"/proposals/{proposal.pk}/approve", {})
        assert approved.status_code == 200, approved.content
        body = approved.json()
        assert (body["status"], body["approved_version_id"], body["decided_on"]) == (
            "approved",
            sent.pk,
            str(today()),
        )
        assert Brief.objects.get(pk=proposal.brief_id).status == "approved"
        assert AuditEvent.objects.filter(verb="proposal.approved", actor=lan).count() == 1

    def test_approving_twice_is_409_and_the_first_decision_stands(self, api, lan, proposal, sent):
        caller = api(lan)
        yesterday = str(today() - timedelta(days=1))
        caller.send("post", f"/proposals/{proposal.pk}/approve", {"decided_on": yesterday})
        again = caller.send("post", f"/proposals/{proposal.pk}/approve", {})
        assert again.status_code == 409
        lost = caller.send("post", f"/proposals/{proposal.pk}/lose", {"reason": "Giá"})
        assert lost.status_code == 409
        proposal.refresh_from_db()
        assert (proposal.status, str(proposal.decided_on)) == ("approved", yesterday)
        assert AuditEvent.objects.filter(verb="proposal.approved").count() == 1

    def test_only_a_version_the_client_was_sent_is_approved(self, api, lan, proposal, priced):
        caller = api(lan)
        unsent = caller.send("post", f"/proposals/{proposal.pk}/approve", {"version_id": priced.pk})
        assert unsent.status_code == 409
        other = open_proposal(by=lan, client=proposal.brief.client).versions.get()
        foreign = caller.send("post", f"/proposals/{proposal.pk}/approve", {"version_id": other.pk})
        assert foreign.status_code == 400 and foreign.json()["field"] == "version_id"
        proposal.refresh_from_db()
        assert proposal.status == "open"

    def test_a_decision_is_not_dated_in_the_future(self, api, lan, proposal, sent):
        tomorrow = str(today() + timedelta(days=1))
        response = api(lan).send(
            "post", f"/proposals/{proposal.pk}/approve", {"decided_on": tomorrow}
        )
        assert response.status_code == 400 and response.json()["field"] == "decided_on"
        assert Proposal.objects.get(pk=proposal.pk).status == "open"

    def test_a_lost_proposal_says_why_and_closes_its_brief(self, api, lan, proposal):
        caller = api(lan)
        assert caller.send("post", f"/proposals/{proposal.pk}/lose", {}).status_code == 422
        lost = caller.send("post", f"/proposals/{proposal.pk}/lose", {"reason": "Đối thủ rẻ hơn"})
        assert lost.status_code == 200, lost.content
        assert (lost.json()["status"], lost.json()["lost_reason"]) == ("lost", "Đối thủ rẻ hơn")
        brief = Brief.objects.get(pk=proposal.brief_id)
        assert (brief.status, brief.closed_reason) == ("lost", "Đối thủ rẻ hơn")
        assert caller.send("post", f"/proposals/{proposal.pk}/versions").status_code == 409


# --- Pitches --------------------------------------------------------------------------------
@pytest.fixture
def marketing(sua_viet):
    return StakeholderFactory(client=sua_viet, full_name="Trần Thị Mai")


def an_hour_ago() -> str:
    return (timezone.now() - timedelta(hours=1)).isoformat()


class TestPitches:
    def test_a_kam_plans_a_pitch_and_records_how_it_went(
        self, api, lan, planner, marketing, proposal, sent
    ):
        caller = api(lan)
        response = caller.send(
            "post",
            "/pitches",
            {
                "proposal_id": proposal.pk,
                "held_at": an_hour_ago(),
                "presenter_ids": [lan.pk, planner.pk],
                "attendee_ids": [marketing.pk],
                "location": "Văn phòng Sữa Việt",
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["version_id"], body["version_number"], body["outcome"]) == (
            sent.pk,
            1,
            "pending",
        )
        assert sorted(row["id"] for row in body["presenters"]) == sorted([lan.pk, planner.pk])
        assert body["attendees"] == [{"id": marketing.pk, "name": "Trần Thị Mai"}]
        went = caller.send(
            "patch",
            f"/pitches/{body['id']}",
            {"outcome": "revise", "notes": "Khách muốn thêm KOL", "presenter_ids": [lan.pk]},
        )
        assert went.status_code == 200, went.content
        assert (went.json()["outcome"], went.json()["presenters"]) == ("revise", [person(lan)])
        assert went.json()["attendees"] == body["attendees"]
        assert ids(caller.get("/pitches", proposal_id=proposal.pk)) == [body["id"]]
        assert caller.get(f"/pitches/{body['id']}").json() == went.json()
        assert AuditEvent.objects.filter(verb="pitch.updated", actor=lan).exists()

    def test_a_pitch_still_to_come_has_no_outcome(self, api, lan, proposal):
        tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
        body = {"proposal_id": proposal.pk, "held_at": tomorrow, "presenter_ids": [lan.pk]}
        caller = api(lan)
        planned = caller.send("post", "/pitches", body)
        assert planned.status_code == 201, planned.content
        early = caller.send("patch", f"/pitches/{planned.json()['id']}", {"outcome": "positive"})
        assert early.status_code == 400 and early.json()["field"] == "outcome"
        assert Pitch.objects.get().outcome == "pending"

    def test_the_planner_of_the_brief_plans_a_pitch_too(self, api, lan, planner, proposal):
        services.create_creative_brief(by=lan, brief=proposal.brief, planner=planner)
        response = api(planner).send(
            "post",
            "/pitches",
            {"proposal_id": proposal.pk, "held_at": an_hour_ago(), "presenter_ids": [planner.pk]},
        )
        assert response.status_code == 201, response.content

    @pytest.mark.parametrize(
        "change,status,field",
        [
            ({"presenter_ids": []}, 422, None),
            ({"presenter_ids": [999999]}, 400, "presenter_ids"),
            ({"attendee_ids": ["other"]}, 400, "attendee_ids"),
            ({"held_at": "mai"}, 422, None),
            ({"held_at": "2026-01-01T10:00:00+15:00"}, 422, None),
            ({"held_at": None}, 422, None),
            ({"outcome": "great"}, 422, None),
            ({"version_id": "other"}, 400, "version_id"),
            ({"proposal_id": 999999}, 400, "proposal_id"),
        ],
    )
    def test_bad_pitches_are_refused_and_nothing_is_planned(
        self, api, lan, hoa_sen, proposal, change, status, field
    ):
        if change.get("attendee_ids") == ["other"]:
            change = {"attendee_ids": [StakeholderFactory(client=hoa_sen).pk]}
        if change.get("version_id") == "other":
            other = open_proposal(by=lan, client=proposal.brief.client)
            change = {"version_id": other.versions.get().pk}
        body = {
            "proposal_id": proposal.pk,
            "held_at": an_hour_ago(),
            "presenter_ids": [lan.pk],
            **change,
        }
        response = api(lan).send("post", "/pitches", body)
        assert response.status_code == status, response.content
        if field:
            assert response.json()["field"] == field
        assert not Pitch.objects.exists()

    def test_a_closed_proposal_is_not_pitched(self, api, lan, proposal):
        services.lose_proposal(by=lan, proposal=proposal, reason="Giá")
        response = api(lan).send(
            "post",
            "/pitches",
            {"proposal_id": proposal.pk, "held_at": an_hour_ago(), "presenter_ids": [lan.pk]},
        )
        assert response.status_code == 409
        assert not Pitch.objects.exists()

    @pytest.mark.parametrize("persona", PROPOSAL_OUTSIDERS)
    def test_an_outsider_gets_404_and_never_the_data(self, api, everyone, lan, proposal, persona):
        pitch = services.schedule_pitch(
            by=lan, proposal=proposal, held_at=timezone.now(), presenters=[lan], location="Q1"
        )
        caller = api(everyone[persona])
        assert caller.get(f"/pitches/{pitch.pk}").status_code == 404
        patched = caller.send("patch", f"/pitches/{pitch.pk}", {"location": "Q3"})
        assert patched.status_code == 404
        planned = caller.send(
            "post",
            "/pitches",
            {"proposal_id": proposal.pk, "held_at": an_hour_ago(), "presenter_ids": [lan.pk]},
        )
        assert planned.status_code == 400 and planned.json()["field"] == "proposal_id"
        assert caller.get("/pitches").json() == {"items": [], "count": 0}
        assert Pitch.objects.get().location == "Q1"

    def test_listing_pitches_takes_a_bounded_number_of_queries(
        self, api, lan, planner, django_assert_max_num_queries
    ):
        for _n in range(3):
            proposal = open_proposal(by=lan, client=ClientFactory(owner=lan))
            services.schedule_pitch(
                by=lan,
                proposal=proposal,
                held_at=timezone.now(),
                presenters=[lan, planner],
                attendees=StakeholderFactory.create_batch(2, client=proposal.brief.client),
            )
        caller = api(lan)
        with django_assert_max_num_queries(6):
            body = caller.get("/pitches").json()
        assert body["count"] == 3
        assert all(len(row["presenters"]) == 2 for row in body["items"])
        assert all(len(row["attendees"]) == 2 for row in body["items"])


def test_a_version_and_its_proposal_are_read_in_a_bounded_number_of_queries(
    api, lan, proposal, sent, django_assert_max_num_queries
):
    second = services.revise_proposal(by=lan, proposal=proposal)
    for _n in range(5):
        services.add_estimate_line(
            by=lan,
            version=second,
            kind="department",
            department=department("media"),
            description=f"Media {_n}",
            quantity=Decimal(1),
            unit_cost_amount=Decimal(10),
            unit_price_amount=Decimal(20),
        )
    caller = api(lan)
    with django_assert_max_num_queries(10):
        version = caller.get(f"/proposal-versions/{second.pk}").json()
    with django_assert_max_num_queries(8):
        detail = caller.get(f"/proposals/{proposal.pk}").json()
    assert len(version["lines"]) == 6 and len(version["changes"]) == 5
    assert [row["number"] for row in detail["versions"]] == [1, 2]
