from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kam.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models import Field, ForeignObject
        from django.db.models.signals import post_migrate

        from kam.core import checks, jobs  # noqa: F401 - registers checks and periodic jobs
        from kam.core.agenda import today_section
        from kam.core.api import name_choices_after_their_models
        from kam.core.choices import read_labels_from_a_dict
        from kam.core.digest import register_section
        from kam.core.navigation import NavEntry, add_entry
        from kam.core.queries import AnyOf
        from kam.core.search import ensure_search_indexes

        # Once per `migrate`, after every app's tables are there (core's signal is enough).
        post_migrate.connect(ensure_search_indexes, sender=self)
        # Every model is loaded by now, and no API schema is built yet.
        name_choices_after_their_models()
        read_labels_from_a_dict()
        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # relations read only their own lookups

        add_entry(NavEntry(label=_("Today"), url_name="core:home", order=0))
        register_section(today_section)
