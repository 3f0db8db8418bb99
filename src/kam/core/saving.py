"""How services write a record's fields: one way to assign input, validate and save, shared by
every app so that "no value", concurrent edits and unique-constraint races behave alike."""

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from kam.core.errors import DomainError


def nothing_for(field: models.Field):
    """What "no value" means for a field: None where it may be empty, "" for text that may be
    blank; anything else must have a value."""
    if field.null:
        return None
    if field.blank and isinstance(field, models.CharField | models.TextField):
        return ""
    raise DomainError(_("This field needs a value."), field=field.name)


def assign(obj: models.Model, fields: dict) -> None:
    """Set the given fields, text stripped and None read as the field's "no value"."""
    for name, value in fields.items():
        if value is None:
            value = nothing_for(obj._meta.get_field(name))
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def validated_save(
    obj: models.Model,
    *,
    field: str = "",
    message: str = "",
    update_fields: Iterable[str] | None = None,
    also: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> None:
    """Validate, then save: every field of a new record, only `update_fields` (plus the `also`
    they imply, and `updated_at`) of an existing one, so a concurrent change to another field is
    not written back. A unique-constraint race becomes `message` beside `field`, not a 500."""
    excluded = set(exclude)
    if update_fields is not None:
        update_fields = {*update_fields, *also}
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update_fields.add("updated_at")
        excluded |= {f.name for f in obj._meta.concrete_fields if f.name not in update_fields}
    try:
        with transaction.atomic():
            obj.full_clean(exclude=excluded)
            obj.save(update_fields=update_fields)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        # A constraint over an expression (case-insensitive username) reports no field name.
        raise DomainError(
            " ".join(messages), field=field if name == NON_FIELD_ERRORS else name
        ) from error
    except IntegrityError as error:
        raise DomainError(
            message or _("This record conflicts with another one."), field=field
        ) from error
