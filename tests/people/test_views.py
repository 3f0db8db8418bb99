import pytest
from django.test import Client, override_settings
from django.urls import reverse

from kam.core.models import AuditEvent
from kam.people import services
from kam.people.models import ApiToken, LoginFailure, User
from tests.conftest import FULL_WIDTH_LAN, PASSWORD


class TestSignIn:
    def test_the_sign_in_page_greets_in_vietnamese_by_default(self, client):
        response = client.get(reverse("people:login"))
        assert response.status_code == 200
        assert response.headers["Content-Language"] == "vi"

    def test_a_wrong_password_is_told_and_counted(self, client, lan):
        response = client.post(reverse("people:login"), {"username": "lan", "password": "nope"})
        assert response.status_code == 200
        assert b'role="alert"' in response.content
        assert LoginFailure.objects.filter(username="lan").count() == 1

    @override_settings(KAM_LOGIN_MAX_FAILURES=2)
    def test_after_repeated_failures_even_the_right_password_waits(self, client, lan):
        for _ in range(2):
            client.post(reverse("people:login"), {"username": "lan", "password": "nope"})
        response = client.post(reverse("people:login"), {"username": "lan", "password": PASSWORD})
        assert "_auth_user_id" not in client.session
        assert response.context["form"].errors.as_data()["__all__"][0].code == "locked"

    @override_settings(KAM_LOGIN_MAX_FAILURES=3)
    def test_an_empty_password_does_not_reset_the_count(self, client, lan):
        for _ in range(2):
            client.post(reverse("people:login"), {"username": "lan", "password": "nope"})
            client.post(reverse("people:login"), {"username": "lan", "password": ""})
        client.post(reverse("people:login"), {"username": "lan", "password": PASSWORD})
        assert "_auth_user_id" not in client.session

    @override_settings(KAM_LOGIN_MAX_FAILURES=2)
    def test_a_full_width_spelling_of_a_locked_username_is_locked_too(self, client, lan):
        for _ in range(2):
            client.post(reverse("people:login"), {"username": "lan", "password": "nope"})
        client.post(reverse("people:login"), {"username": FULL_WIDTH_LAN, "password": PASSWORD})
        assert "_auth_user_id" not in client.session

    def test_a_successful_sign_in_clears_the_failures(self, client, lan):
        client.post(reverse("people:login"), {"username": "lan", "password": "nope"})
        response = client.post(reverse("people:login"), {"username": "lan", "password": PASSWORD})
        assert response.status_code == 302
        assert not LoginFailure.objects.exists()

    def test_an_empty_form_says_which_fields_are_missing(self, client, db):
        page = client.post(
            reverse("people:login"), {"username": "", "password": ""}
        ).content.decode()
        assert page.count('class="form-error"') >= 2

    def test_the_admin_site_signs_in_through_the_throttled_page(self, client, db):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"] == reverse("people:login") + "?next=/admin/"

    def test_a_signed_in_person_sent_back_to_sign_in_lands_home(self, login, lan):
        response = login(lan).get(reverse("people:login") + "?next=/login/")
        assert response.status_code == 302 and response["Location"] == "/"

    @override_settings(PRODUCTION=True)
    def test_production_refuses_the_demo_password_at_sign_in(self, client, lan):
        lan.set_password("demo")
        lan.save()
        client.post(reverse("people:login"), {"username": "lan", "password": "demo"})
        assert "_auth_user_id" not in client.session

    def test_pages_send_visitors_to_sign_in(self, client):
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("people:login"))


