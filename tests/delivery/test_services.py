"""The rules of delivery, through its services on a real database: contracts and their schedule,
signing and amendments, projects and phases, tasks and their dependencies, late prediction,
slips told to the client, bookings and backups, change requests, the check before delivery."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.utils import timezone, translation

from kam.clients.models import Interaction
from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.delivery import queries, services
from kam.delivery.models import Booking, CheckItem, Contract, Phase, Project
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
from tests.people.factories import UserFactory
from tests.pitching.factories import department, open_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The rules' messages are matched in English (the catalogue answers in Vietnamese)."""
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


def days(n: int):
    return today() + timedelta(days=n)


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(legal_name="Công ty CP Sữa Việt", owner=lan)


@pytest.fixture
def project(sua_viet) -> Project:
    return running_project(client=sua_viet)


def verbs_of(subject) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_id=str(subject.pk)).values_list("verb", flat=True)
    )


# --- Contracts ------------------------------------------------------------------------------
def test_an_approved_proposal_becomes_a_draft_contract_filled_from_its_version(sua_viet):
    proposal = approved_proposal(client=sua_viet)
    contract = services.create_contract_from_proposal(by=sua_viet.owner, proposal=proposal)
    assert contract.status == Contract.Status.DRAFT
    assert contract.client == sua_viet and contract.proposal == proposal
    assert contract.value_amount == VALUE  # the approved version's revenue (no fee)
    assert contract.number.startswith(f"HĐ-{today().year}-")
    assert contract.deliverables.count("\n") == 2  # its three shortlisted ideas
    assert "contract.created" in verbs_of(contract)


def test_a_contract_follows_only_an_approved_proposal_and_only_once(sua_viet):
    kam = sua_viet.owner
    open_one = open_proposal(by=kam, client=sua_viet)
    with pytest.raises(DomainError, match="approved proposal"):
        services.create_contract_from_proposal(by=kam, proposal=open_one)
    proposal = approved_proposal(client=sua_viet)
    services.create_contract_from_proposal(by=kam, proposal=proposal)
    with pytest.raises(InvalidTransition, match="has its contract"):
        services.create_contract_from_proposal(by=kam, proposal=proposal)
    assert Contract.objects.filter(proposal=proposal).count() == 1


def test_another_clients_kam_and_finance_cannot_enter_a_contract(sua_viet, minh):
    finance = UserFactory(is_finance=True)
    for outsider in (minh, finance):
        with pytest.raises(Http404):
            services.create_contract(
                by=outsider,
                client=sua_viet,
                title="X",
                starts_on=today(),
                ends_on=days(10),
            )
    assert not Contract.objects.exists()


def test_contract_numbers_are_unique_with_a_clear_message(sua_viet):
    draft_contract(client=sua_viet, number="HĐ-01")
    with pytest.raises(DomainError, match="this number") as refused:
        draft_contract(client=sua_viet, number="HĐ-01")
    assert refused.value.field == "number"


def test_the_milestones_never_add_up_to_more_than_the_value(sua_viet):
    contract = draft_contract(client=sua_viet, value=Decimal(1000))
    kam = sua_viet.owner
    services.add_milestone(by=kam, contract=contract, title="Đợt 1", due_on=days(5), amount=600)
    with pytest.raises(DomainError, match="more than"):
        services.add_milestone(by=kam, contract=contract, title="Đợt 2", due_on=days(9), amount=401)
    assert contract.milestones.count() == 1


def test_signing_needs_a_schedule_covering_the_value_exactly(sua_viet):
    contract = draft_contract(client=sua_viet, value=Decimal(1000))
    kam = sua_viet.owner
    with pytest.raises(DomainError, match="milestones"):
        services.sign_contract(by=kam, contract=contract)
    services.add_milestone(by=kam, contract=contract, title="Đợt 1", due_on=days(5), amount=600)
    with pytest.raises(DomainError, match="cover the value exactly"):
        services.sign_contract(by=kam, contract=contract)
    with pytest.raises(DomainError, match="future"):
        services.sign_contract(by=kam, contract=contract, signed_on=days(1))
    services.add_milestone(by=kam, contract=contract, title="Đợt 2", due_on=days(9), amount=400)
    signed = services.sign_contract(by=kam, contract=contract)
    assert signed.status == Contract.Status.SIGNED and signed.signed_on == today()


