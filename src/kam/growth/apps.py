from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "kam.growth"
    label = "growth"
    verbose_name = _("Growth")

    def ready(self) -> None:
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry
        from kam.growth import jobs, queries, services  # noqa: F401 - registers periodic jobs

        add_entry(NavEntry(label=_("Pipeline"), url_name="growth:pipeline", order=200))
        add_entry(
            NavEntry(
                label=_("Leads"),
                url_name="growth:lead_list",
                order=210,
                shown_to=queries.sees_leads,
            )
        )
        add_entry(NavEntry(label=_("Hand-overs"), url_name="growth:handover_list", order=220))
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
