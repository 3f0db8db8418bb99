"""Who may create and change clients, their account teams, stakeholders and interactions."""

from kam.clients.models import Client, ClientRequest, Interaction, SpecialTerm
from kam.clients.queries import clients_visible_to
from kam.core import access
from kam.people.models import User


def can_create_client(user: User) -> bool:
    """KAMs, Directors and admins open clients (Sales hands theirs over: the growth app)."""
    return access.is_admin(user) or access.is_director(user) or access.is_kam(user)


def directs(user: User, client: Client) -> bool:
    """The Director of the owner's team."""
    owner_team = client.owner.team
    return access.is_director(user) and owner_team is not None and owner_team.leader_id == user.pk


def can_change_client(user: User, client: Client) -> bool:
    """The owner, the KAMs on the account team, their Director and admins change a client's
    details, team and stakeholders; others on the team read them and log interactions."""
    if not access.is_signed_in(user):
        return False
    if access.is_admin(user) or client.owner_id == user.pk or directs(user, client):
        return True
    return (
        access.is_kam(user)
        and client.team_members.filter(user=user, role__in=["kam", "executive"]).exists()
    )


def can_give_client_away(user: User, client: Client | None = None) -> bool:
    """Choosing a client's owner is the Director's call (or an admin's): any KAM for a new
    client, and for an existing one the Director of its owner's team."""
    if client is None or client.pk is None:
        return access.is_admin(user) or access.is_director(user)
    return access.is_admin(user) or directs(user, client)


def can_log_interaction(user: User, client: Client) -> bool:
    """Anyone who sees the client may log contact with it (Finance logs collection calls)."""
    return clients_visible_to(user).filter(pk=client.pk).exists()


def can_change_interaction(user: User, interaction: Interaction) -> bool:
    """Who recorded it, or who may change the client."""
    return interaction.recorded_by_id == user.pk or can_change_client(user, interaction.client)


def can_approve_terms_of(user: User, client: Client) -> bool:
    """Special terms bind the agency: the Director of the client's owner approves them."""
    return access.is_admin(user) or directs(user, client)


def can_approve_term(user: User, term: SpecialTerm) -> bool:
    return can_approve_terms_of(user, term.client)


def can_work_request(user: User, item: ClientRequest) -> bool:
    """The person it is assigned to, and whoever may change the client, move a request along."""
    return access.is_signed_in(user) and (
        item.assignee_id == user.pk or can_change_client(user, item.client)
    )


def can_manage_catalogue(user: User) -> bool:
    """The service catalogue is the agency's offer: admins keep it; everyone reads it."""
    return access.is_admin(user)
