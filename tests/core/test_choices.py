from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from kam.clients.models import Client


def fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.choices is not None:
                yield model, field


def test_every_label_reads_as_django_builds_it_in_both_languages():
    compared = 0
    for model, field in fields_with_choices():
        for value in [*(value for value, _ in field.flatchoices), "not-a-choice", None]:
            instance = model()
            setattr(instance, field.attname, value)
            for language in ("vi", "en"):
                with translation.override(language):
                    ours = getattr(instance, f"get_{field.name}_display")()
                    djangos = Model._get_FIELD_display(instance, field)
                    assert ours == djangos, (model, field.name, value, language)
                    compared += 1
    assert compared > 500  # kam's models have many fields with choices


def test_labels_follow_the_language_of_the_moment():
    client = Client(tier=Client.Tier.KEY)
    with translation.override("en"):
        english = client.get_tier_display()
    with translation.override("vi"):
        vietnamese = client.get_tier_display()
    assert english == "key"
    assert vietnamese != english


def test_the_labels_are_read_from_kams_dict():
    assert isinstance(Client.__dict__["get_tier_display"], partialmethod)
    assert Client.__dict__["get_tier_display"].func.__module__ == "kam.core.choices"
