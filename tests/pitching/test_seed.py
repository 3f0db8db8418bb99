"""The demo's pitching: PRODUCT.md's story of Sữa Việt's Tết campaign up to the client's
approval, briefs at every other stage, seeded once; and the bulk volume at a small scale."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import translation

from kam.core import seed as core_seed
from kam.core.search import fold
from kam.people.models import User
from kam.pitching import queries
from kam.pitching import seed as pitching_seed
from kam.pitching.models import (
    Brief,
    CreativeBrief,
    EstimateLine,
    Idea,
    IdeaReview,
    Pitch,
    Proposal,
    ProposalVersion,
)
from tests.core.test_commands import undone
from tests.core.test_seed_scale import SMALL


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, seeded once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def story(demo, db) -> Brief:
    return Brief.objects.select_related("client", "proposal").get(client__short_name="Sữa Việt")


class TestTheDemo:
    """Seeded once: the demo takes seconds to build through the services."""

    def test_the_story_runs_from_a_tet_brief_of_two_billion_to_the_planner(self, story):
        assert story.client.legal_name == "Công ty Cổ phần Sữa Việt"
        assert story.owner.username == "lan"
        assert "Tết" in story.title
        assert story.budget_max_amount == Decimal(2_000_000_000)
        assert story.budget_min_amount < story.budget_max_amount
        assert story.proposed_budget_amount <= story.budget_max_amount
        assert story.budget_rationale
        creative = CreativeBrief.objects.get(brief=story)
        assert creative.planner.is_planner
        assert creative.status == CreativeBrief.Status.READY

    def test_the_team_records_seven_ideas_reviewed_by_several_and_shortlists_three(self, story):
        assert story.ideas.count() == 7
        assert story.ideas.values("author").distinct().count() >= 4
        reviewers = IdeaReview.objects.filter(idea__brief=story).values("reviewer").distinct()
        assert reviewers.count() >= 3
        assert not story.ideas.annotate(n=Count("reviews")).filter(n=0).exists()
        shortlist = list(queries.shortlist_of(story))
        assert len(shortlist) == 3
        # The shortlist is the review's three best.
        assert [idea.pk for idea in queries.ranked_ideas(story)[:3]] == [i.pk for i in shortlist]

    def test_the_proposal_is_priced_at_about_22_percent_pitched_revised_and_approved(self, story):
        proposal = story.proposal
        assert proposal.status == Proposal.Status.APPROVED
        assert story.status == Brief.Status.APPROVED
        first, second = proposal.versions.order_by("number")
        assert proposal.approved_version == second
        assert first.status == second.status == ProposalVersion.Status.SENT
        assert first.sent_at < second.sent_at
        for version in (first, second):
            totals = queries.totals_of(version)
            assert Decimal(20) <= totals.margin_percent <= Decimal(25), version
            assert totals.fee > 0 and version.vat_percent == Decimal(8)
            kinds = set(version.lines.values_list("kind", flat=True))
            assert kinds == {"department", "vendor", "kol", "production"}
        assert queries.totals_of(first).margin_percent == Decimal("22.1")
        # Version 2 answers the feedback: lines changed and added against version 1.
        changes = {change.change for change in queries.changes_since_previous(second)}
        assert {"changed", "added"} <= changes
        assert first.feedback.exists() and second.feedback.exists()
        assert first.feedback.get().stakeholder.client == story.client

    def test_lan_and_the_planner_pitch_to_the_clients_stakeholders(self, story):
        pitch = Pitch.objects.filter(proposal=story.proposal).order_by("held_at").first()
        assert {person.username for person in pitch.presenters.all()} == {"lan", "planner"}
        attendees = list(pitch.attendees.all())
        assert attendees and all(person.client_id == story.client_id for person in attendees)
        assert pitch.outcome == Pitch.Outcome.REVISE

    def test_the_approval_wins_the_briefs_opportunity(self, story):
        opportunity = story.opportunity
        assert opportunity.status == "won"
        assert (
            opportunity.value_amount == queries.totals_of(story.proposal.approved_version).revenue
        )

    def test_the_other_clients_have_briefs_at_every_stage(self, demo, db):
        briefs = Brief.objects.exclude(client__short_name="Sữa Việt")
        assert briefs.filter(status="received", proposed_budget_amount__isnull=True).exists()
        assert briefs.filter(status="planning", creative_brief__status="assigned").exists()
        in_review = briefs.filter(status="planning", creative_brief__status="ready").annotate(
            shortlisted=Count("ideas", filter=Q(ideas__is_shortlisted=True))
        )
        assert in_review.filter(shortlisted__gt=0, shortlisted__lt=3).exists()
        versions = ProposalVersion.objects.filter(proposal__brief__in=briefs)
        awaiting = versions.get(status="awaiting")
        assert queries.totals_of(awaiting).is_under(awaiting.margin_floor_percent)
        assert versions.filter(status="sent", proposal__status="open").exists()
        lost = Proposal.objects.get(brief__in=briefs, status="lost")
        assert lost.lost_reason and lost.brief.closed_reason
        assert briefs.filter(status="cancelled").exclude(closed_reason="").exists()

    def test_the_waiting_work_is_on_the_planners_and_the_directors_agenda(self, demo, db):
        planner = User.objects.get(username="planner")
        director = User.objects.get(username="director")
        with translation.override("en"):
            assert any("creative" in item.action.lower() for item in queries.agenda_items(planner))
            assert any("margin" in item.action.lower() for item in queries.agenda_items(director))

    def test_the_demo_is_vietnamese_with_its_diacritics(self, demo, db):
        titles = " ".join(Brief.objects.values_list("title", flat=True))
        ideas = " ".join(Idea.objects.values_list("title", flat=True))
        lines = " ".join(EstimateLine.objects.values_list("description", flat=True))
        for text in (titles, ideas, lines):
            assert fold(text) != text.lower()  # there are marks to fold away
        assert "Tết" in titles and "Sum vầy" in titles

    def test_seeding_twice_adds_nothing(self, demo, db):
        counts = [model.objects.count() for model in (Brief, Idea, IdeaReview, Proposal, Pitch)]
        with pytest.raises(CommandError):
            call_command("seed", verbosity=0)
        pitching_seed.seed(core_seed.make_context(scale="demo", seed=2026))
        assert [model.objects.count() for model in (Brief, Idea, IdeaReview, Proposal, Pitch)] == (
            counts
        )


# --- Volume ---------------------------------------------------------------------------------
@pytest.fixture
def small_scale(monkeypatch):
    monkeypatch.setitem(core_seed.SCALES, "medium", SMALL)


def test_the_volume_holds_exactly_the_scales_briefs_ideas_and_proposals(db, small_scale):
    call_command("seed", scale="medium", seed=3, verbosity=0)
    assert Brief.objects.count() == SMALL.briefs
    assert Idea.objects.count() == SMALL.ideas
    assert Proposal.objects.count() == SMALL.proposals
    assert not Brief.objects.filter(search_text="").exists()
    # Every proposal stands on a shortlist of three, with a version priced line by line.
    short = Proposal.objects.annotate(
        n=Count("brief__ideas", filter=Q(brief__ideas__is_shortlisted=True))
    ).filter(n__lt=3)
    assert not short.exists()
    assert not ProposalVersion.objects.annotate(n=Count("lines")).filter(n=0).exists()
    assert not ProposalVersion.objects.annotate(n=Count("ideas")).filter(n=0).exists()
    assert not Proposal.objects.annotate(n=Count("versions")).filter(n=0).exists()
    # Decided proposals agree with their briefs.
    for status in ("approved", "lost"):
        assert Proposal.objects.filter(status=status).exclude(brief__status=status).count() == 0
    assert Proposal.objects.filter(status="approved", approved_version__status="sent").count() == (
        Proposal.objects.filter(status="approved").count()
    )
    assert Brief.objects.filter(status="received").exists()
    assert CreativeBrief.objects.filter(status="assigned").exists()


def test_the_same_seed_gives_the_same_pitching_volume(db, small_scale):
    def snapshot() -> tuple[list, list]:
        proposals = Proposal.objects.order_by("pk").values_list(
            "brief__title", "brief__client__legal_name", "status"
        )
        prices = EstimateLine.objects.order_by("pk").values_list("price_amount", flat=True)
        return list(proposals), list(prices)

    with undone():
        call_command("seed", scale="medium", seed=5, verbosity=0)
        first = snapshot()
    call_command("seed", scale="medium", seed=5, verbosity=0)
    assert snapshot() == first
