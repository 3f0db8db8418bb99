"""Reads of the core's own records."""

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import In
from django.db.models.sql import Query

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


class AnyOf(In):
    """`client__any_of=clients_visible_to(user)`: `IN (subquery)` as PostgreSQL plans it well
    for the visibility filters. There it is `= ANY(ARRAY(subquery))`: the subquery runs once,
    before the rows are read, and its ids reach the indexes — where `IN (subquery)`, ORed with
    another condition ("mine, or of a client I see"), is a filter PostgreSQL applies to every
    row of the table (lan's pipeline read all 30,000 opportunities for her 500). Elsewhere, and
    for a list of values, it is `IN`."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        if not isinstance(self.rhs, Query):
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