def test_a_signed_contract_is_not_edited_in_place_but_amended(sua_viet):
    contract = signed_contract(client=sua_viet)
    kam = sua_viet.owner
    for change in (
        lambda: services.update_contract(by=kam, contract=contract, title="Khác"),
        lambda: services.remove_milestone(by=kam, milestone=contract.milestones.first()),
    ):
        with pytest.raises(InvalidTransition, match=r"amendment|signed"):
            change()
    with pytest.raises(DomainError, match="value after amendments"):
        services.add_milestone(by=kam, contract=contract, title="Thêm", due_on=days(3), amount=1)
    contract.refresh_from_db()
    assert contract.title == "Chiến dịch Tết" and contract.milestones.count() == 3

    first = services.record_amendment(
        by=kam,
        contract=contract,
        signed_on=today(),
        summary="Thêm 2 bài KOL",
        value_change_amount=Decimal(100_000_000),
        new_ends_on=days(100),
    )
    second = services.record_amendment(
        by=kam, contract=contract, signed_on=today(), summary="Bớt sự kiện", value_change_amount=-50
    )
    assert (first.number, second.number) == (1, 2)
    assert queries.current_value_of(contract) == VALUE + 100_000_000 - 50
    assert queries.current_end_of(contract) == days(100)
    # What the amendments added is scheduled after signing, up to the value after them.
    services.add_milestone(
        by=kam, contract=contract, title="Phụ lục 1", due_on=days(90), amount=100_000_000 - 50
    )
    assert queries.milestones_total(contract) == queries.current_value_of(contract)
    with pytest.raises(DomainError, match="under zero"):
        services.record_amendment(
            by=kam,
            contract=contract,
            signed_on=today(),
            summary="Hủy",
            value_change_amount=-VALUE * 2,
        )
    contract.refresh_from_db()
    assert contract.value_amount == VALUE  # the signed value itself never changed


def test_a_milestone_is_reached_once_on_a_signed_contract(sua_viet):
    kam = sua_viet.owner
    draft = draft_contract(client=sua_viet, value=Decimal(10))
    milestone = services.add_milestone(
        by=kam, contract=draft, title="Đợt 1", due_on=days(5), amount=10
    )
    with pytest.raises(InvalidTransition):
        services.reach_milestone(by=kam, milestone=milestone)
    services.sign_contract(by=kam, contract=draft)
    reached = services.reach_milestone(by=kam, milestone=milestone)
    assert reached.reached_on == today()
    with pytest.raises(InvalidTransition, match="already"):
        services.reach_milestone(by=kam, milestone=milestone)


def test_commitments_of_both_sides_are_followed_after_signing(sua_viet):
    contract = signed_contract(client=sua_viet)
    kam = sua_viet.owner
    theirs = services.add_commitment(
        by=kam,
        contract=contract,
        party="client",
        description="Gửi tư liệu thương hiệu",
        stakeholder=StakeholderFactory(client=sua_viet),
        due_on=days(3),
    )
    services.update_commitment(by=kam, commitment=theirs, status="done")
    theirs.refresh_from_db()
    assert theirs.status == "done"
    with pytest.raises(DomainError, match="client's people"):
        services.add_commitment(
            by=kam,
            contract=contract,
            party="client",
            description="X",
            stakeholder=StakeholderFactory(),  # another client's
            due_on=days(3),
        )
    with pytest.raises(InvalidTransition):
        services.remove_commitment(by=kam, commitment=theirs)


