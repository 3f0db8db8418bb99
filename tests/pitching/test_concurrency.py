"""Two people acting on one proposal at the same moment (PostgreSQL, where the proposal's row
lock is what serialises them): one version sent, one revision, one approval; the other is told,
and nothing is half-saved."""

import pytest
from django.db import connection

from kam.core.errors import DomainError, InvalidTransition
from kam.core.models import AuditEvent
from kam.pitching import services
from kam.pitching.models import Proposal, ProposalVersion
from tests.clients.factories import ClientFactory
from tests.growth.test_concurrency import at_once
from tests.pitching.factories import open_proposal, price, shortlisted_brief

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL"
    ),
]


@pytest.fixture
def priced(lan, director):
    """A proposal on lan's client with a draft version at a 25 % margin."""
    proposal = open_proposal(by=lan, client=ClientFactory(owner=lan))
    price(proposal.versions.get(), by=lan, cost=750, price=1000)
    return proposal


def test_two_people_sending_one_version_at_once_send_it_once(lan, director, priced):
    version = priced.versions.get()
    outcomes = at_once(
        lambda: services.send_version(by=lan, version=version),
        lambda: services.send_version(by=director, version=version),
    )
    sent = [o for o in outcomes if isinstance(o, ProposalVersion)]
    refused = [o for o in outcomes if isinstance(o, InvalidTransition)]
    assert (len(sent), len(refused)) == (1, 1), outcomes
    assert AuditEvent.objects.filter(verb="version.sent").count() == 1


def test_two_people_revising_at_once_start_one_new_version(lan, director, priced):
    services.send_version(by=lan, version=priced.versions.get())
    outcomes = at_once(
        lambda: services.revise_proposal(by=lan, proposal=priced),
        lambda: services.revise_proposal(by=director, proposal=priced),
    )
    made = [o for o in outcomes if isinstance(o, ProposalVersion)]
    assert len(made) == 1 and isinstance(next(o for o in outcomes if o not in made), DomainError)
    assert list(priced.versions.values_list("number", flat=True)) == [1, 2]
    assert made[0].lines.count() == 1


def test_approving_at_once_approves_once(lan, director, priced):
    services.send_version(by=lan, version=priced.versions.get())
    outcomes = at_once(
        lambda: services.approve_proposal(by=lan, proposal=priced),
        lambda: services.approve_proposal(by=director, proposal=priced),
    )
    assert sum(isinstance(o, Proposal) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, InvalidTransition) for o in outcomes) == 1, outcomes
    assert AuditEvent.objects.filter(verb="proposal.approved").count() == 1


def test_a_shortlisted_idea_cannot_leave_while_the_proposal_is_made(lan):
    """Creating the proposal and dropping one of its three ideas race on the brief's lock:
    either the proposal is made on three ideas (and the idea stays), or the idea leaves first
    and the proposal is refused."""
    for _round in range(3):
        brief = shortlisted_brief(client=ClientFactory(owner=lan))
        idea = brief.ideas.filter(is_shortlisted=True).first()
        proposal, dropped = at_once(
            lambda brief=brief: services.create_proposal(by=lan, brief=brief),
            lambda idea=idea: services.drop_from_shortlist(by=lan, idea=idea),
        )
        made, left = isinstance(proposal, Proposal), not isinstance(dropped, Exception)
        assert made != left, (proposal, dropped)  # exactly one of them
        if made:
            assert proposal.versions.get().ideas.count() == 3
