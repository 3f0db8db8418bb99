"""The one audit mechanism: every service that changes a record calls `record_event` in its
transaction, so the history on a record's page says who changed what, when, from what to what."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from kam.core.models import AuditEvent

Snapshot = dict[str, Any]


def _plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value (related records by their name)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> Snapshot:
    """The readable values of `fields` on `obj`, taken before a change to compare after it."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Snapshot, after: Snapshot) -> dict[str, list[Any]]:
    """The fields whose value differs, as {field: [before, after]}."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def created(after: Snapshot) -> dict[str, list[Any]]:
    """A new record's changes: the fields given a value, as {field: [None, value]}."""
    return {name: [None, value] for name, value in after.items() if value not in (None, "", False)}


def record_event(
    *, subject: models.Model, verb: str, by: Any, changes: dict | None = None
) -> AuditEvent:
    """Write one audit event; call it inside the service's transaction."""
    return AuditEvent.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        subject_label=str(subject)[:300],
        verb=verb,
        actor=by if by is not None and by.is_authenticated else None,
        changes=changes or {},
    )


def record_change(*, subject: models.Model, verb: str, by: Any, before: Snapshot, after: Snapshot):
    """Write an event for a change, if anything changed: no event without its change."""
    changes = diff(before, after)
    if changes:
        return record_event(subject=subject, verb=verb, by=by, changes=changes)
    return None


def history_of(
    subject: models.Model, limit: int = 50, exclude_verbs: list[str] | None = None
) -> QuerySet[AuditEvent]:
    """The newest events about one record, for its page; the caller has checked visibility."""
    events = AuditEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=str(subject.pk)
    )
    if exclude_verbs:
        events = events.exclude(verb__in=exclude_verbs)
    return events.select_related("actor", "subject_type")[:limit]


_VERB_LABELS: dict[str, Any] = {}


def describe_verbs(labels: dict[str, Any]) -> None:
    """Register the translatable labels of an app's audit verbs (called from AppConfig.ready)."""
    _VERB_LABELS.update(labels)


def verb_label(verb: str) -> Any:
    return _VERB_LABELS.get(verb, verb)
