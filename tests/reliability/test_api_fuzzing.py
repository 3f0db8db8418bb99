"""Schemathesis generates requests for every API operation from the OpenAPI document and checks
the answers: never a 5xx, always the documented shape. Seeded and budgeted, so the normal suite
stays fast and repeatable; KAM_FUZZ_CASES sets a larger budget (.ci/run's reliability report
runs 100 per operation)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kam.people import services
from kam.wsgi import application
from tests.conftest import make_everyone

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CASES_PER_OPERATION = int(os.environ.get("KAM_FUZZ_CASES", "25"))


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's request signals would close the
    database connection after each request, inside the test's transaction; Django's own test
    client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def admin_key(module_db):
    """An admin's key, so generated requests reach the code behind the access checks; the
    personas are made once for the module (each operation's cases run in a savepoint)."""
    _token, key = services.create_api_token(by=make_everyone()["admin"], name="fuzz")
    return key


@schema.parametrize()
@settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_api_operation_survives_generated_input(case, admin_key, db):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {admin_key}", "Host": "127.0.0.1"},
        # Business rules may refuse schema-valid input (an unknown team, a taken username);
        # every other check holds: no 5xx, documented statuses, shapes and content types,
        # and input that breaks the schema is refused.
        excluded_checks=[positive_data_acceptance],
    )
