"""The role and team primitives of the access policy. Every app builds its
`<noun>s_visible_to(user)` queries and `can_<verb>_<noun>` predicates on these, and nothing else
decides who may see or change what."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kam.people.models import User


def is_signed_in(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user: User) -> bool:
    return is_signed_in(user) and user.is_superuser


def is_director(user: User) -> bool:
    """An Account Director: sees the teams they lead and everything of those teams."""
    return is_signed_in(user) and user.is_director


def is_kam(user: User) -> bool:
    """A Key Account Manager: sees their own team's people and, later, its clients."""
    return is_signed_in(user) and user.is_kam


def is_finance(user: User) -> bool:
    """Finance: every money document; clients read-only."""
    return is_signed_in(user) and user.is_finance


def is_sales(user: User) -> bool:
    """Sales: hunts new clients through leads and hands the won ones to a KAM."""
    return is_signed_in(user) and user.is_sales
