"""System checks of the people app: production refuses to run with demo passwords."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from kam.core.seed import DEMO_LOGINS
from kam.people.models import User

DEMO_USERNAMES = [username for username, _description in DEMO_LOGINS]


@register(Tags.database)
def demo_passwords_check(app_configs, databases=None, **kwargs) -> list[Error]:
    """Under KAM_ENV=production, no active demo login may still sign in with the demo password.
    A database check: it runs when `check --database default` asks, as `kam serve` does."""
    if not settings.PRODUCTION or not databases:
        return []
    try:
        demo_users = list(User.objects.filter(username__in=DEMO_USERNAMES, is_active=True))
    except DatabaseError:
        return []  # not migrated yet: no users at all
    return [
        Error(
            f"The user {user.username!r} still has the demo password.",
            hint="Set a real password (kam changepassword) or deactivate the user.",
            id="kam.E001",
        )
        for user in demo_users
        if user.check_password(settings.DEMO_PASSWORD)
    ]
