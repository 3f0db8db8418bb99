"""Template helpers of the receivables pages, and the one question earlier apps' pages ask
before loading a receivables panel: does this person see receivables at all? (The rule stays in
`receivables.permissions`; Sales, a Planner or a department member never gets the panel.)"""

from datetime import date

from django import template
from django.utils import timezone

from kam.receivables import permissions

register = template.Library()


@register.filter
def sees_receivables(user) -> bool:
    """{% if request.user|sees_receivables %}<section hx-get="…receivables panel…">{% endif %}"""
    return permissions.sees_receivables(user)


@register.filter
def days_overdue(due_on: date | None) -> int:
    """How many days past its due date an invoice is today (0 when not yet due)."""
    if due_on is None:
        return 0
    return max((timezone.localdate() - due_on).days, 0)