# --- Projects and phases --------------------------------------------------------------------
def test_a_project_starts_with_four_phases_over_its_dates_and_the_briefs_check_list(sua_viet):
    proposal = approved_proposal(client=sua_viet)
    kam = sua_viet.owner
    contract = services.create_contract_from_proposal(
        by=kam, proposal=proposal, starts_on=today(), ends_on=days(99)
    )
    project = services.create_project(by=kam, contract=contract)
    phases = list(project.phases.order_by("position"))
    assert [p.kind for p in phases] == [
        "pre_production",
        "production",
        "post_production",
        "wrap_up",
    ]
    assert phases[0].starts_on == project.starts_on and phases[-1].ends_on == project.ends_on
    for before, after in itertools.pairwise(phases):
        assert after.starts_on == before.ends_on + timedelta(days=1)
    sources = set(project.check_items.values_list("source", flat=True))
    assert sources == {"objective", "mandatory", "kpi"}
    assert project.brief == proposal.brief


def test_a_direct_contracts_project_is_checked_against_its_deliverables(sua_viet):
    contract = signed_contract(client=sua_viet)
    project = services.create_project(by=sua_viet.owner, contract=contract)
    assert list(project.check_items.values_list("text", flat=True)) == [
        "3 bản TVC",
        "10 bài đăng KOL",
        "Báo cáo sau chiến dịch",
    ]


def test_the_first_started_phase_runs_the_project_and_fixes_its_scope(project):
    assert project.status == Project.Status.RUNNING
    with pytest.raises(InvalidTransition, match="change request"):
        services.update_project(by=project.owner, project=project, scope="Khác")
    services.update_project(by=project.owner, project=project, readiness_days=14)
    project.refresh_from_db()
    assert project.readiness_days == 14


def test_a_phase_closes_with_the_kams_evaluation(project):
    phase = project.phases.get(kind="pre_production")
    kam = project.owner
    with pytest.raises(DomainError, match="1 to 5"):
        services.complete_phase(by=kam, phase=phase, went_well="Tốt", score=7)
    with pytest.raises(DomainError, match="went well"):
        services.complete_phase(by=kam, phase=phase, score=4)
    done = services.complete_phase(by=kam, phase=phase, went_well="Đúng hạn", issues="", score=4)
    assert done.status == Phase.Status.DONE and done.evaluated_by == kam
    with pytest.raises(InvalidTransition):
        services.complete_phase(by=kam, phase=phase, went_well="Lại", score=3)
    unstarted = project.phases.get(kind="wrap_up")
    with pytest.raises(InvalidTransition):
        services.complete_phase(by=kam, phase=unstarted, went_well="x", score=3)


def test_delivering_with_unchecked_items_needs_a_reason(project):
    kam = project.owner
    items = list(project.check_items.all())
    with pytest.raises(DomainError, match="not ticked") as refused:
        services.deliver_project(by=kam, project=project)
    assert refused.value.field == "reason"
    for item in items[:-1]:
        services.tick_check_item(by=kam, item=item)
    delivered = services.deliver_project(by=kam, project=project, reason="Báo cáo gửi sau")
    assert delivered.status == Project.Status.DELIVERED
    assert delivered.unchecked_reason == "Báo cáo gửi sau"
    with pytest.raises(InvalidTransition):
        services.create_task(
            by=kam,
            project=project,
            title="Sau giao",
            department=department(),
            starts_on=today(),
            due_on=days(1),
        )


def test_a_fully_checked_project_is_delivered_without_a_reason(project):
    for item in project.check_items.all():
        services.tick_check_item(by=project.owner, item=item, note="OK")
    delivered = services.deliver_project(by=project.owner, project=project, reason="ignored")
    assert delivered.unchecked_reason == ""
    assert "project.delivered" in verbs_of(project)


def test_the_briefs_check_lines_stay_added_ones_may_go(project):
    kam = project.owner
    brief_line = project.check_items.first()
    with pytest.raises(InvalidTransition, match="stays"):
        services.remove_check_item(by=kam, item=brief_line)
    added = services.add_check_item(by=kam, project=project, text="Logo đúng bản mới")
    services.remove_check_item(by=kam, item=added)
    assert not CheckItem.objects.filter(pk=added.pk).exists()


