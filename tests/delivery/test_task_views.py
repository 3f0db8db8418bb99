"""The task pages: the department's queue across clients (tabs, status, the quick change by
htmx), the KAM's view of what slips, planning a task, the task's page — what the department
reads of the brief and never its money —, moving it along, what it waits for, its slip told to
the client; the access policy on each and bounded queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.clients.models import ClientRequest, Interaction
from kam.delivery import services
from kam.delivery.models import Slip, Task, TaskDependency
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import project_with_brief, running_project, task
from tests.people.factories import UserFactory
from tests.pitching.factories import department


def days(n: int):
    return timezone.localdate() + timedelta(days=n)


def url(name: str, *args) -> str:
    return reverse(f"delivery:{name}", args=args)


def page_text(response) -> str:
    return response.content.decode()


def in_english(*users) -> None:
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


# Every money figure the project behind these tasks carries: the brief's budget range, the
# proposal's price and cost, the contract's value.
MONEY_STRINGS = ("₫", "1.500.000.000", "2.000.000.000", "1500000000", "2000000000", "VND")


@pytest.fixture
def sua_viet(lan):
    return ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt")


@pytest.fixture
def project(sua_viet):
    return running_project(client=sua_viet, title="Tết 2026")


@pytest.fixture
def briefed(sua_viet):
    """A project with the brief behind it (being planned)."""
    return project_with_brief(client=sua_viet, title="Tết có brief")


@pytest.fixture
def mai(db):
    """A member of the Media department."""
    return UserFactory(username="mai", full_name="Lý Ngọc Mai", department=department("media"))


# --- The queue ------------------------------------------------------------------------------
class TestTheQueue:
    @pytest.mark.parametrize("count", [3, 12])
    def test_a_department_member_sees_their_departments_open_tasks_across_clients(
        self, login, lan, hoa, creative, project, count, django_assert_max_num_queries
    ):
        elsewhere = running_project(client=ClientFactory(owner=hoa), title="Khách khác")
        mine = [task(project, title=f"Sáng tạo {n}", due_on=days(n)) for n in range(count)]
        mine.append(task(elsewhere, title="Sáng tạo cho khách khác"))
        task(project, code="media", title="Việc của Media")
        finished = task(project, title="Đã xong")
        services.work_task(by=lan, task=finished, status="done")
        http = login(creative)
        with django_assert_max_num_queries(5):
            page = http.get(url("task_queue"))
        assert page.status_code == 200
        assert {t.pk for t in page.context["page"]} == {t.pk for t in mine}
        text = page_text(page)
        assert "Khách khác" in text and "Việc của Media" not in text
        assert "flagged" not in page.context and 'data-testid="flagged-on-projects"' not in text
        assert not any(money in text for money in MONEY_STRINGS)
        # Each row of their department carries its quick status change.
        assert text.count('hx-target="#queue"') == count + 1

    def test_the_tabs_and_the_status_filter(self, login, lan, creative, project):
        theirs = task(project, title="Của phòng")
        assigned = task(project, code="media", title="Giao riêng", assignee=creative)
        finished = task(project, title="Đã xong")
        services.work_task(by=lan, task=finished, status="done")
        http = login(creative)
        everything = http.get(url("task_queue")).context["page"]
        assert {t.pk for t in everything} == {theirs.pk, assigned.pk}
        only_mine = http.get(url("task_queue"), {"tab": "mine"}).context["page"]
        assert [t.pk for t in only_mine] == [assigned.pk]
        done = http.get(url("task_queue"), {"status": "done"}).context["page"]
        assert [t.pk for t in done] == [finished.pk]
        odd = http.get(url("task_queue"), {"tab": "x", "status": "y", "department": "z"})
        assert odd.status_code == 200

    def test_a_quick_status_change_with_htmx_brings_back_the_queue_alone(
        self, login, lan, creative, project
    ):
        item = task(project, title="Bộ key visual", deliverables="https://drive.example/kv")
        back = url("task_queue") + "?tab=department"
        response = login(creative).post(
            url("task_work", item.pk),
            {"status": "doing", "next": back},
            HTTP_HX_REQUEST="true",
            follow=True,
        )
        text = page_text(response)
        assert response.status_code == 200
        assert 'id="queue"' in text and "<html" not in text and "Bộ key visual" in text
        item.refresh_from_db()
        assert (item.status, item.deliverables) == ("doing", "https://drive.example/kv")

    def test_a_quick_change_goes_back_only_to_the_queue(self, login, creative, project):
        item = task(project)
        response = login(creative).post(
            url("task_work", item.pk), {"status": "review", "next": "https://example.com/"}
        )
        assert response["Location"] == url("task_detail", item.pk) + "#work"

    def test_a_refused_quick_change_says_why_at_the_top_of_the_queue(
        self, login, lan, creative, project
    ):
        in_english(creative)
        item = task(project)
        services.cancel_project(by=lan, project=project, reason="Khách hàng hoãn")
        response = login(creative).post(
            url("task_work", item.pk), {"status": "done", "next": url("task_queue")}, follow=True
        )
        assert "This project is cancelled; it no longer changes." in page_text(response)
        item.refresh_from_db()
        assert item.status == "todo"

    @pytest.mark.parametrize("count", [3, 12])
    def test_a_kam_without_a_department_sees_her_tasks_and_what_slips_on_her_projects(
        self, login, lan, project, count, django_assert_max_num_queries
    ):
        for n in range(count):
            task(project, title=f"Trễ {n}", starts_on=days(-9), due_on=days(-1))
        assigned = task(project, code="media", title="Lan tự làm", assignee=lan)
        http = login(lan)
        with django_assert_max_num_queries(5):
            page = http.get(url("task_queue"))
        assert [t.pk for t in page.context["page"]] == [assigned.pk]
        flagged = list(page.context["flagged"])
        assert len(flagged) == count and all(t.is_late for t in flagged)
        assert 'data-testid="flagged-on-projects"' in page_text(page)

    def test_a_director_chooses_a_department_among_the_clients_they_see(
        self, login, director, minh, project
    ):
        theirs = task(project, title="Của nhóm A")
        task(running_project(client=ClientFactory(owner=minh)), title="Của nhóm B")
        page = login(director).get(url("task_queue"), {"department": department("creative").pk})
        assert [t.pk for t in page.context["page"]] == [theirs.pk]
        assert page.context["departments"] is not None

    def test_the_queue_asks_to_sign_in(self, client):
        assert client.get(url("task_queue")).status_code == 302


# --- Planning a task ------------------------------------------------------------------------
def task_form(**changes) -> dict:
    return {
        "title": "Kịch bản TVC",
        "department": department("creative").pk,
        "starts_on": days(1).isoformat(),
        "due_on": days(7).isoformat(),
        "status": "todo",
        **changes,
    }


class TestPlanningATask:
    def test_the_kam_gives_a_department_a_task_waiting_for_another(self, login, lan, project):
        casting = task(project, title="Casting")
        phase = project.phases.get(kind="production")
        http = login(lan)
        form = http.get(url("task_create", project.pk)).context["form"]
        assert set(form.fields["phase"].queryset) == set(project.phases.all())
        assert list(form.fields["depends_on"].queryset) == [casting]
        response = http.post(
            url("task_create", project.pk),
            task_form(phase=phase.pk, depends_on=[casting.pk], client_facing="on"),
        )
        assert response["Location"] == url("project_detail", project.pk) + "#tasks"
        created = Task.objects.get(title="Kịch bản TVC")
        assert (created.phase, created.client_facing, created.created_by) == (phase, True, lan)
        assert list(created.depends_on.all()) == [casting]

    def test_a_due_date_before_the_start_is_refused_beside_the_field(self, login, lan, project):
        response = login(lan).post(
            url("task_create", project.pk), task_form(due_on=days(0).isoformat())
        )
        assert response.status_code == 422 and "due_on" in response.context["form"].errors
        assert not Task.objects.exists()

    def test_a_task_needs_a_department_or_a_vendor(self, login, lan, project):
        http = login(lan)
        refused = http.post(url("task_create", project.pk), task_form(department=""))
        assert refused.status_code == 422 and "department" in refused.context["form"].errors
        http.post(url("task_create", project.pk), task_form(department="", vendor="Xưởng in"))
        assert Task.objects.get().vendor == "Xưởng in"

    def test_another_projects_phase_and_another_clients_request_are_no_choice(
        self, login, lan, project, sua_viet
    ):
        other = running_project(client=ClientFactory(owner=lan))
        theirs = ClientRequest.objects.create(
            client=other.client, title="Đổi màu logo", created_by=lan
        )
        ours = ClientRequest.objects.create(client=sua_viet, title="Thêm phụ đề", created_by=lan)
        http = login(lan)
        form = http.get(url("task_create", project.pk)).context["form"]
        assert list(form.fields["client_request"].queryset) == [ours]
        response = http.post(
            url("task_create", project.pk),
            task_form(phase=other.phases.first().pk, client_request=theirs.pk),
        )
        assert response.status_code == 422
        assert {"phase", "client_request"} <= set(response.context["form"].errors)
        assert not Task.objects.exists()

    def test_an_outsider_and_a_department_member_cannot_plan_tasks(
        self, login, minh, creative, project
    ):
        for person in (minh, creative):
            http = login(person)
            assert http.get(url("task_create", project.pk)).status_code == 404
            assert http.post(url("task_create", project.pk), task_form()).status_code == 404
        assert not Task.objects.exists()


# --- The task's page ------------------------------------------------------------------------
class TestTheTaskPage:
    def test_the_department_reads_what_it_needs_of_the_brief_and_never_its_money(
        self, login, creative, briefed, django_assert_max_num_queries
    ):
        item = task(briefed, title="Key visual Tết", description="3 phương án")
        http = login(creative)
        with django_assert_max_num_queries(9):
            page = http.get(url("task_detail", item.pk))
        assert page.status_code == 200
        text = page_text(page)
        brief = briefed.brief
        for part in (brief.objectives, brief.target_audience, brief.key_message,
                     brief.mandatories, brief.kpis, brief.channels):  # fmt: skip
            assert part in text
        assert not any(money in text for money in MONEY_STRINGS)
        assert page.context["can_work"] is True and page.context["can_run"] is False
        assert "dependency_form" not in page.context
        assert url("task_edit", item.pk) not in text and url("task_delete", item.pk) not in text
        assert url("project_detail", briefed.pk) not in text  # a page they may not open

    def test_the_kam_sees_the_plan_and_its_actions(self, login, lan, project):
        item = task(project, client_facing=True)
        page = login(lan).get(url("task_detail", item.pk))
        text = page_text(page)
        assert page.context["can_run"] is True and "dependency_form" in page.context
        for name in ("task_edit", "task_delete", "task_slip", "dependency_add"):
            assert url(name, item.pk) in text
        assert 'id="history-title"' in text

    def test_another_department_and_another_teams_kam_get_404(self, login, mai, minh, project):
        item = task(project)
        for person in (mai, minh):
            http = login(person)
            assert http.get(url("task_detail", item.pk)).status_code == 404
            assert http.post(url("task_work", item.pk), {"status": "done"}).status_code == 404
        item.refresh_from_db()
        assert item.status == "todo"

    def test_the_assignee_of_another_department_opens_it(self, login, mai, project):
        item = task(project, assignee=mai)
        assert login(mai).get(url("task_detail", item.pk)).status_code == 200


class TestMovingATaskAlong:
    def test_the_department_moves_it_and_adds_its_deliverables(self, login, creative, project):
        item = task(project)
        links = "https://drive.example/kv-1\nhttps://drive.example/kv-2"
        response = login(creative).post(
            url("task_work", item.pk), {"status": "review", "deliverables": links}
        )
        assert response["Location"] == url("task_detail", item.pk) + "#work"
        item.refresh_from_db()
        assert (item.status, item.deliverable_links) == ("review", links.splitlines())
        page = login(creative).get(url("task_detail", item.pk))
        assert 'href="https://drive.example/kv-2"' in page_text(page)

    def test_a_status_that_is_not_a_choice_is_refused_beside_the_field(
        self, login, creative, project
    ):
        item = task(project)
        response = login(creative).post(url("task_work", item.pk), {"status": "lost"})
        assert response.status_code == 422 and "status" in response.context["work_form"].errors
        item.refresh_from_db()
        assert item.status == "todo"

    def test_done_records_the_day(self, login, creative, project):
        item = task(project)
        login(creative).post(url("task_work", item.pk), {"status": "done", "deliverables": ""})
        item.refresh_from_db()
        assert item.done_on == timezone.localdate()


# --- Replanning, deleting, dependencies -----------------------------------------------------
class TestReplanning:
    def test_the_kam_replans_and_a_client_facing_date_does_not_move_later_here(
        self, login, lan, project
    ):
        in_english(lan)
        item = task(project, client_facing=True)
        http = login(lan)
        later = http.post(url("task_edit", item.pk), task_form(due_on=days(30).isoformat(),
                                                                client_facing="on"))  # fmt: skip
        assert later.status_code == 422
        assert "record the slip and how the client was told" in page_text(later)
        item.refresh_from_db()
        assert item.due_on == days(5)
        saved = http.post(
            url("task_edit", item.pk),
            task_form(title="Kịch bản mới", client_facing="on", due_on=days(5).isoformat()),
        )
        assert saved["Location"] == url("task_detail", item.pk)
        item.refresh_from_db()
        assert item.title == "Kịch bản mới"

    def test_the_form_keeps_a_resolved_request_the_task_answers(self, login, lan, project):
        request = ClientRequest.objects.create(
            client=project.client, title="Thêm phụ đề", created_by=lan
        )
        item = task(project, client_request=request)
        ClientRequest.objects.filter(pk=request.pk).update(
            status="resolved", resolution="Đã làm", resolved_at=timezone.now()
        )
        page = login(lan).get(url("task_edit", item.pk))
        assert page.status_code == 200
        assert list(page.context["form"].fields["client_request"].queryset) == [request]

    def test_a_department_member_cannot_replan_or_delete(self, login, creative, project):
        item = task(project)
        http = login(creative)
        assert http.get(url("task_edit", item.pk)).status_code == 404
        assert http.post(url("task_delete", item.pk)).status_code == 404
        assert Task.objects.filter(pk=item.pk).exists()

    def test_a_task_others_wait_for_is_not_deleted_and_a_lone_one_is(self, login, lan, project):
        in_english(lan)
        first = task(project, title="Trước")
        services.create_task(
            by=lan, project=project, depends_on=[first], title="Sau",
            department=department("kol"), starts_on=days(1), due_on=days(3),
        )  # fmt: skip
        http = login(lan)
        kept = http.post(url("task_delete", first.pk), follow=True)
        assert "Other tasks wait for this one" in page_text(kept)
        lone = Task.objects.get(title="Sau")
        deleted = http.post(url("task_delete", lone.pk))
        assert deleted["Location"] == url("project_detail", project.pk) + "#tasks"
        assert not Task.objects.filter(pk=lone.pk).exists()


class TestDependencies:
    def test_a_dependency_is_added_and_removed(self, login, lan, project):
        first, second = task(project, title="Một"), task(project, title="Hai")
        http = login(lan)
        added = http.post(url("dependency_add", second.pk), {"depends_on": first.pk})
        assert added["Location"] == url("task_detail", second.pk) + "#dependencies"
        assert list(second.depends_on.all()) == [first]
        http.post(url("dependency_remove", second.pk), {"depends_on": first.pk})
        assert not second.depends_on.exists()

    def test_a_circle_of_waiting_is_refused_beside_the_field(self, login, lan, project):
        in_english(lan)
        first, second = task(project, title="Một"), task(project, title="Hai")
        services.add_dependency(by=lan, task=second, depends_on=first)
        response = login(lan).post(url("dependency_add", first.pk), {"depends_on": second.pk})
        assert response.status_code == 422
        assert "depends_on" in response.context["dependency_form"].errors
        assert "that would be a circle" in page_text(response)
        assert TaskDependency.objects.count() == 1

    def test_removing_what_it_does_not_wait_for_says_so(self, login, lan, project):
        in_english(lan)
        first, second = task(project, title="Một"), task(project, title="Hai")
        response = login(lan).post(
            url("dependency_remove", second.pk), {"depends_on": first.pk}, follow=True
        )
        assert "The task does not wait for that one." in page_text(response)

    def test_an_outsider_gets_404(self, login, minh, project):
        first, second = task(project, title="Một"), task(project, title="Hai")
        response = login(minh).post(url("dependency_add", second.pk), {"depends_on": first.pk})
        assert response.status_code == 404 and not TaskDependency.objects.exists()


# --- Slips told to the client ---------------------------------------------------------------
class TestRecordingASlip:
    def test_the_slip_moves_the_date_and_records_how_the_client_was_told(self, login, lan, project):
        item = task(project, title="Kịch bản TVC", client_facing=True)
        contact = StakeholderFactory(client=project.client, full_name="Trần Thị Mai")
        StakeholderFactory()  # another client's person is no choice
        http = login(lan)
        form = http.get(url("task_slip", item.pk)).context["form"]
        assert list(form.fields["told_whom"].queryset) == [contact]
        response = http.post(
            url("task_slip", item.pk),
            {
                "now_due_on": days(12).isoformat(),
                "reason": "Khách hàng đổi thông điệp",
                "told_how": "meeting",
                "told_whom": [contact.pk],
            },
        )
        assert response["Location"] == url("task_detail", item.pk)
        item.refresh_from_db()
        slip = Slip.objects.get()
        assert (item.due_on, slip.was_due_on, slip.now_due_on) == (days(12), days(5), days(12))
        assert slip.interaction.kind == "meeting" and slip.interaction.client == project.client
        page = page_text(http.get(url("project_detail", project.pk)))
        assert "Khách hàng đổi thông điệp" in page

    def test_a_date_not_later_is_refused_beside_the_field_and_nothing_is_told(
        self, login, lan, project
    ):
        item = task(project, client_facing=True)
        response = login(lan).post(
            url("task_slip", item.pk),
            {"now_due_on": days(2).isoformat(), "reason": "Trễ", "told_how": "call"},
        )
        assert response.status_code == 422 and "now_due_on" in response.context["form"].errors
        assert not Slip.objects.exists() and not Interaction.objects.exists()

    def test_an_internal_date_is_replanned_not_slipped(self, login, lan, project):
        in_english(lan)
        item = task(project)
        response = login(lan).post(
            url("task_slip", item.pk),
            {"now_due_on": days(9).isoformat(), "reason": "Trễ", "told_how": "call"},
        )
        assert response.status_code == 422
        assert "This date is internal: replan the task instead." in page_text(response)

    def test_a_department_member_cannot_record_a_slip(self, login, creative, project):
        item = task(project, client_facing=True)
        response = login(creative).post(
            url("task_slip", item.pk),
            {"now_due_on": days(9).isoformat(), "reason": "Trễ", "told_how": "call"},
        )
        assert response.status_code == 404 and not Slip.objects.exists()
