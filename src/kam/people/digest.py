"""The people app's part of the daily digest."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kam.core.digest import DigestSection
from kam.people.models import User
from kam.people.queries import tokens_created_since


def new_tokens_section(user: User, since: datetime) -> DigestSection | None:
    """Tokens created on the person's login lately: a key they did not make is a warning sign."""
    tokens = tokens_created_since(user, since)
    if not tokens:
        return None
    return DigestSection(
        title=_("New API tokens on your login"),
        lines=[
            _("%(name)s, created %(when)s")
            % {
                "name": token.name,
                "when": date_format(timezone.localtime(token.created_at), "DATETIME_FORMAT"),
            }
            for token in tokens
        ],
    )
