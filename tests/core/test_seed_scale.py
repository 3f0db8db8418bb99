"""`kam seed --scale medium|large`: the demo plus bulk volume, exact in its totals and
deterministic; tried here on a small scale with the same code path."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max
from django.utils import timezone

from kam.clients import queries
from kam.clients.models import Client, ClientTeamMember, Interaction, Stakeholder
from kam.core import seed
from kam.core.models import AuditEvent
from kam.core.search import fold
from kam.growth.models import Opportunity
from kam.people.models import Team, User
from tests.core.test_commands import undone

SMALL = seed.Volumes(
    users=45, teams=4, kams=9, clients=90, key_clients=20, stakeholders=400,
    interactions=2_500, history_days=200, opportunities=300, briefs=60, ideas=240, proposals=40,
    contracts=30, projects=36, tasks=400, bookings=80, cost_lines=1_500, time_entries=300,
    invoices=900, payments=1_200, surveys=30, health_history_days=30,
)  # fmt: skip


@pytest.fixture
def small_scale(monkeypatch):
    monkeypatch.setitem(seed.SCALES, "medium", SMALL)


def seed_small(number: int = 2026) -> str:
    out = io.StringIO()
    call_command("seed", scale="medium", seed=number, stdout=out)
    return out.getvalue()


def test_spread_splits_a_total_exactly_by_weight():
    assert seed.spread(10, [1, 1, 3]) == [2, 2, 6]
    assert sum(seed.spread(1_000_003, [6, 2, 1, 1, 1])) == 1_000_003
    assert seed.spread(0, [5, 1]) == [0, 0]


def test_a_scale_holds_exactly_its_volumes(db, small_scale):
    output = seed_small()
    assert User.objects.count() == SMALL.users
    assert Team.objects.count() == SMALL.teams
    assert User.objects.filter(is_kam=True).count() == SMALL.kams
    assert Client.objects.count() == SMALL.clients
    assert Client.objects.filter(tier="key").count() == SMALL.key_clients
    assert Stakeholder.objects.count() == SMALL.stakeholders
    assert Interaction.objects.count() == SMALL.interactions
    assert Opportunity.objects.count() == SMALL.opportunities
    assert "interactions     [##########]" in output
    assert "seeded in" in output


def test_the_volume_spreads_clients_over_every_kam_and_team(db, small_scale):
    seed_small()
    # Sales' prospects from the demo's converted leads aside: every KAM owns clients.
    owners = Client.objects.filter(owner__is_kam=True).values("owner").annotate(n=Count("pk"))
    assert owners.count() == SMALL.kams
    assert min(row["n"] for row in owners) >= SMALL.clients // SMALL.kams - 6
    # Every team but the demo's has a Director leading it and KAMs in it.
    for team in Team.objects.select_related("leader"):
        assert team.leader.is_director
        assert team.members.filter(is_kam=True).exists(), team
    # The demo logins are as they were: lan still signs in and still owns her demo clients.
    assert Client.objects.filter(owner__username="lan", short_name="Sữa Việt").exists()


def test_bulk_rows_are_findable_and_whole(db, small_scale):
    seed_small()
    admin = User.objects.get(username="admin")
    bulk_client = Client.objects.order_by("-pk").first()
    # Searchable text is filled although bulk inserts skip save(): found without accents.
    unaccented = fold(bulk_client.short_name)
    assert unaccented != bulk_client.short_name.lower()
    assert bulk_client in queries.clients_for_list(admin, search=unaccented)
    assert not Client.objects.filter(search_text="").exists()
    assert not Stakeholder.objects.filter(search_text="").exists()
    assert not Interaction.objects.filter(search_text="").exists()
    # Each bulk client has its creation in its history, and key clients a planner on the team.
    assert AuditEvent.objects.filter(verb="client.created").count() == SMALL.clients
    assert ClientTeamMember.objects.filter(role="planner").count() >= SMALL.key_clients - 8
    # Every interaction has the owner and at least one of the client's own stakeholders.
    unlinked = Interaction.objects.annotate(n=Count("stakeholders")).filter(n=0)
    assert not unlinked.exclude(client__stakeholders__isnull=True).exists()
    foreign = Interaction.stakeholders.through.objects.exclude(
        stakeholder__client=F("interaction__client")
    )
    assert not foreign.exists()


def test_some_key_clients_have_gone_quiet_and_most_have_not(db, small_scale):
    seed_small()
    quiet_before = timezone.now() - timedelta(days=30)
    key = Client.objects.filter(tier="key").annotate(last=Max("interactions__happened_at"))
    quiet = [client for client in key if client.last < quiet_before]
    assert 0 < len(quiet) < len(key) // 2
    flagged = queries.clients_for_list(User.objects.get(username="admin"), quiet_only=True)
    assert {client.pk for client in quiet} <= {client.pk for client in flagged}


def test_the_same_seed_gives_the_same_volume(db, small_scale):
    with undone():
        seed_small(7)
        first = list(
            Client.objects.order_by("pk").values_list("legal_name", "tax_code", "owner__username")
        )
        history = list(
            Interaction.objects.order_by("pk").values_list("summary", "client__legal_name")
        )
    seed_small(7)
    assert (
        list(Client.objects.order_by("pk").values_list("legal_name", "tax_code", "owner__username"))
        == first
    )
    assert (
        list(Interaction.objects.order_by("pk").values_list("summary", "client__legal_name"))
        == history
    )
