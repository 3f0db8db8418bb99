"""Browser tests: pytest-playwright's `page` against pytest-django's `live_server`, on Debian's
Chromium (NOTES.md, "Browser tests")."""

import os
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django then refuses database
# access there ("You cannot call this from an async context"), including the session's test
# database set-up, which may come after the browser starts. So the check is off for the whole
# run once browser tests are collected; kam has no async code paths for it to protect.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

BROWSER_DIR = Path(__file__).parent
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # `playwright install` cannot download its own browser here: use the system's Chromium.
    # Without the networking flags Chromium tries to reach the internet and fails noisily.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def url(live_server) -> Callable[[str], str]:
    """`url("/people/")`: the address of a path on the live server."""
    return lambda path: f"{live_server.url}{path}"


@pytest.fixture
def sign_in(transactional_db, url, page: Page) -> Callable:
    """`sign_in(user)` signs in through the real form (on `page`, or the page given) and waits
    for the home page."""

    def sign_in_as(user, on: Page | None = None) -> Page:
        target = on or page
        target.goto(url("/login/"))
        target.fill("#id_username", user.username)
        target.fill("#id_password", PASSWORD)
        target.locator("form:has(#id_password) button[type=submit]").click()
        expect(target).to_have_url(url("/"))
        return target

    return sign_in_as


@pytest.fixture
def shots_dir() -> Path | None:
    """Where to save screenshots for a person to look at: set KAM_SHOTS_DIR (e.g.
    /tmp/kam-shots) to get them; nothing is written otherwise."""
    directory = os.environ.get("KAM_SHOTS_DIR")
    if not directory:
        return None
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def vat_rates(transactional_db):
    """Put the migration's VAT rates back: a transactional test may follow another that
    emptied every table."""
    from django.apps import apps

    from kam.receivables.models import VatRate

    if not VatRate.objects.exists():
        rates = import_module("kam.receivables.migrations.0002_immutable_documents_and_vat_rates")
        rates.add_vat_rates(apps, None)
