import pytest
from django.http import Http404
from django.test import override_settings
from django.utils import translation

from kam.core.errors import DomainError
from kam.core.models import AuditEvent
from kam.people import services
from kam.people.models import ApiToken, Department, LoginFailure, User
from tests.conftest import FULL_WIDTH_LAN


def events(subject, verb):
    return AuditEvent.objects.filter(subject_id=str(subject.pk), verb=verb)


class TestUsers:
    def test_an_admin_adds_a_person_and_the_history_says_so(self, admin, team_a):
        person = services.create_user(
            by=admin, username="thu", full_name="Ngô Anh Thư", is_kam=True, team=team_a
        )
        event = events(person, "user.created").get()
        assert event.actor == admin
        assert event.changes["full_name"] == [None, "Ngô Anh Thư"]
        assert event.changes["team"] == [None, "Nhóm A"]

    def test_a_kam_cannot_add_people(self, lan):
        with pytest.raises(Http404):
            services.create_user(by=lan, username="x", full_name="X")
        assert not User.objects.filter(username="x").exists()

    def test_a_username_is_taken_whatever_its_case(self, admin, lan):
        with pytest.raises(DomainError) as refused:
            services.create_user(by=admin, username="LAN", full_name="Another Lan")
        assert refused.value.field == "username"
        assert User.objects.filter(username__iexact="lan").count() == 1

    def test_without_a_password_the_person_cannot_sign_in_yet(self, admin):
        person = services.create_user(by=admin, username="newbie", full_name="Lý Mới")
        assert not person.has_usable_password()

    def test_a_weak_password_is_refused_with_the_validators_reason(self, admin):
        with pytest.raises(DomainError) as refused:
            services.create_user(by=admin, username="weak", full_name="Yếu", password="12345678")
        assert refused.value.field == "password"
        assert not User.objects.filter(username="weak").exists()

    @override_settings(PRODUCTION=True)
    def test_production_refuses_the_demo_password(self, admin):
        with pytest.raises(DomainError):
            services.create_user(by=admin, username="demo1", full_name="Demo", password="demo")

    def test_changing_a_person_records_before_and_after(self, admin, lan, team_b):
        services.update_user(by=admin, user=lan, team=team_b, is_director=True)
        event = events(lan, "user.updated").get()
        assert event.changes == {"team": ["Nhóm A", "Nhóm B"], "is_director": [False, True]}

    def test_an_admin_cannot_lock_themselves_out(self, admin):
        with pytest.raises(DomainError):
            services.update_user(by=admin, user=admin, is_active=False)
        admin.refresh_from_db()
        assert admin.is_active

    def test_an_invalid_email_is_refused_and_nothing_is_saved(self, admin, lan):
        with pytest.raises(DomainError) as refused:
            services.update_user(by=admin, user=lan, email="not an email")
        assert refused.value.field == "email"
        lan.refresh_from_db()
        assert lan.email == "lan@example.com"

    def test_an_admin_sets_a_forgotten_password_and_the_history_says_so(self, admin, lan):
        services.set_password(by=admin, user=lan, password="a fresh start 2026")
        lan.refresh_from_db()
        assert lan.check_password("a fresh start 2026")
        assert events(lan, "user.password_set").get().actor == admin

    def test_only_an_admin_sets_someone_elses_password(self, director, lan):
        with pytest.raises(Http404):
            services.set_password(by=director, user=lan, password="a fresh start 2026")

    def test_changing_a_person_does_not_write_back_a_stale_password(self, admin, lan):
        stale = User.objects.get(pk=lan.pk)
        services.change_password(
            by=lan, old_password="correct horse battery", new_password="brand new secret 1"
        )
        services.update_user(by=admin, user=stale, email="lan.nguyen@example.com")
        lan.refresh_from_db()
        assert lan.check_password("brand new secret 1") and lan.email == "lan.nguyen@example.com"

    def test_the_first_admin_exists_only_once(self, db):
        services.create_first_admin(username="root", password="x" * 12, full_name="Gốc")
        with pytest.raises(DomainError):
            services.create_first_admin(username="root2", password="x" * 12, full_name="Hai")