def test_only_a_project_being_planned_is_deleted(sua_viet):
    contract = signed_contract(client=sua_viet)
    kam = sua_viet.owner
    planned = services.create_project(by=kam, contract=contract)
    services.delete_project(by=kam, project=planned)
    assert not Project.objects.filter(pk=planned.pk).exists()
    running = services.create_project(by=kam, contract=contract)
    services.start_phase(by=kam, phase=running.phases.first())
    with pytest.raises(InvalidTransition, match="cancel"):
        services.delete_project(by=kam, project=running)
    services.cancel_project(by=kam, project=running, reason="Khách dừng ngân sách")
    running.refresh_from_db()
    assert running.status == Project.Status.CANCELLED


# --- Tasks and dependencies -----------------------------------------------------------------
def test_a_task_needs_dates_in_order_and_a_department_or_vendor(project):
    kam = project.owner
    with pytest.raises(DomainError, match="before the start") as refused:
        task(project, starts_on=days(5), due_on=days(2))
    assert refused.value.field == "due_on"
    with pytest.raises(DomainError, match="vendor"):
        task(project, department=None)
    vendor_task = task(project, department=None, vendor="Studio Ánh Sáng")
    assert vendor_task.vendor == "Studio Ánh Sáng"
    other_phase = running_project().phases.first()
    with pytest.raises(DomainError, match="phase of this project"):
        task(project, phase=other_phase)
    assert project.tasks.count() == 1
    assert kam == project.owner


def test_cyclic_dependencies_are_refused(project):
    kam = project.owner
    a, b, c = (task(project, title=name) for name in "ABC")
    services.add_dependency(by=kam, task=b, depends_on=a)
    services.add_dependency(by=kam, task=c, depends_on=b)
    with pytest.raises(DomainError, match="circle"):
        services.add_dependency(by=kam, task=a, depends_on=c)
    with pytest.raises(DomainError, match="itself"):
        services.add_dependency(by=kam, task=a, depends_on=a)
    with pytest.raises(DomainError, match="own project"):
        services.add_dependency(by=kam, task=a, depends_on=task(running_project()))
    with pytest.raises(DomainError, match="already"):
        services.add_dependency(by=kam, task=b, depends_on=a)
    assert set(a.depends_on.all()) == set()


def test_a_department_member_moves_their_task_along_and_nothing_else(project):
    creative = UserFactory(department=department("creative"))
    kol_member = UserFactory(department=department("kol"))
    work = task(project, code="creative")
    moved = services.work_task(
        by=creative, task=work, status="doing", deliverables="https://x.vn/1"
    )
    assert moved.status == "doing" and moved.deliverable_links == ["https://x.vn/1"]
    with pytest.raises(DomainError, match="Only the status"):
        services.work_task(by=creative, task=work, due_on=days(30))
    with pytest.raises(Http404):
        services.work_task(by=kol_member, task=work, status="done")
    with pytest.raises(Http404):
        services.update_task(by=creative, task=work, title="Khác")
    done = services.work_task(by=creative, task=work, status="done")
    assert done.done_on == today()
    reopened = services.work_task(by=creative, task=work, status="doing")
    assert reopened.done_on is None


def test_a_department_member_sees_their_departments_tasks_only(project):
    creative = UserFactory(department=department("creative"))
    mine, theirs = task(project, code="creative"), task(project, code="kol")
    visible = set(queries.tasks_visible_to(creative))
    assert mine in visible and theirs not in visible
    with pytest.raises(Http404):
        queries.get_task_for(creative, theirs.pk)
    assert not queries.projects_visible_to(creative).exists()


# --- Late and predicted late ----------------------------------------------------------------
def flags(project):
    return {t.title: (t.is_late, t.is_at_risk) for t in queries.tasks_of(project)}


def test_late_is_past_due_and_not_done(project):
    task(project, title="quá hạn", starts_on=days(-10), due_on=days(-1), status="doing")
    task(project, title="xong", starts_on=days(-10), due_on=days(-1), status="done")
    task(project, title="hôm nay", starts_on=days(-3), due_on=today(), status="doing")
    assert flags(project) == {
        "quá hạn": (True, False),
        "xong": (False, False),
        "hôm nay": (False, False),
    }


