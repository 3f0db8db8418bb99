"""Who may work briefs, creative briefs, ideas, reviews, proposals and pitches, and who sees
their money. A brief's team is its client's account team, the Planner of its creative brief and
the people brought onto it; those who see the client (and the Planner) see the money, the others
(a department's creative) see the brief and the ideas without a figure."""

from kam.clients.models import Client, ClientTeamMember
from kam.clients.permissions import can_approve_terms_of, can_change_client
from kam.clients.queries import clients_visible_to
from kam.core import access
from kam.people.models import User
from kam.pitching.models import Brief, BriefMember, CreativeBrief, Idea, Proposal


def sees_proposals(user: User) -> bool:
    """Everyone but a department member with no other role (proposals are all money)."""
    return access.is_signed_in(user) and (
        user.is_kam
        or user.is_director
        or user.is_sales
        or user.is_planner
        or user.is_finance
        or user.is_superuser
    )


def can_record_briefs(user: User) -> bool:
    """Who records briefs at all: KAMs, Directors, admins, and Sales (a prospect they are
    winning may send one before the hand-over)."""
    return (
        access.is_kam(user)
        or access.is_director(user)
        or access.is_admin(user)
        or access.is_sales(user)
    )


def can_create_brief_on(user: User, client: Client) -> bool:
    """Whoever changes the client records its briefs: its KAMs, their Director, admins."""
    return can_change_client(user, client)


def can_change_brief(user: User, brief: Brief) -> bool:
    return can_change_client(user, brief.client)


def is_brief_planner(user: User, brief: Brief) -> bool:
    creative = getattr(brief, "creative_brief", None)
    return creative is not None and creative.planner_id == user.pk


def can_see_money_of(user: User, brief: Brief) -> bool:
    """Budgets, costs, prices and margins: for those who see the client, and its Planner."""
    if not access.is_signed_in(user):
        return False
    return is_brief_planner(user, brief) or (
        clients_visible_to(user).filter(pk=brief.client_id).exists()
    )


def is_on_brief_team(user: User, brief: Brief) -> bool:
    """The client's owner and account team, the brief's Planner and the people added to it."""
    if not access.is_signed_in(user):
        return False
    return (
        brief.client.owner_id == user.pk
        or is_brief_planner(user, brief)
        or BriefMember.objects.filter(brief=brief, user=user).exists()
        or ClientTeamMember.objects.filter(client_id=brief.client_id, user=user).exists()
    )


def can_contribute_to(user: User, brief: Brief) -> bool:
    """Adding and reviewing ideas: the brief's team, and whoever may change the brief."""
    return brief.is_open and (is_on_brief_team(user, brief) or can_change_brief(user, brief))


def can_change_creative_brief(user: User, creative: CreativeBrief) -> bool:
    """Its Planner writes it; the KAMs who handed it over may correct it."""
    return creative.brief.is_open and (
        creative.planner_id == user.pk or can_change_brief(user, creative.brief)
    )


def can_change_idea(user: User, idea: Idea) -> bool:
    """Its author, and whoever may change the brief, while the brief is open."""
    return idea.brief.is_open and (idea.author_id == user.pk or can_change_brief(user, idea.brief))


def can_shortlist(user: User, brief: Brief) -> bool:
    """The review's call: the KAMs and the brief's Planner."""
    return brief.is_open and (can_change_brief(user, brief) or is_brief_planner(user, brief))


def can_change_proposal(user: User, proposal: Proposal) -> bool:
    """The KAM side writes, prices, sends and closes the proposal."""
    return can_change_brief(user, proposal.brief)


def can_present(user: User, proposal: Proposal) -> bool:
    """Pitches are planned by the KAMs and the Planner who co-presents."""
    return can_change_proposal(user, proposal) or is_brief_planner(user, proposal.brief)


def can_approve_margin(user: User, proposal: Proposal) -> bool:
    """A margin under the floor is an exception: the Director of the client's owner (or an admin)
    approves it, as they approve special terms."""
    return can_approve_terms_of(user, proposal.brief.client)
