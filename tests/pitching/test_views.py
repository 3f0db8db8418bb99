"""The pitching pages: wiring, the access policy on every page (owner, teammate, outsider, the
brief's Planner and its department member), the rules seen through the forms (three ideas,
frozen versions, the margin gate, attachments) and bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kam.pitching import services
from kam.pitching.models import (
    Brief,
    BriefAttachment,
    CreativeBrief,
    EstimateLine,
    Feedback,
    Idea,
    Pitch,
    Proposal,
    ProposalVersion,
)
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.growth.factories import OpportunityFactory
from tests.pitching.factories import (
    BriefFactory,
    IdeaFactory,
    open_proposal,
    price,
    shortlisted_brief,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def brief(sua_viet):
    return BriefFactory(client=sua_viet, title="Tết 2026: trọn vị sum vầy")


@pytest.fixture
def proposal(lan, sua_viet):
    return open_proposal(by=lan, client=sua_viet)


def url(name: str, *args) -> str:
    return reverse(f"pitching:{name}", args=args)


def page_text(response) -> str:
    return response.content.decode()


def sent_version(proposal, *, by, cost=700_000_000, amount=1_000_000_000) -> ProposalVersion:
    """The proposal's current version priced at a margin over the floor, and sent."""
    version = proposal.versions.get()
    price(version, by=by, cost=cost, price=amount)
    return services.send_version(by=by, version=version)