def test_predicted_late_when_not_started_with_less_time_left_than_planned(project):
    # Planned 6 days (start -2 → due +4); 4 days left and still to do: predicted late.
    task(project, title="chưa bắt đầu", starts_on=days(-2), due_on=days(4))
    # The same dates, but under way: on track.
    task(project, title="đang làm", starts_on=days(-2), due_on=days(4), status="doing")
    # Starting today: as much time left as planned.
    task(project, title="bắt đầu hôm nay", starts_on=today(), due_on=days(4))
    assert flags(project) == {
        "chưa bắt đầu": (False, True),
        "đang làm": (False, False),
        "bắt đầu hôm nay": (False, False),
    }


def test_predicted_late_when_a_task_it_waits_for_is_late(project):
    late = task(project, title="trễ", starts_on=days(-5), due_on=days(-1), status="doing")
    waiting = task(project, title="chờ", starts_on=days(2), due_on=days(6))
    services.add_dependency(by=project.owner, task=waiting, depends_on=late)
    assert flags(project)["chờ"] == (False, True)
    services.work_task(by=project.owner, task=late, status="done")
    assert flags(project)["chờ"] == (False, False)


def test_a_milestone_is_predicted_late_when_work_due_by_it_slips(project):
    milestone = project.contract.milestones.order_by("due_on").first()
    by_then = milestone.due_on - timedelta(days=1)
    task(project, title="trước mốc", starts_on=days(-3), due_on=by_then)
    flagged = queries.milestones_of(project.contract).get(pk=milestone.pk)
    assert (flagged.is_late, flagged.is_at_risk) == (False, True)
    later = queries.milestones_of(project.contract).exclude(pk=milestone.pk)
    # The tasks due by a later milestone include this one too.
    assert all(m.is_at_risk for m in later)


def test_a_cancelled_projects_leftover_tasks_leave_the_queue_and_are_never_late(project):
    creative = UserFactory(department=department("creative"))
    leftover = task(project, title="Bỏ dở", starts_on=days(-5), due_on=days(-1), status="doing")
    assert list(queries.queue_for(creative)) == [leftover]
    services.cancel_project(by=project.owner, project=project, reason="Khách dừng")
    assert not queries.queue_for(creative).exists()
    assert not queries.flagged_tasks(project.tasks.all()).exists()
    assert "Bỏ dở" not in [item.title for item in queries.agenda_items(project.owner)]
    counted = queries.projects_for_list(project.owner).get(pk=project.pk)
    assert (counted.open_task_count, counted.late_task_count) == (0, 0)


def test_late_work_lands_on_the_kams_agenda(project):
    task(project, title="Kịch bản TVC", starts_on=days(-5), due_on=days(-1), status="doing")
    titles = [item.title for item in queries.agenda_items(project.owner)]
    assert "Kịch bản TVC" in titles
    assert "Kịch bản TVC" not in [item.title for item in queries.agenda_items(UserFactory())]


# --- Slips told to the client ---------------------------------------------------------------
def test_a_client_facing_date_moves_only_with_a_record_of_telling_the_client(project):
    kam = project.owner
    shown = task(project, client_facing=True, due_on=days(5))
    with pytest.raises(InvalidTransition, match="record the slip"):
        services.update_task(by=kam, task=shown, due_on=days(8))
    contact = stakeholder(project)
    slip = services.record_task_slip(
        by=kam,
        task=shown,
        now_due_on=days(8),
        reason="KOL ốm",
        told_how="call",
        told_whom=[contact],
    )
    shown.refresh_from_db()
    assert shown.due_on == days(8)
    interaction = slip.interaction
    assert interaction.client == project.client and interaction.kind == Interaction.Kind.CALL
    assert list(interaction.stakeholders.all()) == [contact]
    assert "KOL ốm" in interaction.summary
    assert "task.slipped" in verbs_of(shown)
    # An earlier date is not a slip; an internal task is replanned, not slipped.
    with pytest.raises(DomainError, match="later"):
        services.record_task_slip(
            by=kam, task=shown, now_due_on=days(7), reason="x", told_how="call"
        )
    internal = task(project)
    with pytest.raises(InvalidTransition, match="internal"):
        services.record_task_slip(
            by=kam, task=internal, now_due_on=days(9), reason="x", told_how="call"
        )


