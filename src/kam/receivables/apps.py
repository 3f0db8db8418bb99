from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "kam.receivables"
    label = "receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry
        from kam.receivables import jobs, permissions, queries, services  # noqa: F401 - jobs

        money = _("Money")
        for label, url_name, order in (
            (_("Receivables"), "receivables:ageing", 540),
            (_("Invoices"), "receivables:invoice_list", 545),
            (_("Payments"), "receivables:payment_list", 550),
            (_("Statements"), "receivables:statement_list", 555),
        ):
            add_entry(
                NavEntry(
                    label=label,
                    url_name=url_name,
                    order=order,
                    shown_to=permissions.sees_receivables,
                    group=money,
                )
            )
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
