"""The booking pages: booking a KOL or a venue for the project and a backup for it, confirming,
completing and cancelling one (its backup taking its place), promoting a backup; the access
policy on each (owner, outsider, department member)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.delivery import services
from kam.delivery.models import Booking
from tests.clients.factories import ClientFactory
from tests.delivery.factories import booking, running_project


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


def bookings_url(project) -> str:
    return url("project_detail", project.pk) + "#bookings"


def booking_form(**changes) -> dict:
    return {
        "kind": "kol",
        "name": "Sơn Tùng M-TP",
        "contact": "Quản lý: 0901 234 567",
        "purpose": "2 bài đăng TikTok",
        "fee_amount": "300000000",
        "starts_on": days(10).isoformat(),
        "ends_on": days(11).isoformat(),
        **changes,
    }


class TestBooking:
    def test_the_kam_books_a_kol_and_a_backup_for_it(self, login, lan, project):
        http = login(lan)
        assert http.get(url("booking_create", project.pk)).status_code == 200
        response = http.post(url("booking_create", project.pk), booking_form())
        assert response["Location"] == bookings_url(project)
        primary = Booking.objects.get()
        assert (primary.fee_amount, primary.status) == (Decimal(300_000_000), "proposed")
        form = http.get(url("booking_create", project.pk), {"backup_for": primary.pk})
        assert "Sơn Tùng M-TP" in str(form.context["title"])
        http.post(
            f"{url('booking_create', project.pk)}?backup_for={primary.pk}",
            booking_form(name="Hoàng Thùy Linh"),
        )
        backup = Booking.objects.get(name="Hoàng Thùy Linh")
        assert backup.backup_for == primary
        page = page_text(http.get(url("project_detail", project.pk)))
        assert "Hoàng Thùy Linh" in page and "300.000.000 ₫" in page

    def test_a_second_backup_and_dates_upside_down_are_refused_beside_the_form(
        self, login, lan, project
    ):
        in_english(lan)
        primary = booking(project)
        booking(project, name="Dự phòng", backup_for=primary)
        http = login(lan)
        second = http.post(
            f"{url('booking_create', project.pk)}?backup_for={primary.pk}",
            booking_form(name="Dự phòng 2"),
        )
        assert second.status_code == 422 and "This booking has its backup already." in page_text(
            second
        )
        upside_down = http.post(
            url("booking_create", project.pk), booking_form(ends_on=days(9).isoformat())
        )
        assert upside_down.status_code == 422
        assert "ends_on" in upside_down.context["form"].errors
        assert Booking.objects.count() == 2

    def test_a_backup_for_another_projects_booking_is_a_404(self, login, lan, project):
        elsewhere = booking(running_project(client=ClientFactory(owner=lan)))
        response = login(lan).get(url("booking_create", project.pk), {"backup_for": elsewhere.pk})
        assert response.status_code == 404
        odd = login(lan).get(url("booking_create", project.pk), {"backup_for": "x"})
        assert odd.status_code == 404

    def test_the_booking_is_edited_confirmed_and_done(self, login, lan, project):
        item = booking(project)
        http = login(lan)
        edited = http.post(url("booking_edit", item.pk), booking_form(fee_amount="", name="Mới"))
        assert edited["Location"] == bookings_url(project)
        item.refresh_from_db()
        assert (item.name, item.fee_amount) == ("Mới", Decimal(0))
        http.post(url("booking_confirm", item.pk))
        item.refresh_from_db()
        assert item.status == "confirmed"
        http.post(url("booking_done", item.pk))
        item.refresh_from_db()
        assert item.status == "done"

    def test_done_before_confirmed_says_why(self, login, lan, project):
        in_english(lan)
        item = booking(project)
        response = login(lan).post(url("booking_done", item.pk), follow=True)
        assert "Only a confirmed booking is done." in page_text(response)
        item.refresh_from_db()
        assert item.status == "proposed"


class TestCancellingAndPromoting:
    def test_cancelling_promotes_the_backup_in_the_same_step(self, login, lan, project):
        in_english(lan)
        primary = booking(project, name="KOL A")
        backup = booking(project, name="KOL B", backup_for=primary)
        http = login(lan)
        form = http.get(url("booking_cancel", primary.pk)).context["form"]
        assert form["promote_backup"].value() is True
        refused = http.post(url("booking_cancel", primary.pk), {"promote_backup": "on"})
        assert refused.status_code == 422 and "reason" in refused.context["form"].errors
        primary.refresh_from_db()
        assert primary.status == "proposed"
        response = http.post(
            url("booking_cancel", primary.pk),
            {"reason": "KOL A bị scandal", "promote_backup": "on"},
            follow=True,
        )
        assert "“KOL B” takes its place" in page_text(response)
        primary.refresh_from_db()
        backup.refresh_from_db()
        assert (primary.status, primary.cancelled_reason) == ("cancelled", "KOL A bị scandal")
        assert backup.backup_for is None and backup.status == "proposed"

    def test_cancelling_without_promoting_keeps_the_backup_waiting(self, login, lan, project):
        primary = booking(project, name="KOL A")
        backup = booking(project, name="KOL B", backup_for=primary)
        login(lan).post(url("booking_cancel", primary.pk), {"reason": "Đổi kế hoạch"})
        backup.refresh_from_db()
        assert backup.backup_for == primary

    def test_promoting_a_backup_cancels_what_it_backs_up_for_the_reason_given(
        self, login, lan, project
    ):
        primary = booking(project, name="KOL A")
        backup = booking(project, name="KOL B", backup_for=primary)
        http = login(lan)
        refused = http.post(url("booking_promote", backup.pk), {"reason": ""})
        assert refused.status_code == 422 and "reason" in refused.context["form"].errors
        response = http.post(url("booking_promote", backup.pk), {"reason": "KOL A ốm"})
        assert response["Location"] == bookings_url(project)
        primary.refresh_from_db()
        backup.refresh_from_db()
        assert primary.status == "cancelled" and backup.backup_for is None

    def test_promoting_a_cancelled_backup_is_refused_beside_the_form(self, login, lan, project):
        in_english(lan)
        primary = booking(project, name="KOL A")
        backup = booking(project, name="KOL B", backup_for=primary)
        services.cancel_booking(by=lan, booking=backup, reason="KOL B bận")
        response = login(lan).post(url("booking_promote", backup.pk), {"reason": "KOL A ốm"})
        assert response.status_code == 422
        assert "This backup is cancelled; it cannot take the place." in page_text(response)
        primary.refresh_from_db()
        backup.refresh_from_db()
        assert primary.status == "proposed" and backup.backup_for == primary


class TestWhoMayBook:
    def test_an_outsider_and_a_department_member_get_404_everywhere(
        self, login, minh, creative, project
    ):
        item = booking(project)
        for person in (minh, creative):
            http = login(person)
            assert http.get(url("booking_create", project.pk)).status_code == 404
            assert http.post(url("booking_create", project.pk), booking_form()).status_code == 404
            for name in ("booking_edit", "booking_cancel", "booking_promote"):
                assert http.get(url(name, item.pk)).status_code == 404
            for name in ("booking_confirm", "booking_done"):
                assert http.post(url(name, item.pk)).status_code == 404
            cancelled = http.post(url("booking_cancel", item.pk), {"reason": "x"})
            assert cancelled.status_code == 404
        assert Booking.objects.count() == 1
        item.refresh_from_db()
        assert item.status == "proposed"

    def test_finance_reads_the_bookings_but_does_not_change_them(self, login, finance, project):
        item = booking(project)
        http = login(finance)
        assert "Hoa hậu Thùy Tiên" in page_text(http.get(url("project_detail", project.pk)))
        assert http.post(url("booking_confirm", item.pk)).status_code == 404

    def test_one_click_actions_are_post_only(self, login, lan, project):
        item = booking(project)
        http = login(lan)
        for name in ("booking_confirm", "booking_done"):
            assert http.get(url(name, item.pk)).status_code == 405
