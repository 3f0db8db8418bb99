"""Personas of every test (ARCHITECTURE.md): lan (KAM, team A), hoa (her teammate), minh (KAM,
team B), director (leads A), director2 (leads B), sales, planner, creative (department member),
finance, admin; and the anonymous visitor, which is the plain `client`."""

import atexit
import shutil
import tempfile

import pytest
from django.db import transaction
from django.test import Client

from kam.people.models import Department, Team, User
from tests.people.factories import DepartmentFactory, TeamFactory, UserFactory

PASSWORD = "correct horse battery"
# "lan" in full-width letters: a different string that Django signs in as "lan" (NFKC).
FULL_WIDTH_LAN = "\uff4c\uff41\uff4e"


def pytest_configure(config) -> None:
    from django.conf import settings
    from huey.contrib.djhuey import HUEY

    # Tests render pages without running collectstatic first, and run jobs in-process.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    HUEY.immediate = True
    # Uploaded files go to a scratch folder, not the checkout's data folder.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="kam-test-media-")
    atexit.register(shutil.rmtree, settings.MEDIA_ROOT, ignore_errors=True)
    # Hashing at production strength would spend most of the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _let_sqlite_flushes_through_the_receivables_guard()


def _let_sqlite_flushes_through_the_receivables_guard() -> None:
    """Transactional tests empty the database between them with DELETEs on SQLite, which the
    triggers guarding issued invoices and payments refuse (receivables migration 0002): for the
    flush only, a row in its guard table lets them through."""
    # Through the backend's module: importing `operations` first is a circular import.
    from django.db.backends.sqlite3.base import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def unguarded_flush(self, sql_list) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("INSERT INTO receivables_unguarded (reason) VALUES ('test flush')")
        try:
            flush(self, sql_list)
        finally:
            with self.connection.cursor() as cursor:
                cursor.execute("DELETE FROM receivables_unguarded")

    DatabaseOperations.execute_sql_flush = unguarded_flush


# The personas' own fields, by username: their fixtures below, and `make_everyone` for data
# made once for a whole module, make them from this one table.
PERSONAS = {
    "admin": {"full_name": "Phạm Quốc Anh", "is_superuser": True, "is_staff": True},
    "director": {"full_name": "Trần Minh Đức", "is_director": True},
    "lan": {"full_name": "Nguyễn Thị Lan", "is_kam": True},
    "hoa": {"full_name": "Lê Thu Hoa", "is_kam": True},
    "director2": {"full_name": "Võ Thanh Hải", "is_director": True},
    "minh": {"full_name": "Đặng Văn Minh", "is_kam": True},
    "sales": {"full_name": "Bùi Ngọc Sơn", "is_sales": True},
    "planner": {"full_name": "Phan Thảo Vy", "is_planner": True},
    "creative": {"full_name": "Hoàng Gia Bảo"},
    "finance": {"full_name": "Đỗ Thị Hằng", "is_finance": True},
}


def selects_from(table: str, captured) -> list[str]:
    """The SELECTs of a CaptureQueriesContext that read `table`."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]
    ]


def persona(username: str, **fields) -> User:
    """The persona `username` from `PERSONAS`, with `fields` such as a team."""
    return UserFactory(username=username, **PERSONAS[username], **fields)


def team_led_by(director: User) -> Team:
    """Team A is the first director's, team B the second's."""
    return TeamFactory(
        name={"director": "Nhóm A", "director2": "Nhóm B"}[director.username], leader=director
    )


def make_creative_department() -> Department:
    return DepartmentFactory(code="creative", name="Sáng tạo", name_en="Creative")


def make_everyone() -> dict[str, User]:
    """Every persona at once, by name, with their teams and department, as the fixtures make
    them (for data made once for a whole module; tests otherwise ask for `everyone`)."""
    director, director2 = persona("director"), persona("director2")
    team_a, team_b = team_led_by(director), team_led_by(director2)
    return {
        "admin": persona("admin"),
        "director": director,
        "lan": persona("lan", team=team_a),
        "hoa": persona("hoa", team=team_a),
        "director2": director2,
        "minh": persona("minh", team=team_b),
        "sales": persona("sales"),
        "planner": persona("planner"),
        "creative": persona("creative", department=make_creative_department()),
        "finance": persona("finance"),
    }


@pytest.fixture
def director(db):
    return persona("director")


@pytest.fixture
def director2(db):
    return persona("director2")


@pytest.fixture
def team_a(director):
    return team_led_by(director)


@pytest.fixture
def team_b(director2):
    return team_led_by(director2)


@pytest.fixture
def lan(team_a):
    return persona("lan", team=team_a)


@pytest.fixture
def hoa(team_a):
    return persona("hoa", team=team_a)


@pytest.fixture
def minh(team_b):
    return persona("minh", team=team_b)


@pytest.fixture
def sales(db):
    return persona("sales")


@pytest.fixture
def planner(db):
    return persona("planner")


@pytest.fixture
def creative_department(db):
    return make_creative_department()


@pytest.fixture
def creative(creative_department):
    return persona("creative", department=creative_department)


@pytest.fixture
def finance(db):
    return persona("finance")


@pytest.fixture
def admin(db):
    return persona("admin")


@pytest.fixture
def everyone(admin, director, lan, hoa, director2, minh, sales, planner, creative, finance):
    """All personas at once, by name."""
    return {
        "admin": admin,
        "director": director,
        "lan": lan,
        "hoa": hoa,
        "director2": director2,
        "minh": minh,
        "sales": sales,
        "planner": planner,
        "creative": creative,
        "finance": finance,
    }


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction around a whole module, for data made once for all its tests (as Django's
    `setUpTestData`): each test's own transaction becomes a savepoint inside it, so what a test
    writes is still undone after it, and the module's data is rolled back after its last test.
    A module-scoped fixture that makes data asks for `module_db`; its tests ask for `db`."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def client() -> Client:
    """The test client, speaking to an allowed host."""
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def login(client):
    """`login(user)` signs the test client in as that persona and returns the client."""

    def sign_in(user) -> Client:
        client.force_login(user)
        return client

    return sign_in
