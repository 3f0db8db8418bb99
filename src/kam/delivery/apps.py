from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "kam.delivery"
    label = "delivery"
    verbose_name = _("Contracts and projects")

    def ready(self) -> None:
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry
        from kam.delivery import permissions, queries, services

        add_entry(
            NavEntry(
                label=_("Contracts"),
                url_name="delivery:contract_list",
                order=400,
                shown_to=permissions.sees_contracts,
            )
        )
        add_entry(
            NavEntry(
                label=_("Projects"),
                url_name="delivery:project_list",
                order=410,
                shown_to=permissions.sees_projects,
            )
        )
        add_entry(NavEntry(label=_("Tasks"), url_name="delivery:task_queue", order=420))
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
