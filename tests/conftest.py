"""Personas of every test (ARCHITECTURE.md): lan (KAM, team A), hoa (her teammate), minh (KAM,
team B), director (leads A), director2 (leads B), sales, planner, creative (department member),
finance, admin; and the anonymous visitor, which is the plain `client`."""

import atexit
import shutil
import tempfile

import pytest
from django.test import Client

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


@pytest.fixture
def director(db):
    return UserFactory(username="director", full_name="Trần Minh Đức", is_director=True)


@pytest.fixture
def director2(db):
    return UserFactory(username="director2", full_name="Võ Thanh Hải", is_director=True)


@pytest.fixture
def team_a(director):
    return TeamFactory(name="Nhóm A", leader=director)


@pytest.fixture
def team_b(director2):
    return TeamFactory(name="Nhóm B", leader=director2)


@pytest.fixture
def lan(team_a):
    return UserFactory(username="lan", full_name="Nguyễn Thị Lan", is_kam=True, team=team_a)


@pytest.fixture
def hoa(team_a):
    return UserFactory(username="hoa", full_name="Lê Thu Hoa", is_kam=True, team=team_a)


@pytest.fixture
def minh(team_b):
    return UserFactory(username="minh", full_name="Đặng Văn Minh", is_kam=True, team=team_b)


@pytest.fixture
def sales(db):
    return UserFactory(username="sales", full_name="Bùi Ngọc Sơn", is_sales=True)


@pytest.fixture
def planner(db):
    return UserFactory(username="planner", full_name="Phan Thảo Vy", is_planner=True)


@pytest.fixture
def creative_department(db):
    return DepartmentFactory(code="creative", name="Sáng tạo", name_en="Creative")


@pytest.fixture
def creative(creative_department):
    return UserFactory(
        username="creative", full_name="Hoàng Gia Bảo", department=creative_department
    )


@pytest.fixture
def finance(db):
    return UserFactory(username="finance", full_name="Đỗ Thị Hằng", is_finance=True)


@pytest.fixture
def admin(db):
    return UserFactory(
        username="admin", full_name="Phạm Quốc Anh", is_superuser=True, is_staff=True
    )


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
