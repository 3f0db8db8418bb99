from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "kam.budgets"
    label = "budgets"
    verbose_name = _("Budgets")

    def ready(self) -> None:
        from kam.budgets import jobs, permissions, queries, services  # noqa: F401 - registers jobs
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry

        # The money pages share one menu of the bar; the timesheet, everyone's, stands alone.
        money = _("Money")
        for label, url_name, order, shown_to in (
            (_("Budgets"), "budgets:budget_list", 500, permissions.sees_budgets),
            (_("Margin approvals"), "budgets:approval_list", 505, permissions.sees_budgets),
            (_("Profitability"), "budgets:profitability", 510, permissions.sees_profitability),
            (_("Books"), "budgets:books", 530, permissions.can_keep_the_books),
        ):
            add_entry(
                NavEntry(
                    label=label, url_name=url_name, order=order, shown_to=shown_to, group=money
                )
            )
        add_entry(NavEntry(label=_("My time"), url_name="budgets:timesheet", order=520))
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
