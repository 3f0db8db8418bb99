"""The change request pages: the list with each change's effect, recording a change the client
asks for, its lines and their totals, the client's approval or rejection; the access policy on
each (owner, outsider, department member) and bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.delivery import services
from kam.delivery.models import ChangeLine, ChangeRequest
from tests.clients.factories import ClientFactory, StakeholderFactory
from tests.delivery.factories import running_project
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


@pytest.fixture
def project(lan):
    return running_project(client=ClientFactory(owner=lan, legal_name="Công ty CP Sữa Việt"))


@pytest.fixture
def asker(project):
    return StakeholderFactory(client=project.client, full_name="Trần Thị Mai")


def change_of(project, asker, title: str = "Thêm 2 KOL", **lines) -> ChangeRequest:
    """A change asked for yesterday, with one line adding 2 KOLs (cost 80, price 100 triệu)."""
    kam = project.client.owner
    change = services.create_change_request(
        by=kam,
        project=project,
        requested_by=asker,
        title=title,
        description="Khách hàng muốn thêm 2 KOL miền Bắc",
        requested_on=days(-1),
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
    return change


def line_form(**changes) -> dict:
    return {
        "effect": "add",
        "kind": "department",
        "department": department("creative").pk,
        "description": "Thêm 1 bản TVC 15 giây",
        "quantity": "1",
        "unit_cost_amount": "30000000",
        "unit_price_amount": "45000000",
        **changes,
    }


class TestTheList:
    @pytest.mark.parametrize("count", [3, 12])
    def test_the_kam_sees_each_change_with_its_effect_in_bounded_queries(
        self, login, lan, project, asker, count, django_assert_max_num_queries
    ):
        for n in range(count):
            change_of(project, asker, title=f"Thay đổi {n}")
        http = login(lan)
        with django_assert_max_num_queries(4):
            page = http.get(url("change_list"))
        assert page.status_code == 200
        changes = list(page.context["page"])
        assert len(changes) == count
        assert {(c.cost_effect, c.price_effect) for c in changes} == {
            (Decimal(80_000_000), Decimal(100_000_000))
        }
        assert "100.000.000 ₫" in page_text(page)

    def test_the_status_filter(self, login, lan, project, asker):
        open_one = change_of(project, asker, title="Đang chờ")
        decided = change_of(project, asker, title="Đã duyệt")
        services.approve_change_request(by=lan, change=decided)
        http = login(lan)
        waiting = http.get(url("change_list"), {"status": "open"}).context["page"]
        assert [c.pk for c in waiting] == [open_one.pk]
        approved = http.get(url("change_list"), {"status": "approved"}).context["page"]
        assert [c.pk for c in approved] == [decided.pk]
        assert http.get(url("change_list"), {"status": "nope"}).status_code == 200

    def test_an_outsider_sees_none_and_a_department_member_gets_404(
        self, login, minh, creative, project, asker
    ):
        change_of(project, asker)
        assert list(login(minh).get(url("change_list")).context["page"]) == []
        assert login(creative).get(url("change_list")).status_code == 404


class TestRecordingAChange:
    def test_the_kam_records_what_the_client_asks_and_who_asked(self, login, lan, project, asker):
        StakeholderFactory()  # another client's person is no choice
        http = login(lan)
        form = http.get(url("change_create", project.pk)).context["form"]
        assert list(form.fields["requested_by"].queryset) == [asker]
        assert form.initial["requested_on"] == timezone.localdate()
        response = http.post(
            url("change_create", project.pk),
            {
                "requested_by": asker.pk,
                "title": "Thêm phụ đề tiếng Anh",
                "description": "Cho bản TVC chiếu quốc tế",
                "days_effect": "3",
                "paid_by": "client",
            },
        )
        change = ChangeRequest.objects.get()
        assert response["Location"] == url("change_detail", change.pk) + "#lines"
        assert (change.requested_by, change.requested_on, change.days_effect) == (
            asker,
            timezone.localdate(),
            3,
        )

    def test_a_request_dated_in_the_future_is_refused_beside_the_field(
        self, login, lan, project, asker
    ):
        response = login(lan).post(
            url("change_create", project.pk),
            {
                "requested_by": asker.pk,
                "title": "Thêm phụ đề",
                "description": "Cho bản quốc tế",
                "requested_on": days(3).isoformat(),
                "days_effect": "0",
                "paid_by": "client",
            },
        )
        assert response.status_code == 422
        assert "requested_on" in response.context["form"].errors
        assert not ChangeRequest.objects.exists()

    def test_the_change_is_edited_while_open(self, login, lan, project, asker):
        change = change_of(project, asker)
        data = {
            "requested_by": asker.pk,
            "title": "Thêm 3 KOL",
            "description": change.description,
            "requested_on": change.requested_on.isoformat(),
            "days_effect": "7",
            "paid_by": "agency",
        }
        response = login(lan).post(url("change_edit", change.pk), data)
        assert response["Location"] == url("change_detail", change.pk)
        change.refresh_from_db()
        assert (change.title, change.days_effect, change.paid_by) == ("Thêm 3 KOL", 7, "agency")


class TestTheChangePage:
    def test_the_lines_and_the_totals_of_the_effect(
        self, login, lan, project, asker, django_assert_max_num_queries
    ):
        change = change_of(project, asker)
        http = login(lan)
        with django_assert_max_num_queries(10):
            page = http.get(url("change_detail", change.pk))
        text = page_text(page)
        assert page.status_code == 200
        assert page.context["effect"].price_effect == Decimal(100_000_000)
        assert "80.000.000 ₫" in text and "100.000.000 ₫" in text and "Trần Thị Mai" in text
        assert 'id="history-title"' in text

    def test_lines_are_added_edited_and_removed_and_the_totals_follow(
        self, login, lan, project, asker
    ):
        change = change_of(project, asker)
        http = login(lan)
        added = http.post(url("change_line_add", change.pk), line_form())
        assert added["Location"] == url("change_detail", change.pk) + "#lines"
        line = change.lines.get(kind="department")
        assert (line.cost_amount, line.price_amount) == (Decimal(30_000_000), Decimal(45_000_000))
        removed_kol = change.lines.get(kind="kol")
        edited = http.post(
            url("change_line_edit", removed_kol.pk),
            line_form(effect="remove", kind="kol", department="", description="Bớt 1 KOL",
                      unit_cost_amount="40000000", unit_price_amount="50000000"),
        )  # fmt: skip
        assert edited["Location"] == url("change_detail", change.pk) + "#lines"
        effect = http.get(url("change_detail", change.pk)).context["effect"]
        assert (effect.cost_effect, effect.price_effect) == (
            Decimal(-10_000_000),
            Decimal(-5_000_000),
        )
        http.post(url("change_line_remove", line.pk))
        assert not ChangeLine.objects.filter(pk=line.pk).exists()

    def test_a_bad_line_is_refused_beside_the_field_and_nothing_is_saved(
        self, login, lan, project, asker
    ):
        change = change_of(project, asker)
        http = login(lan)
        no_quantity = http.post(url("change_line_add", change.pk), line_form(quantity="0"))
        assert no_quantity.status_code == 422
        assert "quantity" in no_quantity.context["line_form"].errors
        no_department = http.post(url("change_line_add", change.pk), line_form(department=""))
        assert no_department.status_code == 422
        assert "department" in no_department.context["line_form"].errors
        assert change.lines.count() == 1

    def test_the_client_approves_and_the_project_takes_the_change_in(
        self, login, lan, project, asker
    ):
        change = change_of(project, asker)
        ends_on = project.ends_on
        http = login(lan)
        # The client's approval revises the budget too: budgets records it.
        response = http.post(
            reverse("budgets:change_approve", args=[change.pk]),
            {"approve-decided_on": timezone.localdate().isoformat(), "approve-note": "Đồng ý"},
        )
        assert response["Location"] == url("change_detail", change.pk) + "#decision"
        change.refresh_from_db()
        project.refresh_from_db()
        assert (change.status, change.decision_note) == ("approved", "Đồng ý")
        assert project.ends_on == ends_on + timedelta(days=5)
        assert project.check_items.filter(source="change", text=change.title).exists()
        page = http.get(url("change_detail", change.pk))
        assert page.context["can_change"] is False and "line_form" not in page.context

    def test_a_decision_before_the_request_is_refused_beside_the_field(
        self, login, lan, project, asker
    ):
        change = change_of(project, asker)
        response = login(lan).post(
            url("change_reject", change.pk), {"reject-decided_on": days(-5).isoformat()}
        )
        assert response.status_code == 422
        assert "decided_on" in response.context["reject_form"].errors
        change.refresh_from_db()
        assert change.status == "open"

    def test_the_client_rejects_and_nothing_of_the_project_moves(self, login, lan, project, asker):
        change = change_of(project, asker)
        ends_on = project.ends_on
        login(lan).post(url("change_reject", change.pk), {"reject-note": "Quá đắt"})
        change.refresh_from_db()
        project.refresh_from_db()
        assert (change.status, change.decision_note, change.decided_on) == (
            "rejected",
            "Quá đắt",
            timezone.localdate(),
        )
        assert project.ends_on == ends_on

    def test_a_decided_change_no_longer_changes(self, login, lan, project, asker):
        in_english(lan)
        change = change_of(project, asker)
        services.reject_change_request(by=lan, change=change)
        response = login(lan).post(url("change_line_add", change.pk), line_form())
        assert response.status_code == 422
        assert "The client has decided this change (rejected)" in page_text(response)


class TestWhoSeesChanges:
    def test_an_outsider_and_a_department_member_get_404_everywhere(
        self, login, minh, creative, project, asker
    ):
        change = change_of(project, asker)
        line = change.lines.get()
        for person in (minh, creative):
            http = login(person)
            assert http.get(url("change_create", project.pk)).status_code == 404
            for name in ("change_detail", "change_edit"):
                assert http.get(url(name, change.pk)).status_code == 404
            for name in ("change_line_add", "change_reject"):
                assert http.post(url(name, change.pk), line_form()).status_code == 404
            approve = reverse("budgets:change_approve", args=[change.pk])
            assert http.post(approve, line_form()).status_code == 404
            assert http.get(url("change_line_edit", line.pk)).status_code == 404
            assert http.post(url("change_line_remove", line.pk)).status_code == 404
        change.refresh_from_db()
        assert change.status == "open" and change.lines.count() == 1

    def test_finance_reads_the_change_without_its_forms(self, login, finance, project, asker):
        change = change_of(project, asker)
        page = login(finance).get(url("change_detail", change.pk))
        assert page.status_code == 200 and page.context["can_change"] is False
        approve = reverse("budgets:change_approve", args=[change.pk])
        assert login(finance).post(approve).status_code == 404