class TestLanguage:
    def test_a_visitor_picks_english_before_signing_in(self, client):
        response = client.post(
            reverse("people:set_language"), {"language": "en", "next": "/login/"}
        )
        assert response["Location"] == "/login/"
        assert client.get("/login/").headers["Content-Language"] == "en"

    def test_the_choice_is_kept_on_the_person(self, login, lan):
        client = login(lan)
        client.post(reverse("people:set_language"), {"language": "en", "next": "/"})
        lan.refresh_from_db()
        assert lan.language == "en"
        client.cookies.clear()
        client.force_login(lan)
        assert client.get("/").headers["Content-Language"] == "en"

    def test_a_foreign_next_address_is_not_followed(self, client):
        response = client.post(
            reverse("people:set_language"), {"language": "en", "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"


class TestProfile:
    def test_a_new_token_is_shown_once_then_only_its_prefix(self, login, lan):
        client = login(lan)
        response = client.post(reverse("people:token_create"), {"name": "Google Sheets"})
        key = response.context["new_key"]
        assert key in response.content.decode()
        token = ApiToken.objects.get(user=lan)
        page = client.get(reverse("people:profile")).content.decode()
        assert key not in page and token.prefix in page

    def test_revoking_a_token_from_the_profile(self, login, lan):
        client = login(lan)
        client.post(reverse("people:token_create"), {"name": "Sheets"})
        token = ApiToken.objects.get(user=lan)
        client.post(reverse("people:token_revoke", args=[token.pk]))
        token.refresh_from_db()
        assert token.revoked_at is not None

    def test_someone_elses_token_is_not_found(self, login, lan, minh):
        login(minh).post(reverse("people:token_create"), {"name": "Minh's"})
        token = ApiToken.objects.get(user=minh)
        response = login(lan).post(reverse("people:token_revoke", args=[token.pk]))
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_a_wrong_current_password_is_shown_beside_the_field(self, login, lan):
        response = login(lan).post(
            reverse("people:password_change"),
            {
                "old_password": "x",
                "new_password": "new pass 2026!",
                "new_password_again": "new pass 2026!",
            },
        )
        assert "old_password" in response.context["password_form"].errors

    def test_the_profile_page_shows_the_persons_own_history(self, login, lan):
        client = login(lan)
        client.post(
            reverse("people:profile"),
            {"full_name": "Nguyễn Thị Lan Anh", "email": "lan@example.com", "language": "vi"},
        )
        page = client.get(reverse("people:profile")).content.decode()
        assert "Nguyễn Thị Lan Anh" in page and "Nguyễn Thị Lan →" in page


class TestDirectory:
    def test_an_admin_adds_a_person_and_sees_the_history(self, login, admin, team_a):
        client = login(admin)
        response = client.post(
            reverse("people:user_create"),
            {
                "username": "thu",
                "full_name": "Ngô Anh Thư",
                "email": "thu@example.com",
                "language": "vi",
                "team": team_a.pk,
                "is_kam": "on",
                "is_active": "on",
            },
        )
        person = User.objects.get(username="thu")
        assert response["Location"] == reverse("people:user_detail", args=[person.pk])
        page = client.get(response["Location"]).content.decode()
        assert "Ngô Anh Thư" in page and "Phạm Quốc Anh" in page  # the history names the actor

    def test_a_refused_person_form_answers_422_and_saves_nothing(self, login, admin, lan):
        response = login(admin).post(
            reverse("people:user_create"),
            {"username": "LAN", "full_name": "Trùng", "language": "vi", "is_active": "on"},
        )
        assert response.status_code == 422
        assert "username" in response.context["form"].errors
        assert User.objects.filter(username__iexact="lan").count() == 1
        assert not AuditEvent.objects.filter(verb="user.created", subject_label="Trùng").exists()

    def test_the_people_list_needs_the_same_queries_for_many_people(
        self, login, admin, everyone, django_assert_max_num_queries
    ):
        client = login(admin)
        with django_assert_max_num_queries(6):
            response = client.get(reverse("people:user_list"))
        assert response.content.decode().count("<tr>") == User.objects.count() + 1

    def test_the_htmx_search_answers_only_the_rows(self, login, admin, everyone):
        response = login(admin).get(
            reverse("people:user_list"), {"q": "Lan"}, HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert "<html" not in body and "Nguyễn Thị Lan" in body and "Đặng Văn Minh" not in body

    @pytest.mark.parametrize("name", ["team_list", "department_list", "user_list"])
    def test_lists_stay_within_a_fixed_number_of_queries(
        self, name, login, admin, everyone, django_assert_max_num_queries
    ):
        client = login(admin)
        with django_assert_max_num_queries(6):
            assert client.get(reverse(f"people:{name}")).status_code == 200

    @pytest.mark.parametrize("name,record", [("team_detail", "team_a"), ("user_detail", "lan")])
    def test_detail_pages_stay_within_a_fixed_number_of_queries(
        self, name, record, request, login, admin, everyone, django_assert_max_num_queries
    ):
        client = login(admin)
        with django_assert_max_num_queries(8):
            assert (
                client.get(
                    reverse(f"people:{name}", args=[request.getfixturevalue(record).pk])
                ).status_code
                == 200
            )

    def test_an_admin_creates_a_team_through_the_form(self, login, admin, director):
        response = login(admin).post(
            reverse("people:team_create"), {"name": "Nhóm C", "leader": director.pk}
        )
        assert response.status_code == 302

    def test_a_kam_is_refused_as_team_leader_beside_the_field(self, login, admin, lan):
        response = login(admin).post(
            reverse("people:team_create"), {"name": "Nhóm C", "leader": lan.pk}
        )
        assert response.status_code == 422
        assert "leader" in response.context["form"].errors


def test_the_profile_explains_how_to_send_a_token(login, lan):
    page = login(lan).get(reverse("people:profile")).content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in page


def test_an_admin_sets_a_password_from_the_persons_page(login, admin, lan):
    client = login(admin)
    page = client.get(reverse("people:user_detail", args=[lan.pk])).content.decode()
    assert reverse("people:user_set_password", args=[lan.pk]) in page
    response = client.post(
        reverse("people:user_set_password", args=[lan.pk]),
        {"new_password": "a fresh start 2026", "new_password_again": "a fresh start 2026"},
    )
    assert response["Location"] == reverse("people:user_detail", args=[lan.pk])
    lan.refresh_from_db()
    assert lan.check_password("a fresh start 2026")


def test_mismatched_passwords_are_refused_beside_the_field(login, admin, lan):
    response = login(admin).post(
        reverse("people:user_set_password", args=[lan.pk]),
        {"new_password": "a fresh start 2026", "new_password_again": "something else"},
    )
    assert response.status_code == 422
    assert "new_password_again" in response.context["form"].errors


def test_an_admin_revokes_a_persons_token_from_their_page(login, admin, lan):
    token, _key = services.create_api_token(by=lan, name="Old laptop")
    client = login(admin)
    assert "Old laptop" in client.get(reverse("people:user_detail", args=[lan.pk])).content.decode()
    response = client.post(reverse("people:token_revoke", args=[token.pk]))
    assert response["Location"] == reverse("people:user_detail", args=[lan.pk])
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_form_posted_without_the_csrf_token_is_refused(lan):
    strict = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    strict.force_login(lan)
    response = strict.post(reverse("people:profile"), {"full_name": "X", "language": "en"})
    assert response.status_code == 403
    assert 'id="main"' in response.content.decode()  # explained inside the shell
    lan.refresh_from_db()
    assert lan.full_name == "Nguyễn Thị Lan"
