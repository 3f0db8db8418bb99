"""Who may change people, teams, departments and tokens."""

from kam.core import access
from kam.people.models import ApiToken, User


def can_manage_people(user: User) -> bool:
    """Users, teams and departments are set up by admins."""
    return access.is_admin(user)


def can_revoke_token(user: User, token: ApiToken) -> bool:
    """One's own tokens; an admin may revoke anybody's (a leaked key, a person leaving)."""
    return access.is_signed_in(user) and (token.user_id == user.pk or access.is_admin(user))
