"""The demo's delivery: PRODUCT.md's story of Sữa Việt's Tết campaign from the approved proposal
to a signed contract and a running project — a KOL replaced by the backup, a slip told to the
client, an approved change — projects at every other stage, seeded once; and the bulk volume at
a small scale."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from kam.core import seed as core_seed
from kam.core.models import AuditEvent
from kam.delivery import queries
from kam.delivery import seed as delivery_seed
from kam.delivery.models import (
    Amendment,
    Booking,
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
from kam.people.models import User
from kam.pitching import queries as pitching_queries
from kam.pitching.models import Proposal
from tests.core.test_commands import undone
from tests.core.test_seed_scale import SMALL

DELIVERY_MODELS = (Contract, Milestone, Commitment, Amendment, Project, Phase, Task, Booking,
                   Slip, ChangeRequest, ChangeLine, CheckItem)  # fmt: skip


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, seeded once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def story(demo, db) -> Project:
    return Project.objects.select_related("contract__proposal", "client", "brief").get(
        client__short_name="Sữa Việt"
    )


def user(username: str) -> User:
    return User.objects.get(username=username)


class TestTheDemo:
    """Seeded once: the demo takes seconds to build through the services."""

    def test_the_approved_tet_proposal_becomes_a_contract_signed_with_three_milestones(self, story):
        contract = story.contract
        proposal = Proposal.objects.get(brief__client=story.client, status="approved")
        assert contract.proposal == proposal and contract.owner.username == "lan"
        assert contract.status == Contract.Status.SIGNED
        assert contract.signed_on <= timezone.localdate()
        revenue = pitching_queries.totals_of(proposal.approved_version).revenue
        assert contract.value_amount == revenue
        milestones = list(contract.milestones.all())
        assert len(milestones) == 3
        assert sum(m.amount for m in milestones) == contract.value_amount
        assert milestones[0].reached_on == contract.signed_on  # the advance, on signing
        assert "contract.signed" in AuditEvent.objects.filter(
            subject_id=str(contract.pk)
        ).values_list("verb", flat=True)

    def test_both_sides_have_their_commitments(self, story):
        commitments = Commitment.objects.filter(contract=story.contract)
        client_side = commitments.filter(party="client")
        assert client_side.filter(description__contains="bao bì", status="done").exists()
        assert all(c.stakeholder.client_id == story.client_id for c in client_side)
        agency = commitments.get(party="agency", description__contains="3 bản TVC")
        assert agency.owner.username == "lan" and agency.status == "open"

    def test_the_project_runs_in_four_phases_with_pre_production_under_way(self, story):
        assert story.status == Project.Status.RUNNING
        assert story.brief == story.contract.proposal.brief
        phases = list(story.phases.order_by("position"))
        assert [p.kind for p in phases] == [
            "pre_production", "production", "post_production", "wrap_up"
        ]  # fmt: skip
        assert [p.status for p in phases] == ["active", "planned", "planned", "planned"]

    def test_creative_kol_and_production_have_tasks_for_their_members_waiting_on_each_other(
        self, story
    ):
        tasks = story.tasks.select_related("department", "assignee")
        assert {"creative", "kol", "production"} <= {t.department.code for t in tasks}
        for task in tasks.exclude(assignee=None).filter(department__code__in=["creative", "kol"]):
            assert task.assignee.department_id == task.department_id, task
        assert TaskDependency.objects.filter(task__project=story).count() >= 5
        worked = AuditEvent.objects.filter(verb="task.worked", actor__username="creative")
        assert worked.exists()  # the department moved its own task along
        assert tasks.filter(status="done").exclude(deliverables="").exists()

    def test_a_kol_cancels_and_the_confirmed_backup_takes_the_place(self, story):
        cancelled = story.bookings.get(kind="kol", status="cancelled")
        assert cancelled.cancelled_reason
        promoted = story.bookings.get(kind="kol", status="confirmed", name__contains="Bếp Nhà")
        assert promoted.backup_for is None
        assert AuditEvent.objects.filter(verb="booking.promoted", subject_id=str(story.pk)).exists()
        assert story.bookings.filter(kind="venue").exists()
        assert story.bookings.filter(kind="crew", status="confirmed").exists()
        assert story.bookings.filter(backup_for__isnull=False, status="confirmed").exists()

    def test_a_client_facing_task_slips_and_lan_records_that_she_called_the_client(self, story):
        slip = Slip.objects.select_related("task", "interaction").get(project=story)
        assert slip.task.client_facing and slip.task.due_on == slip.now_due_on
        assert slip.now_due_on > slip.was_due_on and slip.recorded_by.username == "lan"
        told = slip.interaction
        assert told.kind == "call" and told.client_id == story.client_id
        assert told.stakeholders.exists() and slip.task.title in told.summary

    def test_the_client_approved_a_change_priced_line_by_line(self, story):
        change = queries.change_requests_of(story).get(status="approved")
        assert change.decided_on and change.decision_note
        assert {line.effect for line in change.lines.all()} == {"add", "remove"}
        assert change.price_effect > 0
        assert story.check_items.filter(source="change", text=change.title).exists()
        assert story.change_requests.filter(status="open").exists()

    def test_the_check_against_the_brief_is_partly_ticked(self, story):
        items = story.check_items.all()
        assert items.filter(source__in=["objective", "mandatory", "kpi"]).count() == 3
        ticked = items.exclude(checked_at=None).count()
        assert 0 < ticked < items.count()

    def test_the_other_clients_have_projects_at_every_stage(self, demo, db):
        others = Project.objects.exclude(client__short_name="Sữa Việt")
        assert set(others.values_list("status", flat=True)) == set(Project.Status.values)
        running = others.filter(status="running").annotate(
            done=Count("phases", filter=Q(phases__status="done")),
            planned=Count("phases", filter=Q(phases__status="planned")),
        )
        assert running.filter(done__gt=0, planned__gt=0).exists()  # phases in different states
        for project in others.filter(status="delivered"):
            assert project.delivered_on < timezone.localdate()
            assert not project.phases.exclude(status="done").exists()
            assert not project.phases.filter(Q(score=None) | Q(went_well="")).exists()
            unticked = project.check_items.filter(checked_at=None).exists()
            assert bool(project.unchecked_reason) == unticked
        assert others.filter(status="delivered", unchecked_reason="").exists()
        cancelled = others.get(status="cancelled")
        assert AuditEvent.objects.filter(
            verb="project.cancelled", subject_id=str(cancelled.pk)
        ).exists()

    def test_a_signed_contract_is_amended_and_a_draft_waits_for_its_schedule(self, demo, db):
        amendment = Amendment.objects.select_related("contract").get()
        contract = amendment.contract
        assert contract.status == "signed" and amendment.signed_on >= contract.signed_on
        assert queries.current_value_of(contract) == (
            contract.value_amount + amendment.value_change_amount
        )
        draft = Contract.objects.get(status="draft")
        assert queries.milestones_total(draft) < draft.value_amount

    def test_late_and_predicted_late_work_is_on_the_agendas_and_queues(self, demo, db):
        flagged = list(queries.flagged_tasks(Task.objects.filter(project__status="running")))
        assert any(task.is_late for task in flagged)
        assert any(task.is_at_risk for task in flagged)
        for username in ("lan", "hoa", "minh"):
            actions = [str(item.action) for item in queries.agenda_items(user(username))]
            assert len(actions) >= 2, username
        creative_queue = queries.queue_for(user("creative"))
        assert any(task.is_late for task in creative_queue)
        assert Milestone.objects.filter(
            contract__status="signed", reached_on=None, due_on__lt=timezone.localdate()
        ).exists()

    def test_every_kam_and_director_sees_delivery_work(self, demo, db):
        for username in ("lan", "hoa", "minh", "director", "director2", "finance"):
            assert queries.projects_visible_to(user(username)).exists(), username
            assert queries.contracts_visible_to(user(username)).exists(), username
        assert not queries.contracts_visible_to(user("creative")).exists()

    def test_seeding_twice_adds_nothing(self, demo, db):
        counts = [model.objects.count() for model in DELIVERY_MODELS]
        with pytest.raises(CommandError):
            call_command("seed", verbosity=0)
        delivery_seed.seed(core_seed.make_context(scale="demo", seed=2026))
        assert [model.objects.count() for model in DELIVERY_MODELS] == counts


# --- Volume ---------------------------------------------------------------------------------
@pytest.fixture
def small_scale(monkeypatch):
    monkeypatch.setitem(core_seed.SCALES, "medium", SMALL)


def test_the_volume_holds_exactly_the_scales_delivery_in_valid_rows(db, small_scale):
    call_command("seed", scale="medium", seed=3, verbosity=0)
    assert Contract.objects.count() == SMALL.contracts
    assert Project.objects.count() == SMALL.projects
    assert Task.objects.count() == SMALL.tasks
    assert Booking.objects.count() == SMALL.bookings
    # Every contract's schedule covers its value exactly; a proposal's is its revenue.
    schedules = Contract.objects.annotate(scheduled=Sum("milestones__amount"))
    assert not schedules.filter(status="signed").exclude(scheduled=F("value_amount")).exists()
    for contract in Contract.objects.exclude(proposal=None).select_related("proposal"):
        version = contract.proposal.approved_version
        assert contract.value_amount == pitching_queries.totals_of(version).revenue
    assert not Contract.objects.filter(search_text="").exists()
    assert not Task.objects.filter(search_text="").exists()
    # Projects in four phases, in every status; tasks late and predicted late among them.
    assert not Project.objects.annotate(n=Count("phases")).exclude(n=4).exists()
    assert {"running", "delivered"} <= set(Project.objects.values_list("status", flat=True))
    flagged = list(queries.flagged_tasks(Task.objects.filter(project__status="running")))
    assert any(task.is_late for task in flagged) and any(task.is_at_risk for task in flagged)
    assert not Task.objects.filter(project__status="delivered").exclude(status="done").exists()
    assert not Task.objects.exclude(phase=None).exclude(phase__project=F("project")).exists()
    # A backup stands by for a booking of its own project.
    backups = Booking.objects.exclude(backup_for=None)
    assert backups.exists()
    assert not backups.exclude(backup_for__project=F("project")).exists()
    assert not TaskDependency.objects.exclude(depends_on__project=F("task__project")).exists()
    # Bulk inserts skip the services: every row still passes its model's own validation.
    for model in DELIVERY_MODELS:
        for record in model.objects.all():
            record.full_clean()


def test_the_same_seed_gives_the_same_delivery_volume(db, small_scale):
    def snapshot() -> tuple[list, list, list]:
        contracts = Contract.objects.order_by("pk").values_list(
            "number", "client__legal_name", "value_amount", "status"
        )
        tasks = Task.objects.order_by("pk").values_list("title", "status", "due_on")
        bookings = Booking.objects.order_by("pk").values_list("name", "status", "fee_amount")
        return list(contracts), list(tasks), list(bookings)

    with undone():
        call_command("seed", scale="medium", seed=5, verbosity=0)
        first = snapshot()
    call_command("seed", scale="medium", seed=5, verbosity=0)
    assert snapshot() == first
