"""Two people converting the same lead at the same moment (PostgreSQL, where the row lock is
what serialises them): one conversion, one client, one opportunity; the other is told."""

import threading

import pytest
from django.db import connection, connections

from kam.clients.models import Client
from kam.core.errors import InvalidTransition
from kam.growth import services
from kam.growth.models import Lead, Opportunity
from tests.growth.factories import LeadFactory, ensure_default_stages

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
]


def at_once(*calls) -> list:
    """Run each call in its own thread and connection, released together; their outcomes."""
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # the outcome is what the test reads
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_people_converting_one_lead_at_once_make_one_client(sales, director):
    ensure_default_stages()
    lead = LeadFactory(owner=sales, company_name="Công ty TNHH Song Song", status="qualified")
    for _round in range(5):
        outcomes = at_once(
            lambda: services.convert_lead(by=sales, lead=lead),
            lambda: services.convert_lead(by=director, lead=lead),
        )
        if _round == 0:
            opportunities = [o for o in outcomes if isinstance(o, Opportunity)]
            refusals = [o for o in outcomes if isinstance(o, InvalidTransition)]
            assert (len(opportunities), len(refusals)) == (1, 1), outcomes
        else:  # converted already: both are refused
            assert all(isinstance(o, InvalidTransition) for o in outcomes), outcomes
    assert Client.objects.count() == 1 and Opportunity.objects.count() == 1
    assert Lead.objects.get().status == "converted"
