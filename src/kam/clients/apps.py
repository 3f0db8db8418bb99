from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "kam.clients"
    label = "clients"
    verbose_name = _("Clients")

    def ready(self) -> None:
        from kam.clients import jobs, queries, services  # noqa: F401 - registers periodic jobs
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry

        add_entry(NavEntry(label=_("Clients"), url_name="clients:client_list", order=100))
        add_entry(NavEntry(label=_("Requests"), url_name="clients:request_list", order=110))
        add_entry(
            NavEntry(
                label=_("Services"),
                url_name="clients:service_list",
                order=830,
                group=_("Organisation"),
            )
        )
        add_entry(NavEntry(label=_("Search"), url_name="clients:search", order=900))
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
