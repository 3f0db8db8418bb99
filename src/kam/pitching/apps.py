from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PitchingConfig(AppConfig):
    name = "kam.pitching"
    label = "pitching"
    verbose_name = _("Briefs and proposals")

    def ready(self) -> None:
        from kam.core import agenda, audit
        from kam.core.navigation import NavEntry, add_entry
        from kam.pitching import permissions, queries, services

        add_entry(NavEntry(label=_("Briefs"), url_name="pitching:brief_list", order=300))
        add_entry(
            NavEntry(
                label=_("Proposals"),
                url_name="pitching:proposal_list",
                order=310,
                shown_to=permissions.sees_proposals,
            )
        )
        audit.describe_verbs(services.VERB_LABELS)
        agenda.register(queries.agenda_items)