# --- The brief list -------------------------------------------------------------------------
class TestBriefList:
    def test_the_kam_sees_her_briefs_with_their_budget_in_bounded_queries(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        for n in range(5):
            IdeaFactory.create_batch(2, brief=BriefFactory(client=sua_viet, title=f"Brief {n}"))
        http = login(lan)
        with django_assert_max_num_queries(9):
            page = http.get(url("brief_list"))
        assert page.status_code == 200
        text = page_text(page)
        assert "Brief 4" in text and "1.500.000.000 ₫" in text
        assert [brief.idea_count for brief in page.context["page"]] == [2] * 5

    def test_query_count_does_not_grow_with_the_list(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        BriefFactory.create_batch(40, client=sua_viet)
        http = login(lan)
        with django_assert_max_num_queries(9):
            assert http.get(url("brief_list")).status_code == 200

    def test_filters_narrow_the_list_and_odd_values_are_ignored(self, login, lan, sua_viet, brief):
        other = BriefFactory(client=ClientFactory(owner=lan), title="Ra mắt sản phẩm mới")
        services.cancel_brief(by=lan, brief=other, reason="Khách hàng rút đề bài")
        http = login(lan)
        assert [b.title for b in http.get(url("brief_list")).context["page"]] == [brief.title]
        cancelled = http.get(url("brief_list"), {"status": "cancelled"}).context["page"]
        assert [b.title for b in cancelled] == ["Ra mắt sản phẩm mới"]
        by_client = http.get(url("brief_list"), {"status": "all", "client": sua_viet.pk})
        assert [b.pk for b in by_client.context["page"]] == [brief.pk]
        searched = http.get(url("brief_list"), {"status": "all", "q": "san pham"})
        assert [b.pk for b in searched.context["page"]] == [other.pk]
        odd = http.get(url("brief_list"), {"status": "nope", "client": "x", "page": "999"})
        assert odd.status_code == 200

    def test_another_teams_kam_does_not_see_the_brief(self, login, minh, brief):
        page = login(minh).get(url("brief_list"), {"status": "all"})
        assert brief.title not in page_text(page)

    def test_a_department_member_sees_the_brief_listed_without_any_budget(
        self, login, lan, creative, brief
    ):
        services.add_brief_member(by=lan, brief=brief, user=creative)
        page = login(creative).get(url("brief_list"))
        text = page_text(page)
        assert brief.title in text
        assert "₫" not in text and "Budget range" not in text
        assert page.context["can_create"] is False


# --- Recording and correcting a brief -------------------------------------------------------
def brief_form(client, **changes) -> dict:
    return {
        "client": client.pk,
        "title": "Tết 2026",
        "objectives": "Tăng nhận biết thương hiệu 20%",
        "budget_min_amount": "1500000000",
        "budget_max_amount": "2000000000",
        "deadline_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        **changes,
    }


class TestRecordingABrief:
    def test_a_kam_records_a_brief_from_the_client_page(self, login, lan, sua_viet):
        http = login(lan)
        form = http.get(url("brief_create"), {"client": sua_viet.pk})
        assert form.status_code == 200
        assert form.context["form"].initial["client"] == sua_viet
        response = http.post(url("brief_create"), brief_form(sua_viet))
        brief = Brief.objects.get()
        assert response["Location"] == url("brief_detail", brief.pk)
        assert (brief.owner, brief.received_on, brief.status) == (
            lan,
            timezone.localdate(),
            "received",
        )

    def test_a_brief_opened_from_an_opportunity_starts_on_it(self, login, lan, sua_viet):
        opportunity = OpportunityFactory(client=sua_viet, title="Tết 2026")
        http = login(lan)
        form = http.get(url("brief_create"), {"opportunity": opportunity.pk})
        initial = form.context["form"].initial
        assert (initial["client"], initial["opportunity"]) == (sua_viet, opportunity)
        http.post(url("brief_create"), brief_form(sua_viet, opportunity=opportunity.pk))
        assert Brief.objects.get().opportunity == opportunity
        detail = http.get(reverse("growth:opportunity_detail", args=[opportunity.pk]))
        assert f"{url('brief_create')}?opportunity={opportunity.pk}" in page_text(detail)

    def test_a_budget_range_upside_down_is_refused_beside_the_field(self, login, lan, sua_viet):
        response = login(lan).post(
            url("brief_create"), brief_form(sua_viet, budget_min_amount="3000000000")
        )
        assert response.status_code == 422
        assert "budget_max_amount" in response.context["form"].errors
        assert not Brief.objects.exists()

    def test_another_teams_kam_cannot_record_a_brief_on_the_client(self, login, minh, sua_viet):
        ClientFactory(owner=minh)
        response = login(minh).post(url("brief_create"), brief_form(sua_viet))
        assert response.status_code == 422 and "client" in response.context["form"].errors
        assert not Brief.objects.exists()

    def test_someone_with_no_client_to_brief_gets_404(self, login, creative):
        assert login(creative).get(url("brief_create")).status_code == 404

    def test_the_kam_corrects_the_brief_and_a_department_member_may_not(
        self, login, lan, creative, brief
    ):
        services.add_brief_member(by=lan, brief=brief, user=creative)
        data = brief_form(brief.client, received_on=brief.received_on.isoformat(), title="Mới")
        data.pop("client")
        assert login(creative).get(url("brief_edit", brief.pk)).status_code == 404
        response = login(lan).post(url("brief_edit", brief.pk), data)
        assert response.status_code == 302
        brief.refresh_from_db()
        assert brief.title == "Mới"


# --- The brief's page -----------------------------------------------------------------------
@pytest.fixture
def worked_brief(lan, planner, creative, brief):
    """A brief with its creative brief, a team member, seven ideas and reviews."""
    services.create_creative_brief(by=lan, brief=brief, planner=planner)
    services.add_brief_member(by=lan, brief=brief, user=creative)
    services.propose_budget(
        by=lan, brief=brief, amount=Decimal(1_800_000_000), rationale="TVC và KOL"
    )
    ideas = [services.add_idea(by=lan, brief=brief, title=f"Ý tưởng {n}", description="Mô tả")
             for n in range(7)]  # fmt: skip
    for n, idea in enumerate(ideas):
        services.review_idea(by=lan, idea=idea, fit=1 + n % 5, creativity=3, feasibility=4, cost=2)
        services.review_idea(by=planner, idea=idea, fit=5, creativity=4, feasibility=3, cost=3)
    return brief


class TestTheBriefPage:
    def test_the_owner_sees_the_whole_working_page_in_bounded_queries(
        self, login, lan, worked_brief, django_assert_max_num_queries
    ):
        http = login(lan)
        with django_assert_max_num_queries(16):
            page = http.get(url("brief_detail", worked_brief.pk))
        assert page.status_code == 200
        text = page_text(page)
        for section in ("brief-facts", "brief-budget", "attachments", "brief-team",
                        "creative-brief", "idea-ranking", "proposal-start"):  # fmt: skip
            assert f'data-testid="{section}"' in text
        assert "1.800.000.000 ₫" in text and "TVC và KOL" in text
        assert "Phan Thảo Vy" in text and "Hoàng Gia Bảo" in text
        rows = page.context["idea_rows"]
        assert len(rows) == 7 and all(row.review_form is not None for row in rows)
        assert rows[0].idea.title == "Ý tưởng 4"  # the best fit (5 and 5) ranks first

    def test_query_count_does_not_grow_with_the_ideas(
        self, login, lan, worked_brief, django_assert_max_num_queries
    ):
        for _ in range(20):
            idea = IdeaFactory(brief=worked_brief, author=lan)
            services.review_idea(by=lan, idea=idea, fit=3, creativity=3, feasibility=3, cost=3)
        http = login(lan)
        with django_assert_max_num_queries(16):
            assert http.get(url("brief_detail", worked_brief.pk)).status_code == 200

    def test_an_outsider_gets_404_for_the_page_and_its_actions(self, login, minh, brief):
        http = login(minh)
        assert http.get(url("brief_detail", brief.pk)).status_code == 404
        posted = http.post(url("brief_budget", brief.pk), {"amount": "1", "rationale": "x"})
        assert posted.status_code == 404
        assert http.post(url("idea_add", brief.pk), {"title": "x"}).status_code == 404
        assert http.get(url("brief_edit", brief.pk)).status_code == 404
        brief.refresh_from_db()
        assert brief.proposed_budget_amount is None

    def test_a_teammate_not_on_the_account_team_gets_404(self, login, hoa, brief):
        assert login(hoa).get(url("brief_detail", brief.pk)).status_code == 404

    def test_the_department_member_sees_the_brief_and_ideas_without_a_money_figure(
        self, login, creative, worked_brief
    ):
        page = login(creative).get(url("brief_detail", worked_brief.pk))
        assert page.status_code == 200
        text = page_text(page)
        assert "Ý tưởng 4" in text and worked_brief.objectives in text
        assert "₫" not in text and "1800000000" not in text
        assert 'data-testid="brief-budget"' not in text
        assert page.context["history"] is None  # its events carry the budgets
        assert "rough_cost_amount" not in page.context["idea_form"].fields
        # They add and score ideas, but change nothing of the brief itself.
        assert page.context["can_change"] is False and "budget_form" not in page.context

    def test_the_planner_sees_the_brief_assigned_to_them_and_not_another(
        self, login, planner, worked_brief, sua_viet
    ):
        other = BriefFactory(client=sua_viet)
        http = login(planner)
        page = http.get(url("brief_detail", worked_brief.pk))
        assert page.status_code == 200 and "1.800.000.000 ₫" in page_text(page)
        assert http.get(url("brief_detail", other.pk)).status_code == 404

    def test_the_proposed_budget_is_saved_and_one_without_a_reason_is_refused(
        self, login, lan, brief
    ):
        http = login(lan)
        refused = http.post(url("brief_budget", brief.pk), {"amount": "1800000000"})
        assert refused.status_code == 422 and "rationale" in refused.context["budget_form"].errors
        saved = http.post(
            url("brief_budget", brief.pk), {"amount": "1800000000", "rationale": "TVC + KOL"}
        )
        assert saved["Location"] == url("brief_detail", brief.pk) + "#budget"
        brief.refresh_from_db()
        assert brief.proposed_budget_amount == Decimal(1_800_000_000)

    def test_the_rubric_weights_change_and_all_zero_is_refused(self, login, lan, brief):
        lan.language = "en"
        lan.save()
        http = login(lan)
        zero = {"weight_fit": 0, "weight_creativity": 0, "weight_feasibility": 0, "weight_cost": 0}
        refused = http.post(url("brief_weights", brief.pk), zero)
        assert refused.status_code == 422
        assert "At least one weight" in page_text(refused)
        http.post(url("brief_weights", brief.pk), {**zero, "weight_cost": 100})
        brief.refresh_from_db()
        assert (brief.weight_fit, brief.weight_cost) == (0, 100)

    def test_cancelling_needs_a_reason_and_then_closes_the_brief(self, login, lan, brief):
        http = login(lan)
        refused = http.post(url("brief_cancel", brief.pk), {"reason": ""})
        assert refused.status_code == 422 and "reason" in refused.context["cancel_form"].errors
        http.post(url("brief_cancel", brief.pk), {"reason": "Khách hàng rút đề bài"})
        brief.refresh_from_db()
        assert brief.status == "cancelled"
        page = http.get(url("brief_detail", brief.pk))
        assert "Khách hàng rút đề bài" in page_text(page) and page.context["can_change"] is False

    def test_a_form_the_closed_brief_no_longer_offers_says_why_at_the_top(self, login, lan, brief):
        services.cancel_brief(by=lan, brief=brief, reason="Khách hàng rút đề bài")
        lan.language = "en"
        lan.save()
        refused = login(lan).post(url("brief_budget", brief.pk), {"amount": "1", "rationale": "x"})
        assert refused.status_code == 422
        assert "This brief is cancelled; it no longer changes." in page_text(refused)

    def test_the_team_gains_and_loses_a_member(self, login, lan, creative, brief):
        http = login(lan)
        added = http.post(url("brief_member_add", brief.pk), {"user": creative.pk})
        assert added["Location"] == url("brief_detail", brief.pk) + "#team"
        assert "Hoàng Gia Bảo" in page_text(http.get(url("brief_detail", brief.pk)))
        twice = http.post(url("brief_member_add", brief.pk), {"user": creative.pk})
        assert twice.status_code == 422  # no longer a choice
        http.post(url("brief_member_remove", brief.pk), {"user": creative.pk})
        assert login(creative).get(url("brief_detail", brief.pk)).status_code == 404

    def test_removing_someone_not_on_the_team_says_so(self, login, lan, creative, brief):
        lan.language = "en"
        lan.save()
        response = login(lan).post(
            url("brief_member_remove", brief.pk), {"user": creative.pk}, follow=True
        )
        assert response.status_code == 200
        assert [str(m) for m in response.context["messages"]] == [
            "This person is not on the brief's team."
        ]


# --- Attachments ----------------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(http, brief, name: str, content: bytes):
    return http.post(url("attachment_add", brief.pk), {"file": SimpleUploadedFile(name, content)})


class TestAttachments:
    def test_a_pdf_is_attached_listed_and_downloaded_by_the_team(
        self, login, lan, creative, brief, media
    ):
        services.add_brief_member(by=lan, brief=brief, user=creative)
        response = upload(login(lan), brief, "Đề bài Tết.pdf", PDF)
        assert response["Location"] == url("brief_detail", brief.pk) + "#attachments"
        attachment = BriefAttachment.objects.get()
        page = login(creative).get(url("brief_detail", brief.pk))
        assert "Đề bài Tết.pdf" in page_text(page)
        download = login(creative).get(url("attachment_download", attachment.pk))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%C4%90%E1%BB%81" in download["Content-Disposition"]
        assert b"".join(download.streaming_content) == PDF

    def test_a_file_of_the_wrong_type_is_refused_beside_the_form(self, login, lan, brief, media):
        lan.language = "en"
        lan.save()
        response = upload(login(lan), brief, "brief.pdf", b"MZ\x90\x00binary")
        assert response.status_code == 422
        assert "file" in response.context["attachment_form"].errors
        assert "kam accepts PDF" in page_text(response)
        assert not BriefAttachment.objects.exists() and not any(media.rglob("*.*"))

    def test_a_file_over_the_limit_is_refused_beside_the_form(
        self, login, lan, brief, media, settings
    ):
        settings.KAM_ATTACHMENT_MAX_MB = 1
        lan.language = "en"
        lan.save()
        response = upload(login(lan), brief, "big.pdf", PDF + b"0" * 1_000_001)
        assert response.status_code == 422
        assert "The file is larger than 1 MB." in page_text(response)
        assert not BriefAttachment.objects.exists()

    def test_the_kam_removes_a_file_and_an_outsider_cannot_reach_it(
        self, login, lan, minh, brief, media
    ):
        attachment = services.attach_file(by=lan, brief=brief, name="brief.pdf", content=PDF)
        http = login(minh)
        assert http.get(url("attachment_download", attachment.pk)).status_code == 404
        assert http.post(url("attachment_remove", attachment.pk)).status_code == 404
        removed = login(lan).post(url("attachment_remove", attachment.pk))
        assert removed.status_code == 302 and not BriefAttachment.objects.exists()

    def test_a_file_gone_from_the_storage_is_a_404_not_an_error(self, login, lan, brief, media):
        attachment = services.attach_file(by=lan, brief=brief, name="brief.pdf", content=PDF)
        (media / attachment.file.name).unlink()
        assert login(lan).get(url("attachment_download", attachment.pk)).status_code == 404


# --- The creative brief ---------------------------------------------------------------------
class TestTheCreativeBrief:
    def test_the_kam_hands_the_brief_to_a_planner_with_its_fields_prefilled(
        self, login, lan, planner, brief
    ):
        http = login(lan)
        form = http.get(url("brief_detail", brief.pk)).context["creative_form"]
        assert form.initial["problem"] == brief.objectives
        assert list(form.fields["planner"].queryset) == [planner]
        response = http.post(
            url("creative_brief_create", brief.pk),
            {"planner": planner.pk, "problem": brief.objectives, "insight": "Tết là sum vầy"},
        )
        assert response["Location"] == url("brief_detail", brief.pk) + "#creative"
        creative = CreativeBrief.objects.get()
        assert (creative.planner, creative.insight) == (planner, "Tết là sum vầy")
        brief.refresh_from_db()
        assert brief.status == "planning"

    def test_where_the_agency_has_no_planner_the_kam_takes_it(self, login, lan, brief):
        lan.language = "en"
        lan.save()
        page = login(lan).get(url("brief_detail", brief.pk))
        assert "The agency has no Planner" in page_text(page)
        assert list(page.context["creative_form"].fields["planner"].queryset) == [lan]
        login(lan).post(
            url("creative_brief_create", brief.pk), {"planner": lan.pk, "problem": "Vấn đề"}
        )
        assert CreativeBrief.objects.get().planner == lan

    def test_a_creative_brief_without_its_problem_is_refused_beside_the_form(
        self, login, lan, planner, brief
    ):
        response = login(lan).post(
            url("creative_brief_create", brief.pk), {"planner": planner.pk, "problem": ""}
        )
        assert response.status_code == 422
        assert "problem" in response.context["creative_form"].errors
        assert not CreativeBrief.objects.exists()

    def test_the_planner_writes_it_and_marks_it_ready(self, login, lan, planner, brief):
        creative = services.create_creative_brief(by=lan, brief=brief, planner=planner)
        http = login(planner)
        form = http.get(url("creative_brief_edit", creative.pk))
        assert form.status_code == 200 and "planner" not in form.context["form"].fields
        edited = http.post(
            url("creative_brief_edit", creative.pk),
            {"problem": "Gia đình trẻ xa quê", "proposition": "Tết ở đâu cũng là nhà"},
        )
        assert edited.status_code == 302
        http.post(url("creative_brief_ready", creative.pk))
        creative.refresh_from_db()
        assert (creative.proposition, creative.status) == ("Tết ở đâu cũng là nhà", "ready")

    def test_an_outsider_cannot_edit_the_creative_brief(self, login, lan, minh, planner, brief):
        creative = services.create_creative_brief(by=lan, brief=brief, planner=planner)
        assert login(minh).get(url("creative_brief_edit", creative.pk)).status_code == 404
        assert login(minh).post(url("creative_brief_ready", creative.pk)).status_code == 404


# --- Ideas and the internal review ----------------------------------------------------------
class TestIdeasAndTheReview:
    def test_a_department_member_adds_an_idea_and_scores_it(self, login, lan, creative, brief):
        services.add_brief_member(by=lan, brief=brief, user=creative)
        http = login(creative)
        added = http.post(
            url("idea_add", brief.pk),
            {"title": "Bữa cơm ba thế hệ", "description": "Phim ngắn", "rough_cost_amount": "9"},
        )
        assert added["Location"] == url("brief_detail", brief.pk) + "#ideas"
        idea = Idea.objects.get()
        assert (idea.author, idea.rough_cost_amount) == (creative, 0)  # they do not price
        prefix = f"review-{idea.pk}"
        scored = http.post(
            url("idea_review", idea.pk),
            {f"{prefix}-fit": 5, f"{prefix}-creativity": 4, f"{prefix}-feasibility": 3,
             f"{prefix}-cost": 2, f"{prefix}-comment": "Cảm động"},
        )  # fmt: skip
        assert scored["Location"] == url("brief_detail", brief.pk) + f"#idea-{idea.pk}"
        row = http.get(url("brief_detail", brief.pk)).context["idea_rows"][0]
        assert (row.idea.review_count, row.review.comment) == (1, "Cảm động")
        assert row.review_form.initial["fit"] == 5

    def test_a_score_outside_1_to_5_is_refused_beside_the_form(self, login, lan, brief):
        idea = IdeaFactory(brief=brief)
        prefix = f"review-{idea.pk}"
        response = login(lan).post(
            url("idea_review", idea.pk),
            {f"{prefix}-fit": 9, f"{prefix}-creativity": 4, f"{prefix}-feasibility": 3,
             f"{prefix}-cost": 0},
        )  # fmt: skip
        assert response.status_code == 422
        form = response.context["idea_rows"][0].review_form
        assert set(form.errors) == {"fit", "cost"}
        assert not idea.reviews.exists()

    def test_an_idea_without_a_description_is_refused_beside_the_form(self, login, lan, brief):
        response = login(lan).post(url("idea_add", brief.pk), {"title": "Chỉ có tên"})
        assert response.status_code == 422
        assert "description" in response.context["idea_form"].errors

    def test_shortlisting_with_htmx_brings_back_the_ideas_section(self, login, lan, brief):
        idea = IdeaFactory(brief=brief)
        response = login(lan).post(
            url("idea_shortlist", idea.pk), HTTP_HX_REQUEST="true", follow=True
        )
        text = page_text(response)
        assert response.status_code == 200
        assert 'id="ideas"' in text and "<html" not in text
        assert "is on the shortlist" in text or "danh sách chọn" in text
        idea.refresh_from_db()
        assert idea.is_shortlisted
        dropped = login(lan).post(url("idea_unshortlist", idea.pk))
        assert dropped["Location"] == url("brief_detail", brief.pk) + "#ideas"
        idea.refresh_from_db()
        assert not idea.is_shortlisted

    def test_shortlisting_twice_says_so(self, login, lan, brief):
        idea = IdeaFactory(brief=brief, is_shortlisted=True)
        lan.language = "en"
        lan.save()
        response = login(lan).post(url("idea_shortlist", idea.pk), follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert messages == ["This idea is on the shortlist already."]

    def test_a_department_member_may_not_shortlist(self, login, lan, creative, brief):
        services.add_brief_member(by=lan, brief=brief, user=creative)
        idea = IdeaFactory(brief=brief)
        assert login(creative).post(url("idea_shortlist", idea.pk)).status_code == 404
        idea.refresh_from_db()
        assert not idea.is_shortlisted

    def test_its_author_sharpens_an_idea_and_another_member_may_not(
        self, login, lan, creative, planner, brief
    ):
        services.add_brief_member(by=lan, brief=brief, user=creative)
        services.add_brief_member(by=lan, brief=brief, user=planner)
        idea = services.add_idea(by=creative, brief=brief, title="Cũ", description="Mô tả")
        assert login(planner).get(url("idea_edit", idea.pk)).status_code == 404
        http = login(creative)
        assert "rough_cost_amount" not in http.get(url("idea_edit", idea.pk)).context["form"].fields
        http.post(url("idea_edit", idea.pk), {"title": "Mới", "description": "Mô tả mới"})
        idea.refresh_from_db()
        assert idea.title == "Mới"


# --- The rule of three ideas ----------------------------------------------------------------
class TestTheThreeIdeaRule:
    def test_with_two_shortlisted_ideas_the_page_says_why_and_the_post_is_refused(
        self, login, lan, sua_viet
    ):
        brief = shortlisted_brief(client=sua_viet, shortlisted=2)
        lan.language = "en"
        lan.save()
        http = login(lan)
        page = page_text(http.get(url("brief_detail", brief.pk)))
        assert "at least 3 shortlisted ideas; this brief has 2" in page
        assert 'disabled aria-disabled="true">Create the proposal' in page
        refused = http.post(url("proposal_create", brief.pk), {"title": ""})
        assert refused.status_code == 422
        assert "at least 3 shortlisted ideas; this brief has 2" in page_text(refused)
        assert not Proposal.objects.exists()

    def test_with_three_shortlisted_ideas_the_proposal_is_started_on_them(
        self, login, lan, sua_viet
    ):
        brief = shortlisted_brief(client=sua_viet)
        response = login(lan).post(url("proposal_create", brief.pk), {"title": "Đề xuất Tết"})
        proposal = Proposal.objects.get()
        assert response["Location"] == url("proposal_detail", proposal.pk)
        assert proposal.title == "Đề xuất Tết"
        assert proposal.versions.get().ideas.count() == 3
        page = login(lan).get(url("brief_detail", brief.pk))
        assert url("proposal_detail", proposal.pk) in page_text(page)

    def test_an_outsider_cannot_start_the_proposal(self, login, minh, sua_viet):
        brief = shortlisted_brief(client=sua_viet)
        assert login(minh).post(url("proposal_create", brief.pk)).status_code == 404
        assert not Proposal.objects.exists()


# --- The proposal list ----------------------------------------------------------------------
class TestProposalList:
    def test_the_list_shows_each_current_total_and_margin_in_bounded_queries(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        for n in range(6):
            proposal = open_proposal(by=lan, client=sua_viet)
            price(proposal.versions.get(), by=lan, cost=600 + n * 100, price=1000)
        http = login(lan)
        with django_assert_max_num_queries(7):
            page = http.get(url("proposal_list"))
        assert page.status_code == 200
        text = page_text(page)
        assert "1.100 ₫" in text  # 1.000 ₫ of lines and 10% VAT
        assert "40,0%" in text or "40.0%" in text
        assert text.count("⚠") == 3  # margins of 10%, 0% and -10%, under the 20% floor

    def test_query_count_does_not_grow_with_the_list(
        self, login, lan, sua_viet, django_assert_max_num_queries
    ):
        for _ in range(15):
            open_proposal(by=lan, client=sua_viet)
        http = login(lan)
        with django_assert_max_num_queries(7):
            assert http.get(url("proposal_list"), {"status": "all"}).status_code == 200

    def test_a_department_member_gets_404_and_an_outsider_an_empty_list(
        self, login, lan, minh, creative, proposal
    ):
        services.add_brief_member(by=lan, brief=proposal.brief, user=creative)
        assert login(creative).get(url("proposal_list")).status_code == 404
        assert proposal.title not in page_text(login(minh).get(url("proposal_list")))


# --- The proposal's page --------------------------------------------------------------------
@pytest.fixture
def revised(lan, planner, proposal):
    """Version 1 sent with feedback and a pitch, version 2 started with a line changed."""
    first = sent_version(proposal, by=lan)
    stakeholder = StakeholderFactory(client=proposal.brief.client, full_name="Trần Thị Mai")
    services.record_feedback(
        by=lan, version=first, text="Giảm chi phí sản xuất", stakeholder=stakeholder
    )
    services.schedule_pitch(
        by=lan,
        proposal=proposal,
        held_at=timezone.now() - timedelta(days=1),
        presenters=[lan],
        attendees=[stakeholder],
        location="Văn phòng Sữa Việt",
    )
    second = services.revise_proposal(by=lan, proposal=proposal)
    line = second.lines.get()
    services.update_estimate_line(by=lan, line=line, unit_price_amount=Decimal(900_000_000))
    return proposal


class TestTheProposalPage:
    def test_the_page_shows_brief_shortlist_estimate_and_history_in_bounded_queries(
        self, login, lan, revised, django_assert_max_num_queries
    ):
        http = login(lan)
        with django_assert_max_num_queries(20):
            page = http.get(url("proposal_detail", revised.pk))
        assert page.status_code == 200
        text = page_text(page)
        assert page.context["version"].number == 2
        for section in ("shortlist", "estimate", "totals", "pitches", "version-1", "version-2"):
            assert f'data-testid="{section}"' in text
        assert "900.000.000 ₫" in text and "Giảm chi phí sản xuất" in text
        assert "Trần Thị Mai" in text and "Văn phòng Sữa Việt" in text
        assert url("version_estimate_xlsx", page.context["version"].pk) in text
        assert url("version_summary_pdf", page.context["version"].pk) in text
        second = page.context["versions"][1]
        assert [change.change for change in second.changes] == ["changed"]
        assert second.totals.price == Decimal(900_000_000)

    def test_query_count_does_not_grow_with_the_versions(
        self, login, lan, revised, django_assert_max_num_queries
    ):
        for round_ in range(3):
            version = revised.versions.order_by("-number").first()
            for n in range(4):
                price(version, by=lan, cost=100 + n, price=1000 + n)
            services.send_version(by=lan, version=version)
            services.record_feedback(by=lan, version=version, text=f"Vòng {round_}")
            services.revise_proposal(by=lan, proposal=revised)
        http = login(lan)
        with django_assert_max_num_queries(20):
            page = http.get(url("proposal_detail", revised.pk))
        assert len(page.context["versions"]) == 5

    def test_an_earlier_version_is_shown_on_asking(self, login, lan, revised):
        page = login(lan).get(url("proposal_detail", revised.pk), {"version": 1})
        assert page.context["version"].number == 1
        assert "line_form" not in page.context  # a sent version takes no lines
        odd = login(lan).get(url("proposal_detail", revised.pk), {"version": "x"})
        assert odd.status_code == 200 and odd.context["version"].number == 2

    def test_an_outsider_and_a_department_member_get_404(
        self, login, lan, minh, creative, proposal
    ):
        services.add_brief_member(by=lan, brief=proposal.brief, user=creative)
        version = proposal.versions.get()
        for person in (minh, creative):
            http = login(person)
            assert http.get(url("proposal_detail", proposal.pk)).status_code == 404
            assert http.post(url("version_send", version.pk)).status_code == 404
            assert http.get(url("version_edit", version.pk)).status_code == 404
        assert login(creative).get(url("brief_detail", proposal.brief_id)).status_code == 200

    def test_the_planner_of_the_brief_sees_the_proposal(self, login, lan, planner, proposal):
        services.create_creative_brief(by=lan, brief=proposal.brief, planner=planner)
        page = login(planner).get(url("proposal_detail", proposal.pk))
        assert page.status_code == 200 and page.context["can_change"] is False
        assert page.context["can_present"] is True

    def test_lines_are_added_changed_and_removed_on_the_draft(
        self, login, lan, proposal, creative_department
    ):
        version = proposal.versions.get()
        http = login(lan)
        added = http.post(
            url("line_add", version.pk),
            {"kind": "department", "department": creative_department.pk,
             "description": "Ý tưởng và kịch bản", "quantity": "2",
             "unit_cost_amount": "50000000", "unit_price_amount": "80000000"},
        )  # fmt: skip
        assert added.status_code == 302
        line = EstimateLine.objects.get()
        assert (line.cost_amount, line.price_amount, line.position) == (100_000_000, 160_000_000, 1)
        edited = http.post(
            url("line_edit", line.pk),
            {"kind": "department", "department": creative_department.pk,
             "description": "Ý tưởng và kịch bản", "quantity": "3",
             "unit_cost_amount": "50000000", "unit_price_amount": "80000000", "position": "1"},
        )  # fmt: skip
        assert edited.status_code == 302
        line.refresh_from_db()
        assert line.price_amount == 240_000_000
        http.post(url("line_remove", line.pk))
        assert not EstimateLine.objects.exists()

    def test_a_department_line_without_its_department_is_refused_beside_the_form(
        self, login, lan, proposal
    ):
        version = proposal.versions.get()
        response = login(lan).post(
            url("line_add", version.pk),
            {"kind": "department", "description": "Kịch bản", "quantity": "1",
             "unit_cost_amount": "1", "unit_price_amount": "2"},
        )  # fmt: skip
        assert response.status_code == 422
        assert "department" in response.context["line_form"].errors

    def test_editing_a_line_of_a_sent_version_says_it_is_frozen_and_changes_nothing(
        self, login, lan, proposal
    ):
        version = sent_version(proposal, by=lan)
        line = version.lines.get()
        lan.language = "en"
        lan.save()
        http = login(lan)
        response = http.post(
            url("line_edit", line.pk),
            {"kind": "production", "description": "Rẻ hơn", "quantity": "1",
             "unit_cost_amount": "1", "unit_price_amount": "1", "position": "1"},
        )  # fmt: skip
        assert response.status_code == 422
        assert "Version 1 is sent to the client and frozen" in page_text(response)
        line.refresh_from_db()
        assert (line.description, line.price_amount) == ("Sản xuất TVC 30 giây", 1_000_000_000)
        removed = http.post(url("line_remove", line.pk), follow=True)
        assert "frozen" in page_text(removed) and EstimateLine.objects.count() == 1
        added = http.post(
            url("line_add", version.pk),
            {"kind": "production", "description": "Thêm", "quantity": "1",
             "unit_cost_amount": "1", "unit_price_amount": "1"},
        )  # fmt: skip
        assert added.status_code == 422 and "frozen" in page_text(added)
        assert EstimateLine.objects.count() == 1

    def test_editing_a_sent_version_says_it_is_frozen(self, login, lan, proposal):
        version = sent_version(proposal, by=lan)
        response = login(lan).post(
            url("version_edit", version.pk),
            {"narrative": "Viết lại", "agency_fee_percent": "10", "vat_percent": "8",
             "ideas": list(version.ideas.values_list("pk", flat=True))},
        )  # fmt: skip
        assert response.status_code == 422
        assert response.context["form"].non_field_errors()
        version.refresh_from_db()
        assert version.narrative == ""

    def test_the_draft_version_is_written_with_its_fee_vat_and_ideas(self, login, lan, proposal):
        version = proposal.versions.get()
        one_idea = version.ideas.order_by("pk").first()
        http = login(lan)
        form = http.get(url("version_edit", version.pk)).context["form"]
        assert len(form.initial["ideas"]) == 3
        response = http.post(
            url("version_edit", version.pk),
            {"narrative": "Tết sum vầy", "agency_fee_percent": "10", "vat_percent": "8",
             "ideas": [one_idea.pk]},
        )  # fmt: skip
        assert response.status_code == 302
        version.refresh_from_db()
        assert (version.narrative, version.vat_percent) == ("Tết sum vầy", Decimal(8))
        assert list(version.ideas.all()) == [one_idea]


class TestTheMarginGate:
    def test_a_margin_under_the_floor_is_sent_only_after_the_directors_approval(
        self, login, lan, director, proposal
    ):
        version = proposal.versions.get()
        price(version, by=lan, cost=900_000_000, price=1_000_000_000)  # 10% against 20%
        lan.language = "en"
        lan.save()
        http = login(lan)
        page = http.get(url("proposal_detail", proposal.pk))
        assert page.context["under_floor"] is True
        assert 'data-testid="under-floor"' in page_text(page)
        refused = http.post(url("version_send", version.pk), follow=True)
        assert "under the floor of 20%" in page_text(refused)
        version.refresh_from_db()
        assert version.status == "draft"
        http.post(url("version_request_approval", version.pk))
        version.refresh_from_db()
        assert version.status == "awaiting"
        # The KAM cannot approve her own exception.
        assert http.post(url("version_approve_margin", version.pk)).status_code == 404
        boss = login(director)
        asked = boss.get(url("proposal_detail", proposal.pk))
        assert asked.context["can_decide_margin"] is True
        boss.post(url("version_approve_margin", version.pk), {"note": "Khách hàng chiến lược"})
        version.refresh_from_db()
        assert (version.status, version.margin_approved_by) == ("cleared", director)
        login(lan).post(url("version_send", version.pk))
        version.refresh_from_db()
        assert version.status == "sent"

    def test_the_director_declines_with_a_note_and_the_version_goes_back_to_draft(
        self, login, lan, director, director2, proposal
    ):
        version = proposal.versions.get()
        price(version, by=lan, cost=900_000_000, price=1_000_000_000)
        services.request_margin_approval(by=lan, version=version)
        assert login(director2).post(url("version_decline_margin", version.pk)).status_code == 404
        http = login(director)
        refused = http.post(url("version_decline_margin", version.pk), {"note": ""})
        assert refused.status_code == 422 and "note" in refused.context["margin_form"].errors
        http.post(url("version_decline_margin", version.pk), {"note": "Tăng phí lên 15%"})
        version.refresh_from_db()
        assert (version.status, version.margin_approval_note) == ("draft", "Tăng phí lên 15%")
        page = login(lan).get(url("proposal_detail", proposal.pk))
        assert "Tăng phí lên 15%" in page_text(page)


class TestFeedbackRevisionsAndPitches:
    def test_feedback_is_recorded_on_a_sent_version_and_revising_starts_the_next(
        self, login, lan, proposal
    ):
        version = sent_version(proposal, by=lan)
        stakeholder = StakeholderFactory(client=proposal.brief.client)
        http = login(lan)
        refused = http.post(url("version_feedback", version.pk), {"text": ""})
        assert refused.status_code == 422 and "text" in refused.context["feedback_form"].errors
        http.post(
            url("version_feedback", version.pk),
            {"text": "Thích ý tưởng 1", "stakeholder": stakeholder.pk},
        )
        assert Feedback.objects.get().stakeholder == stakeholder
        revised = http.post(url("proposal_revise", proposal.pk))
        assert revised.status_code == 302
        assert proposal.versions.count() == 2
        again = http.post(url("proposal_revise", proposal.pk), follow=True)
        assert "not sent yet" in page_text(again) or "chưa" in page_text(again)
        assert proposal.versions.count() == 2

    def test_a_pitch_is_planned_and_its_outcome_recorded(self, login, lan, planner, proposal):
        services.create_creative_brief(by=lan, brief=proposal.brief, planner=planner)
        stakeholder = StakeholderFactory(client=proposal.brief.client)
        http = login(planner)
        form = http.get(url("pitch_create", proposal.pk))
        assert form.status_code == 200
        assert set(form.context["form"].fields["presenters"].queryset) >= {lan, planner}
        when = timezone.localtime() - timedelta(hours=2)
        planned = http.post(
            url("pitch_create", proposal.pk),
            {"held_at": when.strftime("%Y-%m-%dT%H:%M"), "location": "Văn phòng khách hàng",
             "presenters": [lan.pk, planner.pk], "attendees": [stakeholder.pk],
             "outcome": "pending"},
        )  # fmt: skip
        assert planned["Location"] == url("proposal_detail", proposal.pk) + "#pitches"
        pitch = Pitch.objects.get()
        recorded = http.post(
            url("pitch_edit", pitch.pk),
            {"held_at": when.strftime("%Y-%m-%dT%H:%M"), "location": "Văn phòng khách hàng",
             "presenters": [lan.pk, planner.pk], "attendees": [stakeholder.pk],
             "outcome": "revise", "notes": "Khách muốn giảm chi phí"},
        )  # fmt: skip
        assert recorded.status_code == 302
        pitch.refresh_from_db()
        assert (pitch.outcome, set(pitch.presenters.all())) == ("revise", {lan, planner})

    def test_an_outcome_for_a_pitch_still_to_come_is_refused_beside_the_field(
        self, login, lan, proposal
    ):
        later = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        response = login(lan).post(
            url("pitch_create", proposal.pk),
            {"held_at": later, "presenters": [lan.pk], "outcome": "positive"},
        )
        assert response.status_code == 422 and "outcome" in response.context["form"].errors
        assert not Pitch.objects.exists()

    def test_an_outsider_cannot_plan_or_edit_a_pitch(self, login, lan, minh, proposal):
        pitch = services.schedule_pitch(
            by=lan, proposal=proposal, held_at=timezone.now(), presenters=[lan]
        )
        assert login(minh).get(url("pitch_create", proposal.pk)).status_code == 404
        assert login(minh).get(url("pitch_edit", pitch.pk)).status_code == 404


class TestTheDecision:
    def test_approval_shows_the_hand_off_to_the_contract_and_the_project(
        self, login, lan, proposal
    ):
        version = sent_version(proposal, by=lan)
        lan.language = "en"
        lan.save()
        http = login(lan)
        response = http.post(url("proposal_approve", proposal.pk), {"version": version.pk})
        assert response["Location"] == url("proposal_detail", proposal.pk) + "#decision"
        proposal.refresh_from_db()
        assert (proposal.status, proposal.approved_version) == ("approved", version)
        page = page_text(http.get(url("proposal_detail", proposal.pk)))
        assert 'data-testid="handoff"' in page
        assert "Approved version 1 is where the contract and the project's budget start" in page
        assert "line_form" not in http.get(url("proposal_detail", proposal.pk)).context

    def test_approving_twice_says_so_and_changes_nothing(self, login, lan, proposal):
        version = sent_version(proposal, by=lan)
        services.approve_proposal(by=lan, proposal=proposal)
        lan.language = "en"
        lan.save()
        response = login(lan).post(url("proposal_approve", proposal.pk), {"version": version.pk})
        assert response.status_code == 422
        assert "This proposal is approved; it no longer changes." in page_text(response)

    def test_approving_before_anything_was_sent_is_refused_with_the_reason(
        self, login, lan, proposal
    ):
        lan.language = "en"
        lan.save()
        response = login(lan).post(url("proposal_approve", proposal.pk), {})
        assert response.status_code == 422
        assert "send one first" in page_text(response)
        proposal.refresh_from_db()
        assert proposal.status == "open"

    def test_losing_needs_a_reason_and_then_closes_the_brief(self, login, lan, proposal):
        http = login(lan)
        refused = http.post(url("proposal_lose", proposal.pk), {"reason": ""})
        assert refused.status_code == 422 and "reason" in refused.context["lose_form"].errors
        http.post(url("proposal_lose", proposal.pk), {"reason": "Giá cao hơn đối thủ"})
        proposal.refresh_from_db()
        assert proposal.status == "lost" and proposal.brief.status == "lost"
        assert "Giá cao hơn đối thủ" in page_text(http.get(url("proposal_detail", proposal.pk)))


# --- The client page's panel ----------------------------------------------------------------
class TestTheClientPanel:
    def test_the_client_page_loads_its_briefs_with_a_new_brief_link(
        self, login, lan, sua_viet, proposal, django_assert_max_num_queries
    ):
        http = login(lan)
        page = http.get(reverse("clients:client_detail", args=[sua_viet.pk]))
        assert url("client_panel", sua_viet.pk) in page_text(page)
        with django_assert_max_num_queries(6):
            panel = http.get(url("client_panel", sua_viet.pk))
        text = page_text(panel)
        assert proposal.brief.title in text
        assert url("proposal_detail", proposal.pk) in text
        assert f"{url('brief_create')}?client={sua_viet.pk}" in text

    def test_a_reader_of_the_client_gets_no_new_brief_link_and_an_outsider_404(
        self, login, lan, minh, sales, sua_viet, brief
    ):
        assert login(minh).get(url("client_panel", sua_viet.pk)).status_code == 404
        from kam.clients import services as client_services

        client_services.add_team_member(by=lan, client=sua_viet, user=sales, role="sales")
        panel = login(sales).get(url("client_panel", sua_viet.pk))
        assert panel.status_code == 200 and panel.context["can_create"] is False
