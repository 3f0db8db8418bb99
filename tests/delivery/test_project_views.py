"""The project pages: the list, starting a project from its contract, the KAM's cockpit (what
slips, phases, tasks, readiness, bookings, change requests, slips, the check against the brief,
delivery, cancelling, deleting, history), the timeline; the access policy on each (owner,
teammate, outsider, department member) and bounded queries that do not grow with the work."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import ClientTeamMember
from kam.delivery import services
from kam.delivery.models import CheckItem, Phase, Project
from kam.pitching.models import CreativeBrief
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import (
    booking,
    draft_contract,
    project_with_brief,
    running_project,
    signed_contract,
    task,
)

TODAY = timezone.localdate


def days(n: int):
    return TODAY() + timedelta(days=n)


def url(name: str, *args) -> str:
    return reverse(f"delivery:{name}", args=args)


def page_text(response) -> str:
    return response.content.decode()


def in_english(*users) -> None:
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def project(sua_viet) -> Project:
    return running_project(client=sua_viet, title="Tết 2026: trọn vị sum vầy")


def busy(project: Project, n: int) -> None:
    """`n` tasks over the phases, each waiting for the one before (some late, some predicted
    late, one for a vendor), `n` bookings every other one with a backup, a change request with
    its lines and a slip told to the client: everything the cockpit draws."""
    kam = project.client.owner
    phases = list(project.phases.all())
    previous = None
    for i in range(n):
        fields = {"vendor": "Xưởng in Minh Long", "department": None} if i == 1 else {}
        previous = task(
            project,
            code=["creative", "kol", "production"][i % 3],
            title=f"Việc số {i}",
            phase=phases[i % len(phases)],
            starts_on=days(-5),
            due_on=days(i - 2),
            assignee=kam,
            client_facing=i % 2 == 0,
            depends_on=[previous] if previous else [],
            **fields,
        )
    for i in range(n):
        primary = booking(project, name=f"KOL {i}", days_from_now=i + 1)
        if i % 2 == 0:
            booking(project, name=f"Dự phòng {i}", backup_for=primary, days_from_now=i + 1)
    change = services.create_change_request(
        by=kam,
        project=project,
        requested_by=StakeholderFactory(client=project.client),
        title="Thêm 2 KOL",
        description="Khách hàng muốn thêm 2 KOL miền Bắc",
        days_effect=5,
    )
    services.add_change_line(
        by=kam,
        change=change,
        kind="kol",
        description="2 KOL miền Bắc",
        quantity=Decimal(2),
        unit_cost_amount=Decimal(40_000_000),
        unit_price_amount=Decimal(50_000_000),
    )
    late = project.tasks.filter(client_facing=True).order_by("due_on").first()
    services.record_task_slip(
        by=kam, task=late, now_due_on=days(20), reason="Chờ duyệt kịch bản", told_how="call"
    )


# --- The list -------------------------------------------------------------------------------
class TestProjectList:
    @pytest.mark.parametrize("tasks", [3, 12])
    def test_the_kam_sees_her_projects_with_open_and_late_counts_in_bounded_queries(
        self, login, lan, sua_viet, project, tasks, django_assert_max_num_queries
    ):
        for n in range(tasks):
            task(project, title=f"Việc {n}", starts_on=days(-9), due_on=days(n - 1))
        running_project(client=sua_viet, title="Ra mắt sản phẩm mới")
        http = login(lan)
        with django_assert_max_num_queries(5):
            page = http.get(url("project_list"))
        assert page.status_code == 200
        rows = {p.title: p for p in page.context["page"]}
        assert set(rows) == {"Tết 2026: trọn vị sum vầy", "Ra mắt sản phẩm mới"}
        assert rows[project.title].open_task_count == tasks
        assert rows[project.title].late_task_count == 1
        assert 'data-testid="late-count">1<' in page_text(page)

    def test_filters_narrow_the_list_and_odd_values_are_ignored(
        self, login, lan, sua_viet, project
    ):
        other = running_project(client=ClientFactory(owner=lan), title="Hội chợ mùa thu")
        services.cancel_project(by=lan, project=other, reason="Khách hàng hoãn")
        http = login(lan)
        assert [p.pk for p in http.get(url("project_list")).context["page"]] == [project.pk]
        cancelled = http.get(url("project_list"), {"status": "cancelled"}).context["page"]
        assert [p.pk for p in cancelled] == [other.pk]
        everything = http.get(url("project_list"), {"status": "all"}).context["page"]
        assert {p.pk for p in everything} == {project.pk, other.pk}
        by_client = http.get(url("project_list"), {"status": "all", "client": sua_viet.pk})
        assert [p.pk for p in by_client.context["page"]] == [project.pk]
        searched = http.get(url("project_list"), {"status": "all", "q": "hoi cho"})
        assert [p.pk for p in searched.context["page"]] == [other.pk]
        odd = http.get(url("project_list"), {"status": "nope", "client": "x", "page": "99"})
        assert odd.status_code == 200

    def test_another_teams_kam_does_not_see_the_project(self, login, minh, project):
        page = login(minh).get(url("project_list"), {"status": "all"})
        assert page.status_code == 200 and project.title not in page_text(page)

    def test_a_department_member_gets_404_for_the_list(self, login, creative, project):
        assert login(creative).get(url("project_list")).status_code == 404

    def test_the_planner_sees_the_project_of_the_brief_they_planned(self, login, lan, planner):
        project = project_with_brief(client=ClientFactory(owner=lan))
        # The brief is won by now; its creative brief was handed over long before.
        CreativeBrief.objects.create(
            brief=project.brief, planner=planner, problem="Tết", assigned_by=lan
        )
        page = login(planner).get(url("project_list"))
        assert [p.pk for p in page.context["page"]] == [project.pk]
        assert login(planner).get(url("project_detail", project.pk)).status_code == 200


# --- Starting a project ---------------------------------------------------------------------
def project_form(contract, **changes) -> dict:
    return {
        "title": contract.title,
        "scope": contract.scope,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "readiness_days": "7",
        **changes,
    }


class TestStartingAProject:
    def test_the_kam_starts_the_project_from_the_contract_with_its_defaults(
        self, login, lan, sua_viet
    ):
        contract = signed_contract(client=sua_viet)
        http = login(lan)
        form = http.get(url("project_create", contract.pk))
        assert form.status_code == 200
        initial = form.context["form"].initial
        assert (initial["title"], initial["starts_on"]) == (contract.title, contract.starts_on)
        detail = http.get(url("contract_detail", contract.pk))
        assert url("project_create", contract.pk) in page_text(detail)
        response = http.post(
            url("project_create", contract.pk),
            project_form(contract, backups_required="on", readiness_days="10"),
        )
        project = Project.objects.get()
        assert response["Location"] == url("project_detail", project.pk)
        assert (project.client, project.owner, project.status) == (sua_viet, lan, "planning")
        assert (project.backups_required, project.readiness_days) == (True, 10)
        assert project.phases.count() == 4
        assert project.check_items.count() == 3  # the contract's three deliverables

    def test_a_delivery_date_before_the_start_is_refused_beside_the_field(
        self, login, lan, sua_viet
    ):
        contract = signed_contract(client=sua_viet)
        data = project_form(contract, ends_on=(contract.starts_on - timedelta(1)).isoformat())
        response = login(lan).post(url("project_create", contract.pk), data)
        assert response.status_code == 422
        assert "ends_on" in response.context["form"].errors
        assert not Project.objects.exists()

    def test_an_outsider_and_a_department_member_get_404(self, login, minh, creative, sua_viet):
        contract = signed_contract(client=sua_viet)
        for person in (minh, creative):
            http = login(person)
            assert http.get(url("project_create", contract.pk)).status_code == 404
            assert (
                http.post(url("project_create", contract.pk), project_form(contract)).status_code
                == 404
            )
        assert not Project.objects.exists()


class TestEditingAProject:
    def test_while_planned_its_scope_and_dates_change(self, login, lan, sua_viet):
        contract = draft_contract(client=sua_viet)
        project = services.create_project(by=lan, contract=contract)
        data = project_form(project, title="Tết mới", ends_on=days(90).isoformat())
        response = login(lan).post(url("project_edit", project.pk), data)
        assert response["Location"] == url("project_detail", project.pk)
        project.refresh_from_db()
        assert (project.title, project.ends_on) == ("Tết mới", days(90))

    def test_once_running_its_dates_change_by_change_request_as_the_service_says(
        self, login, lan, project
    ):
        in_english(lan)
        http = login(lan)
        moved = http.post(
            url("project_edit", project.pk), project_form(project, ends_on=days(99).isoformat())
        )
        assert moved.status_code == 422
        assert "scope and dates change by change request" in page_text(moved)
        renamed = http.post(url("project_edit", project.pk), project_form(project, title="Mới"))
        assert renamed.status_code == 302
        project.refresh_from_db()
        assert (project.title, project.ends_on) == ("Mới", project.contract.ends_on)

    def test_a_teammate_not_on_the_account_team_gets_404(self, login, hoa, creative, project):
        for person in (hoa, creative):
            assert login(person).get(url("project_edit", project.pk)).status_code == 404


# --- The cockpit ----------------------------------------------------------------------------
class TestTheProjectPage:
    @pytest.mark.parametrize("work", [3, 12])
    def test_the_cockpit_draws_everything_in_the_same_bounded_queries(
        self, login, lan, project, work, django_assert_max_num_queries
    ):
        busy(project, work)
        http = login(lan)
        with django_assert_max_num_queries(13):
            page = http.get(url("project_detail", project.pk))
        assert page.status_code == 200
        text = page_text(page)
        for section in ("project-facts", "flags", "phases", "tasks", "readiness", "bookings",
                        "changes", "slips", "check", "deliver"):  # fmt: skip
            assert f'data-testid="{section}"' in text
        assert page.context["task_count"] == work
        assert "Xưởng in Minh Long" in text and "Dự phòng 0" in text
        assert "Thêm 2 KOL" in text and "100.000.000 ₫" in text  # its price effect
        assert "Chờ duyệt kịch bản" in text
        assert reverse("clients:client_detail", args=[project.client_id]) + "#interactions" in text

    def test_late_and_predicted_late_work_is_flagged_with_the_way_to_tell_the_client(
        self, login, lan, project
    ):
        in_english(lan)
        late = task(project, title="Kịch bản TVC", starts_on=days(-9), due_on=days(-1),
                    client_facing=True)  # fmt: skip
        internal = task(project, title="Họp nội bộ", starts_on=days(-3), due_on=days(3))
        task(project, title="Chưa tới hạn", starts_on=days(1), due_on=days(4))
        page = login(lan).get(url("project_detail", project.pk))
        flagged = {t.title: t for t in page.context["flagged_tasks"]}
        assert set(flagged) == {late.title, internal.title}
        assert flagged[late.title].is_late and flagged[internal.title].is_at_risk
        text = page_text(page)
        assert url("task_slip", late.pk) in text and "record the slip and tell the client" in text
        assert url("task_edit", internal.pk) in text
        # Every milestone is due after the late task: each is at risk, with its slip to record.
        milestones = page.context["flagged_milestones"]
        assert [m.title for m in milestones] == ["Đợt 1", "Đợt 2", "Đợt 3"]
        assert all(m.is_at_risk and not m.is_late for m in milestones)
        assert url("milestone_slip", milestones[0].pk) in text

    def test_tasks_are_grouped_under_their_phase(self, login, lan, project):
        phases = list(project.phases.all())
        task(project, title="Casting", phase=phases[0])
        task(project, title="Quay TVC", phase=phases[1])
        task(project, title="Việc chung")
        groups = login(lan).get(url("project_detail", project.pk)).context["task_groups"]
        assert [
            (phase.pk if phase else None, [t.title for t in tasks]) for phase, tasks in groups
        ] == [
            (phases[0].pk, ["Casting"]),
            (phases[1].pk, ["Quay TVC"]),
            (None, ["Việc chung"]),
        ]

    def test_readiness_names_bookings_without_a_backup_and_unconfirmed_soon(
        self, login, lan, sua_viet
    ):
        project = running_project(client=sua_viet, backups_required=True, readiness_days=5)
        alone = booking(project, name="KOL không dự phòng", days_from_now=20)
        covered = booking(project, name="KOL có dự phòng", days_from_now=30)
        services.confirm_booking(
            by=lan, booking=booking(project, name="Dự phòng", backup_for=covered, days_from_now=30)
        )
        soon = booking(project, name="Sân khấu", kind="venue", days_from_now=2)
        services.confirm_booking(
            by=lan, booking=booking(project, name="Dự phòng 2", backup_for=soon, days_from_now=2)
        )
        readiness = login(lan).get(url("project_detail", project.pk)).context["readiness"]
        assert [b.name for b in readiness["without_backup"]] == [alone.name]
        assert [b.name for b in readiness["unconfirmed"]] == [soon.name]
        assert readiness["is_ready"] is False

    def test_the_owner_director_and_finance_see_it_but_only_the_kam_side_runs_it(
        self, login, lan, director, finance, project
    ):
        assert login(lan).get(url("project_detail", project.pk)).context["can_run"] is True
        assert login(director).get(url("project_detail", project.pk)).context["can_run"] is True
        page = login(finance).get(url("project_detail", project.pk))
        assert page.status_code == 200 and page.context["can_run"] is False
        assert "phase_form" not in page.context and "deliver_form" not in page.context

    def test_an_outsider_a_teammate_and_a_department_member_get_404(
        self, login, minh, hoa, creative, project
    ):
        task(project)  # the creative department's own task does not open the project to them
        for person in (minh, hoa, creative):
            http = login(person)
            assert http.get(url("project_detail", project.pk)).status_code == 404
            assert http.get(url("project_timeline", project.pk)).status_code == 404
            assert http.post(url("project_cancel", project.pk), {"reason": "x"}).status_code == 404
            assert http.post(url("project_deliver", project.pk), {"reason": "x"}).status_code == 404
        project.refresh_from_db()
        assert project.status == "running"

    def test_a_department_member_on_the_account_team_still_gets_404(
        self, login, lan, creative, project
    ):
        ClientTeamMember.objects.create(client=project.client, user=creative, role="department")
        assert login(creative).get(url("project_detail", project.pk)).status_code == 404

    def test_the_history_shows_what_was_done(self, login, lan, project):
        in_english(lan)
        booking(project, name="Sơn Tùng")
        text = page_text(login(lan).get(url("project_detail", project.pk)))
        assert 'id="history-title"' in text and "started a phase" in text and "booked" in text


# --- Phases ---------------------------------------------------------------------------------
def phase_form(**changes) -> dict:
    return {
        "kind": "production",
        "name": "Quay lần 2",
        "starts_on": days(20).isoformat(),
        "ends_on": days(22).isoformat(),
        **changes,
    }


class TestPhases:
    def test_a_phase_is_added_and_one_ending_before_it_starts_is_refused(self, login, lan, project):
        http = login(lan)
        refused = http.post(
            url("phase_create", project.pk), phase_form(ends_on=days(10).isoformat())
        )
        assert refused.status_code == 422 and "ends_on" in refused.context["phase_form"].errors
        assert project.phases.count() == 4
        added = http.post(url("phase_create", project.pk), phase_form())
        assert added["Location"] == url("project_detail", project.pk) + "#phases"
        assert project.phases.last().name == "Quay lần 2"

    def test_a_phase_is_edited_started_and_closed_with_its_evaluation(self, login, lan, project):
        http = login(lan)
        production = project.phases.get(kind="production")
        edited = http.post(url("phase_edit", production.pk), phase_form(name="Quay TVC"))
        assert edited.status_code == 302
        http.post(url("phase_start", production.pk))
        production.refresh_from_db()
        assert (production.name, production.status) == ("Quay TVC", "active")
        form = http.get(url("phase_complete", production.pk))
        assert form.status_code == 200 and "score" in form.context["form"].fields
        unscored = http.post(url("phase_complete", production.pk), {"went_well": "Đúng hạn"})
        assert unscored.status_code == 422 and "score" in unscored.context["form"].errors
        empty = http.post(url("phase_complete", production.pk), {"score": "4"})
        assert empty.status_code == 422 and "went_well" in empty.context["form"].errors
        production.refresh_from_db()
        assert production.status == "active"
        closed = http.post(
            url("phase_complete", production.pk),
            {"went_well": "Đúng hạn", "issues": "Mưa một ngày", "score": "4"},
        )
        assert closed["Location"] == url("project_detail", project.pk) + "#phases"
        production.refresh_from_db()
        assert (production.status, production.score, production.evaluated_by) == ("done", 4, lan)
        assert "Mưa một ngày" in page_text(http.get(url("project_detail", project.pk)))

    def test_starting_twice_and_removing_a_started_phase_say_why(self, login, lan, project):
        in_english(lan)
        started = project.phases.get(kind="pre_production")
        http = login(lan)
        again = http.post(url("phase_start", started.pk), follow=True)
        assert "This phase has started already." in page_text(again)
        removed = http.post(url("phase_remove", started.pk), follow=True)
        assert "Only a phase not started and without tasks is removed." in page_text(removed)
        wrap_up = project.phases.get(kind="wrap_up")
        http.post(url("phase_remove", wrap_up.pk))
        assert not Phase.objects.filter(pk=wrap_up.pk).exists()

    def test_an_outsider_gets_404_on_every_phase_action(self, login, minh, project):
        phase = project.phases.get(kind="production")
        http = login(minh)
        assert http.post(url("phase_create", project.pk), phase_form()).status_code == 404
        for name in ("phase_edit", "phase_complete"):
            assert http.get(url(name, phase.pk)).status_code == 404
        for name in ("phase_start", "phase_remove"):
            assert http.post(url(name, phase.pk)).status_code == 404
        phase.refresh_from_db()
        assert phase.status == "planned"


# --- The check against the brief, delivery --------------------------------------------------
class TestTheCheckAndDelivery:
    def test_the_check_is_drawn_from_the_brief_and_ticked_with_htmx(self, login, lan):
        project = project_with_brief(client=ClientFactory(owner=lan))
        items = list(project.check_items.all())
        assert {item.source for item in items} == {"objective", "mandatory", "kpi"}
        http = login(lan)
        response = http.post(
            url("check_tick", items[0].pk), {"note": "Đã kiểm"}, HTTP_HX_REQUEST="true", follow=True
        )
        text = page_text(response)
        assert response.status_code == 200
        assert 'id="check"' in text and "<html" not in text and "Đã kiểm" in text
        items[0].refresh_from_db()
        assert items[0].is_checked and items[0].checked_by == lan
        untick = http.post(url("check_untick", items[0].pk))
        assert untick["Location"] == url("project_detail", project.pk) + "#check"
        items[0].refresh_from_db()
        assert not items[0].is_checked

    def test_an_added_line_is_removed_and_the_briefs_own_line_stays(self, login, lan, project):
        in_english(lan)
        http = login(lan)
        refused = http.post(url("check_create", project.pk), {"text": ""})
        assert refused.status_code == 422 and "text" in refused.context["check_form"].errors
        http.post(url("check_create", project.pk), {"text": "Logo đúng màu"})
        added = project.check_items.get(source="added")
        own = project.check_items.exclude(source="added").first()
        kept = http.post(url("check_remove", own.pk), follow=True)
        assert "This line comes from the brief" in page_text(kept)
        http.post(url("check_remove", added.pk))
        assert not CheckItem.objects.filter(pk=added.pk).exists()
        assert CheckItem.objects.filter(pk=own.pk).exists()

    def test_delivering_with_unchecked_items_needs_the_reason(self, login, lan, project):
        in_english(lan)
        http = login(lan)
        refused = http.post(url("project_deliver", project.pk), {"reason": ""})
        assert refused.status_code == 422
        assert "reason" in refused.context["deliver_form"].errors
        assert "are not ticked" in page_text(refused)
        project.refresh_from_db()
        assert project.status == "running"
        delivered = http.post(
            url("project_deliver", project.pk), {"reason": "Khách hàng bỏ báo cáo"}
        )
        assert delivered["Location"] == url("project_detail", project.pk) + "#check"
        project.refresh_from_db()
        assert (project.status, project.unchecked_reason) == ("delivered", "Khách hàng bỏ báo cáo")
        page = http.get(url("project_detail", project.pk))
        assert page.context["can_run"] is False and "Khách hàng bỏ báo cáo" in page_text(page)

    def test_everything_ticked_delivers_without_a_reason(self, login, lan, project):
        for item in project.check_items.all():
            services.tick_check_item(by=lan, item=item)
        login(lan).post(url("project_deliver", project.pk), {"reason": ""})
        project.refresh_from_db()
        assert project.status == "delivered" and project.delivered_on == TODAY()

    def test_an_outsider_cannot_tick(self, login, minh, project):
        item = project.check_items.first()
        assert login(minh).post(url("check_tick", item.pk)).status_code == 404
        item.refresh_from_db()
        assert not item.is_checked


# --- Cancelling and deleting ----------------------------------------------------------------
class TestCancellingAndDeleting:
    def test_cancelling_needs_a_reason(self, login, lan, project):
        http = login(lan)
        refused = http.post(url("project_cancel", project.pk), {"reason": ""})
        assert refused.status_code == 422 and "reason" in refused.context["cancel_form"].errors
        http.post(url("project_cancel", project.pk), {"reason": "Khách hàng hoãn chiến dịch"})
        project.refresh_from_db()
        assert project.status == "cancelled"

    def test_a_running_project_is_not_deleted_and_a_planned_one_is(self, login, lan, project):
        in_english(lan)
        http = login(lan)
        refused = http.post(url("project_delete", project.pk), follow=True)
        assert "Only a project still being planned is deleted; cancel it." in page_text(refused)
        assert Project.objects.filter(pk=project.pk).exists()
        planned = services.create_project(by=lan, contract=draft_contract(client=project.client))
        deleted = http.post(url("project_delete", planned.pk))
        assert deleted["Location"] == url("project_list")
        assert not Project.objects.filter(pk=planned.pk).exists()

    def test_actions_are_post_only(self, login, lan, project):
        http = login(lan)
        for name in ("project_cancel", "project_delete", "project_deliver", "check_create"):
            assert http.get(url(name, project.pk)).status_code == 405


# --- The timeline ---------------------------------------------------------------------------
class TestTheTimeline:
    @pytest.mark.parametrize("tasks", [3, 12])
    def test_phases_and_tasks_are_bars_on_one_axis_in_bounded_queries(
        self, login, lan, project, tasks, django_assert_max_num_queries
    ):
        busy(project, tasks)
        http = login(lan)
        with django_assert_max_num_queries(6):
            page = http.get(url("project_timeline", project.pk))
        assert page.status_code == 200
        rows = page.context["rows"]
        assert len(rows) == 4 + tasks
        assert rows[0]["kind"] == "phase" and rows[1]["kind"] == "task"
        text = page_text(page)
        assert text.count('data-testid="timeline-row"') == 4 + tasks
        assert 'data-testid="today-marker"' in text and 'data-testid="timeline-legend"' in text

    def test_bars_are_placed_by_svg_attributes_unlocalised_and_coloured_by_state(
        self, login, lan, project
    ):
        late = task(project, title="Trễ", starts_on=days(-9), due_on=days(-1))
        done = task(project, title="Xong", starts_on=days(-9), due_on=days(-5))
        services.work_task(by=lan, task=done, status="done")
        page = login(lan).get(url("project_timeline", project.pk))  # Vietnamese: 12,5 not 12.5
        rows = {row["item"].pk: row for row in page.context["rows"] if row["kind"] == "task"}
        assert rows[late.pk]["fill"] == "#d93526" and rows[done.pk]["fill"] == "#398712"
        text = page_text(page)
        bar = f'x="{rows[late.pk]["left"]}%"'
        assert bar in text and "," not in bar
        assert " style=" not in text  # the CSP forbids inline styles
        assert "'unsafe-inline'" not in page["Content-Security-Policy"]
