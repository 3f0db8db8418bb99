"""Who may work leads, opportunities, the pipeline's stages and hand-overs."""

from kam.clients.models import Client
from kam.clients.permissions import can_change_client, directs
from kam.clients.queries import clients_visible_to
from kam.core import access
from kam.growth.models import Handover, Lead, Opportunity
from kam.people.models import User


def can_create_lead(user: User) -> bool:
    """Sales hunts; Directors and admins may log a lead for them."""
    return access.is_sales(user) or access.is_director(user) or access.is_admin(user)


def can_change_lead(user: User, lead: Lead) -> bool:
    """The lead's owner, any Director (leads come before any team has the client) and admins."""
    return access.is_signed_in(user) and (
        lead.owner_id == user.pk or access.is_director(user) or access.is_admin(user)
    )


def can_give_leads(user: User) -> bool:
    """Naming another salesperson as a lead's owner is a Director's (or an admin's) call."""
    return access.is_director(user) or access.is_admin(user)


def can_open_opportunities(user: User) -> bool:
    """Who grows clients or wins new ones: KAMs, Directors, Sales and admins."""
    return (
        access.is_kam(user)
        or access.is_director(user)
        or access.is_sales(user)
        or access.is_admin(user)
    )


def can_open_opportunity_on(user: User, client: Client) -> bool:
    """Who changes the client grows it; Sales may open one on a client they see (a cross-sell
    they spotted), which they then own."""
    if can_change_client(user, client):
        return True
    return access.is_sales(user) and clients_visible_to(user).filter(pk=client.pk).exists()


def can_change_opportunity(user: User, opportunity: Opportunity) -> bool:
    """Its owner, whoever changes its client (owner KAM, KAMs on the team, their Director) and
    admins move it along, win it or lose it."""
    if not access.is_signed_in(user):
        return False
    return opportunity.owner_id == user.pk or can_change_client(user, opportunity.client)


def can_manage_stages(user: User) -> bool:
    """The pipeline's stages and their probabilities are the agency's: admins keep them."""
    return access.is_admin(user)


def can_hand_over(user: User, client: Client) -> bool:
    """The client's owner hands it over (Sales, who won it), or an admin or Director for them."""
    return access.is_signed_in(user) and (
        client.owner_id == user.pk or access.is_admin(user) or directs(user, client)
    )


def can_change_handover(user: User, handover: Handover) -> bool:
    """Who handed it over rewrites it (to answer the KAM's question), while it is open."""
    return handover.is_open and (handover.from_user_id == user.pk or access.is_admin(user))


def can_answer_handover(user: User, handover: Handover) -> bool:
    """The receiving KAM accepts it or sends it back (an admin may, for them)."""
    return handover.is_open and (handover.to_kam_id == user.pk or access.is_admin(user))
