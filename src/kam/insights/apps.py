from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "kam.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry
        from kam.insights import jobs, permissions, queries, services  # noqa: F401 - jobs

        add_entry(
            NavEntry(
                label=_("Dashboard"),
                url_name="insights:portfolio",
                order=20,
                shown_to=permissions.sees_insights,
            )
        )
        for label, url_name, order, shown_to in (
            (_("Team view"), "insights:team", 600, permissions.sees_team_view),
            (_("Targets"), "insights:target_list", 605, permissions.sees_insights),
            (_("Surveys"), "insights:survey_list", 610, permissions.sees_insights),
            (_("Account health"), "insights:health_list", 615, permissions.sees_insights),
        ):
            add_entry(
                NavEntry(
                    label=label,
                    url_name=url_name,
                    order=order,
                    shown_to=shown_to,
                    group=_("Insights"),
                )
            )
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
