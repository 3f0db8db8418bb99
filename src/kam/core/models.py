from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which record, when, and which fields changed from what to what."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(_("record"), max_length=300)
    verb = models.CharField(_("action"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.subject_label}"

    @property
    def verb_label(self) -> str:
        from kam.core.audit import verb_label  # audit imports this module

        return str(verb_label(self.verb))

    @property
    def readable_changes(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) in the reader's language: yes/no for flags, the label
        of a choice, "—" for nothing."""
        model = self.subject_type.model_class()
        rows = []
        for name, (before, after) in self.changes.items():
            try:
                field = model._meta.get_field(name) if model else None
            except FieldDoesNotExist:
                field = None
            label = capfirst(_field_label(field, name))
            rows.append((label, _readable(field, before), _readable(field, after)))
        return rows


def _field_label(field, name: str) -> str:
    if field is None:
        return name
    if field.is_relation and not hasattr(field, "verbose_name"):  # a reverse relation
        return str(field.related_model._meta.verbose_name)
    return str(field.verbose_name)


def _readable(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
    return str(choices.get(value, value))
