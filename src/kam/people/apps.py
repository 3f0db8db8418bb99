from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kam.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from kam.core import audit
        from kam.core.digest import register_section
        from kam.core.navigation import NavEntry, add_entry
        from kam.people import checks, digest, jobs, services  # noqa: F401 - registers checks, jobs

        organisation = _("Organisation")
        add_entry(
            NavEntry(label=_("Teams"), url_name="people:team_list", order=800, group=organisation)
        )
        add_entry(
            NavEntry(label=_("People"), url_name="people:user_list", order=810, group=organisation)
        )
        add_entry(
            NavEntry(
                label=_("Departments"),
                url_name="people:department_list",
                order=820,
                group=organisation,
            )
        )
        audit.describe_verbs(services.VERB_LABELS)
        register_section(digest.new_tokens_section)
