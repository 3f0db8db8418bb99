"""The rules of pitching, through its services on a real database: briefs and their team, the
creative brief, ideas and the review, the 3-idea rule, versions and their freezing, the margin
gate, feedback, pitches and the decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone

from kam.clients.models import Client
from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.growth.models import Opportunity
from kam.pitching import queries, services
from kam.pitching.models import Brief, BriefAttachment, EstimateLine, Proposal, ProposalVersion
from kam.pitching.permissions import can_see_money_of
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

PDF = b"%PDF-1.4\n% brief\n"


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty CP Sữa Việt", owner=lan)


@pytest.fixture
def brief(sua_viet):
    return BriefFactory(client=sua_viet)


@pytest.fixture
def proposal(lan, sua_viet):
    return open_proposal(by=lan, client=sua_viet)


def first_version(proposal: Proposal) -> ProposalVersion:
    return proposal.versions.get(number=1)


def sent_version(proposal, lan, *, cost=780, price_amount=1000):
    version = first_version(proposal)
    price(version, by=lan, cost=cost, price=price_amount)
    return services.send_version(by=lan, version=version)


# --- Briefs ---------------------------------------------------------------------------------
def test_a_kam_records_a_brief_on_her_client_and_is_its_kam(lan, sua_viet):
    brief = services.create_brief(
        by=lan,
        client=sua_viet,
        title="Tết 2027",
        objectives="Tăng doanh số Tết",
        budget_min_amount=Decimal(1_500_000_000),
        budget_max_amount=Decimal(2_000_000_000),
    )
    assert brief.owner == lan
    assert brief.status == Brief.Status.RECEIVED
    assert brief.received_on == timezone.localdate()
    assert AuditEvent.objects.filter(verb="brief.created", subject_id=str(brief.pk)).exists()


def test_a_kam_of_another_team_cannot_record_a_brief_on_the_client(minh, sua_viet):
    with pytest.raises(Http404):
        services.create_brief(by=minh, client=sua_viet, title="X", objectives="Y")


def test_a_brief_refuses_a_budget_range_upside_down(lan, sua_viet):
    with pytest.raises(DomainError) as refused:
        services.create_brief(
            by=lan,
            client=sua_viet,
            title="Tết",
            objectives="Y",
            budget_min_amount=Decimal(2_000),
            budget_max_amount=Decimal(1_000),
        )
    assert refused.value.field == "budget_max_amount"
    assert not Brief.objects.exists()


def test_a_brief_on_another_clients_opportunity_is_refused(lan, sua_viet):
    other = OpportunityFactory(client=ClientFactory(owner=lan))
    with pytest.raises(DomainError):
        services.create_brief(
            by=lan, client=sua_viet, opportunity=other, title="Tết", objectives="Y"
        )


def test_a_lost_client_takes_no_brief(lan, sua_viet):
    Client.objects.filter(pk=sua_viet.pk).update(status=Client.Status.LOST)
    sua_viet.refresh_from_db()
    with pytest.raises(DomainError):
        services.create_brief(by=lan, client=sua_viet, title="Tết", objectives="Y")


def test_the_proposed_budget_needs_a_rationale_and_cannot_be_negative(lan, brief):
    with pytest.raises(DomainError):
        services.propose_budget(by=lan, brief=brief, amount=Decimal(-1), rationale="vì")
    with pytest.raises(DomainError):
        services.propose_budget(by=lan, brief=brief, amount=Decimal(1), rationale=" ")
    services.propose_budget(
        by=lan, brief=brief, amount=Decimal(1_900_000_000), rationale="TVC + KOL đủ phủ Tết"
    )
    brief.refresh_from_db()
    assert brief.proposed_budget_amount == Decimal(1_900_000_000)


def test_review_weights_stay_within_0_to_100_and_one_is_above_0(lan, brief):
    with pytest.raises(DomainError):
        services.set_review_weights(by=lan, brief=brief, weight_fit=101)
    with pytest.raises(DomainError):
        services.set_review_weights(
            by=lan,
            brief=brief,
            weight_fit=0,
            weight_creativity=0,
            weight_feasibility=0,
            weight_cost=0,
        )
    services.set_review_weights(by=lan, brief=brief, weight_cost=60)
    brief.refresh_from_db()
    assert brief.weight_cost == 60


def test_a_cancelled_brief_no_longer_changes(lan, brief):
    with pytest.raises(DomainError):
        services.cancel_brief(by=lan, brief=brief, reason="")
    services.cancel_brief(by=lan, brief=brief, reason="Khách hoãn chiến dịch")
    with pytest.raises(InvalidTransition):
        services.update_brief(by=lan, brief=brief, title="Mới")


def test_a_brief_with_a_proposal_is_not_cancelled_but_decided(lan, proposal):
    with pytest.raises(InvalidTransition):
        services.cancel_brief(by=lan, brief=proposal.brief, reason="Thôi")


# --- The brief's team and who sees the money ------------------------------------------------
def test_a_department_member_brought_onto_a_brief_sees_it_but_not_its_money(lan, creative, brief):
    assert not queries.briefs_visible_to(creative).filter(pk=brief.pk).exists()
    services.add_brief_member(by=lan, brief=brief, user=creative)
    assert queries.briefs_visible_to(creative).filter(pk=brief.pk).exists()
    assert not can_see_money_of(creative, brief)
    assert can_see_money_of(lan, brief)


def test_a_person_is_on_a_brief_once(lan, creative, brief):
    services.add_brief_member(by=lan, brief=brief, user=creative)
    with pytest.raises(DomainError):
        services.add_brief_member(by=lan, brief=brief, user=creative)
    services.remove_brief_member(by=lan, brief=brief, user=creative)
    assert not queries.briefs_visible_to(creative).filter(pk=brief.pk).exists()


# --- Attachments ----------------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_pdf_is_attached_under_a_name_kam_makes_up(lan, brief, media):
    attachment = services.attach_file(by=lan, brief=brief, name="../Đề bài Tết.pdf", content=PDF)
    assert attachment.name == "Đề bài Tết.pdf"
    assert attachment.kind == "pdf"
    assert "Tết" not in attachment.file.name
    assert (media / attachment.file.name).read_bytes() == PDF


def test_a_file_whose_bytes_are_not_what_its_name_says_is_refused(lan, brief, media):
    with pytest.raises(DomainError):
        services.attach_file(by=lan, brief=brief, name="brief.pdf", content=b"MZ\x90\x00binary")
    with pytest.raises(DomainError):
        services.attach_file(by=lan, brief=brief, name="brief.docx", content=PDF)
    assert not BriefAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(lan, brief, media, settings):
    settings.KAM_ATTACHMENT_MAX_MB = 1
    with pytest.raises(DomainError) as refused:
        services.attach_file(by=lan, brief=brief, name="big.pdf", content=PDF + b"0" * 1_000_001)
    assert "1 MB" in refused.value.message
    assert not BriefAttachment.objects.exists()


def test_removing_an_attachment_removes_its_bytes_once_committed(
    lan, brief, media, django_capture_on_commit_callbacks
):
    attachment = services.attach_file(by=lan, brief=brief, name="a.pdf", content=PDF)
    stored = media / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(by=lan, attachment=attachment)
    assert not stored.exists()


# --- The creative brief ---------------------------------------------------------------------
def test_the_creative_brief_starts_from_the_client_brief(lan, planner, brief):
    creative = services.create_creative_brief(by=lan, brief=brief, planner=planner)
    assert creative.problem == brief.objectives
    assert creative.target_audience == brief.target_audience
    assert creative.mandatories == brief.mandatories
    brief.refresh_from_db()
    assert brief.status == Brief.Status.PLANNING
    assert queries.briefs_visible_to(planner).filter(pk=brief.pk).exists()
    assert can_see_money_of(planner, brief)


def test_a_creative_brief_goes_to_a_planner_when_the_agency_has_one(lan, hoa, planner, brief):
    with pytest.raises(DomainError):
        services.create_creative_brief(by=lan, brief=brief, planner=hoa)


def test_without_a_planner_the_kam_takes_the_creative_brief(lan, brief):
    creative = services.create_creative_brief(by=lan, brief=brief, planner=lan)
    assert creative.planner == lan


def test_a_brief_has_one_creative_brief(lan, planner, brief):
    services.create_creative_brief(by=lan, brief=brief, planner=planner)
    with pytest.raises(InvalidTransition):
        services.create_creative_brief(by=lan, brief=brief, planner=planner)


def test_the_planner_writes_the_creative_brief_and_marks_it_ready(lan, planner, brief):
    creative = services.create_creative_brief(by=lan, brief=brief, planner=planner)
    services.update_creative_brief(by=planner, creative=creative, insight="Tết là về nhà")
    services.mark_creative_brief_ready(by=planner, creative=creative)
    creative.refresh_from_db()
    assert (creative.insight, creative.status) == ("Tết là về nhà", "ready")


# --- Ideas and the review -------------------------------------------------------------------
def test_anyone_on_the_briefs_team_adds_ideas_and_outsiders_cannot(lan, creative, minh, brief):
    services.add_brief_member(by=lan, brief=brief, user=creative)
    idea = services.add_idea(by=creative, brief=brief, title="Mâm cơm", description="Phim ngắn")
    assert idea.author == creative
    with pytest.raises(Http404):
        services.add_idea(by=minh, brief=brief, title="X", description="Y")


@pytest.mark.parametrize("score", [0, 6, -1, True, "5"])
def test_a_score_outside_1_to_5_is_refused(lan, brief, score):
    idea = IdeaFactory(brief=brief)
    with pytest.raises(DomainError):
        services.review_idea(by=lan, idea=idea, fit=score, creativity=3, feasibility=3, cost=3)
    assert not idea.reviews.exists()


def test_a_reviewer_scoring_again_replaces_their_own_review(lan, brief):
    idea = IdeaFactory(brief=brief)
    services.review_idea(by=lan, idea=idea, fit=2, creativity=2, feasibility=2, cost=2)
    services.review_idea(by=lan, idea=idea, fit=5, creativity=4, feasibility=4, cost=3)
    assert idea.reviews.count() == 1
    assert idea.reviews.get().fit == 5


def test_the_ranking_weighs_each_criterion_by_the_briefs_rubric(lan, director, brief):
    bold = IdeaFactory(brief=brief, title="Táo bạo")
    cheap = IdeaFactory(brief=brief, title="Tiết kiệm")
    IdeaFactory(brief=brief, title="Chưa chấm")
    for reviewer in (lan, director):
        services.review_idea(by=reviewer, idea=bold, fit=4, creativity=5, feasibility=3, cost=1)
        services.review_idea(by=reviewer, idea=cheap, fit=3, creativity=2, feasibility=5, cost=5)
    ranked = list(queries.ranked_ideas(brief))
    assert [idea.title for idea in ranked] == ["Táo bạo", "Tiết kiệm", "Chưa chấm"]
    # (4*35 + 5*30 + 3*20 + 1*15) / 100 = 3.65 against (3*35 + 2*30 + 5*20 + 5*15) / 100 = 3.4
    assert ranked[0].score == pytest.approx(3.65)
    assert ranked[0].review_count == 2
    assert ranked[2].score is None
    services.set_review_weights(
        by=lan,
        brief=brief,
        weight_fit=10,
        weight_creativity=10,
        weight_feasibility=10,
        weight_cost=70,
    )
    brief.refresh_from_db()
    assert queries.ranked_ideas(brief).first().title == "Tiết kiệm"


def test_an_idea_chosen_by_a_version_stays_on_the_shortlist(lan, proposal):
    idea = first_version(proposal).ideas.first()
    with pytest.raises(InvalidTransition):
        services.drop_from_shortlist(by=lan, idea=idea)


def test_a_department_member_may_not_shortlist(lan, creative, brief):
    services.add_brief_member(by=lan, brief=brief, user=creative)
    idea = IdeaFactory(brief=brief)
    with pytest.raises(Http404):
        services.shortlist_idea(by=creative, idea=idea)
    services.shortlist_idea(by=lan, idea=idea)
    with pytest.raises(InvalidTransition):
        services.shortlist_idea(by=lan, idea=idea)


# --- The 3-idea rule ------------------------------------------------------------------------
def test_no_proposal_before_three_ideas_are_shortlisted(lan, sua_viet):
    brief = shortlisted_brief(client=sua_viet, shortlisted=2)
    with pytest.raises(DomainError) as refused:
        services.create_proposal(by=lan, brief=brief)
    assert "3" in refused.value.message and "2" in refused.value.message
    assert not Proposal.objects.exists()
    brief.refresh_from_db()
    assert brief.status == Brief.Status.RECEIVED


def test_with_three_shortlisted_the_proposals_first_version_chooses_them(lan, sua_viet):
    brief = shortlisted_brief(client=sua_viet)
    proposal = services.create_proposal(by=lan, brief=brief)
    version = first_version(proposal)
    assert version.ideas.count() == 3
    assert set(version.ideas.all()) == set(brief.ideas.filter(is_shortlisted=True))
    assert version.status == ProposalVersion.Status.DRAFT
    brief.refresh_from_db()
    assert brief.status == Brief.Status.PROPOSING


def test_a_brief_has_one_proposal(lan, proposal):
    with pytest.raises(InvalidTransition):
        services.create_proposal(by=lan, brief=proposal.brief)


# --- Versions, lines and freezing -----------------------------------------------------------
def test_a_lines_amounts_are_computed_and_the_totals_are_their_sum(lan, proposal):
    version = first_version(proposal)
    services.add_estimate_line(
        by=lan,
        version=version,
        kind="department",
        department=department("creative"),
        description="Ý tưởng & kịch bản",
        quantity=Decimal("1.5"),
        unit_cost_amount=Decimal(100_000_001),
        unit_price_amount=Decimal(150_000_001),
    )
    price(version, by=lan, cost=500_000_000, price=700_000_000, fee_percent=10)
    version.refresh_from_db()
    totals = queries.totals_of(version)
    assert totals.cost == Decimal(150_000_002) + Decimal(500_000_000)
    assert totals.price == Decimal(225_000_002) + Decimal(700_000_000)
    assert totals.fee == Decimal(92_500_000)


def test_a_department_line_names_its_department(lan, proposal):
    with pytest.raises(DomainError):
        services.add_estimate_line(
            by=lan,
            version=first_version(proposal),
            kind="department",
            description="Sáng tạo",
            quantity=Decimal(1),
            unit_cost_amount=Decimal(1),
            unit_price_amount=Decimal(2),
        )


@pytest.mark.parametrize(
    "bad", [{"quantity": Decimal(0)}, {"quantity": Decimal(-1)}, {"unit_cost_amount": Decimal(-5)}]
)
def test_negative_or_zero_amounts_are_refused(lan, proposal, bad):
    fields = {
        "kind": "vendor",
        "description": "Thuê địa điểm",
        "quantity": Decimal(1),
        "unit_cost_amount": Decimal(10),
        "unit_price_amount": Decimal(12),
        **bad,
    }
    with pytest.raises(DomainError):
        services.add_estimate_line(by=lan, version=first_version(proposal), **fields)
    assert not EstimateLine.objects.exists()


def test_a_sent_version_is_frozen(lan, proposal):
    version = sent_version(proposal, lan)
    line = version.lines.get()
    with pytest.raises(InvalidTransition):
        services.update_estimate_line(by=lan, line=line, unit_price_amount=Decimal(1))
    with pytest.raises(InvalidTransition):
        services.update_version(by=lan, version=version, narrative="Sửa lại")
    with pytest.raises(InvalidTransition):
        services.remove_estimate_line(by=lan, line=line)
    line.refresh_from_db()
    assert line.unit_price_amount == Decimal(1000)


def test_a_version_is_sent_once(lan, proposal):
    version = sent_version(proposal, lan)
    with pytest.raises(InvalidTransition):
        services.send_version(by=lan, version=version)


def test_an_empty_version_is_not_sent(lan, proposal):
    with pytest.raises(DomainError):
        services.send_version(by=lan, version=first_version(proposal))


def test_revising_copies_the_last_sent_version_and_diffs_its_lines(lan, proposal):
    sent = sent_version(proposal, lan)
    version = services.revise_proposal(by=lan, proposal=proposal)
    assert version.number == 2
    assert version.lines.count() == 1
    assert set(version.ideas.all()) == set(sent.ideas.all())
    assert queries.changes_since_previous(version) == []
    line = version.lines.get()
    services.update_estimate_line(by=lan, line=line, quantity=Decimal(2))
    [change] = queries.changes_since_previous(version)
    assert (change.change, change.price_delta) == ("changed", Decimal(1000))
    sent.refresh_from_db()
    assert sent.lines.get().quantity == Decimal(1)


def test_a_draft_is_changed_rather_than_revised(lan, proposal):
    with pytest.raises(InvalidTransition):
        services.revise_proposal(by=lan, proposal=proposal)


def test_a_version_proposes_only_shortlisted_ideas_of_its_brief(lan, proposal):
    outsider = IdeaFactory(brief=proposal.brief)
    with pytest.raises(DomainError):
        services.update_version(by=lan, version=first_version(proposal), ideas=[outsider])
    with pytest.raises(DomainError):
        services.update_version(by=lan, version=first_version(proposal), ideas=[])


# --- The margin gate ------------------------------------------------------------------------
def test_the_floor_is_the_clients_or_else_the_default(lan, settings):
    settings.KAM_MARGIN_FLOOR_PERCENT = 18
    assert (
        first_version(open_proposal(by=lan, client=ClientFactory(owner=lan))).margin_floor_percent
        == 18
    )
    strict = ClientFactory(owner=lan, margin_floor_percent=30)
    assert first_version(open_proposal(by=lan, client=strict)).margin_floor_percent == 30


def test_a_margin_at_the_floor_is_sent_without_approval(lan, proposal):
    version = sent_version(proposal, lan, cost=800, price_amount=1000)  # 20.0 %
    assert version.status == ProposalVersion.Status.SENT


def test_under_the_floor_sending_needs_a_directors_approval(lan, director, director2, proposal):
    version = first_version(proposal)
    price(version, by=lan, cost=810, price=1000)  # 19.0 %
    with pytest.raises(DomainError) as refused:
        services.send_version(by=lan, version=version)
    assert "19" in refused.value.message
    services.request_margin_approval(by=lan, version=version)
    with pytest.raises(InvalidTransition):  # frozen while the Director decides
        services.add_estimate_line(
            by=lan,
            version=version,
            kind="vendor",
            description="Thêm",
            quantity=Decimal(1),
            unit_cost_amount=Decimal(0),
            unit_price_amount=Decimal(100),
        )
    with pytest.raises(Http404):
        services.approve_margin(by=director2, version=version, note="OK")
    with pytest.raises(Http404):
        services.approve_margin(by=lan, version=version, note="OK")
    services.approve_margin(by=director, version=version, note="Khách chiến lược")
    version = services.send_version(by=lan, version=version)
    assert version.status == ProposalVersion.Status.SENT
    assert version.margin_approved_by == director
    assert AuditEvent.objects.filter(
        verb="version.margin_approved", actor=director, subject_id=str(version.pk)
    ).exists()


def test_a_director_declining_says_why_and_the_version_is_a_draft_again(lan, director, proposal):
    version = first_version(proposal)
    price(version, by=lan, cost=900, price=1000)
    services.request_margin_approval(by=lan, version=version)
    with pytest.raises(DomainError):
        services.decline_margin(by=director, version=version, note="")
    services.decline_margin(by=director, version=version, note="Giảm chi phí sản xuất")
    version.refresh_from_db()
    assert version.status == ProposalVersion.Status.DRAFT
    assert version.margin_approval_note == "Giảm chi phí sản xuất"


def test_approval_is_asked_only_under_the_floor(lan, proposal):
    version = first_version(proposal)
    price(version, by=lan, cost=500, price=1000)
    with pytest.raises(DomainError):
        services.request_margin_approval(by=lan, version=version)


# --- Feedback and pitches -------------------------------------------------------------------
def test_feedback_is_on_a_sent_version_from_the_clients_people(lan, proposal):
    version = first_version(proposal)
    with pytest.raises(InvalidTransition):
        services.record_feedback(by=lan, version=version, text="Đẹp")
    sent_version(proposal, lan)
    with pytest.raises(DomainError):
        services.record_feedback(
            by=lan, version=version, text="Đẹp", stakeholder=StakeholderFactory()
        )
    with pytest.raises(DomainError):
        services.record_feedback(
            by=lan,
            version=version,
            text="Đẹp",
            received_on=timezone.localdate() + timedelta(days=1),
        )
    chi = StakeholderFactory(client=proposal.brief.client)
    services.record_feedback(by=lan, version=version, text="Giảm ngân sách KOL", stakeholder=chi)
    assert version.feedback.get().stakeholder == chi


def test_a_pitch_has_presenters_and_the_clients_attendees(lan, planner, proposal):
    held_at = timezone.now() + timedelta(days=3)
    with pytest.raises(DomainError):
        services.schedule_pitch(by=lan, proposal=proposal, held_at=held_at, presenters=[])
    with pytest.raises(DomainError):
        services.schedule_pitch(
            by=lan,
            proposal=proposal,
            held_at=held_at,
            presenters=[lan],
            attendees=[StakeholderFactory()],
        )
    chi = StakeholderFactory(client=proposal.brief.client)
    pitch = services.schedule_pitch(
        by=lan, proposal=proposal, held_at=held_at, presenters=[lan, planner], attendees=[chi]
    )
    assert pitch.version == first_version(proposal)
    with pytest.raises(DomainError):  # not held yet
        services.update_pitch(by=lan, pitch=pitch, outcome="positive")
    services.update_pitch(by=lan, pitch=pitch, held_at=timezone.now(), outcome="revise")
    pitch.refresh_from_db()
    assert pitch.outcome == "revise"


# --- The decision ---------------------------------------------------------------------------
def test_the_client_approves_a_version_they_were_sent(lan, proposal):
    with pytest.raises(InvalidTransition):
        services.approve_proposal(by=lan, proposal=proposal)
    version = sent_version(proposal, lan)
    services.approve_proposal(by=lan, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED
    assert proposal.approved_version == version
    assert proposal.brief.status == Brief.Status.APPROVED


def test_approving_twice_is_refused_and_changes_nothing(lan, proposal):
    sent_version(proposal, lan)
    services.approve_proposal(by=lan, proposal=proposal)
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition):
        services.approve_proposal(by=lan, proposal=proposal)
    with pytest.raises(InvalidTransition):
        services.lose_proposal(by=lan, proposal=proposal, reason="Giá")
    assert AuditEvent.objects.count() == events


def test_approval_wins_the_briefs_opportunity_at_the_approved_revenue(lan, sua_viet):
    opportunity = OpportunityFactory(client=sua_viet)
    brief = shortlisted_brief(client=sua_viet, opportunity=opportunity)
    proposal = services.create_proposal(by=lan, brief=brief)
    version = first_version(proposal)
    price(version, by=lan, cost=1_400_000_000, price=1_700_000_000, fee_percent=10)
    services.send_version(by=lan, version=version)
    services.approve_proposal(by=lan, proposal=proposal)
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.WON
    assert opportunity.value_amount == Decimal(1_870_000_000)


def test_a_lost_proposal_says_why_and_loses_the_opportunity(lan, sua_viet):
    opportunity = OpportunityFactory(client=sua_viet)
    brief = shortlisted_brief(client=sua_viet, opportunity=opportunity)
    proposal = services.create_proposal(by=lan, brief=brief)
    with pytest.raises(DomainError):
        services.lose_proposal(by=lan, proposal=proposal, reason="")
    services.lose_proposal(by=lan, proposal=proposal, reason="Đối thủ rẻ hơn 15%")
    proposal.refresh_from_db()
    opportunity.refresh_from_db()
    assert (proposal.status, proposal.brief.status) == ("lost", "lost")
    assert opportunity.status == Opportunity.Status.LOST


def test_a_decision_is_not_dated_in_the_future(lan, proposal):
    sent_version(proposal, lan)
    with pytest.raises(DomainError):
        services.approve_proposal(
            by=lan, proposal=proposal, decided_on=timezone.localdate() + timedelta(days=1)
        )


def test_a_teammate_kam_on_the_account_team_works_the_proposal(lan, proposal):
    from kam.clients.models import ClientTeamMember

    colleague = UserFactory(is_kam=True, team=lan.team)
    ClientTeamMember.objects.create(client=proposal.brief.client, user=colleague, role="kam")
    version = first_version(proposal)
    price(version, by=colleague, cost=500, price=1000)
    services.send_version(by=colleague, version=version)