def test_a_slipped_milestone_moves_with_the_interaction(project):
    milestone = project.contract.milestones.first()
    was = milestone.due_on
    slip = services.record_milestone_slip(
        by=project.owner,
        milestone=milestone,
        now_due_on=was + timedelta(days=7),
        reason="Chờ duyệt kịch bản",
        told_how="email",
    )
    milestone.refresh_from_db()
    assert milestone.due_on == was + timedelta(days=7)
    assert slip.project == project and slip.interaction.kind == "email"
    with pytest.raises(DomainError, match="how the client was told"):
        services.record_milestone_slip(
            by=project.owner,
            milestone=milestone,
            now_due_on=was + timedelta(days=9),
            reason="x",
            told_how="note",
        )


# --- Bookings and backups -------------------------------------------------------------------
def book(project, name, **fields) -> Booking:
    values = {"kind": "kol", "name": name, "fee_amount": 50_000_000, "starts_on": days(3)}
    values.setdefault("ends_on", fields.get("starts_on", values["starts_on"]))
    return services.add_booking(by=project.owner, project=project, **{**values, **fields})


def test_cancelling_a_booking_promotes_its_backup_in_one_step(project):
    kam = project.owner
    kol = book(project, "KOL Hà Anh")
    backup = book(project, "KOL Minh Tú", backup_for=kol)
    services.confirm_booking(by=kam, booking=backup)
    promoted = services.cancel_booking(by=kam, booking=kol, reason="Lịch trùng")
    kol.refresh_from_db()
    assert kol.status == Booking.Status.CANCELLED and kol.cancelled_reason == "Lịch trùng"
    assert promoted == backup and promoted.backup_for is None
    assert promoted.status == Booking.Status.CONFIRMED
    assert {"booking.cancelled", "booking.promoted"} <= set(verbs_of(project))


def test_a_cancelled_backup_cannot_take_the_place(project):
    kam = project.owner
    kol = book(project, "KOL Hà Anh")
    backup = book(project, "KOL Minh Tú", backup_for=kol)
    services.cancel_booking(by=kam, booking=backup, reason="Hết lịch")
    with pytest.raises(InvalidTransition, match="cannot take the place"):
        services.promote_backup(by=kam, backup=backup, reason="x")
    assert services.cancel_booking(by=kam, booking=kol, reason="Ốm") is None


def test_one_backup_stands_by_and_a_backup_has_none_of_its_own(project):
    kol = book(project, "KOL Hà Anh")
    backup = book(project, "KOL Minh Tú", backup_for=kol)
    with pytest.raises(DomainError, match="backup already"):
        book(project, "KOL Thứ ba", backup_for=kol)
    with pytest.raises(DomainError, match="of its own"):
        book(project, "KOL Thứ tư", backup_for=backup)
    with pytest.raises(DomainError, match="same project"):
        book(running_project(), "KOL khác", backup_for=kol)


def test_readiness_lists_bookings_without_backup_and_unconfirmed_soon(project):
    kam = project.owner
    services.update_project(by=kam, project=project, backups_required=True, readiness_days=7)
    alone = book(project, "Địa điểm", kind="venue", starts_on=days(30))
    covered = book(project, "KOL Hà Anh", starts_on=days(30))
    services.confirm_booking(by=kam, booking=book(project, "KOL Minh Tú", backup_for=covered))
    soon = book(project, "Ê-kíp quay", kind="crew", starts_on=days(3))
    project.refresh_from_db()
    readiness = queries.readiness_of(project)
    assert set(readiness["without_backup"]) == {alone, soon}
    assert readiness["unconfirmed"] == [soon]
    assert not readiness["is_ready"]