class TestProfile:
    def test_a_person_switches_their_language(self, lan):
        services.update_profile(by=lan, language="en")
        lan.refresh_from_db()
        assert lan.language == "en"
        assert events(lan, "user.updated").get().changes == {"language": ["vi", "en"]}

    def test_roles_cannot_be_changed_through_the_profile(self, lan):
        with pytest.raises(DomainError):
            services.update_profile(by=lan, is_superuser=True)
        lan.refresh_from_db()
        assert not lan.is_superuser

    def test_an_unknown_language_is_refused(self, lan):
        with pytest.raises(DomainError):
            services.update_profile(by=lan, language="fr")

    def test_changing_the_password_needs_the_current_one(self, lan):
        with pytest.raises(DomainError) as refused:
            services.change_password(by=lan, old_password="wrong", new_password="a much better one")
        assert refused.value.field == "old_password"
        services.change_password(
            by=lan, old_password="correct horse battery", new_password="a much better one"
        )
        lan.refresh_from_db()
        assert lan.check_password("a much better one")


class TestTeamsAndDepartments:
    def test_a_team_is_led_by_a_director(self, admin, lan):
        with pytest.raises(DomainError) as refused:
            services.create_team(by=admin, name="Nhóm C", leader=lan)
        assert refused.value.field == "leader"

    def test_team_names_are_unique(self, admin, team_a, director):
        with pytest.raises(DomainError) as refused:
            services.create_team(by=admin, name="Nhóm A", leader=director)
        assert refused.value.field == "name"

    def test_a_new_installation_starts_with_the_agencys_departments(self, db):
        assert set(Department.objects.values_list("code", flat=True)) == {
            "plan", "event", "creative", "media", "kol", "production", "finance"
        }  # fmt: skip

    def test_the_audit_names_a_department_the_same_whoever_reads(
        self, admin, lan, creative_department
    ):
        with translation.override("en"):
            services.update_user(by=admin, user=lan, department=creative_department)
        assert events(lan, "user.updated").get().changes["department"] == [None, "Sáng tạo"]

    def test_renaming_a_department_is_audited(self, admin, creative_department):
        services.update_department(by=admin, department=creative_department, name="Phòng Sáng tạo")
        assert events(creative_department, "department.updated").get().changes == {
            "name": ["Sáng tạo", "Phòng Sáng tạo"]
        }

    def test_only_admins_change_departments(self, director, creative_department):
        with pytest.raises(Http404):
            services.update_department(by=director, department=creative_department, name="X")


class TestApiTokens:
    def test_a_token_is_stored_only_as_a_hash(self, lan):
        token, key = services.create_api_token(by=lan, name="Zapier")
        assert key.startswith("kam_") and len(key) > 40
        assert key not in token.key_hash and token.prefix == key[:12]
        assert services.user_for_api_key(key) == lan

    def test_token_events_read_as_api_tokens_in_the_history(self, lan):
        services.create_api_token(by=lan, name="Zapier")
        with translation.override("en"):
            assert events(lan, "token.created").get().readable_changes == [
                ("API token", "—", "Zapier (" + ApiToken.objects.get().prefix + "…)")
            ]

    def test_a_revoked_token_no_longer_signs_in(self, lan):
        token, key = services.create_api_token(by=lan, name="Zapier")
        services.revoke_api_token(by=lan, token=token)
        assert services.user_for_api_key(key) is None

    def test_a_deactivated_persons_token_no_longer_signs_in(self, admin, lan):
        _token, key = services.create_api_token(by=lan, name="Zapier")
        services.update_user(by=admin, user=lan, is_active=False)
        assert services.user_for_api_key(key) is None

    def test_nobody_revokes_someone_elses_token_but_an_admin(self, lan, minh, admin):
        token, _key = services.create_api_token(by=lan, name="Zapier")
        with pytest.raises(Http404):
            services.revoke_api_token(by=minh, token=token)
        services.revoke_api_token(by=admin, token=token)
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None

    def test_a_token_needs_a_name(self, lan):
        with pytest.raises(DomainError):
            services.create_api_token(by=lan, name="  ")

    def test_a_made_up_key_signs_nobody_in(self, lan):
        assert services.user_for_api_key("kam_made-up") is None
        assert services.user_for_api_key("") is None


