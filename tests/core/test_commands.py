import io
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from faker.providers.person.vi_VN import Provider as VietnameseNames

from kam.clients.models import Client
from kam.core.models import AuditEvent
from kam.people import services
from kam.people.checks import demo_passwords_check
from kam.people.models import ApiToken, User


def seeded_names() -> list[str]:
    return list(User.objects.order_by("username").values_list("full_name", flat=True))


def seeded_clients() -> list[tuple]:
    return list(Client.objects.order_by("legal_name").values_list("legal_name", "tax_code"))


@contextmanager
def undone():
    """What happens inside is rolled back (to a savepoint), so the next seed starts from an
    empty database: issued invoices and payments cannot be deleted, by anyone."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def test_the_same_seed_gives_the_same_demo_data(db):
    with undone():
        call_command("seed", seed=7, verbosity=0)
        first = (seeded_names(), seeded_clients())
    with undone():
        call_command("seed", seed=7, verbosity=0)
        assert (seeded_names(), seeded_clients()) == first
    call_command("seed", seed=8, verbosity=0)
    assert seeded_names() != first[0]
    assert seeded_clients() != first[1]


def test_the_demo_data_is_vietnamese_with_every_role_represented(db):
    call_command("seed", verbosity=0)
    names = seeded_names()
    assert any(letter in " ".join(names) for letter in "ăâđêôơư")
    # Family name first, no honorifics (Faker's vi_VN default writes "Bà An Đặng").
    family_names = {*VietnameseNames.last_names, "Phan", "Võ", "Đỗ", "Lê"}
    assert all(name.split()[0] in family_names for name in names), names
    for flag in ["is_superuser", "is_director", "is_kam", "is_sales", "is_planner", "is_finance"]:
        assert User.objects.filter(**{flag: True}).exists(), flag
    assert User.objects.filter(username="creative", department__code="creative").exists()
    assert AuditEvent.objects.filter(verb="user.created").count() == User.objects.count()


def test_seeding_refuses_a_database_that_has_people(lan):
    with pytest.raises(CommandError):
        call_command("seed", verbosity=0)


@override_settings(PRODUCTION=True)
def test_seeding_refuses_production(db):
    with pytest.raises(CommandError):
        call_command("seed", verbosity=0)


def test_token_create_prints_a_working_key(lan):
    out = io.StringIO()
    call_command("token", "create", "lan", stdout=out)
    key = out.getvalue().strip()
    assert services.user_for_api_key(key) == lan
    assert ApiToken.objects.get(user=lan).name == "command line"


def test_token_create_for_nobody_fails_clearly(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("token", "create", "ghost")


@override_settings(PRODUCTION=True)
def test_production_refuses_to_start_while_a_demo_login_keeps_the_demo_password(lan):
    lan.set_password("demo")
    lan.save()
    errors = demo_passwords_check(None, databases=["default"])
    assert [error.id for error in errors] == ["kam.E001"]
    lan.set_password("a real one, long enough")
    lan.save()
    assert demo_passwords_check(None, databases=["default"]) == []


def test_outside_production_demo_passwords_are_fine(lan):
    lan.set_password("demo")
    lan.save()
    assert demo_passwords_check(None, databases=["default"]) == []


def test_missing_front_end_libraries_are_an_explained_error(settings, tmp_path):
    from kam.core.checks import front_end_libraries_check

    assert front_end_libraries_check(None) == []
    settings.STATICFILES_DIRS = [("vendor/htmx", tmp_path / "nowhere")]
    errors = front_end_libraries_check(None)
    assert [error.id for error in errors] == ["kam.E002"] and "npm ci" in errors[0].hint
