"""`field__any_of=subquery` (kam.core.queries.AnyOf) selects what `field__in` selects."""

import pytest
from django.db import connection
from django.db.models import Q

from kam.clients.models import Client, Interaction
from tests.insights.factories import client_of, contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def interactions(lan, hoa):
    """Two clients of lan's and one of hoa's, each with a call and a meeting."""
    for client in (client_of(lan), client_of(lan), client_of(hoa)):
        contact(client, days_ago=3, kind=Interaction.Kind.CALL)
        contact(client, days_ago=1, kind=Interaction.Kind.MEETING)
    return Interaction.objects.all()


def same_rows(queryset_a, queryset_b) -> bool:
    return sorted(queryset_a.values_list("pk", flat=True)) == sorted(
        queryset_b.values_list("pk", flat=True)
    )


def test_a_relation_matches_as_in_does_alone_and_in_an_or(interactions, lan):
    lans = Client.objects.filter(owner=lan)
    alone = interactions.filter(client__any_of=lans)
    assert alone.count() == 4
    assert same_rows(alone, interactions.filter(client__in=lans))
    calls = Q(kind=Interaction.Kind.CALL)
    either = interactions.filter(calls | Q(client__any_of=lans))
    assert either.count() == 5
    assert same_rows(either, interactions.filter(calls | Q(client__in=lans)))


def test_a_key_matches_the_values_of_a_subquery(interactions, hoa):
    hoas = interactions.filter(client__owner=hoa).values("client_id")
    matched = Client.objects.filter(pk__any_of=hoas)
    assert matched.count() == 1
    assert same_rows(matched, Client.objects.filter(pk__in=hoas))


def test_nothing_to_match_selects_nothing(interactions):
    assert not interactions.filter(client__any_of=Client.objects.none()).exists()
    nobody = Client.objects.filter(legal_name="no such client")
    assert not interactions.filter(client__any_of=nobody).exists()
    assert interactions.exclude(client__any_of=nobody).count() == 6


def test_a_list_of_values_is_an_in(interactions):
    first = Client.objects.order_by("pk").first()
    assert list(Client.objects.filter(pk__any_of=[first.pk])) == [first]


def test_postgresql_reads_the_subquery_once_as_an_array(db):
    sql = str(Interaction.objects.filter(client__any_of=Client.objects.all()).query)
    if connection.vendor == "postgresql":
        assert '"client_id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"client_id" IN (SELECT' in sql