class TestSignInThrottling:
    @override_settings(KAM_LOGIN_MAX_FAILURES=3)
    def test_a_username_locks_after_its_allowance_of_attempts(self, db):
        verdicts = [
            services.count_sign_in_attempt(username="Lan", ip_address=f"10.0.0.{n}")
            for n in range(4)
        ]
        assert verdicts == [False, False, False, True]
        assert not services.count_sign_in_attempt(username="hoa", ip_address="10.0.0.9")

    @override_settings(KAM_LOGIN_MAX_FAILURES=3)
    def test_look_alike_spellings_of_a_username_share_one_count(self, db):
        for spelling in ["lan", "LAN", FULL_WIDTH_LAN]:
            services.count_sign_in_attempt(username=spelling, ip_address=None)
        assert services.count_sign_in_attempt(username=" Lan ", ip_address=None)

    @override_settings(KAM_LOGIN_MAX_FAILURES=2)
    def test_one_address_guessing_many_usernames_locks_too(self, db):
        verdicts = [
            services.count_sign_in_attempt(username=f"user{n}", ip_address="10.0.0.9")
            for n in range(9)
        ]
        assert verdicts[-1] and not any(verdicts[:8])

    def test_success_clears_the_usernames_count(self, db):
        services.count_sign_in_attempt(username=FULL_WIDTH_LAN.upper(), ip_address=None)
        services.sign_in_succeeded(username="lan")
        assert not LoginFailure.objects.exists()

    def test_old_failures_are_forgotten(self, db):
        services.count_sign_in_attempt(username="lan", ip_address=None)
        LoginFailure.objects.update(at="2020-01-01T00:00:00Z")
        assert services.forget_old_sign_in_failures() == 1
        assert not LoginFailure.objects.exists()


def test_the_demo_data_puts_every_demo_login_in_its_place(db):
    from django.core.management import call_command

    call_command("seed", scale="demo", verbosity=0)
    lan = User.objects.get(username="lan")
    assert lan.check_password("demo") and lan.team.leader.username == "director"
    assert User.objects.get(username="minh").team.leader.username == "director2"
    assert User.objects.get(username="creative").department.code == "creative"


def test_signing_in_ignores_the_case_of_the_username(client, lan):
    assert client.login(username="LAN", password="correct horse battery")


class TestReviewFindings:
    def test_a_director_who_leads_a_team_keeps_the_role_until_it_has_another_leader(
        self, admin, director, team_a
    ):
        with pytest.raises(DomainError) as refused:
            services.update_user(by=admin, user=director, is_director=False)
        assert refused.value.field == "is_director" and "Nhóm A" in refused.value.message
        with pytest.raises(DomainError):
            services.update_user(by=admin, user=director, is_active=False)
        director.refresh_from_db()
        assert director.is_director and director.is_active

    def test_a_team_cannot_be_left_without_a_leader(self, admin, team_a):
        with pytest.raises(DomainError) as refused:
            services.update_team(by=admin, team=team_a, leader=None)
        assert refused.value.field == "leader"

    def test_nothing_for_a_text_field_means_empty_and_for_a_flag_is_refused(
        self, admin, creative_department, lan
    ):
        services.update_department(by=admin, department=creative_department, name_en=None)
        creative_department.refresh_from_db()
        assert creative_department.name_en == ""
        with pytest.raises(DomainError) as refused:
            services.update_user(by=admin, user=lan, is_kam=None)
        assert refused.value.field == "is_kam"

    @override_settings(KAM_LOGIN_MAX_FAILURES=3)
    def test_guessing_the_current_password_is_throttled_like_signing_in(self, lan):
        for _ in range(3):
            with pytest.raises(DomainError):
                services.change_password(
                    by=lan, old_password="guess", new_password="whatever 2026 x"
                )
        with pytest.raises(DomainError) as refused:
            services.change_password(
                by=lan, old_password="correct horse battery", new_password="whatever 2026 x"
            )
        assert "15" in refused.value.message
        lan.refresh_from_db()
        assert lan.check_password("correct horse battery")
