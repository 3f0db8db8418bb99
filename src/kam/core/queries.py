"""Reads of the core's own records."""

from django.db.models import QuerySet

from kam.core.models import AuditEvent


def recent_activity_of(user, limit: int = 10) -> QuerySet[AuditEvent]:
    """What the person did lately: only their own actions, so nothing leaks across teams."""
    return AuditEvent.objects.filter(actor=user).select_related("subject_type")[:limit]
