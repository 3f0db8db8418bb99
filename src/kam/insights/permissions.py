"""Who sees and sets targets, who sees commission, who sends surveys and sees health.

A Director sets and adjusts the targets of the teams they lead and of those teams' KAMs (an
admin any). A KAM sees their own targets and their team's; Finance sees every target, since it
follows invoiced and collected revenue. Commission is private: the KAM, their Director and
Finance (and admins). Surveys and health go with the client: whoever sees the client sees its
health and survey answers, and its KAM side sends surveys."""

from kam.clients.models import Client
from kam.clients.permissions import can_change_client
from kam.core import access
from kam.people.models import Team, User


def sees_insights(user: User) -> bool:
    """The Today page, the dashboards and targets: the KAM side, Finance and admins."""
    return access.is_signed_in(user) and (
        user.is_kam or user.is_director or user.is_finance or user.is_superuser
    )


def can_set_targets(user: User) -> bool:
    return access.is_admin(user) or access.is_director(user)


def can_set_target_for(user: User, *, kam: User | None = None, team: Team | None = None) -> bool:
    """A Director for the teams they lead and those teams' KAMs; an admin for anyone."""
    if access.is_admin(user):
        return True
    if not access.is_director(user):
        return False
    if kam is not None:
        return kam.is_kam and kam.team is not None and kam.team.leader_id == user.pk
    return team is not None and team.leader_id == user.pk


def sees_commission_of(user: User, kam: User) -> bool:
    """Only the KAM, the Director of their team, Finance and admins."""
    if not access.is_signed_in(user):
        return False
    if user.pk == kam.pk or access.is_finance(user) or access.is_admin(user):
        return True
    return access.is_director(user) and kam.team is not None and kam.team.leader_id == user.pk


def sees_team_view(user: User) -> bool:
    """The Director's team view: Directors (their teams), admins (every team)."""
    return access.is_director(user) or access.is_admin(user)


def can_send_survey(user: User, client: Client) -> bool:
    """The client's KAM side (owner, account team KAMs, their Director) and admins."""
    return can_change_client(user, client)


def can_follow_up_survey(user: User, client: Client) -> bool:
    return can_change_client(user, client)
