"""Reads of the core's own records."""

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kam.core.models import AuditEvent


def recent_activity_of(user, limit: int = 10) -> QuerySet[AuditEvent]:
    """What the person did lately: only their own actions, so nothing leaks across teams."""
    return AuditEvent.objects.filter(actor=user).select_related("subject_type")[:limit]


def count_per_row(related: QuerySet, link: str) -> Coalesce:
    """How many of `related` (filtered on an OuterRef of the list's row, `link` the field
    holding it) each row has, as a subquery: counted for the page's rows only, where a Count
    over a join groups every row of the list before the page is cut from it."""
    counted = related.order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