# --- Change requests ------------------------------------------------------------------------
def test_an_approved_change_moves_delivery_widens_scope_and_joins_the_check(project):
    kam = project.owner
    ends = project.ends_on
    change = services.create_change_request(
        by=kam,
        project=project,
        requested_by=stakeholder(project),
        title="Thêm 2 video TikTok",
        description="Hai video dọc 15 giây",
        days_effect=5,
    )
    services.add_change_line(
        by=kam,
        change=change,
        effect="add",
        kind="production",
        description="Quay dựng 2 video",
        quantity=Decimal(2),
        unit_cost_amount=Decimal(10_000_000),
        unit_price_amount=Decimal(15_000_000),
    )
    services.add_change_line(
        by=kam,
        change=change,
        effect="remove",
        kind="department",
        department=department("media"),
        description="Bớt 1 banner",
        quantity=Decimal(1),
        unit_cost_amount=Decimal(1_000_000),
        unit_price_amount=Decimal(2_000_000),
    )
    effect = queries.change_requests_of(project).get(pk=change.pk)
    assert (effect.cost_effect, effect.price_effect) == (19_000_000, 28_000_000)
    services.approve_change_request(by=kam, change=change, note="Đồng ý qua email")
    project.refresh_from_db()
    assert project.ends_on == ends + timedelta(days=5)
    assert "Thêm 2 video TikTok" in project.scope
    assert project.check_items.filter(source="change", text="Thêm 2 video TikTok").exists()
    with pytest.raises(InvalidTransition, match="decided"):
        services.update_change_request(by=kam, change=change, title="Khác")


def test_a_change_is_asked_by_the_clients_people_and_a_rejection_moves_nothing(project):
    kam = project.owner
    with pytest.raises(DomainError, match="client's people"):
        services.create_change_request(
            by=kam,
            project=project,
            requested_by=StakeholderFactory(),
            title="X",
            description="Y",
        )
    change = services.create_change_request(
        by=kam,
        project=project,
        requested_by=stakeholder(project),
        title="X",
        description="Y",
        days_effect=9,
    )
    ends = project.ends_on
    services.reject_change_request(by=kam, change=change, note="Không đủ ngân sách")
    project.refresh_from_db()
    assert project.ends_on == ends


# --- Access and the calendar ----------------------------------------------------------------
def test_another_kam_cannot_touch_the_project(project, minh):
    for change in (
        lambda: services.update_project(by=minh, project=project, title="X"),
        lambda: services.create_task(
            by=minh,
            project=project,
            title="X",
            department=department(),
            starts_on=today(),
            due_on=days(1),
        ),
        lambda: services.add_booking(
            by=minh, project=project, kind="kol", name="X", starts_on=today(), ends_on=today()
        ),
    ):
        with pytest.raises(Http404):
            change()
    with pytest.raises(Http404):
        queries.get_project_for(minh, project.pk)


def test_a_new_calendar_address_replaces_the_old(lan):
    first = services.reset_calendar_feed(by=lan).token
    second = services.reset_calendar_feed(by=lan).token
    assert first != second and len(second) >= 40
    assert queries.feed_owner(second) == lan and queries.feed_owner(first) is None
    assert not AuditEvent.objects.filter(changes__icontains=second).exists()


def test_the_calendar_holds_the_persons_dated_work(project):
    kam = project.owner
    creative = UserFactory(department=department("creative"))
    task(project, title="Storyboard", assignee=kam)
    task(project, title="Không phải của Lan", assignee=creative)
    book(project, "KOL Hà Anh")
    with translation.override("en"):
        summaries = {event["summary"] for event in queries.calendar_events(kam)}
        theirs = [e["summary"] for e in queries.calendar_events(creative)]
    assert "Task: Storyboard" in summaries
    assert "Booking: KOL Hà Anh" in summaries
    assert any(s.startswith("Milestone: ") for s in summaries)
    assert "Task: Không phải của Lan" not in summaries
    assert theirs == ["Task: Không phải của Lan"]
