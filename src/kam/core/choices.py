"""Labels of fields with choices (`get_FOO_display`), read from a dict built once per field."""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def read_labels_from_a_dict() -> None:
    """Django's `get_FOO_display` rebuilds the field's {value: label} dict on every call, and
    building it hashes every lazily translated label, a translation lookup each: the client
    list's three columns of labels cost 1,100 lookups per page. kam's choices are fixed enums,
    so each field's dict is built once here; the labels in it stay lazy, so every request
    still reads them in its own language. A model's own `get_FOO_display` is left alone."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if field.choices is not None and isinstance(model.__dict__.get(name), partialmethod):
                labels = dict(make_hashable(field.flatchoices))
                setattr(model, name, partialmethod(_label, attname=field.attname, labels=labels))


def _label(instance: Model, *, attname: str, labels: dict):
    value = getattr(instance, attname)
    try:
        label = labels.get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field) is looked up as Django does
        label = labels.get(make_hashable(value), value)
    return force_str(label, strings_only=True)
