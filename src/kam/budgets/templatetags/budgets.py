"""Template helpers of the budget pages, and the one question earlier apps' pages ask before
loading a budgets panel: does this person see money at all? (The rule stays in
`budgets.permissions`; a department member, Sales or a Planner never gets the panel.)"""

from decimal import Decimal

from django import template

from kam.budgets import permissions, queries

register = template.Library()


@register.filter
def sees_budgets(user) -> bool:
    """{% if request.user|sees_budgets %}<section hx-get="…budgets panel…">{% endif %}"""
    return permissions.sees_budgets(user)


@register.filter
def bar(percent: Decimal | None) -> Decimal:
    """A used percentage as a progress bar draws it: from 0 to 100."""
    if percent is None:
        return Decimal(0)
    return min(max(Decimal(percent), Decimal(0)), Decimal(100))


@register.filter
def used_state(percent: Decimal | None) -> str:
    """`over` past 100%, `near` past the first warning threshold, else nothing."""
    if percent is None:
        return ""
    if percent > 100:
        return "over"
    thresholds = queries.thresholds()
    return "near" if thresholds and percent >= thresholds[0] else ""
